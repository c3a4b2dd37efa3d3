"""The trusted side of Assignment 2's hidden tests: programs, their oracle, and the slips they name.

A :class:`Program` is what one check sends to the sandbox (``harness/programs.py`` runs it on the
student's own ``Tensor`` with the real Python operators, so ``2 * a`` calls ``__rmul__``):

    p = Program()
    a, b = p.leaf("a", x), p.leaf("b", y)
    t = p("t", "sub", 1.0, a)          # t = 1.0 - a   (__rsub__)
    u = p("u", "mul", t, b)            # u = t * b
    p.backward(u, g)

The oracle is the same program replayed in torch float64 (:meth:`Program.expected`). The likely
mistakes a failing check names come from :meth:`Program.simulate`: a small NumPy model of an
autograd engine whose rules and traversal can each be switched to a known slip (:data:`BUGS`:
``"sub_sign"``, ``"assign"`` for ``=`` instead of ``+=``, ``"recursive"`` for a backward that
passes a gradient on before it is complete, ...). Both are memoised on the program, which the tests
build once per process under ``checks.cached``: nothing here depends on a student's answer.

:func:`check_backwards` runs a program in one round trip and checks, for each ``backward`` in it, the
root's value and the grad of every leaf it depends on, naming a slip where the answer matches one.
If the student's code raises, each root's part is run on its own: the parts that run are checked
(a named slip beats the error), and the error is reported with the operations of the part that
raised and its likely cause (:func:`error_hint`: a gradient of the wrong shape, a matmul transpose,
a grad still None, ...). Every leaf's data must come back unchanged.

Not collected by pytest (not a test_*.py module); imported by the tests as
``autograder.a2_autograd.oracle``.
"""
from __future__ import annotations

import contextlib
import operator

import numpy as np

from autograder import checks

# ------------------------------------------------------------------------------------------- slips

SUM_EXPAND = ("put the reduced axis back (np.expand_dims(g, axis)) before broadcasting the gradient to the input's "
              "shape: broadcast as it is, g lines up with the last axes")
ONE_USE = ("a tensor used twice in one operation gets the gradient of one use only (a dict or set keyed by input, or = instead of +=): a - a and a * a need the sum over both uses")
ORDER = ("backward runs a tensor's local rule before that tensor's gradient is complete (breadth-first, pre-order, or "
         "a visited set while recursing): run the rules in reverse topological order, each tensor after all of its "
         "users, so it receives the sum over every use first")
