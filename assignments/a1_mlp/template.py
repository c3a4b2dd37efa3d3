# %% [markdown]
# # Assignment 1: a multilayer perceptron in NumPy
#
# In this assignment you build, from scratch and in plain NumPy, everything a small neural network
# needs: activations and their derivatives, weight initialisers, a fully connected layer with its
# backward pass, losses, optimizers, learning-rate schedules, batch and layer normalisation, dropout,
# weight penalties, and finally a multilayer perceptron (MLP) that learns XOR.
#
# **How it works.** Each *solution* cell holds functions and classes whose docstrings say what they
# must do; replace every `raise NotImplementedError()` with your code. Keep the names and signatures
# exactly as given (the graders call them), do not delete, copy or reorder cells, and do not rename
# the notebook. You may add helper functions inside your solution cells.
#
# **Only NumPy.** `numpy` and `math` are imported in the first cell; do not import anything else
# (no PyTorch, SciPy or scikit-learn). Never use the global `np.random.*` functions: see below.
#
# **Tests.** After each solution cell comes a locked test cell with small, hand-checkable examples.
# They are a *sanity check only*: when your notebook is graded, hidden tests take their place and
# decide the points shown in each part's heading (10 in total). The hidden tests use other inputs,
# check your gradients numerically against an independent implementation, and try edge cases
# such as very large logits. Passing every visible test is necessary, not sufficient.
#
# **Points.** Each part's table lists what is scored (a function, or a few related checks), its
# points and its rule. **All or nothing**: every hidden check of it must pass, since a gradient, a
# backward pass or an optimizer update that is wrong in one case trains the wrong model; one
# failing check and it scores 0. **Partial**: independent checks, each worth its share of the points.
#
# **Warnings count as failures.** A test cell that writes anything to stderr (a `RuntimeWarning:
# overflow in exp`, for instance) scores zero. Write numerically stable code.
#
# **Submitting.** Save, then *Kernel → Restart & Run All* and check that every test cell prints its
# ✓ line. Save again and press **Submit** for this assignment in the *Assignments* tab. You may
# submit more than once; your latest submission is the one graded.
#
# ## Conventions used everywhere
# - Arrays are `float64`; the batch is the **first** axis: a batch of inputs `x` has shape `(N, D)`.
# - **Weight layout is PyTorch's:** a layer's `W` has shape `(out_features, in_features)` and
#   computes `x @ W.T + b`.
# - **Reduction is the mean:** every loss is averaged over the batch (and over every element for
#   element-wise losses), and `*_grad` returns the derivative of that *mean*.
# - **Randomness:** an `rng` argument is a seed (`int`) or a `np.random.Generator`. Always write
#   `rng = np.random.default_rng(rng)` and draw only from that generator, so results are reproducible.

# %% [setup]
import math

import numpy as np

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Part 1 — Activations (1.5 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `identity` and `identity_grad` | 0.0625 | all or nothing |
# | `sigmoid` and `sigmoid_grad` | 0.125 | all or nothing |
# | `tanh` and `tanh_grad` | 0.125 | all or nothing |
# | `relu` and `relu_grad` | 0.125 | all or nothing |
# | `leaky_relu` and `leaky_relu_grad` | 0.125 | all or nothing |
# | `elu` and `elu_grad` | 0.125 | all or nothing |
# | `selu` and `selu_grad` | 0.125 | all or nothing |
# | `gelu` and `gelu_grad` | 0.125 | all or nothing |
# | `softplus` and `softplus_grad` | 0.125 | all or nothing |
# | `sigmoid` and `softplus` at x = ±1000 | 0.0625 | all or nothing |
# | `softmax` and `log_softmax` | 0.25 | all or nothing |
# | activations: hand-checked values, inputs left alone | 0.125 | partial |
#
# An MLP alternates affine maps with element-wise non-linearities $f$. Backpropagation needs their
# derivatives, so every activation `name(x)` comes with `name_grad(x)` returning $f'(x)$ element-wise
# (same shape as `x`).
#
# | name | $f(x)$ | $f'(x)$ |
# |---|---|---|
# | `sigmoid` | $\sigma(x) = \frac{1}{1+e^{-x}}$ | $\sigma(x)\,(1-\sigma(x))$ |
# | `tanh` | $\tanh x = 2\sigma(2x) - 1$ | $1 - \tanh^2 x$ |
# | `relu` | $\max(0, x)$ | $1$ if $x > 0$, else $0$ (take $0$ at $x = 0$) |
# | `leaky_relu` | $x$ if $x > 0$, else $s\,x$ (slope $s = 0.01$) | $1$ or $s$ |
# | `elu` | $x$ if $x > 0$, else $\alpha(e^x - 1)$ | $1$ or $\alpha e^x$ |
# | `selu` | $\lambda \cdot \mathrm{elu}_\alpha(x)$, $\lambda = 1.0507009873554805$, $\alpha = 1.6732632423543772$ | $\lambda$ or $\lambda\alpha e^x$ |
# | `gelu` | $x\,\Phi(x)$, $\Phi(x) = \frac12\big(1 + \mathrm{erf}(x/\sqrt2)\big)$ | $\Phi(x) + x\,\varphi(x)$, $\varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}$ |
# | `softplus` | $\log(1 + e^x)$ | $\sigma(x)$ |
#
# **Stability.** For $x = -1000$, $e^{-x}$ overflows. Use $\sigma(x) = \frac{e^{x}}{1+e^{x}}$ for
# negative $x$ (only $e^{-|x|}$ is ever needed), and `np.logaddexp(0, x)` for softplus. Beware that
# `np.where(x >= 0, f(x), g(x))` evaluates **both** branches on every element, so `np.exp(-x)` inside
# it still overflows: compute `e = np.exp(-np.abs(x))` once and build both branches from it. NumPy has no
# vectorised `erf`: `np.vectorize(math.erf)` is fine.
#
# **Softmax** turns a row of logits into probabilities, row-wise over the last axis:
# $\mathrm{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}$. Subtracting the row maximum $m$ first changes
# nothing mathematically and prevents overflow; likewise
# $\log\mathrm{softmax}(z)_i = z_i - m - \log\sum_j e^{z_j - m}$.

# %% [solution activations]

# %% [tests test_activations]
x = np.array([-2.0, -0.5, 0.3, 1.7])  # no point sits on a kink
assert np.isclose(sigmoid(np.array(0.0)), 0.5), "sigmoid(0) should be 0.5"
assert np.allclose(tanh(x), 2 * sigmoid(2 * x) - 1), "tanh(x) should equal 2·sigmoid(2x) − 1"
assert np.allclose(relu(np.array([[1.0, -3.0], [-0.5, 2.0]])), [[1.0, 0.0], [0.0, 2.0]]), "relu keeps positives, zeroes negatives"
assert np.isclose(leaky_relu(np.array(-2.0)), -0.02), "leaky_relu(-2) with the default slope 0.01 is -0.02"
assert np.isclose(elu(np.array(-1.0)), math.exp(-1) - 1), "elu(-1) = e^-1 - 1 with alpha = 1"
assert np.isclose(selu(np.array(1.0)), 1.0507009873554805), "selu(1) = lambda"
assert np.isclose(gelu(np.array(1.0)), 0.8413447460685429), "gelu(1) = Phi(1) ≈ 0.8413 (exact erf form, not the tanh fit)"
assert np.isclose(softplus(np.array(0.0)), math.log(2)), "softplus(0) = log 2"
with np.errstate(over="raise", invalid="raise", divide="raise"):  # an overflow becomes an error here
    assert np.allclose(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0]), "sigmoid(±1000) should be 0 and 1"
    assert np.allclose(softplus(np.array([-1000.0, 1000.0])), [0.0, 1000.0]), "softplus must be stable at ±1000"
