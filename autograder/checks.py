"""The one catalogue of numeric comparisons and mistake diagnoses used by every hidden test.

A hidden test computes an oracle (a tiny hand-checkable value, or torch in float64 via
:func:`torch64`) and hands it to a check here with the student's answer::

    checks.check_array("Linear.dW", layer.dW, expected, context="Linear(4, 3), x of shape (5, 4)",
                       mistakes=[(expected.T, "dW is transposed: ...")],
                       factors=checks.batch_factors(5))

An oracle that depends only on fixed inputs (seeds, shapes, hyperparameters) is wrapped in
:func:`cached`: a warm grading process computes it once and reuses it, read-only, for every
submission; whatever depends on the student's answer is recomputed each time.

A check passes silently or raises ``AssertionError`` whose message is the feedback the student
reads: the quantity, the maximum absolute error and where it occurs, the CS231n relative error
max|a − b| / max(1e−8, |a| + |b|), and the likely mistake when the answer matches one.

Diagnosis, most specific first
------------------------------
1. *Known buggy candidates* given by the test (``mistakes=[(candidate, message), ...]``): the
   candidate is computed from a known buggy formula (Adam without bias correction, a non-inverted
   dropout, a softmax without max-subtraction, ...); if the answer matches it, its message is
   named. Candidates may be callables (called lazily, grader-side only) and may contain NaN or inf
   (they match an answer with the same non-finite entries).
2. *Constant factors* given by the test (``factors={N: "did you sum instead of averaging?"}``):
   if the whole answer is k times the expected value and k is one of the factors, its hint is named.
3. *float32*: every entry exactly a float32 number and float32-sized errors (or a float32 array).
4. Generic diagnoses (:data:`GENERIC_DIAGNOSES`, data-driven and extendable): all zeros, the
   transpose, a sign flip; then "k times the expected one", only for a whole array off by a plain
   ratio (2, 1/2, 3/2, 1/N), never for a single number (any number is some multiple of another).

Within one test, :func:`most_specific` runs every check and reports the failure with the most
specific diagnosis (1–2 before 3–4 before none), so a hand-worked check that fails first with no
hint does not hide the named mistake of a later check.

Tolerance policy
----------------
* Graders pass float64 inputs only (SPEC: arrays are float64) and compute oracles in float64.
* Deterministic values (forward values, gradients, schedules, penalties) pass when
  |actual − expected| ≤ atol + rtol·|expected| elementwise with ``ATOL = 1e-8``, ``RTOL = 1e-6``
  (:data:`TIGHT`). Every correct float64 formulation we know of (loops, einsum, log-sum-exp
  forms, erfc-based GELU, the computational-graph batch-norm backward) is ~1e-13 from the oracle.
  A student who computes in float32 internally is outside the contract; such answers usually
  pass forward values (float32 relative error ~6e-8) but are not guaranteed to.
* Optimizer trajectories after up to 10 steps use :data:`TRAJECTORY` (atol 1e-7, rtol 1e-6): the
  errors of a correct optimizer are ~1e-15, while the bugs graded there are ≥ 1e-3 off. Adam's
  test widens this where only ε's placement differs: Kingma & Ba's step-size form (ε not
  rescaled) is 2e-7 off on ordinary gradients and 2e-4 off on gradients of ~4e-4, so that test
  uses atol 1e-6 and 1e-3, while ε inside the square root is ≥ 6e-3 off from the first step.
* Statistical checks (initialisers, dropout masks) use margins of ≥ 5 standard errors for the
  sample sizes the tests draw, so a correct implementation essentially never fails, whatever
  order it draws its random numbers in.
* NaN can never pass: finiteness is checked explicitly with ``np.isfinite`` before any comparison,
  and the comparison is written as ``not (err <= tol)``.

Messages never print whole expected arrays (that would leak hidden tests): only shapes, error
figures, indices, and — with ``show_values=True``, for hand-checkable public facts such as
sigmoid(0) = 0.5 — the single worst entry.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import types
import warnings
from typing import Callable, Iterable, Sequence

import numpy as np

from .student import StudentError

ATOL = 1e-8
RTOL = 1e-6
TIGHT = dict(rtol=RTOL, atol=ATOL)
TRAJECTORY = dict(rtol=1e-6, atol=1e-7)

Mistake = tuple  # (candidate array/number or a callable returning one, message)


# ------------------------------------------------------------------------------------------ helpers


def torch64(*arrays, grad: bool = False):
    """float64 torch tensors of ``arrays`` (one tensor if one array); ``grad`` asks for gradients."""
    import torch

    tensors = [torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)
               for a in arrays]
    return tensors[0] if len(tensors) == 1 else tensors


def numpy64(tensor) -> np.ndarray:
    """A float64 numpy copy of a torch tensor (detached)."""
    return tensor.detach().cpu().numpy().astype(np.float64).copy()


def frozen(value):
    """``value`` made immutable in place: arrays read-only, lists and tuples tuples, dicts read-only maps."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
        return value
    if type(value) in (list, tuple):
        return tuple(frozen(v) for v in value)
    if type(value) is dict:
        return types.MappingProxyType({k: frozen(v) for k, v in value.items()})
    return value


