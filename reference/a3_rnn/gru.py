"""A GRU cell in PyTorch's form (torch.nn.GRUCell): r multiplies W_hn h + b_hn, and h' = (1 − z) ⊙ n + z ⊙ h."""
import numpy as np

from .lstm import sigmoid


class GRUCell:
    """One step. With gᵢ = x W_ihᵀ + b_ih and gₕ = h W_hhᵀ + b_hh (N, 3H), each split into blocks r, z, n:
    r = σ(gᵢ_r + gₕ_r), z = σ(gᵢ_z + gₕ_z), n = tanh(gᵢ_n + r ⊙ gₕ_n), h' = (1 − z) ⊙ n + z ⊙ h.
    Parameters drawn U(−1/√H, 1/√H): W_ih (3H, D), W_hh (3H, H), b_ih (3H,), b_hh (3H,)."""

    def __init__(self, input_size, hidden_size, rng=None):
        """Draws W_ih, W_hh, b_ih, b_hh from U(−k, k), k = 1/√hidden_size, with np.random.default_rng(rng)
        (in any order)."""
        rng = np.random.default_rng(rng)
        k = 1 / np.sqrt(hidden_size)
        self.W_ih = rng.uniform(-k, k, (3 * hidden_size, input_size))
        self.W_hh = rng.uniform(-k, k, (3 * hidden_size, hidden_size))
        self.b_ih = rng.uniform(-k, k, 3 * hidden_size)
        self.b_hh = rng.uniform(-k, k, 3 * hidden_size)

    def forward(self, x, h=None):
        """h' (N, H) from x (N, D) and h (N, H) (zeros if None)."""
        H = self.W_hh.shape[1]
        h = np.zeros((x.shape[0], H)) if h is None else h
        gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
        r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        self.cache = x, h, gh[:, 2 * H:], r, z, n
        return (1 - z) * n + z * h

    def backward(self, dh):
        """dh = ∂L/∂h' (N, H). da_n = dh ⊙ (1 − z) ⊙ (1 − n²), da_z = dh ⊙ (h − n) ⊙ z(1 − z),
        da_r = da_n ⊙ gₕ_n ⊙ r(1 − r); ∂L/∂gᵢ = [da_r, da_z, da_n], ∂L/∂gₕ = [da_r, da_z, r ⊙ da_n].
        Sets dW_ih = ∂L/∂gᵢᵀ x, dW_hh = ∂L/∂gₕᵀ h, db_ih, db_hh; returns (dx, dh_prev = dh ⊙ z + ∂L/∂gₕ W_hh)."""
        x, h, gh_n, r, z, n = self.cache
        da_n = dh * (1 - z) * (1 - n ** 2)
        da_z = dh * (h - n) * z * (1 - z)
        da_r = da_n * gh_n * r * (1 - r)
        dgi = np.concatenate([da_r, da_z, da_n], axis=1)
        dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
        self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
        self.db_ih, self.db_hh = dgi.sum(axis=0), dgh.sum(axis=0)
        return dgi @ self.W_ih, dh * z + dgh @ self.W_hh
