"""Hidden tests of grade cell `test_conv_init` (0.5 points): Conv2d's parameters at construction.

W has PyTorch's layout (F, C, kH, kW) and is Kaiming normal with fan_in = C·kH·kW (the kernel area counts, as
PyTorch's own fan-in does); b is zeros (F,). Conv2d(12, 40, (3, 5)) draws 7,200 weights: the sample variance is
within ±1.7 % (one standard error) of the true one, so the 10 % tolerance is 6 standard errors, while fan_in = C
(15×), fan-out (3.3×), a missing gain (2×) or the variance used as the standard deviation are far outside it.

The SPEC also states the draw itself, rng.normal(0.0, sqrt(2 / fan_in), (F, C, kH, kW)) from
np.random.default_rng(rng) (so a seed gives the course's weights), and the reproducibility test compares W with
it to TIGHT (other spellings of the scale, or standard_normal times it, differ by an ulp at most), after the
seed checks, so an ignored rng keeps its own message. A draw in another layout transposed to (F, C, kH, kW) has
the right shape and distribution: only this comparison sees it, and names it. The SPEC's draw at a clearly wrong
scale (|k² − 1| > 2·VAR_TOL) passes it: the variance test fails and names that slip, once.
"""
import itertools

import numpy as np
import pytest

from autograder import checks

CELL = "test_conv_init"
LAYOUT = "W has PyTorch's layout (F, C, kH, kW) = (out_channels, in_channels, kernel rows, kernel columns)"
C, F_, K = 12, 40, (3, 5)
EXACT = (3, 2, (4, 5))  # C, F, (kH, kW) of the exact-draw check: all different
VAR_TOL = 0.10


def _weights(student, *args, **kwargs):
    call = "Conv2d(" + ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())]) + ")"
    conv = student.Conv2d(*args, **kwargs)
    return call, checks.as_numeric_array(f"{call}.W", conv.W), conv


def _kurtosis(W):
    c2 = (W - W.mean()) ** 2
    return float(np.mean(c2 * c2) / np.mean(c2) ** 2)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_conv_init_layout_zero_bias_and_kaiming_variance(student):
    call, W, conv = _weights(student, C, F_, K, rng=3)
    wanted = (F_, C, *K)
    layouts = {(C, F_, *K): "it is (C, F, kH, kW): in and out channels are swapped",
               (*K, C, F_): "it is (kH, kW, C, F), a channels-last layout",
               (F_, C, K[1], K[0]): "kernel_size=(3, 5) means kH = 3 rows and kW = 5 columns"}
    if W.shape != wanted:
        raise AssertionError(f"`{call}.W` should have shape {wanted} but has shape {W.shape}: {LAYOUT}"
                             + (f"; {layouts[W.shape]}" if W.shape in layouts else ""))
    checks.check_array(f"{call}.b", conv.b, np.zeros(F_), context="the bias starts at zero, one per output channel")
    fan_in = C * K[0] * K[1]
    var = 2 / fan_in
    checks.check_true(abs(W.mean()) <= 6 * np.sqrt(var / W.size),
                      f"the mean of `{call}.W` is {W.mean():.3g}; it should be 0")
    checks.check_statistic(f"the variance of `{call}.W`", W.var(), var, VAR_TOL,
                           context=f"Kaiming normal: Var = 2/fan_in, fan_in = C·kH·kW = {fan_in}",
                           mistakes=[(2 / C, f"fan_in is the number of input channels only ({C}); a kernel reads "
                                             f"C·kH·kW = {fan_in} inputs: the kernel area counts"),
                                     (2 / (F_ * K[0] * K[1]), "that is the fan-out F·kH·kW: Kaiming's fan_in is "
                                                              "C·kH·kW"),
                                     (2 / F_, "that is 2/F (out_channels): fan_in is C·kH·kW"),
                                     (1 / fan_in, "the gain 2 is missing: Var = 2/fan_in"),
                                     (var ** 2, "the variance was used as the standard deviation: scale = "
                                                "sqrt(2/fan_in)"),
                                     (2 / (C * K[0]), "the kernel area is C·kH·kW: the kernel columns are missing"),
                                     (2 / (C * K[0] * K[0]), "the kernel area is kH·kW, not kH²"),
                                     (1.0, "W is not scaled (a standard normal)")])
    k = _kurtosis(W)
    checks.check_true(abs(k - 3) < 0.5, f"`{call}.W` does not look normally distributed (kurtosis {k:.2f}; a normal "
                                        "has 3, a uniform 1.8): draw with rng.normal")


AXES = ("F", "C", "kH", "kW")
DRAW = "rng.normal(0.0, sqrt(2 / fan_in), (F, C, kH, kW))"


