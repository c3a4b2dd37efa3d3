"""Hidden tests of grade cell `test_maxpool` (1.25 points): MaxPool2d forward and backward.

The lecture's example by hand, then torch's F.max_pool2d in float64 on inputs whose values are all distinct (no
ties, so every correct routing agrees): side-by-side windows (the default stride), overlapping ones (k = 3,
s = 2, 11-785's setting) with maxima planted where windows overlap, and a non-square kernel with a (rows,
columns) stride on H ≠ W where the floor drops a row. Named slips, simulated grader-side: the gradient sent to
every position of the window or to its first one, windows that assign (=) where they overlap, the argmax's flat
index unravelled with kH instead of kW, the stride defaulting to 1.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_cnn.oracle import distinct, hinted, out_size, pair, pool, pool_backward_loops

CELL = "test_maxpool"
LECTURE = np.array([[1.0, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]).reshape(1, 1, 4, 4)


def _pool(student, kernel, stride):
    args = (kernel,) if stride is None else (kernel, stride)
    call = "MaxPool2d(" + ", ".join(map(repr, args)) + ")"
    with hinted(call):
        return student.MaxPool2d(*args), call


def _shape_hints(x_shape, kernel, stride):
    N, C, H, W = x_shape
    (kh, kw), (sh, sw) = pair(kernel), pair(kernel if stride is None else stride)
    right = (N, C, *out_size(H, W, (kh, kw), (sh, sw)))
    hints = {(N, C, *out_size(H, W, (kh, kw), 1)): "stride=None means stride = kernel_size (windows side by side), "
                                                   "not 1" if stride is None else "the stride is ignored",
             (N, C, -(-(H - kh) // sh) + 1, -(-(W - kw) // sw) + 1): "the size is rounded up: Ho = ⌊(H − kH)/sH⌋ + 1",
             (N, C, *out_size(H, W, (kw, kh), (sw, sh))): "rows and columns are swapped: kernel_size and stride are "
                                                          "(rows, columns)"}
    return {s: h for s, h in hints.items() if s != right}


def backward_slips(x, kernel, stride, g):
    (kh, kw), (sh, sw) = pair(kernel), pair(kernel if stride is None else stride)
    slips = [(lambda: pool_backward_loops("max", x, kernel, stride, g, "all"),
              "every position of a window gets the window's gradient: only its maximum does (it alone set the "
              "output)"),
             (lambda: pool_backward_loops("max", x, kernel, stride, g, "first"),
              "the gradient goes to each window's first position: it goes to the position of its maximum"),
             (lambda: pool_backward_loops("max", x, kernel, stride, g, "channel"),
              "every window's gradient goes to the largest value of the whole channel (np.argmax without the "
              "window): each window's own maximum gets its gradient")]
    if kh > sh or kw > sw:
        slips.append((lambda: pool_backward_loops("max", x, kernel, stride, g, "assign"),
                      "overlapping windows overwrite each other (dx[window] = ...): an input that is the maximum of "
                      "several windows collects the sum of their gradients (+=)"))
    if kh != kw:
        slips.append((lambda: pool_backward_loops("max", x, kernel, stride, g, "unravel_kh"),
                      "the argmax's flat index u·kW + v is unravelled with kH: u, v = divmod(index, kW)"))
    return slips


def _check(student, x, kernel, stride, g, context, earlier=None):
    """forward(x), backward(g) of MaxPool2d(kernel[, stride]) against torch."""
    layer, call = _pool(student, kernel, stride)
    ref = pool("max", x, kernel, stride, g)
    if earlier is not None:
        with hinted(f"{call}.forward, then backward, on an earlier batch of shape {earlier[0].shape}"):
            layer.forward(earlier[0])
            layer.backward(earlier[1])
    with hinted(f"{call}.forward(x), x of shape {x.shape}"):
        y = layer.forward(x)
    shape = tuple(np.shape(y)) if isinstance(y, np.ndarray) else None
    hints = _shape_hints(x.shape, kernel, stride)
    if shape in hints:
        raise checks.CheckFailed(f"`{call}.forward(x)` should have shape {ref['y'].shape} but has shape {shape} "
                                 f"({context}). Likely mistake: {hints[shape]}", checks.NAMED)
    checks.check_array(f"{call}.forward(x)", y, ref["y"], context=context)
    if g is None:
        return
    with hinted(f"{call}.backward(g), g of shape {g.shape}"):
        dx = layer.backward(g)
    checks.check_array(f"dx returned by {call}.backward(g)", dx, ref["dx"], context=context,
                       mistakes=backward_slips(x, kernel, stride, g), factors=checks.layer_factors(x.shape[0]))


@checks.cached
def _case(seed, x_shape, kernel, stride):
    rng = np.random.default_rng(seed)
    x = distinct(rng, x_shape, -2.0, 2.0)
    return x, rng.normal(size=pool("max", x, kernel, stride)["y"].shape)


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_maxpool_lecture_example(student):
    """MaxPool2d(2) of [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]] is [[4, 5], [3, 4]]; with
    g = [[1, 2], [3, 4]], dx has 1, 2, 3, 4 where 4, 5, 3, 4 are and zeros elsewhere."""
    layer, call = _pool(student, 2, None)
    with hinted(f"{call}.forward(x), x of shape (1, 1, 4, 4)"):
        y = layer.forward(LECTURE)
    context = "x = [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]], the stride left at its default"
    hints = _shape_hints((1, 1, 4, 4), 2, None)
    shape = tuple(np.shape(y)) if isinstance(y, np.ndarray) else None
    if shape in hints:
        raise checks.CheckFailed(f"`{call}.forward(x)` should have shape (1, 1, 2, 2) but has shape {shape} "
                                 f"({context}). Likely mistake: {hints[shape]}", checks.NAMED)
    checks.check_array(f"{call}.forward(x)", y, np.array([[[[4.0, 5.0], [3.0, 4.0]]]]), context=context,
                       show_values=True)
    g = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    with hinted(f"{call}.backward(g), g = [[1, 2], [3, 4]]"):
        dx = layer.backward(g)
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 1, 0], expected[0, 0, 0, 2], expected[0, 0, 2, 0], expected[0, 0, 3, 3] = 1.0, 2.0, 3.0, 4.0
    checks.check_array(f"dx returned by {call}.backward(g)", dx, expected, show_values=True,
                       context=context + "; g = [[1, 2], [3, 4]]: each window's gradient goes to its maximum",
                       mistakes=backward_slips(LECTURE, 2, None, g))


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_maxpool_forward_matches_torch(student):
    x, _ = _case(3501, (2, 3, 6, 8), 2, None)
    _check(student, x, 2, None, None, "x (2, 3, 6, 8), kernel 2, the stride left at its default (= 2)")
    x, _ = _case(3502, (2, 2, 7, 7), 3, 2)
    _check(student, x, 3, 2, None, "x (2, 2, 7, 7), kernel 3, stride 2: overlapping windows")
    x, _ = _case(3503, (1, 2, 7, 6), (2, 3), (1, 2))
    _check(student, x, (2, 3), (1, 2), None, "x (1, 2, 7, 6), kernel (2, 3), stride (1, 2)")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_maxpool_backward_side_by_side_windows(student):
    x, g = _case(3504, (2, 3, 6, 5), 2, None)
    _check(student, x, 2, None, g, "x (2, 3, 6, 5), kernel 2, default stride: the last column no window reaches "
                                   "gets 0")


@checks.cached
def _overlap_case():
    """x (2, 2, 7, 7) with maxima planted at (2, 2), (2, 4), (4, 2), (4, 4) (shared by the k = 3, s = 2 windows)."""
    rng = np.random.default_rng(3505)
    x = distinct(rng, (2, 2, 7, 7), -1.0, 1.0)
    x[:, :, 2:5:2, 2:5:2] += distinct(rng, (2, 2, 2, 2), 5.0, 6.0)
    return x, rng.normal(size=(2, 2, 3, 3))


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_maxpool_backward_overlapping_windows(student):
    x, g = _overlap_case()
    earlier = _case(3506, (3, 2, 5, 5), 3, 2)
    _check(student, x, 3, 2, g, "x (2, 2, 7, 7), kernel 3, stride 2: windows share a row or column, and the "
                                "largest values sit where they overlap, after an earlier batch of 3", earlier=earlier)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_maxpool_backward_non_square(student):
    x, g = _case(3507, (2, 2, 9, 7), (2, 3), (2, 1))
    _check(student, x, (2, 3), (2, 1), g, "x (2, 2, 9, 7), kernel (2, 3), stride (2, 1): rows and columns differ, "
                                          "and row 8 no window reaches")
