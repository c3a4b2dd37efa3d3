"""Hidden tests of grade cell `test_gan_step` (1.75 points): one GAN training step, by replay with plain SGD.

The grader's G (3 → 4 → 2) and D (2 → 5 → 1, logits (N,)) with SGD(lr=0.05) and SGD(lr=0.2): the returned
(d_loss, g_loss), G and D after the call, and what each optimizer stepped with (recorded by optimizer
step pre-hooks inside the sandbox) must match a float64 replay of the SPEC's order: one D step on
d_loss(D(x_real), D(G(z_d))) that leaves G alone, then one G step on g_loss_nonsaturating(D(G(z_g))) with
the updated D that leaves D alone. The slips named (a D step leaking into G's update, fakes detached in the
G step, both losses before either step, z_d reused, the minimax loss, swapped labels, gradients not zeroed,
opt_D stepping twice) are each ≥ 1e-3 away.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.student import StudentError
from autograder.a4_vae_gan import oracle as o
from autograder.a4_vae_gan.test_elbo import weights

CELL = "test_gan_step"
LR_G, LR_D = 0.05, 0.2
G_NAMES, D_NAMES = ["G W1", "G b1", "G W2", "G b2"], ["D W1", "D b1", "D W2", "D b2"]


@checks.cached
def _problem(calls: int, junk: bool):
    rng = np.random.default_rng(48001 + 2 * calls + junk)
    g0, d0 = weights(rng, (3, 4, 2), scale=1.5), weights(rng, (2, 5, 1), scale=1.5)
    batches = [(rng.normal(1.0, 1.0, size=(6, 2)), rng.normal(size=(5, 3)), rng.normal(size=(4, 3)))
               for _ in range(calls)]
    entry = ([rng.normal(size=p.shape) for p in g0], [rng.normal(size=p.shape) for p in d0]) if junk else None
    expected = o.gan_sgd(g0, d0, batches, LR_G, LR_D, entry)
    slips = {bug: o.gan_sgd(g0, d0, batches, LR_G, LR_D, entry, bug) for bug in o.GAN_STEP_SLIPS}
    return g0, d0, batches, entry, expected, slips


INPLACE = ("a loss was backpropagated after an optimizer step changed the weights it was computed with (autograd's "
           "in-place error): compute the G loss after opt_D.step(), with the updated D, then backward it")


def _run(student, calls, junk):
    g0, d0, batches, entry, expected, slips = _problem(calls, junk)
    try:
        got = student.harness("gan").gan_steps(g0, d0, batches, LR_G, LR_D, entry)
    except StudentError as exc:
        if "modified by an inplace operation" in str(exc):
            raise StudentError(f"{exc} — {INPLACE}") from None
        raise
    return checks.check_list("the results of the gan_train_step calls", got, calls), expected, slips


def _context(k, calls, junk):
    entry = "every .grad holding other values on entry, " if junk else ""
    return (f"gan_train_step(G, D, opt_G, opt_D, x_real (6, 2), z_d (5, 3), z_g (4, 3)) with the grader's G (3 → 4 → 2) "
            f"and D (2 → 5 → 1), {entry}opt_G = SGD(lr={LR_G}), opt_D = SGD(lr={LR_D}); call {k + 1} of {calls}")


def _check_parameters(mine, want, slips, k, context):
    for net, names in (("G", G_NAMES), ("D", D_NAMES)):
        after = checks.check_list(f"{net}'s parameters", mine[net], len(names))
        for i, name in enumerate(names):
            checks.check_array(f"{name} after the call", after[i], want[k][net][i], context=context, generic=False,
                               mistakes=[(s[k][net][i], o.GAN_STEP_SLIPS[bug]) for bug, s in slips.items()])


def _check_returned(mine, want, slips, k, context):
    returned = mine["returned"]
    checks.check_true(len(returned) == 2, f"gan_train_step returned a {mine['returned_type']}: it returns the pair "
                                          f"(d_loss, g_loss) as Python floats ({context})")
    values = []
    for j, label in enumerate(("d_loss", "g_loss")):
        facts = returned[j]
        value = facts.get("value") if isinstance(facts, dict) else None
        if value is not None and np.size(value) != 1:
            value = None
        checks.check_true(value is not None, f"the returned {label} is a {facts.get('dtype')}: return "
                                             f"{label}.item(), a Python float ({context})")
        values.append(float(np.reshape(value, ())))
    swapped = "the pair is returned as (g_loss, d_loss): gan_train_step returns (d_loss, g_loss)"
    for j, label in enumerate(("d_loss", "g_loss")):
        checks.check_scalar(f"the returned {label}", values[j], want[k]["returned"][j], context=context,
                            mistakes=[(s[k]["returned"][j], o.GAN_STEP_SLIPS[bug]) for bug, s in slips.items()]
                            + [(want[k]["returned"][1 - j], swapped)])


@pytest.mark.grade(cell=CELL, points=0.75)
@checks.most_specific()
def test_gan_train_step_one_call(student):
    """One call from fresh gradients: the returned losses, and G and D after it."""
    got, want, slips = _run(student, 1, False)
    context = _context(0, 1, False)
    _check_parameters(got[0], want, slips, 0, context)
    _check_returned(got[0], want, slips, 0, context)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_gan_train_step_zeroes_gradients_over_two_calls(student):
    """.grad holds other values on entry (as after any earlier step), then two calls on two batches."""
    got, want, slips = _run(student, 2, True)
    for k in range(2):
        context = _context(k, 2, True)
        _check_parameters(got[k], want, slips, k, context)
        _check_returned(got[k], want, slips, k, context)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_each_optimizer_steps_once_with_its_own_gradients(student):
    """The optimizer steps in order: opt_D once with ∂d_loss/∂D, then opt_G once with ∂g_loss/∂G at the updated D."""
    got, want, slips = _run(student, 1, False)
    context = _context(0, 1, False)
    order = [event["optimizer"] for event in got[0]["steps"]]
    checks.check_true(order == ["opt_D", "opt_G"],
                      f"the optimizers stepped in the order {order or 'never'} ({context}); the SPEC's order is "
                      "opt_D.step() once (the D step), then opt_G.step() once (the G step)"
                      + (f". Likely mistake: {o.GAN_STEP_SLIPS['d_steps_twice']}" if order == ["opt_D", "opt_D", "opt_G"]
                         or order == ["opt_D", "opt_G", "opt_D"] else ""))
    for (which, names, net), event, expected in zip((("opt_D", D_NAMES, "D"), ("opt_G", G_NAMES, "G")),
                                                    got[0]["steps"], want[0]["steps"]):
        label = "∂d_loss/∂D at G and D as given" if which == "opt_D" else "∂g_loss/∂G with the updated D"
        grads = checks.check_list(f"the gradients {which} stepped with", event["grads"], len(names))
        for i, name in enumerate(names):
            o.check_grad(f"{name} when {which}.step() ran", grads[i], expected[1][i],
                         context=f"{context}: {which} steps with {label} only", generic=False,
                         mistakes=[(s[0]["steps"][j][1][i], o.GAN_STEP_SLIPS[bug]) for bug, s in slips.items()
                                   for j in range(len(s[0]["steps"])) if s[0]["steps"][j][0] == which
                                   and s[0]["steps"][j][1][i] is not None])