h = 1e-6
for name, f, f_grad in [
    ("identity", identity, identity_grad), ("sigmoid", sigmoid, sigmoid_grad), ("tanh", tanh, tanh_grad),
    ("relu", relu, relu_grad), ("leaky_relu", lambda v: leaky_relu(v, 0.2), lambda v: leaky_relu_grad(v, 0.2)),
    ("elu", lambda v: elu(v, 0.5), lambda v: elu_grad(v, 0.5)), ("selu", selu, selu_grad),
    ("gelu", gelu, gelu_grad), ("softplus", softplus, softplus_grad),
]:
    assert f(x).shape == x.shape and f_grad(x).shape == x.shape, f"{name} and {name}_grad must keep the shape of x"
    numeric = (f(x + h) - f(x - h)) / (2 * h)  # centred finite difference
    assert np.allclose(f_grad(x), numeric, atol=1e-6), f"{name}_grad does not match the numerical derivative of {name}"
z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]])
p = softmax(z)
assert p.shape == z.shape and np.allclose(p.sum(axis=1), 1), "each row of softmax(z) should sum to 1"
assert np.allclose(p[1], [0.5, 0.5, 0.0]), "softmax must be stable: subtract the row max first"
assert np.allclose(log_softmax(z[:1]), np.log(softmax(z[:1]))), "log_softmax should equal log(softmax)"
assert np.allclose(log_softmax(np.array([[1000.0, 0.0]])), [[0.0, -1000.0]]), "log_softmax must stay finite for large logits"
print("✓ activation tests passed")

# %% [markdown]
# ## Part 2 — Weight initialisation (0.5 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `normal_init` | 0.0625 | all or nothing |
# | `xavier_normal` | 0.0625 | all or nothing |
# | `xavier_uniform` | 0.0625 | all or nothing |
# | `kaiming_normal` | 0.125 | all or nothing |
# | initialisers: shape (n_out, n_in), reproducible from a seed | 0.1875 | partial |
#
# Weights must not all start equal (every hidden unit would learn the same thing), and their scale
# matters: the variance of the activations should stay about the same from layer to layer, or the
# signal explodes or vanishes. With $n_{in}$ inputs and $n_{out}$ outputs, all with zero mean:
#
# - `normal_init`: $w \sim \mathcal N(0, 1/n_{in})$
# - `xavier_normal` (Glorot, for tanh/sigmoid): $w \sim \mathcal N\big(0, \frac{2}{n_{in}+n_{out}}\big)$
# - `xavier_uniform`: $w \sim U(-a, a)$ with $a = \sqrt{6/(n_{in}+n_{out})}$ (same variance, as $\mathrm{Var}\,U(-a,a) = a^2/3$)
# - `kaiming_normal` (He, for ReLU): $w \sim \mathcal N(0, \mathrm{gain}/n_{in})$, gain $= 2$ for ReLU
#
# These are **variances**, while `rng.normal(loc, scale, size)` takes the standard deviation.
# Every initialiser returns an array of shape `(n_out, n_in)`, the layout of `Linear.W`.

# %% [solution init]

