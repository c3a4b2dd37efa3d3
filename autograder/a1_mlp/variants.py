"""Student variants of Assignment 1 (MLP in NumPy), as overrides of the reference solution.

``BUGGY``: one realistic mistake each, written the way students write it; the hidden graders must
take points away, and where ``mistake`` is set, some failing test's message must contain it
(case-insensitive).

``CORRECT``: right per ``assignments/a1_mlp/SPEC.md`` but written differently from ``reference/a1_mlp/``;
the hidden graders must give them full marks.

Each override replaces one top-level function or class (``"sigmoid"``) or one method
(``"Linear.backward"``) of the concatenated reference code; see :mod:`autograder.variants.overrides`.
"""
from __future__ import annotations

from autograder.variants import Variant

BUGGY: dict[str, Variant] = {
    # ------------------------------------------------------------------ Linear
    "linear_dW_transposed": Variant({"Linear.backward": '''
def backward(self, grad_out):
    self.dW = self.x.T @ grad_out  # (in, out): the textbook layout, not PyTorch's
    self.db = grad_out.sum(axis=0)
    return grad_out @ self.W
'''}, mistake="transposed"),
    "linear_dx_uses_W_T": Variant({"Linear.backward": '''
def backward(self, grad_out):
    self.dW = grad_out.T @ self.x
    self.db = grad_out.sum(axis=0)
    return grad_out @ self.W.T
'''}, mistake="grad_out @ W"),
    "linear_db_mean": Variant({"Linear.backward": '''
def backward(self, grad_out):
    self.dW = grad_out.T @ self.x
    self.db = grad_out.mean(axis=0)
    return grad_out @ self.W
'''}, mistake="not its mean"),
    "linear_divides_by_batch": Variant({"Linear.backward": '''
def backward(self, grad_out):
    n = self.x.shape[0]
    self.dW = grad_out.T @ self.x / n
    self.db = grad_out.sum(axis=0) / n
    return grad_out @ self.W
'''}, mistake="divide by the batch size"),
    "linear_forward_no_bias": Variant({"Linear.forward": '''
def forward(self, x):
    self.x = x
    return x @ self.W.T
'''}, mistake="bias b is missing"),

    "linear_gradients_accumulate": Variant({"Linear.backward": '''
def backward(self, grad_out):
    self.dW += grad_out.T @ self.x  # a PyTorch habit: gradients add up across calls
    self.db += grad_out.sum(axis=0)
    return grad_out @ self.W
'''}, mistake="not add to them"),
    # ------------------------------------------------------------------ activations
    "sigmoid_grad_is_sigmoid": Variant({"sigmoid_grad": '''
def sigmoid_grad(x):
    return sigmoid(x)
'''}, mistake="not its derivative"),
    "tanh_grad_no_square": Variant({"tanh_grad": '''
def tanh_grad(x):
    return 1 - np.tanh(x)
'''}, mistake="square is missing"),
    "sigmoid_unstable": Variant({"sigmoid": '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
'''}, mistake="overflow"),
    "softmax_no_max_subtraction": Variant({"softmax": '''
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
'''}, mistake="overflow"),
    "relu_in_place": Variant({"relu": '''
def relu(x):
    x[x < 0] = 0  # edits the caller's array
    return x
'''}, mistake="in place"),
    "log_softmax_over_axis_1": Variant({"log_softmax": '''
def log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
'''}, mistake="axis 1"),
    "log_softmax_no_max_subtraction": Variant({"log_softmax": '''
def log_softmax(z):
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
'''}, mistake="overflow"),
    "softmax_wrong_axis": Variant({"softmax": '''
def softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
'''}, mistake="wrong axis"),
    "leaky_relu_slope_on_positives": Variant({"leaky_relu": '''
def leaky_relu(x, slope=0.01):
    return np.where(x > 0, slope * x, x)
'''}, mistake="negative side"),
    "leaky_relu_grad_zero_on_negatives": Variant({"leaky_relu_grad": '''
def leaky_relu_grad(x, slope=0.01):
    return np.where(x > 0, 1.0, 0.0)
'''}, mistake="slope, not 0"),
    "elu_grad_negative_branch_is_elu": Variant({"elu_grad": '''
def elu_grad(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.expm1(np.minimum(x, 0)))
'''}, mistake="derivative is α·eˣ"),
    "selu_constants_swapped": Variant({"selu": '''
def selu(x):
    lam, alpha = 1.6732632423543772, 1.0507009873554805
    return lam * elu(x, alpha)
''', "selu_grad": '''
def selu_grad(x):
    lam, alpha = 1.6732632423543772, 1.0507009873554805
    return lam * elu_grad(x, alpha)
'''}, mistake="swapped"),
    "gelu_tanh_approximation": Variant({"gelu": '''
def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
'''}, mistake="tanh approximation"),
    "gelu_grad_missing_pdf_term": Variant({"gelu_grad": '''
def gelu_grad(x):
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * (1 + erf(x / math.sqrt(2)))
'''}, mistake="x·φ(x) term"),
    "softplus_grad_is_tanh": Variant({"softplus_grad": '''
def softplus_grad(x):
    return np.tanh(x)
'''}, mistake="not tanh(x)"),
    "softplus_unstable": Variant({"softplus": '''
def softplus(x):
    return np.log(1 + np.exp(x))
'''}, mistake="overflow"),

    # ------------------------------------------------------------------ losses
    "mse_grad_missing_2": Variant({"mse_grad": '''
def mse_grad(pred, target):
    return (pred - target) / pred.size
'''}, mistake="factor 2 is missing"),
    "mse_grad_sum_not_mean": Variant({"mse_grad": '''
def mse_grad(pred, target):
    return 2 * (pred - target)
'''}, mistake="sum instead of averaging"),
    "mse_grad_divides_by_batch_only": Variant({"mse_grad": '''
def mse_grad(pred, target):
    return 2 * (pred - target) / pred.shape[0]
'''}, mistake="pred.size"),
    "mae_grad_sum_not_mean": Variant({"mae_grad": '''
def mae_grad(pred, target):
    return np.sign(pred - target)
'''}, mistake="sum instead of averaging"),
    "mae_grad_minus_one_at_ties": Variant({"mae_grad": '''
def mae_grad(pred, target):
    return np.where(pred > target, 1.0, -1.0) / pred.size
'''}, mistake="sign(0) = 0"),
    "bce_clips_probabilities": Variant({"bce": '''
def bce(prob, target):
    p = np.clip(prob, 1e-7, 1 - 1e-7)  # the Keras habit
    return -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))
'''}, mistake="clipped"),
    "bce_grad_divides_by_zero_at_the_edges": Variant({"bce_grad": '''
def bce_grad(prob, target):
    return (-target / prob + (1 - target) / (1 - prob)) / prob.size
'''}, mistake="division by zero"),
    "softmax_ce_grad_shifts_logits_in_place": Variant({"softmax_cross_entropy_grad": '''
def softmax_cross_entropy_grad(logits, labels):
    n = logits.shape[0]
    logits -= logits.max(axis=1, keepdims=True)  # the caller's logits change
    g = np.exp(logits)
    g /= g.sum(axis=1, keepdims=True)
    g[np.arange(n), labels] -= 1
    return g / n
'''}, mistake="in place"),
    "softmax_ce_indexes_a_block": Variant({"softmax_cross_entropy": '''
def softmax_cross_entropy(logits, labels):
    return -np.mean(log_softmax(logits)[:, labels])
'''}, mistake="np.arange(N), labels"),
    "bce_grad_sign_flip": Variant({"bce_grad": '''
def bce_grad(prob, target):
    return (target - prob) / np.maximum(prob * (1 - prob), 1e-12) / prob.size
'''}, mistake="sign flip"),
    "bce_with_logits_unstable": Variant({"bce_with_logits": '''
def bce_with_logits(logits, target):
    p = sigmoid(logits)
    return -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))
