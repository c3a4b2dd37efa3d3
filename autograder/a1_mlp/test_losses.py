"""Hidden tests of grade cell `test_losses` (1.5 points): losses with mean reduction and their gradients."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks

CELL = "test_losses"
N, D = 6, 3  # element-wise losses get (N, D) inputs, so "mean over every element" ≠ "mean over the batch"


def _value_and_grad(loss, pred, *rest):
    """torch's mean-reduced loss and its gradient w.r.t. the prediction, in float64."""
    p = checks.torch64(pred, grad=True)
    value = loss(p, *rest)
    value.backward()
    return float(value.detach()), checks.numpy64(p.grad)


def _elementwise_factors(n, d):
    return {
        float(n * d): f"did you sum instead of averaging (missing 1/n, n = pred.size = {n * d})?",
        float(d): f"you averaged over the batch only (N = {n}); element-wise losses average over every "
                  f"element: divide by pred.size = {n * d}",
    }


def _elementwise_grad_factors(n, d):
    return {
        float(n * d): f"did you sum instead of averaging (missing 1/n, n = pred.size = {n * d})?",
        float(d): f"you divided by the batch size N = {n} only; the mean is over every element: divide by "
                  f"pred.size = {n * d}",
        0.5: "a factor 2 is missing: d/dp (p − t)² = 2(p − t)",
    }


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# The cases below are fixed by their seeds: each returns its inputs and torch's loss and gradient,
# computed once per grading process.


@checks.cached
def _regression_case(seed, loss):
    """pred, target (N, D) and torch's ``loss`` (F.mse_loss or F.l1_loss) and its gradient."""
    rng = np.random.default_rng(seed)
    target = rng.normal(size=(N, D))
    pred = target + checks.off_kinks(rng, (N, D), 0.1, 2.0)  # p − t away from 0 (the kink of |p − t|)
    return pred, target, *_value_and_grad(loss, pred, checks.torch64(target))


@checks.cached
def _bce_case(seed):
    """prob, target (N, D) and torch's BCE and its gradient."""
    rng = np.random.default_rng(seed)
    prob, target = rng.uniform(0.05, 0.95, size=(N, D)), rng.integers(0, 2, size=(N, D)).astype(float)
    return prob, target, *_value_and_grad(F.binary_cross_entropy, prob, checks.torch64(target))


@checks.cached
def _bce_with_logits_case(seed):
    """logits, target (N, D) and torch's BCE-with-logits and its gradient."""
    rng = np.random.default_rng(seed)
    logits, target = rng.normal(0, 3, size=(N, D)), rng.integers(0, 2, size=(N, D)).astype(float)
    return logits, target, *_value_and_grad(F.binary_cross_entropy_with_logits, logits, checks.torch64(target))


@checks.cached
def _bce_with_logits_at_1000():
    """logits ±1000 (and 0, 30), target and torch's BCE-with-logits and its gradient."""
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 30.0]])
    target = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    return logits, target, *_value_and_grad(F.binary_cross_entropy_with_logits, logits, checks.torch64(target))


@checks.cached
def _ce_case(seed, n=7, c=4, scale=2.0, equal_first_row=None):
    """logits (n, c), labels and torch's cross-entropy and its gradient; ``equal_first_row``: the
    value every logit of row 0 is set to."""
    rng = np.random.default_rng(seed)
    logits, labels = rng.normal(0, scale, size=(n, c)), rng.integers(0, c, size=n)
    if equal_first_row is not None:
        logits[0] = equal_first_row
    return logits, labels, *_value_and_grad(F.cross_entropy, logits, torch.tensor(labels))


# ------------------------------------------------------------------------------------- hand values


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_losses_leave_their_arguments_alone(student):
    """Checked inside the sandbox (harness/calls.py): only there can an in-place edit be seen."""
    rng = np.random.default_rng(5100)
    pred, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    prob, hard = rng.uniform(0.1, 0.9, size=(4, 3)), rng.integers(0, 2, size=(4, 3)).astype(float)
    logits, labels = rng.normal(0, 3, size=(4, 3)), np.array([0, 2, 1, 2])
    calls = [(f, (pred, target)) for f in ("mse", "mse_grad", "mae", "mae_grad")]
    calls += [(f, (prob, hard)) for f in ("bce", "bce_grad")]
    calls += [(f, (logits, hard)) for f in ("bce_with_logits", "bce_with_logits_grad")]
    calls += [(f, (logits, labels)) for f in ("softmax_cross_entropy", "softmax_cross_entropy_grad")]
    changed, raised = student.harness("calls").mutated_arguments(calls)
    checks.check_true(not raised, f"could not check that the losses leave their arguments alone: "
                                  f"{', '.join(raised)} (each must run first)")
    checks.check_true(not changed, f"{', '.join(changed)} changed the caller's array in place: a loss and its "
                                   "gradient never mutate their inputs (write z = z - z.max(...), not z -= ...)")


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_loss_values_at_hand_checkable_points(student):
    pred, target = np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]])
    checks.check_scalar("mse([[1, 2]], [[0, 0]])", student.mse(pred, target), 2.5,
                        mistakes=[(5.0, "summed instead of averaging over the elements")])
    checks.check_array("mse_grad([[1, 2]], [[0, 0]])", student.mse_grad(pred, target), np.array([[1.0, 2.0]]),
                       show_values=True, context="2(p − t)/n with n = 2",
                       factors={0.5: "a factor 2 is missing: d/dp (p − t)² = 2(p − t)",
                                2.0: "the 1/n is missing: n = pred.size = 2 (every element, not the batch "
                                     "size N = 1)"})
    checks.check_scalar("mae([[1, -2]], [[0, 0]])", student.mae(np.array([[1.0, -2.0]]), target), 1.5)
    half = np.array([[0.5, 0.5]])
    checks.check_scalar("bce([[0.5, 0.5]], [[1, 0]])", student.bce(half, np.array([[1.0, 0.0]])), math.log(2),
                        context="−log 0.5 = ln 2")
    checks.check_scalar("bce_with_logits([[0, 0]], [[1, 0]])",
                        student.bce_with_logits(np.zeros((1, 2)), np.array([[1.0, 0.0]])), math.log(2),
                        context="σ(0) = 0.5, so the loss is ln 2")
    checks.check_scalar("softmax_cross_entropy(zeros((2, 3)), [0, 2])",
                        student.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 2])), math.log(3),
                        context="uniform predictions over 3 classes give ln 3",
                        mistakes=[(2 * math.log(3), "summed over the batch instead of averaging (missing 1/N)")])


