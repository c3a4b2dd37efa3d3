# %% [markdown]
# # Assignment 2: an autograd engine in NumPy
#
# In Assignment 1 you wrote every backward pass by hand: one `backward` per layer, chained in the
# right order by the MLP. Here you automate that. You build a small **reverse-mode automatic
# differentiation** engine, the core of what PyTorch's `autograd` does: a `Tensor` that records the
# operations computing it, and a `backward()` that applies the chain rule through that record. Each
# operation only knows its own local derivative; the engine does the rest. You then rebuild a small MLP on
# top of it, with a loss and an optimizer, and train it without writing a single backward pass by hand.
#
# **How it works.** Each *solution* cell holds functions and classes whose docstrings say what they
# must do; replace every `raise NotImplementedError()` with your code. Keep the names and signatures
# exactly as given (the graders call them), do not delete, copy or reorder cells, and do not rename
# the notebook. You may add helper functions, private attributes (`_prev`, `_backward`, ...) and
# private keyword arguments inside your solution cells.
#
# **Only NumPy.** `numpy` and `math` are imported in the first cell; do not import anything else
# (no PyTorch, autograd, SciPy or scikit-learn). Never use the global `np.random.*` functions.
#
# **Tests.** After the solution cells come locked test cells with small, hand-checkable examples.
# They are a *sanity check only*: when your notebook is graded, hidden tests take their place and
# decide the points shown in each part's heading (10 in total). The hidden tests use other inputs,
# compare your values and gradients with an independent implementation, and try edge cases such as
# broadcasting over size-1 axes, tensors used several times, deep graphs and very large logits.
# Passing every visible test is necessary, not sufficient.
#
# **Warnings count as failures.** A test cell that writes anything to stderr (a `RuntimeWarning:
# overflow in exp`, for instance) scores zero. Write numerically stable code.
#
# **Submitting.** Save, then *Kernel → Restart & Run All* and check that every test cell prints its
# ✓ line. Save again and press **Submit** for this assignment in the *Assignments* tab. You may
# submit more than once; your latest submission is the one graded.
#
# ## Conventions used everywhere
# - Arrays are `float64`: `Tensor(data)` converts whatever it is given (ints too) to a float64 ndarray.
#   The batch is the **first** axis: a batch of inputs `x` has shape `(N, D)`.
# - **Weight layout is PyTorch's:** a layer's `W` has shape `(out_features, in_features)` and
#   computes `x @ W.T + b`.
# - **Reduction is the mean:** the loss is averaged over the batch.
# - **Gradients accumulate**, as in PyTorch: `backward()` *adds* to `.grad` until `zero_grad()` clears it.
# - **Randomness:** an `rng` argument is a seed (`int`), `None` or a `np.random.Generator`. Always write
#   `rng = np.random.default_rng(rng)` and draw only from that generator, so results are reproducible.
# - Graphs in the tests are at most 300 operations deep, so a recursive graph traversal is fine.
#
# The full API is in `SPEC.md` of this assignment; the docstrings in the solution cells repeat it.

# %% [setup]
import math

import numpy as np

np.set_printoptions(precision=4, suppress=True)


def gradcheck(f, *arrays, h=1e-6, atol=1e-6):
    """Test helper (not graded): compares the gradients your engine gives for L = Σ f(*tensors) ⊙ G,
    with a fixed random G, against centred finite differences, for every input array."""
    arrays = [np.array(a, dtype=float) for a in arrays]
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = f(*tensors)
    G = np.random.default_rng(0).normal(size=out.shape)
    out.backward(G)
    for k, (t, a) in enumerate(zip(tensors, arrays)):
        numeric = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + h
            plus = np.sum(f(*[Tensor(b) for b in arrays]).data * G)
            a[i] = old - h
            minus = np.sum(f(*[Tensor(b) for b in arrays]).data * G)
            a[i], numeric[i] = old, (plus - minus) / (2 * h)
        assert t.grad is not None, f"input {k} got no grad"
        assert np.shape(t.grad) == a.shape, f"input {k}: grad has shape {np.shape(t.grad)}, its data {a.shape}"
        assert np.allclose(t.grad, numeric, atol=atol), f"input {k}: grad does not match finite differences"
    return True

