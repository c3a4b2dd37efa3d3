"""Helpers shared by Assignment 3-RNN's hidden tests (not collected: not a test_*.py module)."""
from __future__ import annotations

import contextlib
import functools

import numpy as np

from autograder import checks
from autograder.student import StudentError

NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")
GRAD_NAMES = ("dW_ih", "dW_hh", "db_ih", "db_hh")
ACCUMULATES = ("backward must set the parameter gradients (=), not add to them (+=): the previous batch's "
               "gradient is still in them")
STALE = ("backward must use the latest forward: each forward replaces what an earlier forward cached (start its "
         "lists afresh), whatever the batch size or length")

#: (words any one of which a student's error message contains, the hint appended to it)
GLOBAL_RNG = (("dtype('O')", "seed must be", "np.random.seed", "Cannot cast scalar from"),
              "rng may be a seed, None or a np.random.Generator: pass it through np.random.default_rng(rng) and draw "
              "from the generator it returns, never the global np.random.seed / np.random.uniform (np.random.seed "
              "rejects a Generator)")
ONEHOT_WIDTH = (("mismatch in its core dimension", "not aligned", "could not be broadcast", "shapes"),
                "a shape error inside CharModel: the one-hot of ids (N, T) has width V = vocab_size (np.eye(vocab_size)"
                "[ids], shape (N, T, V)), which is the layer's input size (LSTM(V, H) / RNN(V, H)); W_out is (V, H)")


@contextlib.contextmanager
def error_hints(*rules):
    """Append a rule's hint to a student error (a raising call) whose message contains one of the rule's words."""
    try:
        yield
    except StudentError as exc:
        hints = [hint for words, hint in rules if any(w in str(exc) for w in words)]
        if not hints:
            raise
        raise StudentError(f"{exc} — {'; '.join(hints)}") from None


def hinted_errors(*rules):
    """A test decorator: :func:`error_hints` around the whole test."""
    def wrap(test):
        @functools.wraps(test)
        def run(*args, **kwargs):
            with error_hints(*rules):
                return test(*args, **kwargs)
        return run
    return wrap


def layer(student, cls, D, H, params):
    """A student ``cls(D, H, rng=0)`` whose parameters are the grader's (set by assignment, as the SPEC allows)."""
    with checks.explained(f"{cls}(input_size, hidden_size, rng) with the attributes W_ih, W_hh, b_ih, b_hh (SPEC)"):
        obj = getattr(student, cls)(D, H, rng=0)
        for name, p in zip(NAMES, params):
            setattr(obj, name, np.array(p, dtype=float))
    return obj


def grads_of(obj, cls):
    """The four parameter gradients a backward set, as arrays (a missing attribute is the student's error)."""
    return [getattr(obj, name) for name in GRAD_NAMES]


def check_init(student, cls, G, D, H, seed):
    """``cls(D, H, rng=seed)``: shapes (G·H, D), (G·H, H), (G·H,), (G·H,), every entry in [−k, k] with k = 1/√H,
    the variance of the weights k²/3 (U(−k, k)), biases drawn too, reproducible, and other seeds give others."""
    k = 1 / np.sqrt(H)
    label = f"{cls}({D}, {H}, rng={seed})"
    harness = student.harness("calls")
    with error_hints(GLOBAL_RNG):
        _check_init(harness, label, cls, G, D, H, seed, k)