'''}, mistake="overflow"),
    "softmax_ce_grad_missing_1_over_N": Variant({"softmax_cross_entropy_grad": '''
def softmax_cross_entropy_grad(logits, labels):
    n = logits.shape[0]
    g = softmax(logits)
    g[np.arange(n), labels] -= 1
    return g
'''}, mistake="missing 1/N"),
    "softmax_ce_sum_not_mean": Variant({"softmax_cross_entropy": '''
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    return -np.sum(log_softmax(logits)[np.arange(n), labels])
'''}, mistake="missing 1/N"),

    # ------------------------------------------------------------------ init
    "kaiming_fan_out": Variant({"kaiming_normal": '''
def kaiming_normal(n_in, n_out, rng, gain=2.0):
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(gain / n_out), size=(n_out, n_in))
'''}, mistake="n_out instead of n_in"),
    "kaiming_missing_factor_2": Variant({"kaiming_normal": '''
def kaiming_normal(n_in, n_out, rng, gain=2.0):
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(1 / n_in), size=(n_out, n_in))
'''}, mistake="gain"),
    "xavier_uniform_normal_std_as_limit": Variant({"xavier_uniform": '''
def xavier_uniform(n_in, n_out, rng):
    rng = np.random.default_rng(rng)
    a = np.sqrt(2 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_out, n_in))
'''}, mistake="not the normal's std"),
    "normal_init_variance_as_std": Variant({"normal_init": '''
def normal_init(n_in, n_out, rng):
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, 1 / n_in, size=(n_out, n_in))
'''}, mistake="as the standard deviation"),
    "xavier_normal_shape_in_out": Variant({"xavier_normal": '''
def xavier_normal(n_in, n_out, rng):
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), size=(n_in, n_out))
'''}, mistake="transposed"),

    # ------------------------------------------------------------------ optimizers
    "sgd_momentum_sign": Variant({"SGD.step": '''
def step(self, params, grads):
    if self.v is None:
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        if self.momentum == 0:
            new.append(p - self.lr * g)
            continue
        self.v[i] = self.momentum * self.v[i] + self.lr * g
        new.append(p - (self.lr * g + self.momentum * self.v[i]) if self.nesterov else p + self.v[i])
    return new
'''}, mistake="momentum sign"),
    "sgd_nesterov_as_plain_momentum": Variant({"SGD.step": '''
def step(self, params, grads):
    if self.v is None:
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        if self.momentum == 0:
            new.append(p - self.lr * g)
            continue
        self.v[i] = self.momentum * self.v[i] + self.lr * g
        new.append(p - self.v[i])
    return new
'''}, mistake="nesterov"),
    "sgd_momentum_dampened": Variant({"SGD.step": '''
def step(self, params, grads):
    if self.v is None:
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        if self.momentum == 0:
            new.append(p - self.lr * g)
            continue
        self.v[i] = self.momentum * self.v[i] + (1 - self.momentum) * self.lr * g
        new.append(p - (self.lr * g + self.momentum * self.v[i]) if self.nesterov else p - self.v[i])
    return new
'''}, mistake="dampened"),
    "sgd_weight_decay_missing": Variant({"SGD.step": '''
def step(self, params, grads):
    if self.v is None:
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if self.momentum == 0:
            new.append(p - self.lr * g)
            continue
        self.v[i] = self.momentum * self.v[i] + self.lr * g
        new.append(p - (self.lr * g + self.momentum * self.v[i]) if self.nesterov else p - self.v[i])
    return new
'''}, mistake="weight decay is ignored"),
    "sgd_updates_params_in_place": Variant({"SGD.step": '''
def step(self, params, grads):
    if self.v is None:
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        if self.momentum == 0:
            p -= self.lr * g  # the caller's array changes under it
            continue
        self.v[i] = self.momentum * self.v[i] + self.lr * g
        p -= (self.lr * g + self.momentum * self.v[i]) if self.nesterov else self.v[i]
    return params
'''}, mistake="never mutate their inputs"),
    "adam_weight_decay_added_to_grads_in_place": Variant({"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g += self.weight_decay * p  # changes the caller's gradient array
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''}, mistake="never mutate their inputs"),
    "sgd_weight_decay_only_with_momentum": Variant({"SGD.step": '''
