"""An LSTM layer in PyTorch's form (gates i, f, g, o; two biases), with backpropagation through time."""
import numpy as np


def sigmoid(a):
    """σ(a) = 1/(1 + e⁻ᵃ), computed as exp(−log(1 + e⁻ᵃ)): no overflow for any a."""
    return np.exp(-np.logaddexp(0, -a))


class LSTM:
    """For t = 1..T, with a = xₜ W_ihᵀ + b_ih + hₜ₋₁ W_hhᵀ + b_hh (N, 4H) split into four blocks of H in the
    order i, f, g, o (as torch.nn.LSTM): i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o);
    cₜ = f ⊙ cₜ₋₁ + i ⊙ g;  hₜ = o ⊙ tanh(cₜ).
    Parameters drawn U(−1/√H, 1/√H): W_ih (4H, D), W_hh (4H, H), b_ih (4H,), b_hh (4H,)."""

    def __init__(self, input_size, hidden_size, rng=None):
        """Draws W_ih, W_hh, b_ih, b_hh from U(−k, k), k = 1/√hidden_size, with np.random.default_rng(rng)
        (in any order)."""
        rng = np.random.default_rng(rng)
        k = 1 / np.sqrt(hidden_size)
        self.W_ih = rng.uniform(-k, k, (4 * hidden_size, input_size))
        self.W_hh = rng.uniform(-k, k, (4 * hidden_size, hidden_size))
        self.b_ih = rng.uniform(-k, k, 4 * hidden_size)
        self.b_hh = rng.uniform(-k, k, 4 * hidden_size)

    def forward(self, x, h0=None, c0=None):
        """(hs, cs), both (N, T, H), from x (N, T, D), h0 and c0 (N, H) (zeros if None)."""
        N, T, _ = x.shape
        H = self.W_hh.shape[1]
        h = np.zeros((N, H)) if h0 is None else h0
        c = np.zeros((N, H)) if c0 is None else c0
        self.x, self.steps, hs, cs = x, [], [], []
        for t in range(T):
            a = x[:, t] @ self.W_ih.T + self.b_ih + h @ self.W_hh.T + self.b_hh
            i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 3 * H:])
            g = np.tanh(a[:, 2 * H:3 * H])
            self.steps.append((h, c, i, f, g, o))
            c = f * c + i * g
            h = o * np.tanh(c)
            hs.append(h)
            cs.append(c)
        self.cs = cs
        return np.stack(hs, axis=1), np.stack(cs, axis=1)

    def backward(self, dhs, dcs=None):
        """BPTT from dhs = ∂L/∂hₜ (N, T, H) and dcs = ∂L/∂cₜ (N, T, H) (zeros if None). Backwards through t, with
        dh, dc the totals reaching step t (upstream + from step t+1):
        dc += dh ⊙ o ⊙ (1 − tanh²cₜ);  da_i = dc ⊙ g ⊙ i(1 − i), da_f = dc ⊙ cₜ₋₁ ⊙ f(1 − f),
        da_g = dc ⊙ i ⊙ (1 − g²), da_o = dh ⊙ tanh cₜ ⊙ o(1 − o);  dcₜ₋₁ = dc ⊙ f,  dhₜ₋₁ = da W_hh,
        dxₜ = da W_ih. Sets dW_ih, dW_hh, db_ih, db_hh (sums over t); returns (dx (N, T, D), dh0, dc0)."""
        T = dhs.shape[1]
        dcs = np.zeros_like(dhs) if dcs is None else dcs
        dh, dc = np.zeros_like(dhs[:, 0]), np.zeros_like(dhs[:, 0])
        self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
        self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
        dx = np.zeros_like(self.x)
        for t in reversed(range(T)):
            h_prev, c_prev, i, f, g, o = self.steps[t]
            tc = np.tanh(self.cs[t])
            dh = dh + dhs[:, t]
            dc = dc + dcs[:, t] + dh * o * (1 - tc ** 2)
            da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                                 dh * tc * o * (1 - o)], axis=1)
            self.dW_ih += da.T @ self.x[:, t]
            self.dW_hh += da.T @ h_prev
            self.db_ih += da.sum(axis=0)
            self.db_hh += da.sum(axis=0)
            dx[:, t] = da @ self.W_ih
            dh, dc = da @ self.W_hh, dc * f
        return dx, dh, dc
