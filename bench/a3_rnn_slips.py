"""Realistic one-mistake slips in Assignment 3-RNN (RNN, LSTM and GRU with BPTT in NumPy, the masked sequence loss,
gradient clipping, the character model, sampling and training), written from the SPEC and the reference only
(never from the hidden graders), to measure the graders on bugs they were not written against
(bench/prove_slips.py). Each entry replaces one or more definitions of the concatenated reference solution with
the way a student might have written them, with exactly one mistake."""
SLIPS = {
    # ------------------------------------------------------------------ RNN step
    "rnn_step_tanh_grad_from_preactivation": (
        {"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    h = np.tanh(a)
    return h, (x, h_prev, W_ih, W_hh, a)
'''},
        ("tanh", "derivative", "1 - h", "1 − h", "pre-activation", "preactivation", "output h", "da"),
        "the cache keeps the pre-activation a in h's slot, so the backward's 1 − h² is 1 − a² instead of 1 − tanh²(a)",
    ),
    "rnn_step_dWhh_from_new_h": (
        {"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h, da.sum(axis=0), da.sum(axis=0)
'''},
        ("dw_hh", "w_hh", "h_prev", "previous state", "h_{t-1}", "hₜ₋₁"),
        "dW_hh is daᵀ h (the new state) instead of daᵀ h_prev (the state that multiplied W_hh)",
    ),
    "rnn_step_dh_prev_transposed_weight": (
        {"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh.T, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)
'''},
        ("dh_prev", "h_prev", "transpose", "w_hh", "dh0"),
        "dh_prev = da W_hhᵀ instead of da W_hh: the square W_hh hides the wrong transpose from shape checks",
    ),
    "rnn_step_forward_Whh_not_transposed": (
        {"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(x @ W_ih.T + b_ih + h_prev @ W_hh + b_hh)
    return h, (x, h_prev, W_ih, W_hh, h)
'''},
        ("w_hh", "transpose", "layout", "h_prev", "forward", "pytorch"),
        "the forward multiplies h_prev by W_hh instead of W_hhᵀ (square, so no shape error) against PyTorch's layout",
    ),
    "rnn_step_only_one_bias": (
        {"rnn_step_forward": '''
def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(x @ W_ih.T + h_prev @ W_hh.T + b_ih)
    return h, (x, h_prev, W_ih, W_hh, h)
'''},
        ("bias", "b_hh", "two biases", "both biases"),
        "the step adds b_ih only and forgets b_hh",
    ),
    "rnn_step_bias_grad_mean_over_batch": (
        {"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h ** 2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h_prev, da.mean(axis=0), da.mean(axis=0)
'''},
        ("db_ih", "db_hh", "bias", "sum over the batch", "summed over", "mean", "batch"),
        "the bias gradients average da over the batch instead of summing it",
    ),
    "rnn_step_backward_scales_dh_in_place": (
        {"rnn_step_backward": '''
def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    dh *= 1 - h ** 2
    return dh @ W_ih, dh @ W_hh, dh.T @ x, dh.T @ h_prev, dh.sum(axis=0), dh.sum(axis=0)
'''},
        ("in place", "in-place", "modif", "chang", "mutat", "given array", "dh"),
        "the backward multiplies dh by tanh' in place, changing the caller's array",
    ),
    # ------------------------------------------------------------------ RNN sequence, BPTT
    "rnn_bptt_drops_future_gradient": (
        {"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dx, dh, *step = rnn_step_backward(dhs[:, t], self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("t+1", "through time", "bptt", "future", "later step", "dh_prev", "flowing back", "recurren"),
        "step t receives only dhs[:, t]: the dh_prev of step t+1 is computed but never added, so no gradient travels back",
    ),
    "rnn_bptt_last_state_only": (
        {"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], dhs[:, -1], [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dx, dh, *step = rnn_step_backward(dh, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("every t", "every step", "dhs", "each step", "all time", "upstream", "last state"),
        "the backward starts from dhs[:, -1] and ignores dhs at every earlier step (assumes a loss on the last state)",
    ),
    "rnn_dh0_is_upstream_of_first_step": (
        {"RNN.backward": '''
def backward(self, dhs):
    dxs, dh_next, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dh = dhs[:, t] + dh_next
        dx, dh_next, *step = rnn_step_backward(dh, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("dh0", "h0", "initial state", "h_0", "first step"),
        "returns the total gradient reaching h₁ instead of dh0 = the first step's dh_prev",
    ),
    "rnn_dx_not_reversed": (
        {"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dx, dh, *step = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs, axis=1), dh
'''},
        ("dx", "order", "reverse", "time", "backwards"),
        "dx is stacked in the order the backward loop produced it (t = T..1), so its time axis is reversed",
    ),
    "rnn_param_grads_last_step_only": (
        {"RNN.backward": '''
def backward(self, dhs):
    dxs, dh = [], np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        dx, dh, *grads = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
        dxs.append(dx)
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("sum over time", "summed over time", "sums over time", "every step", "accumulat", "dw_ih", "dw_hh"),
        "the parameter gradients are overwritten at every step, so they hold step 1's only instead of the sum over t",
    ),
    "rnn_param_grads_divided_by_T": (
        {"RNN.backward": '''
def backward(self, dhs):
    T = dhs.shape[1]
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(T)):
        dx, dh, *step = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = [g / T for g in grads]
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("sum over time", "sums over time", "divide", "mean", "/ t", "average", "never divide"),
        "the parameter gradients are averaged over time instead of summed",
    ),
    "rnn_grads_accumulate_across_calls": (
        {"RNN.__init__": '''
def __init__(self, input_size, hidden_size, rng=None):
    rng = np.random.default_rng(rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_ih = rng.uniform(-k, k, (hidden_size, input_size))
    self.W_hh = rng.uniform(-k, k, (hidden_size, hidden_size))
    self.b_ih = rng.uniform(-k, k, hidden_size)
    self.b_hh = rng.uniform(-k, k, hidden_size)
    self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
''',
         "RNN.backward": '''
def backward(self, dhs):
    dxs, dh = [], np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        dx, dh, dW_ih, dW_hh, db_ih, db_hh = rnn_step_backward(dhs[:, t] + dh, self.caches[t])
        dxs.append(dx)
        self.dW_ih += dW_ih
        self.dW_hh += dW_hh
        self.db_ih += db_ih
        self.db_hh += db_hh
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("second backward", "second call", "accumulat", "+=", "sets", "previous call", "across calls", "stale"),
        "the gradients are zeroed once in __init__ and then += in every backward, so a second backward adds to the first",
    ),
    "rnn_backward_adds_into_dhs": (
        {"RNN.backward": '''
def backward(self, dhs):
    dxs, dh, grads = [], np.zeros_like(dhs[:, 0]), [0, 0, 0, 0]
    for t in reversed(range(dhs.shape[1])):
        dh_t = dhs[:, t]
        dh_t += dh
        dx, dh, *step = rnn_step_backward(dh_t, self.caches[t])
        dxs.append(dx)
        grads = [g + s for g, s in zip(grads, step)]
    self.dW_ih, self.dW_hh, self.db_ih, self.db_hh = grads
    return np.stack(dxs[::-1], axis=1), dh
'''},
        ("in place", "in-place", "modif", "chang", "mutat", "given array", "dhs"),
        "dhs[:, t] is a view and the carried gradient is added into it with +=, changing the caller's dhs",
    ),
    "rnn_h0_truthiness": (
        {"RNN.forward": '''
def forward(self, x, h0=None):
    h = h0 if h0 else np.zeros((x.shape[0], self.W_hh.shape[0]))
    self.caches = []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
    return np.stack([cache[-1] for cache in self.caches], axis=1)
'''},
        ("h0", "initial state", "truth value", "ambiguous", "given", "none"),
        "tests `if h0` instead of `h0 is None`: a given h0 with more than one entry raises ValueError",
    ),
    "rnn_h0_default_wrong_width": (
        {"RNN.forward": '''
def forward(self, x, h0=None):
    h = np.zeros((x.shape[0], x.shape[2])) if h0 is None else h0
    self.caches = []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
    return np.stack([cache[-1] for cache in self.caches], axis=1)
'''},
        ("h0", "default", "zeros", "shape", "(n, h)", "hidden_size", "d ≠ h", "d != h"),
        "the default h0 is zeros of shape (N, D) instead of (N, H): works only when D = H",
    ),
    "rnn_hs_time_major": (
        {"RNN.forward": '''
def forward(self, x, h0=None):
    h = np.zeros((x.shape[0], self.W_hh.shape[0])) if h0 is None else h0
    self.caches = []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
    return np.array([cache[-1] for cache in self.caches])
'''},
        ("batch first", "batch-first", "shape", "(n, t, h)", "layout", "time-major", "axis"),
        "np.array of the per-step states gives hs of shape (T, N, H) instead of batch-first (N, T, H)",
    ),
    "rnn_caches_not_reset": (
        {"RNN.__init__": '''
def __init__(self, input_size, hidden_size, rng=None):
    rng = np.random.default_rng(rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_ih = rng.uniform(-k, k, (hidden_size, input_size))
    self.W_hh = rng.uniform(-k, k, (hidden_size, hidden_size))
    self.b_ih = rng.uniform(-k, k, hidden_size)
    self.b_hh = rng.uniform(-k, k, hidden_size)
    self.caches = []
''',
         "RNN.forward": '''
def forward(self, x, h0=None):
    h = np.zeros((x.shape[0], self.W_hh.shape[0])) if h0 is None else h0
    hs = []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        self.caches.append(cache)
        hs.append(h)
    return np.stack(hs, axis=1)
'''},
        ("latest", "second batch", "second forward", "previous forward", "earlier", "cache", "stale"),
        "the step caches are created once in __init__ and appended to, so backward uses the first forward's steps",
    ),
    "rnn_init_scale_from_input_size": (
        {"RNN.__init__": '''
def __init__(self, input_size, hidden_size, rng=None):
    rng = np.random.default_rng(rng)
    k = 1 / np.sqrt(input_size)
    self.W_ih = rng.uniform(-k, k, (hidden_size, input_size))
    self.W_hh = rng.uniform(-k, k, (hidden_size, hidden_size))
    self.b_ih = rng.uniform(-k, k, hidden_size)
    self.b_hh = rng.uniform(-k, k, hidden_size)
'''},
        ("initiali", "1/√h", "hidden_size", "sqrt", "uniform", "range", "bound", "k ="),
        "k = 1/√input_size instead of 1/√hidden_size",
    ),
    "rnn_init_global_random": (
        {"RNN.__init__": '''
def __init__(self, input_size, hidden_size, rng=None):
    np.random.seed(rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_ih = np.random.uniform(-k, k, (hidden_size, input_size))
    self.W_hh = np.random.uniform(-k, k, (hidden_size, hidden_size))
    self.b_ih = np.random.uniform(-k, k, hidden_size)
    self.b_hh = np.random.uniform(-k, k, hidden_size)
'''},
        ("global", "np.random", "default_rng", "generator", "seed", "reproduc", "determinis"),
        "seeds and draws from the global np.random instead of np.random.default_rng(rng) (and a Generator rng crashes)",
    ),
    # ------------------------------------------------------------------ LSTM
    "lstm_stable_sigmoid_missing": (
        {"sigmoid": '''
def sigmoid(a):
    return 1 / (1 + np.exp(-a))
'''},
        ("overflow", "stable", "warning", "1000", "sigmoid", "exp"),
        "the naive 1/(1 + e⁻ᵃ) overflows (RuntimeWarning) for pre-activations of −1000",
    ),
    "lstm_gate_order_ifog": (
        {"LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    self.x, self.steps, hs, cs = x, [], [], []
    for t in range(T):
        a = x[:, t] @ self.W_ih.T + self.b_ih + h @ self.W_hh.T + self.b_hh
        i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        self.steps.append((h, c, i, f, g, o))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    self.cs = cs
    return np.stack(hs, axis=1), np.stack(cs, axis=1)
''',
         "LSTM.backward": '''
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
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh * tc * o * (1 - o),
                             dc * i * (1 - g ** 2)], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh, dc = da @ self.W_hh, dc * f
    return dx, dh, dc
'''},
        ("gate order", "i, f, g, o", "order", "ifgo", "block", "pytorch"),
        "blocks read in CS231n's order i, f, o, g (forward and backward consistently) instead of PyTorch's i, f, g, o",
    ),
    "lstm_only_one_bias": (
        {"LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    self.x, self.steps, hs, cs = x, [], [], []
    for t in range(T):
        a = x[:, t] @ self.W_ih.T + h @ self.W_hh.T + self.b_ih
        i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 3 * H:])
        g = np.tanh(a[:, 2 * H:3 * H])
        self.steps.append((h, c, i, f, g, o))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    self.cs = cs
    return np.stack(hs, axis=1), np.stack(cs, axis=1)
'''},
        ("bias", "b_hh", "two biases", "both biases"),
        "the LSTM pre-activation adds b_ih only and forgets b_hh",
    ),
    "lstm_cell_grad_drops_forget_path": (
        {"LSTM.backward": '''
def backward(self, dhs, dcs=None):
    T = dhs.shape[1]
    dcs = np.zeros_like(dhs) if dcs is None else dcs
    dh = np.zeros_like(dhs[:, 0])
    self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
    dx = np.zeros_like(self.x)
    for t in reversed(range(T)):
        h_prev, c_prev, i, f, g, o = self.steps[t]
        tc = np.tanh(self.cs[t])
        dh = dh + dhs[:, t]
        dc = dcs[:, t] + dh * o * (1 - tc ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tc * o * (1 - o)], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh = da @ self.W_hh
    return dx, dh, dc * f
'''},
        ("cell", "f_{t+1}", "forget", "dc", "c_{t+1}", "cₜ₊₁", "through c", "t+1"),
        "step t's cell gradient is recomputed from scratch each step: the dc ⊙ f flowing back from c_{t+1} is dropped",
    ),
    "lstm_tanh_c_derivative_of_c": (
        {"LSTM.backward": '''
def backward(self, dhs, dcs=None):
    T = dhs.shape[1]
    dcs = np.zeros_like(dhs) if dcs is None else dcs
    dh, dc = np.zeros_like(dhs[:, 0]), np.zeros_like(dhs[:, 0])
    self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
    dx = np.zeros_like(self.x)
    for t in reversed(range(T)):
        h_prev, c_prev, i, f, g, o = self.steps[t]
        c = self.cs[t]
        dh = dh + dhs[:, t]
        dc = dc + dcs[:, t] + dh * o * (1 - c ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * np.tanh(c) * o * (1 - o)], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh, dc = da @ self.W_hh, dc * f
    return dx, dh, dc
'''},
        ("tanh", "derivative", "1 - tanh", "1 − tanh", "tanh²", "cell", "tanh(c"),
        "h = o ⊙ tanh(c) is differentiated with 1 − c² instead of 1 − tanh²(c)",
    ),
    "lstm_c0_default_from_h0": (
        {"LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else h0
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
'''},
        ("c0", "initial cell", "cell state", "initial state", "h0"),
        "copy-paste slip: a given c0 is ignored and h0 is used as the initial cell state",
    ),
    "lstm_dc0_misses_last_forget": (
        {"LSTM.backward": '''
def backward(self, dhs, dcs=None):
    T = dhs.shape[1]
    dcs = np.zeros_like(dhs) if dcs is None else dcs
    dh, dc = np.zeros_like(dhs[:, 0]), np.zeros_like(dhs[:, 0])
    f_next = np.zeros_like(dhs[:, 0])
    self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
    dx = np.zeros_like(self.x)
    for t in reversed(range(T)):
        h_prev, c_prev, i, f, g, o = self.steps[t]
        tc = np.tanh(self.cs[t])
        dh = dh + dhs[:, t]
        dc = dc * f_next + dcs[:, t] + dh * o * (1 - tc ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tc * o * (1 - o)], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh, f_next = da @ self.W_hh, f
    return dx, dh, dc
'''},
        ("dc0", "c0", "initial cell", "cell state", "forget"),
        "the ⊙ f is applied at the start of the next iteration, so the returned dc0 is ∂L/∂c₁ (never multiplied by f₁)",
    ),
    "lstm_cache_after_update": (
        {"LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    self.x, self.steps, hs, cs = x, [], [], []
    for t in range(T):
        a = x[:, t] @ self.W_ih.T + self.b_ih + h @ self.W_hh.T + self.b_hh
        i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 3 * H:])
        g = np.tanh(a[:, 2 * H:3 * H])
        c = f * c + i * g
        h = o * np.tanh(c)
        self.steps.append((h, c, i, f, g, o))
        hs.append(h)
        cs.append(c)
    self.cs = cs
    return np.stack(hs, axis=1), np.stack(cs, axis=1)
'''},
        ("h_{t-1}", "hₜ₋₁", "c_{t-1}", "cₜ₋₁", "previous", "dw_hh", "forget gate", "h_prev", "c_prev"),
        "the step is cached after h and c are updated, so backward uses h_t and c_t where it needs h_{t−1} and c_{t−1}",
    ),
    "lstm_output_gate_grad_uses_dc": (
        {"LSTM.backward": '''
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
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dc * tc * o * (1 - o)], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh, dc = da @ self.W_hh, dc * f
    return dx, dh, dc
'''},
        ("output gate", "da_o", "gate o", "o gate", "dh ⊙ tanh", "dh * tanh"),
        "da_o is computed from the cell's total dc instead of dh",
    ),
    "lstm_dcs_ignored": (
        {"LSTM.backward": '''
def backward(self, dhs, dcs=None):
    T = dhs.shape[1]
    dh, dc = np.zeros_like(dhs[:, 0]), np.zeros_like(dhs[:, 0])
    self.dW_ih, self.dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
    self.db_ih, self.db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
    dx = np.zeros_like(self.x)
    for t in reversed(range(T)):
        h_prev, c_prev, i, f, g, o = self.steps[t]
        tc = np.tanh(self.cs[t])
        dh = dh + dhs[:, t]
        dc = dc + dh * o * (1 - tc ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tc * o * (1 - o)], axis=1)
        self.dW_ih += da.T @ self.x[:, t]
        self.dW_hh += da.T @ h_prev
        self.db_ih += da.sum(axis=0)
        self.db_hh += da.sum(axis=0)
        dx[:, t] = da @ self.W_ih
        dh, dc = da @ self.W_hh, dc * f
    return dx, dh, dc
'''},
        ("dcs", "cell state", "loss on the cell", "∂l/∂c", "dl/dc", "cs"),
        "the upstream dcs = ∂L/∂cₜ is accepted but never added: a loss on the cell states gets no gradient",
    ),
    "lstm_fused_weights_go_stale": (
        {"LSTM.__init__": '''
def __init__(self, input_size, hidden_size, rng=None):
    rng = np.random.default_rng(rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_ih = rng.uniform(-k, k, (4 * hidden_size, input_size))
    self.W_hh = rng.uniform(-k, k, (4 * hidden_size, hidden_size))
    self.b_ih = rng.uniform(-k, k, 4 * hidden_size)
    self.b_hh = rng.uniform(-k, k, 4 * hidden_size)
    self.W = np.concatenate([self.W_ih, self.W_hh], axis=1)
    self.b = self.b_ih + self.b_hh
''',
         "LSTM.forward": '''
def forward(self, x, h0=None, c0=None):
    N, T, _ = x.shape
    H = self.W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    self.x, self.steps, hs, cs = x, [], [], []
    for t in range(T):
        a = np.concatenate([x[:, t], h], axis=1) @ self.W.T + self.b
        i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 3 * H:])
        g = np.tanh(a[:, 2 * H:3 * H])
        self.steps.append((h, c, i, f, g, o))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    self.cs = cs
    return np.stack(hs, axis=1), np.stack(cs, axis=1)
'''},
        ("stale", "assign", "replace", "attribute", "w_ih", "after construction", "fused", "copy"),
        "forward uses a fused [W_ih, W_hh] and summed bias made in __init__, so weights assigned later are ignored",
    ),
    # ------------------------------------------------------------------ GRU
    "gru_b_hn_outside_reset": (
        {"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    hn = h @ self.W_hh[2 * H:].T
    n = np.tanh(gi[:, 2 * H:] + r * hn + self.b_hh[2 * H:])
    self.cache = x, h, hn, r, z, n
    return (1 - z) * n + z * h
''',
         "GRUCell.backward": '''
def backward(self, dh):
    x, h, hn, r, z, n = self.cache
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (h - n) * z * (1 - z)
    da_r = da_n * hn * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih = dgi.sum(axis=0)
    self.db_hh = np.concatenate([da_r, da_z, da_n], axis=1).sum(axis=0)
    return dgi @ self.W_ih, dh * z + dgh @ self.W_hh
'''},
        ("b_hn", "reset", "r ⊙", "r *", "inside", "pytorch's form", "bias", "gru"),
        "n = tanh(W_in x + b_in + r ⊙ (W_hn h) + b_hn): b_hn is added outside the reset gate (forward and backward agree)",
    ),
    "gru_paper_form_reset_before_matmul": (
        {"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi = x @ self.W_ih.T + self.b_ih
    gh = h @ self.W_hh[:2 * H].T + self.b_hh[:2 * H]
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + (r * h) @ self.W_hh[2 * H:].T + self.b_hh[2 * H:])
    self.cache = x, h, r, z, n
    return (1 - z) * n + z * h
''',
         "GRUCell.backward": '''
def backward(self, dh):
    x, h, r, z, n = self.cache
    H = h.shape[1]
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (h - n) * z * (1 - z)
    drh = da_n @ self.W_hh[2 * H:]
    da_r = drh * h * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dg2 = np.concatenate([da_r, da_z], axis=1)
    self.dW_ih = dgi.T @ x
    self.dW_hh = np.concatenate([dg2.T @ h, da_n.T @ (r * h)], axis=0)
    self.db_ih = dgi.sum(axis=0)
    self.db_hh = dgi.sum(axis=0)
    dh_prev = dh * z + dg2 @ self.W_hh[:2 * H] + drh * r
    return dgi @ self.W_ih, dh_prev
'''},
        ("paper", "pytorch's form", "r ⊙", "reset", "before the matrix", "w_hn", "gru"),
        "the paper's GRU, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), instead of PyTorch's r ⊙ (W_hn h + b_hn)",
    ),
    "gru_update_gate_swapped": (
        {"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    self.cache = x, h, gh[:, 2 * H:], r, z, n
    return z * n + (1 - z) * h
''',
         "GRUCell.backward": '''
def backward(self, dh):
    x, h, gh_n, r, z, n = self.cache
    da_n = dh * z * (1 - n ** 2)
    da_z = dh * (n - h) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih, self.db_hh = dgi.sum(axis=0), dgh.sum(axis=0)
    return dgi @ self.W_ih, dh * (1 - z) + dgh @ self.W_hh
'''},
        ("1 - z", "1 − z", "(1 − z)", "update gate", "z ⊙ h", "swapped", "interpolat"),
        "h' = z ⊙ n + (1 − z) ⊙ h (the roles of z and 1 − z swapped; backward consistent)",
    ),
    "gru_dh_prev_misses_direct_path": (
        {"GRUCell.backward": '''
def backward(self, dh):
    x, h, gh_n, r, z, n = self.cache
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (h - n) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih, self.db_hh = dgi.sum(axis=0), dgh.sum(axis=0)
    return dgi @ self.W_ih, dgh @ self.W_hh
'''},
        ("dh_prev", "z ⊙ h", "z * h", "direct", "h_prev", "directly"),
        "dh_prev forgets the direct term dh ⊙ z from h' = … + z ⊙ h",
    ),
    "gru_update_gate_grad_sign": (
        {"GRUCell.backward": '''
def backward(self, dh):
    x, h, gh_n, r, z, n = self.cache
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (n - h) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih, self.db_hh = dgi.sum(axis=0), dgh.sum(axis=0)
    return dgi @ self.W_ih, dh * z + dgh @ self.W_hh
'''},
        ("update gate", "da_z", "sign", "h - n", "h − n", "z gate", "gate z"),
        "∂h'/∂z is taken as n − h instead of h − n: the update gate's gradient has the wrong sign",
    ),
    "gru_db_hn_not_scaled_by_r": (
        {"GRUCell.backward": '''
def backward(self, dh):
    x, h, gh_n, r, z, n = self.cache
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * (h - n) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    self.dW_ih, self.dW_hh = dgi.T @ x, dgh.T @ h
    self.db_ih = self.db_hh = dgi.sum(axis=0)
    return dgi @ self.W_ih, dh * z + dgh @ self.W_hh
'''},
        ("db_hh", "b_hn", "bias", "reset", "r ⊙", "r *"),
        "db_hh is set equal to db_ih as in the RNN, although b_hn sits inside r ⊙ (…) and needs r ⊙ da_n",
    ),
    "gru_reset_grad_without_b_hn": (
        {"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros((x.shape[0], H)) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    self.cache = x, h, h @ self.W_hh[2 * H:].T, r, z, n
    return (1 - z) * n + z * h
'''},
        ("reset gate", "da_r", "b_hn", "r gate", "gate r", "bias"),
        "the cache keeps W_hn h without b_hn, so da_r = da_n ⊙ (W_hn h) ⊙ r(1 − r) misses the bias term",
    ),
    "gru_h_default_like_x": (
        {"GRUCell.forward": '''
def forward(self, x, h=None):
    H = self.W_hh.shape[1]
    h = np.zeros_like(x) if h is None else h
    gi, gh = x @ self.W_ih.T + self.b_ih, h @ self.W_hh.T + self.b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    self.cache = x, h, gh[:, 2 * H:], r, z, n
    return (1 - z) * n + z * h
'''},
        ("default", "h=none", "zeros", "shape", "(n, h)", "initial state", "d ≠ h", "d != h"),
        "the default state is zeros_like(x), shape (N, D) instead of (N, H): fails whenever D ≠ H",
    ),
    # ------------------------------------------------------------------ masked sequence cross-entropy
    "ce_mean_over_all_tokens": (
        {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.sum(m * nll) / m.size)
'''},
        ("mask", "tokens that count", "unmasked", "σ m", "sum of the mask", "mean over", "padding", "denominator"),
        "the masked losses are divided by N·T (all tokens) instead of the number of tokens that count",
    ),
    "ce_mean_of_sequence_means": (
        {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.mean(np.sum(m * nll, axis=1) / np.sum(m, axis=1)))
'''},
        ("per-sequence", "per sequence", "mean of", "tokens that count", "mean over the tokens", "mask", "lengths"),
        "the loss averages per-sequence means instead of taking one mean over every token that counts",
    ),
    "ce_sum_over_time": (
        {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    z = logits - logits.max(axis=-1, keepdims=True)
    nll = np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]
    return float(np.sum(m * nll) / logits.shape[0])
'''},
        ("sum over time", "1/n", "mean over", "tokens that count", "divide", "batch", "σ m"),
        "CS231n's temporal loss: summed over time and divided by N only, instead of the mean over the counted tokens",
    ),
    "ce_grad_ignores_mask": (
        {"sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p / np.sum(m)
'''},
        ("mask", "masked", "padding", "zero where", "exactly zero", "gradient"),
        "the mask sets the denominator but is not multiplied in: padded positions get a nonzero gradient",
    ),
    "ce_grad_divided_by_batch": (
        {"sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / logits.shape[0]
'''},
        ("1/n", "σ m", "scale", "divide", "mean", "tokens that count", "batch"),
        "the gradient is divided by the batch size N instead of Σ m",
    ),
    "ce_unstable_logsumexp": (
        {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    nll = np.log(np.exp(logits).sum(axis=-1)) - np.take_along_axis(logits, targets[..., None], axis=-1)[..., 0]
    return float(np.sum(m * nll) / np.sum(m))
'''},
        ("overflow", "stable", "logsumexp", "1e4", "warning", "inf", "nan", "max"),
        "logsumexp without subtracting the max: overflow for logits of 1e4",
    ),
    "ce_log_of_softmax": (
        {"sequence_cross_entropy": '''
def sequence_cross_entropy(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True)
    nll = -np.log(np.take_along_axis(p, targets[..., None], axis=-1)[..., 0])
    return float(np.sum(m * nll) / np.sum(m))
'''},
        ("log(0)", "divide by zero", "underflow", "stable", "inf", "nan", "warning", "1e4", "masked position"),
        "−log of the (stable) softmax probability: it underflows to log(0) = −inf for far-off targets, and 0·inf = nan at masked ones",
    ),
    "ce_grad_unstable_softmax": (
        {"sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    p = np.exp(logits)
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / np.sum(m)
'''},
        ("overflow", "stable", "softmax", "1e4", "warning", "nan", "max"),
        "the gradient's softmax skips the max subtraction: overflow and nan for logits of 1e4",
    ),
    "ce_grad_shifts_logits_in_place": (
        {"sequence_cross_entropy_grad": '''
def sequence_cross_entropy_grad(logits, targets, mask=None):
    m = np.ones(targets.shape) if mask is None else mask
    logits -= logits.max(axis=-1, keepdims=True)
    p = np.exp(logits)
    p = p / p.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    return p * m[..., None] / np.sum(m)
'''},
        ("in place", "in-place", "modif", "chang", "mutat", "given array", "logits"),
        "logits -= max shifts the caller's logits array in place",
    ),
    # ------------------------------------------------------------------ clip_grad_norm
    "clip_per_array_norm": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    clipped = []
    for g in grads:
        norm = np.max(np.abs(g)) if norm_type == np.inf else np.sum(np.abs(g) ** norm_type) ** (1 / norm_type)
        clipped.append(g * min(1.0, max_norm / (norm + 1e-6)))
    return clipped, float(total)
'''},
        ("global", "one norm", "same factor", "every array", "per-parameter", "per array", "together", "all arrays"),
        "each array is scaled by its own norm instead of every array by the one global factor",
    ),
    "clip_by_value": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    return [np.clip(g, -max_norm, max_norm) for g in grads], float(total)
'''},
        ("norm", "clip by value", "scale", "direction", "same factor", "max_norm /"),
        "clips each entry to [−max_norm, max_norm] instead of rescaling by max_norm / total norm",
    ),
    "clip_no_epsilon": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / total)
    return [g * scale for g in grads], float(total)
'''},
        ("1e-6", "epsilon", "eps", "tiny", "zero", "divide"),
        "the scale is max_norm / total without torch's + 1e-6 (wrong for tiny norms, division by zero for zero gradients)",
    ),
    "clip_returns_norm_after_clipping": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total * scale)