def cached(func: Callable) -> Callable:
    """Memoise a grader-side oracle: a pure function of hashable arguments (seeds, shapes, names).

    A warm grading process runs the same collected hidden tests for submission after submission,
    so an oracle that depends only on fixed inputs is computed once per process. Its result is
    :func:`frozen`, so a test can never corrupt it for the next submission: copy what must be
    mutated. Never cache anything computed from a student's answer.
    """
    @functools.wraps(func)
    def compute(*args, **kwargs):
        return frozen(func(*args, **kwargs))

    return functools.cache(compute)


def off_kinks(rng: np.random.Generator, shape, low: float = 0.1, high: float = 3.0) -> np.ndarray:
    """Random values with |x| in [low, high) and a random sign: away from kinks at 0 (relu, |x|, sign)."""
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def quietly(func: Callable, *args, **kwargs):
    """Call a grader-side function (a buggy candidate formula) with floating-point warnings silenced."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@contextlib.contextmanager
def explained(hint: str):
    """Append ``hint`` to a failing check's or a raising student call's message."""
    try:
        yield
    except AssertionError as exc:
        raise AssertionError(f"{exc} — {hint}") from None
    except StudentError as exc:
        raise StudentError(f"{exc} — {hint}") from None


def batch_factors(n: int) -> dict:
    """Factor hints for a quantity that must carry exactly one 1/N (a mean-reduced loss gradient)."""
    return {
        float(n): f"did you sum over the batch instead of averaging (missing 1/N, N = {n})?",
        1.0 / n: f"did you divide by the batch size N = {n} twice?",
    }


def layer_factors(n: int) -> dict:
    """Factor hints for a layer's gradient, which must NOT divide by the batch size."""
    return {
        1.0 / n: f"did you divide by the batch size N = {n}? Layers never divide by N: the loss "
                 "gradient dL/d(out) already carries the 1/N of the mean",
        float(n): f"did you multiply by the batch size N = {n}?",
    }


def _fmt_shape(shape) -> str:
    return str(tuple(int(s) for s in shape))


def _fmt_index(index: tuple) -> str:
    if len(index) == 0:
        return ""
    if len(index) == 1:
        return f" at index {index[0]}"
    return f" at index {tuple(int(i) for i in index)}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def as_numeric_array(name: str, value) -> np.ndarray:
    """``value`` as a float64 ndarray, or an AssertionError saying what it was instead."""
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise AssertionError(f"`{name}` should be a numpy array of numbers but has dtype {value.dtype}")
        return value.astype(np.float64)
    if isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise AssertionError(f"`{name}` should be a numpy array but is a {type(value).__name__} "
                                 "that does not convert to an array of numbers") from None
        return arr
    if value is None:
        raise AssertionError(f"`{name}` should be a numpy array but is None (did you forget to return or store it?)")
    raise AssertionError(f"`{name}` should be a numpy array but is {value!r}")


