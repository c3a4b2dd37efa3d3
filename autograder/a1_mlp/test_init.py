"""Hidden tests of grade cell `test_init` (0.5 points): initialisers' shapes and statistics.

n_in = 600 ≠ n_out = 150, so swapping fan-in and fan-out changes a variance 4-fold, and 90,000
samples put the sample variance within ±0.5 % (one standard error) of the true one: the 4 %
tolerance is 8 standard errors, whatever order a correct implementation draws its numbers in.
"""
import numpy as np
import pytest

from autograder import checks

CELL = "test_init"
N_IN, N_OUT = 600, 150
VAR_TOL = 0.04
SHAPE_HINT = "initialisers return PyTorch's layout (n_out, n_in)"


def _draw(student, name, *args, seed=11):
    label = f"{name}({N_IN}, {N_OUT}{''.join(f', {a}' for a in args)})"
    W = checks.as_numeric_array(label, getattr(student, name)(N_IN, N_OUT, seed, *args))
    checks.check_true(W.size == N_IN * N_OUT, f"`{label}` should have {N_IN * N_OUT} entries, shape "
                                              f"({N_OUT}, {N_IN}), but has shape {W.shape}")
    return label, W


def _check_mean(label, W, var):
    limit = 6 * np.sqrt(var / W.size)
    checks.check_true(abs(W.mean()) <= limit, f"the mean of `{label}` is {W.mean():.3g}; it should be 0 "
                                              f"(|mean| ≤ {limit:.2g} for {W.size} samples)")