def _check_init(harness, label, cls, G, D, H, seed, k):
    got = checks.check_list(f"{label}'s parameters", harness.init_params(cls, [D, H], seed), 4)
    shapes = ((G * H, D), (G * H, H), (G * H,), (G * H,))
    values = []
    for name, shape in zip(NAMES, shapes):
        value = checks.as_numeric_array(f"{label}.{name}", got[NAMES.index(name)])
        checks.check_true(value.shape == shape, f"`{label}.{name}` should have shape {shape} but has shape "
                                                f"{value.shape}: PyTorch's layout, W_ih ({G}·H, D), W_hh ({G}·H, H), "
                                                f"b_ih and b_hh ({G}·H,)" + ("" if G == 1 else
                                                f", the {G} gates stacked in blocks of H rows"))
        values.append(value)
    for name, value in zip(NAMES, values):
        checks.check_true(np.all(np.abs(value) <= k), f"`{label}.{name}` has entries up to {np.max(np.abs(value)):.3g}"
                                                      f" in absolute value: every parameter is drawn U(−k, k) with "
                                                      f"k = 1/√hidden_size = {k:.4g} (PyTorch's init)")
    for name, value in zip(NAMES, values):
        checks.check_true(np.min(value) < -0.5 * k and np.max(value) > 0.5 * k,
                          f"`{label}.{name}` is not spread over U(−k, k) (its entries lie in [{np.min(value):.3g}, "
                          f"{np.max(value):.3g}]): PyTorch draws every parameter, the biases too, from U(−k, k)")
    for name, value in zip(NAMES, values):
        rel_tol = 6 * 0.9 / np.sqrt(value.size)  # six standard errors of a mean of squares of U(−k, k)
        checks.check_statistic(f"the variance of {label}.{name}", float(np.mean(value ** 2)), k * k / 3,
                               rel_tol=rel_tol,
                               context=f"U(−k, k) with k = 1/√hidden_size has variance k²/3 = {k * k / 3:.4g}",
                               mistakes=[(1 / (3 * D), "k = 1/√input_size: PyTorch uses k = 1/√hidden_size"),
                                         (k * k, "a normal N(0, k²): PyTorch draws U(−k, k), k = 1/√hidden_size"),
                                         (1 / 3, "U(−1, 1): scale it to U(−k, k), k = 1/√hidden_size")])
        se = k / np.sqrt(3 * value.size)
        checks.check_true(abs(float(value.mean())) < 6 * se,
                          f"the mean of {label}.{name} is {float(value.mean()):.3g}; U(−k, k) has mean 0"
                          + (" (it looks like U(0, k))" if value.min() >= 0 else ""))
    again = [checks.as_numeric_array(name, v) for name, v in zip(NAMES, harness.init_params(cls, [D, H], seed))]
    checks.check_true(all(np.array_equal(a, b) for a, b in zip(values, again)),
                      f"{label} made different parameters on a second call with the same seed: use "
                      "np.random.default_rng(rng) and draw only from it")
    other = checks.as_numeric_array("W_ih", harness.init_params(cls, [D, H], seed + 1)[0])
    checks.check_true(not np.array_equal(values[0], other), f"{cls}({D}, {H}, rng={seed}) and rng={seed + 1} give the "
                                                            "same W_ih: the rng argument is ignored")
    generator = checks.as_numeric_array("W_ih", harness.init_params(cls, [D, H], seed, "generator")[0])
    checks.check_true(np.array_equal(generator, values[0]),
                      f"{cls}({D}, {H}, rng=np.random.default_rng({seed})) differs from rng={seed}: rng may be a seed "
                      "or a Generator; np.random.default_rng(rng) accepts both")
    for kind, text in (("none", "rng=None"), ("default", "no rng argument")):
        none = checks.as_numeric_array("W_ih", harness.init_params(cls, [D, H], seed, kind)[0])
        checks.check_true(none.shape == shapes[0], f"{cls}({D}, {H}) with {text} should work (rng defaults to None)")


def check_unchanged(changed, params_changed=()):
    """The sandbox harness's report (``changed``: "method (argument i)" for every array argument a call changed
    in place; ``params_changed``: parameters a forward or backward changed): both must be empty."""
    checks.check_true(not changed, f"{changed[0] if changed else ''} changed an array it was given in place "
                                   "(x *= …, x += … or x[...] = … on an argument): no function or method changes "
                                   "its arguments (SPEC); compute a new array (dh = dh * …)")
    checks.check_true(not params_changed, f"forward/backward changed the parameters {', '.join(params_changed)}: "
                                          "only an optimizer changes them")
