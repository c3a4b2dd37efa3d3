"""Hidden tests of grade cell `test_broadcast` (1.25 points): gradients through NumPy broadcasting.

Every gradient must have its tensor's own shape, summed over the broadcast axes: leading axes
((2, 3) + (3,)), size-1 axes ((3, 1) + (1, 4), (5, 4, 1) · (5, 4, 3)) and a 0-d tensor against
(3, 3, 3). ``unbroadcast`` itself is called directly too, and must leave its argument unchanged
(seen inside the sandbox, harness/programs.py).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import BUGS, Program, check_backwards

CELL = "test_broadcast"


def _pairs(seed, pairs, ops):
    """For each (shape_a, shape_b) and op: a leaf pair, out = a op b, backward with a random g."""
    rng = np.random.default_rng(seed)
    p = Program()
    k = 0
    for (sa, sb), op in zip(pairs, ops):
        a = p.leaf(f"a{k}", checks.off_kinks(rng, sa, 0.5, 2.0))
        b = p.leaf(f"b{k}", checks.off_kinks(rng, sb, 0.5, 2.0))
        out = p(f"y{k}", op, a, b)
        p.backward(out, rng.normal(size=np.broadcast_shapes(sa, sb)))
        k += 1
    return p


@checks.cached
def _row_column_case():
    return _pairs(4001, [((3, 1), (1, 4))] * 4 + [((1, 4), (3, 1))], ["add", "sub", "mul", "truediv", "mul"])


@checks.cached
def _leading_case():
    return _pairs(4002, [((2, 3), (3,)), ((2, 3), (3,)), ((3,), (2, 3)), ((4, 2, 3), (3,)), ((4, 2, 3), (2, 1)),
                         ((4, 2, 3), ())],
                  ["add", "sub", "mul", "truediv", "mul", "mul"])


@checks.cached
def _size_one_case():
    return _pairs(4003, [((5, 4, 1), (5, 4, 3)), ((5, 4, 3), (5, 4, 1)), ((5, 4, 1), (5, 4, 3)),
                         ((1, 4, 1), (5, 4, 3)), ((5, 1, 3), (1, 4, 1))],
                  ["mul", "sub", "truediv", "add", "mul"])


@checks.cached
def _scalar_case():
    """A 0-d tensor times (3, 3, 3), a (1,)-tensor plus (3, 3, 3), and (3, 3, 3) / a (1, 1)-tensor; also a
    (3, 3, 3) tensor times a Python number (nothing to sum)."""
    rng = np.random.default_rng(4004)
    p = Program()
    g = lambda: rng.normal(size=(3, 3, 3))  # noqa: E731
    s = p.leaf("s", 1.7)
    x = p.leaf("x", rng.normal(size=(3, 3, 3)))
    p.backward(p("y0", "mul", s, x), g())
    r = p.leaf("r", np.array([0.8]))
    z = p.leaf("z", rng.normal(size=(3, 3, 3)))
    p.backward(p("y1", "add", z, r), g())
    q = p.leaf("q", np.array([[1.3]]))
    w = p.leaf("w", rng.normal(size=(3, 3, 3)))
    p.backward(p("y2", "truediv", w, q), g())
    return p


@checks.cached
def _reused_case():
    """One (3,) bias used by three broadcast operations and one (4, 1) column by two: the sums over every
    use and every broadcast axis, y = ((X + c) * c − X / col) * col (c: (3,), col: (4, 1), X: (4, 3))."""
    rng = np.random.default_rng(4005)
    p = Program()
    X = p.leaf("X", checks.off_kinks(rng, (4, 3), 0.5, 2.0))
    c = p.leaf("c", checks.off_kinks(rng, (3,), 0.5, 2.0))
    col = p.leaf("col", rng.uniform(0.5, 2.0, size=(4, 1)))
    p("t0", "add", X, c)
    p("t1", "mul", "t0", c)
    p("t2", "truediv", X, col)
    p("t3", "sub", "t1", "t2")
    p("t4", "mul", "t3", col)
    y = p("y", "add", "t4", c)
    p.backward(y, rng.normal(size=(4, 3)))
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_row_times_column(student):
    """(3, 1) op (1, 4) for + − * / and (1, 4) * (3, 1): both gradients are summed over the other's axis."""
    check_backwards(student, _row_column_case())


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_leading_axes(student):
    """(2, 3) op (3,), (3,) * (2, 3), (4, 2, 3) / (3,), (4, 2, 3) * (2, 1) and (4, 2, 3) * a 0-d tensor."""
    check_backwards(student, _leading_case())


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_size_one_axes(student):
    """(5, 4, 1) op (5, 4, 3) both ways, (1, 4, 1) + (5, 4, 3), (5, 1, 3) * (1, 4, 1): a size-1 axis is summed,
    and kept."""
    check_backwards(student, _size_one_case())


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_scalar_tensors_and_reuse(student):
    """A 0-d tensor, a (1,) and a (1, 1) tensor against (3, 3, 3); a bias (3,) and a column (4, 1) each used in
    several broadcast operations."""
    check_backwards(student, _scalar_case())
    check_backwards(student, _reused_case())