# %% [tests test_init]
for init in (normal_init, xavier_normal, xavier_uniform, kaiming_normal):
    W = init(3, 5, 0)
    assert W.shape == (5, 3), f"{init.__name__}(n_in=3, n_out=5) should have shape (n_out, n_in) = (5, 3), got {W.shape}"
    assert np.array_equal(W, init(3, 5, np.random.default_rng(0))), (
        f"{init.__name__}: a seed and a Generator made from it should give the same weights (use np.random.default_rng(rng))")
for init, var in [(normal_init, 1 / 400), (xavier_normal, 2 / 1000), (xavier_uniform, 2 / 1000), (kaiming_normal, 2 / 400)]:
    W = init(400, 600, 1)  # 240 000 samples: the sample variance is within 1% of the true one
    assert abs(W.var() / var - 1) < 0.03, f"{init.__name__}(400, 600): variance {W.var():.5f}, expected {var:.5f}"
    assert abs(W.mean()) < 0.01 * W.std(), f"{init.__name__} should have zero mean"
assert np.abs(xavier_uniform(400, 600, 2)).max() <= math.sqrt(6 / 1000), "xavier_uniform must stay within [-a, a]"
assert abs(kaiming_normal(400, 600, 3, gain=1.0).var() * 400 - 1) < 0.03, "kaiming_normal: Var = gain/n_in"
print("✓ initialisation tests passed")

# %% [markdown]
# ## Part 3 — The linear layer (1.0 point)
#
# | what is scored | points | rule |
# |---|---|---|
# | `Linear.__init__` | 0.125 | all or nothing |
# | `Linear.forward` | 0.125 | all or nothing |
# | `Linear.backward` (dL/dx, dW, db) | 0.625 | all or nothing |
# | `Linear`: the hand example, forward and backward | 0.125 | all or nothing |
#
# `Linear(in_features, out_features, rng)` holds $W$ of shape `(out, in)`, drawn with
# `kaiming_normal`, and $b$ of shape `(out,)`, zeros. For a batch $x$ of shape `(N, in)`:
#
# $$y = x W^\top + b \qquad\text{(shape (N, out))}$$
#
# `forward` must remember $x$ for the backward pass. `backward(grad_out)` receives
# $G = \partial L/\partial y$ of shape `(N, out)`, stores the parameter gradients and returns the
# gradient for the layer below:
#
# $$\frac{\partial L}{\partial W} = G^\top x \;\;(\text{out}, \text{in}), \qquad
# \frac{\partial L}{\partial b} = \sum_{n} G_n \;\;(\text{out},), \qquad
# \frac{\partial L}{\partial x} = G\,W \;\;(N, \text{in}).$$
#
# Layers never divide by $N$: the $1/N$ of the mean loss is already inside $G$.

# %% [solution layers]