def as_number(name: str, value) -> float:
    """A single number from a Python number, a 0-d array or any size-1 array; AssertionError otherwise."""
    arr = as_numeric_array(name, value)
    if arr.size != 1:
        raise AssertionError(f"`{name}` should be a single number but has shape {_fmt_shape(arr.shape)}")
    return float(arr.reshape(()))


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """True iff same shape and close everywhere; non-finite entries must match exactly (NaN ↔ NaN)."""
    if a.shape != b.shape:
        return False
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        return False
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    inf = ~fa & ~np.isnan(a)
    if not np.array_equal(a[inf], b[inf]):  # +inf ↔ +inf, −inf ↔ −inf
        return False
    err = np.abs(a[fa] - b[fa])
    return bool(np.all(err <= atol + rtol * np.abs(b[fa])))


def _resolve(candidate):
    value = candidate() if callable(candidate) else candidate
    return np.asarray(value, dtype=np.float64)


# ------------------------------------------------------------------------------ generic diagnoses


def _diagnose_zeros(actual, expected, name):
    if actual.size > 1 and np.all(actual == 0) and np.count_nonzero(expected) > 1:
        return f"`{name}` is all zeros: was it computed and stored/returned at all?"
    return None


def _diagnose_transpose(actual, expected, name):
    if expected.ndim == 2 and expected.shape[0] != 1 and expected.shape[1] != 1 \
            and _close(actual, expected.T, 1e-5, 1e-7) and not _close(expected, expected.T, 1e-5, 1e-7):
        return f"`{name}` is the transpose of the expected value: check the layout"
    return None


def _diagnose_sign(actual, expected, name):
    if np.any(expected != 0) and _close(actual, -expected, 1e-5, 1e-7):
        return f"`{name}` has the wrong sign (it is −1 times the expected value): a sign flip"
    return None


def _best_factor(actual, expected) -> float | None:
    """k such that the whole of actual ≈ k·expected, if there is one (k ≠ 0, 1)."""
    if actual.shape != expected.shape or not np.any(expected != 0):
        return None
    k = float(np.sum(actual * expected) / np.sum(expected * expected))
    if k == 0 or not np.isfinite(k) or abs(k - 1) < 1e-6:
        return None
    scale = max(float(np.max(np.abs(actual))), 1e-300)
    if np.max(np.abs(actual - k * expected)) <= 1e-6 * scale + 1e-12:
        return k
    return None


def _plain_ratio(k: float) -> tuple[int, int] | None:
    """(p, q) with k = p/q when k is a ratio a person would write down (2, 1/2, 3/2, 1/64, ...)."""
    for q in range(1, 13):
        p = round(k * q)
        if p != 0 and abs(p) <= 10_000 and abs(k * q - p) <= 1e-6 * abs(k * q):
            return p, q
    inverse = 1 / k
    n = round(inverse)
    if n != 0 and abs(n) <= 10_000 and abs(inverse - n) <= 1e-6 * abs(inverse):
        return 1, n
    return None


def _factor_words(k: float, ratio: tuple[int, int]) -> str:
    p, q = ratio
    return f"{_fmt(k)} times the expected one" + (f" ({p}/{q})" if q != 1 else "")


def _factor_hint(actual, expected, name, factors) -> str | None:
    """The test's own hint for an answer that is k times the oracle, k one of ``factors``."""
    k = _best_factor(actual, expected)
    for factor, hint in (factors or {}).items():
        if k is not None and abs(k - factor) <= 1e-6 * abs(factor):
            return f"your `{name}` is {_factor_words(k, _plain_ratio(k) or (1, 1))}: {hint}"
    return None


