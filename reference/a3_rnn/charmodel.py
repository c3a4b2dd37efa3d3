"""A character model (one-hot → LSTM or RNN → linear), sampling with given uniforms, and its training loop."""
import numpy as np

from ..a1_mlp.optim import Adam
from .losses import clip_grad_norm, sequence_cross_entropy_grad
from .lstm import LSTM
from .rnn import RNN


class CharModel:
    """logits = hs W_outᵀ + b_out (N, T, V), hs the outputs of LSTM(V, H) (cell="lstm") or RNN(V, H) (cell="rnn")
    on the one-hot encoded ids (N, T). W_out (V, H) and b_out (V,) are drawn U(−1/√H, 1/√H) after the layer's own
    parameters, all from one generator."""

    def __init__(self, vocab_size, hidden_size, cell="lstm", rng=None):
        """The recurrent layer (its cell's class, built with the generator), then W_out and b_out."""
        rng = np.random.default_rng(rng)
        self.cell = cell
        self.rnn = {"lstm": LSTM, "rnn": RNN}[cell](vocab_size, hidden_size, rng)
        k = 1 / np.sqrt(hidden_size)
        self.W_out = rng.uniform(-k, k, (vocab_size, hidden_size))
        self.b_out = rng.uniform(-k, k, vocab_size)

    def forward(self, ids):
        """Logits (N, T, V) for integer ids (N, T); h0 (and c0) are zeros."""
        x = np.eye(self.W_out.shape[0])[ids]
        self.hs = self.rnn.forward(x)[0] if self.cell == "lstm" else self.rnn.forward(x)
        return self.hs @ self.W_out.T + self.b_out

    def backward(self, dlogits):
        """Sets every parameter's gradient from dlogits = ∂L/∂logits (N, T, V) (the latest forward's)."""
        self.dW_out = np.einsum("ntv,nth->vh", dlogits, self.hs)
        self.db_out = dlogits.sum(axis=(0, 1))
        self.rnn.backward(dlogits @ self.W_out)

    def parameters(self):
        """[W_ih, W_hh, b_ih, b_hh, W_out, b_out]: the arrays themselves."""
        return [self.rnn.W_ih, self.rnn.W_hh, self.rnn.b_ih, self.rnn.b_hh, self.W_out, self.b_out]

    def gradients(self):
        """[dW_ih, dW_hh, db_ih, db_hh, dW_out, db_out], in the order of parameters()."""
        return [self.rnn.dW_ih, self.rnn.dW_hh, self.rnn.db_ih, self.rnn.db_hh, self.dW_out, self.db_out]

    def set_parameters(self, params):
        """Installs the given arrays (the order of parameters())."""
        self.rnn.W_ih, self.rnn.W_hh, self.rnn.b_ih, self.rnn.b_hh, self.W_out, self.b_out = params


def sample(model, start_ids, u, temperature=1.0):
    """len(u) ids generated after start_ids: at step k, z = model.forward(np.array([ids]))[0, -1] for the ids so far,
    p = softmax(z / temperature), and the next id is the first i with cumsum(p)[i] > u[k]. Returns them (len(u),)."""
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])


def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    """CharModel(vocab_size, hidden_size, cell, rng) and one Adam(lr); `steps` times, on the one sequence ids (L,):
    logits = forward(ids[:-1] as (1, L−1)), backward(sequence_cross_entropy_grad(logits, ids[1:] as (1, L−1))),
    grads = clip_grad_norm(gradients(), clip), set_parameters(Adam.step(parameters(), grads)). Returns the model."""
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), clip_grad_norm(model.gradients(), clip)[0]))
    return model
