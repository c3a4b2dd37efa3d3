"""Hidden tests of grade cell `test_conv_forward` (1 point): Conv2d.forward with stride 1 and no padding.

Hand examples first (a flipped kernel, a missing bias or channels not summed show in the worked values), then
torch's F.conv2d in float64 on random inputs with every dimension distinct (N, C, F, H, W, kH, kW), so a
broadcast along the wrong axis cannot pass by accident. Stride and padding are left at their defaults here (not
passed): a wrong default shows as a wrong shape. The grader assigns its W and b after construction: a forward
that computes with the layer's initial ones (W reshaped once in __init__) is named.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_cnn.oracle import built_conv, check_output, conv, conv_shape_hints, forward_slips, hinted

CELL = "test_conv_forward"


@checks.cached
def _random_case(seed, x_shape, W_shape):
    rng = np.random.default_rng(seed)
    x, W, b = rng.normal(size=x_shape), rng.normal(size=W_shape), rng.normal(size=W_shape[0])
    return x, W, b, conv(x, W, b)["y"]


def _forward(student, x, W, b, context):
    layer, call, initial = built_conv(student, W, b)
    with hinted(f"{call}.forward(x), x of shape {x.shape}"):
        out = layer.forward(x)
    check_output(f"{call}.forward(x)", out, conv(x, W, b)["y"], context=context,
                 mistakes=forward_slips(x, W, b, initial=initial), shape_hints=conv_shape_hints(x.shape, W.shape))
    return layer, call, initial


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_conv_forward_hand_examples(student):
    """x = 1..16 as 4×4, W = [[1, 2], [0, −1]], b = 0.5: out[i, j] = x[i, j] + 2x[i, j+1] − x[i+1, j+1] + 0.5 =
    8i + 2j − 0.5 (a flipped kernel gives 8i + 2j + 15.5). Then two channels and two kernels: channel 0 = 1..16,
    channel 1 = ones; kernel 0 reads x₀[i, j] + x₁[i+1, j+1], kernel 1 sums channel 1's window; b = (0, −1):
    out = (x₀[i, j] + 1, 3)."""
    x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    W = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
    b = np.array([0.5])
    layer, call, initial = built_conv(student, W, b)
    with hinted(f"{call}.forward(x), x = 1..16 of shape (1, 1, 4, 4)"):
        out = layer.forward(x)
    expected = (8 * np.arange(3)[:, None] + 2 * np.arange(3)[None, :] - 0.5)[None, None]
    check_output(f"{call}.forward(x)", out, expected, show_values=True,
                 context="x = 1..16 as 4×4, W = [[1, 2], [0, −1]], b = 0.5: out[i, j] = 8i + 2j − 0.5",
                 mistakes=forward_slips(x, W, b, initial=initial), shape_hints=conv_shape_hints(x.shape, W.shape))

    x = np.stack([np.arange(1.0, 17.0).reshape(4, 4), np.ones((4, 4))])[None]
    W = np.zeros((2, 2, 2, 2))
    W[0, 0, 0, 0], W[0, 1, 1, 1], W[1, 1] = 1.0, 1.0, 1.0
    b = np.array([0.0, -1.0])
    layer, call, initial = built_conv(student, W, b)
    with hinted(f"{call}.forward(x), x of shape (1, 2, 4, 4)"):
        out = layer.forward(x)
    expected = np.stack([np.arange(1.0, 17.0).reshape(4, 4)[:3, :3] + 1, np.full((3, 3), 3.0)])[None]
    check_output(f"{call}.forward(x)", out, expected, show_values=True,
                 context="channel 0 = 1..16, channel 1 = ones; kernel 0 = x₀[i, j] + x₁[i+1, j+1], kernel 1 = the "
                         "2×2 sum of channel 1, b = (0, −1): out = (x₀[i, j] + 1, 3); every kernel sums over all "
                         "input channels",
                 mistakes=forward_slips(x, W, b, initial=initial), shape_hints=conv_shape_hints(x.shape, W.shape))


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_conv_forward_matches_torch(student):
    """N = 2, C = 3, 6×7 images, F = 4 kernels of 3×3: F.conv2d in float64."""
    x, W, b, _ = _random_case(3101, (2, 3, 6, 7), (4, 3, 3, 3))
    _forward(student, x, W, b, "x (2, 3, 6, 7), W (4, 3, 3, 3), stride and padding left at their defaults 1 and 0")


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_conv_forward_non_square_kernel_and_a_second_batch(student):
    """A (2, 4) kernel on 7×5 images (kH runs over rows), then the same layer on a batch of another size."""
    x, W, b, _ = _random_case(3102, (3, 2, 7, 5), (3, 2, 2, 4))
    layer, call, initial = _forward(student, x, W, b, "x (3, 2, 7, 5), W (3, 2, 2, 4): kernel_size=(2, 4), 2 rows "
                                                      "and 4 columns")
    x2 = np.random.default_rng(3103).normal(size=(1, 2, 5, 6))
    with hinted(f"{call}.forward(x) a second time, x of shape {x2.shape}"):
        out = layer.forward(x2)
    check_output(f"{call}.forward(x) on a second batch", out, conv(x2, W, b)["y"],
                 context="the same layer on x (1, 2, 5, 6) after a batch of 3: forward depends on this x only",
                 mistakes=forward_slips(x2, W, b, initial=initial), shape_hints=conv_shape_hints(x2.shape, W.shape))