def _diagnose_factor(actual, expected, name):
    """"k times the expected one" only for a whole array (≥ 2 non-zero entries: one number is always
    some multiple of another) off by a plain ratio k (2, 1/2, 3/2, 1/64; never 1.0003)."""
    k = _best_factor(actual, expected)
    if k is None or abs(k + 1) < 1e-6 or np.count_nonzero(expected) < 2:
        return None
    ratio = _plain_ratio(k)
    if ratio is None:
        return None
    message = f"your `{name}` is {_factor_words(k, ratio)}"
    if ratio == (2, 1):
        return f"{message}: a factor 2 too many"
    if ratio == (1, 2):
        return f"{message}: a factor 2 is missing"
    return message


def _diagnose_float32(actual, expected, name):
    """Every entry is exactly a float32 number and the errors are float32-sized: computed in float32."""
    if actual.size == 0 or not np.array_equal(actual, actual.astype(np.float32).astype(np.float64)):
        return None
    if np.array_equal(expected, expected.astype(np.float32).astype(np.float64)):
        return None  # the oracle is itself float32-exact (0.5, integers): rounding cannot be told apart
    err = float(np.max(np.abs(actual - expected)))
    if err <= 1e-3 * max(float(np.max(np.abs(expected))), 1e-30):
        return (f"`{name}` carries float32 rounding (about 7 significant digits): compute in float64 "
                "throughout (SPEC: arrays are float64; look for np.float32, astype or dtype=)")
    return None


#: generic diagnoses tried in order after the test's own candidates; each maps
#: (actual, expected, name) to a message or None. Extend by appending.
GENERIC_DIAGNOSES: list[Callable] = [_diagnose_zeros, _diagnose_transpose, _diagnose_sign]

#: how specific a diagnosis is, for :func:`most_specific`: the test's own known mistakes and factor
#: hints, then generic rules, then none at all
NAMED, GENERIC, NONE = 2, 1, 0


def _diagnosis(name, actual, expected, mistakes=(), factors=None, rtol=1e-5, atol=1e-7,
               generic=True, original_dtype=None) -> tuple[str | None, int]:
    for candidate, message in mistakes:
        try:
            value = _resolve(candidate)
        except Exception:  # a candidate formula that does not apply to this input
            continue
        if value.shape == actual.shape and _close(actual, value, rtol, atol) \
                and not (value.shape == expected.shape and _close(expected, value, rtol, atol)):
            return message, NAMED
    if actual.shape != expected.shape or not np.all(np.isfinite(actual)):
        return None, NONE
    found = _factor_hint(actual, expected, name, factors)
    if found:
        return found, NAMED
    found = _diagnose_float32(actual, expected, name)
    if found is None and original_dtype == np.float32:
        found = (f"`{name}` is a float32 array: compute in float64 throughout (SPEC: arrays are float64; "
                 "look for np.float32, astype or dtype=)")
    if found:
        return found, GENERIC
    for rule in (*GENERIC_DIAGNOSES, _diagnose_factor) if generic else ():
        found = rule(actual, expected, name)
        if found:
            return found, GENERIC
    return None, NONE


def diagnose(name: str, actual: np.ndarray, expected: np.ndarray, mistakes: Iterable[Mistake] = (),
             factors: dict | None = None, rtol: float = 1e-5, atol: float = 1e-7,
             generic: bool = True) -> str | None:
    """The likely mistake behind ``actual`` ≠ ``expected``, or None.

    ``generic=False`` skips the generic diagnoses (where "k times the expected value" means nothing,
    e.g. a parameter after some optimizer steps); the test's own candidates and factors, and the
    float32 hint, still apply.
    """
    return _diagnosis(name, actual, expected, mistakes, factors, rtol, atol, generic)[0]


