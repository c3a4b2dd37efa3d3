"""Student variants of Assignment 3-RNN (recurrent networks in NumPy), as overrides of the reference solution.

``BUGGY``: one realistic mistake each, written the way students write it; the hidden graders must take points
away, and some failing test's message must contain ``mistake`` (case-insensitive).

``CORRECT``: right per ``assignments/a3_rnn/SPEC.md`` but written differently from ``reference/a3_rnn/`` (fused or
per-gate matrices, ``[x, h]`` concatenated, einsum, explicit Jacobians, recursive BPTT, per-sample loops, other
stable forms, other masked means); the hidden graders must give them full marks.

Each override replaces one top-level function or class (``"RNN"``) or one method (``"LSTM.backward"``) of the
concatenated reference code; see :mod:`autograder.variants.overrides`. Sources: DESIGN_NEXT §5.3 (bugs seen in
real courses and libraries) and §5.4 (unusual but correct).
"""
from __future__ import annotations

from autograder.variants import Variant

# ------------------------------------------------------------------------------------------------------ helpers

_LSTM_FORWARD_ORDER = '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    self.x, self.steps, hs, cs = x, [], [], []
    for t in range(T):
        a = x[:, t] @ self.W_ih.T + self.b_ih + h @ self.W_hh.T + self.b_hh
        blocks = dict(zip("{order}", np.split(a, 4, axis=1)))
        i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
        g = np.tanh(blocks["g"])
        self.steps.append((h, c, i, f, g, o))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    self.cs = cs
    return np.stack(hs, axis=1), np.stack(cs, axis=1)
