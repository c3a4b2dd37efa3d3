"""The student's code as the hidden tests see it: callables that hand back plain data only.

Everything a test gets from student code passes through :func:`plain`: numbers become Python
numbers, arrays become fresh base-class ``ndarray`` copies of a numeric dtype, lists and tuples are
rebuilt. An ndarray subclass or an "always equal" object therefore cannot change a verdict: the
checks only ever compare honest numbers. Other objects (a student's ``Linear`` instance) come back
as a :class:`StudentObject` handle whose methods and attributes go through the same gate, which is
the shape a sandbox proxy keeps (calls out, plain data back). Torch tensors come back as numpy
copies of the same dtype, never as handles. Operators on handles (``a + b``, ``2 * a``, ``len(a)``,
``a[i]``, ``for x in a``) run the student's own dunders on the real objects.

The grader's harness (``autograder/<assignment>/harness/<name>.py``, non-secret helpers that drive
student code) is reached as ``student.harness("graphs").run_program(program, inputs)``, which calls
``run_program(submission, program, inputs)`` with the student's module as ``submission``; inside
the sandbox it runs there (:class:`autograder.sandbox.proxy.SandboxStudent` has the same face).
"""
from __future__ import annotations

import types
from pathlib import Path

import numpy as np

from .sandbox.host import BINARY, OPERATORS, Harness, blame, tensor_as_array

NUMERIC_KINDS = "biuf"


class StudentError(Exception):
    """Student code raised, returned something unusable, or lacks a required name."""


def plain(value, what: str = "the result"):
    """Return ``value`` as trusted plain data, or a handle for an object of the student's."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, np.generic):
        if value.dtype.kind not in NUMERIC_KINDS:
            raise StudentError(f"{what} has dtype {value.dtype}; expected a number")
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in NUMERIC_KINDS:
            raise StudentError(f"{what} is an array of dtype {value.dtype}; expected numbers")
        # np.array(..., subok=False) drops any subclass and its overridden operators.
        return np.array(value, copy=True, subok=False)
    if type(value) in (list, tuple):
        return type(value)(plain(v, what) for v in value)
    if type(value) is dict:
        return {str(k): plain(v, what) for k, v in value.items()}
    if isinstance(value, (int, float)):
        # int/float subclasses may override comparisons: keep the number only.
        return float(value) if isinstance(value, float) else int(value)
    array = tensor_as_array(value)
    if array is not value:
        return plain(array, what)
    return StudentObject(value, what)


def operator_methods(apply) -> dict:
    """Dunders for a handle class (``__add__``, ``__radd__``, ``__len__``, ``__iter__``…).

    Each calls ``apply(handle, name, operands)`` with a host.OPERATORS name and the operands in
    Python's order: ``2 * a`` is ``mul(2, a)``, so the student's own ``__rmul__`` runs. No
    ``__eq__``: handles stay hashable and compare by identity.
    """
    def forward(name):
        return lambda self, *args: apply(self, name, (self, *args))

    def reflected(name):
        return lambda self, other: apply(self, name, (other, self))

    methods = {f"__{name}__": forward(name) for name in OPERATORS if name != "iter"}
    methods.update({f"__r{name}__": reflected(name) for name in BINARY})
    methods["__iter__"] = lambda self: iter(apply(self, "iter", (self,)))
    methods["__array_ufunc__"] = None  # ndarray + handle defers to the handle's __radd__
    return methods


def _incoming(value):
    """Copy what the grader passes in, so student code never holds the grader's own arrays."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value.item()  # as the sandbox's wire delivers it
    if type(value) in (list, tuple):
        return type(value)(_incoming(v) for v in value)
    if isinstance(value, StudentObject):
        return object.__getattribute__(value, "_obj")
    return value


def _call(func, label: str, args, kwargs, name_student_function: bool = False):
    try:
        out = func(*[_incoming(a) for a in args], **{k: _incoming(v) for k, v in kwargs.items()})
    except StudentError:
        raise
    except Exception as exc:  # the student's own bug, reported as such
        text = blame(exc, label) if name_student_function else f"{label} raised {type(exc).__name__}: {exc}"
        raise StudentError(text) from None
    return plain(out, f"the value returned by {label}")


class StudentFunction:
    """A callable of the student's; calling it returns plain data."""

    def __init__(self, func, label: str):
        self._func, self._label = func, label

    def __call__(self, *args, **kwargs):
        return _call(self._func, self._label, args, kwargs)

    def map(self, calls) -> list:
        """``[f(*args) for args in calls]``; in a sandbox, one round trip for them all."""
        return [_call(self._func, self._label, args, {}) for args in calls]


class StudentObject:
    """A handle on an object the student's code made: attributes and methods through :func:`plain`."""

    def __init__(self, obj, label: str):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_label", label)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # numpy's and copy's probes never reach student code
        obj = object.__getattribute__(self, "_obj")
        label = f"{type(obj).__name__}.{name}"
        try:
            value = getattr(obj, name)
        except AttributeError:
            raise StudentError(f"{type(obj).__name__} has no attribute `{name}`") from None
        except Exception as exc:
            raise StudentError(f"reading {label} raised {type(exc).__name__}: {exc}") from None
        if callable(value) and not isinstance(value, np.ndarray):
            return StudentFunction(value, label)
        return plain(value, label)

    def __setattr__(self, name, value):
        obj = object.__getattribute__(self, "_obj")
        try:
            setattr(obj, name, _incoming(value))
        except Exception as exc:
            raise StudentError(f"setting {type(obj).__name__}.{name} raised {type(exc).__name__}: {exc}") from None

    def __call__(self, *args, **kwargs):
        obj = object.__getattribute__(self, "_obj")
        return _call(obj, f"{type(obj).__name__}.__call__", args, kwargs)

    def __repr__(self):
        return f"<student object {type(object.__getattribute__(self, '_obj')).__name__}>"


def _apply(handle, name, operands):
    return _call(OPERATORS[name], f"operator {name}", operands, {}, name_student_function=True)


for _name, _method in operator_methods(_apply).items():
    setattr(StudentObject, _name, _method)


class StudentHarness:
    """``student.harness("graphs")``: its functions are called with the student's module first."""

    def __init__(self, module: types.ModuleType, harness: Harness, name: str):
        self._module, self._harness, self._name = module, harness, name

    def __getattr__(self, func):
        if func.startswith("__"):
            raise AttributeError(func)
        target = self._harness.function(self._name, func)
        module = self._module
        return lambda *args, **kwargs: _call(lambda *a, **k: target(module, *a, **k), f"{self._name}.{func}",
                                             args, kwargs, name_student_function=True)


class Student:
    """The student's notebook as a namespace: ``student.relu(x)``, ``student.Linear(3, 4)``."""

    def __init__(self, module: types.ModuleType, harness: Path | None = None):
        self._module = module
        self._harness = Harness(str(harness) if harness is not None else None)

    def harness(self, name: str) -> StudentHarness:
        """The grader's ``harness/<name>.py``, imported here from the folder given to Student."""
        return StudentHarness(self._module, self._harness, name)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._module.__dict__.get(name)
        if value is None or not callable(value):
            raise StudentError(
                f"your notebook does not define `{name}`: check its spelling and that its cell runs"
            )
        return StudentFunction(value, name)

