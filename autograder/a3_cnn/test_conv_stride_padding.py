"""Hidden tests of grade cell `test_conv_stride_padding` (1 point): Conv2d.forward with stride and zero padding.

torch's F.conv2d in float64 on random inputs: stride 2 with padding 1 (CS231n's conv_forward_naive setting);
strides that leave rows and columns no window reaches (the floor), one larger than the kernel; padding 2 with a
non-square kernel; and stride and padding given as (rows, columns) pairs. Named slips: the stride or the padding
ignored, padding on one side only, the stride missing from the window position, a flipped kernel.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_cnn.oracle import built_conv, check_output, conv, conv_shape_hints, forward_slips, hinted

CELL = "test_conv_stride_padding"


@checks.cached
def _case(seed, x_shape, W_shape):
    rng = np.random.default_rng(seed)
    return rng.normal(size=x_shape), rng.normal(size=W_shape), rng.normal(size=W_shape[0])


def _check(student, seed, x_shape, W_shape, stride, padding, note=""):
    x, W, b = _case(seed, x_shape, W_shape)
    layer, call, initial = built_conv(student, W, b, stride, padding)
    with hinted(f"{call}.forward(x), x of shape {x_shape}"):
        out = layer.forward(x)
    check_output(f"{call}.forward(x)", out, conv(x, W, b, stride, padding)["y"],
                 context=f"x {x_shape}, W {W_shape}" + (f"; {note}" if note else ""),
                 mistakes=forward_slips(x, W, b, stride, padding, initial=initial),
                 shape_hints=conv_shape_hints(x_shape, W_shape, stride, padding))


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_conv_stride_2_padding_1(student):
    _check(student, 3201, (2, 3, 5, 6), (4, 3, 3, 3), 2, 1,
           "Ho = ⌊(5 + 2 − 3)/2⌋ + 1 = 3, Wo = ⌊(6 + 2 − 3)/2⌋ + 1 = 3 (the last padded column is dropped)")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_conv_strides_that_drop_rows_and_columns(student):
    _check(student, 3202, (2, 2, 8, 7), (3, 2, 3, 3), 2, None,
           "stride 2, no padding: rows 0..6 are read, row 7 no window reaches")
    _check(student, 3203, (1, 2, 7, 8), (2, 2, 2, 2), 3, None,
           "stride 3 > kernel 2: windows with gaps between them, Ho = 2, Wo = 3")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_conv_padding_2_with_a_non_square_kernel(student):
    _check(student, 3204, (2, 2, 4, 5), (2, 2, 3, 2), None, 2,
           "padding 2, stride 1 (the default): Ho = 4 + 4 − 3 + 1 = 6, Wo = 5 + 4 − 2 + 1 = 8")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_conv_stride_and_padding_as_pairs(student):
    _check(student, 3205, (2, 3, 7, 6), (4, 3, 2, 3), (2, 1), (1, 0),
           "stride=(2, 1), padding=(1, 0): (rows, columns)")
    _check(student, 3206, (1, 2, 5, 9), (3, 2, 3, 3), (1, 3), (0, 2),
           "stride=(1, 3), padding=(0, 2): (rows, columns)")
