"""Fully connected layer with PyTorch's weight layout W: (out, in)."""
import numpy as np

from .init import kaiming_normal


class Linear:
    """Affine map y = x Wᵀ + b, x: (N, in), W: (out, in), b: (out,)."""

    def __init__(self, in_features, out_features, rng=None):
        """W ~ Kaiming normal N(0, 2/in), b = 0; gradients start at zero."""
        self.W = kaiming_normal(in_features, out_features, rng)
        self.b = np.zeros(out_features)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def forward(self, x):
        """y = x Wᵀ + b; x is kept for the backward pass."""
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, grad_out):
        """With g = dL/dy (N, out): dL/dW = gᵀx, dL/db = Σₙ gₙ, returns dL/dx = g W (no 1/N here)."""
        self.dW = grad_out.T @ self.x
        self.db = grad_out.sum(axis=0)
        return grad_out @ self.W