# ------------------------------------------------------------------------------------- MSE and MAE


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mse_matches_torch(student):
    pred, target, expected, _ = _regression_case(5101, F.mse_loss)
    checks.check_scalar("mse(pred, target)", student.mse(pred, target), expected,
                        context=f"pred of shape {pred.shape}", show_values=False,
                        factors=_elementwise_factors(N, D))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mse_grad_matches_torch(student):
    pred, target, _, expected = _regression_case(5102, F.mse_loss)
    checks.check_array("mse_grad(pred, target)", student.mse_grad(pred, target), expected,
                       context=f"d(mean loss)/d(pred), pred of shape {pred.shape}",
                       factors=_elementwise_grad_factors(N, D),
                       mistakes=[((pred - target) / pred.size, "a factor 2 is missing: d/dp (p − t)² = 2(p − t)")])


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mae_matches_torch(student):
    pred, target, expected, _ = _regression_case(5103, F.l1_loss)
    checks.check_scalar("mae(pred, target)", student.mae(pred, target), expected,
                        context=f"pred of shape {pred.shape}", show_values=False,
                        factors=_elementwise_factors(N, D))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mae_grad_matches_torch(student):
    pred, target, _, expected = _regression_case(5104, F.l1_loss)
    checks.check_array("mae_grad(pred, target)", student.mae_grad(pred, target), expected,
                       context=f"sign(p − t)/n, pred of shape {pred.shape}",
                       factors=_elementwise_grad_factors(N, D))
    ties = pred.copy()
    ties[::2] = target[::2]  # p = t exactly: the subgradient the SPEC declares, sign(0) = 0
    checks.check_array("mae_grad(pred, target)", student.mae_grad(ties, target), np.sign(ties - target) / ties.size,
                       context="half the rows with pred == target exactly, where sign(0) = 0 (as PyTorch)",
                       mistakes=[(np.where(ties > target, 1.0, -1.0) / ties.size,
                                  "at pred == target the subgradient is sign(0) = 0, not −1"),
                                 (np.where(ties >= target, 1.0, -1.0) / ties.size,
                                  "at pred == target the subgradient is sign(0) = 0, not +1")])


# ------------------------------------------------------------------------------------- BCE


@pytest.mark.grade(cell=CELL, points=0.125)
def test_bce_matches_torch(student):
    prob, target, expected, _ = _bce_case(5105)
    checks.check_scalar("bce(prob, target)", student.bce(prob, target), expected,
                        context=f"prob of shape {prob.shape}", show_values=False,
                        factors=_elementwise_factors(N, D))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_bce_grad_matches_torch(student):
    prob, target, _, expected = _bce_case(5106)
    checks.check_array("bce_grad(prob, target)", student.bce_grad(prob, target), expected,
                       context=f"d(mean BCE)/d(prob), prob of shape {prob.shape}",
                       factors=_elementwise_grad_factors(N, D))


CLIP_EPSILONS = (1e-7, 1e-8, 1e-10, 1e-12, 1e-15)  # Keras's, sklearn's and other habits


def _clipped_bce(prob, target, eps):
    p = np.clip(prob, eps, 1 - eps)
    return -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))