# %% [tests test_linear]
def numeric_grad(f, x, h=1e-6):
    """Centred differences of the scalar f() w.r.t. each entry of the array x (nudged in place, then restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h; f_plus = f()
        x[i] = old - h; f_minus = f()
        x[i], g[i] = old, (f_plus - f_minus) / (2 * h)
    return g


layer = Linear(3, 2, rng=0)
assert layer.W.shape == (2, 3) and layer.b.shape == (2,), "W must be (out, in) = (2, 3) and b must be (out,) = (2,)"
assert np.all(layer.b == 0), "b starts at zero"
layer.W, layer.b = np.array([[1.0, -2.0], [-1.0, 1.0]]), np.array([1.0, 0.0])  # the toy network from the lecture
assert np.allclose(sigmoid(layer.forward(np.array([[1.0, -1.0]]))), [[0.98, 0.12]], atol=0.005), (
    "sigmoid(W x + b) for W = [[1, -2], [-1, 1]], x = [1, -1], b = [1, 0] should be about [0.98, 0.12]")
rng = np.random.default_rng(42)
layer = Linear(4, 3, rng=1)
x, G = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
loss = lambda: np.sum(layer.forward(x) * G)  # a loss whose gradient w.r.t. the output is exactly G
layer.forward(x)
dx = layer.backward(G)
assert dx.shape == (5, 4) and layer.dW.shape == (3, 4) and layer.db.shape == (3,), "gradient shapes are wrong"
assert np.allclose(layer.dW, numeric_grad(loss, layer.W), atol=1e-6), "dW does not match the numerical gradient"
assert np.allclose(layer.db, numeric_grad(loss, layer.b), atol=1e-6), "db does not match the numerical gradient"
assert np.allclose(dx, numeric_grad(loss, x), atol=1e-6), "backward's return value dL/dx does not match the numerical gradient"
layer.forward(x)
layer.backward(np.ones((5, 3)))
assert np.allclose(layer.db, 5.0), "db is the SUM of grad_out over the batch (do not divide by N in the layer)"
print("✓ linear layer tests passed")

# %% [markdown]
# ## Part 4 — Losses (1.5 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `mse` and `mse_grad` | 0.25 | all or nothing |
# | `mae` and `mae_grad` | 0.25 | all or nothing |
# | `bce` and `bce_grad` | 0.25 | all or nothing |
# | `bce_with_logits` and `bce_with_logits_grad` | 0.25 | all or nothing |
# | `softmax_cross_entropy` and `softmax_cross_entropy_grad` | 0.375 | all or nothing |
# | losses: hand-checked values, inputs left alone | 0.125 | partial |
#
# Every loss is the **mean**, and every `*_grad` is the derivative of that mean with respect to the
# prediction (so it carries a factor $1/n$, where $n$ = `pred.size` for element-wise losses and
# $N$ = batch size for cross-entropy).
#
# - `mse`: $\frac1n\sum (p - t)^2$, gradient $\frac{2(p - t)}{n}$. (PyTorch's `MSELoss`: no ½, unlike
#   the ½(f−y)² of the first lecture.)
# - `mae`: $\frac1n\sum |p - t|$, gradient $\frac{\mathrm{sign}(p - t)}{n}$.
# - `bce` from probabilities $p \in (0, 1)$: $-\frac1n\sum \big[t\log p + (1-t)\log(1-p)\big]$, the
#   negative log-likelihood of a Bernoulli model.
# - `bce_with_logits` from logits $z$, with $p = \sigma(z)$: since $-\log\sigma(z) = \mathrm{softplus}(-z)$,
#   the loss is $\frac1n\sum\big[\mathrm{softplus}(z) - t z\big]$, stable for any $|z|$, and its
#   gradient is simply $\frac{\sigma(z) - t}{n}$.
# - `softmax_cross_entropy(logits, labels)`: logits $z$ of shape `(N, C)`, integer labels $y$ of shape
#   `(N,)`. Only the true class contributes:
#   $\;L = -\frac1N\sum_n \log\mathrm{softmax}(z_n)_{y_n}$, gradient $\frac{\mathrm{softmax}(z) - \mathrm{onehot}(y)}{N}$.
#   (There are no $(1-y)\log(1-\hat y)$ terms: those belong to multi-label BCE.)

# %% [solution losses]

# %% [tests test_losses]
def numeric_grad(f, x, h=1e-6):
    """Centred differences of the scalar f() w.r.t. each entry of the array x (nudged in place, then restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h; f_plus = f()
        x[i] = old - h; f_minus = f()
        x[i], g[i] = old, (f_plus - f_minus) / (2 * h)
    return g


assert np.isclose(mse(np.array([1.0, 2.0]), np.zeros(2)), 2.5), "mse([1, 2], [0, 0]) = (1 + 4)/2 = 2.5"
assert np.allclose(mse_grad(np.array([1.0, 2.0]), np.zeros(2)), [1.0, 2.0]), "mse_grad = 2(p - t)/n"
assert np.isclose(mse(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2))), 7.5), "mse averages over every element"
assert np.isclose(mae(np.array([1.0, -3.0]), np.zeros(2)), 2.0), "mae([1, -3], [0, 0]) = 2"
assert np.allclose(mae_grad(np.array([1.0, -3.0]), np.zeros(2)), [0.5, -0.5]), "mae_grad = sign(p - t)/n"
assert np.isclose(bce(np.array([0.5, 0.5]), np.array([1.0, 0.0])), math.log(2)), "bce at p = 0.5 is log 2"
assert np.isclose(bce(np.array([0.9]), np.array([1.0])), -math.log(0.9)), "bce(0.9, 1) = -log 0.9"
assert np.isclose(bce_with_logits(np.array([0.0]), np.array([1.0])), math.log(2)), "bce_with_logits(0, 1) = log 2"
with np.errstate(over="raise", invalid="raise", divide="raise"):
    assert np.isclose(bce_with_logits(np.array([1000.0, -1000.0]), np.array([1.0, 0.0])), 0.0), "confident and right: loss 0"
    assert np.isclose(bce_with_logits(np.array([1000.0]), np.array([0.0])), 1000.0), "confident and wrong: loss = |z|"
    assert np.isclose(softmax_cross_entropy(np.array([[1e4, 0.0, 0.0]]), np.array([1])), 1e4), "softmax CE must be stable for huge logits"
assert np.isclose(softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 2])), math.log(3)), "equal logits over 3 classes: loss log 3"
rng = np.random.default_rng(7)
pred, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
prob, bits = rng.uniform(0.1, 0.9, size=(4, 3)), rng.integers(0, 2, size=(4, 3)).astype(float)
labels = np.array([0, 2, 1, 2])
for name, loss, grad, p, t in [("mse", mse, mse_grad, pred, target), ("bce", bce, bce_grad, prob, bits),
                               ("bce_with_logits", bce_with_logits, bce_with_logits_grad, pred, bits),
                               ("softmax_cross_entropy", softmax_cross_entropy, softmax_cross_entropy_grad, pred, labels)]:
    assert np.allclose(grad(p, t), numeric_grad(lambda: loss(p, t), p), atol=1e-6), f"{name}_grad does not match the numerical gradient of {name}"
print("✓ loss tests passed")