'''

_LSTM_BACKWARD_ORDER = '''
def backward(self, dhs, dcs=None):
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
        d = {{"i": dc * g * i * (1 - i), "f": dc * c_prev * f * (1 - f), "g": dc * i * (1 - g ** 2),
             "o": dh * tc * o * (1 - o)}}
        da = np.concatenate([d[k] for k in "{order}"], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh, dc = da @ self.W_hh, dc * f
    return dx, dh, dc
'''


def _lstm_order(order: str) -> dict:
    """An LSTM that reads the four blocks of its parameters in ``order`` (forward and backward alike)."""
    return {"LSTM.forward": _LSTM_FORWARD_ORDER.replace("{order}", order),
            "LSTM.backward": _LSTM_BACKWARD_ORDER.replace("{order}", order).replace("{{", "{").replace("}}", "}")}


def _lstm_backward(*changes: str) -> dict:
    """The LSTM.backward above (torch's order) with each (old, new) pair of lines changed."""
    src = _REFERENCE_LSTM_BACKWARD
    for old, new in zip(changes[::2], changes[1::2]):
        assert old in src, old
        src = src.replace(old, new)
    return {"LSTM.backward": src}


_REFERENCE_LSTM_BACKWARD = _LSTM_BACKWARD_ORDER.replace("{order}", "ifgo").replace("{{", "{").replace("}}", "}")

_GRU_FORWARD = '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r = sigmoid(gi[:, {r}] + gh[:, {r}])
    z = sigmoid(gi[:, {z}] + gh[:, {z}])
    n = np.tanh(gi[:, {n}] + r * gh[:, {n}])
    self.cache = x, h, gh[:, {n}], r, z, n
    return (1 - z) * n + z * h
'''

_GRU_BACKWARD = '''
def backward(self, dh):
    x, h, gh_n, r, z, n = self.cache
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (h - n) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    parts_i = {{"r": da_r, "z": da_z, "n": da_n}}
    parts_h = {{"r": da_r, "z": da_z, "n": r * da_n}}
    dgi = np.concatenate([parts_i[k] for k in "{order}"], axis=1)
    dgh = np.concatenate([parts_h[k] for k in "{order}"], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih, self.db_hh = dgi.sum(axis=0), dgh.sum(axis=0)
    return dgi @ self.W_ih, dh * z + dgh @ self.W_hh
'''


def _gru_order(order: str) -> dict:
    H = "self.W_hh.shape[1]"
    slices = {k: f"{j}*{H}:{j + 1}*{H}" for j, k in enumerate(order)}
    forward = _GRU_FORWARD
    for k, s in slices.items():
        forward = forward.replace("{" + k + "}", s)
    return {"GRUCell.forward": forward,
            "GRUCell.backward": _GRU_BACKWARD.replace("{order}", order).replace("{{", "{").replace("}}", "}")}


# ------------------------------------------------------------------------------------------------------ BUGGY

_GRU_BACKWARD = """
def backward(self, dh):
    x, h, gh_n, r, z, n = self.cache
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (h - n) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih, self.db_hh = dgi.sum(axis=0), dgh.sum(axis=0)
    return dgi @ self.W_ih, dh * z + dgh @ self.W_hh
"""

_LSTM_BACKWARD_O_FROM_DC = """
def backward(self, dhs, dcs=None):
    N, T, H = dhs.shape
    dcs = np.zeros_like(dhs) if dcs is None else dcs
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    grads = [np.zeros_like(self.W_ih), np.zeros_like(self.W_hh), np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)]
    dx = np.zeros_like(self.x)
    for t in range(T - 1, -1, -1):
        h_prev, c_prev, i, f, g, o = self.steps[t]
        tc = np.tanh(self.cs[t])
        dh = dhs[:, t] + dh_next
        dc = dcs[:, t] + dc_next + dh * o * (1 - tc * tc)
        da = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g), dc * tc * o * (1 - o)])
        grads[0] += da.T @ self.x[:, t]
        grads[1] += da.T @ h_prev
        grads[2] += da.sum(axis=0)
        grads[3] += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh_next, dc_next = da @ self.W_hh, dc * f
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return dx, dh_next, dc_next
"""


BUGGY: dict[str, Variant] = {
    # ---- one RNN step
    "step_tanh_at_preactivation": Variant({
        "rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    h = np.tanh(a)
    return h, (x, h_prev, W_ih, W_hh, a)
''',
        "rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, a = cache
    da = dh * (1 - a ** 2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)
''',
        "RNN.forward": '''
def forward(self, x, h0=None):
    h = np.zeros((x.shape[0], self.W_hh.shape[0])) if h0 is None else h0
    self.caches, hs = [], []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
        hs.append(h)
    return np.stack(hs, axis=1)
'''}, mistake="pre-activation"),
    "step_tanh_prime_without_square": Variant({"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)
'''}, mistake="square is missing"),
    "step_one_bias": Variant({"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(x @ W_ih.T + h_prev @ W_hh.T + b_ih)
    return h, (x, h_prev, W_ih, W_hh, h)
'''}, mistake="b_hh"),
    "step_cs231n_layout": Variant({"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(x @ W_ih + h_prev @ W_hh + b_ih + b_hh)
    return h, (x, h_prev, W_ih, W_hh, h)
'''}, mistake="layout"),
    "step_weight_gradients_transposed": Variant({"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh, x.T @ da, h_prev.T @ da, da.sum(axis=0), da.sum(axis=0)
'''}, mistake="transposed"),
    "step_bias_gradient_mean": Variant({"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h_prev, da.mean(axis=0), da.mean(axis=0)
'''}, mistake="batch size"),
    "step_whh_gradient_from_new_h": Variant({"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h, da.sum(axis=0), da.sum(axis=0)
'''}, mistake="previous hidden state"),
    "step_dh_prev_through_whh_transposed": Variant({"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh.T, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)
'''}, mistake="through W_hhᵀ"),
    "step_sigmoid_activation": Variant({"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = 1 / (1 + np.exp(-(x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)))
    return h, (x, h_prev, W_ih, W_hh, h)
'''}, mistake="sigmoid used"),
    # ---- the RNN layer and BPTT
    "rnn_bptt_drops_next_step_gradient": Variant({"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dx, dh, *step = rnn_step_backward(dhs[:, t], self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''}, mistake="from step t+1"),
    "rnn_bptt_last_step_upstream_only": Variant({"RNN.backward": '''
def backward(self, dhs):
    T = dhs.shape[1]
    dxs, dh, grads = [], dhs[:, -1], [0, 0, 0, 0]
    for t in reversed(range(T)):
        dx, dh, *step = rnn_step_backward(dh, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''}, mistake="only the last step"),
    "rnn_gradients_accumulate_across_calls": Variant({"RNN.backward": '''
def backward(self, dhs):
    if not hasattr(self, "dW_ih"):
        self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
        self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
    dxs, dh = [], np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        dx, dh, dWi, dWh, dbi, dbh = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
        dxs.append(dx)
        self.dW_ih += dWi
        self.dW_hh += dWh
        self.db_ih += dbi
        self.db_hh += dbh
    return np.stack(dxs[::-1], axis=1), dh
'''}, mistake="not add to them"),
    "rnn_h0_ignored": Variant({"RNN.forward": '''
def forward(self, x, h0=None):
    h = np.zeros((x.shape[0], self.W_hh.shape[0]))
    self.caches = []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
    return np.stack([cache[-1] for cache in self.caches], axis=1)
'''}, mistake="h0 is ignored"),
    "rnn_caches_kept_from_an_earlier_forward": Variant({"RNN.forward": '''
def forward(self, x, h0=None):
    if not hasattr(self, "caches"):
        self.caches = []
    h = np.zeros((x.shape[0], self.W_hh.shape[0])) if h0 is None else h0
    hs = []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
        hs.append(h)
    return np.stack(hs, axis=1)
'''}, mistake="latest forward"),
    "rnn_time_major_loop": Variant({"RNN.forward": '''
def forward(self, x, h0=None):
    T, N, _ = x.shape
    h = np.zeros((N, self.W_hh.shape[0])) if h0 is None else h0
    self.caches = []
    for t in range(T):
        h, cache = rnn_step_forward(x[t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
    return np.stack([cache[-1] for cache in self.caches], axis=0)
'''}, mistake="batch first"),
    "rnn_gradients_averaged_over_time": Variant({"RNN.backward": '''
def backward(self, dhs):
    T = dhs.shape[1]
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(T)):
        dx, dh, *step = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
        dxs.append(dx)
        grads = [g + s / T for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''}, mistake="averaged over the"),
    "rnn_dh0_before_the_first_step": Variant({"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        total = dhs[:, t] + dh
        dx, dh, *step = rnn_step_backward(total, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), total
'''}, mistake="dh_prev of the first step"),
    "rnn_hidden_state_buffer_aliased": Variant({"RNN.forward": '''
def forward(self, x, h0=None):
    N, T, _ = x.shape
    h = np.zeros((N, self.W_hh.shape[0])) if h0 is None else h0.copy()
    self.caches, hs = [], np.zeros((N, T, self.W_hh.shape[0]))
    for t in range(T):
        h_prev = h
        h[:] = np.tanh(x[:, t] @ self.W_ih.T + self.b_ih + h_prev @ self.W_hh.T + self.b_hh)
        self.caches.append((x[:, t], h_prev, self.W_ih, self.W_hh, h))
        hs[:, t] = h
    return hs
'''}, mistake="same h array"),
    "rnn_backward_changes_dhs_in_place": Variant({"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dhs[:, t] += dh
        dx, dh, *step = rnn_step_backward(dhs[:, t], self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''}, mistake="changed an array"),
    # ---- LSTM
    "lstm_gate_order_ifog_cs231n": Variant(_lstm_order("ifog"), mistake="gate order"),
    "lstm_gate_order_igfo_tensorflow": Variant(_lstm_order("igfo"), mistake="gate order"),
    "lstm_one_bias": Variant({"LSTM.forward": _LSTM_FORWARD_ORDER.replace("{order}", "ifgo").replace(
        " + self.b_ih + h @ self.W_hh.T + self.b_hh", " + self.b_ih + h @ self.W_hh.T")}, mistake="b_hh"),
    "lstm_cell_gradient_without_forget_gate": Variant(_lstm_backward("dh, dc = da @ self.W_hh, dc * f",
                                                                     "dh, dc = da @ self.W_hh, dc"),
                                                      mistake="without the forget gate"),
    "lstm_cell_gradient_misses_the_tanh_path": Variant(_lstm_backward(
        "dc = dc + dcs[:, t] + dh * o * (1 - tc ** 2)", "dc = dc + dcs[:, t]"), mistake="misses the path"),
    "lstm_h_without_tanh": Variant({"LSTM.forward": _LSTM_FORWARD_ORDER.replace("{order}", "ifgo").replace(
        "h = o * np.tanh(c)", "h = o * c")}, mistake="hₜ = o ⊙ cₜ"),
    "lstm_drops_cell_gradient_from_next_step": Variant(_lstm_backward(
        "dc = dc + dcs[:, t] + dh * o * (1 - tc ** 2)", "dc = dcs[:, t] + dh * o * (1 - tc ** 2)"),
        mistake="cell's gradient coming back"),
    "lstm_drops_hidden_gradient_from_next_step": Variant(_lstm_backward("dh = dh + dhs[:, t]", "dh = dhs[:, t]"),
                                                         mistake="hidden state's gradient coming back"),
    "lstm_tanh_c_derivative_from_c": Variant(_lstm_backward(
        "dc = dc + dcs[:, t] + dh * o * (1 - tc ** 2)", "dc = dc + dcs[:, t] + dh * o * (1 - self.cs[t] ** 2)"),
        mistake="1 − cₜ²"),
    "lstm_dcs_ignored": Variant(_lstm_backward("dc = dc + dcs[:, t] + dh", "dc = dc + dh"), mistake="dcs is ignored"),
    "lstm_dcs_added_after_forget_gate": Variant(_lstm_backward(
        "dc = dc + dcs[:, t] + dh", "dc = dc + dh",
        "dh, dc = da @ self.W_hh, dc * f", "dh, dc = da @ self.W_hh, dc * f + dcs[:, t]"),
        mistake="added after the forget gate"),
    "lstm_c0_ignored": Variant({"LSTM.forward": _LSTM_FORWARD_ORDER.replace("{order}", "ifgo").replace(
        "c = np.zeros((N, H)) if c0 is None else c0", "c = np.zeros((N, H))")}, mistake="c0 is ignored"),
    "lstm_naive_sigmoid": Variant({"sigmoid": '''
def sigmoid(a):
    return 1 / (1 + np.exp(-a))
'''}, mistake="overflow"),
    "lstm_gradients_accumulate_across_calls": Variant(_lstm_backward(
        "self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)\n"
        "    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)",
        "if not hasattr(self, 'dW_ih'):\n"
        "        self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)\n"
        "        self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)"),
        mistake="not add to them"),
    "lstm_sigmoid_derivative_as_sigmoid": Variant(_lstm_backward(
        'd = {"i": dc * g * i * (1 - i), "f": dc * c_prev * f * (1 - f), "g": dc * i * (1 - g ** 2),\n'
        '             "o": dh * tc * o * (1 - o)}',
        'd = {"i": dc * g * i, "f": dc * c_prev * f, "g": dc * i * (1 - g ** 2), "o": dh * tc * o}'),
        mistake="σ' is written σ"),
    # ---- GRU
    "gru_paper_form": Variant({"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + (r * h) @ self.W_hh[2 * H:].T + self.b_hh[2 * H:])
    self.cache = x, h, gh[:, 2 * H:], r, z, n
    return (1 - z) * n + z * h
'''}, mistake="paper's form"),
    "gru_update_gate_swapped": Variant({"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    self.cache = x, h, gh[:, 2 * H:], r, 1 - z, n
    return z * n + (1 - z) * h
'''}, mistake="z and 1 − z are swapped"),
    "gru_b_hn_outside_reset": Variant({"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * (h @ self.W_hh[2 * H:].T) + self.b_hh[2 * H:])
    self.cache = x, h, gh[:, 2 * H:], r, z, n
    return (1 - z) * n + z * h
'''}, mistake="b_hn is added outside r"),
    "gru_gate_order_zrn": Variant(_gru_order("zrn"), mistake="gate order"),
    "gru_dh_prev_misses_direct_path": Variant({"GRUCell.backward": _GRU_BACKWARD.replace("{order}", "rzn").replace(
        "{{", "{").replace("}}", "}").replace("return dgi @ self.W_ih, dh * z + dgh @ self.W_hh",
                                              "return dgi @ self.W_ih, dgh @ self.W_hh")}, mistake="direct path"),
    "gru_h_required": Variant({"GRUCell.forward": '''
def forward(self, x, h):
    H = self.W_hh.shape[1]
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    self.cache = x, h, gh[:, 2 * H:], r, z, n
    return (1 - z) * n + z * h
'''}, mistake="h=None"),
    # ---- the masked loss
    "loss_summed_over_time": Variant({"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.sum(m * nll) / targets.shape[0])
''', "sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / targets.shape[0]
'''}, mistake="summed over time"),
    "loss_mean_ignores_mask": Variant({"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(nll.mean())
'''}, mistake="mask is ignored"),
    "loss_mean_of_sequence_means": Variant({"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.mean(np.sum(m * nll, axis=1) / np.sum(m, axis=1)))
'''}, mistake="per-sequence means"),
    "loss_gradient_ignores_mask": Variant({"sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p / np.sum(m)
'''}, mistake="gradient ignores the mask"),
    "loss_divides_by_all_tokens": Variant({"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.sum(m * nll) / m.size)
''', "sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / m.size
'''}, mistake="counting the masked tokens"),
    "loss_unstable_softmax": Variant({"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    nll = -np.log(np.take_along_axis(p, targets[..., None], axis=-1)[..., 0])
    return float(np.sum(m * nll) / np.sum(m))
'''}, mistake="overflow"),
    "loss_changes_the_logits_in_place": Variant({"sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    logits -= logits.max(axis=-1, keepdims=True)
    p = np.exp(logits)
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / np.sum(m)
'''}, mistake="changed an array"),
    # ---- clipping
    "clip_by_value": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    return [np.clip(g, -max_norm, max_norm) for g in grads], float(total)
'''}, mistake="by value"),
    "clip_each_array_by_its_own_norm": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    norms = [np.max(np.abs(g)) if norm_type == np.inf else np.sum(np.abs(g) ** norm_type) ** (1 / norm_type)
             for g in grads]
    total = max(norms) if norm_type == np.inf else sum(n ** norm_type for n in norms) ** (1 / norm_type)
    return [g * min(1.0, max_norm / (n + 1e-6)) for g, n in zip(grads, norms)], float(total)
'''}, mistake="its own norm"),
    "clip_without_epsilon": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / total)
    return [g * scale for g in grads], float(total)
'''}, mistake="1e-6"),
    "clip_scales_up_small_gradients": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = max_norm / (total + 1e-6)
    return [g * scale for g in grads], float(total)
'''}, mistake="scaled up"),
    "clip_norm_type_ignored": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total)
'''}, mistake="norm_type is ignored"),
    "clip_returns_the_norm_after_clipping": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    def norm(gs):
        if norm_type == np.inf:
            return max(np.max(np.abs(g)) for g in gs)
        return sum(np.sum(np.abs(g) ** norm_type) for g in gs) ** (1 / norm_type)
    scale = min(1.0, max_norm / (norm(grads) + 1e-6))
    clipped = [g * scale for g in grads]
    return clipped, float(norm(clipped))
'''}, mistake="after clipping"),
    "clip_in_place": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= scale
    return grads, float(total)
'''}, mistake="changed the arrays"),
    "clip_infinity_norm_as_a_power": Variant({"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total)
'''}, mistake="max |g|"),
    # ---- sampling
    "sample_argmax": Variant({"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1]
        ids.append(int(np.argmax(z)))
    return np.array(ids[len(start_ids):])
'''}, mistake="argmax"),
    "sample_temperature_ignored": Variant({"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1]
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''}, mistake="temperature is ignored"),
    "sample_temperature_multiplies": Variant({"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] * temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''}, mistake="multiplied by the temperature"),
    "sample_feeds_the_last_id_only": Variant({"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids[-1:]]))[0, -1] / temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''}, mistake="last id only"),
    "sample_unstable_softmax": Variant({"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        p = np.exp(model.forward(np.array([ids]))[0, -1] / temperature)
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''}, mistake="overflow"),
    "sample_returns_the_start_ids_too": Variant({"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids)
'''}, mistake="start ids are returned"),
    # ---- the character model and its training
    "charmodel_without_output_bias": Variant({"CharModel.forward": '''
def forward(self, ids):
    x = np.eye(self.W_out.shape[0])[ids]
    self.hs = self.rnn.forward(x)[0] if self.cell == "lstm" else self.rnn.forward(x)
    return self.hs @ self.W_out.T
'''}, mistake="b_out is missing"),
    "charmodel_default_cell_rnn": Variant({"CharModel.__init__": '''
def __init__(self, vocab_size, hidden_size, cell="rnn", rng=None):
    rng = np.random.default_rng(rng)
    self.cell = cell
    self.rnn = {"lstm": LSTM, "rnn": RNN}[cell](vocab_size, hidden_size, rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_out = rng.uniform(-k, k, (vocab_size, hidden_size))
    self.b_out = rng.uniform(-k, k, vocab_size)
'''}, mistake="default cell"),
    "train_without_clipping": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="not clipped"),
    "train_new_adam_every_step": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        grads = clip_grad_norm(model.gradients(), clip)[0]
        model.set_parameters(Adam(lr).step(model.parameters(), grads))
    return model
'''}, mistake="new Adam"),
    "train_with_sgd": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = SGD(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        grads = clip_grad_norm(model.gradients(), clip)[0]
        model.set_parameters(opt.step(model.parameters(), grads))
    return model
'''}, mistake="SGD"),
    "train_clip_argument_ignored": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        grads = clip_grad_norm(model.gradients(), 1.0)[0]
        model.set_parameters(opt.step(model.parameters(), grads))
    return model
'''}, mistake="clip argument is ignored"),
    "train_lr_argument_ignored": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam()
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        grads = clip_grad_norm(model.gradients(), clip)[0]
        model.set_parameters(opt.step(model.parameters(), grads))
    return model
'''}, mistake="without the lr"),
    "train_one_step_too_many": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps + 1):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        grads = clip_grad_norm(model.gradients(), clip)[0]
        model.set_parameters(opt.step(model.parameters(), grads))
    return model
'''}, mistake="one step too many"),
    "train_cell_argument_ignored": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, rng=rng)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        grads = clip_grad_norm(model.gradients(), clip)[0]
        model.set_parameters(opt.step(model.parameters(), grads))
    return model
'''}, mistake="should build"),
    "train_loss_summed_over_time": Variant({"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps):
        dlogits = sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]) * (len(ids) - 1)
        model.backward(dlogits)
        grads = clip_grad_norm(model.gradients(), clip)[0]
        model.set_parameters(opt.step(model.parameters(), grads))
    return model
'''}, mistake="summed over the time steps"),
    # ---- found by independent slips (bench/a3_rnn_slips.py)
    "step_backward_scales_dh_in_place": Variant({"rnn_step_backward": """
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    dh *= 1.0 - h * h
    return dh @ W_ih, dh @ W_hh, dh.T @ x, dh.T @ h_prev, dh.sum(0), dh.sum(0)
"""}, mistake="changed an array it was given in place"),
    "charmodel_second_generator_same_seed": Variant({"CharModel.__init__": """
def __init__(self, vocab_size, hidden_size, cell="lstm", rng=None):
    self.cell = cell
    layer = LSTM if cell == "lstm" else RNN
    self.rnn = layer(vocab_size, hidden_size, rng=rng)
    gen = np.random.default_rng(rng)
    k = hidden_size ** -0.5
    self.W_out = gen.uniform(-k, k, size=(vocab_size, hidden_size))
    self.b_out = gen.uniform(-k, k, size=vocab_size)
"""}, mistake="repeat each other"),
    "lstm_steps_cached_after_update": Variant({"LSTM.forward": _LSTM_FORWARD_ORDER.replace("{order}", "ifgo").replace(
        "        self.steps.append((h, c, i, f, g, o))\n        c = f * c + i * g\n        h = o * np.tanh(c)\n",
        "        c = f * c + i * g\n        h = o * np.tanh(c)\n        self.steps.append((h, c, i, f, g, o))\n")},
        mistake="hₜ₋₁, cₜ₋₁"),
    "lstm_output_gate_from_cell_gradient": Variant({"LSTM.backward": _LSTM_BACKWARD_O_FROM_DC},
                                                   mistake="output gate's da_o"),
    "gru_update_gate_sign_flipped": Variant({"GRUCell.backward": _GRU_BACKWARD.replace(
        "(h - n) * z", "(n - h) * z")}, mistake="update gate's gradient has the wrong sign"),
    "gru_reset_gate_without_b_hn": Variant({"GRUCell.forward": """
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    if h is None:
        h = np.zeros((x.shape[0], H))
    gi = x @ self.W_ih.T + self.b_ih
    hn = h @ self.W_hh[2 * H:].T
    gh = h @ self.W_hh.T + self.b_hh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * (hn + self.b_hh[2 * H:]))
    self.cache = x, h, hn, r, z, n
    return (1 - z) * n + z * h
"""}, mistake="misses b_hn"),
    "rnn_init_global_numpy_random": Variant({"RNN.__init__": """
def __init__(self, input_size, hidden_size, rng=None):
    if rng is not None:
        np.random.seed(rng)
    k = 1.0 / np.sqrt(hidden_size)
    self.W_ih = np.random.uniform(-k, k, size=(hidden_size, input_size))
    self.W_hh = np.random.uniform(-k, k, size=(hidden_size, hidden_size))
    self.b_ih = np.random.uniform(-k, k, size=hidden_size)
    self.b_hh = np.random.uniform(-k, k, size=hidden_size)
"""}, mistake="never the global np.random.seed"),
    "charmodel_onehot_hidden_width": Variant({"CharModel.forward": """
def forward(self, ids):
    H = self.W_out.shape[1]
    x = np.eye(H)[ids]
    out = self.rnn.forward(x)
    self.hs = out[0] if self.cell == "lstm" else out
    return self.hs @ self.W_out.T + self.b_out
"""}, mistake="width V = vocab_size"),
}