def _draw(seed, shape, std, order=(0, 1, 2, 3)):
    """The SPEC's draw of W (``shape`` = (F, C, kH, kW)) from np.random.default_rng(seed), with scale ``std``;
    ``order``: the axes of ``shape`` in the order a slip draws them in, transposed back to (F, C, kH, kW)."""
    drawn = np.random.default_rng(seed).normal(0.0, std, tuple(shape[i] for i in order))
    return drawn.transpose(np.argsort(order))


def _layout_slips(seed, shape, std):
    """(candidate W, message) for W drawn in another layout and transposed to (F, C, kH, kW): every order of the
    four axes (with F, C, kH, kW all different, each is another draw)."""
    return [(lambda order=order: _draw(seed, shape, std, order),
             f"W was drawn in the shape ({', '.join(AXES[i] for i in order)}) and then transposed to (F, C, kH, kW): "
             f"the shape and the distribution are right, but the weights are not the SPEC's draw {DRAW}, which fills "
             "(F, C, kH, kW) in C order; draw in that shape directly")
            for order in itertools.permutations(range(4)) if order != (0, 1, 2, 3)]


def _scale(W, drawn) -> float | None:
    """k if the whole of W is k times ``drawn`` (k > 0), else None."""
    k = float(np.sum(W * drawn) / np.sum(drawn * drawn))
    return k if k > 0 and np.allclose(W, k * drawn, rtol=1e-6, atol=1e-12) else None


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_conv_init_reproducible_from_its_rng(student):
    """The same seed twice gives the same W; another seed another W; a Generator and None are accepted; and W is
    exactly the SPEC's draw rng.normal(0.0, sqrt(2 / fan_in), (F, C, kH, kW)) from np.random.default_rng(rng), on
    F, C, kH, kW all different (so a draw in another layout, transposed, shows)."""
    _, first, _ = _weights(student, 3, 4, 3, rng=7)
    _, again, _ = _weights(student, 3, 4, 3, rng=7)
    _, other, _ = _weights(student, 3, 4, 3, rng=8)
    checks.check_true(np.array_equal(first, again), "Conv2d(3, 4, 3, rng=7) made different weights on a second call "
                                                    "with the same seed: call np.random.default_rng(rng) and draw "
                                                    "only from it (never from np.random.*)")
    checks.check_true(not np.array_equal(first, other), "Conv2d(3, 4, 3, rng) gave the same weights for seeds 7 "
                                                        "and 8: the rng argument is ignored")
    _, none, _ = _weights(student, 3, 4, 3)
    checks.check_true(none.shape == (4, 3, 3, 3), f"Conv2d(3, 4, 3) without rng should still draw W of shape "
                                                  f"(4, 3, 3, 3), not {none.shape}")
    seed, (c, f, k) = 11, EXACT
    call, W, _ = _weights(student, c, f, k, rng=seed)
    shape = (f, c, *k)
    if W.shape != shape:
        return  # a wrong layout: the other two tests fail and name it
    fan_in = c * k[0] * k[1]
    expected = _draw(seed, shape, np.sqrt(2 / fan_in))
    ratio = _scale(W, expected)
    if ratio is not None and abs(ratio ** 2 - 1) > 2 * VAR_TOL:
        return  # the SPEC's draw at a scale the variance test fails and names: one slip, one deduction
    checks.check_array(f"{call}.W", W, expected, generic=False,
                       context=f"the SPEC's draw {DRAW} from np.random.default_rng({seed}), fan_in = C·kH·kW = "
                               f"{fan_in}",
                       mistakes=_layout_slips(seed, shape, np.sqrt(2 / fan_in)),
                       factors={ratio: f"the draw is right but its scale is not sqrt(2 / fan_in) = sqrt(2 / {fan_in})"}
                       if ratio is not None else None)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_conv_init_kernel_as_int_and_as_pair(student):
    """kernel_size=k means (k, k); (kH, kW) keeps rows then columns; stride and padding leave W's shape alone."""
    for args, kwargs, wanted in [((2, 3, 4), {}, (3, 2, 4, 4)), ((1, 5, (1, 4)), {}, (5, 1, 1, 4)),
                                 ((3, 2, (4, 2)), {"stride": 2, "padding": 1}, (2, 3, 4, 2)),
                                 ((2, 2, (2, 3)), {"stride": (1, 2), "padding": (0, 1)}, (2, 2, 2, 3))]:
        call, W, conv = _weights(student, *args, rng=0, **kwargs)
        checks.check_true(W.shape == wanted, f"`{call}.W` should have shape {wanted} but has shape {W.shape}: {LAYOUT}")
        b = checks.as_numeric_array(f"{call}.b", conv.b)
        checks.check_true(b.shape == (wanted[0],), f"`{call}.b` should have shape ({wanted[0]},) but has {b.shape}")