class CheckFailed(AssertionError):
    """A failed check, with how specific its diagnosis is (NAMED, GENERIC or NONE)."""

    def __init__(self, message: str, rank: int = NONE):
        super().__init__(message)
        self.rank = rank


_PENDING: contextvars.ContextVar[list | None] = contextvars.ContextVar("pending_failures", default=None)


def _fail(message: str, rank: int = NONE) -> None:
    failure = CheckFailed(message, rank)
    pending = _PENDING.get()
    if pending is None:
        raise failure
    pending.append(failure)


@contextlib.contextmanager
def most_specific():
    """Run every check of the block (or decorated test) and report the failure with the most specific
    diagnosis, the earliest among equals: a hand-worked check that fails with no hint must not hide the
    named mistake a later check would give. A student error or a time limit ends the block; if a check
    failed before it, that failure is the one reported."""
    pending: list = []
    token = _PENDING.set(pending)
    try:
        yield
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the block ended early; compare it with what failed before
        if not pending:
            raise
        if isinstance(exc, AssertionError):
            pending.append(exc)
    finally:
        _PENDING.reset(token)
    if pending:
        raise max(pending, key=lambda f: getattr(f, "rank", NONE))  # max keeps the first of equals


# ----------------------------------------------------------------------------------------- checks


def check_array(name: str, actual, expected, rtol: float = RTOL, atol: float = ATOL, context: str = "",
                mistakes: Sequence[Mistake] = (), factors: dict | None = None, show_values: bool = False,
                nonfinite_hint: str = "", generic: bool = True) -> None:
    """``actual`` must be an array (or number) of ``expected``'s shape, finite, and close to it.

    ``mistakes``: [(candidate, message)] from known buggy formulas; ``factors``: {k: hint} for
    answers that are k times the expected one; ``show_values``: print the worst entry's values
    (only for public, hand-checkable facts); ``nonfinite_hint``: said when NaN/inf appear;
    ``generic=False``: no generic diagnosis (transpose, sign, factor), only the given ones and the
    float32 hint.
    """
    expected = np.asarray(expected, dtype=np.float64)
    assert np.all(np.isfinite(expected)), f"grader bug: the oracle for {name} is not finite"
    where = f" ({context})" if context else ""
    dtype = getattr(actual, "dtype", None)
    actual = as_numeric_array(name, actual)
    likely = lambda: _diagnosis(name, actual, expected, mistakes, factors, generic=generic,  # noqa: E731
                                original_dtype=dtype)

    if actual.shape != expected.shape:
        message = (f"`{name}` should have shape {_fmt_shape(expected.shape)} but has shape "
                   f"{_fmt_shape(actual.shape)}{where}")
        found, rank = likely()
        if found is None and generic and expected.ndim == 2 and actual.shape == expected.T.shape:
            found, rank = ("it is the transpose of the expected value" if _close(actual, expected.T, 1e-5, 1e-7)
                           else "rows and columns are swapped"), GENERIC
        return _fail(message + (f". Likely mistake: {found}" if found else ""), rank)

    finite = np.isfinite(actual)
    if not np.all(finite):
        n_nan, n_inf = int(np.isnan(actual).sum()), int(np.isinf(actual).sum())
        first = np.unravel_index(int(np.argmin(finite.ravel())), actual.shape) if actual.ndim else ()
        parts = [f"{n} {kind}" for n, kind in ((n_nan, "NaN"), (n_inf, "inf")) if n]
        message = (f"`{name}` contains {' and '.join(parts)} value(s){_fmt_index(first)}{where}; "
                   "every entry should be finite")
        found, rank = likely()
        if not found and nonfinite_hint:
            found, rank = nonfinite_hint, NAMED
        return _fail(message + (f". Likely mistake: {found}" if found else ""), rank)

    err = np.abs(actual - expected)
    tol = atol + rtol * np.abs(expected)
    bad = ~(err <= tol)
    if not np.any(bad):
        return
    worst = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    rel = float(np.max(err / np.maximum(1e-8, np.abs(actual) + np.abs(expected))))
    count = f"{int(bad.sum())} of {bad.size} entries" if bad.size > 1 else "the value"
    message = (f"`{name}` is wrong{where}: max abs error {float(err[worst]):.3g}{_fmt_index(worst)}, "
               f"relative error {rel:.3g}; {count} outside atol={atol:g}, rtol={rtol:g}")
    if show_values:
        message += f" (got {_fmt(float(actual[worst]))}, expected {_fmt(float(expected[worst]))})"
    found, rank = likely()
    return _fail(message + (f". Likely mistake: {found}" if found else ""), rank)


