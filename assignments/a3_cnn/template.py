# %% [markdown]
# # Assignment 3 (CNN): convolution and pooling in NumPy
#
# A fully connected layer ignores that an image is a grid: moving a bar one pixel to the right gives it a
# completely different input. A **convolutional** layer slides one small set of weights (a *kernel*) over every
# position of the image, so it finds the same pattern wherever it is, with far fewer parameters. In this
# assignment you write, in plain NumPy, the layers of a small convolutional network, forward **and** backward:
# a 2-D convolution with stride and padding, max and average pooling, flattening, a residual block, and a small
# CNN that you train, with Assignment 1's `Linear` and `Adam`, to tell horizontal from vertical bars.
#
# **How it works.** Each *solution* cell holds functions and classes whose docstrings say what they must do;
# replace every `raise NotImplementedError()` with your code. Keep the names and signatures exactly as given (the
# graders call them), do not delete, copy or reorder cells, and do not rename the notebook. You may add helper
# functions and attributes inside your solution cells. The cells marked *from Assignment 1* are read-only: use
# them as they are.
#
# **Only NumPy.** `numpy` and `math` are imported in the first cell; do not import anything else (no PyTorch,
# SciPy or scikit-learn). Never use the global `np.random.*` functions.
#
# **Tests.** After the solution cells come locked test cells with small, hand-checkable examples. They are a
# *sanity check only*: when your notebook is graded, hidden tests take their place and decide the points shown in
# each part's heading (10 in total). The hidden tests compare your values and gradients with PyTorch in float64
# on other shapes, strides, paddings and kernels (non-square ones too), and replay your training step by step.
# Passing every visible test is necessary, not sufficient.
#
# **Time.** Any correct implementation is accepted: plain Python loops, `np.einsum`, im2col, ... The hidden tests
# keep their shapes small, so even seven nested loops pass each test within its 5 s; training tests get 20 s
# (replays on tiny data) and 60 s (learning the bars).
#
# **Warnings count as failures.** A test cell that writes anything to stderr scores zero.
#
# **Submitting.** Save, then *Kernel → Restart & Run All* and check that every test cell prints its ✓ line.
# Save again and press **Submit** for this assignment in the *Assignments* tab. You may submit more than once;
# your latest submission is the one graded.
#
# ## Conventions used everywhere
# - Arrays are `float64`. Images are **NCHW**: a batch `x` has shape `(N, C, H, W)` (images, channels, rows,
#   columns).
# - **Weight layout is PyTorch's:** a convolution's `W` has shape `(F, C, kH, kW)` (output channels, input
#   channels, kernel rows, kernel columns) and its bias `b` shape `(F,)`.
# - `kernel_size`, `stride` and `padding` are an `int` k, meaning `(k, k)`, or a pair `(rows, columns)`, as in
#   PyTorch. `pair(v)` in the setup cell turns either into a pair.
# - **Layers** have `forward(x)` and `backward(grad_out)`: `backward` receives $\partial L/\partial\,\text{out}$
#   for the latest `forward`, returns $\partial L/\partial x$ (shape of `x`), never divides by $N$, and **sets**
#   the layer's `dW`, `db` (`=`, not `+=`). Layers read their `W` and `b` when `forward` runs (the graders put
#   their own arrays there).
# - No function changes the arrays it is given: compute new arrays.
# - **Randomness:** an `rng` argument is a seed (`int`), `None` or a `np.random.Generator`. Always write
#   `rng = np.random.default_rng(rng)` and draw only from that generator.
#
# The full API is in `SPEC.md` of this assignment; the docstrings in the solution cells repeat it.

# %% [setup]
import math

import numpy as np

np.set_printoptions(precision=4, suppress=True)