# %% [markdown]
# ## The engine
#
# ### Computation graphs
#
# Every expression is a graph: leaves are the inputs and parameters, inner nodes are operations. The
# lecture's example, with $a = 2$ and $b = 1$:
#
# $$c = a + b = 3,\qquad d = b + 1 = 2,\qquad e = c \cdot d = 6.$$
#
# The chain rule multiplies local derivatives along each path and **sums over the paths**:
# $\frac{\partial e}{\partial b} = \frac{\partial e}{\partial c}\frac{\partial c}{\partial b} + \frac{\partial e}{\partial d}\frac{\partial d}{\partial b} = 2\cdot 1 + 3 \cdot 1 = 5$.
# Summing over every path separately is exponential in the depth. *Reverse mode* factorises it: visit the
# nodes from the output back to the inputs, and give each node its complete gradient
# $\bar v = \partial e/\partial v$ before passing it on. One backward pass then gives the gradient with
# respect to **every** node, at about the cost of the forward pass.
#
# ### A `Tensor` remembers how it was computed
#
# `Tensor(data, requires_grad=False)` wraps a float64 ndarray `data` and has a `grad`, `None` until a
# backward pass reaches it. An operation such as `a * b` returns a new Tensor `out` that keeps
#
# - its inputs (e.g. `out._prev = (a, b)`), and
# - a closure `out._backward()` that reads $\bar{out}$ = `out.grad` and **adds** each input's share to that
#   input's `grad`, using only the operation's local derivative.
#
# For `out = a * b` this is `a.grad += out.grad * b.data` and `b.grad += out.grad * a.data`.
# The local rules, with $g$ = `out.grad` (all products element-wise):
#
# | operation | $\partial L/\partial a$ | $\partial L/\partial b$ |
# |---|---|---|
# | $a + b$ | $g$ | $g$ |
# | $a - b$ | $g$ | $-g$ |
# | $a \odot b$ | $g \odot b$ | $g \odot a$ |
# | $a / b$ | $g / b$ | $-g \odot a / b^2$ |
# | $a^n$ ($n$ a number) | $g \odot n\,a^{n-1}$ | |
# | $e^a$ | $g \odot e^a$ (the output) | |
# | $\log a$ | $g / a$ | |
# | $\tanh a$ | $g \odot (1 - \tanh^2 a)$ | |
# | $\sigma(a)$ | $g \odot \sigma(a)(1 - \sigma(a))$ | |
# | $\mathrm{relu}(a)$ | $g$ where $a > 0$, else $0$ | |
# | $A B$ (matrices) | $g\,B^\top$ | $A^\top g$ |
#
# Note that the derivative of $\sigma$ is written with the **output** $\sigma(a)$, not the input $a$, and
# that of $x^n$ uses $x^{n-1}$, not the output. Reflected operations make `2 * a`, `1 - a` and `1 / a` work
# when the left operand is a plain number: Python calls `a.__rmul__(2)`, `a.__rsub__(1)` and
# `a.__rtruediv__(1)`. Mind the order: `1 - a` is $1 - a$, not $a - 1$.
#
# ### Why `+=`
#
# A tensor used twice receives a gradient from each use, and these must add up: in `a * a` both inputs are
# the same tensor, so `a.grad` gets $g \cdot a$ twice, $2ag$ in total; in `a - a` it gets $+g$ and $-g$, zero
# in total. Writing `a.grad = ...` instead of `a.grad += ...` keeps only the last contribution. For the same
# reason never hand the *same* array object to two inputs and then modify it in place: `+=` on a NumPy
# array changes it for everyone holding it.
#
# ### Topological order
#
# A node may pass its gradient on only when it is complete, i.e. after **every** node that uses it has
# added its share. `topological_sort(root)` lists every node the root depends on, each once and after all of
# its inputs (a depth-first search that appends a node after visiting its inputs does it; so does Kahn's
# algorithm). `backward()` then runs the closures in the **reverse** of that order. Calling each input's
# backward recursively from its user instead (no ordering) pushes a node's gradient on before the node has
# it all: in the diamond `b = a + a; c = b * b`, `a` would get too much.
#
# `backward(grad=None)` starts from $\bar{\text{self}}$ = `grad` (1 when `self` has a single element; for a
# larger tensor `grad` must be given, an array of its shape). Every tensor it reaches ends with its `grad` an
# ndarray of its own shape.
#
# ### Accumulation and `zero_grad`
#
# As in PyTorch, `backward()` **adds** to the leaves' `grad`: calling it twice leaves twice the gradient
# (handy to sum gradients over several batches), and `zero_grad()` clears the grads of every tensor in the
# graph. The *intermediate* results are different: they must start each backward pass from zero, or the
# second call would push the first call's gradient through them again. Reset them at the start of
# `backward` (leaves keep theirs).
#
# ### Broadcasting and `unbroadcast`
#
# NumPy broadcasts: `(3, 1) + (1, 4)` gives `(3, 4)`, `(2, 3) + (3,)` gives `(2, 3)`. Broadcasting copies an
# input along some axes, and a copied value receives the gradients of **all** its copies: the gradient
# must be **summed** back to the input's shape. `unbroadcast(grad, shape)` does that: sum over the leading
# axes `grad` has in excess, then over each axis where `shape` has size 1 (with `keepdims=True`).
# For example `unbroadcast(np.ones((2, 3, 4)), (3, 1))` sums over axis 0 (extra) and axis 2 (size 1 in
# `shape`): `8 * np.ones((3, 1))`. Every binary operation passes its gradients through `unbroadcast`.
#
# ### Reductions, shapes and matrix products
#
# - `sum(axis)` copies $g$ back along the summed axes: put the removed axes back with size 1
#   (`np.expand_dims`, unless `keepdims`) and broadcast. `mean` is the sum divided by the number of elements
#   averaged, so its gradient is $g/n$ copied back, with $n$ the size of the averaged axes only.
# - `reshape` and `transpose` move entries around without changing them: the gradient is moved back, reshaped to the input's
#   shape, or transposed with the inverse permutation `np.argsort(axes)`.
# - For `A @ B` with batch dimensions, "transpose" means swapping the **last two** axes
#   (`np.swapaxes(X, -1, -2)`), not `.T`, which reverses all of them; a `B` broadcast over the batch gets its
#   gradient summed over the batch, by `unbroadcast` again.
#
# ### A stable `logsumexp`
#
# $\log\sum_j e^{a_j}$ overflows for $a_j \approx 1000$. With $m = \max_j a_j$,
# $\log\sum_j e^{a_j} = m + \log\sum_j e^{a_j - m}$ is exact and every exponent is $\le 0$. Its gradient is
# the softmax, $\partial/\partial a_j = e^{a_j - \mathrm{lse}}$, also stable.

