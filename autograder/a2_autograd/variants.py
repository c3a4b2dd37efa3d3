"""Student variants of Assignment 2 (an autograd engine in NumPy), as overrides of the reference solution.

``BUGGY``: one realistic mistake each, written the way students write it; the hidden graders must
take points away, and where ``mistake`` is set, some failing test's message must contain it
(case-insensitive).

``CORRECT``: right per ``assignments/a2_autograd/SPEC.md`` but written differently from
``reference/a2_autograd/`` (other topological orders, other engine designs, other stable forms);
the hidden graders must give them full marks.

Each override replaces one top-level function or class (``"topological_sort"``, ``"Tensor"``) or one
method (``"Tensor.__add__"``) of the concatenated reference code; see
:mod:`autograder.variants.overrides`. A replacement may define helpers before the definition it
replaces. Sources: DESIGN_NEXT §3.3 (bugs seen in real courses) and §3.4 (unusual but correct).
"""
from __future__ import annotations

from autograder.variants import Variant

# ------------------------------------------------------------------------------------------------------
# A second, complete engine in another common student style: grads start as None and every closure
# hands its input a gradient through ``_accumulate``. Right as written (CORRECT["engine_accumulate_helper"]);
# two BUGGY variants below are this engine with one slip each.
_ACCUMULATE_ENGINE = '''
class Tensor:
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, _children=(), _op=""):
        self.data = np.asarray(data, dtype=float)
        self.grad = None
        self.requires_grad = requires_grad
        self._prev = tuple(_children)
        self._op = _op
        self._backward = lambda: None

    @property
    def shape(self):
        return self.data.shape

    def _accumulate(self, g):
        g = unbroadcast(np.asarray(g, dtype=float), self.shape)
        if self.grad is None:
            self.grad = g.copy()
        else:
            self.grad = self.grad + g

    @staticmethod
    def _wrap(x):
        return x if isinstance(x, Tensor) else Tensor(x)

    def __add__(self, other):
        other = Tensor._wrap(other)
        out = Tensor(self.data + other.data, _children=(self, other), _op="+")
        def _backward():
            self._accumulate(out.grad)
            other._accumulate(out.grad)
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Tensor._wrap(other)
        out = Tensor(self.data * other.data, _children=(self, other), _op="*")
        def _backward():
            self._accumulate(out.grad * other.data)
            other._accumulate(out.grad * self.data)
        out._backward = _backward
        return out

    def __pow__(self, n):
        out = Tensor(self.data ** n, _children=(self,), _op="**")
        def _backward():
            self._accumulate(out.grad * n * self.data ** (n - 1))
        out._backward = _backward
        return out

    def __matmul__(self, other):
        other = Tensor._wrap(other)
        out = Tensor(np.matmul(self.data, other.data), _children=(self, other), _op="@")
        def _backward():
            self._accumulate(np.matmul(out.grad, np.swapaxes(other.data, -1, -2)))
            other._accumulate(np.matmul(np.swapaxes(self.data, -1, -2), out.grad))
        out._backward = _backward
        return out

    def __neg__(self):
        out = Tensor(-self.data, _children=(self,), _op="neg")
        def _backward():
            self._accumulate(-out.grad)
        out._backward = _backward
        return out

    def __sub__(self, other):
        return self + (-Tensor._wrap(other))

    def __truediv__(self, other):
        other = Tensor._wrap(other)
        out = Tensor(self.data / other.data, _children=(self, other), _op="/")
        def _backward():
            self._accumulate(out.grad / other.data)
            other._accumulate(-out.grad * self.data / other.data ** 2)
        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Tensor._wrap(other) - self

    def __rtruediv__(self, other):
        return Tensor._wrap(other) / self

    def _unary(self, value, local, op):
        out = Tensor(value, _children=(self,), _op=op)
        def _backward():
            self._accumulate(out.grad * local(out.data))
        out._backward = _backward
        return out

    def exp(self):
        return self._unary(np.exp(self.data), lambda y: y, "exp")

    def log(self):
        return self._unary(np.log(self.data), lambda y: 1 / self.data, "log")

    def tanh(self):
        return self._unary(np.tanh(self.data), lambda y: 1 - y ** 2, "tanh")

    def sigmoid(self):
        e = np.exp(-np.abs(self.data))
        value = np.where(self.data >= 0, 1 / (1 + e), e / (1 + e))
        return self._unary(value, lambda y: y * (1 - y), "sigmoid")

    def relu(self):
        return self._unary(np.where(self.data > 0, self.data, 0.0), lambda y: (self.data > 0).astype(float), "relu")

    def sum(self, axis=None, keepdims=False):
        out = Tensor(np.sum(self.data, axis=axis, keepdims=keepdims), _children=(self,), _op="sum")
        def _backward():
            g = out.grad
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            self._accumulate(np.broadcast_to(g, self.shape))
        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        n = self.data.size / np.sum(self.data, axis=axis, keepdims=keepdims).size
        return self.sum(axis=axis, keepdims=keepdims) / n

    def reshape(self, *shape):
        out = Tensor(np.reshape(self.data, shape[0] if len(shape) == 1 else shape), _children=(self,), _op="reshape")
        def _backward():
            self._accumulate(np.reshape(out.grad, self.shape))
        out._backward = _backward
        return out

    def transpose(self, *axes):
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = tuple(axes[0])
        if not axes:
            axes = tuple(range(self.data.ndim))[::-1]
        out = Tensor(np.transpose(self.data, axes), _children=(self,), _op="transpose")
        def _backward():
            self._accumulate(np.transpose(out.grad, np.argsort(axes)))
        out._backward = _backward
        return out

    @property
    def T(self):
        return self.transpose()

    def logsumexp(self, axis=-1, keepdims=False):
        m = np.max(self.data, axis=axis, keepdims=True)
        s = np.log(np.sum(np.exp(self.data - m), axis=axis, keepdims=True)) + m
        out = Tensor(s if keepdims else np.squeeze(s, axis=axis), _children=(self,), _op="lse")
        def _backward():
            self._accumulate(np.reshape(out.grad, s.shape) * np.exp(self.data - s))
        out._backward = _backward
        return out

    def backward(self, grad=None):
        if grad is None:
            assert self.data.size == 1, "backward() needs a grad for a tensor with several elements"
            grad = np.ones_like(self.data)
        topo = []
        seen = set()
        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        for v in topo:
            if v._prev:
                v.grad = None   # intermediates start each pass from nothing
        self._accumulate(grad)
        for v in reversed(topo):
            if v.grad is not None:
                v._backward()

    def zero_grad(self):
        for v in topological_sort(self):
            v.grad = None
'''

