"""Hidden tests of grade cell `test_vae_step` (1 point): one training step of the VAE, by replay.

The student's VAE(8, 5, 2) gets the grader's weights and torch.optim.SGD(lr=0.1): plain SGD moves the
parameters by lr × the gradient, so a loss that is summed instead of averaged, a step without backward,
zero_grad in the wrong place, or gradients never zeroed all leave other parameters than the float64
replay's. The returned value is the loss before the step (a Python float; a 0-d tensor is accepted).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a4_vae_gan import oracle as o
from autograder.a4_vae_gan.test_elbo import PARAM_NAMES, weights

CELL = "test_vae_step"
DIMS, LR = (8, 5, 2), 0.1
STEP_SLIPS = {
    "frozen": "the parameters did not change: vae_train_step must call loss.backward() and then optimizer.step() "
              "(zero_grad before backward, never between backward and step)",
    "batch_sum": "the step used the loss summed over the batch (N times the mean): the loss is the mean of rec + kl",
    "no_zero": "the gradients were not zeroed before backward, so they include what .grad held on entry (a previous "
               "step's gradients): call optimizer.zero_grad() first",
    "after": "the returned loss was computed after optimizer.step(): return the loss of this batch before the step",
}


@checks.cached
def _problem(junk: bool):
    rng = np.random.default_rng(45001 + junk)
    params = weights(rng, (8, 5, 4)) + weights(rng, (2, 5, 8), scale=2.0)
    batches = [((rng.uniform(size=(4, 8)) < 0.5).astype(float), rng.normal(size=(4, 2))) for _ in range(2 if junk else 1)]
    grads = [rng.normal(size=p.shape) for p in params] if junk else None
    expected = o.vae_sgd(params, batches, LR, grads)
    slips = {bug: o.vae_sgd(params, batches, LR, grads, bug) for bug in STEP_SLIPS}
    return params, batches, grads, expected, slips


def _returned_loss(facts, context):
    if isinstance(facts, dict) and facts.get("tensor"):
        value = np.asarray(facts["value"])
        checks.check_true(value.size == 1, f"vae_train_step returned a tensor of shape {value.shape}: it returns the "
                                           f"loss as a Python float, loss.item() ({context})")
        return float(value.reshape(()))
    if not isinstance(facts, dict) or facts.get("value") is None:
        kind = facts.get("dtype") if isinstance(facts, dict) else type(facts).__name__
        o.fail(f"vae_train_step returned a {kind}: it returns the loss as a Python float, loss.item() ({context})")
    return facts["value"]


def _check(student, junk):
    params, batches, grads, expected, slips = _problem(junk)
    got = student.harness("vae").vae_steps(list(DIMS), params, batches, LR, grads)
    got = checks.check_list("the results of the vae_train_step calls", got, len(batches))
    entry = "every .grad holding other values on entry, " if junk else ""
    for k, (mine, want) in enumerate(zip(got, expected)):
        context = (f"VAE{DIMS} with the grader's weights, {entry}vae_train_step(model, SGD(lr={LR}), x, eps), "
                   f"call {k + 1} of {len(batches)}, batch of 4")
        checks.check_scalar("the returned loss", _returned_loss(mine["returned"], context), want["loss"],
                            context=context, mistakes=[(s[k]["loss"], STEP_SLIPS[bug]) for bug, s in slips.items()])
        params_after = checks.check_list("the parameters after the step", mine["params"], len(PARAM_NAMES))
        for i, name in enumerate(PARAM_NAMES):
            checks.check_array(f"{name} after the step", params_after[i], want["params"][i], context=context,
                               generic=False, mistakes=[(s[k]["params"][i], STEP_SLIPS[bug]) for bug, s in slips.items()])


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_vae_train_step_one_sgd_step(student):
    _check(student, junk=False)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_vae_train_step_zeroes_gradients_first(student):
    """Every .grad holds other values on entry (as after any earlier step), then two calls on two batches."""
    _check(student, junk=True)