# ------------------------------------------------------------------------------------------------------ CORRECT

CORRECT: dict[str, dict[str, str]] = {
    # [x, h] concatenated against [W_ih, W_hh] stacked, built at call time from the current attributes
    "rnn_step_concatenated": {"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    xh = np.concatenate([x, h_prev], axis=1)
    W = np.concatenate([W_ih, W_hh], axis=1)
    h = np.tanh(xh @ W.T + (b_ih + b_hh))
    return h, {"xh": xh, "W": W, "h": h, "D": x.shape[1]}
''', "rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    da = dh * (1.0 - cache["h"] * cache["h"])
    dxh = da @ cache["W"]
    dW = da.T @ cache["xh"]
    D = cache["D"]
    db = np.sum(da, axis=0)
    return dxh[:, :D], dxh[:, D:], dW[:, :D], dW[:, D:], db, db.copy()
''', "RNN.forward": '''
def forward(self, x, h0=None):
    h = np.zeros((x.shape[0], self.W_hh.shape[0])) if h0 is None else h0
    self.caches, hs = [], []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
        hs.append(h)
    return np.stack(hs, axis=1)
'''},
    # a loop over the batch and over time, einsum for the outer products, tanh as 2σ(2a) − 1
    "rnn_per_sample_loops": {"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.empty((x.shape[0], W_hh.shape[0]))
    for n in range(x.shape[0]):
        a = W_ih @ x[n] + W_hh @ h_prev[n] + b_ih + b_hh
        h[n] = 2 * sigmoid(2 * a) - 1
    return h, [x, h_prev, W_ih, W_hh, h]
''', "rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    dx = np.einsum("nh,hd->nd", da, W_ih)
    dh_prev = np.einsum("nh,hk->nk", da, W_hh)
    dW_ih = np.einsum("nh,nd->hd", da, x)
    dW_hh = np.einsum("nh,nk->hk", da, h_prev)
    db = np.einsum("nh->h", da)
    return dx, dh_prev, dW_ih, dW_hh, db, db
'''},
    # BPTT through explicit Jacobians: ∂h_t/∂h_{t-1} = diag(1 − h_t²) W_hh per sample
    "rnn_bptt_explicit_jacobians": {"RNN.backward": '''
def backward(self, dhs):
    N, T, H = dhs.shape
    dx = np.zeros((N, T, self.W_ih.shape[1]))
    self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
    g = np.zeros((N, H))  # dL/dh_t, complete
    for t in range(T - 1, -1, -1):
        x, h_prev, W_ih, W_hh, h = self.caches[t]
        g = g + dhs[:, t]
        J = (1 - h ** 2)[:, :, None] * W_hh[None]  # (N, H, H): dh_t/dh_{t-1}
        da = g * (1 - h ** 2)
        dx[:, t] = da @ W_ih
        self.dW_ih += da.T @ x
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(0)
        self.db_hh += da.sum(0)
        g = np.einsum("nh,nhk->nk", g, J)
    return dx, g
'''},
    # BPTT written recursively: backward of step t calls backward of step t-1
    "rnn_bptt_recursive": {"RNN.backward": '''
def backward(self, dhs):
    grads = [np.zeros_like(self.W_ih), np.zeros_like(self.W_hh), np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)]
    dxs = [None] * dhs.shape[1]

    def through(t, dh_next):
        if t < 0:
            return dh_next
        dx, dh_prev, *step = rnn_step_backward(dhs[:, t] + dh_next, self.caches[t])
        dxs[t] = dx
        for g, s in zip(grads, step):
            g += s
        return through(t - 1, dh_prev)

    dh0 = through(dhs.shape[1] - 1, np.zeros_like(dhs[:, 0]))
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs, axis=1), dh0
'''},
    # per-gate matrices sliced from the fused ones, a cache dict per step, sigmoid as 0.5(1 + tanh(a/2))
    "lstm_per_gate_matrices": {"sigmoid": '''
def sigmoid(a):
    return 0.5 * (1 + np.tanh(0.5 * a))
''', "LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    W = {k: (self.W_ih[j * H:(j + 1) * H], self.W_hh[j * H:(j + 1) * H], self.b_ih[j * H:(j + 1) * H] +
             self.b_hh[j * H:(j + 1) * H]) for j, k in enumerate("ifgo")}
    h = np.zeros((N, H)) if h0 is None else h0.copy()
    c = np.zeros((N, H)) if c0 is None else c0.copy()
    self.cache, hs, cs = [], np.zeros((N, T, H)), np.zeros((N, T, H))
    for t in range(T):
        gate = lambda k: x[:, t] @ W[k][0].T + h @ W[k][1].T + W[k][2]
        step = {"x": x[:, t], "h_prev": h, "c_prev": c, "i": sigmoid(gate("i")), "f": sigmoid(gate("f")),
                "g": np.tanh(gate("g")), "o": sigmoid(gate("o"))}
        c = step["f"] * c + step["i"] * step["g"]
        step["tanh_c"] = np.tanh(c)
        h = step["o"] * step["tanh_c"]
        self.cache.append(step)
        hs[:, t], cs[:, t] = h, c
    return hs, cs