def step(self, params, grads):
    if self.v is None:
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if self.momentum == 0:
            new.append(p - self.lr * g)
            continue
        g = g + self.weight_decay * p
        self.v[i] = self.momentum * self.v[i] + self.lr * g
        new.append(p - (self.lr * g + self.momentum * self.v[i]) if self.nesterov else p - self.v[i])
    return new
'''}, mistake="without momentum"),
    "adamw_default_weight_decay_zero": Variant({"AdamW.__init__": '''
def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
    self.m, self.v, self.t = None, None, 0
'''}, mistake="default weight_decay"),
    "rmsprop_default_lr_like_adam": Variant({"RMSprop.__init__": '''
def __init__(self, lr=0.001, alpha=0.99, eps=1e-8):
    self.lr, self.alpha, self.eps = lr, alpha, eps
    self.s = None
'''}, mistake="default lr is 0.01"),
    "adagrad_resets_G": Variant({"Adagrad.step": '''
def step(self, params, grads):
    new = []
    for p, g in zip(params, grads):
        G = g ** 2
        new.append(p - self.lr * g / (np.sqrt(G) + self.eps))
    return new
'''}, mistake="accumulate"),
    "rmsprop_g_not_g_squared": Variant({"RMSprop.step": '''
def step(self, params, grads):
    if self.s is None:
        self.s = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.s[i] = self.alpha * self.s[i] + (1 - self.alpha) * g
        new.append(p - self.lr * g / (np.sqrt(self.s[i]) + self.eps))
    return new
'''}, mistake="instead of g²"),
    "rmsprop_abs_g_not_g_squared": Variant({"RMSprop.step": '''
def step(self, params, grads):
    if self.s is None:
        self.s = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.s[i] = self.alpha * self.s[i] + (1 - self.alpha) * np.abs(g)
        new.append(p - self.lr * g / (np.sqrt(self.s[i]) + self.eps))
    return new
'''}, mistake="|g|"),
    "rmsprop_alpha_swapped": Variant({"RMSprop.step": '''
def step(self, params, grads):
    if self.s is None:
        self.s = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.s[i] = (1 - self.alpha) * self.s[i] + self.alpha * g ** 2
        new.append(p - self.lr * g / (np.sqrt(self.s[i]) + self.eps))
    return new
