"""Weight penalties added to the loss, and their gradients w.r.t. W."""
import numpy as np


def l1_penalty(W, lam):
    """R(W) = λ·Σ|W|."""
    return lam * np.abs(W).sum()


def l1_grad(W, lam):
    """dR/dW = λ·sign(W) (0 at W = 0)."""
    return lam * np.sign(W)


def l2_penalty(W, lam):
    """R(W) = ½·λ·ΣW²."""
    return 0.5 * lam * (W ** 2).sum()


def l2_grad(W, lam):
    """dR/dW = λ·W."""
    return lam * W


def elastic_net_penalty(W, l1, l2):
    """R(W) = λ₁·Σ|W| + ½·λ₂·ΣW²."""
    return l1_penalty(W, l1) + l2_penalty(W, l2)


def elastic_net_grad(W, l1, l2):
    """dR/dW = λ₁·sign(W) + λ₂·W."""
    return l1_grad(W, l1) + l2_grad(W, l2)
