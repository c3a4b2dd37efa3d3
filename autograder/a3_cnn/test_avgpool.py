"""Hidden tests of grade cell `test_avgpool` (0.5 points): AvgPool2d forward and backward.

The lecture's 4×4 by hand, then torch's F.avg_pool2d in float64: the default stride, a non-square kernel with a
(rows, columns) stride, and overlapping windows. Named slips: the 1/(kH·kW) missing in backward (a factor),
kH² for kH·kW, overlapping windows that assign (=), the stride defaulting to 1.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_cnn.oracle import hinted, out_size, pair, pool, pool_backward_loops

CELL = "test_avgpool"
LECTURE = np.array([[1.0, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]).reshape(1, 1, 4, 4)


def _layer(student, kernel, stride):
    args = (kernel,) if stride is None else (kernel, stride)
    call = "AvgPool2d(" + ", ".join(map(repr, args)) + ")"
    with hinted(call):
        return student.AvgPool2d(*args), call


def _forward(student, x, kernel, stride, expected, context, show_values=False):
    layer, call = _layer(student, kernel, stride)
    with hinted(f"{call}.forward(x), x of shape {x.shape}"):
        y = layer.forward(x)
    (kh, kw) = pair(kernel)
    if stride is None and isinstance(y, np.ndarray) and y.shape == (*x.shape[:2], *out_size(*x.shape[2:], (kh, kw), 1)) \
            and y.shape != expected.shape:
        raise checks.CheckFailed(f"`{call}.forward(x)` should have shape {expected.shape} but has shape {y.shape} "
                                 f"({context}). Likely mistake: stride=None means stride = kernel_size (windows side "
                                 "by side), not 1", checks.NAMED)
    checks.check_array(f"{call}.forward(x)", y, expected, context=context, show_values=show_values,
                       factors={float(kh * kw): "the window is summed: average pooling divides by kH·kW"})
    return layer, call


def _backward(layer, call, x, kernel, stride, g, expected, context, show_values=False):
    (kh, kw), (sh, sw) = pair(kernel), pair(kernel if stride is None else stride)
    slips = [(lambda: pool_backward_loops("avg", x, kernel, stride, g, "kh_squared"),
              "each input gets g/kH²: a kH × kW window has kH·kW inputs")] if kh != kw else []
    if kh > sh or kw > sw:
        slips.append((lambda: pool_backward_loops("avg", x, kernel, stride, g, "assign"),
                      "overlapping windows overwrite each other (dx[window] = ...): an input in several windows "
                      "collects the sum of their shares (+=)"))
    with hinted(f"{call}.backward(g), g of shape {g.shape}"):
        dx = layer.backward(g)
    checks.check_array(f"dx returned by {call}.backward(g)", dx, expected, context=context, mistakes=slips,
                       show_values=show_values,
                       factors={float(kh * kw): f"the 1/(kH·kW) = 1/{kh * kw} is missing: each of the window's "
                                                f"{kh * kw} inputs gets g/(kH·kW)",
                                **checks.layer_factors(x.shape[0])})


@checks.cached
def _case(seed, x_shape, kernel, stride):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=x_shape)
    g = rng.normal(size=pool("avg", x, kernel, stride)["y"].shape)
    return x, g, pool("avg", x, kernel, stride, g)


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_avgpool_forward(student):
    """AvgPool2d(2) of the lecture's 4×4 is [[2.5, 3], [1.25, 2]]; then torch on a (3, 2) kernel, stride (1, 2)."""
    _forward(student, LECTURE, 2, None, np.array([[[[2.5, 3.0], [1.25, 2.0]]]]), show_values=True,
             context="x = [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]], the stride left at its default")
    x, _, ref = _case(3601, (2, 3, 6, 7), (3, 2), (1, 2))
    _forward(student, x, (3, 2), (1, 2), ref["y"], "x (2, 3, 6, 7), kernel (3, 2), stride (1, 2)")


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_avgpool_backward_side_by_side_windows(student):
    """Kernel 2, default stride: every input of a window gets g/4; a column no window reaches gets 0."""
    x, g, ref = _case(3602, (2, 2, 6, 5), 2, None)
    layer, call = _forward(student, x, 2, None, ref["y"], "x (2, 2, 6, 5), kernel 2, default stride")
    _backward(layer, call, x, 2, None, g, ref["dx"], "x (2, 2, 6, 5), kernel 2, default stride: each input of a "
                                                     "window gets g/4; column 4 gets 0")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_avgpool_backward_overlapping_non_square(student):
    x, g, ref = _case(3603, (2, 2, 5, 7), (2, 3), 1)
    layer, call = _forward(student, x, (2, 3), 1, ref["y"], "x (2, 2, 5, 7), kernel (2, 3), stride 1")
    _backward(layer, call, x, (2, 3), 1, g, ref["dx"], "x (2, 2, 5, 7), kernel (2, 3), stride 1: an input lies in up "
                                                        "to 6 windows, each sending g/6")