# The same engine written with minitorch / needle's Function classes: each operation is a class with a
# static forward and backward and a context; backward collects gradients in a dict (a tape of grads) and
# only leaves keep theirs.
_FUNCTION_ENGINE = '''
class Context:
    def __init__(self):
        self.saved = ()

    def save(self, *values):
        self.saved = values


class Function:
    @classmethod
    def apply(cls, *inputs, **kwargs):
        inputs = tuple(x if isinstance(x, Tensor) else Tensor(x) for x in inputs)
        ctx = Context()
        data = cls.forward(ctx, *[x.data for x in inputs], **kwargs)
        out = Tensor(data, requires_grad=any(x.requires_grad for x in inputs))
        out.parents, out.ctx, out.fn = inputs, ctx, cls
        return out


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a.shape, b.shape)
        return a + b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.saved
        return unbroadcast(g, sa), unbroadcast(g, sb)


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)


class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return unbroadcast(g / b, a.shape), unbroadcast(-g * a / (b * b), b.shape)


class Neg(Function):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return (-g,)


class Pow(Function):
    @staticmethod
    def forward(ctx, a, n):
        ctx.save(a, n)
        return a ** n

    @staticmethod
    def backward(ctx, g):
        a, n = ctx.saved
        return (g * n * a ** (n - 1),)


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return (unbroadcast(g @ np.swapaxes(b, -1, -2), a.shape),
                unbroadcast(np.swapaxes(a, -1, -2) @ g, b.shape))


class Elementwise(Function):
    @classmethod
    def forward(cls, ctx, a):
        y = cls.f(a)
        ctx.save(a, y)
        return y

    @classmethod
    def backward(cls, ctx, g):
        a, y = ctx.saved
        return (g * cls.df(a, y),)


class Exp(Elementwise):
    f = staticmethod(np.exp)
    df = staticmethod(lambda a, y: y)


class Log(Elementwise):
    f = staticmethod(np.log)
    df = staticmethod(lambda a, y: 1 / a)


class Tanh(Elementwise):
    f = staticmethod(np.tanh)
    df = staticmethod(lambda a, y: 1 - y * y)


class Sigmoid(Elementwise):
    f = staticmethod(lambda a: np.exp(-np.logaddexp(0.0, -a)))
    df = staticmethod(lambda a, y: y * (1 - y))


class ReLU(Elementwise):
    f = staticmethod(lambda a: a * (a > 0))
    df = staticmethod(lambda a, y: (a > 0) * 1.0)


class Sum(Function):
    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
        ctx.save(a.shape, np.sum(a, axis=axis, keepdims=True).shape)
        return np.sum(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        shape, kept = ctx.saved
        return (np.broadcast_to(np.reshape(g, kept), shape),)


class Reshape(Function):
    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.save(a.shape)
        return np.reshape(a, shape)

    @staticmethod
    def backward(ctx, g):
        return (np.reshape(g, ctx.saved[0]),)


class Transpose(Function):
    @staticmethod
    def forward(ctx, a, axes=None):
        axes = tuple(reversed(range(a.ndim))) if axes is None else axes
        ctx.save(axes)
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, g):
        return (np.transpose(g, np.argsort(ctx.saved[0])),)


class LogSumExp(Function):
    @staticmethod
    def forward(ctx, a, axis=-1, keepdims=False):
        m = np.max(a, axis=axis, keepdims=True)
        lse = m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
        ctx.save(a, lse)
        return lse if keepdims else np.squeeze(lse, axis=axis)

    @staticmethod
    def backward(ctx, g):
        a, lse = ctx.saved
        return (np.reshape(g, lse.shape) * np.exp(a - lse),)


class Tensor:
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False):
        self.data = np.array(data, dtype=np.float64)
        self.grad = None
        self.requires_grad = requires_grad
        self.parents, self.ctx, self.fn = (), None, None

    shape = property(lambda self: self.data.shape)
    T = property(lambda self: Transpose.apply(self))

    def __add__(self, other): return Add.apply(self, other)
    def __radd__(self, other): return Add.apply(other, self)
    def __sub__(self, other): return Add.apply(self, Neg.apply(other))
    def __rsub__(self, other): return Add.apply(other, Neg.apply(self))
    def __mul__(self, other): return Mul.apply(self, other)
    def __rmul__(self, other): return Mul.apply(other, self)
    def __truediv__(self, other): return Div.apply(self, other)
    def __rtruediv__(self, other): return Div.apply(other, self)
    def __neg__(self): return Neg.apply(self)
    def __pow__(self, n): return Pow.apply(self, n=n)
    def __matmul__(self, other): return MatMul.apply(self, other)
    def exp(self): return Exp.apply(self)
    def log(self): return Log.apply(self)
    def tanh(self): return Tanh.apply(self)
    def sigmoid(self): return Sigmoid.apply(self)
    def relu(self): return ReLU.apply(self)
    def sum(self, axis=None, keepdims=False): return Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        s = self.sum(axis, keepdims)
        return s * (s.data.size / self.data.size)

    def reshape(self, *shape):
        return Reshape.apply(self, shape=shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return Transpose.apply(self, axes=axes or None)

    def logsumexp(self, axis=-1, keepdims=False): return LogSumExp.apply(self, axis=axis, keepdims=keepdims)

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for single-element tensors")
            grad = np.ones(self.shape)
        grads = {id(self): np.asarray(grad, dtype=float)}
        for node in reversed(topological_sort(self)):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node.fn is None:      # a leaf keeps (and accumulates) its gradient
                node.grad = g.copy() if node.grad is None else node.grad + g
                continue
            for parent, pg in zip(node.parents, node.fn.backward(node.ctx, g)):
                grads[id(parent)] = grads[id(parent)] + pg if id(parent) in grads else pg

    def zero_grad(self):
        for node in topological_sort(self):
            node.grad = None
'''

