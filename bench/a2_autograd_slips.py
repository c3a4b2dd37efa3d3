"""Realistic one-line slips in Assignment 2 (the autograd engine), written from the SPEC and the reference only
(never from the hidden graders), to measure the graders on bugs they were not written against
(bench/prove_slips.py). Each entry replaces one definition of the concatenated reference solution with the
way a student might have written it, with exactly one mistake."""
SLIPS = {
    # ------------------------------------------------------------------ Tensor construction
    "tensor_keeps_int_dtype": (
        {"Tensor.__init__": '''
def __init__(self, data, requires_grad=False, _prev=()):
    self.data = np.array(data)
    self.grad = None
    self.requires_grad = requires_grad or any(p.requires_grad for p in _prev)
    self._prev = _prev
    self._backward = lambda: None
'''},
        ("float64", "dtype", "int", "cast"),
        "Tensor.__init__ forgets dtype=np.float64, so Tensor(2) or an int array keeps an integer dtype",
    ),
    # ------------------------------------------------------------------ add / sub
    "add_grad_overwrites": (
        {"Tensor.__add__": '''
def __add__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data + other.data, _prev=(self, other))

    def _backward():
        self.grad = unbroadcast(out.grad, self.shape)
        other.grad = unbroadcast(out.grad, other.shape)
    out._backward = _backward
    return out
'''},
        ("accumulat", "+=", "used twice", "a + a", "every use", "twice", "overwrit"),
        "__add__'s backward assigns (=) instead of adding (+=): a + a gets g instead of 2g and nothing accumulates",
    ),
    "add_no_unbroadcast": (
        {"Tensor.__add__": '''
def __add__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data + other.data, _prev=(self, other))

    def _backward():
        self.grad += out.grad
        other.grad += out.grad
    out._backward = _backward
    return out
'''},
        ("broadcast", "unbroadcast", "shape", "sum over", "size-1", "size 1"),
        "__add__ passes out.grad back without unbroadcast, so a broadcast operand gets a gradient of the wrong shape",
    ),
    "sub_other_sign_flipped": (
        {"Tensor.__sub__": '''
def __sub__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data - other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad, self.shape)
        other.grad += unbroadcast(out.grad, other.shape)
    out._backward = _backward
    return out
'''},
        ("sign", "a - b", "subtract", "negative", "-g", "−g", "minus"),
        "__sub__ gives the subtrahend +g instead of -g",
    ),
    # ------------------------------------------------------------------ mul
    "mul_grads_swapped": (
        {"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad * self.data, self.shape)
        other.grad += unbroadcast(out.grad * other.data, other.shape)
    out._backward = _backward
    return out
'''},
        ("a * b", "a·b", "product", "multipl", "g ⊙ b", "g * b", "other operand"),
        "__mul__ multiplies each input's gradient by its own value instead of the other operand's",
    ),
    "mul_mutates_out_grad": (
        {"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        g = out.grad
        g *= other.data
        self.grad += unbroadcast(g, self.shape)
        other.grad += unbroadcast(out.grad * self.data, other.shape)
    out._backward = _backward
    return out
'''},
        ("in place", "in-place", "mutat", "modif", "out.grad", "alias"),
        "__mul__ scales out.grad in place (g = out.grad; g *= b), so the second operand receives g·b·a",
    ),
    # ------------------------------------------------------------------ div
    "div_other_grad_missing_square": (
        {"Tensor.__truediv__": '''
def __truediv__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data / other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad / other.data, self.shape)
        other.grad -= unbroadcast(out.grad * self.data / other.data, other.shape)
    out._backward = _backward
    return out
'''},
        ("b²", "b^2", "b**2", "b ** 2", "square", "division", "quotient", "a / b", "denominator", "divisor"),
        "__truediv__ uses -g·a/b instead of -g·a/b² for the denominator's gradient",
    ),
    # ------------------------------------------------------------------ matmul
    "matmul_dot_T_not_swapaxes": (
        {"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data @ other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad @ other.data.T, self.shape)
        other.grad += unbroadcast(self.data.T @ out.grad, other.shape)
    out._backward = _backward
    return out
'''},
        ("swapaxes", "batch", "last two", ".t", "transpose", "3-d", "3d", "(6, 5, 4)"),
        "__matmul__ uses .T (all axes reversed) instead of swapping the last two axes: wrong with batch dimensions",
    ),
    "matmul_b_grad_not_unbroadcast": (
        {"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data @ other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad @ other.data.swapaxes(-1, -2), self.shape)
        other.grad += self.data.swapaxes(-1, -2) @ out.grad
    out._backward = _backward
    return out
'''},
        ("broadcast", "batch", "sum over", "unbroadcast", "shape", "(4, 3)"),
        "__matmul__ does not sum B's gradient over the batch axes when B was broadcast, e.g. (6, 5, 4) @ (4, 3)",
    ),
    "matmul_b_grad_transposed": (
        {"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data @ other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad @ other.data.swapaxes(-1, -2), self.shape)
        other.grad += unbroadcast(out.grad.swapaxes(-1, -2) @ self.data, other.shape)
    out._backward = _backward
    return out
'''},
        ("transpose", "aᵀ g", "a.t @ g", "aᵀg", "shape", "matmul", "@"),
        "__matmul__ computes B's gradient as gᵀA, the transpose of AᵀG (wrong shape, or wrong values when square)",
    ),
    # ------------------------------------------------------------------ pow
    "pow_grad_uses_output": (
        {"Tensor.__pow__": '''
def __pow__(self, n):
    out = Tensor(self.data ** n, _prev=(self,))

    def _backward():
        self.grad += out.grad * n * out.data
    out._backward = _backward
    return out
'''},
        ("n-1", "n − 1", "n - 1", "aⁿ⁻¹", "exponent", "power", "pow", "**"),
        "__pow__'s gradient is n·aⁿ (the output) instead of n·aⁿ⁻¹",
    ),
    "pow_grad_missing_factor_n": (
        {"Tensor.__pow__": '''
def __pow__(self, n):
    out = Tensor(self.data ** n, _prev=(self,))

    def _backward():
        self.grad += out.grad * self.data ** (n - 1)
    out._backward = _backward
    return out
'''},
        ("factor n", "exponent", "power", "pow", "n·a", "n*a", "**"),
        "__pow__'s gradient forgets the factor n: aⁿ⁻¹ instead of n·aⁿ⁻¹",
    ),
    "pow_via_exp_log": (
        {"Tensor.__pow__": '''
def __pow__(self, n):
    return (self.log() * n).exp()
'''},
        ("negative", "nan", "log", "base", "power", "pow", "warning"),
        "__pow__ computed as exp(n·log a): nan (and a warning) for negative bases such as (-2) ** 3",
    ),
    # ------------------------------------------------------------------ unary minus, reflected forms
    "neg_detached": (
        {"Tensor.__neg__": '''
def __neg__(self):
    return Tensor(-self.data)
'''},
        ("neg", "-a", "unary minus", "graph", "no grad", "detached", "none"),
        "__neg__ returns a fresh Tensor(-data) with no inputs, so no gradient flows through -a",
    ),
    "radd_detached": (
        {"Tensor.__radd__": '''
def __radd__(self, other):
    return Tensor(other + self.data)
'''},
        ("radd", "reflected", "2 + a", "graph", "no grad", "detached", "none"),
        "__radd__ returns a plain Tensor(other + data) outside the graph, so 2 + a passes no gradient to a",
    ),
    "rsub_wrong_order": (
        {"Tensor.__rsub__": '''
def __rsub__(self, other):
    return self - other
'''},
        ("1 - a", "rsub", "reflected", "order", "sign", "a - 1"),
        "__rsub__ computes a - other instead of other - a",
    ),
    "rmul_copy_paste_add": (
        {"Tensor.__rmul__": '''
def __rmul__(self, other):
    return self + other
'''},
        ("rmul", "2 * a", "reflected", "product", "multipl"),
        "__rmul__ copied from __radd__: 2 * a computes a + 2",
    ),
    "rtruediv_wrong_order": (
        {"Tensor.__rtruediv__": '''
def __rtruediv__(self, other):
    return self / other
'''},
        ("1 / a", "rtruediv", "reflected", "order", "reciprocal"),
        "__rtruediv__ computes a / other instead of other / a",
    ),
    # ------------------------------------------------------------------ element-wise functions
    "exp_grad_uses_input": (
        {"Tensor.exp": '''
def exp(self):
    out = Tensor(np.exp(self.data), _prev=(self,))

    def _backward():
        self.grad += out.grad * self.data
    out._backward = _backward
    return out
'''},
        ("exp", "eᵃ", "e^a", "output", "derivative"),
        "exp's backward multiplies by the input a instead of eᵃ",
    ),
    "log_grad_forgets_upstream": (
        {"Tensor.log": '''
def log(self):
    out = Tensor(np.log(self.data), _prev=(self,))

    def _backward():
        self.grad += 1 / self.data
    out._backward = _backward
    return out
'''},
        ("chain rule", "upstream", "out.grad", "incoming", "log", "1/a", "g / a"),
        "log's backward adds 1/a without multiplying by the incoming gradient out.grad",
    ),
    "tanh_grad_no_square": (
        {"Tensor.tanh": '''
def tanh(self):
    out = Tensor(np.tanh(self.data), _prev=(self,))

    def _backward():
        self.grad += out.grad * (1 - out.data)
    out._backward = _backward
    return out
'''},
        ("tanh", "square", "tanh²", "tanh^2", "1 - tanh", "1 − tanh"),
        "tanh's backward uses 1 - tanh instead of 1 - tanh²",
    ),
    "sigmoid_naive_overflow": (
        {"Tensor.sigmoid": '''
def sigmoid(self):
    out = Tensor(1 / (1 + np.exp(-self.data)), _prev=(self,))

    def _backward():
        self.grad += out.grad * out.data * (1 - out.data)
    out._backward = _backward
    return out
'''},
        ("overflow", "stable", "stabil", "1000", "warning"),
        "sigmoid as 1/(1 + exp(-a)): exp overflows with a RuntimeWarning at a = -1000",
    ),
    "sigmoid_where_both_branches": (
        {"Tensor.sigmoid": '''
def sigmoid(self):
    x = self.data
    s = np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
    out = Tensor(s, _prev=(self,))

    def _backward():
        self.grad += out.grad * out.data * (1 - out.data)
    out._backward = _backward
    return out
'''},
        ("overflow", "warning", "stable", "stabil", "1000", "np.where"),
        "sigmoid picks the stable branch with np.where, but both branches are evaluated: overflow warnings at ±1000",
    ),
    "sigmoid_grad_uses_input": (
        {"Tensor.sigmoid": '''
def sigmoid(self):
    out = Tensor(np.exp(-np.logaddexp(0, -self.data)), _prev=(self,))

    def _backward():
        self.grad += out.grad * self.data * (1 - self.data)
    out._backward = _backward
    return out
'''},
        ("sigmoid", "σ", "output", "σ(a)(1", "input"),
        "sigmoid's backward uses a(1 - a) with the input instead of σ(a)(1 - σ(a))",
    ),
    "relu_grad_no_mask": (
        {"Tensor.relu": '''
def relu(self):
    out = Tensor(np.maximum(self.data, 0), _prev=(self,))

    def _backward():
        self.grad += out.grad
    out._backward = _backward
    return out
'''},
        ("relu", "mask", "negative", "a > 0", "zero", "indicator"),
        "relu's backward passes g through everywhere, also where a < 0",
    ),
    "relu_mutates_input": (
        {"Tensor.relu": '''
def relu(self):
    self.data[self.data < 0] = 0
    out = Tensor(self.data, _prev=(self,))

    def _backward():
        self.grad += out.grad * (self.data > 0)
    out._backward = _backward
    return out
'''},
        ("in place", "in-place", "mutat", "modif", "input", "changed"),
        "relu zeroes the negative entries of the input's own data in place, corrupting every other use of the input",
    ),
    # ------------------------------------------------------------------ sum / mean
    "sum_grad_no_expand_dims": (
        {"Tensor.sum": '''
def sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _prev=(self,))

    def _backward():
        self.grad += out.grad
    out._backward = _backward
    return out
'''},
        ("axis", "expand_dims", "keepdims", "broadcast", "shape", "sum"),
        "sum's backward broadcasts out.grad as is, without putting the summed axis back: wrong axis for axis=1",
    ),
    "sum_negative_axis_insert": (
        {"Tensor.sum": '''
def sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _prev=(self,))

    def _backward():
        if axis is None or keepdims:
            g = out.grad
        else:
            axes = axis if isinstance(axis, tuple) else (axis,)
            shape = list(out.grad.shape)
            for ax in sorted(axes):
                shape.insert(ax, 1)
            g = out.grad.reshape(shape)
        self.grad += g
    out._backward = _backward
    return out
'''},
        ("negative", "axis=-1", "axis", "-1", "shape"),
        "sum's backward re-inserts the summed axes with list.insert, which puts a negative axis in the wrong place",
    ),
    "sum_keepdims_expanded_twice": (
        {"Tensor.sum": '''
def sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _prev=(self,))

    def _backward():
        g = out.grad if axis is None else np.expand_dims(out.grad, axis)
        self.grad += g
    out._backward = _backward
    return out
