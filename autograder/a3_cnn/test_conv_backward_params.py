"""Hidden tests of grade cell `test_conv_backward_params` (1.25 points): dW and db set by Conv2d.backward.

torch's autograd through F.conv2d in float64, with a random upstream g, each after a forward and backward on
an earlier batch of another size (backward must *set* dW and db, not add to them, and use the latest batch).
Named slips: gradients accumulated (+=), dW in another layout ((C, F, kH, kW) or channels-last) or flipped, dW
of the last sample only, a division by N, db not summed over the batch or the positions, the stride forgotten
in backward; one case has N = C = F = 1, where a squeeze or a broadcast slip shows.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_cnn.oracle import conv, conv_backward_loops, hinted, make_conv, pair

CELL = "test_conv_backward_params"
ACCUMULATES = ("backward must set dW and db (=), not add to them (+=): the earlier batch's gradient is still in "
               "it")
LAYOUT = "dW has W's shape and layout (F, C, kH, kW)"


@checks.cached
def _case(seed, x_shape, W_shape, stride, padding):
    rng = np.random.default_rng(seed)
    x, W, b = rng.normal(size=x_shape), rng.normal(size=W_shape), rng.normal(size=W_shape[0])
    g = rng.normal(size=conv(x, W, b, stride, padding)["y"].shape)
    return x, W, b, g, conv(x, W, b, stride, padding, g=g)


def _run(student, seed, x_shape, W_shape, stride, padding):
    """The student's dW, db after an earlier batch (N + 1 images), and what the check needs."""
    x, W, b, g, ref = _case(seed, x_shape, W_shape, stride, padding)
    x0, _, _, g0, ref0 = _case(seed + 50, (x_shape[0] + 1, *x_shape[1:]), W_shape, stride, padding)
    layer, call = make_conv(student, W, b, stride, padding)
    with hinted(f"{call}: forward and backward on a batch of {x0.shape[0]}, then on x of shape {x.shape}"):
        layer.forward(x0)
        layer.backward(g0)
        layer.forward(x)
        layer.backward(g)
    return layer, call, (x, W, b, g, ref), ref0


def _check_dW(student, seed, x_shape, W_shape, stride, padding, context):
    layer, call, (x, W, b, g, ref), ref0 = _run(student, seed, x_shape, W_shape, stride, padding)
    dW = ref["dW"]
    (sh, sw) = pair(stride, 1)
    slips = [(dW + ref0["dW"], ACCUMULATES),
             (dW.transpose(1, 0, 2, 3), f"dW is (C, F, kH, kW): {LAYOUT}"),
             (dW.transpose(2, 3, 1, 0), f"dW is channels-last (kH, kW, C, F): {LAYOUT}"),
             (dW[:, :, ::-1, ::-1], "dW is flipped: dW[f,c,u,v] = Σ g[n,f,i,j]·xp[n,c,i·sH+u, j·sW+v], the kernel "
                                    "offset u, v as in forward"),
             (lambda: conv_backward_loops(x, W, g, stride, padding, last_sample=True)[1],
              "dW holds the last image's gradient only: it sums over the whole batch (+= inside the loop over n, "
              "= once per backward)")]
    if (sh, sw) != (1, 1):
        slips.append((lambda: conv_backward_loops(x, W, g, stride, padding, backward_stride=False)[1],
                      "the stride is missing in backward: window (i, j) reads xp at (i·sH, j·sW) there too"))
    checks.check_array(f"{call}.dW", layer.dW, dW, context=context, mistakes=slips,
                       factors=checks.layer_factors(x_shape[0]))
    return layer, call, (x, W, b, g, ref), ref0


def _check_db(layer, call, g, ref, ref0, context):
    N = g.shape[0]
    checks.check_array(f"{call}.db", layer.db, ref["db"], context=context,
                       mistakes=[(ref["db"] + ref0["db"], ACCUMULATES),
                                 (g.sum(axis=(2, 3)), "db is (N, F): it sums over the batch too, one number per "
                                                      "output channel, shape (F,)"),
                                 (g.sum(axis=(0, 2)), "db sums over the batch and the rows only: sum over the "
                                                      "columns too, axis=(0, 2, 3)"),
                                 (g[-1].sum(axis=(1, 2)), "db holds the last image's gradient only: it sums over "
                                                          "the whole batch")],
                       factors=checks.layer_factors(N))


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_dW_after_an_earlier_batch(student):
    _check_dW(student, 3401, (2, 3, 5, 6), (4, 3, 3, 2), None, None,
              "x (2, 3, 5, 6), W (4, 3, 3, 2), stride 1, padding 0, after a forward and backward on a batch of 3")


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_dW_with_stride_and_padding(student):
    _check_dW(student, 3402, (2, 2, 7, 6), (3, 2, 3, 3), 2, 1,
              "x (2, 2, 7, 6), W (3, 2, 3, 3), stride 2, padding 1: dW reads the padded input xp, after another "
              "batch")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_db_after_an_earlier_batch(student):
    layer, call, (x, W, b, g, ref), ref0 = _run(student, 3403, (3, 2, 5, 4), (4, 2, 2, 2), None, 1)
    _check_db(layer, call, g, ref, ref0, "x (3, 2, 5, 4), W (4, 2, 2, 2), padding 1, after a batch of 4: "
                                         "db[f] = Σ_{n,i,j} g[n, f, i, j]")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_dW_db_with_pairs_and_size_one_dimensions(student):
    context = "x (1, 1, 6, 7), W (1, 1, 2, 3): N = C = F = 1, stride=(1, 2), padding=(2, 1), after a batch of 2"
    layer, call, (x, W, b, g, ref), ref0 = _check_dW(student, 3404, (1, 1, 6, 7), (1, 1, 2, 3), (1, 2), (2, 1),
                                                     context)
    _check_db(layer, call, g, ref, ref0, context)
