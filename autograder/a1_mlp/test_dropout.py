"""Hidden tests of grade cell `test_dropout` (0.5 points): inverted dropout, p = drop probability.

p = 0.2 (not 0.5) everywhere, so that an implementation that swaps p and 1 − p fails; statistical
checks use ≥ 120,000 units, where the kept fraction has a standard error of ~0.001.
"""
import numpy as np
import pytest

from autograder import checks

CELL = "test_dropout"
P = 0.2
P_IS_KEEP = ("p is the drop probability (as in PyTorch): a unit is kept with probability 1 − p "
             "and kept units are scaled by 1/(1 − p)")


def _mask(rng, shape, keep=1 - P):
    return rng.random(shape) < keep


@pytest.mark.grade(cell=CELL, points=0.125)
def test_dropout_mask_keeps_units_with_probability_one_minus_p(student):
    shape = (400, 400)
    mask = checks.as_numeric_array(f"dropout_mask({shape}, p={P}, rng=123)", student.dropout_mask(shape, P, 123))
    checks.check_true(mask.shape == shape, f"`dropout_mask({shape}, p, rng)` should have shape {shape} but has "
                                           f"shape {mask.shape}")
    checks.check_true(np.all((mask == 0) | (mask == 1)),
                      "`dropout_mask` should be a boolean keep mask (True = kept) but has values other than 0/1")
    dtype = np.asarray(student.dropout_mask((3, 4), P, 123)).dtype
    checks.check_true(dtype == bool, f"`dropout_mask` should return a boolean keep mask (dtype bool, True = kept) "
                                     f"but its dtype is {dtype}: return the comparison itself (u >= p), not a 0/1 "
                                     "float array (SPEC: masks are boolean)")
    checks.check_statistic(f"the kept fraction of dropout_mask({shape}, p={P}, rng=123)", mask.mean(), 1 - P,
                           rel_tol=0.0075, context="P(keep) = 1 − p",
                           mistakes=[(P, "your mask keeps a unit with probability p: " + P_IS_KEEP)])
    again = checks.as_numeric_array("dropout_mask", student.dropout_mask(shape, P, 123))
    checks.check_true(np.array_equal(mask, again),
                      "dropout_mask gave different masks for the same seed: call np.random.default_rng(rng) and "
                      "draw only from it (never from np.random.* globals)")
    other = checks.as_numeric_array("dropout_mask", student.dropout_mask(shape, P, 124))
    checks.check_true(not np.array_equal(mask, other), "dropout_mask gave the same mask for seeds 123 and 124: "
                                                       "the rng argument is ignored")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_dropout_forward_with_injected_mask(student):
    rng = np.random.default_rng(8101)
    x, mask = rng.normal(size=(6, 5)), _mask(rng, (6, 5))
    layer = student.Dropout(P)
    out = layer.forward(x, training=True, mask=mask)
    checks.check_array("Dropout(0.2).forward(x, training=True, mask=mask)", out, x * mask / (1 - P),
                       context="inverted dropout: x·mask/(1 − p)",
                       mistakes=[(x * mask, "kept units must be scaled by 1/(1 − p) in training (inverted "
                                            "dropout); this output is not inverted"),
                                 (x * mask / P, "kept units were scaled by 1/p: " + P_IS_KEEP),
                                 (x * mask * (1 - P), "kept units were multiplied by 1 − p; inverted dropout "
                                                      "divides by 1 − p"),
                                 (x * ~mask / (1 - P), "the mask was used inverted: True means the unit is kept")])


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_dropout_backward_uses_the_same_mask(student):
    rng = np.random.default_rng(8102)
    x, g, mask = rng.normal(size=(6, 5)), rng.normal(size=(6, 5)), _mask(rng, (6, 5))
    layer = student.Dropout(P)
    layer.forward(x, training=True, mask=mask)
    checks.check_array("Dropout.backward(grad_out)", layer.backward(g), g * mask / (1 - P),
                       context="after a training forward with an injected mask: grad_out·mask/(1 − p)",
                       mistakes=[(g * mask, "the backward pass must be scaled by 1/(1 − p) like the forward "
                                            "pass (inverted dropout)"),
                                 (g / (1 - P), "the mask is ignored in backward: dropped units get no gradient"),
                                 (g, "backward must apply the forward pass's mask and scale"),
                                 (g * mask / P, "scaled by 1/p: " + P_IS_KEEP)])


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_dropout_evaluation_is_the_identity(student):
    rng = np.random.default_rng(8103)
    x, g = rng.normal(size=(50, 40)), rng.normal(size=(50, 40))
    layer = student.Dropout(P)
    layer.forward(x, training=True, mask=_mask(rng, x.shape))  # a training step first: its mask must not linger
    checks.check_array("Dropout(0.2).forward(x, training=False)", layer.forward(x, training=False), x,
                       context="in evaluation (training=False) dropout is the identity",
                       mistakes=[(x * (1 - P), "in evaluation (training=False) inverted dropout returns x "
                                               "unchanged: no (1 − p) scaling")])
    checks.check_array("Dropout.backward(grad_out) after an evaluation forward", layer.backward(g), g,
                       context="in evaluation (training=False) dropout is the identity, even right after a "
                               "training forward: the training mask must not be applied")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_dropout_statistics_with_a_seeded_rng(student):
    shape = (300, 400)
    out = checks.as_numeric_array("Dropout(0.2).forward(ones, training=True, rng=2024)",
                                  student.Dropout(P).forward(np.ones(shape), training=True, rng=2024))
    checks.check_true(out.shape == shape, f"`Dropout.forward` should return shape {shape} but returned {out.shape}")
    checks.check_true(np.all(np.isfinite(out)), "`Dropout.forward` returned NaN or inf values")
    again = student.Dropout(P).forward(np.ones(shape), training=True, rng=2024)
    checks.check_true(np.array_equal(out, checks.as_numeric_array("a second call with rng=2024", again)),
                      "Dropout.forward with the same seed gave a different mask: draw it from `rng` "
                      "(np.random.default_rng(rng)), never from the global np.random functions")
    zero = float(np.mean(out == 0))
    checks.check_statistic("the fraction of zeroed units of Dropout(0.2) on ones", zero, P, rel_tol=0.03,
                           context=f"{out.size} units, seeded rng",
                           mistakes=[(1 - P, "about 1 − p of the units are dropped: " + P_IS_KEEP)])
    kept = out[out != 0]
    checks.check_true(np.allclose(kept, 1 / (1 - P), rtol=1e-12, atol=0),
                      f"kept units of ones should all be 1/(1 − p) = {1 / (1 - P):g} but range from "
                      f"{kept.min():.4g} to {kept.max():.4g}" + (": " + P_IS_KEEP if np.allclose(kept, 1 / P) else ""))
    checks.check_statistic("the mean of Dropout(0.2).forward(ones)", out.mean(), 1.0, rel_tol=0.01,
                           context="inverted dropout preserves the mean",
                           mistakes=[(1 - P, "the mean shrinks by 1 − p: kept units must be scaled by 1/(1 − p) "
                                             "(inverted dropout)")])