# %% [solution engine]

# %% [markdown]
# ## Part 1 — Binary and reflected operations (1.0 point)
#
# `+ - * / **` and `-a`, with the reflected forms `2 + a`, `1 - a`, `2 * a`, `1 / a`; integer data is stored as
# float64.

# %% [tests test_ops]
a, b = Tensor([1.0, 2.0, 3.0], requires_grad=True), Tensor([4.0, 5.0, 6.0], requires_grad=True)
c = a * b + a
assert np.allclose(c.data, [5.0, 12.0, 21.0]), "a * b + a for a = [1, 2, 3], b = [4, 5, 6] is [5, 12, 21]"
c.backward(np.ones(3))
assert np.allclose(a.grad, [5.0, 6.0, 7.0]), "∂(a·b + a)/∂a = b + 1"
assert np.allclose(b.grad, [1.0, 2.0, 3.0]), "∂(a·b + a)/∂b = a"
x = Tensor(2, requires_grad=True)
assert isinstance(x.data, np.ndarray) and x.data.dtype == np.float64, "Tensor(2) should store a float64 ndarray"
y = 1 - x / 4 + 2 * x ** 3 - 3 / x  # uses __rsub__, __truediv__, __rmul__, __pow__, __rtruediv__
assert np.isclose(y.data, 1 - 0.5 + 16 - 1.5), "1 - x/4 + 2x³ - 3/x at x = 2 is 15"
y.backward()
assert np.isclose(x.grad, -0.25 + 24 + 0.75), "d/dx (1 - x/4 + 2x³ - 3/x) = -1/4 + 6x² + 3/x², 24.5 at x = 2"
assert np.isclose((5 - Tensor(2.0)).data, 3.0), "5 - x is 5 - x, not x - 5"
rng = np.random.default_rng(1)
p, q = rng.normal(size=(2, 3)), rng.uniform(1, 2, size=(2, 3))  # q away from 0 for the divisions
for name, f in [("a + b", lambda a, b: a + b), ("a - b", lambda a, b: a - b), ("a * b", lambda a, b: a * b),
                ("a / b", lambda a, b: a / b), ("-a", lambda a, b: -a * b), ("a ** 3", lambda a, b: a ** 3 + b ** -0.5),
                ("reflected", lambda a, b: (2 + a) * (3 - b) + 1 / b - 2 * a)]:
    assert gradcheck(f, p, q), name