'''},
        ("keepdims", "expand_dims", "shape", "extra axis"),
        "sum's backward expands the summed axis even when keepdims=True already kept it",
    ),
    "sum_default_axis0": (
        {"Tensor.sum": '''
def sum(self, axis=0, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _prev=(self,))

    def _backward():
        g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
        self.grad += g
    out._backward = _backward
    return out
'''},
        ("default", "axis=none", "all axes", "sum()", "scalar", "shape ()"),
        "sum's default is axis=0 instead of None, so a.sum() of a matrix is a vector, not the total",
    ),
    "mean_divides_by_total_size": (
        {"Tensor.mean": '''
def mean(self, axis=None, keepdims=False):
    s = self.sum(axis, keepdims)
    return s * (1.0 / self.data.size)
'''},
        ("mean", "1/n", "axis", "number of elements", "averaged", "size"),
        "mean divides by the total number of elements even when averaging over one axis only",
    ),
    "mean_tuple_axis_unsupported": (
        {"Tensor.mean": '''
def mean(self, axis=None, keepdims=False):
    s = self.sum(axis, keepdims)
    n = self.data.size if axis is None else self.data.shape[axis]
    return s * (1.0 / n)
'''},
        ("tuple", "axis", "mean", "(0, 2)"),
        "mean computes n as shape[axis], which fails for a tuple of axes",
    ),
    # ------------------------------------------------------------------ reshape / transpose
    "reshape_only_tuple_argument": (
        {"Tensor.reshape": '''