BUGS = {
    # binary operations
    "sub_sign": "a - b passes +grad to b: ∂(a − b)/∂b = −1",
    "rsub_swapped": "1 - a computes a - 1: __rsub__(self, other) must return other − self",
    "mul_own": "each factor of a * b gets grad times its own value: ∂(a·b)/∂a = b and ∂(a·b)/∂b = a",
    "mul_inplace": "mul's backward changes out.grad in place (g = out.grad; g *= b), so b then receives g·b·a: "
                   "compute new arrays (out.grad * b), never modify out.grad",
    "div_no_square": "the denominator's gradient misses the square: ∂(a/b)/∂b = −a/b²",
    "div_sign": "the denominator's gradient has the wrong sign: ∂(a/b)/∂b = −a/b²",
    "rtruediv_swapped": "2 / a computes a / 2: __rtruediv__(self, other) must return other / self",
    "pow_n_out": "the power rule uses the output: ∂(aⁿ)/∂a = n·aⁿ⁻¹, not n·aⁿ",
    "pow_no_n": "the power rule misses the factor n: ∂(aⁿ)/∂a = n·aⁿ⁻¹",
    "matmul_T": ".T reverses every axis: in a batched product transpose only the last two axes (swapaxes(-1, -2))",
    "matmul_no_transpose": "matmul's gradients miss their transposes: ∂L/∂a = g @ bᵀ and ∂L/∂b = aᵀ @ g",
    # element-wise functions
    "neg_sign": "-a passes +grad back: ∂(−a)/∂a = −1",
    "log_out": "log's gradient divides by the output: ∂(ln a)/∂a = 1/a",
    "tanh_no_square": "tanh' is 1 − tanh²(a): the square is missing",
    "tanh_input": "tanh' is evaluated at the input: it is 1 − out² with out = tanh(a), not 1 − a²",
    "sigmoid_input": "sigmoid' is evaluated at the input: it is s(1 − s) with s = sigmoid(a), not a(1 − a)",
    "sigmoid_no_one_minus": "sigmoid' is s(1 − s) with s = sigmoid(a), not s",
    "exp_input": "exp's gradient uses the input: ∂(eᵃ)/∂a = eᵃ (the output), not a",
    "exp_one": "exp's gradient is taken as 1: ∂(eᵃ)/∂a = eᵃ (the output)",
    "log_x": "log's gradient multiplies by a: ∂(ln a)/∂a = 1/a",
    "relu_wrong_side": "relu passes the gradient where a < 0: it passes it where a > 0 and blocks it elsewhere",
    "relu_pass_all": "relu passes the gradient everywhere: it is 0 where a < 0",
    # reductions and shapes
    "sum_no_expand": f"sum over an axis: {SUM_EXPAND}",
    "sum_last_axis": "the gradient of a sum over an axis gets that axis back at the end (g[..., None]): put it back "
                     "where it was summed, np.expand_dims(g, axis)",
    "keepdims_ignored": "the keepdims argument is ignored: with keepdims=True the reduced axes stay, with size 1",
    "axis_ignored": "the axis argument is ignored: the reduction is over every element",
    "transpose_default_last_two": "transpose() with no axes must reverse every axis (as ndarray.transpose), not "
                                  "swap the last two",
    "mean_total": "mean over an axis divides its gradient by the total size: divide by the number of elements "
                  "averaged (the sizes of the reduced axes only)",
    "mean_no_divide": "mean's gradient misses the 1/n",
    "reshape_keep": "reshape's gradient must be reshaped back to the input's shape",
    "transpose_same": "transpose's gradient applies the same permutation again: undo it with the inverse "
                      "permutation np.argsort(axes)",
    "transpose_reverse": "transpose's gradient reverses all axes (.T): undo the permutation given, np.argsort(axes)",
    # losses
    "lse_max_not_added": "logsumexp subtracts the max but does not add it back: log Σ eᵃ = m + log Σ e^(a − m)",
    "lse_no_expand": f"logsumexp over an axis: {SUM_EXPAND}",
    "lse_grad_no_upstream": "logsumexp's gradient forgets the incoming gradient: ∂L/∂a = g ⊙ softmax(a), with g put "
                            "back along the reduced axis",
    "ce_no_onehot": "the one-hot part of cross_entropy's gradient never arrives: ∂CE/∂z = (softmax(z) − onehot(y))/N "
                    "(built from Tensor operations, z is used twice, in logsumexp(z) and in z·onehot, and must receive "
                    "both gradients before it passes them on)",
    "ce_pick_mean_all": "the picked logits zₙ[yₙ] are averaged over all N·C entries: CE = (1/N) Σₙ [logsumexp(zₙ) − "
                        "zₙ[yₙ]], the one-hot product summed over the classes first",
    # broadcasting
    "unbroadcast_keep": "the gradient is left in the broadcast (output) shape: sum it down to the input's shape "
                        "(unbroadcast)",
    "unbroadcast_mean": "the gradient is averaged over the broadcast axes: unbroadcast sums them",
    "unbroadcast_leading": "only the leading broadcast axes are summed: an axis where the input has size 1 "
                           "((5, 4, 1) against (5, 4, 3)) must be summed too, keeping it",
    # the graph
    "assign": "a gradient is assigned (=) instead of accumulated (+=): a tensor used more than once must receive "
              "the sum over all its uses",
    "recursive": "a tensor's gradient is passed on before it is complete (a recursive backward without a "
                 "topological order counts a shared input more than once): run each local rule once, in reverse "
                 "topological order",
    "recursive_set": "a tensor's gradient is passed on before it is complete (a recursive backward without a "
                     "topological order counts a shared input more than once): run each local rule once, in reverse "
                     "topological order",
    "visited": ORDER,
    "topo_duplicates": "topological_sort lists a tensor once per path to it, so backward runs its local rule more "
                       "than once: keep a visited set, so that each tensor appears exactly once",
    "bfs_order": ORDER,
    "root_first": ORDER,
    "assign_add": "a gradient is assigned (=) instead of accumulated (+=) in add's backward: a tensor used more than "
                  "once must receive the sum over all its uses",
    "assign_mul": "a gradient is assigned (=) instead of accumulated (+=) in mul's backward: a tensor used more than "
                  "once must receive the sum over all its uses",
    "assign_sub": "a gradient is assigned (=) instead of accumulated (+=) in sub's backward: a tensor used more than "
                  "once must receive the sum over all its uses",
    "first_use": ONE_USE,
    "last_use": ONE_USE,
    "alias": "two tensors share one grad array (a gradient stored without a copy, then changed in place by +=): "
             "copy it before storing it, or add out of place (grad = grad + g)",
    "no_reset": "intermediate results carry their gradient from the earlier backward into the next: reset them "
                "at the start of each backward (only the leaves accumulate)",
    "no_reset_root_acc": "intermediate results carry their gradient from the earlier backward into the next: "
                         "reset them at the start of each backward (only the leaves accumulate)",
    "zero_leaves_only": "zero_grad clears the leaves only: the intermediates' stale gradients poison the next "
                        "backward; zero_grad clears every tensor of the graph",
    "zero_leaves_only_root_set": "zero_grad clears the leaves only: the intermediates' stale gradients poison the "
                                 "next backward; zero_grad clears every tensor of the graph",
    "reset_all": "backward starts every tensor from zero, leaves included: gradients must accumulate across "
                 "backward calls until zero_grad",
    "seed_ignored": "backward(grad) ignores the grad given (it starts from ones): L = Σ grad ⊙ self",
}
# "<slip>|rev": the same slip with a depth-first order that visits an operation's inputs last to first (the
# order of an explicit-stack sort); the last assignment wins, so "=" slips depend on it
for _slip in ("assign", "assign_add", "assign_mul", "assign_sub"):
    BUGS[f"{_slip}|rev"] = BUGS[_slip]
GRAPH_BUGS = ("first_use", "last_use", "assign", "assign_add", "assign_mul", "assign_sub", "assign|rev",
              "assign_add|rev", "assign_mul|rev", "assign_sub|rev", "recursive", "recursive_set", "visited",
              "bfs_order", "root_first", "topo_duplicates", "alias")
OP_BUGS = ("sub_sign", "rsub_swapped", "mul_own", "mul_inplace", "div_no_square", "div_sign", "rtruediv_swapped",
           "pow_n_out", "pow_no_n", "neg_sign", "log_out", "log_x", "exp_input", "exp_one", "tanh_no_square", "tanh_input",
           "sigmoid_input", "sigmoid_no_one_minus", "relu_pass_all", "relu_wrong_side", "unbroadcast_keep",
           "unbroadcast_mean", "unbroadcast_leading")
