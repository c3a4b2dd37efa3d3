"""Element-wise activations f(x), their derivatives f'(x), and the row-wise softmax."""
import math

import numpy as np


def identity(x):
    """Identity f(x) = x."""
    return x


def identity_grad(x):
    """f'(x) = 1."""
    return np.ones_like(x, dtype=float)


def sigmoid(x):
    """Logistic sigmoid σ(x) = 1/(1+e^(−x)) = eˣ/(1+eˣ), stable for any |x|."""
    e = np.exp(-np.abs(x))  # e ≤ 1, so neither branch can overflow
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    """σ'(x) = σ(x)(1 − σ(x))."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    """tanh(x) = (eˣ − e^(−x))/(eˣ + e^(−x)) = 2σ(2x) − 1."""
    return np.tanh(x)


def tanh_grad(x):
    """tanh'(x) = 1 − tanh²(x)."""
    return 1 - np.tanh(x) ** 2


def relu(x):
    """ReLU(x) = max(0, x)."""
    return np.maximum(x, 0.0)


def relu_grad(x):
    """ReLU'(x) = 1 if x > 0 else 0 (0 at x = 0 by convention)."""
    return (x > 0) * 1.0


def leaky_relu(x, slope=0.01):
    """LeakyReLU(x) = x if x > 0 else slope·x."""
    return np.where(x > 0, x, slope * x)


def leaky_relu_grad(x, slope=0.01):
    """LeakyReLU'(x) = 1 if x > 0 else slope."""
    return np.where(x > 0, 1.0, slope)


def elu(x, alpha=1.0):
    """ELU(x) = x if x > 0 else α(eˣ − 1)."""
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))  # min: no overflow in the unused branch


def elu_grad(x, alpha=1.0):
    """ELU'(x) = 1 if x > 0 else α·eˣ."""
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def selu(x):
    """SELU(x) = λ·ELU_α(x) with λ = 1.0507009873554805, α = 1.6732632423543772."""
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    return lam * elu(x, alpha)


def selu_grad(x):
    """SELU'(x) = λ if x > 0 else λα·eˣ."""
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    return lam * elu_grad(x, alpha)


def gelu(x):
    """GELU(x) = x·Φ(x), Φ(x) = ½(1 + erf(x/√2)) the standard normal CDF (exact, not the tanh fit)."""
    erf = np.vectorize(math.erf, otypes=[float])
    return x * 0.5 * (1 + erf(x / math.sqrt(2)))


def gelu_grad(x):
    """GELU'(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)."""
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * (1 + erf(x / math.sqrt(2))) + x * np.exp(-0.5 * x ** 2) / math.sqrt(2 * math.pi)


def softplus(x):
    """softplus(x) = log(1 + eˣ), computed stably as logaddexp(0, x)."""
    return np.logaddexp(0, x)


def softplus_grad(x):
    """softplus'(x) = eˣ/(1 + eˣ) = σ(x)."""
    return sigmoid(x)


def softmax(z):
    """softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ) over the last axis; the row max is subtracted first (same result, no overflow)."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    """log softmax(z)ᵢ = zᵢ − m − log Σⱼ e^(zⱼ − m), m = maxⱼ zⱼ, over the last axis."""
    s = z - np.max(z, axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))