_FUNCTION_TOPO = '''
def topological_sort(root):
    order, seen = [], set()
    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order
'''


def _accumulate_engine(old: str, new: str) -> str:
    assert _ACCUMULATE_ENGINE.count(old) == 1, old
    return _ACCUMULATE_ENGINE.replace(old, new)


BUGGY: dict[str, Variant] = {
    # ------------------------------------------------------------------ graph mechanics (test_graph)
    "mul_closure_assigns": Variant({"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        self.grad = unbroadcast(out.grad * other.data, self.shape)  # = instead of +=
        other.grad = unbroadcast(out.grad * self.data, other.shape)
    out._backward = _backward
    return out
'''}, mistake="+="),
    "add_closure_assigns": Variant({"Tensor.__add__": '''
def __add__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data + other.data, _prev=(self, other))

    def _backward():
        self.grad = unbroadcast(out.grad, self.shape)  # = instead of +=: a + a gets g, not 2g
        other.grad = unbroadcast(out.grad, other.shape)
    out._backward = _backward
    return out
'''}, mistake="+="),
    "backward_recursive_without_topo": Variant({"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        grad = np.ones(self.shape)
    for node in topological_sort(self):
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad

    def propagate(node):  # each use of a node pushes its gradient on again: diamonds double-count
        node._backward()
        for parent in node._prev:
            propagate(parent)
    propagate(self)
'''}, mistake="before it is complete"),
    "backward_preorder_with_visited_set": Variant({"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        grad = np.ones(self.shape)
    for node in topological_sort(self):
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    visited = set()

    def propagate(node):  # a visited set instead of a topological order: a node may pass on a partial grad
        if node in visited:
            return
        visited.add(node)
        node._backward()
        for parent in node._prev:
            propagate(parent)
    propagate(self)
'''}, mistake="reverse topological order"),
    "sub_dict_of_input_grads": Variant({"Tensor.__sub__": '''
def __sub__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data - other.data, _prev=(self, other))

    def _backward():
        grads = {self: unbroadcast(out.grad, self.shape), other: -unbroadcast(out.grad, other.shape)}
        for t, g in grads.items():  # a - a: one key, the first use is lost
            t.grad += g
    out._backward = _backward
    return out
'''}, mistake="one use only"),
    "mul_dict_of_input_grads": Variant({"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        grads = {self: unbroadcast(out.grad * other.data, self.shape),
                 other: unbroadcast(out.grad * self.data, other.shape)}
        for t, g in grads.items():  # a * a: one key, gives a·g instead of 2a·g
            t.grad += g
    out._backward = _backward
    return out
'''}, mistake="one use only"),
    "topological_sort_without_visited": Variant({"topological_sort": '''
def topological_sort(root):
    order = []

    def visit(node):  # no visited set: a node reached twice is listed twice
        for parent in node._prev:
            visit(parent)
        order.append(node)
    visit(root)
    return order
'''}, mistake="more than once"),
    "topological_sort_reversed_bfs": Variant({"topological_sort": '''
def topological_sort(root):
    order, seen, queue = [], {root}, [root]
    while queue:  # breadth-first from the root, then reversed: not a topological order in general
        node = queue.pop(0)
        order.append(node)
        for parent in node._prev:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order[::-1]
'''}, mistake="after all of its inputs"),
    "topological_sort_root_first": Variant({"topological_sort": '''
def topological_sort(root):
    order, visited = [], set()

    def visit(node):  # pre-order: the node before its inputs
        if node not in visited:
            visited.add(node)
            order.append(node)
            for parent in node._prev:
                visit(parent)
    visit(root)
    return order
'''}, mistake="after all of its inputs"),
    "neg_cuts_the_graph": Variant({"Tensor.__neg__": '''
def __neg__(self):
    return Tensor(-self.data)  # a new leaf: no gradient flows back through -a
'''}, mistake="never reached"),
    # ------------------------------------------------------------------ accumulation (test_accumulation)
    "backward_keeps_intermediate_grads": Variant({"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None:  # micrograd: intermediates keep the last call's grad, so a second call re-sends it
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''}, mistake="intermediate results carry"),
    "zero_grad_clears_leaves_only": Variant({
        "Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None:  # relies on zero_grad to clear the intermediates
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
''',
        "Tensor.zero_grad": '''
def zero_grad(self):
    for node in topological_sort(self):
        if not node._prev:  # leaves only: stale intermediate grads poison the next backward
            node.grad = None
'''}, mistake="zero_grad clears the leaves only"),
    "backward_resets_leaf_grads": Variant({"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        node.grad = np.zeros(node.shape)  # idempotent backward: nothing accumulates
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''}, mistake="accumulate across backward calls"),
    "backward_ignores_given_grad": Variant({"Tensor.backward": '''
def backward(self, grad=None):
    grad = np.ones(self.shape)  # always seeds with ones
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
'''}, mistake="ignores the grad given"),
    "zero_grad_root_only": Variant({"Tensor.zero_grad": '''
def zero_grad(self):
    self.grad = None
'''}, mistake="not cleared"),
    "accumulate_helper_shares_arrays": Variant({
        "unbroadcast": '''
def unbroadcast(grad, shape):
    if grad.shape == tuple(shape):
        return grad  # nothing to sum: the array itself (fine on its own)
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)
''',
        "Tensor": _accumulate_engine(
            '''        if self.grad is None:
            self.grad = g.copy()
        else:
            self.grad = self.grad + g''',
            '''        if self.grad is None:
            self.grad = g       # the same array object as out.grad, and as the other input's grad
        else:
            self.grad += g      # in place: changes every tensor holding that array''')},
        mistake="share one grad array"),
    "accumulate_helper_assigns": Variant({"Tensor": _accumulate_engine(
        '''        if self.grad is None:
            self.grad = g.copy()
        else:
            self.grad = self.grad + g''',
        '''        self.grad = g.copy()  # the last contribution wins''')}, mistake="+="),
    # ------------------------------------------------------------------ broadcasting (test_broadcast)
    "add_grad_left_in_output_shape": Variant({"Tensor.__add__": '''
def __add__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data + other.data, _prev=(self, other))

    def _backward():
        self.grad = self.grad + out.grad  # no unbroadcast: the grad takes the output's shape
        other.grad = other.grad + out.grad
    out._backward = _backward
    return out
'''}, mistake="left in the broadcast"),
    "unbroadcast_averages": Variant({"unbroadcast": '''
def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1)
    return grad.mean(axis=axes, keepdims=True).reshape(shape)  # averaged, not summed
'''}, mistake="averaged"),
    "unbroadcast_leading_axes_only": Variant({"unbroadcast": '''
def unbroadcast(grad, shape):
    while grad.ndim > len(shape):  # size-1 axes are forgotten
        grad = grad.sum(axis=0)
    return grad
'''}, mistake="must be summed too"),
    "unbroadcast_size1_axes_only": Variant({"unbroadcast": '''
def unbroadcast(grad, shape):
    for axis, n in enumerate(shape):  # aligned from the left, extra leading axes never summed
        if n == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad
'''}, mistake="sum it down"),
    "unbroadcast_keeps_leading_axes": Variant({"unbroadcast": '''
def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1)
    return grad.sum(axis=axes, keepdims=True)  # (1, 3) instead of (3,)
'''}, mistake="kept with size 1"),
    "mul_without_unbroadcast": Variant({"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        self.grad = self.grad + out.grad * other.data  # broadcast grads keep the output's shape
        other.grad = other.grad + out.grad * self.data
    out._backward = _backward
    return out
'''}, mistake="left in the broadcast"),
    # ------------------------------------------------------------------ binary operations (test_ops)
    "rsub_sign": Variant({"Tensor.__rsub__": '''
def __rsub__(self, other):
    return self - other  # 1 - a computed as a - 1
'''}, mistake="__rsub__"),
    "sub_grad_sign": Variant({"Tensor.__sub__": '''
def __sub__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data - other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad, self.shape)
        other.grad += unbroadcast(out.grad, other.shape)  # the second operand's sign is lost
    out._backward = _backward
    return out
'''}, mistake="passes +grad to b"),
    "truediv_grad_sign": Variant({"Tensor.__truediv__": '''
def __truediv__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data / other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad / other.data, self.shape)
        other.grad += unbroadcast(out.grad * self.data / other.data ** 2, other.shape)  # missing minus
    out._backward = _backward
    return out