def pair(v):
    """An int k means (k, k); a pair (rows, columns) stays a pair: pair(3) == (3, 3), pair((2, 5)) == (2, 5)."""
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def numeric_gradient(f, x, g, h=1e-6):
    """Test helper (not graded): ∂(Σ g ⊙ f(x))/∂x by centred finite differences, one entry of x at a time."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = np.sum(f(x) * g)
        x[i] = old - h
        minus = np.sum(f(x) * g)
        x[i], grad[i] = old, (plus - minus) / (2 * h)
    return grad


def make_bars(n, rng, size=8, noise=0.25):
    """n images (n, 1, size, size) with labels (n,): 0 = one horizontal line of ones, 1 = one vertical line, at a
    random row or column, plus N(0, noise²) noise on every pixel."""
    rng = np.random.default_rng(rng)
    y = rng.integers(0, 2, n)
    X = rng.normal(0.0, noise, (n, 1, size, size))
    where = rng.integers(0, size, n)
    for i in range(n):
        if y[i] == 0:
            X[i, 0, where[i], :] += 1.0
        else:
            X[i, 0, :, where[i]] += 1.0
    return X, y

# %% [markdown]
# ## Convolution
#
# ### Cross-correlation, as PyTorch computes it
#
# A convolutional layer with $F$ kernels of size $k_H \times k_W$ over $C$ input channels has weights
# $W \in \mathbb{R}^{F \times C \times k_H \times k_W}$ and a bias $b \in \mathbb{R}^F$. Output channel $f$ at
# position $(i, j)$ is the dot product of kernel $f$ with the window of the input whose top-left corner is at
# $(i s_H, j s_W)$:
#
# $$\text{out}[n, f, i, j] = b_f + \sum_{c=0}^{C-1}\sum_{u=0}^{k_H-1}\sum_{v=0}^{k_W-1} W[f, c, u, v]\;
#   x_p[n, c,\; i s_H + u,\; j s_W + v].$$
#
# Mathematicians call this a *cross-correlation*: a true convolution would flip the kernel ($W[f, c, k_H-1-u,
# k_W-1-v]$), as `scipy.signal.convolve2d` does. Deep-learning libraries do not flip, and neither do you. For a
# single channel, the window `x[0:2, 0:2] = [[1, 2], [5, 6]]` and the kernel `[[1, 0], [0, -1]]` give
# $1\cdot 1 + 0 \cdot 2 + 0 \cdot 5 - 1 \cdot 6 = -5$.
#
# ### Stride, padding and the output size
#
# The **stride** $s$ moves the window $s$ rows (columns) at a time. **Zero padding** $p$ adds $p$ rows of zeros
# above *and* below and $p$ columns left *and* right ($x_p$ is the padded input, `np.pad` does it), so the
# border pixels get full windows too. A window must fit entirely inside $x_p$, so
#
# $$H_o = \left\lfloor \frac{H + 2p_H - k_H}{s_H} \right\rfloor + 1, \qquad
#   W_o = \left\lfloor \frac{W + 2p_W - k_W}{s_W} \right\rfloor + 1.$$
#
# When the division is not exact, the last rows or columns that no window reaches are simply **dropped** (write
# `//`: `/` gives a float). With $k = 3$, $p = 1$, $s = 1$ the output keeps the input's size ("same" padding).
#
# ### Backward
#
# Each output value used each input in its window once, so the gradients are sums over all windows, with
# $g = \partial L/\partial\,\text{out}$ of shape $(N, F, H_o, W_o)$:
#
# $$\frac{\partial L}{\partial W[f,c,u,v]} = \sum_{n,i,j} g[n,f,i,j]\; x_p[n,c,\,i s_H+u,\,j s_W+v], \qquad
#   \frac{\partial L}{\partial b_f} = \sum_{n,i,j} g[n,f,i,j],$$
#
# and every window sends its share back to the inputs it read:
#
# $$\frac{\partial L}{\partial x_p[n,c,\,i s_H+u,\,j s_W+v]} \mathrel{+}= \sum_f g[n,f,i,j]\, W[f,c,u,v].$$
#
# Mind three things. (1) Where windows **overlap** ($s < k$), one input receives from several windows: the
# contributions **add up** (`+=`, never `=`). (2) The window positions are $i s_H$, $j s_W$ in the backward pass
# too: forgetting the stride there puts gradients in the wrong places. (3) The gradient of $x$ is that of $x_p$
# **without the padding**: `dxp[:, :, p:-p, p:-p]` looks right but is *empty* when $p = 0$ (`-0` is `0`); slice
# with `p:p + H` instead. Rows that no window reached get gradient 0. `db` sums over the batch and over all
# positions; `dW` has $W$'s shape, `(F, C, kH, kW)`.
#
# ### Initialisation
#
# Kaiming/He normal as in Assignment 1, $\mathrm{Var}(W) = 2/\text{fan\_in}$, where a kernel reads
# $\text{fan\_in} = C \cdot k_H \cdot k_W$ inputs (the kernel area counts, not only the channels). The bias starts
# at 0.
#
# ### Writing it
#
# The direct way is loops over $n, f, i, j$ with NumPy over the window (`np.sum(W[f] * xp[n, :, rows, cols])`);
# it is correct and fast enough for the tests. To go faster, gather every window at once:
# `np.lib.stride_tricks.sliding_window_view(xp, (kH, kW), axis=(2, 3))[:, :, ::sH, ::sW]` is a view of shape
# `(N, C, Ho, Wo, kH, kW)`, and one `np.einsum` contracts it with $W$. Keep in `forward` what `backward` needs.

# %% [solution conv]

# %% [markdown]
# ## Part 1 — Output size (0.25 points)

# %% [tests test_output_size]
assert conv2d_output_size(7, 7, 3) == (5, 5), "7×7 input, 3×3 kernel, stride 1, no padding: 5×5"
assert conv2d_output_size(5, 5, 3, padding=1) == (5, 5), "3×3 kernel with padding 1 keeps the size"
assert conv2d_output_size(7, 6, 3, stride=2) == (3, 2), "⌊(7 − 3)/2⌋ + 1 = 3 and ⌊(6 − 3)/2⌋ + 1 = 2: the last column is dropped"
assert conv2d_output_size(6, 9, (2, 4), stride=(2, 1), padding=(1, 0)) == (4, 6), "pairs are (rows, columns)"
assert all(type(v) is int for v in conv2d_output_size(7, 6, 3, stride=2)), "the sizes are ints: use //, not /"
print("✓ output size tests passed")

# %% [markdown]
# ## Part 2 — Initialisation (0.5 points)
#
# `Conv2d(in_channels, out_channels, kernel_size, stride, padding, rng)`: `W` of shape `(F, C, kH, kW)` drawn
# `rng.normal(0.0, sqrt(2 / fan_in), ...)` with `fan_in = C·kH·kW`, `b` zeros of shape `(F,)`.

# %% [tests test_conv_init]
conv = Conv2d(3, 8, 3, rng=0)
assert conv.W.shape == (8, 3, 3, 3) and conv.b.shape == (8,), "W is (F, C, kH, kW) = (8, 3, 3, 3), b is (F,) = (8,)"
assert np.all(conv.b == 0), "the bias starts at 0"
assert Conv2d(2, 4, (1, 5)).W.shape == (4, 2, 1, 5), "kernel_size=(1, 5) means 1 row and 5 columns"
assert np.array_equal(Conv2d(3, 8, 3, rng=0).W, conv.W), "the same seed gives the same weights"
W = Conv2d(16, 64, (3, 5), rng=1).W
assert abs(W.var() - 2 / (16 * 3 * 5)) < 0.15 * 2 / (16 * 3 * 5), f"Var(W) = {W.var():.4g}; it should be 2/(C·kH·kW) = {2 / 240:.4g}"
print("✓ initialisation tests passed")

# %% [markdown]
# ## Part 3 — Forward, stride 1 without padding (1.0 point)

# %% [tests test_conv_forward]
x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)  # [[1, 2, 3, 4], [5, 6, 7, 8], ...]
conv = Conv2d(1, 1, 2, rng=0)
conv.W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
conv.b = np.array([0.5])
out = conv.forward(x)
assert out.shape == (1, 1, 3, 3), f"a 2×2 kernel on 4×4 gives 3×3, not {out.shape[2:]}"
assert np.allclose(out, -4.5), "x[i, j] − x[i+1, j+1] + 0.5 = −5 + 0.5 everywhere (a flipped kernel gives +5.5)"
conv.W = np.array([[[[1.0, 2.0], [0.0, 0.0]]]])
assert np.allclose(conv.forward(x)[0, 0, 0], [1 + 4 + 0.5, 2 + 6 + 0.5, 3 + 8 + 0.5]), "W = [[1, 2], [0, 0]] reads x[i, j] + 2·x[i, j+1]: not flipped"
rng = np.random.default_rng(2)
x, W, b = rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 2, 3)), rng.normal(size=2)
conv = Conv2d(3, 2, (2, 3), rng=0)
conv.W, conv.b = W, b
out = conv.forward(x)
assert out.shape == (2, 2, 4, 2), "(N, F, Ho, Wo) = (2, 2, 5 − 2 + 1, 4 − 3 + 1)"
assert np.isclose(out[1, 0, 2, 1], np.sum(W[0] * x[1, :, 2:4, 1:4]) + b[0]), "out[n, f, i, j] = Σ W[f] ⊙ x[n, :, i:i+kH, j:j+kW] + b[f]"
print("✓ forward tests passed")

# %% [markdown]
# ## Part 4 — Stride and padding (1.0 point)

# %% [tests test_conv_stride_padding]
x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
conv = Conv2d(1, 1, 3, stride=2, padding=1, rng=0)
conv.W, conv.b = np.ones((1, 1, 3, 3)), np.zeros(1)
out = conv.forward(x)
assert out.shape == (1, 1, 2, 2), "⌊(4 + 2 − 3)/2⌋ + 1 = 2"
assert np.allclose(out[0, 0], [[1 + 2 + 5 + 6, 2 + 3 + 4 + 6 + 7 + 8], [5 + 6 + 9 + 10 + 13 + 14, 6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16]]), (
    "3×3 sums of the zero-padded input, every second window")
rng = np.random.default_rng(3)
x = rng.normal(size=(2, 2, 7, 6))
conv = Conv2d(2, 3, 3, stride=2, padding=1, rng=4)
out = conv.forward(x)
assert out.shape == (2, 3, 4, 3), "⌊(7 + 2 − 3)/2⌋ + 1 = 4 rows, ⌊(6 + 2 − 3)/2⌋ + 1 = 3 columns"
xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
assert np.isclose(out[1, 2, 3, 1], np.sum(conv.W[2] * xp[1, :, 6:9, 2:5]) + conv.b[2]), "window at (i·s, j·s) of the padded input"
print("✓ stride and padding tests passed")

# %% [markdown]
# ## Part 5 — Backward: the input gradient (1.25 points)

# %% [tests test_conv_backward_input]
rng = np.random.default_rng(5)
for stride, padding, shape in [(1, 0, (2, 2, 5, 4)), (1, 1, (1, 2, 4, 5)), (2, 1, (2, 1, 6, 5)), ((2, 1), (0, 1), (1, 2, 6, 4))]:
    conv = Conv2d(shape[1], 3, (3, 2), stride=stride, padding=padding, rng=6)
    x = rng.normal(size=shape)
    g = rng.normal(size=conv.forward(x).shape)
    dx = conv.backward(g)
    assert dx.shape == x.shape, f"stride {stride}, padding {padding}: dx has shape {dx.shape}, x has {x.shape}"
    assert np.allclose(dx, numeric_gradient(conv.forward, x, g), atol=1e-6), f"stride {stride}, padding {padding}: dx ≠ finite differences"
print("✓ input gradient tests passed")

# %% [markdown]
# ## Part 6 — Backward: `dW` and `db` (1.25 points)

# %% [tests test_conv_backward_params]
rng = np.random.default_rng(7)
x = rng.normal(size=(2, 2, 5, 6))
conv = Conv2d(2, 3, (2, 3), stride=2, padding=1, rng=8)
g = rng.normal(size=conv.forward(x).shape)
conv.backward(g)
W0 = conv.W.copy()
def output_for_W(W):
    conv.W = W
    return conv.forward(x)
assert conv.dW.shape == (3, 2, 2, 3) and conv.db.shape == (3,), "dW has W's shape (F, C, kH, kW), db has b's shape (F,)"
assert np.allclose(conv.dW, numeric_gradient(output_for_W, W0, g), atol=1e-6), "dW ≠ finite differences"
assert np.allclose(conv.db, g.sum(axis=(0, 2, 3))), "db[f] sums g over the batch and every position"
conv.W = W0
conv.forward(x)
conv.backward(g)
conv.forward(x)
conv.backward(g)
assert np.allclose(conv.db, g.sum(axis=(0, 2, 3))), "a second backward must set db (=), not add to it"
print("✓ parameter gradient tests passed")

# %% [markdown]
# ## Pooling
#
# Pooling shrinks the image by summarising each $k_H \times k_W$ window in one number, per channel: its maximum
# (`MaxPool2d`) or its mean (`AvgPool2d`). There is no padding, and the stride defaults to the kernel size
# (`stride=None`), so windows sit side by side; the output size is the convolution's with $p = 0$. With a stride
# smaller than the kernel, windows **overlap**.
#
# The lecture's example: $2 \times 2$ max-pooling with stride 2 of
# `[[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]` gives `[[4, 5], [3, 4]]`.
#
# Backward: a window's maximum is the only input that influenced the output, so max-pooling sends each window's
# gradient to the position of its **maximum** only (remember where it was in `forward`; if a window has several
# equal maxima, PyTorch picks the first: the tests never have ties). Average pooling gives every input of a window
# an equal share, $g/(k_H k_W)$. In both, an input inside several overlapping windows collects **the sum** of
# what they send.

# %% [solution pool]

# %% [markdown]
# ## Part 7 — Max pooling (1.25 points)

# %% [tests test_maxpool]
pool = MaxPool2d(2)
x = np.array([[1.0, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]).reshape(1, 1, 4, 4)
assert np.allclose(pool.forward(x), [[[[4.0, 5.0], [3.0, 4.0]]]]), "the lecture's 2×2 max-pooling example"
dx = pool.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
assert np.allclose(dx[0, 0], [[0, 0, 2, 0], [1, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 4]]), "each gradient goes to its window's maximum only"
x = np.array([[1.0, 2, 3], [4, 9, 5], [6, 7, 8]]).reshape(1, 1, 3, 3)
pool = MaxPool2d(2, stride=1)  # four overlapping windows, all with the 9 in the middle
assert np.allclose(pool.forward(x), 9.0), "every 2×2 window contains the 9"
assert np.allclose(pool.backward(np.ones((1, 1, 2, 2)))[0, 0], [[0, 0, 0], [0, 4, 0], [0, 0, 0]]), (
    "overlapping windows add up: the 9 collects all four gradients (=, instead of +=, keeps one)")
rng = np.random.default_rng(9)
x = rng.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 10.0  # distinct values: no ties
pool = MaxPool2d((3, 2), stride=2)
g = rng.normal(size=pool.forward(x).shape)
assert g.shape == (2, 2, 3, 3), "(⌊(7 − 3)/2⌋ + 1, ⌊(6 − 2)/2⌋ + 1) = (3, 3)"
assert np.allclose(pool.backward(g), numeric_gradient(pool.forward, x, g, h=1e-4)), "dx ≠ finite differences"
print("✓ max-pooling tests passed")

# %% [markdown]
# ## Part 8 — Average pooling (0.5 points)

# %% [tests test_avgpool]
pool = AvgPool2d(2)
x = np.array([[1.0, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]).reshape(1, 1, 4, 4)
assert np.allclose(pool.forward(x), [[[[2.5, 3.0], [1.25, 2.0]]]]), "the mean of each 2×2 window"
assert np.allclose(pool.backward(np.ones((1, 1, 2, 2))), 0.25), "each input of a 2×2 window gets g/4"
rng = np.random.default_rng(10)
x = rng.normal(size=(2, 3, 5, 6))
pool = AvgPool2d((2, 3), stride=1)
g = rng.normal(size=pool.forward(x).shape)
assert np.allclose(pool.backward(g), numeric_gradient(pool.forward, x, g)), "dx ≠ finite differences"
print("✓ average-pooling tests passed")

# %% [markdown]
# ## From Assignment 1 (read-only)
#
# The activations, initialisers, `Linear` layer, losses and optimizers of Assignment 1, as the reference solution
# has them. The CNN below uses `relu`, `relu_grad`, `Linear`, `softmax_cross_entropy_grad` and `Adam` from here.

# %% [given a1_mlp.activations]

# %% [given a1_mlp.init]

# %% [given a1_mlp.layers]

# %% [given a1_mlp.losses]

# %% [given a1_mlp.optim]

# %% [markdown]
# ## A small CNN
#
# ### Flatten
#
# Between the convolutional part and a `Linear` layer, `Flatten` turns `(N, C, H, W)` into `(N, C·H·W)` in
# **C order**, like `torch.flatten(x, 1)`: entry $c \cdot HW + h \cdot W + w$ of a row is `x[n, c, h, w]`
# (`x.reshape(N, -1)` does exactly this; transposing to channels-last first does not). Its backward reshapes the
# gradient back.
#
# ### A residual block
#
# A residual block adds its input to the output of two convolutions, so the block only has to learn a
# *correction* to the identity, and gradients reach earlier layers through the skip path unchanged:
#
# $$z_1 = \mathrm{conv}_1(x),\qquad z_2 = x + \mathrm{conv}_2(\mathrm{relu}(z_1)),\qquad y = \mathrm{relu}(z_2),$$
#
# with both convolutions `Conv2d(C, C, 3, padding=1)` (they keep the shape). Backward, with $g_2 = g \odot
# \mathrm{relu}'(z_2)$: $\partial L/\partial x = g_2 + \mathrm{conv}_1^\top\big(\mathrm{conv}_2^\top(g_2) \odot
# \mathrm{relu}'(z_1)\big)$, where $\mathrm{conv}^\top$ is that layer's `backward`. Both paths count: the $g_2$ term
# is the skip path.
#
# ### `SimpleCNN`
#
# `SimpleCNN(in_shape=(C, H, W), n_classes, channels, rng)`: `Conv2d(C, channels, 3, padding=1)` → `relu` →
# `MaxPool2d(2)` → `Flatten()` → `Linear(channels·⌊H/2⌋·⌊W/2⌋, n_classes)`, the conv's weights and then the
# Linear's drawn from **one** generator (`rng = np.random.default_rng(rng)`, passed to both). It keeps
# Assignment 1's model contract: `forward`, `backward`, `parameters()` = `[conv.W, conv.b, fc.W, fc.b]` (the arrays
# themselves), `gradients()` in the same order, `set_parameters(list)` and `predict(x)`.
#
# ### Training
#
# `train_cnn(X, y, epochs, lr, batch_size, rng)` trains with mini-batches, exactly so (the graders replay it):
# `rng = np.random.default_rng(rng)`; `model = SimpleCNN(X.shape[1:], max(y) + 1, rng=rng)`; one `Adam(lr)`;
# then each epoch draws `order = rng.permutation(N)` from **the same** generator and walks through it in batches of
# `batch_size` (the last one may be smaller), each batch: `forward`, `backward(softmax_cross_entropy_grad(...))`,
# `set_parameters(opt.step(parameters(), gradients()))`. With the defaults it learns the bars of `make_bars` in a
# few seconds.

# %% [solution model]

# %% [markdown]
# ## Part 9 — Flatten and the residual block (1.0 point)

# %% [tests test_flatten_residual]
x = np.arange(24.0).reshape(2, 3, 2, 2)
flat = Flatten()
out = flat.forward(x)
assert out.shape == (2, 12) and np.allclose(out[1, :5], [12, 13, 14, 15, 16]), "C order: all of channel 0 first, as torch.flatten(x, 1)"
assert np.array_equal(flat.backward(out), x), "backward reshapes the gradient back to x's shape"
block = ResidualBlock(2, rng=0)
assert block.conv1.W.shape == (2, 2, 3, 3) and block.conv2.W.shape == (2, 2, 3, 3), "conv1 and conv2 are Conv2d(C, C, 3, padding=1)"
block.conv2.W = np.zeros((2, 2, 3, 3))  # conv2 gives 0: the block is relu(x)
x = np.array([1.0, -2.0, 3.0, -4.0]).reshape(1, 1, 2, 2) * np.array([1.0, -1.0]).reshape(1, 2, 1, 1)
assert np.allclose(block.forward(x), np.maximum(x, 0)), "with conv2 = 0 the block is relu(x + 0): the skip path"
rng = np.random.default_rng(11)
block = ResidualBlock(2, rng=1)
x = rng.normal(size=(2, 2, 4, 3))
g = rng.normal(size=x.shape)
block.forward(x)
assert np.allclose(block.backward(g), numeric_gradient(block.forward, x, g), atol=1e-6), "dx ≠ finite differences (both paths)"
print("✓ Flatten and residual block tests passed")

# %% [markdown]
# ## Part 10 — `SimpleCNN` (1.0 point)

# %% [tests test_simple_cnn]
model = SimpleCNN((2, 6, 7), n_classes=3, channels=5, rng=0)
assert [p.shape for p in model.parameters()] == [(5, 2, 3, 3), (5,), (3, 5 * 3 * 3), (3,)], (
    "conv W (channels, C, 3, 3), b; fc W (n_classes, channels·⌊H/2⌋·⌊W/2⌋), b")
assert [p.shape for p in SimpleCNN().parameters()] == [(4, 1, 3, 3), (4,), (2, 64), (2,)], "the defaults: (1, 8, 8), 2 classes, 4 channels"
rng = np.random.default_rng(12)
x = rng.normal(size=(3, 2, 6, 7))
g = rng.normal(size=(3, 3))
model.forward(x)
dx = model.backward(g)
assert dx.shape == x.shape and np.allclose(dx, numeric_gradient(model.forward, x, g), atol=1e-6), "dL/dx ≠ finite differences"
params = model.parameters()
for k, (p, dp) in enumerate(zip(params, model.gradients())):
    p0 = p.copy()
    def logits_for(value, k=k):
        model.set_parameters([value if i == k else q for i, q in enumerate(params)])
        return model.forward(x)
    assert np.allclose(dp, numeric_gradient(logits_for, p0, g), atol=1e-6), f"gradients()[{k}] ≠ finite differences"
    model.set_parameters(params)
assert model.predict(x).shape == (3,), "predict returns one label per image"
print("✓ SimpleCNN tests passed")

# %% [markdown]
# ## Part 11 — Training (1.0 point)
#
# The hidden test trains with the defaults on 200 fresh bar images and expects at least 95 % accuracy on new
# ones, within 60 s; it also replays your training step by step.

# %% [tests test_training]
X, y = make_bars(12, rng=0, size=6)
model = train_cnn(X, y, epochs=2, lr=0.1, batch_size=5, rng=3)
gen = np.random.default_rng(3)  # the recipe, step by step, with your own classes
replay = SimpleCNN((1, 6, 6), 2, rng=gen)
opt = Adam(0.1)
for epoch in range(2):
    order = gen.permutation(12)
    for start in range(0, 12, 5):
        batch = order[start:start + 5]
        replay.backward(softmax_cross_entropy_grad(replay.forward(X[batch]), y[batch]))
        replay.set_parameters(opt.step(replay.parameters(), replay.gradients()))
assert all(np.allclose(p, q) for p, q in zip(model.parameters(), replay.parameters())), "train_cnn does not follow the recipe"
X, y = make_bars(200, rng=1)
X_new, y_new = make_bars(200, rng=2)
accuracy = np.mean(train_cnn(X, y).predict(X_new) == y_new)
assert accuracy >= 0.95, f"train_cnn with its defaults reaches {accuracy:.0%} on new bar images, not 95%"
print(f"✓ training tests passed ({accuracy:.0%} on new images)")

# %% [markdown]
# ## Before you submit
#
# 1. *Kernel → Restart & Run All*: every test cell should print its ✓ line, with no warnings.
# 2. Check that you imported nothing beyond NumPy and `math`, and used no global `np.random.*` calls.
# 3. Save, then **Submit** in the *Assignments* tab.
#
# You have written the layers behind every image model: `torch.nn.Conv2d` will never be magic again.
