"""A vanilla (Elman) RNN: one step, its backward, and a sequence layer trained by backpropagation through time."""
import numpy as np


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """h = tanh(x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh), x: (N, D), h_prev: (N, H), W_ih: (H, D), W_hh: (H, H).
    Returns (h, cache): h (N, H) and whatever the backward needs."""
    h = np.tanh(x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)
    return h, (x, h_prev, W_ih, W_hh, h)


def rnn_step_backward(dh, cache):
    """dh = ∂L/∂h (N, H). With da = dh ⊙ (1 − h²) (tanh' written with the output h):
    dx = da W_ih, dh_prev = da W_hh, dW_ih = daᵀ x, dW_hh = daᵀ h_prev, db_ih = db_hh = Σₙ da.
    Returns (dx, dh_prev, dW_ih, dW_hh, db_ih, db_hh)."""
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)


class RNN:
    """hₜ = tanh(xₜ W_ihᵀ + b_ih + hₜ₋₁ W_hhᵀ + b_hh) over t = 1..T, batch first: x (N, T, D) → hs (N, T, H).
    Parameters as torch.nn.RNN, each drawn U(−1/√H, 1/√H): W_ih (H, D), W_hh (H, H), b_ih (H,), b_hh (H,)."""

    def __init__(self, input_size, hidden_size, rng=None):
        """Draws W_ih, W_hh, b_ih, b_hh from U(−k, k), k = 1/√hidden_size, with np.random.default_rng(rng)
        (in any order)."""
        rng = np.random.default_rng(rng)
        k = 1 / np.sqrt(hidden_size)
        self.W_ih = rng.uniform(-k, k, (hidden_size, input_size))
        self.W_hh = rng.uniform(-k, k, (hidden_size, hidden_size))
        self.b_ih = rng.uniform(-k, k, hidden_size)
        self.b_hh = rng.uniform(-k, k, hidden_size)

    def forward(self, x, h0=None):
        """hs (N, T, H) from x (N, T, D) and h0 (N, H) (zeros if None); caches every step for backward."""
        h = np.zeros((x.shape[0], self.W_hh.shape[0])) if h0 is None else h0
        self.caches = []
        for t in range(x.shape[1]):
            h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
            self.caches.append(cache)
        return np.stack([cache[-1] for cache in self.caches], axis=1)

    def backward(self, dhs):
        """BPTT. dhs = ∂L/∂hₜ for every t (N, T, H); step t receives dhs[:, t] + the gradient coming back from
        step t+1. Sets dW_ih, dW_hh, db_ih, db_hh (sums over t) and returns (dx (N, T, D), dh0 (N, H))."""
        dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
        for t in reversed(range(dhs.shape[1])):
            dx, dh, *step = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
            dxs.append(dx)
            grads = [g + s for g, s in zip(grads, step)]
        self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
        return np.stack(dxs[::-1], axis=1), dh
