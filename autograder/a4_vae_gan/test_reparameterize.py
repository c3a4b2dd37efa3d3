"""Hidden tests of grade cell `test_reparameterize` (0.75 points): z = μ + exp(½·logvar) ⊙ ε with the given ε.

The value and both gradients (∂z/∂μ = 1, ∂z/∂logvar = ½·σ·ε) against torch float64; a hand example;
the inputs untouched; the same inputs twice give the same z (no noise drawn inside); float64 out.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a4_vae_gan import oracle as o

CELL = "test_reparameterize"
CALL = "reparameterize(mu, logvar, eps), mu and logvar (5, 3) requiring grad, then z.backward(G)"


@checks.cached
def _case():
    rng = np.random.default_rng(41001)
    mu, logvar = rng.normal(size=(5, 3)), rng.uniform(-2.0, 2.0, size=(5, 3))
    eps, upstream = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    results = {bug: o.value_and_grads(lambda m, lv, e, bug=bug: o.reparameterize(m, lv, e, bug), [mu, logvar, eps],
                                      upstream, wrt=(0, 1)) for bug in (None, *o.REPARAM_SLIPS)}
    return (mu, logvar, eps, upstream), results


def _slips(results, part):
    return [(results[bug][part] if part == 0 else results[bug][1][part - 1], message)
            for bug, message in o.REPARAM_SLIPS.items()]


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_reparameterize_value_and_gradients(student):
    (mu, logvar, eps, upstream), results = _case()
    harness = student.harness("vae")
    got = harness.reparameterize(mu, logvar, eps, upstream)
    again = harness.reparameterize(mu, logvar, eps, upstream)
    z, (d_mu, d_logvar) = results[None]
    value = o.check_tensor("z", got["z"], z, context=CALL, mistakes=_slips(results, 0))
    if again["z"].get("tensor") and np.shape(again["z"]["value"]) == np.shape(value):
        if not np.array_equal(again["z"]["value"], value):
            o.fail("reparameterize gives a different z for the same mu, logvar and eps: it draws its own noise; use "
                   "the eps given (SPEC: randomness is injected)")
    o.check_grad("mu", got["grads"][0], d_mu, got["backward_error"], context=CALL + ": ∂z/∂μ = 1",
                 mistakes=_slips(results, 1))
    o.check_grad("logvar", got["grads"][1], d_logvar, got["backward_error"], context=CALL + ": ∂z/∂logvar = ½·σ·ε",
                 mistakes=_slips(results, 2), factors={2.0: "the ½ of σ = exp(½·logvar) is missing in the gradient"})
    o.check_unchanged("reparameterize", got["changed"])


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_reparameterize_by_hand(student):
    """μ = [0, 1.5], logvar = [0, 2 ln 2] (σ = [1, 2]), ε = [0.5, −1]: z = [0.5, −0.5]; ∂z/∂logvar = ½σε = [0.25, −1]."""
    mu, logvar, eps = np.array([[0.0, 1.5]]), np.array([[0.0, 2 * np.log(2.0)]]), np.array([[0.5, -1.0]])
    got = student.harness("vae").reparameterize(mu, logvar, eps, np.ones((1, 2)))
    context = "μ = [0, 1.5], logvar = [0, 2 ln 2] so σ = [1, 2], ε = [0.5, −1]"
    o.check_tensor("z", got["z"], np.array([[0.5, -0.5]]), context=context, show_values=True,
                   mistakes=[(np.array([[0.5, 1.5 - 4.0]]), o.REPARAM_SLIPS["variance"]),
                             (np.array([[0.5, 1.5 - 2 * np.log(2.0)]]), o.REPARAM_SLIPS["logvar_as_std"])])
    o.check_grad("logvar", got["grads"][1], np.array([[0.25, -1.0]]), got["backward_error"],
                 context=context + ": ∂z/∂logvar = ½·σ·ε", show_values=True,
                 mistakes=[(np.array([[0.5, -4.0]]), o.REPARAM_SLIPS["variance"])])
    o.check_grad("mu", got["grads"][0], np.ones((1, 2)), got["backward_error"], context=context + ": ∂z/∂μ = 1",
                 show_values=True)