# %% [markdown]
# ## Part 5 — Optimizers (2.0 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `SGD` | 0.125 | all or nothing |
# | `SGD` with momentum | 0.25 | all or nothing |
# | `SGD` with Nesterov momentum | 0.25 | all or nothing |
# | `SGD` with weight decay | 0.125 | all or nothing |
# | `Adagrad` | 0.25 | all or nothing |
# | `RMSprop` | 0.25 | all or nothing |
# | `Adam` | 0.375 | all or nothing |
# | `AdamW` | 0.25 | all or nothing |
# | optimizers: documented defaults, inputs left alone | 0.125 | partial |
#
# An optimizer turns gradients into parameter updates. Its interface is functional:
# `opt.step(params, grads)` takes two lists of arrays of the same shapes and **returns a new list**
# of updated parameters. It must **not modify** the arrays it is given (write `p - lr * g`, never
# `p -= lr * g`). The optimizer keeps its own state (velocities, moments) between calls, one entry
# per parameter, created on the first call; the step counter $t$ is **1** on the first call.
# Below, $\eta$ is the learning rate and $g$ the gradient.
#
# - **SGD** with optional weight decay $\lambda$ and momentum $\gamma$:
#   $g \leftarrow g + \lambda\theta$; $\;v \leftarrow \gamma v + \eta g$; $\;\theta \leftarrow \theta - v$
#   (without momentum simply $\theta \leftarrow \theta - \eta g$).
# - **Nesterov** momentum takes the gradient at the look-ahead point $\theta - \gamma v$, where momentum
#   is about to carry us. Implement it in the form PyTorch uses, which needs only the gradient at the
#   current parameters: $v \leftarrow \gamma v + \eta g$; $\;\theta \leftarrow \theta - (\eta g + \gamma v)$.
# - **Adagrad**: $G \leftarrow G + g^2$; $\;\theta \leftarrow \theta - \eta\, g / (\sqrt{G} + \epsilon)$.
# - **RMSprop**: $s \leftarrow \alpha s + (1-\alpha) g^2$; $\;\theta \leftarrow \theta - \eta\, g / (\sqrt{s} + \epsilon)$.
# - **Adam** (optional coupled weight decay $g \leftarrow g + \lambda\theta$):
#   $m \leftarrow \beta_1 m + (1-\beta_1) g$; $\;v \leftarrow \beta_2 v + (1-\beta_2) g^2$;
#   $\;\hat m = \frac{m}{1-\beta_1^{\,t}}$, $\hat v = \frac{v}{1-\beta_2^{\,t}}$;
#   $\;\theta \leftarrow \theta - \eta\,\hat m / (\sqrt{\hat v} + \epsilon)$.
#   The bias correction uses the power $\beta^t$: $m$ and $v$ start at 0 and are biased towards 0 early on.
# - **AdamW** decouples the decay from the gradient: first $\theta \leftarrow \theta(1 - \eta\lambda)$, then
#   the Adam update with the raw gradient.
#
# Each class matches `torch.optim` of the same name with the same arguments. All element-wise:
# no loops over entries needed.

# %% [solution optim]

# %% [tests test_optimizers]
def run(opt, steps=2, w=1.0, g=0.1):
    """Start at θ = w, feed the same gradient g for `steps` steps, return θ after each step."""
    params, history = [np.array([w])], []
    for _ in range(steps):
        params = opt.step(params, [np.array([g])])
        history.append(params[0][0])
    return history


assert np.allclose(run(SGD(lr=0.9)), [0.91, 0.82]), "plain SGD: 1 - 0.9·0.1 = 0.91, then 0.82"
assert np.allclose(run(SGD(lr=0.9, momentum=0.9)), [0.91, 0.739]), "momentum: v = 0.09 then 0.171, so 0.91 then 0.739"
assert np.allclose(run(SGD(lr=0.9, momentum=0.9, nesterov=True)), [0.829, 0.5851]), (
    "Nesterov (PyTorch form): θ - (ηg + γv) gives 1 - (0.09 + 0.081) = 0.829, then 0.5851")
assert np.allclose(run(SGD(lr=0.1, weight_decay=0.5), steps=1), [0.94]), "weight decay: g + λθ = 0.1 + 0.5 = 0.6, so 1 - 0.06"
assert np.allclose(run(Adagrad(lr=0.1)), [0.9, 0.9 - 0.01 / math.sqrt(0.02)]), "Adagrad: first step η·g/|g| = η, then η·g/sqrt(2g²)"
assert np.allclose(run(RMSprop(lr=0.01), steps=1), [0.9]), "RMSprop, first step: s = 0.01·g², so the step is η·g/(0.1|g|) = 10η"
assert np.allclose(run(Adam(lr=0.1)), [0.9, 0.8]), (
    "Adam with a constant gradient moves by η each step; bias correction divides by 1 - β^t with t = 1, 2, ...")
assert np.allclose(run(Adam(lr=0.1, weight_decay=0.1), steps=1), [0.9]), "Adam's (coupled) decay is inside g, so the first step is still η"
assert np.allclose(run(AdamW(lr=0.1, weight_decay=0.1), steps=1), [0.89]), "AdamW: θ(1 - ηλ) = 0.99 first, then the Adam step 0.1"
params = [np.array([1.0, 2.0]), np.array([[3.0]])]
saved = [p.copy() for p in params]
for opt in (SGD(0.1), SGD(0.1, momentum=0.9, nesterov=True), Adagrad(), RMSprop(), Adam(), AdamW()):
    for _ in range(2):
        new = opt.step(params, [np.ones(2), np.ones((1, 1))])
    name = type(opt).__name__
    assert all(np.array_equal(p, s) for p, s in zip(params, saved)), f"{name}.step changed the arrays it was given: return new ones"
    assert len(new) == 2 and new[0].shape == (2,) and new[1].shape == (1, 1), f"{name}.step should return one array per parameter"
    assert np.all(new[0] < params[0]), f"{name} should move against a positive gradient"
print("✓ optimizer tests passed")