def reshape(self, shape):
    out = Tensor(self.data.reshape(shape), _prev=(self,))

    def _backward():
        self.grad += out.grad.reshape(self.shape)
    out._backward = _backward
    return out
'''},
        ("reshape", "*shape", "argument", "reshape(2, 6)", "varargs", "positional"),
        "reshape takes a single shape argument, so a.reshape(2, 6) raises a TypeError",
    ),
    "transpose_grad_same_permutation": (
        {"Tensor.transpose": '''
def transpose(self, *axes):
    axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
    axes = axes or tuple(reversed(range(self.data.ndim)))
    out = Tensor(self.data.transpose(axes), _prev=(self,))

    def _backward():
        self.grad += out.grad.transpose(axes)
    out._backward = _backward
    return out
'''},
        ("inverse", "argsort", "permutation", "transpose", "(2, 0, 1)"),
        "transpose's backward applies the same permutation again instead of its inverse (right only for self-inverse ones)",
    ),
    "transpose_default_swaps_two_axes": (
        {"Tensor.transpose": '''
def transpose(self, *axes):
    axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
    axes = axes or (1, 0)
    out = Tensor(self.data.transpose(axes), _prev=(self,))

    def _backward():
        self.grad += out.grad.transpose(np.argsort(axes))
    out._backward = _backward
    return out
