"""Realistic one-line slips in Assignment 1, written from the SPEC and the reference only (never from the
hidden graders), to measure the graders on bugs they were not written against (bench/prove_slips.py)."""
SLIPS = {
    # ------------------------------------------------------------------ activations, softmax
    "identity_grad_scalar": (
        {"identity_grad": '''
def identity_grad(x):
    return 1.0
'''},
        ("shape", "scalar", "ones_like"),
        "identity_grad returns the scalar 1.0 instead of an array of ones with the shape of x",
    ),
    "sigmoid_naive_overflow": (
        {"sigmoid": '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
'''},
        ("overflow", "stable", "stabil", "1000"),
        "textbook 1/(1+exp(-x)): exp overflows (RuntimeWarning) for x = -1000",
    ),
    "tanh_grad_no_square": (
        {"tanh_grad": '''
def tanh_grad(x):
    return 1 - np.tanh(x)
'''},
        ("square", "tanh²", "tanh^2", "tanh(x)**2", "tanh(x) ** 2"),
        "tanh_grad forgets to square tanh: 1 - tanh(x) instead of 1 - tanh(x)^2",
    ),
    "relu_grad_one_at_zero": (
        {"relu_grad": '''
def relu_grad(x):
    return (x >= 0) * 1.0
'''},
        ("x = 0", "x=0", "at 0", "at zero", "relu_grad(0)", "subgradient"),
        "relu_grad uses x >= 0, so relu_grad(0) = 1 instead of the declared 0",
    ),
    "leaky_relu_slope_hardcoded": (
        {"leaky_relu": '''
def leaky_relu(x, slope=0.01):
    return np.where(x > 0, x, 0.01 * x)
'''},
        ("slope",),
        "leaky_relu hard-codes 0.01 and ignores its slope argument",
    ),
    "elu_grad_ignores_alpha": (
        {"elu_grad": '''
def elu_grad(x, alpha=1.0):
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))
'''},
        ("alpha", "α"),
        "elu_grad drops the factor alpha on the negative side (right only for alpha = 1)",
    ),
    "selu_constants_swapped": (
        {"selu": '''
def selu(x):
    lam, alpha = 1.6732632423543772, 1.0507009873554805
    return lam * elu(x, alpha)
'''},
        ("λ", "lambda", "alpha", "α", "constant"),
        "selu swaps the two constants lambda and alpha",
    ),
    "gelu_tanh_approximation": (
        {"gelu": '''
def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
'''},
        ("tanh", "approximat", "exact", "erf"),
        "gelu uses the tanh approximation (error up to ~5e-4) instead of the exact x*Phi(x)",
    ),
    "softplus_naive_overflow": (
        {"softplus": '''
def softplus(x):
    return np.log(1 + np.exp(x))
'''},
        ("overflow", "stable", "stabil", "infinit", "1000"),
        "softplus computed as log(1 + exp(x)): inf (with an overflow warning) for x = 1000",
    ),
    "softmax_no_max_shift": (
        {"softmax": '''
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
'''},
        ("overflow", "stable", "stabil", "nan", "subtract the max", "max shift"),
        "softmax without subtracting the row max: nan for large logits",
    ),
    "softmax_axis_1_not_last": (
        {"softmax": '''
def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
'''},
        ("axis", "last axis", "3-d", "3d"),
        "softmax over axis=1 instead of the last axis: right for 2-D, wrong for 3-D, fails for 1-D",
    ),
    "log_softmax_log_of_softmax": (
        {"log_softmax": '''
def log_softmax(z):
    return np.log(softmax(z))
'''},
        ("-inf", "log(0)", "underflow", "stable", "stabil", "logsumexp", "log-sum-exp"),
        "log_softmax as log(softmax(z)): -inf when a probability underflows to 0",
    ),
    # ------------------------------------------------------------------ Linear
    "linear_forward_no_transpose": (
        {"Linear.forward": '''
def forward(self, x):
    self.x = x
    return x @ self.W + self.b
'''},
        ("transpose", "w.t", "layout", "(out, in)"),
        "Linear.forward uses x @ W instead of x @ W.T (TensorFlow layout; only runs for square W)",
    ),
    "linear_dW_transposed": (
        {"Linear.backward": '''
def backward(self, grad_out):
    self.dW = self.x.T @ grad_out
    self.db = grad_out.sum(axis=0)
    return grad_out @ self.W
'''},
        ("transpose", "shape", "(out, in)", "layout"),
        "dW computed as x.T @ grad_out, shape (in, out) instead of (out, in)",
    ),
    "linear_init_in_out_swapped": (
        {"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    self.W = kaiming_normal(out_features, in_features, rng)
    self.b = np.zeros(out_features)
    self.dW = np.zeros_like(self.W)
    self.db = np.zeros_like(self.b)
'''},
        ("shape", "(out, in)", "argument order", "in_features", "fan_in", "fan-in"),
        "Linear.__init__ calls kaiming_normal(out, in): W has shape (in, out) and variance 2/out",
    ),
    # ------------------------------------------------------------------ losses
    "mse_float32": (
        {"mse": '''
def mse(pred, target):
    return np.mean(((pred - target) ** 2).astype(np.float32))
'''},
        ("float32", "dtype", "precision", "float64"),
        "mse casts to float32 before the mean (float32 result, ~1e-7 relative error)",
    ),
    "mse_grad_missing_2": (
        {"mse_grad": '''
def mse_grad(pred, target):
    return (pred - target) / pred.size
'''},
        ("factor 2", "factor of 2", "twice", "half", "2(p"),
        "mse_grad forgets the factor 2 of the derivative of the square",
    ),
    "mae_grad_tie_nonzero": (
        {"mae_grad": '''
def mae_grad(pred, target):
    return np.where(pred >= target, 1.0, -1.0) / pred.size
'''},
        ("sign", "tie", "p = t", "pred == target", "equal"),
        "mae_grad gives +1/n where pred == target instead of sign(0) = 0",
    ),
    "bce_no_clamp": (
        {"bce": '''
def bce(prob, target):
    return -np.mean(target * np.log(prob) + (1 - target) * np.log(1 - prob))
'''},
        ("clamp", "-100", "log(0)", "nan", "infinit"),
        "bce without clamping the logs: nan/inf for probabilities exactly 0 or 1",
    ),
    "bce_grad_sign": (
        {"bce_grad": '''
def bce_grad(prob, target):
    return (target - prob) / np.maximum(prob * (1 - prob), 1e-12) / prob.size
'''},
        ("sign",),
        "bce_grad has the sign flipped: (t - p) instead of (p - t)",
    ),
    "bce_with_logits_via_sigmoid": (
        {"bce_with_logits": '''
def bce_with_logits(logits, target):
    return bce(sigmoid(logits), target)
'''},
        ("stable", "stabil", "1000", "softplus", "saturat"),
        "bce_with_logits goes through sigmoid then bce: saturates (100 instead of 1000) for |logits| = 1000",
    ),
    "bce_with_logits_grad_divides_by_batch": (
        {"bce_with_logits_grad": '''
def bce_with_logits_grad(logits, target):
    return (sigmoid(logits) - target) / logits.shape[0]
'''},
        ("size", "every element", "number of elements", "shape[0]", "z.size"),
        "bce_with_logits_grad divides by N = shape[0] instead of the number of elements (wrong for 2-D logits)",
    ),
    "sce_wrong_fancy_index": (
        {"softmax_cross_entropy": '''
def softmax_cross_entropy(logits, labels):
    return -np.mean(log_softmax(logits)[:, labels])
'''},
        ("index", "arange", "correct class", "true class"),
        "softmax_cross_entropy indexes [:, labels], an (N, N) block, instead of [arange(N), labels]",
    ),
    "sce_grad_mutates_logits": (
        {"softmax_cross_entropy_grad": '''
def softmax_cross_entropy_grad(logits, labels):
    n = logits.shape[0]
    logits -= logits.max(axis=1, keepdims=True)
    g = np.exp(logits)
    g /= g.sum(axis=1, keepdims=True)
    g[np.arange(n), labels] -= 1
    return g / n
'''},
        ("mutat", "in place", "in-place", "modif", "overwr"),
        "softmax_cross_entropy_grad subtracts the row max from the caller's logits in place",
    ),
    "sce_grad_no_mean": (
        {"softmax_cross_entropy_grad": '''
def softmax_cross_entropy_grad(logits, labels):
    n = logits.shape[0]
    g = softmax(logits)
    g[np.arange(n), labels] -= 1
    return g
'''},
        ("1/n", "batch size", "divid", "average", "/ n"),
        "softmax_cross_entropy_grad forgets the 1/N of the mean",
    ),
    # ------------------------------------------------------------------ initialisers
    "normal_init_std_is_variance": (
        {"normal_init": '''
def normal_init(n_in, n_out, rng):
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, 1 / n_in, size=(n_out, n_in))
'''},
        ("variance", "std", "standard deviation", "sqrt"),
        "normal_init passes the variance 1/n_in as the standard deviation",
    ),
    "xavier_uniform_precedence": (
        {"xavier_uniform": '''
def xavier_uniform(n_in, n_out, rng):
    rng = np.random.default_rng(rng)
    a = np.sqrt(6 / n_in + n_out)
    return rng.uniform(-a, a, size=(n_out, n_in))
'''},
        ("bound", "limit", "variance", "range", "parenthes"),
        "xavier_uniform bound written sqrt(6/n_in + n_out): operator precedence",
    ),
    "kaiming_gain_ignored": (
        {"kaiming_normal": '''
def kaiming_normal(n_in, n_out, rng, gain=2.0):
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
'''},
        ("gain",),
        "kaiming_normal hard-codes 2 and ignores its gain argument",
    ),
    # ------------------------------------------------------------------ optimizers
    "sgd_nesterov_ignored": (
        {"SGD.step": '''
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
'''},
        ("nesterov",),
        "SGD stores the nesterov flag but always does classical momentum",
    ),
    "sgd_weight_decay_only_with_momentum": (
        {"SGD.step": '''
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
'''},
        ("weight decay", "weight_decay", "wd", "l2"),
        "SGD adds weight decay only in the momentum branch: plain SGD ignores weight_decay",
    ),
    "adagrad_eps_inside_sqrt": (
        {"Adagrad.step": '''
def step(self, params, grads):
    if self.G is None:
        self.G = [np.zeros_like(p, dtype=float) for p in params]
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.G[i] = self.G[i] + g ** 2
        new.append(p - self.lr * g / np.sqrt(self.G[i] + self.eps))
    return new
'''},
        ("eps", "epsilon", "ε", "sqrt"),
        "Adagrad puts eps inside the square root (sqrt(G + eps) instead of sqrt(G) + eps)",
    ),
    "rmsprop_default_alpha": (
        {"RMSprop.__init__": '''
def __init__(self, lr=0.01, alpha=0.9, eps=1e-8):
    self.lr, self.alpha, self.eps = lr, alpha, eps
    self.s = None
'''},
        ("default", "0.99"),
        "RMSprop default alpha = 0.9 (Hinton's lecture value) instead of PyTorch's 0.99",
    ),
    "adam_no_bias_correction": (
        {"Adam.step": '''
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
'''},
        ("bias correction", "bias-correct", "bias correct", "m̂", "1 - β", "1-β"),
        "Adam without bias correction (uses m, v instead of m-hat, v-hat)",
    ),
    "adam_t_per_parameter": (
        {"Adam.step": '''
def step(self, params, grads):
    if self.m is None:
        self.m = [np.zeros_like(p, dtype=float) for p in params]
        self.v = [np.zeros_like(p, dtype=float) for p in params]
    b1, b2 = self.betas
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        self.t += 1
        g = g + self.weight_decay * p
        self.m[i] = b1 * self.m[i] + (1 - b1) * g
        self.v[i] = b2 * self.v[i] + (1 - b2) * g ** 2
        m_hat = self.m[i] / (1 - b1 ** self.t)
        v_hat = self.v[i] / (1 - b2 ** self.t)
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''},
        ("step count", "time step", "timestep", "per call", "counter"),
        "Adam increments t inside the loop over parameters (once per array, not once per step call)",
    ),
    "adam_t_starts_at_one": (
        {"Adam.__init__": '''
def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
    self.m, self.v, self.t = None, None, 1
'''},
        ("off-by-one", "off by one", "step count", "time step", "timestep", "t = 1", "t starts"),
        "Adam initialises t = 1 and then increments before use, so the first step uses t = 2",
    ),
    "adam_weight_decay_ignored": (
        {"Adam.step": '''
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
'''},
        ("weight decay", "weight_decay", "l2"),
        "Adam stores weight_decay but never adds wd*theta to the gradient",
    ),
    "adamw_coupled_decay": (
        {"AdamW.step": '''
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
        new.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
    return new
'''},
        ("decoupled", "coupled", "adamw", "weight decay"),
        "AdamW adds wd*theta to the gradient (Adam's L2) instead of decaying theta directly",
    ),
    "adamw_default_wd_zero": (
        {"AdamW.__init__": '''
def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
    self.m, self.v, self.t = None, None, 0
'''},
        ("default", "0.01"),
        "AdamW copied Adam's signature: default weight_decay 0.0 instead of 0.01",
    ),
    # ------------------------------------------------------------------ schedules
    "step_lr_round": (
        {"step_lr": '''
def step_lr(t, lr0, step_size=30, gamma=0.1):
    return lr0 * gamma ** round(t / step_size)
'''},
        ("floor", "round", "integer division", "⌊", "//"),
        "step_lr rounds t/step_size instead of flooring it (decays half a period early)",
    ),
    "exponential_lr_t_plus_1": (
        {"exponential_lr": '''
def exponential_lr(t, lr0, gamma):
    return lr0 * gamma ** (t + 1)
'''},
        ("t = 0", "t=0", "off-by-one", "off by one", "lr0 at"),
        "exponential_lr uses gamma^(t+1), so it already decays at t = 0",
    ),
    "cosine_lr_missing_half": (
        {"cosine_lr": '''
def cosine_lr(t, lr0, T):
    return lr0 * (1 + np.cos(np.pi * t / T))
'''},
        ("half", "½", "0.5", "factor 2", "factor of 2", "twice"),
        "cosine_lr forgets the 1/2: starts at 2*lr0",
    ),
    "linear_lr_integer_division": (
        {"linear_lr": '''
def linear_lr(t, lr0, T):
    return lr0 * (1 - t // T)
'''},
        ("integer division", "//", "floor", "true division"),
        "linear_lr uses t // T: constant lr0 until t = T, then 0",
    ),
    "inverse_sqrt_t_plus_1": (
        {"inverse_sqrt_lr": '''
def inverse_sqrt_lr(t, lr0):
    return lr0 / np.sqrt(t + 1)
'''},
        ("max(t, 1)", "max(t,1)", "off-by-one", "off by one", "t + 1", "t+1"),
        "inverse_sqrt_lr guards t = 0 with sqrt(t + 1) instead of sqrt(max(t, 1))",
    ),
    "linear_warmup_no_plus_1": (
        {"linear_warmup": '''
def linear_warmup(t, lr0, warmup):
    return lr0 * np.minimum(1, t / warmup)
'''},
        ("t + 1", "t+1", "off-by-one", "off by one", "t = 0", "t=0"),
        "linear_warmup uses t/warmup instead of (t+1)/warmup: lr = 0 at t = 0",
    ),
    # ------------------------------------------------------------------ normalisation
    "bn_running_var_biased": (
        {"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
    mu, var = x.mean(axis=0), x.var(axis=0)
    self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
    self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''},
        ("unbiased", "bessel", "n-1", "n - 1", "n/(n-1)"),
        "running_var updated with the biased batch variance (no N/(N-1))",
    ),
    "bn_momentum_swapped": (
        {"BatchNorm1d.forward": '''
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
'''},
        ("momentum", "convention", "keras", "swap"),
        "running stats use the Keras convention r <- m*r + (1-m)*stat instead of PyTorch's",
    ),
    "bn_eval_uses_batch_stats": (
        {"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    if training:
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
        self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''},
        ("running", "eval", "inference", "training=false"),
        "BatchNorm1d keeps running stats but normalises with the batch statistics in evaluation too",
    ),
    "bn_eps_outside_sqrt": (
        {"BatchNorm1d.forward": '''
def forward(self, x, training=True):
    if not training:
        return self.gamma * (x - self.running_mean) / (np.sqrt(self.running_var) + self.eps) + self.beta
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
    self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
    self.inv_std = 1 / (np.sqrt(var) + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''},
        ("eps", "epsilon", "ε", "sqrt"),
        "BatchNorm1d adds eps outside the square root: 1/(sqrt(var) + eps)",
    ),
    "bn_backward_no_variance_term": (
        {"BatchNorm1d.backward": '''
def backward(self, grad_out):
    self.dgamma = (grad_out * self.x_hat).sum(axis=0)
    self.dbeta = grad_out.sum(axis=0)
    g = grad_out * self.gamma
    return self.inv_std * (g - g.mean(axis=0))
'''},
        ("variance", "x_hat", "x̂", "statistics"),
        "BatchNorm1d.backward drops the term through the batch variance (- x_hat*mean(g*x_hat))",
    ),
    "ln_over_batch_axis": (
        {"LayerNorm.forward": '''
def forward(self, x):
    mu, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    self.inv_std = 1 / np.sqrt(var + self.eps)
    self.x_hat = (x - mu) * self.inv_std
    return self.gamma * self.x_hat + self.beta
'''},
        ("axis", "last axis", "per sample", "per-sample", "batch axis"),
        "LayerNorm copied from BatchNorm: statistics over axis 0 instead of the last axis",
    ),
    "ln_dgamma_2d_only": (
        {"LayerNorm.backward": '''
def backward(self, grad_out):
    self.dgamma = (grad_out * self.x_hat).sum(axis=0)
    self.dbeta = grad_out.sum(axis=0)
    g = grad_out * self.gamma
    return self.inv_std * (g - g.mean(axis=-1, keepdims=True)
                           - self.x_hat * (g * self.x_hat).mean(axis=-1, keepdims=True))
'''},
        ("3-d", "3d", "shape", "leading", "all but the last"),
        "LayerNorm.backward sums dgamma/dbeta over axis 0 only: wrong shape for 3-D input",
    ),
    # ------------------------------------------------------------------ dropout
    "dropout_mask_p_is_keep": (
        {"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return np.random.default_rng(rng).random(shape) < p
'''},
        ("drop probability", "keep probability", "1 - p", "1-p", "p(keep)"),
        "dropout_mask treats p as the keep probability (Keras/old-TF keep_prob)",
    ),
    "dropout_mask_global_rng": (
        {"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return np.random.random(shape) >= p
'''},
        ("rng", "global", "np.random", "seed", "reproduc"),
        "dropout_mask draws from the global np.random instead of the given rng",
    ),
    "dropout_mask_not_boolean": (
        {"dropout_mask": '''
def dropout_mask(shape, p, rng):
    return (np.random.default_rng(rng).random(shape) >= p) * 1.0
'''},
        ("bool", "boolean", "dtype"),
        "dropout_mask returns a float 0/1 mask instead of a boolean one",
    ),
    "dropout_forward_not_inverted": (
        {"Dropout.forward": '''
def forward(self, x, training=True, mask=None, rng=None):
    if not training:
        self.mask = None
        return x
    self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
    return x * self.mask
'''},
        ("1/(1-p)", "1/(1 - p)", "scale", "inverted", "rescal"),
        "Dropout.forward masks but forgets the 1/(1-p) scaling of inverted dropout",
    ),
    "dropout_stale_mask_after_eval": (
        {"Dropout.forward": '''
def forward(self, x, training=True, mask=None, rng=None):
    if not training:
        return x
    self.mask = dropout_mask(x.shape, self.p, rng) if mask is None else mask
    return x * self.mask / (1 - self.p)
'''},
        ("stale", "eval", "previous", "identity"),
        "Dropout.forward in evaluation does not clear the mask, so backward reuses the last training mask",
    ),
    # ------------------------------------------------------------------ regularisation
    "l2_penalty_no_half": (
        {"l2_penalty": '''
def l2_penalty(W, lam):
    return lam * (W ** 2).sum()
'''},
        ("½", "0.5", "half", "factor 2", "factor of 2", "twice"),
        "l2_penalty forgets the 1/2",
    ),
    "l1_grad_nonzero_at_zero": (
        {"l1_grad": '''
def l1_grad(W, lam):
    return lam * np.where(W >= 0, 1.0, -1.0)
'''},
        ("sign", "w = 0", "w=0", "subgradient", "at 0", "at zero"),
        "l1_grad returns +lam at W = 0 instead of sign(0) = 0",
    ),
    "elastic_net_grad_swapped": (
        {"elastic_net_grad": '''
def elastic_net_grad(W, l1, l2):
    return l1_grad(W, l2) + l2_grad(W, l1)
'''},
        ("swap", "order", "l1 and l2", "argument"),
        "elastic_net_grad passes l2 to l1_grad and l1 to l2_grad",
    ),
    # ------------------------------------------------------------------ MLP
    "mlp_activation_after_last": (
        {"MLP.forward": '''
def forward(self, x):
    self.z = []
    for layer in self.layers:
        self.z.append(layer.forward(x))
        x = self.f(self.z[-1])
    return x
'''},
        ("last layer", "logits", "output layer", "final layer", "after the last"),
        "MLP.forward applies the activation after the last layer too (no raw logits)",
    ),
    "mlp_backward_z_not_reversed": (
        {"MLP.backward": '''
def backward(self, grad_out):
    g = self.layers[-1].backward(grad_out)
    for layer, z in zip(self.layers[-2::-1], self.z):
        g = layer.backward(g * self.f_grad(z))
    return g
'''},
        ("order", "revers", "wrong layer", "pre-activation"),
        "MLP.backward pairs layers (reversed) with pre-activations in forward order: wrong with 2+ hidden layers",
    ),
    "mlp_parameters_copies": (
        {"MLP.parameters": '''
def parameters(self):
    return [p.copy() for layer in self.layers for p in (layer.W, layer.b)]
'''},
        ("copy", "copies", "same object", "themselves", "alias"),
        "MLP.parameters returns copies instead of the layers' own arrays",
    ),
    "mlp_set_parameters_index": (
        {"MLP.set_parameters": '''
def set_parameters(self, params):
    for k, layer in enumerate(self.layers):
        layer.W, layer.b = params[k], params[k + 1]
'''},
        ("set_parameters", "index", "order", "2k", "2 * k"),
        "MLP.set_parameters indexes params[k], params[k+1] instead of params[2k], params[2k+1]",
    ),
    "mlp_same_seed_per_layer": (
        {"MLP.__init__": '''
def __init__(self, sizes, activation="relu", rng=None):
    acts = {"identity": (identity, identity_grad), "sigmoid": (sigmoid, sigmoid_grad),
            "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad),
            "leaky_relu": (leaky_relu, leaky_relu_grad), "elu": (elu, elu_grad),
            "selu": (selu, selu_grad), "gelu": (gelu, gelu_grad),
            "softplus": (softplus, softplus_grad)}
    self.f, self.f_grad = acts[activation]
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
'''},
        ("same weights", "identical", "generator", "re-seed", "reseed", "same seed"),
        "MLP passes the int seed to every Linear, so each layer restarts the same random stream",
    ),
    "mlp_predict_axis0": (
        {"MLP.predict": '''
def predict(self, x):
    return np.argmax(self.forward(x), axis=0)
'''},
        ("axis",),
        "MLP.predict takes argmax over axis 0 (the batch) instead of the classes",
    ),
    # ------------------------------------------------------------------ train_mlp
    "train_mlp_ignores_lr": (
        {"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    opt = Adam()
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("learning rate", "lr=", "lr argument", "adam(lr"),
        "train_mlp builds Adam() with its default lr and ignores the lr argument",
    ),
    "train_mlp_classes_from_unique": (
        {"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, len(np.unique(y))], activation, rng)
    opt = Adam(lr)
    for _ in range(epochs):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("number of classes", "max(y)", "unique", "missing class"),
        "train_mlp sets C = len(unique(y)), too small when a label value is absent",
    ),
    "train_mlp_new_adam_each_epoch": (
        {"train_mlp": '''
def train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0):
    model = MLP([X.shape[1], *hidden, int(y.max()) + 1], activation, rng)
    for _ in range(epochs):
        opt = Adam(lr)
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("optimizer state", "adam state", "every epoch", "each epoch", "re-creat", "recreat", "moments"),
        "train_mlp creates a fresh Adam inside the epoch loop, so its moments and t reset every step",
    ),
}