print("✓ operation tests passed")

# %% [markdown]
# ## Part 2 — Element-wise functions (0.75 points)
#
# `exp`, `log`, `tanh`, `sigmoid` (stable for $|a|$ up to 1000: `np.logaddexp` helps) and `relu`
# (with $\mathrm{relu}'(0) = 0$).

# %% [tests test_unary]
x = Tensor([-1.0, 0.5, 2.0], requires_grad=True)
assert np.allclose(x.exp().data, np.exp([-1.0, 0.5, 2.0])), "exp"
assert np.allclose(x.relu().data, [0.0, 0.5, 2.0]), "relu keeps positives, zeroes negatives"
assert np.allclose(x.sigmoid().data, 1 / (1 + np.exp([1.0, -0.5, -2.0]))), "sigmoid(a) = 1/(1 + e^-a)"
x.tanh().backward(np.ones(3))
assert np.allclose(x.grad, 1 - np.tanh([-1.0, 0.5, 2.0]) ** 2), "tanh' = 1 - tanh²"
x = Tensor([0.5, 2.0], requires_grad=True)
x.log().backward(np.ones(2))
assert np.allclose(x.grad, [2.0, 0.5]), "log' = 1/x"
x = Tensor([0.0], requires_grad=True)
x.sigmoid().backward()
assert np.allclose(x.grad, 0.25), "sigmoid'(0) = σ(0)(1 - σ(0)) = 1/4: use the output σ, not the input"
with np.errstate(over="raise", invalid="raise", divide="raise"):  # an overflow becomes an error here
    assert np.allclose(Tensor([-1000.0, 1000.0]).sigmoid().data, [0.0, 1.0]), "sigmoid(±1000) should be 0 and 1"
v = np.array([[-1.5, -0.3, 0.4], [0.8, 1.2, -2.0]])  # no point at relu's kink
for name in ("exp", "tanh", "sigmoid", "relu"):
    assert gradcheck(lambda a: getattr(a, name)(), v), name
assert gradcheck(lambda a: a.log(), np.abs(v) + 0.5), "log"
print("✓ element-wise tests passed")

# %% [markdown]
# ## Part 3 — Broadcasting (1.25 points)
#
# `unbroadcast(grad, shape)`, used by every binary operation: each gradient has its input's shape.