@checks.cached
def _bce_edges_case():
    """prob at and near 0 and 1 with hard and soft targets, and torch's BCE and gradient."""
    prob = np.array([[0.0, 1.0, 0.0, 1.0, 1e-9, 1 - 1e-6, 0.3, 0.5],
                     [1e-12, 1 - 1e-12, 0.999, 0.001, 0.5, 0.25, 1e-9, 1 - 1e-9]])
    target = np.array([[0.0, 1.0, 1.0, 0.0, 0.2, 0.7, 0.25, 1.0],
                       [0.0, 1.0, 0.5, 0.5, 0.0, 0.9, 1.0, 0.0]])
    return prob, target, *_value_and_grad(F.binary_cross_entropy, prob, checks.torch64(target))


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_bce_and_grad_at_0_and_1_and_with_soft_targets(student):
    prob, target, value, grad = _bce_edges_case()
    ctx = "prob exactly 0 and 1 and within 1e-12 of them, soft targets in (0, 1); as PyTorch"
    checks.check_scalar("bce(prob, target)", student.bce(prob, target), value, context=ctx, show_values=False,
                        mistakes=[(_clipped_bce(prob, target, eps), f"p was clipped to [ε, 1 − ε] with ε = {eps:g}: "
                                   "as PyTorch, clamp each log at −100 instead (log(max(p, e^−100)))")
                                  for eps in CLIP_EPSILONS],
                        nonfinite_hint="log(0) = −inf: clamp each log at −100 as PyTorch does "
                                       "(log(max(p, e^−100)), log(max(1 − p, e^−100)))")
    checks.check_array("bce_grad(prob, target)", student.bce_grad(prob, target), grad, context=ctx,
                       nonfinite_hint="division by zero at p = 0 or 1: divide by max(p(1 − p), 1e-12) as "
                                      "PyTorch does")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_bce_with_logits_matches_torch(student):
    logits, target, value, grad = _bce_with_logits_case(5107)
    checks.check_scalar("bce_with_logits(logits, target)", student.bce_with_logits(logits, target), value,
                        context=f"logits of shape {logits.shape}", show_values=False,
                        factors=_elementwise_factors(N, D))
    checks.check_array("bce_with_logits_grad(logits, target)", student.bce_with_logits_grad(logits, target),
                       grad, context=f"(σ(z) − t)/n, logits of shape {logits.shape}",
                       factors=_elementwise_grad_factors(N, D))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_bce_with_logits_stable_at_plus_minus_1000(student):
    logits, target, value, grad = _bce_with_logits_at_1000()
    hint = ("overflow: log σ(z) is log 0 for |z| = 1000; use BCE = softplus(z) − t·z with a stable softplus "
            "(max(z, 0) + log1p(e^(−|z|)))")
    checks.check_scalar("bce_with_logits(logits, target)", student.bce_with_logits(logits, target), value,
                        context="logits = ±1000", nonfinite_hint=hint)
    checks.check_array("bce_with_logits_grad(logits, target)", student.bce_with_logits_grad(logits, target),
                       grad, context="logits = ±1000", nonfinite_hint=hint)


# ------------------------------------------------------------------------------------- softmax CE


@pytest.mark.grade(cell=CELL, points=0.125)
def test_softmax_cross_entropy_matches_torch(student):
    logits, labels, expected, _ = _ce_case(5108)
    checks.check_scalar("softmax_cross_entropy(logits, labels)", student.softmax_cross_entropy(logits, labels),
                        expected, context="logits of shape (7, 4)", show_values=False,
                        factors={7.0: "summed over the batch instead of averaging (missing 1/N, N = 7)"},
                        mistakes=[(lambda: -np.mean(_log_softmax(logits)[:, labels]),
                                   "log_softmax(z)[:, labels] picks an (N, N) block: index each row's own "
                                   "label with [np.arange(N), labels]")])


@pytest.mark.grade(cell=CELL, points=0.125)
def test_softmax_cross_entropy_grad_matches_torch(student):
    logits, labels, _, expected = _ce_case(5109)
    e = np.exp(logits - logits.max(1, keepdims=True))
    probs = e / e.sum(1, keepdims=True)
    checks.check_array("softmax_cross_entropy_grad(logits, labels)",
                       student.softmax_cross_entropy_grad(logits, labels), expected,
                       context="(softmax(z) − onehot(y))/N, logits of shape (7, 4)",
                       factors=checks.batch_factors(7),
                       mistakes=[(probs / 7, "the one-hot of the labels is not subtracted: (softmax(z) − onehot(y))/N"),
                                 (probs, "the one-hot of the labels is not subtracted, and the 1/N is missing")])


@pytest.mark.grade(cell=CELL, points=0.125)
def test_softmax_cross_entropy_stable_for_logits_of_1e4(student):
    # a row of equal huge logits: loss ln 4 for any label
    logits, labels, value, grad = _ce_case(5110, n=5, c=4, scale=1e4, equal_first_row=1e4)
    hint = "overflow: np.exp(1e4) is inf; subtract each row's max before exponentiating (log-sum-exp)"
    checks.check_scalar("softmax_cross_entropy(logits, labels)", student.softmax_cross_entropy(logits, labels),
                        value, context="logits up to 1e4", show_values=False, nonfinite_hint=hint,
                        factors={5.0: "summed over the batch instead of averaging (missing 1/N, N = 5)"})
    checks.check_array("softmax_cross_entropy_grad(logits, labels)",
                       student.softmax_cross_entropy_grad(logits, labels), grad, context="logits up to 1e4",
                       nonfinite_hint=hint, factors=checks.batch_factors(5))
