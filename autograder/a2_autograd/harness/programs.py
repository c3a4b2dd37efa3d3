"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

Operators do not dispatch on proxy handles (``a + b`` on two handles is a TypeError, and
``a.__add__(b)`` would never exercise ``__radd__``), so the hidden tests send whole *programs* here
and the real Python operators run on the student's own ``Tensor``s: ``("t1", "mul", (2.0, "a"), {})``
is ``t1 = 2.0 * a``, which calls ``Tensor.__rmul__``. Only plain data goes back: the values and the
gradients as arrays. Nothing is caught: an exception in the student's code reaches the test, which
reports it with the program it was running.

A program is ``inputs``, ``[(name, data, requires_grad)]`` (each becomes ``Tensor(data, requires_grad)``, or
``Tensor(data)`` for requires_grad None;
``data`` as given: an array, a nested list, ints included), and ``steps``, ``[(name, op, operands,
kwargs)]``; an operand that is a string names an earlier tensor, anything else (a number, an array) is
passed as it is. ``op`` is one of:

* ``add sub mul truediv pow matmul``: the Python operator on the two operands in that order
  (``("t", "sub", (1.0, "a"), {})`` is ``1.0 - a``, Python's ``__rsub__``), ``neg``: ``-a``;
* ``exp log tanh sigmoid relu sum mean reshape transpose logsumexp``: the method, with the remaining
  operands as positional arguments and ``kwargs`` as keyword arguments; ``T``: the property;
* ``cross_entropy``: the student's function ``cross_entropy(logits, labels)``;
* with name None, the actions ``backward`` (operands: the tensor, and the grad if one is given),
  ``zero_grad`` (the tensor) and ``snapshot`` (records every leaf's grad at that point).
"""
import operator

import numpy as np

BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
          "pow": operator.pow, "matmul": operator.matmul}
METHODS = ("exp", "log", "tanh", "sigmoid", "relu", "sum", "mean", "reshape", "transpose", "logsumexp")


def _plain(value):
    """An array, a number or None as it is (copied); anything else as a description, never a handle."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return np.array(value, subok=False)
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return value
    return {"type": type(value).__name__}


def _expression(name, op, operands, kwargs):
    def show(x):
        if isinstance(x, str):
            return x
        if isinstance(x, np.ndarray):
            return f"array of shape {x.shape}"
        return repr(x)
    args = [show(x) for x in operands]
    symbols = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "pow": "**", "matmul": "@"}
    if op in symbols:
        return f"{args[0]} {symbols[op]} {args[1]}"
    if op == "neg":
        return f"-{args[0]}"
    if op == "T":
        return f"{args[0]}.T"
    rest = args[1:] + [f"{k}={v!r}" for k, v in kwargs.items()]
    if op == "cross_entropy":
        return f"cross_entropy({', '.join(args)})"
    return f"{args[0]}.{op}({', '.join(rest)})"


def _build(submission, inputs, steps, stop_at_actions=False):
    """Run the program; returns (tensors by name, leaf names, snapshots)."""
    Tensor = submission.Tensor
    nodes, leaves, snapshots = {}, [], []
    for name, data, requires_grad in inputs:
        nodes[name] = Tensor(data) if requires_grad is None else Tensor(data, requires_grad=requires_grad)
        if requires_grad:
            leaves.append(name)

    def get(x):
        return nodes[x] if isinstance(x, str) else (np.array(x) if isinstance(x, np.ndarray) else x)

    for name, op, operands, kwargs in steps:
        args = [get(x) for x in operands]
        if name is None:
            if stop_at_actions:
                continue
            if op == "backward":
                args[0].backward(*[np.array(a, dtype=float) for a in args[1:]])
            elif op == "zero_grad":
                args[0].zero_grad()
            elif op == "snapshot":
                snapshots.append({leaf: _plain(nodes[leaf].grad) for leaf in leaves})
            else:
                raise ValueError(f"unknown action {op!r}")
            continue
        if op in BINARY:
            out = BINARY[op](*args)
        elif op == "neg":
            out = -args[0]
        elif op == "T":
            out = args[0].T
        elif op in METHODS:
            out = getattr(args[0], op)(*args[1:], **kwargs)
        elif op == "cross_entropy":
            out = submission.cross_entropy(*args, **kwargs)
        else:
            raise ValueError(f"unknown operation {op!r}")
        if not isinstance(out, Tensor):
            raise TypeError(f"{_expression(name, op, operands, kwargs)} returned a {type(out).__name__}, "
                            "not a Tensor")
        nodes[name] = out
    return nodes, leaves, snapshots


def _attribute(tensor, name):
    """``tensor.<name>`` as plain data, or a description of why it could not be read (only the test that
    checks these attributes judges them; the others must not fail for them)."""
    try:
        value = getattr(tensor, name)
    except Exception as exc:  # noqa: BLE001 - reported by the test that reads it
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    if name == "shape":
        try:
            return [int(n) for n in value]
        except Exception:  # noqa: BLE001 - not a sequence of ints
            return {"error": f"a {type(value).__name__}"}
    return value if isinstance(value, (bool, np.bool_)) else {"error": f"a {type(value).__name__}"}


def run(submission, inputs, steps):
    """Run a program on the student's Tensor. Returns ``{"values": {name: data}, "grads": {leaf: grad},
    "snapshots": [{leaf: grad}], "shapes": {name: shape}, "flags": {name: requires_grad}}``: every tensor's
    ``data``, ``shape`` and ``requires_grad`` and, for the tensors created with requires_grad=True, their
    ``grad`` at the end (None if never set)."""
    nodes, leaves, snapshots = _build(submission, inputs, steps)
    return {"values": {name: _plain(t.data) for name, t in nodes.items()},
            "grads": {leaf: _plain(nodes[leaf].grad) for leaf in leaves},
            "snapshots": snapshots,
            "shapes": {name: _attribute(t, "shape") for name, t in nodes.items()},
            "flags": {name: _attribute(t, "requires_grad") for name, t in nodes.items()}}


def order(submission, inputs, steps, root):
    """``topological_sort(root)`` of the program's tensor ``root`` (the program's actions are skipped),
    as names: a program tensor by its name, another Tensor (a number the student wrapped, an
    intermediate of a composite operation) as ``"#k"`` (k numbers distinct objects), anything that
    is not a Tensor as ``"!TypeName"``. Also returns the program's names, for the test's messages."""
    nodes, _, _ = _build(submission, inputs, steps, stop_at_actions=True)
    names = {id(t): name for name, t in nodes.items()}
    others = {}
    out = []
    result = submission.topological_sort(nodes[root])
    for item in list(result):
        if not isinstance(item, submission.Tensor):
            out.append(f"!{type(item).__name__}")
        elif id(item) in names:
            out.append(names[id(item)])
        else:
            out.append(others.setdefault(id(item), f"#{len(others)}"))
    return {"order": out, "type": type(result).__name__}


def unbroadcast(submission, calls):
    """``[unbroadcast(grad, shape) for grad, shape in calls]``, and whether each call changed its grad."""
    results, changed = [], []
    for grad, shape in calls:
        grad = np.array(grad, dtype=float)
        before = grad.copy()
        results.append(_plain(submission.unbroadcast(grad, tuple(shape))))
        changed.append(not np.array_equal(grad, before))
    return {"results": results, "changed": changed}


def backward_without_grad(submission, inputs, steps, root):
    """``root.backward()`` with no grad on the program's tensor ``root``: the name of the exception it
    raised, or None if it raised none (the SPEC asks for an error when root has more than one element)."""
    nodes, _, _ = _build(submission, inputs, steps, stop_at_actions=True)
    try:
        nodes[root].backward()
    except Exception as exc:  # noqa: BLE001 - the error is the expected outcome
        return type(exc).__name__
    return None