# %% [tests test_broadcast]
assert np.allclose(unbroadcast(np.ones((2, 3, 4)), (3, 1)), 8 * np.ones((3, 1))), "sum the extra leading axis and the size-1 axis"
assert unbroadcast(np.ones((2, 3, 4)), (3, 1)).shape == (3, 1), "unbroadcast must return an array of the given shape"
assert np.allclose(unbroadcast(np.arange(6.0).reshape(2, 3), (3,)), [3.0, 5.0, 7.0]), "(2, 3) → (3,): sum over the rows"
assert np.allclose(unbroadcast(np.arange(6.0).reshape(2, 3), ()), 15.0), "→ (): sum everything"
a, b = Tensor(np.ones((3, 1)), requires_grad=True), Tensor(np.ones((1, 4)), requires_grad=True)
c = a + b
assert c.shape == (3, 4), "(3, 1) + (1, 4) broadcasts to (3, 4)"
c.backward(np.ones((3, 4)))
assert a.grad.shape == (3, 1) and b.grad.shape == (1, 4), "each grad must have its tensor's shape"
assert np.allclose(a.grad, 4.0) and np.allclose(b.grad, 3.0), "a broadcast value receives the SUM of its copies' gradients"
rng = np.random.default_rng(2)
assert gradcheck(lambda a, b: a * b, rng.normal(size=(2, 3)), rng.normal(size=3)), "(2, 3) * (3,)"
assert gradcheck(lambda a, b: a * b, rng.normal(size=()), rng.normal(size=(3, 3, 3))), "scalar * (3, 3, 3)"
assert gradcheck(lambda a, b: a / b - b, rng.normal(size=(5, 4, 1)), rng.uniform(1, 2, size=(4, 3))), "(5, 4, 1) / (4, 3)"
print("✓ broadcasting tests passed")

# %% [markdown]
# ## Part 4 — Reductions and shapes (1.0 point)
#
# `sum` and `mean` (with `axis` and `keepdims`), `reshape`, `transpose` and `T`, on non-square inputs.

# %% [tests test_reductions]
x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
s = x.sum(axis=1)
assert s.shape == (2,) and np.allclose(s.data, [3.0, 12.0]), "sum over axis 1 of [[0, 1, 2], [3, 4, 5]] is [3, 12]"
s.backward(np.array([1.0, 10.0]))
assert np.allclose(x.grad, [[1.0, 1.0, 1.0], [10.0, 10.0, 10.0]]), "sum(axis=1)'s gradient copies g along axis 1"
x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
x.mean(axis=0).backward(np.ones(3))
assert np.allclose(x.grad, 0.5), "mean over axis 0 (2 rows): each entry gets 1/2, not 1/6"
assert x.mean(axis=0, keepdims=True).shape == (1, 3) and x.sum().shape == (), "keepdims keeps the axis; sum() gives shape ()"
assert x.reshape(3, 2).shape == (3, 2) and x.reshape((6,)).shape == (6,), "reshape(3, 2) and reshape((6,)) both work"
assert x.T.shape == (3, 2) and x.transpose(1, 0).shape == (3, 2), "T and transpose(1, 0) swap the axes"
rng = np.random.default_rng(3)
v = rng.normal(size=(2, 3, 4))
for name, f in [("sum(axis=1)", lambda a: a.sum(axis=1)), ("sum(axis=-1, keepdims=True)", lambda a: a.sum(axis=-1, keepdims=True) * a),
                ("sum()", lambda a: a.sum()), ("mean(axis=(0, 2))", lambda a: a.mean(axis=(0, 2))),
                ("mean()", lambda a: a.mean() * a), ("reshape", lambda a: a.reshape(6, 4) * np.arange(4.0)),
                ("transpose(2, 0, 1)", lambda a: a.transpose(2, 0, 1) * np.arange(3.0)), ("T", lambda a: a.T * np.arange(2.0))]:
    assert gradcheck(f, v), name