def check_scalar(name: str, actual, expected: float, rtol: float = RTOL, atol: float = ATOL,
                 context: str = "", mistakes: Sequence[Mistake] = (), factors: dict | None = None,
                 show_values: bool = True, nonfinite_hint: str = "") -> None:
    """A single number (Python number, 0-d array, or any size-1 array) close to ``expected``."""
    value = as_numeric_array(name, actual)
    if value.size != 1:
        raise AssertionError(f"`{name}` should be a single number but has shape {_fmt_shape(value.shape)}"
                             + (f" ({context})" if context else ""))
    check_array(name, value.reshape(()), float(expected), rtol=rtol, atol=atol, context=context,
                mistakes=[(c, m) for c, m in mistakes], factors=factors, show_values=show_values,
                nonfinite_hint=nonfinite_hint)


def check_statistic(name: str, value: float, expected: float, rel_tol: float, context: str = "",
                    mistakes: Sequence[Mistake] = ()) -> None:
    """A sample statistic (a variance, a kept fraction) within ``rel_tol`` of ``expected``.

    ``mistakes``: [(value a known bug would give, message)]; the closest one within ``rel_tol``
    is named. Values are printed: they are declared properties, not hidden data.
    """
    value = float(value)
    where = f" ({context})" if context else ""
    if np.isfinite(value) and abs(value - expected) <= rel_tol * abs(expected):
        return
    message = (f"{name} is {_fmt(value)} but should be {_fmt(expected)} "
               f"(within {rel_tol * 100:.3g}%){where}")
    best = None
    for candidate, hint in mistakes:
        c = float(candidate() if callable(candidate) else candidate)
        if abs(c - expected) > rel_tol * abs(expected) and abs(value - c) <= rel_tol * abs(c):
            if best is None or abs(value - c) < best[0]:
                best = (abs(value - c), hint)
    if best is None and np.isfinite(value) and value != 0 and expected != 0:
        ratio = value / expected
        message += f"; it is {_fmt(ratio)} times the declared value"
    _fail(message + (f". Likely mistake: {best[1]}" if best else ""), NAMED if best else NONE)


def check_true(condition: bool, message: str) -> None:
    """A plain condition with the student-facing message (``--assert=plain`` hides bare asserts)."""
    if not bool(condition):
        raise AssertionError(message)


def check_list(name: str, value, length: int) -> list:
    """``value`` must be a list or tuple of ``length`` items; returns it as a list."""
    if not isinstance(value, (list, tuple)):
        raise AssertionError(f"`{name}` should be a list of {length} arrays but is {type(value).__name__}")
    if len(value) != length:
        raise AssertionError(f"`{name}` should be a list of {length} arrays but has {len(value)} items")
    return list(value)


def call_without_fp_warnings(label: str, func: Callable, *args, **kwargs):
    """Call student code and fail if it emits a floating-point RuntimeWarning (overflow, 0/0, ...).

    Only sees warnings raised in this process (the in-process runner); a sandbox proxy has to
    forward them for the check to keep its teeth.
    """
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    fp = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if fp:
        raise AssertionError(f"{label} emitted “RuntimeWarning: {fp[0].message}”: it should compute "
                             "without overflow or invalid operations (a stable formulation never "
                             "evaluates e^x for large x)")
    return result
