"""Cross-entropy on logits, built from the engine's own operations (so backward comes for free)."""
import numpy as np

from .engine import Tensor


def cross_entropy(logits, labels):
    """CE = (1/N) Σₙ [logsumexp(zₙ) − zₙ[yₙ]] for logits z: (N, C) Tensor and integer labels y: (N,) ndarray;
    zₙ[yₙ] = Σ_c zₙc·onehot(yₙ)c. Its gradient is (softmax(z) − onehot(y))/N."""
    onehot = np.eye(logits.shape[-1])[labels]
    return (logits.logsumexp(axis=-1) - (logits * onehot).sum(axis=-1)).mean()