print("✓ reduction and shape tests passed")

# %% [markdown]
# ## Part 5 — Matrix products (0.75 points)
#
# `A @ B` in 2-D and with batch axes, e.g. `(6, 5, 4) @ (4, 3)`.

# %% [tests test_matmul]
A = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
B = Tensor([[1.0], [-1.0]], requires_grad=True)
C = A @ B
assert C.shape == (3, 1) and np.allclose(C.data, [[-1.0], [-1.0], [-1.0]]), "(3, 2) @ (2, 1)"
C.backward(np.ones((3, 1)))
assert np.allclose(A.grad, [[1.0, -1.0]] * 3), "∂/∂A = g Bᵀ"
assert np.allclose(B.grad, [[9.0], [12.0]]), "∂/∂B = Aᵀ g: the column sums of A"
rng = np.random.default_rng(4)
assert gradcheck(lambda a, b: a @ b, rng.normal(size=(5, 4)), rng.normal(size=(4, 3))), "(5, 4) @ (4, 3)"
assert gradcheck(lambda a, b: a @ b, rng.normal(size=(6, 5, 4)), rng.normal(size=(4, 3))), "(6, 5, 4) @ (4, 3)"
assert gradcheck(lambda a, b: a @ b, rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5))), "(2, 3, 4) @ (2, 4, 5)"
print("✓ matrix product tests passed")

# %% [markdown]
# ## Part 6 — The graph (1.5 points)
#
# Reused nodes, diamonds, a node used twice in one operation, the topological order, and deep graphs.

# %% [tests test_graph]
a, b = Tensor(2.0, requires_grad=True), Tensor(1.0, requires_grad=True)
e = (a + b) * (b + 1)  # the lecture's graph: c = a + b, d = b + 1, e = c·d
e.backward()
assert np.isclose(e.data, 6.0) and np.isclose(a.grad, 2.0), "e = 6, ∂e/∂a = d = 2"
assert np.isclose(b.grad, 5.0), "∂e/∂b = 2·1 + 3·1 = 5: the two paths add up"
a = Tensor(3.0, requires_grad=True)
(a - a).backward()
assert np.isclose(a.grad, 0.0), "a - a has gradient 0: both uses of a count"
a = Tensor(3.0, requires_grad=True)
(a * a).backward()
assert np.isclose(a.grad, 6.0), "d(a·a)/da = 2a = 6"
a = Tensor(3.0, requires_grad=True)
b = a + a
c = b * b
c.backward()
assert np.isclose(a.grad, 24.0), "b = a + a, c = b·b = 4a²: dc/da = 8a = 24 (complete b's gradient before passing it on)"
order = topological_sort(c)
assert len(order) == 3 and len({id(t) for t in order}) == 3, "topological_sort(c) lists a, b, c, each once"
assert [id(t) for t in order] == [id(a), id(b), id(c)], "each node comes after its inputs: a, b, c"
x = Tensor(1.0, requires_grad=True)
y = x
for _ in range(300):
    y = y * 1.01
y.backward()
assert np.isclose(x.grad, 1.01 ** 300), "a chain of 300 multiplications by 1.01"
print("✓ graph tests passed")

# %% [markdown]
# ## Part 7 — Accumulation and `zero_grad` (0.75 points)

# %% [tests test_accumulation]
a = Tensor([1.0, 2.0], requires_grad=True)
loss = ((a * 3).tanh() * 2).sum()
loss.backward()
first = a.grad.copy()
loss.backward()
assert np.allclose(a.grad, 2 * first), "a second backward() adds the same gradient again: twice the first"
loss.zero_grad()
assert a.grad is None or np.allclose(a.grad, 0), "zero_grad clears the leaves' grads"
loss.backward()
assert np.allclose(a.grad, first), "after zero_grad, backward() gives the gradient of one call again"
b = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
(b * b).backward(np.array([[1.0, 0.0], [0.0, 2.0]]))
assert np.allclose(b.grad, [[2.0, 0.0], [0.0, 16.0]]), "backward(grad) on a non-scalar: ∂(Σ grad ⊙ b²)/∂b = 2b ⊙ grad"
print("✓ accumulation tests passed")