'''},
        ("before clipping", "total_norm", "norm before", "returned norm", "after clipping"),
        "returns the norm after clipping instead of the norm before",
    ),
    "clip_in_place": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= scale
    return grads, float(total)
'''},
        ("in place", "in-place", "modif", "chang", "mutat", "given array", "new arrays", "new list"),
        "scales the given arrays in place (as torch's trailing underscore suggests) instead of returning new ones",
    ),
    "clip_always_rescales": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1 / norm_type)
    scale = max_norm / (total + 1e-6)
    return [g * scale for g in grads], float(total)
'''},
        ("min(1", "below max_norm", "unchanged", "scale up", "only when", "nothing changes", "min"),
        "the factor lacks min(1, …): gradients whose norm is below max_norm are scaled up to it",
    ),
    "clip_norm_type_ignored": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total)
'''},
        ("norm_type", "inf", "q =", "p-norm", "max |g|", "norm type"),
        "always the 2-norm: norm_type (other q, and inf = max |g|) is ignored",
    ),
    "clip_q_norm_without_abs": (
        {"clip_grad_norm": '''
def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads)
    else:
        total = sum(np.sum(g ** norm_type) for g in grads) ** (1 / norm_type)
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total)
'''},
        ("abs", "|g|", "negative", "norm_type", "odd", "q = 1", "q=1", "q = 3"),
        "Σ g^q without the absolute value: right for q = 2, wrong (or nan) for q = 1, 3 with negative entries",
    ),
    # ------------------------------------------------------------------ sampling
    "sample_argmax": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        ids.append(int(np.argmax(z)))
    return np.array(ids[len(start_ids):])