# ------------------------------------------------------------------------------ unbroadcast itself

UNBROADCAST_CASES = [((2, 3, 4), (3, 4)), ((2, 3, 4), (3, 1)), ((2, 3, 4), (1, 3, 1)), ((5, 4, 3), (5, 4, 1)),
                     ((5, 4, 3), ()), ((3, 4), (4,)), ((3, 4), (3, 4)), ((3, 1), (1,)), ((2, 3, 4), (2, 1, 4))]


@checks.cached
def _unbroadcast_case():
    rng = np.random.default_rng(4006)
    grads = [rng.normal(size=gs) for gs, _ in UNBROADCAST_CASES]
    return grads, [(g, s) for g, (_, s) in zip(grads, UNBROADCAST_CASES)]


def _unbroadcast_slip(g, shape, how="sum"):
    """unbroadcast(g, shape) as the SPEC says (how="sum"), or with one slip."""
    extra = g.ndim - len(shape)
    lead = tuple(range(extra))
    ones = tuple(extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
    if how == "leading":
        return g.sum(axis=lead)
    if how == "mean":
        return g.mean(axis=lead + ones, keepdims=True).reshape(shape)
    if how == "squeezed":
        return g.sum(axis=lead + ones)
    if how == "kept":
        return g.sum(axis=lead + ones, keepdims=True)
    return g.sum(axis=lead + ones, keepdims=True).reshape(shape)


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_unbroadcast_function(student):
    """unbroadcast(grad, shape) on leading and size-1 axes, to (), and to grad's own shape; the grad given
    stays unchanged."""
    grads, calls = _unbroadcast_case()
    got = student.harness("programs").unbroadcast([(g.copy(), s) for g, s in calls])
    for (gs, shape), g, actual, changed in zip(UNBROADCAST_CASES, grads, got["results"], got["changed"]):
        label = f"unbroadcast(grad, {shape})"
        context = f"grad of shape {gs}"
        if isinstance(actual, dict):
            raise AssertionError(f"`{label}` should return a numpy array but returns a {actual['type']} ({context})")
        expected = _unbroadcast_slip(g, shape)
        checks.check_array(label, actual, expected, context=context, mistakes=[
            (lambda g=g, s=shape: _unbroadcast_slip(g, s, "leading"), BUGS["unbroadcast_leading"]),
            (lambda g=g, s=shape: _unbroadcast_slip(g, s, "mean"), BUGS["unbroadcast_mean"]),
            (lambda g=g, s=shape: _unbroadcast_slip(g, s, "squeezed"),
             "the size-1 axes are summed away: keep them (keepdims=True), the result has exactly `shape`"),
            (lambda g=g, s=shape: _unbroadcast_slip(g, s, "kept"),
             "the summed leading axes are kept with size 1: the result has exactly `shape` (reshape the sum to shape)"),
            (lambda g=g: g, "grad is returned unchanged: sum it down to `shape`")])
        checks.check_true(not changed, f"`{label}` changed the grad it was given ({context}): unbroadcast "
                                       "returns a new array and never modifies its argument (SPEC)")
