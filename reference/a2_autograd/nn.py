"""Layers, an MLP and SGD on top of the engine, and a full-batch training loop."""
import math

import numpy as np

from .engine import Tensor
from .losses import cross_entropy


class Linear:
    """y = x Wᵀ + b with W: (out, in) ~ N(0, 1/in) and b: (out,) = 0, both Tensors with requires_grad=True."""

    def __init__(self, in_features, out_features, rng=None):
        """Draws W from np.random.default_rng(rng) (a seed or a Generator)."""
        rng = np.random.default_rng(rng)
        self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (out_features, in_features)), requires_grad=True)
        self.b = Tensor(np.zeros(out_features), requires_grad=True)

    def __call__(self, x):
        """x: (N, in) Tensor (an ndarray is wrapped) → x @ Wᵀ + b: (N, out)."""
        x = x if isinstance(x, Tensor) else Tensor(x)
        return x @ self.W.T + self.b

    def parameters(self):
        """[W, b]."""
        return [self.W, self.b]


class MLP:
    """Logits = L_K ∘ f ∘ ... ∘ f ∘ L_1 (x): Linear layers of sizes [D, H1, ..., C], the activation f
    ("tanh", "sigmoid" or "relu": the Tensor method of that name) between them and none after the last."""

    def __init__(self, sizes, activation="tanh", rng=None):
        """One Linear(sizes[k], sizes[k+1], rng) per consecutive pair, all drawn from one generator."""
        rng = np.random.default_rng(rng)  # one generator, so the layers get different weights
        self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.activation = activation

    def __call__(self, x):
        """h₀ = x; hₖ = f(Lₖ(hₖ₋₁)) for k < K; returns the logits L_K(h_{K−1})."""
        for layer in self.layers[:-1]:
            x = getattr(layer(x), self.activation)()
        return self.layers[-1](x)

    def parameters(self):
        """[W₁, b₁, W₂, b₂, ...], the layers' own Tensors."""
        return [p for layer in self.layers for p in layer.parameters()]


class SGD:
    """A1's rule on Tensors, in place: v ← γv + η·g; θ ← θ − v (γ = 0: θ ← θ − η·g)."""

    def __init__(self, params, lr, momentum=0.0):
        """params: a list of Tensors; one velocity per parameter, starting at 0."""
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.v = [np.zeros(p.shape) for p in self.params]

    def step(self):
        """Updates each p.data in place from p.grad (parameters whose grad is None are skipped)."""
        for p, v in zip(self.params, self.v):
            if p.grad is not None:
                v *= self.momentum
                v += self.lr * p.grad
                p.data -= v

    def zero_grad(self):
        """Sets every parameter's grad to None."""
        for p in self.params:
            p.grad = None


def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    """Full-batch training: MLP([D, *hidden, C], "tanh", rng), C = max(y) + 1; each epoch zero_grad,
    cross_entropy(model(X), y).backward(), SGD(lr).step(). Returns the model."""
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
