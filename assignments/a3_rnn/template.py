# %% [markdown]
# # Assignment 3: recurrent networks in NumPy
#
# A recurrent network reads a sequence one step at a time and carries a **hidden state** from each step to
# the next: $h_t = f(x_t, h_{t-1})$. The same weights are used at every step, so the network handles
# sequences of any length, and the state can remember what came before. In this assignment you write the
# three classic cells (a vanilla RNN, the LSTM and the GRU) with their backward passes, backpropagation
# through time (BPTT), a masked sequence loss and gradient clipping, and you train a small character model
# that learns to continue a periodic string.
#
# **How it works.** Each *solution* cell holds functions and classes whose docstrings say what they must do;
# replace every `raise NotImplementedError()` with your code. Keep the names and signatures exactly as given
# (the graders call them), do not delete, copy or reorder cells, and do not rename the notebook. You may add
# helper functions and private attributes.
#
# **Only NumPy.** `numpy` and `math` are imported in the first cell; do not import anything else (no PyTorch,
# autograd, SciPy). Never use the global `np.random.*` functions. `Adam` from Assignment 1 is given in a
# locked cell.
#
# **Tests.** After the solution cells come locked test cells with small, hand-checkable examples and
# finite-difference gradient checks. They are a *sanity check only*: when your notebook is graded, hidden tests
# take their place and decide the points shown in each part's heading (10 in total). The hidden tests compare
# your values and every gradient with PyTorch's `nn.RNN`, `nn.LSTM` and `nn.GRUCell` (same weights, float64),
# with other shapes (D ≠ H, N ≠ T, sequences of length 1), initial states given and omitted, masks of different
# lengths, very large inputs, and a second batch after a first. Passing every visible test is necessary, not
# sufficient.
#
# **Warnings count as failures.** A test cell that writes anything to stderr (a `RuntimeWarning: overflow in
# exp`, for instance) scores zero. Write numerically stable code.
#
# **Submitting.** Save, then *Kernel → Restart & Run All* and check that every test cell prints its ✓ line.
# Save again and press **Submit** for this assignment in the *Assignments* tab. You may submit more than once;
# your latest submission is the one graded.
#
# ## Conventions used everywhere
# - Arrays are `float64`. **Batch first**: a batch of sequences has shape `(N, T, D)`, the hidden states
#   `(N, T, H)`; one step's input is `(N, D)` and its state `(N, H)`.
# - **PyTorch's names and layouts**: `W_ih` has shape `(G·H, D)`, `W_hh` `(G·H, H)`, and there are **two biases**
#   `b_ih`, `b_hh` of shape `(G·H,)`. A pre-activation is `x @ W_ih.T + b_ih + h @ W_hh.T + b_hh`. G = 1 for the
#   RNN, 4 for the LSTM (gates **i, f, g, o**, blocks of H rows in that order), 3 for the GRU (**r, z, n**).
# - Initial states `h0`, `c0` default to **zeros** when omitted (`None`).
# - **Initialisation as PyTorch**: every parameter is drawn from U(−k, k), k = 1/√hidden_size, from
#   `rng = np.random.default_rng(rng)` (a seed, `None` or a Generator).
# - The parameters are attributes `W_ih, W_hh, b_ih, b_hh`; the graders set them by assignment
#   (`layer.W_ih = W`) after construction, so `forward` must use them as they are when it is called.
# - `backward(upstream)` uses the **latest** `forward`, and **sets** `dW_ih, dW_hh, db_ih, db_hh` (`=`, never
#   `+=` across calls); a sequence layer's parameter gradients are **sums over time** and batch.
# - **No function changes the arrays it is given**: write `z = z - m`, never `z -= m` on an argument.
#
# The full API is in `SPEC.md` of this assignment; the docstrings in the solution cells repeat it.

# %% [setup]
import math

import numpy as np

np.set_printoptions(precision=4, suppress=True)