''', "LSTM.backward": '''
def backward(self, dhs, dcs=None):
    N, T, H = dhs.shape
    dx = np.zeros((N, T, self.W_ih.shape[1]))
    dW_ih, dW_hh, db = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh), np.zeros_like(self.b_ih)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        s = self.cache[t]
        dh = dhs[:, t] + dh_next
        dc = dc_next + dh * s["o"] * (1 - s["tanh_c"] ** 2)
        if dcs is not None:
            dc = dc + dcs[:, t]
        das = {"i": dc * s["g"] * s["i"] * (1 - s["i"]), "f": dc * s["c_prev"] * s["f"] * (1 - s["f"]),
               "g": dc * s["i"] * (1 - s["g"] ** 2), "o": dh * s["tanh_c"] * s["o"] * (1 - s["o"])}
        dh_next = np.zeros((N, H))
        for j, k in enumerate("ifgo"):
            rows = slice(j * H, (j + 1) * H)
            dW_ih[rows] += das[k].T @ s["x"]
            dW_hh[rows] += das[k].T @ s["h_prev"]
            db[rows] += das[k].sum(axis=0)
            dx[:, t] += das[k] @ self.W_ih[rows]
            dh_next += das[k] @ self.W_hh[rows]
        dc_next = dc * s["f"]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = dW_ih, dW_hh, db, db.copy()
    return dx, dh_next, dc_next