'''}, mistake="wrong sign"),
    "truediv_denominator_no_square": Variant({"Tensor.__truediv__": '''
def __truediv__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data / other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad / other.data, self.shape)
        other.grad -= unbroadcast(out.grad * self.data / other.data, other.shape)  # b, not b²
    out._backward = _backward
    return out
'''}, mistake="misses the square"),
    "rtruediv_swapped": Variant({"Tensor.__rtruediv__": '''
def __rtruediv__(self, other):
    return self / other  # 1 / a computed as a / 1
'''}, mistake="__rtruediv__"),
    "pow_grad_uses_output": Variant({"Tensor.__pow__": '''
def __pow__(self, n):
    out = Tensor(self.data ** n, _prev=(self,))

    def _backward():
        self.grad += out.grad * n * out.data  # n·aⁿ instead of n·aⁿ⁻¹
    out._backward = _backward
    return out
'''}, mistake="uses the output"),
    "pow_grad_without_n": Variant({"Tensor.__pow__": '''
def __pow__(self, n):
    out = Tensor(self.data ** n, _prev=(self,))

    def _backward():
        self.grad += out.grad * self.data ** (n - 1)  # the factor n is missing
    out._backward = _backward
    return out
'''}, mistake="misses the factor n"),
    "mul_grad_uses_own_data": Variant({"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad * self.data, self.shape)  # should be the OTHER operand
        other.grad += unbroadcast(out.grad * other.data, other.shape)
    out._backward = _backward
    return out
'''}, mistake="its own value"),
    "data_float32": Variant({"Tensor.__init__": '''
def __init__(self, data, requires_grad=False, _prev=()):
    self.data = np.array(data, dtype=np.float32)  # "floats" in single precision
    self.grad = None
    self.requires_grad = requires_grad or any(p.requires_grad for p in _prev)
    self._prev = _prev
    self._backward = lambda: None
'''}, mistake="float32"),
    "int_data_kept_as_int": Variant({"Tensor.__init__": '''
def __init__(self, data, requires_grad=False, _prev=()):
    self.data = np.array(data)  # ints stay ints
    self.grad = None
    self.requires_grad = requires_grad or any(p.requires_grad for p in _prev)
    self._prev = _prev
    self._backward = lambda: None
'''}, mistake="float64"),
    # ------------------------------------------------------------------ element-wise (test_unary)
    "sigmoid_grad_from_input": Variant({"Tensor.sigmoid": '''
def sigmoid(self):
    out = Tensor(np.exp(-np.logaddexp(0, -self.data)), _prev=(self,))

    def _backward():
        self.grad += out.grad * self.data * (1 - self.data)  # x(1 - x): the input, not σ(x)
    out._backward = _backward
    return out
'''}, mistake="evaluated at the input"),
    "tanh_grad_missing_square": Variant({"Tensor.tanh": '''
def tanh(self):
    out = Tensor(np.tanh(self.data), _prev=(self,))

    def _backward():
        self.grad += out.grad * (1 - out.data)  # 1 - tanh, not 1 - tanh²
    out._backward = _backward
    return out
'''}, mistake="square is missing"),
    "log_grad_is_x": Variant({"Tensor.log": '''
def log(self):
    out = Tensor(np.log(self.data), _prev=(self,))

    def _backward():
        self.grad += out.grad * self.data  # x instead of 1/x
    out._backward = _backward
    return out
'''}, mistake="1/a"),
    "exp_grad_one": Variant({"Tensor.exp": '''
def exp(self):
    out = Tensor(np.exp(self.data), _prev=(self,))

    def _backward():
        self.grad += out.grad  # d(eˣ)/dx taken as 1
    out._backward = _backward
    return out
'''}, mistake="taken as 1"),
    "relu_grad_wrong_side": Variant({"Tensor.relu": '''
def relu(self):
    out = Tensor(np.maximum(self.data, 0), _prev=(self,))

    def _backward():
        self.grad += out.grad * (self.data < 0)  # passes the gradient where the input is negative
    out._backward = _backward
    return out
'''}, mistake="where a < 0"),
    "sigmoid_overflows": Variant({"Tensor.sigmoid": '''
def sigmoid(self):
    out = Tensor(1 / (1 + np.exp(-self.data)), _prev=(self,))  # exp(1000) overflows

    def _backward():
        self.grad += out.grad * out.data * (1 - out.data)
    out._backward = _backward
    return out
'''}, mistake="overflow"),
    # ------------------------------------------------------------------ reductions and shapes (test_reductions)
    "sum_backward_along_last_axis": Variant({"Tensor.sum": '''
def sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _prev=(self,))

    def _backward():
        g = out.grad if keepdims or axis is None else out.grad[..., None]  # always the last axis
        self.grad += g
    out._backward = _backward
    return out
'''}, mistake="at the end"),
    "mean_grad_divides_by_total_size": Variant({"Tensor.mean": '''
def mean(self, axis=None, keepdims=False):
    out = Tensor(self.data.mean(axis=axis, keepdims=keepdims), _prev=(self,))

    def _backward():
        g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
        self.grad += g / self.data.size  # the total size, not the size of the averaged axes
    out._backward = _backward
    return out
'''}, mistake="total size"),
    "sum_ignores_keepdims": Variant({"Tensor.sum": '''
def sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis), _prev=(self,))

    def _backward():
        g = out.grad if axis is None else np.expand_dims(out.grad, axis)
        self.grad += g
    out._backward = _backward
    return out
'''}, mistake="keepdims argument is ignored"),
    "mean_ignores_axis": Variant({"Tensor.mean": '''
def mean(self, axis=None, keepdims=False):
    return self.sum() * (1.0 / self.data.size)
'''}, mistake="axis argument is ignored"),
    "reshape_backward_not_reshaped": Variant({"Tensor.reshape": '''
def reshape(self, *shape):
    out = Tensor(self.data.reshape(*shape), _prev=(self,))

    def _backward():
        self.grad = self.grad + out.grad  # left in the output's shape (or a broadcasting error)
    out._backward = _backward
    return out
'''}, mistake="reshaped back"),
    "T_swaps_first_two_axes": Variant({"Tensor.T": '''
@property
def T(self):
    return self.transpose(1, 0)  # right for matrices only: the SPEC's T reverses all axes (3-D too)
'''}, mistake="reverse all of them"),
    "transpose_backward_same_axes": Variant({"Tensor.transpose": '''
def transpose(self, *axes):
    axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
    axes = axes or tuple(reversed(range(self.data.ndim)))
    out = Tensor(self.data.transpose(axes), _prev=(self,))

    def _backward():
        self.grad += out.grad.transpose(axes)  # the same permutation, not its inverse
    out._backward = _backward
    return out
'''}, mistake="argsort"),
    "transpose_default_swaps_last_two": Variant({"Tensor.transpose": '''
def transpose(self, *axes):
    axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
    if not axes:  # PyTorch's .mT habit: only the last two axes
        axes = tuple(range(self.data.ndim - 2)) + (self.data.ndim - 1, self.data.ndim - 2)
    out = Tensor(self.data.transpose(axes), _prev=(self,))

    def _backward():
        self.grad += out.grad.transpose(np.argsort(axes))
    out._backward = _backward
    return out
'''}, mistake="reverse every axis"),
    # ------------------------------------------------------------------ matrix products (test_matmul)
    "matmul_dot_T_on_batches": Variant({"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data @ other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad @ other.data.T, self.shape)  # .T reverses ALL axes of a 3-D array
        other.grad += unbroadcast(self.data.T @ out.grad, other.shape)
    out._backward = _backward
    return out
'''}, mistake="last two axes"),
    "matmul_grad_transposed": Variant({"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data @ other.data, _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(out.grad @ other.data, self.shape)  # g B instead of g Bᵀ
        other.grad += unbroadcast(self.data @ out.grad, other.shape)
    out._backward = _backward
    return out
'''}, mistake="transposes"),
    "matmul_batched_no_unbroadcast": Variant({"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data @ other.data, _prev=(self, other))

    def _backward():
        self.grad = self.grad + out.grad @ other.data.swapaxes(-1, -2)  # batch axes never summed
        other.grad = other.grad + self.data.swapaxes(-1, -2) @ out.grad
    out._backward = _backward
    return out
'''}, mistake="left in the broadcast"),
    # ------------------------------------------------------------------ logsumexp and cross-entropy (test_losses)
    "logsumexp_without_max": Variant({"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    out = (self.exp().sum(axis=axis, keepdims=keepdims)).log()  # overflows for values near 1000
    return out
'''}, mistake="overflow"),
    "logsumexp_max_without_keepdims": Variant({"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = self.data.max(axis=axis)  # (N,) broadcasts along the wrong axis of (N, C)
    lse = m + np.log(np.exp(self.data - m).sum(axis=axis))
    out = Tensor(np.expand_dims(lse, axis) if keepdims else lse, _prev=(self,))

    def _backward():
        g = out.grad if keepdims else np.expand_dims(out.grad, axis)
        self.grad += g * np.exp(self.data - np.expand_dims(lse, axis))
    out._backward = _backward
    return out
'''}, mistake="keepdims=True"),
    "logsumexp_grad_ignores_upstream": Variant({"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = self.data.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(self.data - m).sum(axis=axis, keepdims=True))
    out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

    def _backward():
        self.grad += np.exp(self.data - lse)  # the softmax alone: out.grad is forgotten
    out._backward = _backward
    return out
'''}, mistake="forgets the incoming gradient"),
    "logsumexp_backward_unstable_softmax": Variant({"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = self.data.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(self.data - m).sum(axis=axis, keepdims=True))
    out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

    def _backward():
        e = np.exp(self.data)  # the forward is stable, the softmax here is not
        self.grad += out.grad.reshape(lse.shape) * e / e.sum(axis=axis, keepdims=True)
    out._backward = _backward
    return out
'''}, mistake="overflow"),
    "cross_entropy_logsumexp_over_batch": Variant({"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    return (logits.logsumexp(axis=0) - (logits * onehot).sum(axis=-1)).mean()  # normalised over the batch axis
'''}, mistake="over the classes"),
    "cross_entropy_sum": Variant({"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    return (logits.logsumexp(axis=-1) - (logits * onehot).sum(axis=-1)).sum()  # sum, not mean
'''}, mistake="over the batch"),
    "cross_entropy_grad_without_onehot": Variant({"cross_entropy": '''
def cross_entropy(logits, labels):
    z = logits.data
    n = z.shape[0]
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    out = Tensor(-log_p[np.arange(n), labels].mean(), _prev=(logits,))

    def _backward():
        logits.grad += out.grad * np.exp(log_p) / n  # softmax/N: the onehot is never subtracted
    out._backward = _backward
    return out
'''}, mistake="one-hot"),
    "cross_entropy_softmax_then_log": Variant({"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    e = logits.exp()  # overflows for large logits
    p = e / e.sum(axis=-1, keepdims=True)
    return -((p.log() * onehot).sum(axis=-1)).mean()
'''}, mistake="overflow"),
    "cross_entropy_onehot_batch_size": Variant({"cross_entropy": '''
def cross_entropy(logits, labels):
    onehot = np.eye(logits.shape[0])[labels]  # N × N: the batch size, not the number of classes
    return (logits.logsumexp(axis=-1) - (logits * onehot).sum(axis=-1)).mean()
'''}, mistake="np.eye(C)"),
    # ------------------------------------------------------------------ Linear and MLP (test_mlp)
    "linear_layout_in_out": Variant({"Linear": '''
class Linear:
    def __init__(self, in_features, out_features, rng=None):
        rng = np.random.default_rng(rng)
        self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (in_features, out_features)), requires_grad=True)
        self.b = Tensor(np.zeros(out_features), requires_grad=True)

    def __call__(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        return x @ self.W + self.b  # W: (in, out)

    def parameters(self):
        return [self.W, self.b]
'''}, mistake="transposed"),
    "linear_bias_row_vector": Variant({"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (out_features, in_features)), requires_grad=True)
    self.b = Tensor(np.zeros((1, out_features)), requires_grad=True)  # (1, out), not (out,)
'''}, mistake="b should have shape"),
    "linear_init_unit_variance": Variant({"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1.0, (out_features, in_features)), requires_grad=True)  # N(0, 1)
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''}, mistake="not scaled"),
    "linear_init_variance_as_std": Variant({"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / in_features, (out_features, in_features)), requires_grad=True)  # std 1/in
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''}, mistake="standard deviation"),
    "linear_ignores_rng": Variant({"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(0)  # the rng argument is ignored
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (out_features, in_features)), requires_grad=True)
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''}, mistake="rng argument is ignored"),
    "linear_params_without_requires_grad": Variant({"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (out_features, in_features)))
    self.b = Tensor(np.zeros(out_features))
'''}, mistake="requires_grad"),
    "mlp_activation_after_last_layer": Variant({"MLP.__call__": '''
def __call__(self, x):
    for layer in self.layers:
        x = getattr(layer(x), self.activation)()  # squashes the logits too
    return x
'''}, mistake="after the last layer"),
    "mlp_seed_per_layer": Variant({"MLP.__init__": '''
def __init__(self, sizes, activation="tanh", rng=None):
    # each layer makes its own generator from the same seed: equal-shaped layers get equal weights
    self.layers = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    self.activation = activation
'''}, mistake="one generator"),
    "mlp_ignores_activation": Variant({"MLP.__call__": '''
def __call__(self, x):
    for layer in self.layers[:-1]:
        x = layer(x).tanh()  # always tanh
    return self.layers[-1](x)
'''}, mistake="activation argument is ignored"),
    "mlp_parameters_weights_first": Variant({"MLP.parameters": '''
def parameters(self):
    return [layer.W for layer in self.layers] + [layer.b for layer in self.layers]
'''}, mistake="W1, b1, W2, b2"),
    # ------------------------------------------------------------------ SGD and train (test_training)
    "sgd_momentum_sign": Variant({"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            v *= self.momentum
            v -= self.lr * p.grad  # v ← γv − ηg, then θ ← θ − v: uphill
            p.data -= v
'''}, mistake="up the gradient"),
    "sgd_zero_grad_resets_velocity": Variant({"SGD.zero_grad": '''
def zero_grad(self):
    for p in self.params:
        p.grad = None
    self.v = [np.zeros(p.shape) for p in self.params]  # "a clean start": the momentum is lost every step
'''}, mistake="zero_grad() reset the velocities"),
    "linear_init_drawn_transposed": Variant({"Linear.__init__": '''
def __init__(self, in_features, out_features, rng=None):
    rng = np.random.default_rng(rng)
    self.W = Tensor(rng.normal(0.0, 1 / math.sqrt(in_features), (in_features, out_features)).T, requires_grad=True)
    self.b = Tensor(np.zeros(out_features), requires_grad=True)
'''}, mistake="drawn as an (in, out) matrix"),
    "mul_changes_out_grad_in_place": Variant({"Tensor.__mul__": '''
def __mul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(self.data * other.data, _prev=(self, other))

    def _backward():
        g = out.grad
        g *= other.data  # changes out.grad itself
        self.grad += unbroadcast(g, self.shape)
        other.grad += unbroadcast(out.grad * self.data, other.shape)
    out._backward = _backward
    return out
'''}, mistake="changes out.grad in place"),
    "sgd_velocity_not_kept": Variant({"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            v = self.momentum * v + self.lr * p.grad  # rebinds the name: self.v stays 0
            p.data -= v
'''}, mistake="momentum is ignored"),
    "sgd_rebinds_local_name": Variant({"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            v *= self.momentum
            v += self.lr * p.grad
            p = Tensor(p.data - v, requires_grad=True)  # a new Tensor bound to a local name: the model never changes
'''}, mistake="never changes"),
    "sgd_not_in_place": Variant({"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            v *= self.momentum
            v += self.lr * p.grad
            p.data = p.data - v  # a new array: the old p.data (shared elsewhere) is not updated
'''}, mistake="in place"),
    "sgd_momentum_dampened": Variant({"SGD.step": '''
def step(self):
    for p, v in zip(self.params, self.v):
        if p.grad is not None:
            v *= self.momentum
            v += (1 - self.momentum) * self.lr * p.grad  # an EMA, not A1's rule
            p.data -= v
'''}, mistake="dampened"),
    "sgd_zero_grad_does_nothing": Variant({"SGD.zero_grad": '''
def zero_grad(self):
    for p in self.params:
        g = p.grad
        g = None  # rebinds a local name
'''}, mistake="zero_grad"),
    "train_ignores_lr": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), 0.5)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''}, mistake="lr argument is ignored"),
    "train_ignores_epochs": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(300):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''}, mistake="epochs argument is ignored"),
    "train_ignores_rng": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", 0)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''}, mistake="rng argument is ignored"),
    "train_without_zero_grad": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        cross_entropy(model(X), y).backward()  # grads pile up over the epochs
        opt.step()
    return model
