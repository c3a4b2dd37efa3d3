"""Inverted dropout; p is the drop probability (as in PyTorch), masks are boolean keep masks."""
import numpy as np


def dropout_mask(shape, p, rng):
    """Boolean keep mask, each entry True independently with P(keep) = 1 − p."""
    return np.random.default_rng(rng).random(shape) >= p  # u ~ U[0, 1): P(u ≥ p) = 1 − p


class Dropout:
    """Training: y = x·mask/(1 − p), so E[y] = x; evaluation: y = x."""

    def __init__(self, p):
        """p = probability of dropping a unit."""
        self.p = p
        self.mask = None

    def forward(self, x, training=True, mask=None, rng=None):
        """y = x·mask/(1 − p) in training (mask given or drawn with P(keep) = 1 − p), y = x in evaluation."""
        if not training:
            self.mask = None
            return x
        self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
        return x * self.mask / (1 - self.p)

    def backward(self, grad_out):
        """dL/dx = g·mask/(1 − p) after a training forward, g after an evaluation forward."""
        if self.mask is None:
            return grad_out
        return grad_out * self.mask / (1 - self.p)