'''},
    # one fused matmul on [x, h], einsum for the weight gradients, a stable sigmoid with np.where
    "lstm_fused_concat_einsum": {"sigmoid": '''
def sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))
''', "LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, D = x.shape
    H = self.W_hh.shape[1]
    W = np.concatenate([self.W_ih, self.W_hh], axis=1)
    b = self.b_ih + self.b_hh
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    self.D, self.W, self.xh, self.gates, self.c_prev, self.c_all = D, W, [], [], [], []
    for t in range(T):
        xh = np.concatenate([x[:, t], h], axis=1)
        a = np.einsum("nk,gk->ng", xh, W) + b
        i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        self.xh.append(xh)
        self.gates.append((i, f, g, o))
        self.c_prev.append(c)
        c = f * c + i * g
        h = o * np.tanh(c)
        self.c_all.append(c)
    cs = np.stack(self.c_all, axis=1)
    return np.stack([o * np.tanh(c) for (_, _, _, o), c in zip(self.gates, self.c_all)], axis=1), cs
''', "LSTM.backward": '''
def backward(self, dhs, dcs=None):
    N, T, H = dhs.shape
    dcs = np.zeros_like(dhs) if dcs is None else dcs
    dW = np.zeros_like(self.W)
    db = np.zeros(4 * H)
    dxs = []
    dh, dc = 0.0, 0.0
    for t in range(T - 1, -1, -1):
        i, f, g, o = self.gates[t]
        tc = np.tanh(self.c_all[t])
        dh = dh + dhs[:, t]
        dc = dc + dcs[:, t] + dh * o * (1 - tc * tc)
        da = np.hstack([dc * g * i * (1 - i), dc * self.c_prev[t] * f * (1 - f), dc * i * (1 - g * g),
                        dh * tc * o * (1 - o)])
        dW += np.einsum("ng,nk->gk", da, self.xh[t])
        db += da.sum(axis=0)
        dxh = da @ self.W
        dxs.append(dxh[:, :self.D])
        dh, dc = dxh[:, self.D:], dc * f
    self.dW_ih, self.dW_hh = dW[:, :self.D], dW[:, self.D:]
    self.db_ih, self.db_hh = db, db.copy()
    return np.stack(dxs[::-1], axis=1), dh, dc
'''},
    # the GRU with per-gate matrices and the tanh written through σ
    "gru_per_gate_matrices": {"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    Wi = [self.W_ih[k * H:(k + 1) * H] for k in range(3)]
    Wh = [self.W_hh[k * H:(k + 1) * H] for k in range(3)]
    bi = [self.b_ih[k * H:(k + 1) * H] for k in range(3)]
    bh = [self.b_hh[k * H:(k + 1) * H] for k in range(3)]
    r = sigmoid(x @ Wi[0].T + bi[0] + h @ Wh[0].T + bh[0])
    z = sigmoid(x @ Wi[1].T + bi[1] + h @ Wh[1].T + bh[1])
    hn = h @ Wh[2].T + bh[2]
    n = 2 * sigmoid(2 * (x @ Wi[2].T + bi[2] + r * hn)) - 1
    self.saved = dict(x=x, h=h, r=r, z=z, n=n, hn=hn, Wi=Wi, Wh=Wh)
    return n + z * (h - n)
''', "GRUCell.backward": '''
def backward(self, dh):
    s = self.saved
    dn = dh * (1 - s["z"])
    dz = dh * (s["h"] - s["n"])
    dan = dn * (1 - s["n"] ** 2)
    dr = dan * s["hn"]
    daz = dz * s["z"] * (1 - s["z"])
    dar = dr * s["r"] * (1 - s["r"])
    dhn = dan * s["r"]
    self.dW_ih = np.vstack([dar.T @ s["x"], daz.T @ s["x"], dan.T @ s["x"]])
    self.dW_hh = np.vstack([dar.T @ s["h"], daz.T @ s["h"], dhn.T @ s["h"]])
    self.db_ih = np.concatenate([dar.sum(0), daz.sum(0), dan.sum(0)])
    self.db_hh = np.concatenate([dar.sum(0), daz.sum(0), dhn.sum(0)])
    dx = dar @ s["Wi"][0] + daz @ s["Wi"][1] + dan @ s["Wi"][2]
    dh_prev = dh * s["z"] + dar @ s["Wh"][0] + daz @ s["Wh"][1] + dhn @ s["Wh"][2]
    return dx, dh_prev
'''},
    # the masked mean by boolean indexing; log-softmax through logaddexp.reduce; the gradient via np.add.at
    "loss_boolean_indexing": {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    keep = np.ones(targets.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    z = logits[keep]
    y = targets[keep]
    lse = np.logaddexp.reduce(z, axis=1)
    return float(np.mean(lse - z[np.arange(len(y)), y]))
''', "sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    keep = np.ones(targets.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    out = np.zeros_like(logits)
    z = logits[keep]
    p = np.exp(z - np.logaddexp.reduce(z, axis=1, keepdims=True))
    np.add.at(p, (np.arange(len(p)), targets[keep]), -1.0)
    out[keep] = p / keep.sum()
    return out
'''},
    # np.average with the mask as weights; log_softmax written with a keepdims logsumexp
    "loss_weighted_average": {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask.astype(float)
    mx = np.max(logits, axis=2, keepdims=True)
    logp = logits - mx - np.log(np.sum(np.exp(logits - mx), axis=2, keepdims=True))
    nll = -np.take_along_axis(logp, targets[:, :, None], axis=2)[:, :, 0]
    return float(np.average(nll, weights=m))
'''},
    # one concatenated vector for the norm; an explicit branch for clipping
    "clip_flat_vector": {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    flat = np.concatenate([np.ravel(g) for g in grads])
    total = float(np.linalg.norm(flat, ord=norm_type))
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        return [g * coef for g in grads], total
    return [np.array(g, dtype=float) for g in grads], total
'''},
    # sampling with a running loop over cumsum, p ∝ exp(z/T) via logsumexp, and p^(1/T) never mentioned
    "sample_manual_cumsum": {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    seq = list(np.asarray(start_ids, dtype=int))
    out = []
    for k in range(len(u)):
        z = model.forward(np.array(seq, dtype=int)[None, :])[0, -1] / temperature
        logp = z - np.logaddexp.reduce(z)
        total, choice = 0.0, len(z) - 1
        for i, lp in enumerate(logp):
            total += np.exp(lp)
            if total > u[k]:
                choice = i
                break
        seq.append(choice)
        out.append(choice)
    return np.array(out, dtype=int)
'''},
    # the one-hot product as a column lookup of W_ih; own Adam written inline in the training loop
    "charmodel_lookup_and_inline_adam": {"CharModel.forward": '''
def forward(self, ids):
    x = np.zeros(ids.shape + (self.W_out.shape[0],))
    np.put_along_axis(x, ids[..., None], 1.0, axis=-1)
    out = self.rnn.forward(x)
    self.hs = out[0] if isinstance(out, tuple) else out
    return np.einsum("nth,vh->ntv", self.hs, self.W_out) + self.b_out
''', "train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    m = [np.zeros_like(p) for p in model.parameters()]
    v = [np.zeros_like(p) for p in model.parameters()]
    for t in range(1, steps + 1):
        logits = model.forward(ids[None, :-1])
        model.backward(sequence_cross_entropy_grad(logits, ids[None, 1:]))
        grads, _ = clip_grad_norm(model.gradients(), clip)
        new = []
        for k, (p, g) in enumerate(zip(model.parameters(), grads)):
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            new.append(p - lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8))
        model.set_parameters(new)
    return model
'''},
    # other orders of the random draws: the graders read each student's own initial parameters
    "init_in_other_orders": {"LSTM.__init__": '''
def __init__(self, input_size, hidden_size, rng=None):
    rng = np.random.default_rng(rng)
    k = 1.0 / math.sqrt(hidden_size)
    self.b_ih, self.b_hh = rng.uniform(-k, k, (2, 4 * hidden_size))
    self.W_hh = rng.uniform(-k, k, size=(4 * hidden_size, hidden_size))
    self.W_ih = rng.uniform(-k, k, size=(4 * hidden_size, input_size))
''', "CharModel.__init__": '''
def __init__(self, vocab_size, hidden_size, cell="lstm", rng=None):
    rng = np.random.default_rng(rng)
    k = 1 / np.sqrt(hidden_size)
    self.b_out = rng.uniform(-k, k, vocab_size)
    self.W_out = rng.uniform(-k, k, (vocab_size, hidden_size))
    self.cell = cell
    self.rnn = LSTM(vocab_size, hidden_size, rng) if cell == "lstm" else RNN(vocab_size, hidden_size, rng)
'''},
}