SHAPE_BUGS = ("sum_no_expand", "sum_last_axis", "axis_ignored", "keepdims_ignored", "mean_total", "mean_no_divide",
              "reshape_keep", "transpose_same", "transpose_reverse", "transpose_default_last_two", "matmul_T",
              "matmul_no_transpose")
LOSS_BUGS = ("lse_max_not_added", "lse_no_expand", "lse_grad_no_upstream", "ce_no_onehot", "ce_pick_mean_all")
STATE_BUGS = ("no_reset", "no_reset_root_acc", "zero_leaves_only", "zero_leaves_only_root_set", "reset_all",
              "seed_ignored")
ALL_BUGS = GRAPH_BUGS + OP_BUGS + SHAPE_BUGS + LOSS_BUGS + STATE_BUGS

SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "pow": "**", "matmul": "@"}
BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
          "pow": operator.pow, "matmul": operator.matmul}


def _show(x) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    return repr(x)


# ------------------------------------------------------------------------------------------ programs


class Program:
    """Inputs and steps, as plain data for ``harness/programs.py``; see the module docstring."""

    def __init__(self):
        self.inputs: list[tuple] = []
        self.steps: list[tuple] = []
        self.expr: dict[str, str] = {}
        self.leaves: list[str] = []
        self._memo: dict = {}

    # -- building ---------------------------------------------------------------------------------
    def leaf(self, name: str, data, requires_grad: bool = True) -> str:
        if isinstance(data, np.ndarray):
            data = np.array(data, dtype=np.float64) if data.dtype.kind == "f" else np.array(data)
            data.setflags(write=False)
        self._memo.clear()
        self.inputs.append((name, data, requires_grad))
        self.expr[name] = name
        if requires_grad:
            self.leaves.append(name)
        return name

    def __call__(self, name: str, op: str, *operands, **kwargs) -> str:
        operands = tuple(self._frozen(x) for x in operands)
        self._memo.clear()
        self.steps.append((name, op, operands, dict(kwargs)))
        args = [_show(x) for x in operands]
        if op in SYMBOLS:
            text = f"{args[0]} {SYMBOLS[op]} {args[1]}"
        elif op == "neg":
            text = f"-{args[0]}"
        elif op == "T":
            text = f"{args[0]}.T"
        elif op == "cross_entropy":
            text = f"cross_entropy({args[0]}, labels)"
        else:
            text = f"{args[0]}.{op}({', '.join(args[1:] + [f'{k}={v!r}' for k, v in kwargs.items()])})"
        self.expr[name] = text
        return name

    def backward(self, root: str, grad=None) -> None:
        self._memo.clear()
        self.steps.append((None, "backward", (root,) if grad is None else (root, self._frozen(grad)), {}))

    def zero_grad(self, root: str) -> None:
        self._memo.clear()
        self.steps.append((None, "zero_grad", (root,), {}))

    def snapshot(self) -> None:
        self._memo.clear()
        self.steps.append((None, "snapshot", (), {}))

    def shape_of(self, name: str) -> tuple:
        """The shape of tensor ``name`` as the program stands (while it is being built)."""
        self._memo.clear()
        return np.shape(Engine().run(self)["values"][name])

    @staticmethod
    def _frozen(x):
        if isinstance(x, np.ndarray):
            x = np.array(x)
            x.setflags(write=False)
        return x

    def describe(self, name: str) -> str:
        """``name = expression`` (or the expression alone for an input)."""
        return name if self.expr[name] == name else f"{name} = {self.expr[name]}"

    def listing(self, upto: str | None = None) -> str:
        """The program's operations as text: "t = a * b; u = t.sum()"."""
        out = []
        for name, op, _, _ in self.steps:
            if name is not None:
                out.append(f"{name} = {self.expr[name]}")
                if name == upto:
                    break
        return "; ".join(out)

    def operands(self, name: str) -> list[str]:
        """The program tensors the step ``name`` reads."""
        for step, _, operands, _ in self.steps:
            if step == name:
                return [x for x in operands if isinstance(x, str)]
        return []

    def ancestors(self, name: str) -> set[str]:
        """``name`` and every program tensor it depends on."""
        out, todo = set(), [name]
        while todo:
            n = todo.pop()
            if n not in out:
                out.add(n)
                todo.extend(self.operands(n))
        return out

    def sub_listing(self, root: str) -> str:
        """The operations ``root`` depends on, as text."""
        keep = self.ancestors(root)
        return "; ".join(f"{n} = {self.expr[n]}" for n, _, _, _ in self.steps if n in keep)

    def part(self, root: str | None = None, actions: bool = True) -> "Program":
        """The sub-program ``root`` needs (the whole program if None), with its backward actions or without
        any action (``actions=False``: forward only)."""
        key = ("part", root, actions)
        if key not in self._memo:
            keep = self.ancestors(root) if root is not None else set(self.expr)
            sub = Program()
            for name, data, requires_grad in self.inputs:
                if name in keep:
                    sub.leaf(name, data, requires_grad)
            for name, op, operands, kwargs in self.steps:
                if name is not None and name in keep:
                    sub(name, op, *operands, **kwargs)
                elif name is None and actions and op == "backward" and operands[0] in keep:
                    sub.backward(*operands)
            self._memo[key] = sub
        return self._memo[key]

    def roots(self) -> list[str]:
        """The tensors the program calls backward on, in order."""
        return list(dict.fromkeys(x[2][0] for x in self.steps if x[0] is None and x[1] == "backward"))

    # -- what crosses ------------------------------------------------------------------------------
    @property
    def wire(self) -> tuple[list, list]:
        return ([(n, np.array(d) if isinstance(d, np.ndarray) else d, r) for n, d, r in self.inputs],
                [(n, op, tuple(np.array(x) if isinstance(x, np.ndarray) else x for x in xs), dict(kw))
                 for n, op, xs, kw in self.steps])

    def run(self, student) -> dict:
        """The student's values and grads for this program (one round trip)."""
        return student.harness("programs").run(*self.wire)

    # -- oracle and slips --------------------------------------------------------------------------
    def expected(self) -> dict:
        if "torch" not in self._memo:
            self._memo["torch"] = checks.frozen(_torch_run(self))
        return self._memo["torch"]

    def simulate(self, bug: str | None = None) -> dict:
        """The program run by the NumPy engine model with ``bug`` switched on (None: no slip); raises if
        the slip cannot run on this program (a shape it cannot broadcast, say)."""
        key = ("sim", bug)
        if key not in self._memo:
            try:
                with np.errstate(all="ignore"):
                    self._memo[key] = checks.frozen(Engine({bug} if bug else set()).run(self))
            except Exception as exc:  # noqa: BLE001 - the slip does not apply here
                self._memo[key] = exc
        value = self._memo[key]
        if isinstance(value, Exception):
            raise value
        return value


