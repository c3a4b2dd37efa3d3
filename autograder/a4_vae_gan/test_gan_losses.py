"""Hidden tests of grade cell `test_gan_losses` (1.25 points): the three GAN losses on logits.

Hand values at zero logits (2 ln 2, ln 2, −ln 2) and the gradients at ℓ = −10 that tell the
non-saturating loss (−(1 − σ)/N ≈ −1/N) from the minimax one (−σ/N ≈ −4.5e-5/N); values and gradients
on random logits against float64 torch (real and fake batches of different sizes); logits of ±1000,
±30 where log(sigmoid) is −inf and BCE on sigmoid clamps.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a4_vae_gan import oracle as o

CELL = "test_gan_losses"
LOSSES = {"d_loss": (o.d_loss, o.D_SLIPS), "g_loss_nonsaturating": (o.g_nonsaturating, o.G_NS_SLIPS),
          "g_loss_minimax": (o.g_minimax, o.G_MM_SLIPS)}


def _oracle(name, logits):
    formula, slips = LOSSES[name]
    value, grads = o.value_and_grads(lambda *ts: formula(*ts), logits)
    candidates = [(o.value_and_grads(lambda *ts, bug=bug: formula(*ts, bug=bug), logits), message)
                  for bug, message in slips.items()]
    return value, grads, candidates


def _check(got, name, logits, oracle_values, context, hint="", show=False, with_grads=True):
    value, grads, candidates = oracle_values
    call = f"{name}({', '.join(['real_logits', 'fake_logits'][:len(logits)] if name == 'd_loss' else ['fake_logits'])})"
    where = f"{call}, {context}"
    facts = got["loss"]
    if isinstance(facts, dict) and not facts.get("tensor") and facts.get("dtype") in ("float", "int"):
        o.fail(f"{call} returned a Python number ({context}): .item() or float() cut the graph; return the 0-d tensor")
    actual = o.tensor_value(call, facts, context)
    checks.check_true(np.size(actual) == 1, f"{call} should be a single number (a 0-d tensor) but has shape "
                                            f"{np.shape(actual)} ({context})")
    n = len(logits[-1])
    factors = {float(n): "the loss is summed over the batch: it is a mean"} if name != "d_loss" else \
        {0.5: o.D_SLIPS["average"]}
    checks.check_scalar(call, np.reshape(actual, ()), float(value), context=context, show_values=True,
                        mistakes=[(float(c[0]), m) for c, m in candidates], nonfinite_hint=hint, factors=factors)
    if facts["dtype"] != "float64":
        o.fail(f"{call} {o.FLOAT32} ({context})")
    labels = ["real_logits", "fake_logits"] if name == "d_loss" else ["fake_logits"]
    for i, label in enumerate(labels if with_grads else []):
        o.check_grad(f"{label} of {call}", got["grads"][i], grads[i], got["backward_error"], context=context,
                     mistakes=[(c[1][i], m) for c, m in candidates], nonfinite_hint=hint, show_values=show)


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_gan_losses_by_hand(student):
    """Zero logits: d_loss = 2 ln 2 = 1.386294, g_loss_nonsaturating = ln 2, g_loss_minimax = −ln 2 (values only: the
    SPEC grades no gradient at exactly ℓ = 0). At ℓ = −10 (N = 2 fakes, ℓ = (−10, 2)): ∂/∂ℓ₀ of the non-saturating
    loss is −(1 − σ(−10))/2 ≈ −0.49998, of the minimax loss −σ(−10)/2 ≈ −2.27e-5."""
    harness = student.harness("gan")
    for name, logits in (("d_loss", [np.zeros(4), np.zeros(6)]), ("g_loss_nonsaturating", [np.zeros(5)]),
                         ("g_loss_minimax", [np.zeros(5)]), ("g_loss_nonsaturating", [np.array([-10.0, 2.0])]),
                         ("g_loss_minimax", [np.array([-10.0, 2.0])])):
        zero = not np.any(logits[-1])
        context = "logits all 0" if zero else "fake_logits = (−10, 2)"
        _check(harness.loss(name, logits), name, logits, _oracle(name, logits), context, show=True, with_grads=not zero)


@checks.cached
def _random_case():
    rng = np.random.default_rng(47001)
    real, fake = rng.normal(0.0, 3.0, size=5), rng.normal(0.0, 3.0, size=7)
    return real, fake, {"d_loss": _oracle("d_loss", [real, fake]),
                        "g_loss_nonsaturating": _oracle("g_loss_nonsaturating", [fake]),
                        "g_loss_minimax": _oracle("g_loss_minimax", [fake])}


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_gan_losses_match_torch(student):
    real, fake, oracles = _random_case()
    harness = student.harness("gan")
    for name in LOSSES:
        logits = [real, fake] if name == "d_loss" else [fake]
        _check(harness.loss(name, logits), name, logits, oracles[name],
               "real_logits (5,), fake_logits (7,) with random values; then loss.backward()")


@checks.cached
def _large_case():
    real, fake = np.array([1000.0, -1000.0, 30.0]), np.array([-1000.0, 1000.0, -30.0, 0.5])
    return real, fake, {"d_loss": _oracle("d_loss", [real, fake]),
                        "g_loss_nonsaturating": _oracle("g_loss_nonsaturating", [fake]),
                        "g_loss_minimax": _oracle("g_loss_minimax", [fake])}


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_gan_losses_are_stable_at_large_logits(student):
    real, fake, oracles = _large_case()
    harness = student.harness("gan")
    for name in LOSSES:
        logits = [real, fake] if name == "d_loss" else [fake]
        _check(harness.loss(name, logits), name, logits, oracles[name],
               "real_logits (1000, −1000, 30), fake_logits (−1000, 1000, −30, 0.5): every value and gradient finite "
               "and exact", hint=o.UNSTABLE_BCE)
