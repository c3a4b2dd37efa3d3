"""Hidden tests of grade cell `test_reductions` (1 point): sum and mean with every axis/keepdims form,
reshape, transpose and T, on square and non-square inputs.

Square inputs hide a gradient broadcast along the wrong axis (the shapes still fit); non-square
and 3-D inputs show it, or make it raise. Each expression gets its own leaf and a random g.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards

CELL = "test_reductions"
SHAPE_HINT = ("a reduced axis is put back (np.expand_dims(g, axis)) before the gradient is broadcast to the input's "
              "shape; reshape's gradient is reshaped back to the input's shape, transpose's permuted back with "
              "np.argsort(axes)")


@checks.cached
def _reduction_case(seed, op, forms):
    """One leaf per (shape, args, kwargs) in ``forms``; y = x.<op>(*args, **kwargs); y.backward(g)."""
    rng = np.random.default_rng(seed)
    p = Program()
    for k, (shape, args, kwargs) in enumerate(forms):
        x = p.leaf(f"x{k}", rng.normal(size=shape))
        y = p(f"y{k}", op, x, *args, **dict(kwargs))
        p.backward(y, rng.normal(size=p.shape_of(y)))
    return p


FORMS = (
    ((3, 3), (), ()),                                  # every axis, the defaults
    ((3, 3), (), (("axis", 1),)),                      # square: the axis slip keeps the shape
    ((3, 3), (), (("axis", 0),)),
    ((2, 5), (), (("axis", 1),)),                      # non-square
    ((2, 5), (), (("axis", 0), ("keepdims", True))),
    ((2, 5), (), (("axis", -1), ("keepdims", True))),
    ((2, 3, 4), (), (("axis", 1),)),                   # 3-D, the middle axis
    ((2, 3, 4), (), (("axis", (0, 2)),)),              # a tuple of axes
    ((2, 3, 4), (), (("axis", None), ("keepdims", True))),
    ((2, 5), (0,), ()),                                # axis given positionally
)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sum_every_axis_form(student):
    """sum(), sum(axis=1) on (3, 3) and (2, 5), keepdims, axis=-1, a 3-D middle axis, axis=(0, 2), axis=None with
    keepdims, axis given positionally."""
    check_backwards(student, _reduction_case(5001, "sum", FORMS), hint=SHAPE_HINT)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_mean_every_axis_form(student):
    """The same forms for mean: the gradient is g / n, n the number of elements averaged."""
    check_backwards(student, _reduction_case(5002, "mean", FORMS), hint=SHAPE_HINT)


@checks.cached
def _shape_case():
    rng = np.random.default_rng(5003)
    p = Program()
    forms = [("reshape", (2, 6), (3, 4)), ("reshape", (2, 6), ((4, 3),)), ("reshape", (2, 3, 4), (4, -1)),
             ("reshape", (2, 3, 4), (24,)), ("transpose", (2, 5), ()), ("transpose", (2, 5), (1, 0)),
             ("transpose", (2, 3, 4), (1, 2, 0)), ("transpose", (2, 3, 4), ((2, 0, 1),)),
             ("transpose", (2, 3, 4), ()), ("T", (3, 5), ()), ("T", (2, 3, 4), ())]
    for k, (op, shape, args) in enumerate(forms):
        x = p.leaf(f"x{k}", rng.normal(size=shape))
        y = p(f"y{k}", op, x, *args)
        p.backward(y, rng.normal(size=p.shape_of(y)))
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_reshape_transpose_and_T(student):
    """reshape(3, 4), reshape((4, 3)), reshape(4, -1), transpose() / (1, 0) / (1, 2, 0) / ((2, 0, 1)) on (2, 3, 4),
    and .T in 2-D and 3-D (every axis reversed): the gradient goes back to the input's layout (the inverse
    permutation)."""
    check_backwards(student, _shape_case(), hint=SHAPE_HINT)


@checks.cached
def _combined_case():
    """Centring rows and a weighted mean: x is used twice; y = ((x − x.mean(axis=1, keepdims=True)) * w)
    .sum(axis=0).reshape(1, 5).T, then a mean over everything of it times itself."""
    rng = np.random.default_rng(5004)
    p = Program()
    x = p.leaf("x", rng.normal(size=(3, 5)))
    w = p.leaf("w", rng.normal(size=(3, 5)))
    p("m", "mean", x, axis=1, keepdims=True)
    p("c", "sub", x, "m")
    p("cw", "mul", "c", w)
    p("s", "sum", "cw", axis=0)
    p("r", "reshape", "s", 1, 5)
    p("rt", "T", "r")
    p("sq", "mul", "rt", "rt")
    y = p("y", "mean", "sq")
    p.backward(y)
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_reductions_combined(student):
    check_backwards(student, _combined_case(), hint=SHAPE_HINT)