# %% [markdown]
# ## Part 8 — Cross-entropy (1.0 point)
#
# `cross_entropy(logits, labels)`: logits a Tensor of shape `(N, C)`, integer labels of shape `(N,)`; the
# mean over the batch of $\log\sum_c e^{z_{nc}} - z_{n y_n}$. Build it from your Tensor operations
# (`logsumexp`, and a one-hot matrix to pick $z_{n y_n}$) and backward comes for free; its gradient is
# $(\mathrm{softmax}(z) - \mathrm{onehot}(y))/N$. It must be stable for logits up to $10^4$.

# %% [solution losses]

# %% [tests test_losses]
assert np.isclose(cross_entropy(Tensor(np.zeros((2, 10))), np.array([3, 7])).data, math.log(10)), (
    "equal logits over 10 classes: loss log 10 ≈ 2.302585")
z = Tensor([[2.0, 0.0, 0.0]], requires_grad=True)
loss = cross_entropy(z, np.array([0]))
assert loss.shape == () or loss.data.size == 1, "cross_entropy returns a single number"
loss.backward()
p = np.exp([2.0, 0.0, 0.0]) / np.exp([2.0, 0.0, 0.0]).sum()
assert np.allclose(z.grad, [p - [1.0, 0.0, 0.0]]), "∂CE/∂z = softmax(z) - onehot(y) (divided by N = 1)"
with np.errstate(over="raise", invalid="raise", divide="raise"):
    assert np.isclose(Tensor([[1e4, 0.0]]).logsumexp().data, 1e4), "logsumexp must be stable: subtract the max first"
    assert np.isclose(cross_entropy(Tensor([[1e4, 0.0, 0.0]]), np.array([1])).data, 1e4), "CE must be stable for huge logits"
rng = np.random.default_rng(5)
labels = np.array([0, 2, 1, 2])
assert gradcheck(lambda z: cross_entropy(z, labels), rng.normal(size=(4, 3))), "cross_entropy"
assert gradcheck(lambda a: a.logsumexp(axis=0, keepdims=True), rng.normal(size=(4, 3))), "logsumexp(axis=0, keepdims=True)"
print("✓ loss tests passed")

# %% [markdown]
# ## Part 9 — Layers, the MLP and SGD on the engine (1.0 + 1.0 points)
#
# Now the payoff: modules that only compute forward, with every gradient from `backward()`.
#
# - `Linear(in_features, out_features, rng)`: `W` of shape `(out, in)` drawn $\mathcal N(0, 1/\text{in})$
#   (`rng.normal(0.0, 1 / math.sqrt(in_features), (out_features, in_features))`) and `b` zeros, both Tensors
#   with `requires_grad=True`; calling the layer computes `x @ W.T + b`.
# - `MLP(sizes, activation, rng)`: `Linear` layers of sizes `[D, H1, ..., C]`, all drawn from one generator,
#   with the activation (`"tanh"`, `"sigmoid"` or `"relu"`, the Tensor method of that name) between them
#   and none after the last; `parameters()` returns `[W1, b1, W2, b2, ...]`.
# - `SGD(params, lr, momentum)` with A1's rule $v \leftarrow \gamma v + \eta g$; $\theta \leftarrow \theta - v$,
#   applied **in place** to each `p.data` (write `p.data -= ...`: rebinding a local name `p = p - ...` changes
#   nothing in the model), and `zero_grad()`.
# - `train(X, y, hidden, epochs, lr, rng)`: `MLP([D, *hidden, C], "tanh", rng)`, one `SGD(lr)`, and `epochs`
#   full-batch steps of zero_grad, `cross_entropy(model(X), y).backward()`, `step()`.