'''}, mistake="swapped"),
    "adam_no_bias_correction": Variant({"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        new.append(p - self.lr * self.m[i] / (np.sqrt(self.v[i]) + self.eps))
    return new
'''}, mistake="bias correction"),
    "adam_t_not_incremented": Variant({"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    t = self.t + 1  # never stored back: t is 1 on every call
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** t)
        v_hat = self.v[i] / (1 - b2 ** t)
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''}, mistake="uses t = 1 on every step"),
    "adam_t_counts_parameters": Variant({"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** (self.t + 1))
        v_hat = self.v[i] / (1 - b2 ** (self.t + 1))
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
        self.t += 1  # inside the loop: counts parameters, not steps
    return new
'''}, mistake="once per parameter"),
    "adam_eps_inside_sqrt": Variant({"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        new.append(p - self.lr * m_hat / np.sqrt(v_hat + self.eps))
    return new
'''}, mistake="inside the square root"),
    "adam_weight_decay_ignored": Variant({"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''}, mistake="weight decay is ignored"),
    "adamw_coupled_weight_decay": Variant({"AdamW.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p  # L2 in the gradient: that is Adam, not AdamW
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''}, mistake="decoupled"),
    "adamw_decay_without_lr": Variant({"AdamW.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        p = p * (1 - self.weight_decay)
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''}, mistake="scaled by the learning rate"),

    "adamw_decay_after_update": Variant({"AdamW.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        p = p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        new.append(p * (1 - self.lr * self.weight_decay))
    return new
'''}, mistake="after the Adam update"),
    # ------------------------------------------------------------------ schedules
    "step_lr_off_by_one": Variant({"step_lr": '''
def step_lr(t, lr0, step_size=30, gamma=0.1):
    return lr0 * gamma ** (t // step_size + 1)
'''}, mistake="off by one"),
    "step_lr_rounds_instead_of_floor": Variant({"step_lr": '''
def step_lr(t, lr0, step_size=30, gamma=0.1):
    return lr0 * gamma ** round(t / step_size)
'''}, mistake="rounded to the nearest integer"),
    "linear_lr_integer_division": Variant({"linear_lr": '''
def linear_lr(t, lr0, T):
    return lr0 * (1 - t // T)
'''}, mistake="integer division"),
    "exponential_lr_off_by_one": Variant({"exponential_lr": '''
def exponential_lr(t, lr0, gamma):
    return lr0 * gamma ** (t + 1)
'''}, mistake="off by one"),
    "cosine_lr_T_minus_t": Variant({"cosine_lr": '''
def cosine_lr(t, lr0, T):
    return 0.5 * lr0 * (1 + np.cos(np.pi * (T - t) / T))
'''}, mistake="backwards"),
    "linear_warmup_no_plus_one": Variant({"linear_warmup": '''
def linear_warmup(t, lr0, warmup):
    return lr0 * np.minimum(1, t / warmup)
'''}, mistake="off by one"),
    "inverse_sqrt_no_floor": Variant({"inverse_sqrt_lr": '''
def inverse_sqrt_lr(t, lr0):
    return lr0 / np.sqrt(t + 1)
'''}, mistake="max(t, 1)"),

    # ------------------------------------------------------------------ normalisation
    "batchnorm_eps_outside_the_square_root": Variant({"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
    self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
    self.inv_std = 1 / (np.sqrt(var) + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''}, mistake="inside the square root"),
    "batchnorm_running_var_biased": Variant({"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
    mu, var = x.mean(axis=0), x.var(axis=0)
    self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
    self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''}, mistake="unbiased"),
    "batchnorm_normalises_with_unbiased_var": Variant({"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
    mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
    self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''}, mistake="biased batch variance"),
    "batchnorm_eval_uses_batch_stats": Variant({"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    if training:
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
        self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''}, mistake="running statistics"),
    "batchnorm_momentum_keras_convention": Variant({"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
    self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var * n / (n - 1)
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''}, mistake="momentum convention"),
    "batchnorm_backward_missing_term": Variant({"BatchNorm1d.backward": '''
def backward(self, grad_out):
    self.dgamma = (grad_out * self.x_hat).sum(axis=0)
    self.dbeta = grad_out.sum(axis=0)
    g = grad_out * self.gamma
    return self.inv_std * (g - g.mean(axis=0))
'''}, mistake="through the batch variance"),
    "batchnorm_backward_ignores_gamma": Variant({"BatchNorm1d.backward": '''
def backward(self, grad_out):
    self.dgamma = (grad_out * self.x_hat).sum(axis=0)
    self.dbeta = grad_out.sum(axis=0)
    g = grad_out
    return self.inv_std * (g - g.mean(axis=0) - self.x_hat * (g * self.x_hat).mean(axis=0))
'''}, mistake="factor γ"),
    "layernorm_over_batch_axis": Variant({"LayerNorm.forward": '''
def forward(self, x):
    mu, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''}, mistake="batch axis"),
    "layernorm_backward_batch_means": Variant({"LayerNorm.backward": '''
def backward(self, grad_out):
    d = self.gamma.shape[0]
    self.dgamma = (grad_out * self.x_hat).reshape(-1, d).sum(axis=0)
    self.dbeta = grad_out.reshape(-1, d).sum(axis=0)
    g = grad_out * self.gamma
    return self.inv_std * (g - g.mean(axis=0, keepdims=True)
                           - self.x_hat * (g * self.x_hat).mean(axis=0, keepdims=True))
'''}, mistake="last axis"),

    "layernorm_param_grads_sum_axis_0_only": Variant({"LayerNorm.backward": '''
def backward(self, grad_out):
    self.dgamma = (grad_out * self.x_hat).sum(axis=0)  # right for 2-D input only
    self.dbeta = grad_out.sum(axis=0)
    g = grad_out * self.gamma
    return self.inv_std * (g - g.mean(axis=-1, keepdims=True)
                           - self.x_hat * (g * self.x_hat).mean(axis=-1, keepdims=True))
'''}, mistake="every axis but the last"),
    # ------------------------------------------------------------------ dropout
    "dropout_not_inverted": Variant({"Dropout": '''
class Dropout:
    def __init__(self, p):
        self.p = p
        self.mask = None

    def forward(self, x, training=True, mask=None, rng=None):
        if not training:
            self.mask = None
            return x
        self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
        return x * self.mask

    def backward(self, grad_out):
        if self.mask is None:
            return grad_out
        return grad_out * self.mask
'''}, mistake="inverted"),
    "dropout_mask_of_floats": Variant({"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return (np.random.default_rng(rng).random(shape) >= p) * 1.0
'''}, mistake="dtype bool"),
    "dropout_p_as_keep_probability": Variant({"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return np.random.default_rng(rng).random(shape) < p
''', "Dropout.forward": '''
def forward(self, x, training=True, mask=None, rng=None):
    if not training:
        self.mask = None
        return x
    self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
    return x * self.mask / self.p
''', "Dropout.backward": '''
def backward(self, grad_out):
    if self.mask is None:
        return grad_out
    return grad_out * self.mask / self.p
'''}, mistake="drop probability"),
    "dropout_mask_p_is_keep": Variant({"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return np.random.default_rng(rng).random(shape) < p
'''}, mistake="drop probability"),
    "dropout_mask_global_rng": Variant({"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return np.random.random(shape) >= p
'''}, mistake="default_rng"),
    "dropout_backward_ignores_mask": Variant({"Dropout.backward": '''
def backward(self, grad_out):
    if self.mask is None:
        return grad_out
    return grad_out / (1 - self.p)
'''}, mistake="mask is ignored"),
    "dropout_active_in_eval": Variant({"Dropout.forward": '''
def forward(self, x, training=True, mask=None, rng=None):
    self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
    return x * self.mask / (1 - self.p)
'''}, mistake="identity"),

    "dropout_eval_keeps_the_training_mask": Variant({"Dropout.forward": '''
def forward(self, x, training=True, mask=None, rng=None):
    if not training:
        return x  # self.mask of the last training step is left for backward
    self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
    return x * self.mask / (1 - self.p)
'''}, mistake="training mask must not be applied"),
    "dropout_forward_global_rng": Variant({"Dropout.forward": '''
def forward(self, x, training=True, mask=None, rng=None):
    if not training:
        self.mask = None
        return x
    self.mask = (np.random.rand(*x.shape) >= self.p) if mask is None else mask
    return x * self.mask / (1 - self.p)
'''}, mistake="never from the global np.random"),
    # ------------------------------------------------------------------ regularisation
    "l2_without_half": Variant({"l2_penalty": '''
def l2_penalty(W, lam):
    return lam * (W ** 2).sum()
''', "l2_grad": '''
def l2_grad(W, lam):
    return 2 * lam * W
'''}, mistake="½"),
    "l1_grad_uses_W": Variant({"l1_grad": '''
def l1_grad(W, lam):
    return lam * W
'''}, mistake="sign(W)"),
    "elastic_net_grad_swaps_l1_and_l2": Variant({"elastic_net_grad": '''
def elastic_net_grad(W, l1, l2):
    return l1_grad(W, l2) + l2_grad(W, l1)
'''}, mistake="swapped"),
    "l1_grad_w_over_abs_w": Variant({"l1_grad": '''
def l1_grad(W, lam):
    return lam * W / np.abs(W)
'''}, mistake="sign(0) = 0"),
    "elastic_net_grad_missing_l1": Variant({"elastic_net_grad": '''
def elastic_net_grad(W, l1, l2):
    return l2_grad(W, l2)
'''}, mistake="L1 part"),

    # ------------------------------------------------------------------ MLP
    "mlp_activation_after_last_layer": Variant({"MLP.forward": '''
def forward(self, x):
    self.z = []
    for layer in self.layers:
        self.z.append(layer.forward(x))
        x = self.f(self.z[-1])
    return x
''', "MLP.backward": '''
def backward(self, grad_out):
    g = grad_out
    for layer, z in zip(self.layers[::-1], self.z[::-1]):
        g = layer.backward(g * self.f_grad(z))
    return g
'''}, mistake="after the last layer"),
    "mlp_parameters_weights_then_biases": Variant({"MLP.parameters": '''
def parameters(self):
    return [layer.W for layer in self.layers] + [layer.b for layer in self.layers]
'''}, mistake="order"),
    "mlp_backward_activation_grad_of_output": Variant({"MLP.backward": '''
def backward(self, grad_out):
    g = self.layers[-1].backward(grad_out)
    for layer, z in zip(self.layers[-2::-1], self.z[::-1]):
        g = layer.backward(g * self.f_grad(self.f(z)))  # f'(h) instead of f'(z)
    return g
'''}, mistake="pre-activation"),
    "mlp_predict_argmax_over_batch": Variant({"MLP.predict": '''
def predict(self, x):
    return np.argmax(self.forward(x), axis=0)
'''}, mistake="axis=1"),
    "mlp_activation_ignored": Variant({"MLP.__init__": '''
def __init__(self, sizes, activation="relu", rng=None):
    self.f, self.f_grad = relu, relu_grad
    rng = np.random.default_rng(rng)
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
'''}, mistake="activation argument is ignored"),
    "mlp_keeps_preactivations_of_earlier_forwards": Variant({"MLP.forward": '''
def forward(self, x):
    if not hasattr(self, "z"):
        self.z = []  # never reset: backward reads z of the first forward
    for layer in self.layers[:-1]:
        self.z.append(layer.forward(x))
        x = self.f(self.z[-1])
    return self.layers[-1].forward(x)
''', "MLP.backward": '''
def backward(self, grad_out):
    g = self.layers[-1].backward(grad_out)
    k = len(self.layers) - 2
    for layer in self.layers[-2::-1]:
        g = layer.backward(g * self.f_grad(self.z[k]))
        k -= 1
    return g
'''}, mistake="an earlier forward"),
    "mlp_leaky_relu_with_relu_grad": Variant({"MLP.__init__": '''
def __init__(self, sizes, activation="relu", rng=None):
    acts = {"identity": (identity, identity_grad), "sigmoid": (sigmoid, sigmoid_grad),
            "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad),
            "leaky_relu": (leaky_relu, relu_grad), "elu": (elu, elu_grad),
            "selu": (selu, selu_grad), "gelu": (gelu, gelu_grad),
            "softplus": (softplus, softplus_grad)}  # copy-pasted from the relu line
    self.f, self.f_grad = acts[activation]
    rng = np.random.default_rng(rng)
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
'''}, mistake="derivative of relu, not of leaky_relu"),
    "mlp_knows_only_three_activations": Variant({"MLP.__init__": '''
def __init__(self, sizes, activation="relu", rng=None):
    acts = {"sigmoid": (sigmoid, sigmoid_grad), "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad)}
    self.f, self.f_grad = acts[activation]
    rng = np.random.default_rng(rng)
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
'''}, mistake="accepts every activation"),
    "mlp_selu_is_elu": Variant({"MLP.__init__": '''
def __init__(self, sizes, activation="relu", rng=None):
    acts = {"identity": (identity, identity_grad), "sigmoid": (sigmoid, sigmoid_grad),
            "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad),
            "leaky_relu": (leaky_relu, leaky_relu_grad), "elu": (elu, elu_grad),
            "selu": (elu, elu_grad), "gelu": (gelu, gelu_grad),
            "softplus": (softplus, softplus_grad)}
    self.f, self.f_grad = acts[activation]
    rng = np.random.default_rng(rng)
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
'''}, mistake="applies elu, not selu"),
    "mlp_default_activation_tanh": Variant({"MLP.__init__": '''
def __init__(self, sizes, activation="tanh", rng=None):
    acts = {"identity": (identity, identity_grad), "sigmoid": (sigmoid, sigmoid_grad),
            "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad),
            "leaky_relu": (leaky_relu, leaky_relu_grad), "elu": (elu, elu_grad),
            "selu": (selu, selu_grad), "gelu": (gelu, gelu_grad),
            "softplus": (softplus, softplus_grad)}
    self.f, self.f_grad = acts[activation]
    rng = np.random.default_rng(rng)
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
'''}, mistake="default activation is relu"),
    "mlp_parameters_returns_copies": Variant({"MLP.parameters": '''
def parameters(self):
    return [p.copy() for layer in self.layers for p in (layer.W, layer.b)]  # "safer"
'''}, mistake="not copies"),
    "mlp_set_parameters_copies": Variant({"MLP.set_parameters": '''
def set_parameters(self, params):
    for k, layer in enumerate(self.layers):
        layer.W, layer.b = np.array(params[2 * k]), np.array(params[2 * k + 1])
'''}, mistake="installs the given arrays themselves"),
    "mlp_preactivation_buffers_of_the_first_batch": Variant({"MLP.forward": '''
def forward(self, x):
    if not hasattr(self, "z"):
        self.z = [None] * (len(self.layers) - 1)
    for k, layer in enumerate(self.layers[:-1]):
        z = layer.forward(x)
        if self.z[k] is None:
            self.z[k] = np.empty_like(z)  # a buffer allocated once, for the first batch size
        self.z[k][...] = z
        x = self.f(self.z[k])
    return self.layers[-1].forward(x)
'''}, mistake="forward must replace what the previous forward cached"),
    # ------------------------------------------------------------ train_mlp (replayed in torch)
    "train_mlp_lr_ignored": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam(0.1)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="lr argument is ignored"),
    "train_mlp_adam_without_lr": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam()
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="Adam's own default 0.001"),
    "train_mlp_one_epoch_short": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam(lr)
    for epoch in range(1, epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="one Adam step too few"),
    "train_mlp_epochs_ignored": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam(lr)
    for _ in range(300):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="epochs argument is ignored"),
    "train_mlp_activation_not_passed": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="pass activation on to MLP"),
    "train_mlp_activation_ignored": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], "tanh", rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="activation argument is ignored"),
    "train_mlp_new_adam_each_epoch": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    for _ in range(epochs):
        opt = Adam(lr)
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="created every epoch"),
    "train_mlp_sgd_instead_of_adam": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = SGD(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="plain SGD"),
    "train_mlp_rng_ignored": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, 0)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="rng argument is ignored"),
    "train_mlp_unseeded_model": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="different parameters on a second call"),
    "train_mlp_classes_from_unique_labels": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, len(np.unique(y))], activation, rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="C = max(y) + 1"),
    "train_mlp_default_lr_0_01": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.01, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="default lr is 0.1"),
    "train_mlp_default_activation_relu": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="relu", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="default activation is tanh"),
    # ------------------------------------------------------------ arguments ignored, edges (mutants found them)
    "batchnorm_eps_ignored": Variant({"BatchNorm1d.__init__": '''
def __init__(self, num_features, eps=1e-5, momentum=0.1):
    self.eps, self.momentum = 1e-5, momentum
    self.gamma = np.ones(num_features)
    self.beta = np.zeros(num_features)
    self.running_mean = np.zeros(num_features)
    self.running_var = np.ones(num_features)
    self.dgamma = np.zeros(num_features)
    self.dbeta = np.zeros(num_features)
'''}, mistake="eps argument is ignored"),
    "batchnorm_momentum_ignored": Variant({"BatchNorm1d.__init__": '''
def __init__(self, num_features, eps=1e-5, momentum=0.1):
    self.eps, self.momentum = eps, 0.1
    self.gamma = np.ones(num_features)
    self.beta = np.zeros(num_features)
    self.running_mean = np.zeros(num_features)
    self.running_var = np.ones(num_features)
    self.dgamma = np.zeros(num_features)
    self.dbeta = np.zeros(num_features)
'''}, mistake="momentum argument is ignored"),
    "layernorm_eps_ignored": Variant({"LayerNorm.__init__": '''
def __init__(self, num_features, eps=1e-5):
    self.eps = 1e-5
    self.gamma = np.ones(num_features)
    self.beta = np.zeros(num_features)
    self.dgamma = np.zeros(num_features)
    self.dbeta = np.zeros(num_features)
'''}, mistake="eps argument is ignored"),
    "rmsprop_eps_ignored": Variant({"RMSprop.__init__": '''
def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
    self.lr, self.alpha, self.eps = lr, alpha, 1e-8
    self.s = None
'''}, mistake="eps argument is ignored"),
    "adamw_eps_ignored": Variant({"AdamW.__init__": '''
def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    self.lr, self.betas, self.eps, self.weight_decay = lr, betas, 1e-8, weight_decay
    self.m, self.v, self.t = None, None, 0
'''}, mistake="eps argument is ignored"),
    "relu_grad_one_at_zero": Variant({"relu_grad": '''
def relu_grad(x):
    return (x >= 0) * 1.0
'''}, mistake="relu'(0) = 0"),
    "train_mlp_one_class_too_many": Variant({"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 2], activation, rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="C = max(y) + 1"),
    "adagrad_eps_ignored": Variant({"Adagrad.__init__": '''
def __init__(self, lr=0.01, eps=1e-10):
    self.lr, self.eps = lr, 1e-10
    self.G = None
'''}, mistake="eps argument is ignored"),
    "rmsprop_alpha_ignored": Variant({"RMSprop.__init__": '''
def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
    self.lr, self.alpha, self.eps = lr, 0.99, eps
    self.s = None
'''}, mistake="alpha argument is ignored"),
    "adam_betas_ignored": Variant({"Adam.__init__": '''
def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    self.lr, self.betas, self.eps, self.weight_decay = lr, (0.9, 0.999), eps, weight_decay
    self.m, self.v, self.t = None, None, 0
'''}, mistake="betas argument is ignored"),
    "leaky_relu_grad_one_at_zero": Variant({"leaky_relu_grad": '''
def leaky_relu_grad(x, slope=0.01):
    return np.where(x >= 0, 1.0, slope)
'''}, mistake="at 0 the derivative is the slope"),
    "elu_grad_one_at_zero": Variant({"elu_grad": '''
def elu_grad(x, alpha=1.0):
    return np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
'''}, mistake="ELU'(0) = α"),
}


# The demo cohort's first buggy student makes these three slips together (grading/demo/cohort.py): a
# sign-flipped BCE gradient, a softmax without the max subtracted, AdamW's decay after the update.
# Their feedback page is the worked example of scoring by function (README, "How grading works").
DEMO_BUGS: list[list[str]] = [["bce_grad_sign_flip", "softmax_no_max_subtraction", "adamw_decay_after_update"]]

CORRECT: dict[str, dict[str, str]] = {
    "linear_backward_loops": {"Linear.backward": '''
def backward(self, grad_out):
    n, d_out = grad_out.shape
    d_in = self.x.shape[1]
    dW = np.zeros((d_out, d_in))
    db = np.zeros(d_out)
    dx = np.zeros((n, d_in))
    for i in range(n):
        dW += np.outer(grad_out[i], self.x[i])
        db += grad_out[i]
        for j in range(d_in):
            dx[i, j] = sum(grad_out[i, k] * self.W[k, j] for k in range(d_out))
    self.dW, self.db = dW, db
    return dx
'''},
    "float_promotion_everywhere": {
        "Linear.forward": '''
def forward(self, x):
    x = np.asarray(x, dtype=np.float64)
    self.x = x
    return np.dot(x, np.asarray(self.W, dtype=np.float64).T) + self.b
''',
        "Linear.backward": '''
def backward(self, grad_out):
    grad_out = np.asarray(grad_out, dtype=np.float64)
    self.dW = np.einsum("no,ni->oi", grad_out, self.x)
    self.db = np.einsum("no->o", grad_out)
    return np.einsum("no,oi->ni", grad_out, self.W)
''',
        "relu": '''
def relu(x):
    x = np.asarray(x, dtype=float)
    return x * (x > 0)
''',
        "relu_grad": '''
def relu_grad(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, 0.0)
''',
        "tanh_grad": '''
def tanh_grad(x):
    t = np.tanh(np.asarray(x, dtype=float))
    return (1 - t) * (1 + t)
''',
        "mse": '''
def mse(pred, target):
    d = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.sum(d * d) / d.size)
''',
        "mse_grad": '''
def mse_grad(pred, target):
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    return (pred - target) * (2.0 / pred.size)
''',
        "mae": '''
def mae(pred, target):
    d = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return np.abs(d).sum() / d.size
''',
        "l2_grad": '''
def l2_grad(W, lam):
    return float(lam) * np.asarray(W, dtype=float)
''',
    },
    "activations_other_stable_forms": {
        "sigmoid": '''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
''',
        "softplus": '''
def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
''',
        "elu": '''
def elu(x, alpha=1.0):
    neg = np.minimum(x, 0)
    return np.maximum(x, 0) + alpha * (np.exp(neg) - 1)
''',
        "gelu": '''
def gelu(x):
    erfc = np.vectorize(math.erfc, otypes=[float])
    return 0.5 * x * erfc(-x / math.sqrt(2))
''',
        "leaky_relu_grad": '''
def leaky_relu_grad(x, slope=0.01):
    g = np.full(np.shape(x), float(slope))
    g[np.asarray(x) > 0] = 1.0
    return g
''',
    },
    "softmax_ce_via_logsumexp": {
        "softmax": '''
def softmax(z):
    m = z.max(axis=-1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.exp(z - lse)
''',
        "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, labels):
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    picked = np.take_along_axis(logits, np.asarray(labels).reshape(-1, 1), axis=1)[:, 0]
    return float(np.mean(lse - picked))
''',
        "softmax_cross_entropy_grad": '''
def softmax_cross_entropy_grad(logits, labels):
    n, c = logits.shape
    onehot = np.eye(c)[labels]
    return (softmax(logits) - onehot) / n
''',
    },
    # the same with eps rescaled by √(1 − β₂ᵗ): algebraically identical to the SPEC form
    "adam_efficient_form": {"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    # Kingma & Ba, end of section 2: fold both bias corrections into the step size
    lr_t = self.lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
    eps_hat = self.eps * math.sqrt(1 - b2 ** self.t)
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
        new.append(p - lr_t * self.m[i] / (np.sqrt(self.v[i]) + eps_hat))
    return new
'''},
    # Kingma & Ba's own "efficient" form, eps NOT rescaled: differs from torch by ~eps/|g| relative,
    # which the graders accept (a looser tier for Adam); see test_optimizers.ADAM_TOLERANCES.
    "adam_kingma_ba_step_size_form": {"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    lr_t = self.lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
        new.append(p - lr_t * self.m[i] / (np.sqrt(self.v[i]) + self.eps))
    return new
'''},
    "adamw_kingma_ba_step_size_form": {"AdamW.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    lr_t = self.lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        p = p * (1 - self.lr * self.weight_decay)
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
        new.append(p - lr_t * self.m[i] / (np.sqrt(self.v[i]) + self.eps))
    return new
'''},
    "optimizers_dict_state": {
        "SGD": '''
class SGD:
    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.lr, self.mu, self.nesterov, self.wd = lr, momentum, nesterov, weight_decay
        self.state = {}

    def step(self, params, grads):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            d = g + self.wd * p if self.wd else np.array(g, dtype=float)
            if self.mu:
                buf = self.state.get(i)
                buf = self.lr * d if buf is None else self.mu * buf + self.lr * d
                self.state[i] = buf
                d_step = self.lr * d + self.mu * buf if self.nesterov else buf
            else:
                d_step = self.lr * d
            out.append(p - d_step)
        return out
''',
        "RMSprop.step": '''
def step(self, params, grads):
    if self.s is None:
        self.s = [0.0 for _ in params]
    out = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.s[i] = self.s[i] * self.alpha + (1 - self.alpha) * np.square(g)
        out.append(p - self.lr * g / (np.sqrt(self.s[i]) + self.eps))
    return out
''',
        "Adagrad.step": '''
def step(self, params, grads):
    if self.G is None:
        self.G = {}
    out = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.G[i] = self.G.get(i, 0.0) + g * g
        out.append(p - self.lr * g / (np.sqrt(self.G[i]) + self.eps))
    return out
''',
        "AdamW.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    self.t += 1
    b1, b2 = self.betas
    c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
    out = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.m[i] = self.m[i] + (1 - b1) * (g - self.m[i])
        self.v[i] = self.v[i] + (1 - b2) * (g * g - self.v[i])
        update = (self.m[i] / c1) / (np.sqrt(self.v[i] / c2) + self.eps)
        out.append(p - self.lr * self.weight_decay * p - self.lr * update)
    return out
''',
    },
    "schedules_with_math": {
        "step_lr": '''
def step_lr(t, lr0, step_size=30, gamma=0.1):
    lr = lr0
    for _ in range(int(t) // step_size):
        lr *= gamma
    return lr
''',
        "cosine_lr": '''
def cosine_lr(t, lr0, T):
    return lr0 * math.cos(math.pi * t / (2 * T)) ** 2
''',
        "linear_warmup": '''
def linear_warmup(t, lr0, warmup):
    return lr0 if t + 1 >= warmup else lr0 * (t + 1) / warmup
''',
        "inverse_sqrt_lr": '''
def inverse_sqrt_lr(t, lr0):
    return lr0 * max(t, 1) ** -0.5
''',
    },
    "batchnorm_backward_computational_graph": {
        "BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
    n = x.shape[0]
    mu = np.sum(x, axis=0) / n
    xmu = x - mu
    sq = xmu ** 2
    var = np.sum(sq, axis=0) / n
    sqrtvar = np.sqrt(var + self.eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    self.cache = (xhat, xmu, ivar, sqrtvar, var)
    self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
    self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
    return self.gamma * xhat + self.beta
''',
        "BatchNorm1d.backward": '''
def backward(self, grad_out):
    xhat, xmu, ivar, sqrtvar, var = self.cache
    n = grad_out.shape[0]
    self.dbeta = np.sum(grad_out, axis=0)
    self.dgamma = np.sum(grad_out * xhat, axis=0)
    dxhat = grad_out * self.gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 / np.sqrt(var + self.eps) * dsqrtvar
    dsq = np.ones_like(grad_out) * dvar / n
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -np.sum(dx1, axis=0)
    dx2 = np.ones_like(grad_out) * dmu / n
    return dx1 + dx2
''',
        "LayerNorm.backward": '''
def backward(self, grad_out):
    d = self.gamma.shape[0]
    self.dgamma = np.sum((grad_out * self.x_hat).reshape(-1, d), axis=0)
    self.dbeta = np.sum(grad_out.reshape(-1, d), axis=0)
    dxhat = grad_out * self.gamma
    return (d * dxhat - dxhat.sum(axis=-1, keepdims=True)
            - self.x_hat * (dxhat * self.x_hat).sum(axis=-1, keepdims=True)) * self.inv_std / d
''',
    },
    "mlp_layers_in_dict": {"MLP": '''
class MLP:
    ACTIVATIONS = {"identity": ("identity", "identity_grad"), "sigmoid": ("sigmoid", "sigmoid_grad"),
                   "tanh": ("tanh", "tanh_grad"), "relu": ("relu", "relu_grad"),
                   "leaky_relu": ("leaky_relu", "leaky_relu_grad"), "elu": ("elu", "elu_grad"),
                   "selu": ("selu", "selu_grad"), "gelu": ("gelu", "gelu_grad"),
                   "softplus": ("softplus", "softplus_grad")}

    def __init__(self, sizes, activation="relu", rng=None):
        f, df = self.ACTIVATIONS[activation]
        self.act, self.act_grad = globals()[f], globals()[df]
        gen = np.random.default_rng(rng)
        self.n_layers = len(sizes) - 1
        self.net = {}
        for k in range(self.n_layers):
            self.net[f"fc{k + 1}"] = Linear(sizes[k], sizes[k + 1], rng=gen)
        self.cache = {}

    def forward(self, x):
        h = x
        for k in range(1, self.n_layers + 1):
            z = self.net[f"fc{k}"].forward(h)
            if k < self.n_layers:
                self.cache[k] = z
                h = self.act(z)
            else:
                h = z
        return h

    def backward(self, grad_out):
        g = grad_out
        for k in range(self.n_layers, 0, -1):
            if k < self.n_layers:
                g = g * self.act_grad(self.cache[k])
            g = self.net[f"fc{k}"].backward(g)
        return g

    def parameters(self):
        out = []
        for k in range(1, self.n_layers + 1):
            out += [self.net[f"fc{k}"].W, self.net[f"fc{k}"].b]
        return out

    def gradients(self):
        out = []
        for k in range(1, self.n_layers + 1):
            out += [self.net[f"fc{k}"].dW, self.net[f"fc{k}"].db]
        return out

    def set_parameters(self, params):
        it = iter(params)
        for k in range(1, self.n_layers + 1):
            self.net[f"fc{k}"].W = next(it)
            self.net[f"fc{k}"].b = next(it)

    def predict(self, x):
        return self.forward(x).argmax(axis=-1)
'''},
    "mlp_activation_by_name_and_index_loops": {"MLP.__init__": '''
def __init__(self, sizes, activation="relu", rng=None):
    if activation not in ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "softplus"):
        raise ValueError(f"unknown activation {activation!r}")
    self.f, self.f_grad = globals()[activation], globals()[activation + "_grad"]
    gen = np.random.default_rng(rng)
    self.layers = []
    for k in range(len(sizes) - 1):
        self.layers.append(Linear(sizes[k], sizes[k + 1], gen))
''', "MLP.forward": '''
def forward(self, x):
    self.h, self.z = [x], []
    for k, layer in enumerate(self.layers):
        z = layer.forward(self.h[-1])
        if k == len(self.layers) - 1:
            return z
        self.z.append(z)
        self.h.append(self.f(z))
''', "MLP.backward": '''
def backward(self, grad_out):
    g = grad_out
    for k in range(len(self.layers) - 1, -1, -1):
        g = self.layers[k].backward(g)
        if k > 0:
            g = g * self.f_grad(self.z[k - 1])
    return g
'''},
    "train_mlp_live_parameters_and_own_softmax": {"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    n, n_classes = X.shape[0], int(np.max(y)) + 1
    model = MLP([X.shape[1]] + list(hidden) + [n_classes], activation=activation,
                rng=np.random.default_rng(rng))  # a Generator: default_rng hands it back unchanged
    optimizer = Adam(lr=lr)
    onehot = np.eye(n_classes)[y]
    for epoch in range(epochs):
        model.backward((softmax(model.forward(X)) - onehot) / n)
        params = model.parameters()
        for p, new in zip(params, optimizer.step(params, model.gradients())):
            p[...] = new  # parameters() are the model's own arrays
    return model
'''},
    "dropout_mask_less_than_keep": {
        "dropout_mask": '''
def dropout_mask(shape, p, rng):
    rng = np.random.default_rng(rng)
    return rng.random(shape) < 1 - p
''',
        "Dropout": '''
class Dropout:
    def __init__(self, p):
        self.p = p
        self.scale = 1.0 / (1.0 - p)
        self.mask = None
        self.training = False

    def forward(self, x, training=True, mask=None, rng=None):
        self.training = training
        if not training:
            return x
        self.mask = mask if mask is not None else dropout_mask(x.shape, self.p, rng)
        return np.where(self.mask, x * self.scale, 0.0)

    def backward(self, grad_out):
        if not self.training:
            return grad_out
        return np.where(self.mask, grad_out * self.scale, 0.0)
''',
    },
}