def _kurtosis(W):
    c2 = (W - W.mean()) ** 2  # squared, then squared again: c ** 4 takes numpy's slow power path
    return float(np.mean(c2 * c2) / np.mean(c2) ** 2)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_initialisers_return_shape_n_out_by_n_in(student):
    for name in ["normal_init", "xavier_normal", "xavier_uniform", "kaiming_normal"]:
        W = checks.as_numeric_array(name, getattr(student, name)(7, 3, 0))
        if W.shape == (7, 3):
            raise AssertionError(f"`{name}(n_in=7, n_out=3, rng)` has shape (7, 3) = (n_in, n_out): the layout "
                                 f"is transposed; {SHAPE_HINT}, here (3, 7)")
        checks.check_true(W.shape == (3, 7), f"`{name}(n_in=7, n_out=3, rng)` should have shape (3, 7) but has "
                                             f"shape {W.shape}: {SHAPE_HINT}")


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_normal_init_variance_is_one_over_n_in(student):
    label, W = _draw(student, "normal_init")
    var = 1 / N_IN
    _check_mean(label, W, var)
    checks.check_statistic(f"the variance of `{label}`", W.var(), var, VAR_TOL, context="Var = 1/n_in",
                           mistakes=[(1 / N_OUT, "used n_out instead of n_in (fan-out for fan-in)"),
                                     (var ** 2, "the variance 1/n_in was used as the standard deviation: "
                                                "pass scale = sqrt(1/n_in)"),
                                     (1.0, "not scaled at all (a standard normal)"),
                                     (2 / N_IN, "that is Kaiming's 2/n_in; normal_init has Var = 1/n_in")])


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_xavier_normal_variance_and_normal_shape(student):
    label, W = _draw(student, "xavier_normal")
    var = 2 / (N_IN + N_OUT)
    _check_mean(label, W, var)
    checks.check_statistic(f"the variance of `{label}`", W.var(), var, VAR_TOL,
                           context="Var = 2/(n_in + n_out)",
                           mistakes=[(1 / (N_IN + N_OUT), "the factor 2 is missing"),
                                     (var ** 2, "the variance was used as the standard deviation: pass "
                                                "scale = sqrt(2/(n_in + n_out))"),
                                     (1 / N_IN, "used 1/n_in (that is normal_init)"),
                                     (2 / N_IN, "used 2/n_in (that is Kaiming)")])
    k = _kurtosis(W)
    checks.check_true(abs(k - 3) < 0.3, f"`{label}` does not look normally distributed (kurtosis {k:.2f}, a "
                                        "normal has 3, a uniform 1.8): draw with rng.normal")


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_xavier_uniform_limits_and_variance(student):
    label, W = _draw(student, "xavier_uniform")
    a = np.sqrt(6 / (N_IN + N_OUT))
    var = a ** 2 / 3
    _check_mean(label, W, var)
    checks.check_statistic(f"the variance of `{label}`", W.var(), var, VAR_TOL,
                           context="U(−a, a) with a = sqrt(6/(n_in + n_out)), Var = 2/(n_in + n_out)",
                           mistakes=[(2 / (N_IN + N_OUT) / 3, "the limit a is sqrt(6/(n_in + n_out)), not the "
                                                               "normal's std sqrt(2/(n_in + n_out))"),
                                     ((6 / (N_IN + N_OUT)) ** 2 / 3, "the square root is missing in the limit: "
                                                                      "a = sqrt(6/(n_in + n_out))")])
    top = float(np.max(np.abs(W)))
    checks.check_true(top <= a * (1 + 1e-12), f"`{label}` has values up to ±{top:.4g} outside [−a, a] with a = "
                                              f"{a:.4g}: draw from a uniform U(−a, a), not a normal")
    checks.check_true(top >= 0.99 * a, f"`{label}` never comes near ±a = ±{a:.4g} (largest |W| is {top:.4g}): "
                                       "draw from U(−a, a)")


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_kaiming_normal_variance_is_two_over_n_in(student):
    label, W = _draw(student, "kaiming_normal")
    var = 2 / N_IN
    _check_mean(label, W, var)
    checks.check_statistic(f"the variance of `{label}`", W.var(), var, VAR_TOL,
                           context="the default gain 2: Var = 2/n_in",
                           mistakes=[(1 / N_IN, "the factor 2 (the gain) is missing: Var = gain/n_in"),
                                     (2 / N_OUT, "used n_out instead of n_in (fan-out for fan-in): Var = gain/n_in"),
                                     (4 / N_IN, "the gain was squared: Var = gain/n_in"),
                                     (var ** 2, "the variance was used as the standard deviation: pass "
                                                "scale = sqrt(gain/n_in)")])
    k = _kurtosis(W)
    checks.check_true(abs(k - 3) < 0.3, f"`{label}` does not look normally distributed (kurtosis {k:.2f}, a "
                                        "normal has 3): draw with rng.normal")


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_kaiming_normal_uses_its_gain_argument(student):
    label, W = _draw(student, "kaiming_normal", 1.0)
    var = 1 / N_IN
    _check_mean(label, W, var)
    checks.check_statistic(f"the variance of `{label}`", W.var(), var, VAR_TOL, context="gain 1: Var = 1/n_in",
                           mistakes=[(2 / N_IN, "the `gain` argument is ignored (2 used): Var = gain/n_in"),
                                     (1 / N_OUT, "used n_out instead of n_in (fan-out for fan-in)")])


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_initialisers_are_reproducible_from_a_seed(student):
    for name in ["normal_init", "xavier_normal", "xavier_uniform", "kaiming_normal"]:
        first = checks.as_numeric_array(name, getattr(student, name)(20, 10, 5))
        again = checks.as_numeric_array(name, getattr(student, name)(20, 10, 5))
        other = checks.as_numeric_array(name, getattr(student, name)(20, 10, 6))
        checks.check_true(np.array_equal(first, again),
                          f"`{name}(20, 10, rng=5)` gave different arrays on two calls with the same seed: "
                          "call np.random.default_rng(rng) and draw only from it (not from np.random.*)")
        checks.check_true(not np.array_equal(first, other),
                          f"`{name}(20, 10, rng)` gave the same array for seeds 5 and 6: the seed is ignored")