# %% [solution nn]

# %% [tests test_mlp]
layer = Linear(3, 2, rng=0)
assert layer.W.shape == (2, 3) and layer.b.shape == (2,), "W must be (out, in) = (2, 3) and b (out,) = (2,)"
assert np.all(layer.b.data == 0) and layer.W.requires_grad and layer.b.requires_grad, "b starts at 0; W and b require grad"
assert np.array_equal(layer.W.data, Linear(3, 2, rng=np.random.default_rng(0)).W.data), "use np.random.default_rng(rng)"
model = MLP([3, 4, 2], rng=0)
assert [p.shape for p in model.parameters()] == [(4, 3), (4,), (2, 4), (2,)], "parameters() should be [W1, b1, W2, b2]"
assert sum(p.data.size for p in model.parameters()) == 26, "a 3-4-2 network has 3·4 + 4 + 4·2 + 2 = 26 parameters"
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
xor_net = MLP([2, 2, 1], activation="relu")
for p, value in zip(xor_net.parameters(), [[[1.0, 1.0], [1.0, 1.0]], [0.0, -1.0], [[1.0, -2.0]], [0.0]]):
    p.data[...] = value
assert np.allclose(xor_net(Tensor(X)).data, [[0.0], [1.0], [1.0], [0.0]]), (
    "the lecture's ReLU network (W = [[1,1],[1,1]], c = [0,-1], w = [1,-2], b = 0) computes XOR")
rng = np.random.default_rng(6)
x, labels = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
model = MLP([3, 4, 2], activation="tanh", rng=1)
cross_entropy(model(Tensor(x)), labels).backward()
h = 1e-6
for k, p in enumerate(model.parameters()):
    numeric = np.zeros(p.shape)
    for i in np.ndindex(p.shape):
        old = p.data[i]
        p.data[i] = old + h; plus = cross_entropy(model(Tensor(x)), labels).data
        p.data[i] = old - h; minus = cross_entropy(model(Tensor(x)), labels).data
        p.data[i], numeric[i] = old, (plus - minus) / (2 * h)
    assert np.allclose(p.grad, numeric, atol=1e-6), f"parameters()[{k}].grad does not match finite differences"
print("✓ MLP tests passed")

# %% [tests test_training]
history = []
for momentum in (0.0, 0.9):
    w = Tensor([1.0], requires_grad=True)
    data, opt, steps = w.data, SGD([w], lr=0.9, momentum=momentum), []
    for _ in range(2):
        w.grad = np.array([0.1])
        opt.step()
        steps.append(float(w.data[0]))
    assert w.data is data, "step() must update p.data in place (p.data -= ...), not replace it"
    history.append(steps)
assert np.allclose(history[0], [0.91, 0.82]), "plain SGD: 1 - 0.9·0.1 = 0.91, then 0.82"
assert np.allclose(history[1], [0.91, 0.739]), "momentum: v = 0.09 then 0.171, so 0.91 then 0.739"
opt.zero_grad()
assert w.grad is None or np.allclose(w.grad, 0), "SGD.zero_grad clears the parameters' grads"
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0, 1, 1, 0])  # XOR
model = train(X, y)
assert [p.shape for p in model.parameters()] == [(16, 2), (16,), (2, 16), (2,)], "train builds MLP([2, 16, 2])"
predicted = np.argmax(model(Tensor(X)).data, axis=1)
assert np.array_equal(predicted, y), f"train should fit XOR, predicted {predicted}"
print("✓ training tests passed")

# %% [markdown]
# ## Before you submit
#
# 1. *Kernel → Restart & Run All*: every test cell should print its ✓ line, with no warnings.
# 2. Check that you imported nothing beyond NumPy and `math`, and used no global `np.random.*` calls.
# 3. Save, then **Submit** in the *Assignments* tab.
#
# You have written the heart of PyTorch's `autograd`: `loss.backward()` will never be magic again.
