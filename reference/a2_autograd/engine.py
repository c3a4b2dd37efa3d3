"""A reverse-mode autograd engine on NumPy arrays: Tensor, its operations and their local backward rules."""
import numpy as np


def unbroadcast(grad, shape):
    """Sum grad down to shape, undoing NumPy broadcasting: sum over the leading axes grad has in excess,
    and over every axis where shape has size 1 (keeping it). unbroadcast(ones((2, 3, 4)), (3, 1)) = 8·ones((3, 1))."""
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def topological_sort(root):
    """[every tensor root depends on, root included], each exactly once and after all of its inputs (root last).
    E.g. a depth-first search that appends a node once all its inputs are listed (recursive, or with a stack)."""
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)  # all its inputs are already in order
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node._prev if p not in visited)
    return order


class Tensor:
    """An ndarray (float64) that remembers how it was computed: its inputs _prev and a closure _backward
    that, given out.grad = ∂L/∂out, adds ∂L/∂input = (∂out/∂input)ᵀ out.grad to each input's grad."""

    __array_ufunc__ = None  # so that ndarray + Tensor calls Tensor.__radd__ instead of NumPy's own +

    def __init__(self, data, requires_grad=False, _prev=()):
        """data: float64 ndarray (numbers, lists and int arrays are cast); grad: None until backward reaches it;
    _prev: the inputs of the operation that made it (none for a leaf); _backward: its local backward rule."""
        self.data = np.array(data, dtype=np.float64)
        self.grad = None
        self.requires_grad = requires_grad or any(p.requires_grad for p in _prev)
        self._prev = _prev
        self._backward = lambda: None  # a leaf passes nothing on

    @property
    def shape(self):
        """The shape of data."""
        return self.data.shape

    # ------------------------------------------------------------------ binary operations
    def __add__(self, other):
        """out = a + b (broadcast); ∂L/∂a = unbroadcast(g, a.shape), ∂L/∂b = unbroadcast(g, b.shape)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data + other.data, _prev=(self, other))

        def _backward():
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)
        out._backward = _backward
        return out

    def __mul__(self, other):
        """out = a ⊙ b; ∂L/∂a = unbroadcast(g ⊙ b), ∂L/∂b = unbroadcast(g ⊙ a)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data * other.data, _prev=(self, other))

        def _backward():
            self.grad += unbroadcast(out.grad * other.data, self.shape)
            other.grad += unbroadcast(out.grad * self.data, other.shape)
        out._backward = _backward
        return out

    def __sub__(self, other):
        """out = a − b; ∂L/∂a = unbroadcast(g), ∂L/∂b = −unbroadcast(g)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data - other.data, _prev=(self, other))

        def _backward():
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad -= unbroadcast(out.grad, other.shape)
        out._backward = _backward
        return out

    def __truediv__(self, other):
        """out = a / b; ∂L/∂a = unbroadcast(g / b), ∂L/∂b = −unbroadcast(g ⊙ a / b²)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data / other.data, _prev=(self, other))

        def _backward():
            self.grad += unbroadcast(out.grad / other.data, self.shape)
            other.grad -= unbroadcast(out.grad * self.data / other.data ** 2, other.shape)
        out._backward = _backward
        return out

    def __matmul__(self, other):
        """out = a @ b, both at least 2-D, batch axes broadcast; with Xᵀ swapping the last two axes:
        ∂L/∂a = unbroadcast(g @ bᵀ, a.shape), ∂L/∂b = unbroadcast(aᵀ @ g, b.shape)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data @ other.data, _prev=(self, other))

        def _backward():
            self.grad += unbroadcast(out.grad @ other.data.swapaxes(-1, -2), self.shape)
            other.grad += unbroadcast(self.data.swapaxes(-1, -2) @ out.grad, other.shape)
        out._backward = _backward
        return out

    def __pow__(self, n):
        """out = aⁿ for a Python scalar n; ∂L/∂a = g ⊙ n·aⁿ⁻¹."""
        out = Tensor(self.data ** n, _prev=(self,))

        def _backward():
            self.grad += out.grad * n * self.data ** (n - 1)
        out._backward = _backward
        return out

    def __neg__(self):
        """−a = a · (−1)."""
        return self * -1.0

    def __radd__(self, other):
        """other + a = a + other."""
        return self + other

    def __rmul__(self, other):
        """other · a = a · other."""
        return self * other

    def __rsub__(self, other):
        """other − a, with other a number or an array."""
        return Tensor(other) - self

    def __rtruediv__(self, other):
        """other / a, with other a number or an array."""
        return Tensor(other) / self

    # ------------------------------------------------------------------ element-wise functions
    def exp(self):
        """out = eᵃ; ∂L/∂a = g ⊙ out."""
        out = Tensor(np.exp(self.data), _prev=(self,))

        def _backward():
            self.grad += out.grad * out.data
        out._backward = _backward
        return out

    def log(self):
        """out = ln a; ∂L/∂a = g / a."""
        out = Tensor(np.log(self.data), _prev=(self,))

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        """out = tanh a; ∂L/∂a = g ⊙ (1 − out²)."""
        out = Tensor(np.tanh(self.data), _prev=(self,))

        def _backward():
            self.grad += out.grad * (1 - out.data ** 2)
        out._backward = _backward
        return out

    def sigmoid(self):
        """out = σ(a) = 1/(1 + e⁻ᵃ) = exp(−log(1 + e⁻ᵃ)), stable for any a; ∂L/∂a = g ⊙ out(1 − out)."""
        out = Tensor(np.exp(-np.logaddexp(0, -self.data)), _prev=(self,))

        def _backward():
            self.grad += out.grad * out.data * (1 - out.data)
        out._backward = _backward
        return out

    def relu(self):
        """out = max(a, 0); ∂L/∂a = g where a > 0, else 0 (relu'(0) = 0)."""
        out = Tensor(np.maximum(self.data, 0), _prev=(self,))

        def _backward():
            self.grad += out.grad * (self.data > 0)
        out._backward = _backward
        return out

    # ------------------------------------------------------------------ reductions and shapes
    def sum(self, axis=None, keepdims=False):
        """out = Σ over axis (None: all); ∂L/∂a = g with the summed axes put back (size 1), broadcast to a's shape."""
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _prev=(self,))

        def _backward():
            g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
            self.grad += g  # broadcasts over the summed axes
        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        """out = sum(axis) / n, n = the number of elements averaged (a.size / out.size)."""
        s = self.sum(axis, keepdims)
        return s * (s.data.size / self.data.size)

    def reshape(self, *shape):
        """out = a with a new shape (reshape(2, 3) or reshape((2, 3))); ∂L/∂a = g reshaped back to a's shape."""
        out = Tensor(self.data.reshape(*shape), _prev=(self,))

        def _backward():
            self.grad += out.grad.reshape(self.shape)
        out._backward = _backward
        return out

    def transpose(self, *axes):
        """out = a with its axes permuted (none given: reversed), as ndarray.transpose;
        ∂L/∂a = g permuted by the inverse permutation argsort(axes)."""
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = axes or tuple(reversed(range(self.data.ndim)))
        out = Tensor(self.data.transpose(axes), _prev=(self,))

        def _backward():
            self.grad += out.grad.transpose(np.argsort(axes))
        out._backward = _backward
        return out

    @property
    def T(self):
        """All axes reversed, as ndarray.T."""
        return self.transpose()

    def logsumexp(self, axis=-1, keepdims=False):
        """out = log Σ e^a over axis = m + log Σ e^(a − m), m = max over axis (no overflow);
        ∂L/∂a = g ⊙ softmax(a) = g ⊙ e^(a − out) (g and out with the axis kept)."""
        m = self.data.max(axis=axis, keepdims=True)
        lse = m + np.log(np.exp(self.data - m).sum(axis=axis, keepdims=True))
        out = Tensor(lse if keepdims else np.squeeze(lse, axis=axis), _prev=(self,))

        def _backward():
            self.grad += out.grad.reshape(lse.shape) * np.exp(self.data - lse)
        out._backward = _backward
        return out

    # ------------------------------------------------------------------ backpropagation
    def backward(self, grad=None):
        """Adds ∂L/∂t to t.grad for every tensor t this one depends on, where L = Σ grad ⊙ self
        (grad defaults to 1 for a size-1 tensor). Leaves accumulate across calls until zero_grad;
        intermediate results start each call from zero. Runs each _backward in reverse topological order,
        so a node's grad is complete before it is passed on."""
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward() without grad needs a single-element tensor, not shape {self.shape}")
            grad = np.ones(self.shape)
        topo = topological_sort(self)
        for node in topo:
            if node.grad is None or node._prev:  # leaves keep what earlier calls accumulated
                node.grad = np.zeros(node.shape)
        self.grad += grad
        for node in reversed(topo):
            node._backward()

    def zero_grad(self):
        """Sets grad to None on every tensor of this tensor's graph: itself, intermediates and leaves."""
        for node in topological_sort(self):
            node.grad = None