def numeric_grad(f, x, h=1e-6):
    """Centred finite differences of the scalar function f() with respect to the array x (changed in place, then
    restored): used by the tests below."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f()
        x[i] = old - h
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad

# %% [markdown]
# ## Part 1 — One step of a vanilla RNN (1.5 points)
#
# $$h_t = \tanh(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh})$$
#
# Write `rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh)`, returning `h` and a `cache` (a tuple of whatever
# the backward needs), and `rnn_step_backward(dh, cache)`, returning `(dx, dh_prev, dW_ih, dW_hh, db_ih, db_hh)`.
# With $a$ the pre-activation, $\partial L/\partial a = dh \odot (1 - h^2)$: tanh's derivative written with its
# **output** $h$ (not with $a$). The weight gradients are outer products summed over the batch:
# $dW_{ih} = da^\top x$ and $dW_{hh} = da^\top h_{t-1}$ (the *previous* state, the one that multiplied
# $W_{hh}$); both biases get $\sum_n da$.
#
# ## Part 2 — Backpropagation through time (2.25 points)
#
# `RNN.forward(x, h0=None)` applies the step for $t = 1..T$ and returns all states $h_1 \dots h_T$ as
# `hs` `(N, T, H)`. `RNN.backward(dhs)` receives $\partial L/\partial h_t$ for **every** $t$ (a loss on the last
# state only has zeros elsewhere). Each $h_t$ is used twice, by the loss and by step $t+1$, so its gradient is the
# sum of both:
#
# $$\frac{\partial L}{\partial h_t} = \texttt{dhs[:, t]} + \underbrace{\frac{\partial L}{\partial h_{t+1}}\frac{\partial h_{t+1}}{\partial h_t}}_{\texttt{dh\_prev of step } t+1}.$$
#
# So walk backwards from $t = T$, add the `dh_prev` of the step after to the upstream of the step, sum the
# parameter gradients over $t$, and return `dx` and `dh0` (the `dh_prev` of the first step). Forgetting the
# second term is the classic BPTT bug: the gradient then never travels back in time.

# %% [solution rnn]

# %% [tests test_rnn_step]
# CS231n's example, in PyTorch's layout (W_ih = Wxᵀ) and with its bias b split into b_ih = b_hh = b/2
N, D, H = 3, 10, 4
x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, D)
h_prev = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
b = np.linspace(-0.2, 0.4, num=H)
h, cache = rnn_step_forward(x, h_prev, Wx.T, Wh.T, b / 2, b / 2)
expected = np.array([[-0.58172089, -0.50182032, -0.41232771, -0.31410098],
                     [0.66854692, 0.79562378, 0.87755553, 0.92795967],
                     [0.97934501, 0.99144213, 0.99646691, 0.99854353]])
assert h.shape == (3, 4), "h has shape (N, H)"
assert np.allclose(h, expected, atol=1e-7), "next h of CS231n's example (both biases added)"
rng = np.random.default_rng(1)
x, h_prev, dh = rng.normal(size=(4, 3)), rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
params = [rng.normal(size=s) * 0.5 for s in [(5, 3), (5, 5), (5,), (5,)]]
h, cache = rnn_step_forward(x, h_prev, *params)
grads = rnn_step_backward(dh, cache)
loss = lambda: np.sum(rnn_step_forward(x, h_prev, *params)[0] * dh)
for name, value, got in zip(["x", "h_prev", "W_ih", "W_hh", "b_ih", "b_hh"], [x, h_prev, *params], grads):
    assert got.shape == value.shape, f"d{name} should have the shape of {name}, {value.shape}"
    assert np.allclose(got, numeric_grad(loss, value), atol=1e-6), f"d{name} does not match finite differences"
print("✓ RNN step tests passed")

# %% [tests test_rnn]
rnn = RNN(3, 4, rng=0)
assert [p.shape for p in (rnn.W_ih, rnn.W_hh, rnn.b_ih, rnn.b_hh)] == [(4, 3), (4, 4), (4,), (4,)], "PyTorch's shapes"
assert np.all(np.abs(rnn.W_hh) <= 0.5) and np.all(np.abs(rnn.b_ih) <= 0.5), "U(-k, k) with k = 1/√H = 0.5"
rng = np.random.default_rng(2)
x, h0, dhs = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 5, 4))
hs = rnn.forward(x, h0)
assert hs.shape == (2, 5, 4), "hs has shape (N, T, H)"
h = h0
for t in range(5):
    h = rnn_step_forward(x[:, t], h, rnn.W_ih, rnn.W_hh, rnn.b_ih, rnn.b_hh)[0]
assert np.allclose(hs[:, -1], h), "the last state is T steps of rnn_step_forward from h0"
assert np.allclose(rnn.forward(x)[:, 0], np.tanh(x[:, 0] @ rnn.W_ih.T + rnn.b_ih + rnn.b_hh)), "h0 defaults to zeros"
rnn.forward(x, h0)
dx, dh0 = rnn.backward(dhs)
loss = lambda: np.sum(rnn.forward(x, h0) * dhs)
grads = [rnn.dW_ih, rnn.dW_hh, rnn.db_ih, rnn.db_hh]
for name, value, got in zip(["x", "h0", "W_ih", "W_hh", "b_ih", "b_hh"],
                            [x, h0, rnn.W_ih, rnn.W_hh, rnn.b_ih, rnn.b_hh], [dx, dh0, *grads]):
    assert np.allclose(got, numeric_grad(loss, value), atol=1e-6), f"BPTT: d{name} does not match finite differences"
print("✓ RNN tests passed")

# %% [markdown]
# ## Part 3 — LSTM (2.5 points)
#
# An LSTM adds a **cell state** $c_t$ that is changed only by element-wise products and sums, so its gradient
# can travel far back in time. With $a = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}$ of shape
# `(N, 4H)`, cut into four blocks of H columns in PyTorch's order **i, f, g, o**:
#
# $$i = \sigma(a_i),\quad f = \sigma(a_f),\quad g = \tanh(a_g),\quad o = \sigma(a_o),\qquad
# c_t = f \odot c_{t-1} + i \odot g,\qquad h_t = o \odot \tanh(c_t).$$
#
# `forward(x, h0=None, c0=None)` returns `(hs, cs)`, both `(N, T, H)`. `backward(dhs, dcs=None)` receives
# $\partial L/\partial h_t$ and, optionally, $\partial L/\partial c_t$ for every $t$. Going backwards, step $t$'s
# total gradients are
#
# - $dh = $ `dhs[:, t]` + what came back from step $t+1$ through $W_{hh}$;
# - $dc = $ `dcs[:, t]` + $dc_{t+1} \odot f_{t+1}$ (from $c_{t+1} = f \odot c_t + \dots$) + $dh \odot o \odot (1 - \tanh^2 c_t)$
#   (from $h_t = o \odot \tanh c_t$).
#
# Then $da_i = dc \odot g \odot i(1-i)$, $da_f = dc \odot c_{t-1} \odot f(1-f)$, $da_g = dc \odot i \odot (1 - g^2)$,
# $da_o = dh \odot \tanh(c_t) \odot o(1-o)$; stack them in the order i, f, g, o, and proceed as in the RNN. Pass
# $dc \odot f$ on to step $t-1$. Write a stable `sigmoid` (no overflow for inputs of ±1000).

# %% [solution lstm]

# %% [tests test_lstm]
lstm = LSTM(3, 2, rng=0)
assert lstm.W_ih.shape == (8, 3) and lstm.W_hh.shape == (8, 2) and lstm.b_hh.shape == (8,), "four gates stacked: 4H rows"
W_ih, W_hh = np.zeros((8, 1)), np.zeros((8, 2))
b = np.array([0.0, 0, 0, 100, 100, 0, 0, 100])  # blocks i = [0, 0], f = [0, 100], g = [100, 0], o = [0, 100]
lstm.W_ih, lstm.W_hh, lstm.b_ih, lstm.b_hh = W_ih, W_hh, b, np.zeros(8)
hs, cs = lstm.forward(np.zeros((1, 1, 1)), c0=np.array([[2.0, 3.0]]))
# unit 0: i = f = σ(0) = 1/2, g = tanh(100) = 1, o = σ(0) = 1/2: c = 1/2·2 + 1/2·1 = 1.5, h = 1/2·tanh(1.5)
# unit 1: i = σ(0) = 1/2, f = σ(100) = 1, g = tanh(0) = 0, o = σ(100) = 1: c = 1·3 + 0 = 3, h = tanh(3)
assert np.allclose(cs[0, 0], [1.5, 3.0]), f"gates i, f, g, o in that order: expected c = [1.5, 3], got {cs[0, 0]}"
assert np.allclose(hs[0, 0], [0.5 * np.tanh(1.5), np.tanh(3.0)]), "h = o ⊙ tanh(c)"
with np.errstate(over="raise"):
    assert np.allclose(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0]), "a stable sigmoid"
lstm = LSTM(3, 2, rng=1)
rng = np.random.default_rng(3)
x, h0, c0 = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
dhs, dcs = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 4, 2))
lstm.forward(x, h0, c0)
dx, dh0, dc0 = lstm.backward(dhs, dcs)
def loss():
    hs, cs = lstm.forward(x, h0, c0)
    return np.sum(hs * dhs) + np.sum(cs * dcs)
for name, value, got in zip(["x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"],
                            [x, h0, c0, lstm.W_ih, lstm.W_hh, lstm.b_ih, lstm.b_hh],
                            [dx, dh0, dc0, lstm.dW_ih, lstm.dW_hh, lstm.db_ih, lstm.db_hh]):
    assert np.allclose(got, numeric_grad(loss, value), atol=1e-6), f"LSTM BPTT: d{name} does not match finite differences"
print("✓ LSTM tests passed")

# %% [markdown]
# ## Part 4 — GRU cell in PyTorch's form (1.0 point)
#
# The GRU has no cell state; a **reset** gate r and an **update** gate z. There are two versions in the
# literature; this assignment uses **PyTorch's** (`torch.nn.GRUCell`), where r multiplies the whole recurrent
# term *including its bias*:
#
# $$r = \sigma(x W_{ir}^\top + b_{ir} + h W_{hr}^\top + b_{hr}),\quad z = \sigma(x W_{iz}^\top + b_{iz} + h W_{hz}^\top + b_{hz}),$$
# $$n = \tanh\big(x W_{in}^\top + b_{in} + r \odot (h W_{hn}^\top + b_{hn})\big),\qquad h' = (1 - z) \odot n + z \odot h.$$
#
# (The paper applies r to h *before* the matrix, $W_{hn}(r \odot h)$: a different function.) The blocks of
# `W_ih`, `W_hh`, `b_ih`, `b_hh` are in the order r, z, n. `forward(x, h=None)` does one step; `backward(dh)`
# returns `(dx, dh_prev)`; note that h reaches h' both through the gates and directly through $z \odot h$.

# %% [solution gru]

# %% [tests test_gru]
cell = GRUCell(2, 3, rng=0)
assert cell.W_ih.shape == (9, 2) and cell.W_hh.shape == (9, 3), "three gates r, z, n stacked: 3H rows"
cell.W_ih, cell.W_hh, cell.b_ih = np.zeros((9, 2)), np.zeros((9, 3)), np.zeros(9)
cell.b_hh = np.array([0.0, 0, 0, 0, 0, 0, 1.0, 1.0, 1.0])  # b_hn = 1
h = np.array([[0.5, -0.5, 1.0]])
# r = z = σ(0) = 1/2; n = tanh(0 + r·(0 + b_hn)) = tanh(1/2); h' = (1 - z)·n + z·h
assert np.allclose(cell.forward(np.zeros((1, 2)), h), 0.5 * np.tanh(0.5) + 0.5 * h), (
    "PyTorch's form: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h")
cell = GRUCell(2, 3, rng=1)
rng = np.random.default_rng(4)
x, h, dh = rng.normal(size=(4, 2)), rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
cell.forward(x, h)
dx, dh_prev = cell.backward(dh)
loss = lambda: np.sum(cell.forward(x, h) * dh)
for name, value, got in zip(["x", "h", "W_ih", "W_hh", "b_ih", "b_hh"],
                            [x, h, cell.W_ih, cell.W_hh, cell.b_ih, cell.b_hh],
                            [dx, dh_prev, cell.dW_ih, cell.dW_hh, cell.db_ih, cell.db_hh]):
    assert np.allclose(got, numeric_grad(loss, value), atol=1e-6), f"GRU: d{name} does not match finite differences"
print("✓ GRU tests passed")

# %% [markdown]
# ## Part 5 — A masked sequence loss and gradient clipping (0.75 + 0.5 points)
#
# Sequences in a batch have different lengths; the shorter ones are padded, and a boolean `mask` `(N, T)` says
# which tokens count (True). The loss is the **mean over the tokens that count**:
#
# $$L = \frac{\sum_{n,t} m_{nt}\,\big[\log\textstyle\sum_v e^{z_{ntv}} - z_{n t y_{nt}}\big]}{\sum_{n,t} m_{nt}},
# \qquad \frac{\partial L}{\partial z_{nt}} = \frac{m_{nt}\,(\mathrm{softmax}(z_{nt}) - \mathrm{onehot}(y_{nt}))}{\sum m}.$$
#
# Not a sum over time (CS231n's `temporal_softmax_loss` sums over T), and not a mean of per-sequence means. Padded
# tokens contribute nothing, to the loss **and** to the gradient. Keep it stable for logits of $10^4$.
#
# **Clipping.** RNN gradients can explode. `clip_grad_norm(grads, max_norm, norm_type=2.0)` does what
# `torch.nn.utils.clip_grad_norm_` does: compute **one** norm over all the arrays together,
# $\|g\| = (\sum |g|^q)^{1/q}$ (the max $|g|$ for $q = \infty$), and multiply **every** array by
# $\min(1, \texttt{max\_norm} / (\|g\| + 10^{-6}))$. It returns the new arrays and the norm before clipping.

# %% [solution losses]

# %% [tests test_loss]
logits = np.zeros((2, 3, 4))
targets = np.array([[0, 1, 2], [3, 3, 3]])
assert np.isclose(sequence_cross_entropy(logits, targets), math.log(4)), "uniform logits over 4 ids: log 4"
mask = np.array([[True, True, True], [True, False, False]])
logits[1, 1:] = 1e4  # padding: it must not count, nor overflow
assert np.isclose(sequence_cross_entropy(logits, targets, mask), math.log(4)), "the padded tokens do not count"
g = sequence_cross_entropy_grad(logits, targets, mask)
assert np.all(g[1, 1:] == 0), "the gradient is zero where the mask is False"
assert np.allclose(g[0, 0], (np.full(4, 0.25) - np.eye(4)[0]) / 4), "(softmax - onehot) / (number of tokens that count)"
rng = np.random.default_rng(5)
z, y = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, size=(3, 4))
m = np.arange(4)[None, :] < np.array([4, 1, 2])[:, None]
assert np.allclose(sequence_cross_entropy_grad(z, y, m), numeric_grad(lambda: sequence_cross_entropy(z, y, m), z),
                   atol=1e-6), "sequence_cross_entropy_grad does not match finite differences"
print("✓ loss tests passed")

# %% [tests test_clip]
clipped, total = clip_grad_norm([np.array([3.0]), np.array([4.0])], 1.0)
assert np.isclose(total, 5.0), "the norm of (3, 4) is 5, over both arrays together"
assert np.allclose(clipped[0], 0.6) and np.allclose(clipped[1], 0.8), "scaled by 1/(5 + 1e-6): (0.6, 0.8)"
grads = [np.array([3.0]), np.array([4.0])]
clipped, total = clip_grad_norm(grads, 10.0)
assert np.allclose(clipped[0], 3.0) and np.allclose(clipped[1], 4.0), "below max_norm nothing changes"
assert grads[0][0] == 3.0, "the given arrays stay as they were"
clipped, total = clip_grad_norm([np.array([3.0, -4.0]), np.array([1.0])], 1.0, norm_type=np.inf)
assert np.isclose(total, 4.0) and np.allclose(clipped[0], [3 / (4 + 1e-6), -4 / (4 + 1e-6)]), "norm_type=inf: max |g|"
print("✓ clipping tests passed")

# %% [markdown]
# ## Part 6 — A character model, sampling and training (0.5 + 1.0 points)
#
# `CharModel(vocab_size, hidden_size, cell="lstm", rng)` turns ids `(N, T)` into one-hot vectors, runs your `LSTM`
# (or `RNN` with `cell="rnn"`) from zero states, and maps each hidden state to logits with a linear layer
# `W_out (V, H)`, `b_out (V,)`. `parameters()` is `[W_ih, W_hh, b_ih, b_hh, W_out, b_out]`, `gradients()` the
# same order, `set_parameters(list)` installs them.
#
# **Sampling.** `sample(model, start_ids, u, temperature=1.0)` generates `len(u)` ids. At each step it calls
# `model.forward(np.array([ids]))` on the **whole** sequence so far, takes the last position's logits z,
# p = softmax(z / temperature) (stable), and picks **the first i with cumsum(p)[i] > u[k]**: the uniforms u are
# given, so sampling is exact and reproducible (a low temperature sharpens p towards the argmax, a high one
# flattens it). It returns the new ids only.
#
# **Training.** `train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0,
# rng=0)` builds `CharModel(vocab_size, hidden_size, cell, rng)` and **one** `Adam(lr)`, then runs exactly `steps`
# steps on the one sequence: logits of `ids[:-1]` (as a batch of one), backward of
# `sequence_cross_entropy_grad` against `ids[1:]`, `clip_grad_norm(gradients(), clip)`, and
# `set_parameters(adam.step(parameters(), clipped))`. The hidden tests replay exactly this in PyTorch from your
# model's initial parameters.

# %% [given a1_mlp.optim]

# %% [solution charmodel]

# %% [tests test_sample]
class Fixed:
    """A stand-in model: the logits after a sequence are [0, log 2, log 3, log 4] (p = 0.1, 0.2, 0.3, 0.4)."""
    def forward(self, ids):
        assert ids.shape == (1, ids.shape[1]), "sample calls model.forward(np.array([ids]))"
        return np.tile(np.log([1.0, 2.0, 3.0, 4.0]), (1, ids.shape[1], 1))
ids = sample(Fixed(), [2], np.array([0.05, 0.15, 0.35, 0.65, 0.95]))
assert list(ids) == [0, 1, 2, 3, 3], f"cumsum(p) = [0.1, 0.3, 0.6, 1.0]: the first i with cumsum > u, got {list(ids)}"
cold = sample(Fixed(), [2], np.array([0.05, 0.15, 0.35, 0.65]), temperature=0.01)
assert list(cold) == [3, 3, 3, 3], "a very low temperature picks the most likely id"
print("✓ sampling tests passed")

# %% [tests test_char_model]
model = CharModel(4, 3, rng=0)
assert [p.shape for p in model.parameters()] == [(12, 4), (12, 3), (12,), (12,), (4, 3), (4,)], "[W_ih, ..., b_out]"
rng = np.random.default_rng(6)
ids = rng.integers(0, 4, size=(2, 5))
dlogits = rng.normal(size=(2, 5, 4))
assert model.forward(ids).shape == (2, 5, 4), "logits (N, T, V)"
model.backward(dlogits)
for k, (p, g) in enumerate(zip(model.parameters(), model.gradients())):
    assert np.allclose(g, numeric_grad(lambda: np.sum(model.forward(ids) * dlogits), p), atol=1e-6), (
        f"CharModel: gradients()[{k}] does not match finite differences")
text = "abacbd" * 8
ids = np.array(["abcd".index(c) for c in text])
model = train_char_model(ids, 4)
accuracy = np.mean(np.argmax(model.forward(ids[None, :-1])[0], axis=-1) == ids[1:])
print(f"next-character accuracy on {text[:12]}...: {accuracy:.0%}")
assert accuracy >= 0.95, "the model should learn the periodic string"
following = sample(model, ids[:6], np.full(12, 0.5), temperature=0.5)
print("continues as:", "".join("abcd"[i] for i in following))
print("✓ character model tests passed")

# %% [markdown]
# ## Before you submit
#
# 1. *Kernel → Restart & Run All*: every test cell should print its ✓ line, with no warnings.
# 2. Check that you imported nothing beyond NumPy and `math`, and used no global `np.random.*` calls.
# 3. Save, then **Submit** in the *Assignments* tab.