'''},
        ("argmax", "uniform", "u[k]", "uₖ", "cumsum", "greedy", "random"),
        "picks the argmax of the logits, ignoring the given uniforms",
    ),
    "sample_temperature_ignored": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1]
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''},
        ("temperature", "z / t", "z / temperature"),
        "the temperature argument is never applied",
    ),
    "sample_temperature_multiplies": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] * temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''},
        ("temperature", "z / t", "divide", "z / temperature"),
        "multiplies the logits by the temperature instead of dividing",
    ),
    "sample_cumsum_one_based": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        p = np.exp(z - z.max())
        p = p / p.sum()
        for i, c in enumerate(np.cumsum(p), 1):
            if c > uk:
                break
        ids.append(i)
    return np.array(ids[len(start_ids):])
'''},
        ("cumsum", "off by one", "off-by-one", "first i", "index", "u[k]", "uₖ"),
        "enumerate(..., 1) makes the chosen id one too large: the first i with cumsum(p)[i] > u plus one",
    ),
    "sample_returns_start_ids_too": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids)
'''},
        ("len(u)", "start_ids", "new ids", "length", "shape"),
        "returns start_ids followed by the new ids instead of the len(u) new ids only",
    ),
    "sample_feeds_last_id_only": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([[ids[-1]]]))[0, -1] / temperature
        p = np.exp(z - z.max())
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''},
        ("whole sequence", "so far", "context", "forward", "last id", "(1, len(ids))", "history"),
        "forwards only the last id from zero states instead of the whole sequence so far",
    ),
    "sample_unstable_softmax": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        p = np.exp(z)
        ids.append(int(np.searchsorted(np.cumsum(p / p.sum()), uk, side="right")))
    return np.array(ids[len(start_ids):])
'''},
        ("overflow", "stable", "softmax", "1e4", "warning", "nan", "max"),
        "softmax without subtracting the max: overflow (nan probabilities) for logits of 1e4",
    ),
    "sample_draws_at_random": (
        {"sample": '''
def sample(model, start_ids, u, temperature=1.0):
    ids = [int(i) for i in start_ids]
    rng = np.random.default_rng()
    for uk in u:
        z = model.forward(np.array([ids]))[0, -1] / temperature
        p = np.exp(z - z.max())
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return np.array(ids[len(start_ids):])
'''},
        ("determinis", "uniform", "u[k]", "uₖ", "random", "cumsum", "given u"),
        "draws with rng.choice instead of using the given uniforms u: not deterministic",
    ),
    # ------------------------------------------------------------------ CharModel
    "charmodel_cell_ignored": (
        {"CharModel.__init__": '''
def __init__(self, vocab_size, hidden_size, cell="lstm", rng=None):
    rng = np.random.default_rng(rng)
    self.cell = cell
    self.rnn = LSTM(vocab_size, hidden_size, rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_out = rng.uniform(-k, k, (vocab_size, hidden_size))
    self.b_out = rng.uniform(-k, k, vocab_size)
'''},
        ("cell", "rnn", "lstm", 'cell="rnn"', "vanilla"),
        "always builds an LSTM, also for cell=\"rnn\"",
    ),
    "charmodel_output_scale_from_vocab": (
        {"CharModel.__init__": '''
def __init__(self, vocab_size, hidden_size, cell="lstm", rng=None):
    rng = np.random.default_rng(rng)
    self.cell = cell
    self.rnn = {"lstm": LSTM, "rnn": RNN}[cell](vocab_size, hidden_size, rng)
    k = 1 / np.sqrt(vocab_size)
    self.W_out = rng.uniform(-k, k, (vocab_size, hidden_size))
    self.b_out = rng.uniform(-k, k, vocab_size)
'''},
        ("initiali", "1/√h", "w_out", "b_out", "uniform", "hidden_size", "bound"),
        "W_out and b_out are drawn U(−1/√V, 1/√V) instead of U(−1/√H, 1/√H)",
    ),
    "charmodel_two_generators": (
        {"CharModel.__init__": '''
def __init__(self, vocab_size, hidden_size, cell="lstm", rng=None):
    self.cell = cell
    self.rnn = {"lstm": LSTM, "rnn": RNN}[cell](vocab_size, hidden_size, rng)
    rng = np.random.default_rng(rng)
    k = 1 / np.sqrt(hidden_size)
    self.W_out = rng.uniform(-k, k, (vocab_size, hidden_size))
    self.b_out = rng.uniform(-k, k, vocab_size)
'''},
        ("generator", "one rng", "default_rng", "same seed", "draws", "correlat", "one generator"),
        "the layer gets the raw seed and W_out a second generator from the same seed: their draws repeat each other",
    ),
    "charmodel_onehot_width_hidden": (
        {"CharModel.forward": '''
def forward(self, ids):
    x = np.eye(self.W_out.shape[1])[ids]
    self.hs = self.rnn.forward(x)[0] if self.cell == "lstm" else self.rnn.forward(x)
    return self.hs @ self.W_out.T + self.b_out
'''},
        ("one-hot", "onehot", "vocab", "shape", "(n, t, v)", "width"),
        "the one-hot uses np.eye(H) (W_out's second axis) instead of np.eye(V): works only when H = V",
    ),
    "charmodel_db_out_mean": (
        {"CharModel.backward": '''
def backward(self, dlogits):
    self.dW_out = np.einsum("ntv,nth->vh", dlogits, self.hs)
    self.db_out = dlogits.mean(axis=(0, 1))
    self.rnn.backward(dlogits @ self.W_out)
'''},
        ("db_out", "b_out", "bias", "sum", "mean"),
        "db_out averages dlogits over batch and time instead of summing it",
    ),
    "charmodel_set_parameters_skips_output": (
        {"CharModel.set_parameters": '''
def set_parameters(self, params):
    self.rnn.W_ih, self.rnn.W_hh, self.rnn.b_ih, self.rnn.b_hh = params[:4]
'''},
        ("set_parameters", "w_out", "b_out", "install", "output layer"),
        "set_parameters installs the layer's four arrays but never W_out and b_out",
    ),
    "charmodel_gradients_output_first": (
        {"CharModel.gradients": '''
def gradients(self):
    return [self.dW_out, self.db_out, self.rnn.dW_ih, self.rnn.dW_hh, self.rnn.db_ih, self.rnn.db_hh]
'''},
        ("gradients()", "order", "parameters()", "same order", "dw_out"),
        "gradients() lists the output layer's gradients first, not in the order of parameters()",
    ),
    # ------------------------------------------------------------------ training
    "train_no_clipping": (
        {"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("clip", "clip_grad_norm", "replay", "trajectory", "parameters differ", "step"),
        "trains on the raw gradients without clip_grad_norm (visible once the norm exceeds clip, e.g. a small clip)",
    ),
    "train_new_adam_every_step": (
        {"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    for _ in range(steps):
        opt = Adam(lr)
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), clip_grad_norm(model.gradients(), clip)[0]))
    return model