# %% [markdown]
# ## Part 6 — Learning-rate schedules (0.5 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `step_lr` | 0.125 | all or nothing |
# | `exponential_lr` | 0.0625 | all or nothing |
# | `cosine_lr` | 0.0625 | all or nothing |
# | `linear_lr` | 0.0625 | all or nothing |
# | `inverse_sqrt_lr` | 0.0625 | all or nothing |
# | `linear_warmup` | 0.125 | all or nothing |
#
# A schedule gives the learning rate at epoch (or step) $t = 0, 1, 2, \dots$ from the initial rate
# $\eta_0$ = `lr0`:
#
# - `step_lr`: multiply by $\gamma$ every `step_size` epochs, $\eta_0\,\gamma^{\lfloor t/\text{step\_size}\rfloor}$ (e.g. ×0.1 at epochs 30, 60, 90)
# - `exponential_lr`: $\eta_0\,\gamma^t$
# - `cosine_lr`: $\frac12\eta_0\big(1 + \cos(\pi t/T)\big)$, from $\eta_0$ at $t = 0$ down to $0$ at $t = T$
# - `linear_lr`: $\eta_0(1 - t/T)$
# - `inverse_sqrt_lr`: $\eta_0/\sqrt{t}$, with $t = 0$ treated as $1$, i.e. $\eta_0/\sqrt{\max(t, 1)}$
# - `linear_warmup`: $\eta_0 \min\big(1, \frac{t+1}{\text{warmup}}\big)$: ramps up over the first `warmup` steps
#   (large initial rates can make the loss explode), then stays at $\eta_0$

# %% [solution schedules]

# %% [tests test_schedules]
assert np.allclose([step_lr(t, 1.0) for t in (0, 29, 30, 65)], [1.0, 1.0, 0.1, 0.01]), "step_lr: ×0.1 at epochs 30, 60, ..."
assert np.isclose(exponential_lr(2, 1.0, 0.5), 0.25), "exponential_lr(2) = 0.5² = 0.25"
assert np.allclose([cosine_lr(t, 1.0, 10) for t in (0, 5, 10)], [1.0, 0.5, 0.0]), "cosine_lr: 1 at t = 0, ½ halfway, 0 at t = T"
assert np.isclose(linear_lr(5, 0.2, 10), 0.1), "linear_lr(5) with lr0 = 0.2, T = 10 is 0.1"
assert np.allclose([inverse_sqrt_lr(t, 1.0) for t in (0, 1, 4)], [1.0, 1.0, 0.5]), "inverse_sqrt_lr: 1/sqrt(max(t, 1))"
assert np.allclose([linear_warmup(t, 1.0, 4) for t in (0, 1, 3, 10)], [0.25, 0.5, 1.0, 1.0]), "linear_warmup: (t+1)/warmup, capped at 1"
print("✓ schedule tests passed")

# %% [markdown]
# ## Part 7 — Batch and layer normalisation (1.0 point)
#
# | what is scored | points | rule |
# |---|---|---|
# | `BatchNorm1d.forward` (training, running statistics, evaluation) | 0.375 | partial |
# | `BatchNorm1d.backward` (dL/dx, dgamma, dbeta) | 0.375 | all or nothing |
# | `LayerNorm.forward` | 0.125 | all or nothing |
# | `LayerNorm.backward` | 0.125 | all or nothing |
#
# **Batch norm** normalises each feature $j$ over the batch, then rescales with learnable $\gamma, \beta$:
#
# $$\mu_j = \frac1N\sum_i x_{ij},\quad \sigma_j^2 = \frac1N\sum_i (x_{ij}-\mu_j)^2,\quad
# \hat x_{ij} = \frac{x_{ij}-\mu_j}{\sqrt{\sigma_j^2+\epsilon}},\quad y_{ij} = \gamma_j\hat x_{ij} + \beta_j.$$
#
# At test time there may be a single example, so `forward(x, training=False)` uses running estimates
# instead. In training, after computing the batch statistics, update them as PyTorch does (here
# `momentum` is the weight of the *new* statistic):
# $r \leftarrow (1-\text{momentum})\,r + \text{momentum}\cdot\text{stat}$. The running mean uses $\mu$;
# the running variance uses the **unbiased** batch variance $\sigma^2\frac{N}{N-1}$, while normalising
# uses the biased $\sigma^2$ above. They start at 0 and 1.
#
# `backward(grad_out)` (after a training forward) sets `dgamma` $= \sum_i g_i\hat x_i$, `dbeta` $= \sum_i g_i$
# and returns $\frac{\partial L}{\partial x}$. Remember that $\mu$ and $\sigma^2$ depend on every $x_i$ of the batch;
# with $\hat g = \gamma g$ and means over the batch:
# $\frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\epsilon}}\big(\hat g - \mathrm{mean}(\hat g) - \hat x\,\mathrm{mean}(\hat g\,\hat x)\big)$.
#
# **Layer norm** does the same per example, over the last (feature) axis, with the biased variance,
# the same formula in training and evaluation, and no running statistics.

# %% [solution norm]

