"""Hidden tests of grade cell `test_bernoulli` (0.75 points): the Bernoulli NLL from logits, per sample.

Σ over every non-batch dimension of softplus(ℓ) − x·ℓ, against F.binary_cross_entropy_with_logits
(reduction="none") summed, in float64: on images (N, 1, 4, 4) with 0/1 targets and on (N, 6) with grey
targets in [0, 1]; the gradient σ(ℓ) − x; and at logits of ±1000, ±40, where sigmoid-then-log is
infinite and F.binary_cross_entropy on sigmoid(ℓ) clamps at 100.
"""
import contextlib

import numpy as np
import pytest
import torch.nn.functional as F

from autograder import checks
from autograder.a4_vae_gan import oracle as o

CELL = "test_bernoulli"
GREY = ("x holds grey values in [0, 1] (SPEC), not only 0 and 1: torch.distributions.Bernoulli(...).log_prob "
        "rejects them unless validate_args=False; softplus(ℓ) − x·ℓ works for any x")


def _oracle(x, logits, upstream):
    def nll(xt, lt):
        return F.binary_cross_entropy_with_logits(lt, xt, reduction="none").flatten(1).sum(1)
    value, (grad,) = o.value_and_grads(nll, [x, logits], upstream, wrt=(1,))
    candidates = []
    for bug, message in o.NLL_SLIPS.items():
        try:
            v, (g,) = o.value_and_grads(lambda a, b, bug=bug: o.bernoulli_nll(a, b, bug), [x, logits],
                                        upstream if bug not in ("batch_mean",) else None, wrt=(1,))
        except RuntimeError:  # a slip whose shape does not take this upstream gradient
            v, g = o.np64(o.bernoulli_nll(o.t64(x), o.t64(logits), bug)), None
        candidates.append((bug, v, g, message))
    return value, grad, candidates


@checks.cached
def _cases():
    rng = np.random.default_rng(43001)
    images = (rng.uniform(size=(4, 1, 4, 4)) < 0.3).astype(float)
    grey = rng.uniform(size=(5, 6))
    out = []
    for x, scale, label in ((images, 3.0, "images x (4, 1, 4, 4) of 0s and 1s"),
                            (grey, 2.0, "x (5, 6) of grey values in [0, 1]")):
        logits, upstream = rng.normal(0.0, scale, size=x.shape), rng.normal(size=x.shape[0])
        out.append((label, x, logits, upstream, _oracle(x, logits, upstream)))
    return out


def _check(got, label, x, logits, oracle_values, hint=""):
    value, grad, candidates = oracle_values
    pixels = int(np.prod(x.shape[1:]))
    context = f"bernoulli_nll(x, logits), {label}, logits requiring grad, then nll.backward(G)"
    o.check_tensor("bernoulli_nll(x, logits)", got["nll"], value, context=context,
                   factors={1.0 / pixels: o.NLL_SLIPS["pixel_mean"]},
                   mistakes=[(v, m) for _, v, _, m in candidates], nonfinite_hint=hint)
    o.check_unchanged("bernoulli_nll", got["changed"])
    o.check_grad("logits", got["grads"][0], grad, got["backward_error"], context=context + ": ∂/∂ℓ = σ(ℓ) − x",
                 factors={1.0 / pixels: o.NLL_SLIPS["pixel_mean"]},
                 mistakes=[(g, m) for _, _, g, m in candidates if g is not None], nonfinite_hint=hint)


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_bernoulli_nll_matches_bce_with_logits(student):
    harness = student.harness("vae")
    for label, x, logits, upstream, oracle_values in _cases():
        with checks.explained(GREY) if "grey" in label else contextlib.nullcontext():
            got = harness.bernoulli_nll(x, logits, upstream)
        _check(got, label, x, logits, oracle_values)


@checks.cached
def _large():
    x = np.array([[1.0, 1.0, 0.0, 0.5, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0, 0.25, 0.5]])
    logits = np.array([[1000.0, -1000.0, 40.0, -40.0, 0.5, 800.0], [-1000.0, 1000.0, -800.0, 60.0, -60.0, -0.5]])
    return x, logits, np.array([1.0, -0.5]), _oracle(x, logits, np.array([1.0, -0.5]))


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_bernoulli_nll_is_stable_at_large_logits(student):
    """Logits ±1000, ±800, ±60, ±40 and ±0.5: every value and gradient finite and exact (row 0's NLL is
    0 + 1000 + 40 + 20 + softplus(0.5) − 0.5 + 800)."""
    x, logits, upstream, oracle_values = _large()
    got = student.harness("vae").bernoulli_nll(x, logits, upstream)
    _check(got, "x (2, 6), logits of ±1000, ±800, ±60, ±40 and ±0.5", x, logits, oracle_values, hint=o.UNSTABLE_BCE)
