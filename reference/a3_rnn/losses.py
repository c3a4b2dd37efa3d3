"""A masked sequence cross-entropy and gradient-norm clipping as torch.nn.utils.clip_grad_norm_."""
import numpy as np


def sequence_cross_entropy(logits, targets, mask=None):
    """L = Σₙₜ mₙₜ [logsumexp(zₙₜ) − zₙₜ[yₙₜ]] / Σₙₜ mₙₜ: the mean over the tokens that count, for logits z (N, T, V),
    integer targets y (N, T) and a boolean mask m (N, T) (True: the token counts; None: all count). Stable."""
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.sum(m * nll) / np.sum(m))


def sequence_cross_entropy_grad(logits, targets, mask=None):
    """∂L/∂zₙₜ = mₙₜ (softmax(zₙₜ) − onehot(yₙₜ)) / Σ m, shape (N, T, V): zero where the mask is False."""
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / np.sum(m)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """total = (Σ over every entry of every array |g|^q)^(1/q) with q = norm_type (q = inf: max |g|); every array is
    multiplied by min(1, max_norm / (total + 1e-6)), as torch.nn.utils.clip_grad_norm_. Returns (a list of new
    arrays, total)."""
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total)