# %% [tests test_normalization]
def numeric_grad(f, x, h=1e-6):
    """Centred differences of the scalar f() w.r.t. each entry of the array x (nudged in place, then restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h; f_plus = f()
        x[i] = old - h; f_minus = f()
        x[i], g[i] = old, (f_plus - f_minus) / (2 * h)
    return g


bn = BatchNorm1d(2)
x = np.array([[1.0, 2.0], [3.0, 6.0]])  # means [2, 4], biased variances [1, 4], unbiased [2, 8]
y = bn.forward(x)
assert np.allclose(y, [[-1.0, -1.0], [1.0, 1.0]], atol=1e-4), "training: (x - batch mean)/sqrt(biased batch var + eps)"
assert np.allclose(bn.running_mean, [0.2, 0.4]), "running_mean = 0.9·0 + 0.1·[2, 4]"
assert np.allclose(bn.running_var, [1.1, 1.7]), "running_var = 0.9·1 + 0.1·[2, 8], with the UNBIASED batch variance"
assert np.allclose(bn.forward(x, training=False), (x - [0.2, 0.4]) / np.sqrt(np.array([1.1, 1.7]) + 1e-5)), "evaluation uses the running stats"
rng = np.random.default_rng(3)
x = rng.normal(2.0, 3.0, size=(8, 3))
y = BatchNorm1d(3).forward(x)
assert np.allclose(y.mean(axis=0), 0, atol=1e-6) and np.allclose(y.var(axis=0), 1, atol=1e-3), "training output: per-feature mean 0, variance 1"
y = LayerNorm(3).forward(x)
assert np.allclose(y.mean(axis=1), 0, atol=1e-6) and np.allclose(y.var(axis=1), 1, atol=1e-3), "LayerNorm: per-example mean 0, variance 1"
G = rng.normal(size=(8, 3))
for norm in (BatchNorm1d(3), LayerNorm(3)):
    norm.gamma, norm.beta = rng.normal(size=3), rng.normal(size=3)
    loss = lambda: np.sum(norm.forward(x) * G)
    norm.forward(x)
    dx = norm.backward(G)
    name = type(norm).__name__
    assert np.allclose(dx, numeric_grad(loss, x), atol=1e-5), f"{name}.backward: dL/dx does not match the numerical gradient"
    assert np.allclose(norm.dgamma, numeric_grad(loss, norm.gamma), atol=1e-5), f"{name}: dgamma does not match the numerical gradient"
    assert np.allclose(norm.dbeta, numeric_grad(loss, norm.beta), atol=1e-5), f"{name}: dbeta does not match the numerical gradient"
print("✓ normalisation tests passed")

# %% [markdown]
# ## Part 8 — Dropout (0.5 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `dropout_mask` | 0.125 | all or nothing |
# | `Dropout.forward` in training | 0.25 | all or nothing |
# | `Dropout.backward` | 0.0625 | all or nothing |
# | `Dropout` in evaluation | 0.0625 | all or nothing |
#
# In training, dropout zeroes each unit independently, forcing the network not to rely on any single
# feature. Here, as in PyTorch, **`p` is the probability of dropping a unit**; a unit is kept with
# probability $1-p$. Masks are boolean **keep** masks (True = kept).
#
# We use **inverted dropout**: kept units are scaled by $\frac{1}{1-p}$ during training, so the expected
# activation is unchanged, $\mathbb E[y] = x$, and evaluation is simply the identity, with nothing to
# rescale at test time:
#
# $$y = \frac{x \odot m}{1-p}\ \text{(training)}, \qquad y = x\ \text{(evaluation)}, \qquad
# \frac{\partial L}{\partial x} = \frac{g \odot m}{1-p}\ \text{(training)}.$$
#
# `dropout_mask(shape, p, rng)` draws the mask; `Dropout.forward` accepts a fixed `mask` (handy for
# testing) and otherwise draws one with `rng`.

# %% [solution dropout]

# %% [tests test_dropout]
x = np.arange(1.0, 9.0).reshape(2, 4)
mask = np.array([[True, False, True, True], [False, True, True, False]])
drop = Dropout(0.5)
assert np.allclose(drop.forward(x, mask=mask), x * mask * 2.0), "p = 0.5: kept units are doubled, dropped units are 0"
assert np.allclose(drop.backward(np.ones((2, 4))), mask * 2.0), "backward uses the same mask and scale"
assert np.allclose(Dropout(0.25).forward(x, mask=mask), x * mask / 0.75), "kept units are scaled by 1/(1 - p): p is the DROP probability"
assert np.array_equal(drop.forward(x, training=False), x), "evaluation returns x unchanged"
assert np.array_equal(drop.backward(x), x), "after an evaluation forward, backward is the identity"
m = dropout_mask((200, 500), 0.3, 0)
assert m.shape == (200, 500) and m.dtype == bool, "dropout_mask returns a boolean array of the given shape"
assert abs(m.mean() - 0.7) < 0.01, f"with p = 0.3 about 70% of the units should be kept, got {m.mean():.3f}"
assert np.array_equal(m, dropout_mask((200, 500), 0.3, 0)), "the same seed must give the same mask"
y = Dropout(0.3).forward(np.ones((200, 500)), rng=1)
assert abs(y.mean() - 1.0) < 0.02, "inverted dropout keeps the mean activation: E[y] = x"
print("✓ dropout tests passed")

# %% [markdown]
# ## Part 9 — Weight penalties (0.5 points)
#
# | what is scored | points | rule |
# |---|---|---|
# | `l1`, `l2` and elastic net: penalties and gradients | 0.5 | partial |
#
# Regularisation adds a penalty on the weights to the data loss, $L(W) + R(W)$, expressing a
# preference between weights that fit the data equally well:
#
# - L2: $R(W) = \frac12\lambda\sum W^2$, gradient $\lambda W$: this is exactly "weight decay", $+\lambda W$ on the gradient.
#   It prefers small, spread-out weights.
# - L1: $R(W) = \lambda\sum |W|$, gradient $\lambda\,\mathrm{sign}(W)$ (take 0 at 0). It prefers sparse weights.
# - Elastic net: $R(W) = \lambda_1\sum|W| + \frac12\lambda_2\sum W^2$ (with the ½, so the L2 part's gradient is $\lambda_2 W$).

# %% [solution regularization]

# %% [tests test_regularization]
W = np.array([[1.0, -2.0], [0.0, 3.0]])
assert np.isclose(l1_penalty(W, 0.1), 0.6), "l1: 0.1·(1 + 2 + 0 + 3) = 0.6"
assert np.allclose(l1_grad(W, 0.1), [[0.1, -0.1], [0.0, 0.1]]), "l1_grad: λ·sign(W), 0 where W = 0"
assert np.isclose(l2_penalty(W, 0.1), 0.7), "l2: ½·0.1·(1 + 4 + 0 + 9) = 0.7"
assert np.allclose(l2_grad(W, 0.1), 0.1 * W), "l2_grad: λ·W"
assert np.isclose(elastic_net_penalty(W, 0.1, 0.2), 0.6 + 1.4), "elastic net: λ1·Σ|W| + ½·λ2·ΣW²"
assert np.allclose(elastic_net_grad(W, 0.1, 0.2), 0.1 * np.sign(W) + 0.2 * W), "elastic_net_grad: λ1·sign(W) + λ2·W"
# The lecture's example: both weight vectors give wᵀx = 2 for x = [1, 1, 2, 1].
w1, w2 = np.array([0.0, 0.0, 1.0, 0.0]), np.array([0.5, 0.5, 0.25, 0.5])
assert l2_penalty(w2, 1.0) < l2_penalty(w1, 1.0), "L2 should prefer the spread-out w2"
assert l1_penalty(w1, 1.0) < l1_penalty(w2, 1.0), "L1 should prefer the sparse w1"
print("✓ regularisation tests passed")

# %% [markdown]
# ## Part 10 — The multilayer perceptron (1.0 point)
#
# | what is scored | points | rule |
# |---|---|---|
# | `MLP`: `parameters()`, `gradients()`, `set_parameters`, defaults | 0.1875 | partial |
# | `MLP.forward` | 0.125 | all or nothing |
# | `MLP.backward` (every activation) | 0.375 | all or nothing |
# | `MLP.predict` | 0.0625 | all or nothing |
# | `train_mlp` | 0.25 | partial |
#
# `MLP(sizes, activation, rng)` with `sizes = [D, H1, ..., C]` chains `Linear` layers with the
# activation between them and **none after the last** layer, which returns logits:
#
# $$h_0 = x,\qquad z_k = h_{k-1}W_k^\top + b_k,\qquad h_k = f(z_k)\ \ (k < K),\qquad \text{logits} = z_K.$$
#
# Draw all layers from one generator (`rng = np.random.default_rng(rng)` once, then pass it on), so
# that they get different weights. `backward(grad_out)` runs the chain rule from the top:
# each `Linear.backward`, and between layers a multiplication by $f'(z_k)$ (keep the $z_k$ from
# the forward pass). `parameters()` returns `[W1, b1, W2, b2, ...]` (the layers' own arrays),
# `gradients()` the matching `[dW1, db1, ...]`, `set_parameters` installs such a list, and
# `predict` returns the arg-max class.
#
# Finally `train_mlp` puts it all together: full-batch training with `softmax_cross_entropy` and
# `Adam(lr)`. Each epoch: forward, loss gradient, backward, `set_parameters(opt.step(...))`.
# It should learn XOR, which no linear model can.

# %% [solution mlp]

# %% [tests test_mlp]
def numeric_grad(f, x, h=1e-6):
    """Centred differences of the scalar f() w.r.t. each entry of the array x (nudged in place, then restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h; f_plus = f()
        x[i] = old - h; f_minus = f()
        x[i], g[i] = old, (f_plus - f_minus) / (2 * h)
    return g


model = MLP([3, 4, 2], rng=0)
assert [p.shape for p in model.parameters()] == [(4, 3), (4,), (2, 4), (2,)], "parameters() should be [W1, b1, W2, b2] with W (out, in)"
assert sum(p.size for p in model.parameters()) == 26, "a 3-4-2 network has 3·4 + 4 + 4·2 + 2 = 26 parameters"
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0, 1, 1, 0])  # XOR
xor_net = MLP([2, 2, 1], activation="relu")
xor_net.set_parameters([np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([[1.0, -2.0]]), np.array([0.0])])
assert np.allclose(xor_net.forward(X), [[0.0], [1.0], [1.0], [0.0]]), "the lecture's ReLU network (W = [[1,1],[1,1]], c = [0,-1], w = [1,-2], b = 0) computes XOR"
rng = np.random.default_rng(5)
model = MLP([3, 5, 4, 3], activation="tanh", rng=0)
x, labels = rng.normal(size=(6, 3)), np.array([0, 2, 1, 1, 0, 2])
loss = lambda: softmax_cross_entropy(model.forward(x), labels)
dx = model.backward(softmax_cross_entropy_grad(model.forward(x), labels))
assert dx.shape == x.shape, "MLP.backward should return dL/dx with the shape of x"
analytic = [g.copy() for g in model.gradients()]
for k, (p, g) in enumerate(zip(model.parameters(), analytic)):
    assert g.shape == p.shape and np.allclose(g, numeric_grad(loss, p), atol=1e-6), (
        f"gradients()[{k}] ({'dW' if k % 2 == 0 else 'db'}{k // 2 + 1}) does not match the numerical gradient")
assert np.allclose(dx, numeric_grad(loss, x), atol=1e-6), "MLP.backward's dL/dx does not match the numerical gradient"
trained = train_mlp(X, y)
assert np.array_equal(trained.predict(X), y), f"train_mlp should fit XOR perfectly, predicted {trained.predict(X)}"
print("✓ MLP tests passed")

# %% [markdown]
# ## Before you submit
#
# 1. *Kernel → Restart & Run All*: every test cell should print its ✓ line, with no warnings.
# 2. Check that you imported nothing beyond NumPy and `math`, and used no global `np.random.*` calls.
# 3. Save, then **Submit** in the *Assignments* tab.
#
# Well done: you have written, by hand, the core of what `torch.nn` and `torch.optim` do for you.