'''}, mistake="never zeroed"),
    "train_classes_from_unique_labels": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, len(np.unique(y))], "tanh", rng)  # a label that never occurs gets no output
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''}, mistake="C = max(y) + 1"),
    "train_with_momentum": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "tanh", rng)
    opt = SGD(model.parameters(), lr, momentum=0.9)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''}, mistake="momentum"),
    "train_relu": Variant({"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    model = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "relu", rng)
    opt = SGD(model.parameters(), lr)
    X = Tensor(X)
    for _ in range(epochs):
        opt.zero_grad()
        cross_entropy(model(X), y).backward()
        opt.step()
    return model
'''}, mistake="tanh"),
}

CORRECT: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ other topological orders
    "topological_sort_kahn": {"topological_sort": '''
def topological_sort(root):
    nodes, stack = {id(root): root}, [root]
    while stack:  # collect every ancestor
        for parent in stack.pop()._prev:
            if id(parent) not in nodes:
                nodes[id(parent)] = parent
                stack.append(parent)
    pending = {i: len({id(p) for p in n._prev}) for i, n in nodes.items()}
    users = {i: [] for i in nodes}
    for i, n in nodes.items():
        for pid in {id(p) for p in n._prev}:
            users[pid].append(i)
    ready = [i for i, k in pending.items() if k == 0]
    order = []
    while ready:  # Kahn: a node is ready once all its inputs are listed
        i = ready.pop(0)
        order.append(nodes[i])
        for u in users[i]:
            pending[u] -= 1
            if pending[u] == 0:
                ready.append(u)
    return order
'''},
    "topological_sort_recursive_dfs": {"topological_sort": '''
def topological_sort(root):
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
    build_topo(root)
    return topo
'''},
    "backward_builds_its_own_order": {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        assert self.data.size == 1, "give backward() a grad for a non-scalar tensor"
        grad = np.ones_like(self.data)
    # reverse topological order directly: a node runs once all its users have run (counting users)
    users, seen, stack = {}, {self}, [self]
    while stack:
        node = stack.pop()
        for parent in node._prev:
            users[parent] = users.get(parent, 0) + 1
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    for node in seen:
        if node._prev or node.grad is None:
            node.grad = np.zeros_like(node.data)
    self.grad = self.grad + grad
    ready = [self]
    while ready:
        node = ready.pop()
        node._backward()
        for parent in node._prev:
            users[parent] -= 1
            if users[parent] == 0:
                ready.append(parent)
'''},
    "backward_in_creation_order": {
        "Tensor.__init__": '''
def __init__(self, data, requires_grad=False, _prev=()):
    self.data = np.array(data, dtype=np.float64)
    self.grad = None
    self.requires_grad = requires_grad
    self._prev = _prev
    self._backward = lambda: None
    Tensor._clock = getattr(Tensor, "_clock", 0) + 1  # a tape: inputs are always created before outputs
    self._created = Tensor._clock
''',
        "Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        if self.data.size != 1:
            raise RuntimeError("backward() needs grad for a tensor with more than one element")
        grad = 1.0
    nodes = {self}
    stack = [self]
    while stack:
        for parent in stack.pop()._prev:
            if parent not in nodes:
                nodes.add(parent)
                stack.append(parent)
    tape = sorted(nodes, key=lambda t: t._created)  # creation order is a topological order
    for node in tape:
        if node._prev or node.grad is None:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(tape):
        node._backward()
'''},
    "intermediates_drop_grad": {"Tensor.backward": '''
def backward(self, grad=None):
    if grad is None:
        if self.data.size != 1:
            raise ValueError("backward() needs a grad for a tensor with more than one element")
        grad = np.ones(self.shape)
    topo = topological_sort(self)
    for node in topo:
        if node.grad is None or node._prev:
            node.grad = np.zeros(node.shape)
    self.grad += grad
    for node in reversed(topo):
        node._backward()
        if node._prev:
            node.grad = None  # as PyTorch: only leaves keep their grad
'''},
    # ------------------------------------------------------------------ operations written another way
    "sub_as_add_neg": {
        "Tensor.__sub__": '''
def __sub__(self, other):
    return self + (-other)
''',
        "Tensor.__rsub__": '''
def __rsub__(self, other):
    return (-self) + other
'''},
    "div_as_mul_pow": {
        "Tensor.__truediv__": '''
def __truediv__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    return self * other ** -1
''',
        "Tensor.__rtruediv__": '''
def __rtruediv__(self, other):
    return other * self ** -1
'''},
    "neg_own_closure": {"Tensor.__neg__": '''
def __neg__(self):
    out = Tensor(-self.data, _prev=(self,))

    def _backward():
        self.grad -= out.grad
    out._backward = _backward
    return out
'''},
    "init_without_copy_and_reshape_view": {
        "Tensor.__init__": '''
def __init__(self, data, requires_grad=False, _prev=()):
    self.data = np.asarray(data, dtype=np.float64)  # no copy: a reshape result is a view of its input
    self.grad = None
    self.requires_grad = requires_grad or any(p.requires_grad for p in _prev)
    self._prev = _prev
    self._backward = lambda: None
''',
        "Tensor.reshape": '''
def reshape(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    out = Tensor(self.data.view().reshape(shape), _prev=(self,))

    def _backward():
        self.grad += out.grad.reshape(self.shape)
    out._backward = _backward
    return out
'''},
    "unbroadcast_with_loops": {"unbroadcast": '''
def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad
'''},
    "logsumexp_log1p": {"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = np.max(self.data, axis=axis, keepdims=True)
    s = np.sum(np.exp(self.data - m), axis=axis, keepdims=True)  # ≥ 1: the max contributes e⁰
    lse = m + np.log1p(s - 1)
    out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

    def _backward():
        g = out.grad.reshape(lse.shape)
        self.grad += g * np.exp(self.data - m) / s
    out._backward = _backward
    return out
'''},
    "logsumexp_from_tensor_ops": {"Tensor.logsumexp": '''
def logsumexp(self, axis=-1, keepdims=False):
    m = Tensor(np.max(self.data, axis=axis, keepdims=True))  # a constant: the gradient does not depend on it
    lse = (self - m).exp().sum(axis=axis, keepdims=True).log() + m
    if keepdims:
        return lse
    return lse.reshape(np.squeeze(lse.data, axis=axis).shape)
'''},
    "matmul_einsum": {"Tensor.__matmul__": '''
def __matmul__(self, other):
    other = other if isinstance(other, Tensor) else Tensor(other)
    out = Tensor(np.einsum("...ij,...jk->...ik", self.data, other.data), _prev=(self, other))

    def _backward():
        self.grad += unbroadcast(np.einsum("...ik,...jk->...ij", out.grad, other.data), self.shape)
        other.grad += unbroadcast(np.einsum("...ij,...ik->...jk", self.data, out.grad), other.shape)
    out._backward = _backward
    return out
'''},
    "mean_own_closure_and_sum_broadcast_to": {
        "Tensor.mean": '''
def mean(self, axis=None, keepdims=False):
    out = Tensor(np.mean(self.data, axis=axis, keepdims=keepdims), _prev=(self,))
    n = self.data.size // max(out.data.size, 1)

    def _backward():
        g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
        self.grad += np.broadcast_to(g, self.shape) / n
    out._backward = _backward
    return out
''',
        "Tensor.sum": '''
def sum(self, axis=None, keepdims=False):
    out = Tensor(np.sum(self.data, axis=axis, keepdims=keepdims), _prev=(self,))
    kept = np.sum(self.data, axis=axis, keepdims=True).shape

    def _backward():
        self.grad += np.broadcast_to(out.grad.reshape(kept), self.shape)
    out._backward = _backward
    return out
'''},
    "sigmoid_tanh_form_relu_where": {
        "Tensor.sigmoid": '''
def sigmoid(self):
    e = np.exp(-np.abs(self.data))  # never overflows
    out = Tensor(np.where(self.data >= 0, 1 / (1 + e), e / (1 + e)), _prev=(self,))

    def _backward():
        self.grad += out.grad * out.data * (1 - out.data)
    out._backward = _backward
    return out
''',
        "Tensor.relu": '''
def relu(self):
    out = Tensor(np.where(self.data > 0, self.data, 0.0), _prev=(self,))

    def _backward():
        self.grad += np.where(out.data > 0, out.grad, 0.0)
    out._backward = _backward
    return out
'''},
    "cross_entropy_fused_op": {"cross_entropy": '''
def cross_entropy(logits, labels):
    z = logits.data
    n = z.shape[0]
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    out = Tensor(-log_p[np.arange(n), labels].mean(), _prev=(logits,))

    def _backward():
        g = np.exp(log_p)
        g[np.arange(n), labels] -= 1
        logits.grad += out.grad * g / n
    out._backward = _backward
    return out
'''},
    "cross_entropy_with_mean_of_picked": {"cross_entropy": '''
def cross_entropy(logits, labels):
    n, c = logits.shape
    mask = np.zeros((n, c))
    mask[np.arange(n), labels] = 1.0
    picked = (logits * mask).sum(axis=1)
    return logits.logsumexp(axis=1).mean() - picked.mean()
'''},
    # ------------------------------------------------------------------ nn written another way
    "linear_standard_normal_scaled": {"Linear": '''
class Linear:
    def __init__(self, in_features, out_features, rng=None):
        gen = np.random.default_rng(rng)
        self.W = Tensor(gen.standard_normal((out_features, in_features)) * math.sqrt(1.0 / in_features),
                        requires_grad=True)
        self.b = Tensor(np.zeros((out_features,)), requires_grad=True)

    def __call__(self, x):
        if not isinstance(x, Tensor):
            x = Tensor(x)
        return x @ self.W.transpose() + self.b

    def parameters(self):
        return [self.W, self.b]
'''},
    "mlp_activation_table": {"MLP": '''
class MLP:
    def __init__(self, sizes, activation="tanh", rng=None):
        gen = np.random.default_rng(rng)
        self.layers = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            self.layers.append(Linear(n_in, n_out, rng=gen))
        self.act = {"tanh": Tensor.tanh, "sigmoid": Tensor.sigmoid, "relu": Tensor.relu}[activation]

    def __call__(self, x):
        h = x
        for k, layer in enumerate(self.layers):
            h = layer(h)
            if k < len(self.layers) - 1:
                h = self.act(h)
        return h

    def parameters(self):
        params = []
        for layer in self.layers:
            params.extend(layer.parameters())
        return params
'''},
    "sgd_branches_and_zero_fill": {"SGD": '''
class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            if self.momentum == 0:
                p.data -= self.lr * p.grad
            else:
                v = self.velocity.get(i, np.zeros_like(p.data))
                v = self.momentum * v + self.lr * p.grad
                self.velocity[i] = v
                p.data -= v

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad = np.zeros_like(p.grad)  # zeros instead of None
'''},
    "sgd_pytorch_form": {"SGD.step": '''
def step(self):
    # PyTorch's form b ← γb + g; θ ← θ − η·b: with a constant η, b = v/η, the same steps as A1's rule
    for p, b in zip(self.params, self.v):
        if p.grad is None:
            continue
        b *= self.momentum
        b += p.grad
        p.data -= self.lr * b
'''},
    "train_zero_grad_through_loss": {"train": '''
def train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0):
    n_classes = int(y.max()) + 1
    model = MLP([X.shape[1]] + list(hidden) + [n_classes], activation="tanh", rng=rng)
    optimizer = SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        loss = cross_entropy(model(Tensor(X)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
'''},
    # ------------------------------------------------------------------ whole engines in other styles
    "engine_accumulate_helper": {"Tensor": _ACCUMULATE_ENGINE},
    "engine_function_classes": {"Tensor": _FUNCTION_ENGINE, "topological_sort": _FUNCTION_TOPO},
}
