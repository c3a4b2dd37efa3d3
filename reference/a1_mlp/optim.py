"""Optimizers with PyTorch's update rules; step(params, grads) returns new arrays and never mutates its inputs."""
import numpy as np


class SGD:
    """SGD, optional momentum and L2 weight decay:
    g ← g + wd·θ;  v ← γv + η·g;  θ ← θ − v   (plain: θ ← θ − η·g)
    Nesterov (PyTorch form): v ← γv + η·g;  θ ← θ − (η·g + γv).
    """

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        """Store η, γ, the Nesterov flag and wd; velocities v are created on the first step."""
        self.lr, self.momentum, self.nesterov, self.weight_decay = lr, momentum, nesterov, weight_decay
        self.v = None

    def step(self, params, grads):
        """Return the updated parameters [θ₁', θ₂', ...]."""
        if self.v is None:
            self.v = [np.zeros_like(p, dtype=float) for p in params]
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            g = g + self.weight_decay * p
            if self.momentum == 0:
                new.append(p - self.lr * g)
                continue
            self.v[i] = self.momentum * self.v[i] + self.lr * g
            new.append(p - (self.lr * g + self.momentum * self.v[i]) if self.nesterov else p - self.v[i])
        return new


class Adagrad:
    """Adagrad: G ← G + g²;  θ ← θ − η·g/(√G + ε)."""

    def __init__(self, lr=0.01, eps=1e-10):
        """Store η and ε; the sums of squares G are created on the first step."""
        self.lr, self.eps = lr, eps
        self.G = None

    def step(self, params, grads):
        """Return the updated parameters."""
        if self.G is None:
            self.G = [np.zeros_like(p, dtype=float) for p in params]
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            self.G[i] = self.G[i] + g ** 2
            new.append(p - self.lr * g / (np.sqrt(self.G[i]) + self.eps))
        return new


class RMSprop:
    """RMSprop: s ← αs + (1−α)g²;  θ ← θ − η·g/(√s + ε)."""

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        """Store η, α and ε; the running squares s are created on the first step."""
        self.lr, self.alpha, self.eps = lr, alpha, eps
        self.s = None

    def step(self, params, grads):
        """Return the updated parameters."""
        if self.s is None:
            self.s = [np.zeros_like(p, dtype=float) for p in params]
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            self.s[i] = self.alpha * self.s[i] + (1 - self.alpha) * g ** 2
            new.append(p - self.lr * g / (np.sqrt(self.s[i]) + self.eps))
        return new


class Adam:
    """Adam with coupled L2 weight decay:
    g ← g + wd·θ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  θ ← θ − η·m̂/(√v̂ + ε),  t = 1, 2, ...
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        """Store η, (β₁, β₂), ε and wd; moments m, v are created on the first step, t = 0 until then."""
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m, self.v, self.t = None, None, 0

    def step(self, params, grads):
        """Return the updated parameters (t goes up by one per call)."""
        if self.m is None:
            self.m = [np.zeros_like(p, dtype=float) for p in params]
            self.v = [np.zeros_like(p, dtype=float) for p in params]
        self.t += 1
        b1, b2 = self.betas
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            g = g + self.weight_decay * p
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
            m_hat = self.m[i] / (1 - b1 ** self.t)
            v_hat = self.v[i] / (1 - b2 ** self.t)
            new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
        return new


class AdamW:
    """AdamW, decoupled weight decay: θ ← θ(1 − η·wd) first, then the Adam update with the raw g:
    m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε).
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        """Store η, (β₁, β₂), ε and wd; moments m, v are created on the first step, t = 0 until then."""
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m, self.v, self.t = None, None, 0

    def step(self, params, grads):
        """Return the updated parameters (t goes up by one per call)."""
        if self.m is None:
            self.m = [np.zeros_like(p, dtype=float) for p in params]
            self.v = [np.zeros_like(p, dtype=float) for p in params]
        self.t += 1
        b1, b2 = self.betas
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            p = p * (1 - self.lr * self.weight_decay)  # decay θ itself, g stays raw
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
            m_hat = self.m[i] / (1 - b1 ** self.t)
            v_hat = self.v[i] / (1 - b2 ** self.t)
            new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
        return new
