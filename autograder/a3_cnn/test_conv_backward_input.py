"""Hidden tests of grade cell `test_conv_backward_input` (1.25 points): dx returned by Conv2d.backward.

torch's autograd through F.conv2d in float64 is the oracle (11-785 compares conv gradients the same way, in
float64), with a random upstream g, on: padding 0 (where ``dxp[:, :, p:-p, p:-p]`` is empty), padding 1 (dx must
drop the padding), stride 2 leaving a row no window reaches (its gradient is 0), overlapping windows (k = 3,
s = 1: contributions must add), and pairs after an earlier batch of another size. Named slips are simulated
grader-side (oracle.py): a flipped kernel, an empty or still-padded dx, windows that assign, the stride forgotten
in backward, a division by N.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_cnn.oracle import FLIPPED, conv, conv_backward_loops, hinted, make_conv, pair

CELL = "test_conv_backward_input"


@checks.cached
def _case(seed, x_shape, W_shape, stride, padding):
    """x, W, b, g of the conv's output shape, and torch's {y, dx, dW, db, dxp}."""
    rng = np.random.default_rng(seed)
    x, W, b = rng.normal(size=x_shape), rng.normal(size=W_shape), rng.normal(size=W_shape[0])
    g = rng.normal(size=conv(x, W, b, stride, padding)["y"].shape)
    return x, W, b, g, conv(x, W, b, stride, padding, g=g)


def input_slips(x, W, b, g, stride, padding, ref):
    """(candidate dx, message) of the known slips that apply to this case."""
    N, C, H, Wd = x.shape
    (sh, sw), (ph, pw) = pair(stride, 1), pair(padding, 0)
    kh, kw = W.shape[2:]
    slips = [(lambda: conv(x, W, b, stride, padding, g=g, flip=True)["dx"],
              "dx comes from a flipped kernel: each window (i, j) adds g[n,f,i,j]·W[f] (not flipped) to the inputs "
              "it read; as a full convolution, g is convolved with W rotated by 180°. " + FLIPPED)]
    if ph == 0 or pw == 0:
        shape = (N, C, H if ph else 0, Wd if pw else 0)
        slips.append((np.zeros(shape), f"dx is empty: dxp[:, :, p:-p, p:-p] with p = 0 is dxp[:, :, 0:0] (−0 is 0); "
                                       "slice dxp[:, :, p:p + H, p:p + W] instead"))
    if ph or pw:
        slips += [(ref["dxp"], "dx still carries the padding: return dxp[:, :, p:p + H, p:p + W], the gradient of "
                               "x itself"),
                  (ref["dxp"][:, :, :H, :Wd], "dx is cut from the top-left corner of dxp: drop p rows and columns "
                                              "on each side, dxp[:, :, p:p + H, p:p + W]")]
    if (sh, sw) != (1, 1):
        slips.append((lambda: conv_backward_loops(x, W, g, stride, padding, backward_stride=False)[0],
                      "the stride is missing in backward: window (i, j) starts at (i·sH, j·sW) there too"))
    if kh > sh or kw > sw:
        for how in (True, "per_position"):
            slips.append((lambda how=how: conv_backward_loops(x, W, g, stride, padding, assign=how)[0],
                          "overlapping windows overwrite each other: dxp[...] = ... keeps only the last window's "
                          "share; every window adds its share (+=)"))
    return slips


def _check_dx(student, x, W, b, g, ref, stride, padding, context, earlier=None):
    layer, call = make_conv(student, W, b, stride, padding)
    if earlier is not None:
        x0, g0 = earlier
        with hinted(f"{call}.forward, then backward, on an earlier batch x of shape {x0.shape}"):
            layer.forward(x0)
            layer.backward(g0)
    with hinted(f"{call}.forward(x), then backward(g), x of shape {x.shape}, g of shape {g.shape}"):
        layer.forward(x)
        dx = layer.backward(g)
    checks.check_array(f"dx returned by {call}.backward(g)", dx, ref["dx"], context=context,
                       mistakes=input_slips(x, W, b, g, stride, padding, ref),
                       factors=checks.layer_factors(x.shape[0]))


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_dx_without_padding(student):
    x, W, b, g, ref = _case(3301, (2, 2, 5, 6), (3, 2, 2, 3), None, None)
    _check_dx(student, x, W, b, g, ref, None, None, "x (2, 2, 5, 6), W (3, 2, 2, 3), stride 1, padding 0 (defaults)")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_dx_with_padding_1(student):
    x, W, b, g, ref = _case(3302, (2, 3, 4, 5), (2, 3, 3, 3), None, 1)
    _check_dx(student, x, W, b, g, ref, None, 1, "x (2, 3, 4, 5), W (2, 3, 3, 3), padding 1: dx has x's shape")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_dx_with_stride_2_and_a_row_no_window_reaches(student):
    x, W, b, g, ref = _case(3303, (2, 2, 6, 7), (2, 2, 3, 3), 2, None)
    _check_dx(student, x, W, b, g, ref, 2, None, "x (2, 2, 6, 7), W (2, 2, 3, 3), stride 2: windows at rows 0 and 2, "
                                                 "so row 5 gets gradient 0")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_dx_where_windows_overlap(student):
    x, W, b, g, ref = _case(3304, (1, 2, 5, 5), (2, 2, 3, 3), None, 1)
    _check_dx(student, x, W, b, g, ref, None, 1, "x (1, 2, 5, 5), W (2, 2, 3, 3), stride 1, padding 1: each input "
                                                 "lies in up to 9 windows, whose shares add up")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_dx_with_pairs_after_an_earlier_batch(student):
    x, W, b, g, ref = _case(3305, (1, 3, 7, 6), (2, 3, 3, 2), (2, 1), (1, 0))
    x0, _, _, g0, _ = _case(3306, (3, 3, 5, 4), (2, 3, 3, 2), (2, 1), (1, 0))
    _check_dx(student, x, W, b, g, ref, (2, 1), (1, 0),
              "x (1, 3, 7, 6), W (2, 3, 3, 2), stride=(2, 1), padding=(1, 0), after a forward and backward on a batch "
              "of 3: backward uses the latest forward", earlier=(x0, g0))