# ------------------------------------------------------------------------------------ torch replay


def _torch_axes(args, kwargs, default=None):
    axis = args[0] if args else kwargs.get("axis", default)
    keepdims = args[1] if len(args) > 1 else kwargs.get("keepdims", False)
    return axis, bool(keepdims)


def _torch_reduce(t, kind, axis, keepdims):
    import torch

    if axis is None:
        axis = tuple(range(t.ndim))
    if isinstance(axis, int):
        axis = (axis,)
    if len(axis) == 0:
        return t * 1.0
    if kind == "logsumexp":
        return torch.logsumexp(t, dim=axis, keepdim=keepdims)
    return getattr(t, kind)(dim=axis, keepdim=keepdims)


def _torch_run(program: Program) -> dict:
    import torch
    import torch.nn.functional as F

    nodes = {}
    for name, data, requires_grad in program.inputs:
        nodes[name] = torch.tensor(np.asarray(data, dtype=np.float64), dtype=torch.float64,
                                   requires_grad=bool(requires_grad))

    def get(x):
        if isinstance(x, str):
            return nodes[x]
        if isinstance(x, np.ndarray):
            return torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64)
        return x

    snapshots = []

    def grads():
        return {leaf: None if nodes[leaf].grad is None else checks.numpy64(nodes[leaf].grad) for leaf in program.leaves}

    for name, op, operands, kwargs in program.steps:
        if name is None:
            if op == "backward":
                root = nodes[operands[0]]
                seed = torch.ones_like(root) if len(operands) == 1 else get(operands[1])
                root.backward(seed, retain_graph=True)
            elif op == "zero_grad":
                graph = program.ancestors(operands[0])
                for leaf in program.leaves:
                    if leaf in graph:
                        nodes[leaf].grad = None
            elif op == "snapshot":
                snapshots.append(grads())
            continue
        if op == "cross_entropy":
            labels = torch.tensor(np.asarray(operands[1]), dtype=torch.long)
            nodes[name] = F.cross_entropy(nodes[operands[0]], labels)
            continue
        args = [get(x) for x in operands]
        if op in BINARY:
            out = BINARY[op](*args)
        elif op == "neg":
            out = -args[0]
        elif op in ("exp", "log", "tanh", "sigmoid", "relu"):
            out = getattr(args[0], op)()
        elif op in ("sum", "mean"):
            out = _torch_reduce(args[0], op, *_torch_axes(args[1:], kwargs))
        elif op == "logsumexp":
            out = _torch_reduce(args[0], op, *_torch_axes(args[1:], kwargs, -1))
        elif op == "reshape":
            shape = args[1] if len(args) == 2 and isinstance(args[1], (tuple, list)) else tuple(args[1:])
            out = args[0].reshape(*shape)
        elif op in ("transpose", "T"):
            axes = args[1] if len(args) == 2 and isinstance(args[1], (tuple, list)) else tuple(args[1:])
            out = args[0].permute(*(axes or reversed(range(args[0].ndim))))
        else:
            raise ValueError(f"grader bug: unknown operation {op}")
        if not isinstance(out, torch.Tensor):
            out = torch.tensor(out, dtype=torch.float64)
        nodes[name] = out
    return {"values": {name: checks.numpy64(t) for name, t in nodes.items()}, "grads": grads(),
            "snapshots": snapshots}


# ----------------------------------------------------------------------------- the engine model


class _Node:
    __slots__ = ("name", "value", "op", "operands", "kwargs", "grad")

    def __init__(self, name, value, op=None, operands=(), kwargs=None):
        self.name, self.value, self.op, self.operands, self.kwargs = name, value, op, operands, kwargs or {}
        self.grad = None

    @property
    def parents(self):
        return [x for x in self.operands if isinstance(x, _Node)]


def _val(x):
    return x.value if isinstance(x, _Node) else (np.asarray(x, dtype=float) if isinstance(x, np.ndarray) else x)


def _axes_of(args, kwargs, default=None):
    axis = args[0] if args else kwargs.get("axis", default)
    keepdims = args[1] if len(args) > 1 else kwargs.get("keepdims", False)
    return axis, bool(keepdims)


def _normal_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis))


def _perm(args, ndim):
    axes = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)
    return tuple(axes) if axes else tuple(reversed(range(ndim)))


