"""Multi-layer perceptron built from Linear layers, and a small full-batch training loop."""
import numpy as np

from .activations import (elu, elu_grad, gelu, gelu_grad, identity, identity_grad, leaky_relu,
                          leaky_relu_grad, relu, relu_grad, selu, selu_grad, sigmoid, sigmoid_grad,
                          softplus, softplus_grad, tanh, tanh_grad)
from .layers import Linear
from .losses import softmax_cross_entropy_grad
from .optim import Adam


class MLP:
    """Logits = L_K ∘ f ∘ L_{K−1} ∘ ... ∘ f ∘ L_1 (x): Linear layers of sizes [D, H1, ..., C], activation f
    between them and none after the last."""

    def __init__(self, sizes, activation="relu", rng=None):
        """One Linear(sizes[k], sizes[k+1]) per consecutive pair, all drawn from one generator."""
        acts = {"identity": (identity, identity_grad), "sigmoid": (sigmoid, sigmoid_grad),
                "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad),
                "leaky_relu": (leaky_relu, leaky_relu_grad), "elu": (elu, elu_grad),
                "selu": (selu, selu_grad), "gelu": (gelu, gelu_grad),
                "softplus": (softplus, softplus_grad)}
        self.f, self.f_grad = acts[activation]
        rng = np.random.default_rng(rng)  # one generator, so layers get different weights
        self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def forward(self, x):
        """h₀ = x; zₖ = Lₖ(hₖ₋₁); hₖ = f(zₖ) except after the last layer; returns the logits z_K."""
        self.z = []  # pre-activations, needed for f'(z) in backward
        for layer in self.layers[:-1]:
            self.z.append(layer.forward(x))
            x = self.f(self.z[-1])
        return self.layers[-1].forward(x)

    def backward(self, grad_out):
        """Chain rule from the top: g ← Lₖ.backward(g), then g ← g ⊙ f'(zₖ₋₁); fills every dW, db, returns dL/dx."""
        g = self.layers[-1].backward(grad_out)
        for layer, z in zip(self.layers[-2::-1], self.z[::-1]):
            g = layer.backward(g * self.f_grad(z))
        return g

    def parameters(self):
        """[W₁, b₁, W₂, b₂, ...], the layers' own arrays."""
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def gradients(self):
        """[dW₁, db₁, dW₂, db₂, ...], same order as parameters()."""
        return [g for layer in self.layers for g in (layer.dW, layer.db)]

    def set_parameters(self, params):
        """Install [W₁, b₁, W₂, b₂, ...] into the layers."""
        for k, layer in enumerate(self.layers):
            layer.W, layer.b = params[2 * k], params[2 * k + 1]

    def predict(self, x):
        """ŷ = argmax_c logits(x)_c."""
        return np.argmax(self.forward(x), axis=1)


def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    """Full-batch training: sizes = [D, *hidden, C], C = max(y) + 1; each epoch θ ← Adam(θ, ∇θ CE(MLP(X), y))."""
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