'''},
        ("reverse", "all axes", "3-d", "3d", "transpose()", "ndim", "no argument"),
        "transpose() with no argument uses (1, 0): only right for matrices, fails on 1-D and 3-D arrays",
    ),
    "T_swaps_last_two_axes": (
        {"Tensor.T": '''
@property
def T(self):
    n = self.data.ndim
    return self.transpose(*range(n - 2), n - 1, n - 2)
'''},
        (".t", "reverse", "all axes", "3-d", "3d", "last two"),
        "T swaps only the last two axes (a batched matrix transpose) instead of reversing all of them",
    ),
    # ------------------------------------------------------------------ logsumexp
    "logsumexp_no_max_shift": (
        {"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    lse = np.log(np.exp(self.data).sum(axis=axis, keepdims=True))
    out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

    def _backward():
        self.grad += out.grad.reshape(lse.shape) * np.exp(self.data - lse)
    out._backward = _backward
    return out
'''},
        ("stable", "stabil", "overflow", "max", "1e4", "inf", "warning"),
        "logsumexp without subtracting the max: exp overflows for values around 1e4",
    ),
    "logsumexp_grad_unnormalised": (
        {"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = self.data.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(self.data - m).sum(axis=axis, keepdims=True))
    out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

    def _backward():
        self.grad += out.grad.reshape(lse.shape) * np.exp(self.data - m)
    out._backward = _backward
    return out
'''},
        ("softmax", "normalis", "normaliz", "gradient", "lse", "logsumexp"),
        "logsumexp's backward uses exp(a - max) instead of the softmax exp(a - lse)",
    ),
    "logsumexp_squeeze_all_axes": (
        {"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = self.data.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(self.data - m).sum(axis=axis, keepdims=True))
    out = Tensor(lse if keepdims else np.squeeze(lse), _prev=(self,))

    def _backward():
        self.grad += out.grad.reshape(lse.shape) * np.exp(self.data - lse)
    out._backward = _backward
    return out
'''},
        ("squeeze", "shape", "size-1", "size 1", "axis", "(1,"),
        "logsumexp squeezes every size-1 axis, not just the reduced one: a (1, 3) input gives shape () instead of (1,)",
    ),
    "logsumexp_grad_not_reshaped": (
        {"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = self.data.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(self.data - m).sum(axis=axis, keepdims=True))
    out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

    def _backward():
        self.grad += out.grad * np.exp(self.data - lse)
    out._backward = _backward
    return out
'''},
        ("keepdims", "broadcast", "shape", "axis", "reshape", "expand"),
        "logsumexp's backward multiplies out.grad without restoring the reduced axis, so it broadcasts along the wrong axis",
    ),
    # ------------------------------------------------------------------ unbroadcast
    "unbroadcast_only_leading_axes": (
        {"unbroadcast": '''
def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    return grad.sum(axis=tuple(range(extra)))
'''},
        ("size-1", "size 1", "(3, 1)", "keepdims", "broadcast", "shape"),
        "unbroadcast sums only the extra leading axes and forgets the axes where shape has size 1",
    ),
    "unbroadcast_no_keepdims": (
        {"unbroadcast": '''
def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1)
    return grad.sum(axis=axes)
'''},
        ("keepdims", "shape", "size-1", "size 1", "(3, 1)", "(3,)"),
        "unbroadcast sums the size-1 axes away instead of keeping them: shape (3,) instead of (3, 1)",
    ),
    "unbroadcast_axes_not_offset": (
        {"unbroadcast": '''
def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(i for i, n in enumerate(shape) if n == 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)
'''},
        ("leading", "offset", "align", "trailing", "size-1", "size 1", "shape", "(3, 1)"),
        "unbroadcast indexes the size-1 axes of shape without shifting them by the number of extra leading axes",
    ),
    # ------------------------------------------------------------------ topological sort
    "topo_duplicates_node_pushed_twice": (
        {"topological_sort": '''
def topological_sort(root):
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        else:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node._prev if p not in visited)
    return order