class Engine:
    """A NumPy model of the SPEC's engine; each name in ``bugs`` (keys of :data:`BUGS`) switches one
    rule or the traversal to a known slip."""

    def __init__(self, bugs=frozenset()):
        self.rev = any(b.endswith("|rev") for b in bugs)
        self.bugs = {b.split("|")[0] for b in bugs}
        self.visits = 0

    def parents(self, n):
        return n.parents[::-1] if self.rev else n.parents

    # -- forward ---------------------------------------------------------------------------------
    def forward(self, op, operands, kwargs):
        b = self.bugs
        v = [_val(x) for x in operands]
        reflected = len(operands) == 2 and not isinstance(operands[0], _Node)
        if op == "sub" and reflected and "rsub_swapped" in b:
            return v[1] - v[0]
        if op == "truediv" and reflected and "rtruediv_swapped" in b:
            return v[1] / v[0]
        if op in BINARY:
            return np.asarray(BINARY[op](v[0], v[1]), dtype=float)
        x = v[0]
        if op == "neg":
            return -x
        if op in ("exp", "log", "tanh"):
            return getattr(np, op)(x)
        if op == "sigmoid":
            return np.exp(-np.logaddexp(0, -x))
        if op == "relu":
            return np.maximum(x, 0)
        if op in ("sum", "mean"):
            axis, keepdims = _axes_of(v[1:], kwargs)
            if "axis_ignored" in b:
                axis, keepdims = None, False
            if "keepdims_ignored" in b:
                keepdims = False
            return np.asarray(getattr(np, op)(x, axis=axis, keepdims=keepdims), dtype=float)
        if op == "reshape":
            shape = v[1] if len(v) == 2 and isinstance(v[1], (tuple, list)) else tuple(v[1:])
            return x.reshape(shape)
        if op in ("transpose", "T"):
            return x.transpose(self.perm(v[1:], x.ndim))
        if op == "logsumexp":
            axis, keepdims = _axes_of(v[1:], kwargs, -1)
            m = np.max(x, axis=axis, keepdims=True)
            lse = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + (0 if "lse_max_not_added" in b else m)
            return lse if keepdims else (np.squeeze(lse, axis=axis) if axis is not None else lse.reshape(()))
        if op == "cross_entropy":
            labels = np.asarray(operands[1]).astype(int)
            n, c = x.shape
            m = x.max(axis=1, keepdims=True)
            lse = (m + np.log(np.exp(x - m).sum(axis=1, keepdims=True)))[:, 0]
            picked = x[np.arange(n), labels]
            if "ce_pick_mean_all" in b:
                return np.asarray(lse.mean() - picked.sum() / (n * c))
            return np.asarray(np.mean(lse - picked))
        raise ValueError(f"unknown operation {op}")

    # -- local backward rules: one gradient per operand (None for a constant) ------------------
    def vjp(self, node, g):
        b, op, xs = self.bugs, node.op, node.operands
        v = [_val(x) for x in xs]
        out = node.value
        reflected = len(xs) == 2 and not isinstance(xs[0], _Node)
        if op == "add":
            grads = [g, g]
        elif op == "sub":
            if reflected and "rsub_swapped" in b:
                grads = [None, g]
            else:
                grads = [g, g if "sub_sign" in b else -g]
        elif op == "mul":
            grads = [g * v[0], g * v[1]] if "mul_own" in b else [g * v[1], g * v[0]]
            if "mul_inplace" in b:
                grads[1] = grads[1] * v[1]
        elif op == "truediv":
            if reflected and "rtruediv_swapped" in b:
                grads = [None, g / v[0]]
            else:
                db = -g * v[0] / v[1] ** 2
                if "div_no_square" in b:
                    db = -g * v[0] / v[1]
                elif "div_sign" in b:
                    db = -db
                grads = [g / v[1], db]
        elif op == "pow":
            n = v[1]
            if "pow_n_out" in b:
                grads = [g * n * out, None]
            elif "pow_no_n" in b:
                grads = [g * v[0] ** (n - 1), None]
            else:
                grads = [g * n * v[0] ** (n - 1), None]
        elif op == "matmul":
            swap = ((lambda a: a.T) if "matmul_T" in b else (lambda a: a) if "matmul_no_transpose" in b
                    else (lambda a: np.swapaxes(a, -1, -2)))
            grads = [g @ swap(np.asarray(v[1])), swap(np.asarray(v[0])) @ g]
        elif op == "neg":
            grads = [g if "neg_sign" in b else -g]
        elif op == "exp":
            grads = [g * v[0] if "exp_input" in b else g if "exp_one" in b else g * out]
        elif op == "log":
            grads = [g / out if "log_out" in b else g * v[0] if "log_x" in b else g / v[0]]
        elif op == "tanh":
            local = 1 - out if "tanh_no_square" in b else (1 - v[0] ** 2 if "tanh_input" in b else 1 - out ** 2)
            grads = [g * local]
        elif op == "sigmoid":
            local = (v[0] * (1 - v[0]) if "sigmoid_input" in b else out if "sigmoid_no_one_minus" in b
                     else out * (1 - out))
            grads = [g * local]
        elif op == "relu":
            grads = [g if "relu_pass_all" in b else g * (v[0] < 0) if "relu_wrong_side" in b else g * (v[0] > 0)]
        elif op in ("sum", "mean"):
            x = v[0]
            axis, keepdims = _axes_of(v[1:], node.kwargs)
            axes = _normal_axes(axis, x.ndim)
            if "axis_ignored" in b:
                axes, keepdims = tuple(range(x.ndim)), False
            if "sum_last_axis" in b and not keepdims and axis is not None:
                gg = np.expand_dims(g, tuple(range(g.ndim, g.ndim + len(axes))))
            else:
                gg = g if keepdims or "sum_no_expand" in b else np.expand_dims(g, axes)
            gg = np.broadcast_to(gg, x.shape) * 1.0
            if op == "mean":
                count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
                if "mean_total" in b:
                    gg = gg / x.size
                elif "mean_no_divide" not in b:
                    gg = gg / count
            grads = [gg]
        elif op == "reshape":
            grads = [g if "reshape_keep" in b else g.reshape(v[0].shape)]
        elif op in ("transpose", "T"):
            perm = self.perm(v[1:], v[0].ndim)
            if "transpose_same" in b:
                grads = [g.transpose(perm)]
            elif "transpose_reverse" in b:
                grads = [g.T]
            else:
                grads = [g.transpose(np.argsort(perm))]
        elif op == "logsumexp":
            x = v[0]
            axis, keepdims = _axes_of(v[1:], node.kwargs, -1)
            axes = _normal_axes(axis, x.ndim)
            kept = out if keepdims else np.expand_dims(out, axes)
            if "lse_max_not_added" in b:
                kept = kept + np.max(x, axis=axes, keepdims=True)
            gg = g if keepdims or "lse_no_expand" in b else np.expand_dims(g, axes)
            if "lse_grad_no_upstream" in b:
                gg = np.ones_like(kept)
            grads = [np.broadcast_to(gg, x.shape) * np.exp(x - kept)]
        elif op == "cross_entropy":
            x, labels = v[0], np.asarray(xs[1]).astype(int)
            n, c = x.shape
            soft = np.exp(x - x.max(axis=1, keepdims=True))
            soft /= soft.sum(axis=1, keepdims=True)
            onehot = np.eye(c)[labels]
            if "ce_no_onehot" in b:
                onehot = 0 * onehot
            grads = [g * (soft / n - onehot / (n * c)) if "ce_pick_mean_all" in b else g * (soft - onehot) / n, None]
        else:
            raise ValueError(f"unknown operation {op}")
        return grads

    def perm(self, args, ndim):
        if not args and ndim >= 2 and "transpose_default_last_two" in self.bugs:
            return tuple(range(ndim - 2)) + (ndim - 1, ndim - 2)
        return _perm(args, ndim)

    def unbroadcast(self, g, shape):
        g = np.asarray(g, dtype=float) if not isinstance(g, np.ndarray) else g
        if g.shape == tuple(shape):
            return g
        if "unbroadcast_keep" in self.bugs:
            return g
        extra = g.ndim - len(shape)
        lead = tuple(range(extra))
        ones = tuple(extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
        if "unbroadcast_leading" in self.bugs:
            return g.sum(axis=lead)
        reduce = np.mean if "unbroadcast_mean" in self.bugs else np.sum
        return reduce(g, axis=lead + ones, keepdims=True).reshape(shape)

    # -- backward ----------------------------------------------------------------------------------
    def topo(self, root, once=True):
        """Depth-first post-order: each node after all of its inputs (``once=False``: a node once per path)."""
        order, seen, count = [], set(), [0]

        def visit(n):
            if once and id(n) in seen:
                return
            seen.add(id(n))
            count[0] += 1
            if count[0] > 20000:
                raise RecursionError("the slip explodes on this graph")
            for p in self.parents(n):
                visit(p)
            order.append(n)
        visit(root)
        return order

    def order(self, root):
        """The list backward walks in reverse: a topological order, or the slip's other order."""
        if "bfs_order" in self.bugs:  # breadth-first from root, reversed
            order, seen, queue = [], {id(root)}, [root]
            while queue:
                n = queue.pop(0)
                order.append(n)
                for p in n.parents:
                    if id(p) not in seen:
                        seen.add(id(p))
                        queue.append(p)
            return order[::-1]
        if "root_first" in self.bugs:  # pre-order: each node before its inputs
            order, seen = [], set()

            def visit(n):
                if id(n) not in seen:
                    seen.add(id(n))
                    order.append(n)
                    for p in n.parents:
                        visit(p)
            visit(root)
            return order
        return self.topo(root, once="topo_duplicates" not in self.bugs)

    def contributions(self, node):
        """[(parent, gradient)] of node's local rule, with the slips of repeated operands."""
        grads = self.vjp(node, node.grad)
        pairs = [(x, self.unbroadcast(gr, np.shape(x.value)) if "alias" in self.bugs else
                  np.array(self.unbroadcast(gr, np.shape(x.value)), dtype=float))
                 for x, gr in zip(node.operands, grads) if isinstance(x, _Node) and gr is not None]
        if "first_use" in self.bugs or "last_use" in self.bugs:
            kept = {}
            for x, gr in pairs:
                if "last_use" in self.bugs or id(x) not in kept:
                    kept[id(x)] = (x, gr)
            pairs = list(kept.values())
        return pairs

    def assigns(self, node) -> bool:
        """Whether node's local rule assigns (=) its inputs' gradients instead of adding to them."""
        return "assign" in self.bugs or f"assign_{node.op}" in self.bugs

    def backward(self, root, seed):
        b = self.bugs
        seed = np.ones(root.value.shape) if seed is None or "seed_ignored" in b else np.array(seed, dtype=float)
        topo = self.order(root)
        self.visits = 0
        if {"recursive", "recursive_set", "visited"} & b:
            for n in topo:
                if n.grad is None or n.op is not None:
                    n.grad = np.zeros(np.shape(n.value))
            root.grad = root.grad + seed
            visited = set()

            def visit(n):
                self.visits += 1
                if self.visits > 20000:
                    raise RecursionError("the recursive slip explodes on this graph")
                if "visited" in b:
                    if id(n) in visited:
                        return
                    visited.add(id(n))
                if n.op is None:
                    return
                for p, gr in self.contributions(n):
                    p.grad = p.grad + gr
                for p in (dict.fromkeys(n.parents) if "recursive_set" in b else n.parents):
                    visit(p)
            visit(root)
            return
        if "alias" in b:
            for n in topo:
                if n.op is not None:
                    n.grad = None
            if root.grad is None:
                root.grad = seed
            else:
                root.grad += seed
            for n in reversed(topo):
                if n.op is not None and n.grad is not None:
                    for p, gr in self.contributions(n):
                        if p.grad is None:
                            p.grad = gr
                        else:
                            p.grad += gr
            return
        stale = {"no_reset", "no_reset_root_acc", "zero_leaves_only", "zero_leaves_only_root_set"} & b
        for n in topo:
            if n.grad is None or "reset_all" in b or (n.op is not None and not stale):
                n.grad = np.zeros(np.shape(n.value))
        if "assign" in b or ({"no_reset", "zero_leaves_only_root_set"} & b and root.op is not None):
            root.grad = seed.copy()
        else:
            root.grad = root.grad + seed
        for n in reversed(topo):
            if n.op is not None:
                for p, gr in self.contributions(n):
                    p.grad = gr if self.assigns(n) else p.grad + gr

    def zero_grad(self, root):
        for n in self.topo(root):
            if n.op is None or not {"zero_leaves_only", "zero_leaves_only_root_set"} & self.bugs:
                n.grad = None

    # -- a whole program ---------------------------------------------------------------------------
    def run(self, program: Program) -> dict:
        nodes = {}
        for name, data, _ in program.inputs:
            nodes[name] = _Node(name, np.asarray(data, dtype=np.float64))
        snapshots = []

        def grads():
            return {leaf: None if nodes[leaf].grad is None else np.array(nodes[leaf].grad, dtype=float)
                    for leaf in program.leaves}

        for name, op, operands, kwargs in program.steps:
            xs = tuple(nodes[x] if isinstance(x, str) else x for x in operands)
            if name is None:
                if op == "backward":
                    self.backward(xs[0], xs[1] if len(xs) > 1 else None)
                elif op == "zero_grad":
                    self.zero_grad(xs[0])
                elif op == "snapshot":
                    snapshots.append(grads())
                continue
            nodes[name] = _Node(name, np.asarray(self.forward(op, xs, kwargs), dtype=float), op, xs, kwargs)
        return {"values": {n: np.array(v.value) for n, v in nodes.items()}, "grads": grads(), "snapshots": snapshots}


# ------------------------------------------------------------------------------------------ checks


def _received(name: str, value):
    """The student's answer as it came back: an array, a number, None, or {"type": ...} for another object."""
    if isinstance(value, dict) and "type" in value:
        raise AssertionError(f"`{name}` should be a numpy array but is a {value['type']} (SPEC: data and grad "
                             "are float64 ndarrays)")
    return value


def check_value(got: dict, program: Program, name: str, bugs=ALL_BUGS, context: str = "", factors=None, label=None,
                nonfinite_hint: str = ""):
    """The student's data of tensor ``name`` against torch's, naming the slips ``bugs`` on a mismatch."""
    label = label or program.describe(name)
    expected = program.expected()["values"][name]
    actual = _received(label, got["values"].get(name))
    checks.check_array(label, actual, expected, context=context or program.listing(name), factors=factors,
                       nonfinite_hint=nonfinite_hint,
                       mistakes=[(lambda bug=bug: program.simulate(bug)["values"][name], BUGS[bug]) for bug in bugs])


def check_grad(got: dict, program: Program, leaf: str, bugs=ALL_BUGS, context: str = "", factors=None, snapshot=None,
               after: str = "", nonfinite_hint: str = ""):
    """The student's ``leaf.grad`` (at the end, or at snapshot number ``snapshot``) against torch's."""
    where = got["grads"] if snapshot is None else got["snapshots"][snapshot]
    expected = (program.expected()["grads"] if snapshot is None else program.expected()["snapshots"][snapshot])[leaf]
    label = f"{leaf}.grad"
    context = context or f"{program.listing()}{'; ' + after if after else ''}"
    actual = _received(label, where.get(leaf))
    if actual is None:
        raise checks.CheckFailed(f"`{label}` is None after backward: the gradient never reached {leaf} ({context})")

    def candidate(bug):
        run = program.simulate(bug)
        return (run["grads"] if snapshot is None else run["snapshots"][snapshot])[leaf]
    checks.check_array(label, actual, expected, context=context, factors=factors, nonfinite_hint=nonfinite_hint,
                       mistakes=[(lambda bug=bug: candidate(bug), BUGS[bug]) for bug in bugs])


BACKWARD_HINTS = [
    (("non-broadcastable output operand", "could not be broadcast", "shapes not aligned"),
     "a gradient arrived in another shape than its tensor's: every local rule must hand each input a gradient of "
     "exactly that input's shape (summed over the broadcast axes with unbroadcast, a reduced axis put back, reshaped or "
     "transposed back)"),
    (("mismatch in its core dimension",),
     "check the transposes in matmul's backward: ∂L/∂a = g @ bᵀ and ∂L/∂b = aᵀ @ g, with ᵀ swapping the last two axes "
     "only (np.swapaxes(x, -1, -2): .T reverses every axis of a 3-D array)"),
]
ERROR_HINTS = [
    (("axes don't match array",), "transpose's axes must permute every axis: transpose() and .T reverse all of them, "
                                  "also in 3-D (as ndarray.transpose() and ndarray.T)"),
    (("NoneType",), "a grad that is still None was used: start every gradient at zeros (or test for None) before "
                    "adding to it"),
    (("unhashable",), "a visited set needs hashable Tensors: do not define __eq__ on Tensor (or key the set by id())"),
    (("maximum recursion depth",), "the graph is at most 300 operations deep (SPEC): a recursion that visits a "
                                   "tensor once per path, or once per use, goes far deeper"),
    (("could not be broadcast", "mismatch in its core dimension"),
     "the operands' shapes do not fit: check the shapes your code builds (a max or sum broadcast back against its "
     "input needs keepdims=True)"),
]


def error_hint(message: str) -> str:
    """A likely cause for a student exception, from its message."""
    backward = "_backward" in message or "backward raised" in message
    hints = (BACKWARD_HINTS if backward else []) + ERROR_HINTS
    return next((hint for needles, hint in hints if any(n in message for n in needles)), "")


@contextlib.contextmanager
def hinted(where: str, hint: str = ""):
    """Student errors inside the block are reported with ``where`` and their likely cause."""
    from autograder.student import StudentError

    try:
        yield
    except StudentError as exc:
        _raise_student_error(exc, where, hint)


def run_program(student, program: "Program", hint: str = "") -> dict:
    """``program.run(student)``; if the student's code raises, each backward root's part is run on its own, so
    the error is reported with the operations of the part that raised (and a named slip where one fits)."""
    from autograder.student import StudentError

    try:
        return program.run(student)
    except StudentError as exc:
        _check_parts(student, program, exc, ALL_BUGS, None, hint, True, "")
        raise


def _raise_student_error(exc, where: str, hint: str = ""):
    from autograder.student import StudentError

    if len(where) > 400:
        where = f"{where[:180]} … {where[-180:]}"
    text = f"{exc} — while running {where}"
    extra = [h for h in (error_hint(str(exc)), hint) if h]
    raise StudentError(text + (". Likely: " + "; ".join(extra) if extra else "")) from None


def _action_text(program: Program, root: str) -> str:
    for name, op, operands, _ in program.steps:
        if name is None and op == "backward" and operands[0] == root:
            return f"{root}.backward()" if len(operands) == 1 else \
                f"{root}.backward(g) with g of shape {np.shape(operands[1])}"
    return ""


def check_backwards(student, program: Program, bugs=ALL_BUGS, factors=None, hint: str = "", values: bool = True,
                    nonfinite_hint: str = "", got: dict | None = None) -> dict:
    """Run ``program`` (one round trip) and, for each of its ``backward`` actions, check the root's data and
    the grad of every leaf the root depends on, with that root's own operations as the context. Each
    leaf belongs to one root only (the grads would add up otherwise). ``factors``: a dict, or a function of
    the root's name giving one."""
    from autograder.student import StudentError

    if got is None:
        try:
            got = program.run(student)
        except StudentError as exc:
            _check_parts(student, program, exc, bugs, factors, hint, values, nonfinite_hint)
    _check_inputs_unchanged(got, program)
    owner = {}
    for name, op, operands, _ in program.steps:
        if name is None and op == "backward":
            root = operands[0]
            leaves = [x for x in program.leaves if x in program.ancestors(root)]
            assert not set(leaves) & set(owner), f"grader bug: leaves shared between backward roots in {program.listing()}"
            owner.update(dict.fromkeys(leaves, root))
            call = f"{root}.backward()" if len(operands) == 1 else f"{root}.backward(g) with g of shape {np.shape(operands[1])}"
            context = f"{program.sub_listing(root)}; {call}"
            root_factors = factors(root) if callable(factors) else factors
            if values:
                check_value(got, program, root, bugs, context, root_factors, nonfinite_hint=nonfinite_hint)
            for leaf in leaves:
                check_grad(got, program, leaf, bugs, context, root_factors, nonfinite_hint=nonfinite_hint)
    return got


def _check_inputs_unchanged(got: dict, program: Program):
    """Operations and backward never modify their inputs: every leaf's data is still the array given."""
    for name, data, _ in program.inputs:
        value = got["values"].get(name)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            continue
        given = np.asarray(data, dtype=np.float64).astype(value.dtype)  # a float32 engine is judged elsewhere
        if value.shape == given.shape and not np.array_equal(value, given):
            raise checks.CheckFailed(f"`{name}.data` changed while running {program.listing()}: operations and backward "
                                     "never modify their inputs' data (compute new arrays; += only into grads)",
                                     checks.NAMED)


def _check_parts(student, program: Program, exc, bugs, factors, hint, values, nonfinite_hint):
    """The whole program raised: run each root's part on its own, check those that run (so a named slip
    is reported where there is one), and report the first part that raises, with its own operations."""
    from autograder.student import StudentError

    roots = program.roots()
    if not roots:
        _raise_student_error(exc, program.listing(), hint)
    failed = None
    for root in roots:
        part = program.part(root)
        try:
            got = part.run(student)
        except StudentError as error:
            if failed is None:
                failed = (root, error)
            forward_only = part.part(None, actions=False)
            try:
                forward = forward_only.run(student)
            except StudentError:
                continue
            if values:  # the forward runs: its value may say what is wrong
                root_factors = factors(root) if callable(factors) else factors
                check_value(forward, forward_only, root, bugs, f"{part.sub_listing(root)}", root_factors,
                            nonfinite_hint=nonfinite_hint)
            continue
        check_backwards(student, part, bugs, factors, hint, values, nonfinite_hint, got=got)
    if failed is not None:
        root, error = failed
        part = program.part(root)
        _raise_student_error(error, f"{part.sub_listing(root)}; {_action_text(part, root)}", hint)
    _raise_student_error(exc, program.listing(), hint)