'''},
        ("adam", "one adam", "optimizer", "moment", "state", "replay", "trajectory"),
        "a new Adam every step: its moments and bias correction restart each time",
    ),
    "train_targets_not_shifted": (
        {"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, :-1]))
        model.set_parameters(opt.step(model.parameters(), clip_grad_norm(model.gradients(), clip)[0]))
    return model
'''},
        ("next character", "next-character", "shift", "targets", "ids[1:]", "accuracy", "replay"),
        "the targets are the inputs themselves (ids[:-1]) instead of the next characters ids[1:]",
    ),
    "train_one_step_short": (
        {"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam(lr)
    for _ in range(1, steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), clip_grad_norm(model.gradients(), clip)[0]))
    return model
'''},
        ("steps", "off by one", "off-by-one", "one step", "number of steps", "replay"),
        "range(1, steps) runs one step fewer than asked",
    ),
    "train_lr_ignored": (
        {"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell, rng)
    opt = Adam()
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), clip_grad_norm(model.gradients(), clip)[0]))
    return model
'''},
        ("lr", "learning rate", "adam", "replay", "trajectory", "0.01"),
        "Adam() is built with its default lr = 0.001 instead of the given lr",
    ),
    "train_seed_not_passed": (
        {"train_char_model": '''
def train_char_model(ids, vocab_size, hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0):
    model = CharModel(vocab_size, hidden_size, cell)
    opt = Adam(lr)
    for _ in range(steps):
        model.backward(sequence_cross_entropy_grad(model.forward(ids[None, :-1]), ids[None, 1:]))
        model.set_parameters(opt.step(model.parameters(), clip_grad_norm(model.gradients(), clip)[0]))
    return model
'''},
        ("rng", "seed", "determinis", "reproduc", "initial", "replay"),
        "rng is not passed to CharModel: the initial weights are random on every call",
    ),
}