'''},
        ("exactly once", "once", "duplicate", "twice", "visited", "diamond"),
        "topological_sort checks visited only when pushing, so a node pushed by two users is listed (and run) twice",
    ),
    "topo_reversed_preorder": (
        {"topological_sort": '''
def topological_sort(root):
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            order.append(node)
            for p in node._prev:
                visit(p)
    visit(root)
    return order[::-1]
'''},
        ("order", "after all of its inputs", "topolog", "post-order", "postorder", "before its input"),
        "topological_sort reverses a pre-order DFS, which can list a node before one of its inputs",
    ),
    "topo_skips_leaves": (
        {"topological_sort": '''
def topological_sort(root):
    order, visited = [], set()

    def visit(node):
        if node in visited or not node._prev:
            return
        visited.add(node)
        for p in node._prev:
            visit(p)
        order.append(node)
    visit(root)
    return order
'''},
        ("leaf", "leaves", "every tensor", "missing", "reachable", "none"),
        "topological_sort leaves out the leaves (they have no backward), so they are never given a grad",
    ),
    # ------------------------------------------------------------------ backward / zero_grad
    "backward_forward_order": (
        {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        if self.data.size != 1:
            raise ValueError(f"backward() without grad needs a single-element tensor, not shape {self.shape}")
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in topo:
        node._backward()
'''},
        ("reverse", "order", "topolog", "before", "zero"),
        "backward runs the local rules in topological order instead of its reverse",
    ),
    "backward_keeps_stale_intermediate_grads": (
        {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        if self.data.size != 1:
            raise ValueError(f"backward() without grad needs a single-element tensor, not shape {self.shape}")
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''},
        ("stale", "intermediate", "accumulat", "twice", "second", "reset"),
        "backward only initialises grads that are None, so intermediates carry the first call's gradient into the second",
    ),
    "backward_resets_leaf_grads": (
        {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        if self.data.size != 1:
            raise ValueError(f"backward() without grad needs a single-element tensor, not shape {self.shape}")
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''},
        ("accumulat", "twice", "second", "sum of the two", "overwrit", "reset"),
        "backward zeroes every grad, leaves included, so gradients do not accumulate across calls",
    ),
    "backward_default_ones_for_nonscalar": (
        {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''},
        ("raise", "error", "non-scalar", "required", "more than one element", "exception"),
        "backward() without grad silently uses ones for a tensor with several elements instead of raising",
    ),
    "backward_requires_0d_for_default": (
        {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        if self.data.ndim != 0:
            raise ValueError(f"backward() without grad needs a scalar, not shape {self.shape}")
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''},
        ("(1,)", "(1, 1)", "one element", "single element", "single-element", "size"),
        "backward() without grad raises for shape (1,) or (1, 1): it checks ndim == 0 instead of size == 1",
    ),
    "zero_grad_one_level_only": (
        {"Tensor.zero_grad": '''
def zero_grad(self):
    self.grad = None
    for p in self._prev:
        p.grad = None
'''},
        ("zero_grad", "leaves", "leaf", "whole graph", "every tensor", "recurs", "deep"),
        "zero_grad clears only the tensor and its direct inputs, not the leaves further down the graph",
    ),
    # ------------------------------------------------------------------ cross-entropy
    "ce_sum_not_mean": (
        {"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    return (logits.logsumexp(axis=-1) - (logits * onehot).sum(axis=-1)).sum()
'''},
        ("mean", "1/n", "batch", "sum", "average", "reduction"),
        "cross_entropy sums over the batch instead of averaging (missing 1/N)",
    ),
    "ce_unstable_exp_sum_log": (
        {"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    return (logits.exp().sum(axis=-1).log() - (logits * onehot).sum(axis=-1)).mean()
'''},
        ("stable", "stabil", "overflow", "logsumexp", "1e4", "inf", "nan", "warning"),
        "cross_entropy computes log(sum(exp(z))) directly: overflow for logits around 1e4",
    ),
    "ce_onehot_width_from_labels": (
        {"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(int(labels.max()) + 1)[labels]
    return (logits.logsumexp(axis=-1) - (logits * onehot).sum(axis=-1)).mean()
'''},
        ("one-hot", "onehot", "classes", "number of classes", "shape", "max(y)", "labels"),
        "cross_entropy sizes the one-hot matrix from max(labels) + 1 instead of C, which breaks when the last class is absent",
    ),
    "ce_sign_flipped": (
        {"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    return ((logits * onehot).sum(axis=-1) - logits.logsumexp(axis=-1)).mean()
'''},
        ("sign", "negative", "log-likelihood", "minus", "log 10", "positive"),
        "cross_entropy returns the mean log-likelihood instead of its negative",
    ),
    "ce_labels_used_as_onehot": (
        {"cross_entropy": '''
def cross_entropy(logits, labels):
    return (logits.logsumexp(axis=-1) - (logits * labels).sum(axis=-1)).mean()
'''},
        ("one-hot", "onehot", "indices", "integer", "labels", "broadcast"),
        "cross_entropy multiplies the logits by the labels as if they were one-hot rows, not integer class indices",
    ),
    "ce_target_logit_detached": (
        {"cross_entropy": '''
def cross_entropy(logits, labels):
    picked = logits.data[np.arange(len(labels)), labels]
    return (logits.logsumexp(axis=-1) - picked).mean()
'''},
        ("onehot", "one-hot", "gradient", "softmax(z) − onehot", "softmax - onehot", "detach", "constant"),
        "cross_entropy picks z[n, y_n] from logits.data, a constant, so the gradient lacks the -onehot/N term",
    ),
    # ------------------------------------------------------------------ Linear
    "linear_init_std_is_variance": (
        {"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / in_features, (out_features, in_features)), requires_grad=True)
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''},
        ("std", "variance", "1/√in", "sqrt", "scale", "init", "standard deviation"),
        "Linear draws W with standard deviation 1/in instead of 1/√in (variance confused with std)",
    ),
    "linear_init_shape_in_out": (
        {"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (in_features, out_features)), requires_grad=True)
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''},
        ("(out, in)", "layout", "shape", "transpose", "out_features"),
        "Linear creates W with shape (in, out) instead of PyTorch's (out, in)",
    ),
    "linear_init_drawn_transposed": (
        {"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (in_features, out_features)).T, requires_grad=True)
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''},
        ("draw", "drawn", "seed", "rng.normal", "(out, in)", "values", "reproduc"),
        "Linear draws an (in, out) matrix and transposes it: right shape and distribution, but not the SPEC's draws",
    ),
    "linear_bias_no_requires_grad": (
        {"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (out_features, in_features)), requires_grad=True)
    self.b = Tensor(np.zeros(out_features))
'''},
        ("requires_grad", "bias", "b"),
        "Linear creates b without requires_grad=True",
    ),
    "linear_call_no_transpose": (
        {"Linear.__call__": '''
def __call__(self, x):
    x = x if isinstance(x, Tensor) else Tensor(x)
    return x @ self.W + self.b
'''},
        ("transpose", "w.t", "layout", "(out, in)", "x @ w"),
        "Linear computes x @ W instead of x @ W.T (only runs for square W)",
    ),
    # ------------------------------------------------------------------ MLP
    "mlp_activation_after_last": (
        {"MLP.__call__": '''
def __call__(self, x):
    for layer in self.layers:
        x = getattr(layer(x), self.activation)()
    return x
'''},
        ("last", "logits", "after the last", "final layer", "output layer"),
        "MLP applies the activation after the last layer too, so it does not return logits",
    ),
    "mlp_int_seed_per_layer": (
        {"MLP.__init__": '''
def __init__(self, sizes, activation="tanh", rng=None):
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    self.activation = activation
'''},
        ("generator", "same seed", "identical", "one generator", "re-seed", "reseed", "same weights"),
        "MLP passes the raw seed to every Linear, so each layer restarts the same random stream",
    ),
    "mlp_ignores_activation": (
        {"MLP.__call__": '''
def __call__(self, x):
    for layer in self.layers[:-1]:
        x = layer(x).tanh()
    return self.layers[-1](x)
'''},
        ("activation", "relu", "sigmoid", "ignor"),
        "MLP always applies tanh and ignores its activation argument",
    ),
    "mlp_parameters_order": (
        {"MLP.parameters": '''
def parameters(self):
    return [layer.W for layer in self.layers] + [layer.b for layer in self.layers]
'''},
        ("order", "[w1, b1", "w1, b1, w2, b2", "interleav"),
        "MLP.parameters lists all weights then all biases instead of [W1, b1, W2, b2, ...]",
    ),
    # ------------------------------------------------------------------ SGD
    "sgd_rebinds_data": (
        {"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            v *= self.momentum
            v += self.lr * p.grad
            p.data = p.data - v
'''},
        ("in place", "in-place", "same ndarray", "same array", "p.data -=", "rebind", "object"),
        "SGD.step assigns a new array to p.data instead of updating it in place",
    ),
    "sgd_velocity_not_stored": (
        {"SGD.step": '''
def step(self):
    for i, p in enumerate(self.params):
        if p.grad is not None:
            v = self.momentum * self.v[i] + self.lr * p.grad
            p.data -= v
'''},
        ("momentum", "velocity", "buffer", "stored", "state", "0.739"),
        "SGD.step computes the new velocity in a local variable and never stores it, so momentum has no effect",
    ),
    "sgd_update_before_velocity": (
        {"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            p.data -= v
            v *= self.momentum
            v += self.lr * p.grad
'''},
        ("order", "velocity", "first step", "momentum", "update", "one step late", "0.91"),
        "SGD.step moves θ with the old velocity before updating it, so every update lags one step (the first does nothing)",
    ),
    "sgd_zero_grad_resets_velocity": (
        {"SGD.zero_grad": '''
def zero_grad(self):
    for p in self.params:
        p.grad = None
    self.v = [np.zeros(p.shape) for p in self.params]
'''},
        ("velocity", "momentum", "zero_grad", "reset", "buffer", "state"),
        "SGD.zero_grad also resets the velocities, so momentum is lost whenever zero_grad runs between steps",
    ),
    "sgd_zero_grad_fill_none": (
        {"SGD.zero_grad": '''
def zero_grad(self):
    for p in self.params:
        p.grad.fill(0.0)
'''},
        ("none", "zero_grad", "before backward", "first", "attributeerror"),
        "SGD.zero_grad calls p.grad.fill(0), which crashes while a grad is still None (e.g. before the first backward)",
    ),
    # ------------------------------------------------------------------ train
    "train_classes_from_unique": (
        {"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, len(np.unique(y))], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''},
        ("number of classes", "classes", "max(y)", "unique", "missing class", "never occurs"),
        "train sets C = len(unique(y)), too small when a label value never occurs",
    ),
    "train_no_zero_grad": (
        {"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''},
        ("zero_grad", "accumulat", "clear", "stale"),
        "train never zeroes the grads, so each step uses the sum of all gradients so far",
    ),
    "train_epochs_off_by_one": (
        {"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for epoch in range(1, epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''},
        ("epochs", "steps", "off by one", "off-by-one", "one step", "number of steps"),
        "train loops over range(1, epochs): one step fewer than epochs",
    ),
    "train_only_first_hidden": (
        {"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], hidden[0], int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''},
        ("hidden", "layers", "sizes", "architecture", "depth"),
        "train builds MLP([D, hidden[0], C]) and drops any further hidden layers",
    ),
}
