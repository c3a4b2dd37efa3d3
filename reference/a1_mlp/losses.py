"""Losses with mean reduction and their gradients d(mean loss)/d(prediction)."""
import math

import numpy as np

from .activations import log_softmax, sigmoid, softmax, softplus


def mse(pred, target):
    """MSE = (1/n) Σ (p − t)², n = number of elements."""
    return np.mean((pred - target) ** 2)


def mse_grad(pred, target):
    """dMSE/dp = 2(p − t)/n."""
    return 2 * (pred - target) / pred.size


def mae(pred, target):
    """MAE = (1/n) Σ |p − t|."""
    return np.mean(np.abs(pred - target))


def mae_grad(pred, target):
    """dMAE/dp = sign(p − t)/n (0 where p = t)."""
    return np.sign(pred - target) / pred.size


def bce(prob, target):
    """BCE = −(1/n) Σ [t·log p + (1−t)·log(1−p)]; as PyTorch, each log is clamped at −100 so p ∈ {0, 1} stays finite."""
    tiny = math.exp(-100)  # log(max(p, e^−100)) = max(log p, −100) without log(0)
    return -np.mean(target * np.log(np.maximum(prob, tiny)) + (1 - target) * np.log(np.maximum(1 - prob, tiny)))


def bce_grad(prob, target):
    """dBCE/dp = (1/n)(−t/p + (1−t)/(1−p)) = (p − t)/(n·p(1−p)); p(1−p) floored at 1e−12 as PyTorch."""
    return (prob - target) / np.maximum(prob * (1 - prob), 1e-12) / prob.size


def bce_with_logits(logits, target):
    """BCE(σ(z), t) = (1/n) Σ [softplus(z) − t·z], since −log σ(z) = softplus(−z) = softplus(z) − z; stable for any |z|."""
    return np.mean(softplus(logits) - target * logits)


def bce_with_logits_grad(logits, target):
    """dBCE/dz = (σ(z) − t)/n."""
    return (sigmoid(logits) - target) / logits.size


def softmax_cross_entropy(logits, labels):
    """CE = −(1/N) Σₙ log softmax(zₙ)[yₙ], logits z: (N, C), integer labels y: (N,)."""
    n = logits.shape[0]
    return -np.mean(log_softmax(logits)[np.arange(n), labels])


def softmax_cross_entropy_grad(logits, labels):
    """dCE/dz = (softmax(z) − onehot(y))/N."""
    n = logits.shape[0]
    g = softmax(logits)  # a fresh array, safe to edit
    g[np.arange(n), labels] -= 1
    return g / n
