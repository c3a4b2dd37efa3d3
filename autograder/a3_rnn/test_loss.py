"""Hidden tests of grade cell `test_loss` (0.75 points): sequence_cross_entropy and its gradient, with a mask.

Oracle: F.cross_entropy with ignore_index (the masked targets replaced by it), reduction "mean", in float64, and
autograd for the gradient. The mask has different lengths per sequence, a full one and one of length 1; the
named slips are CS231n's sum over time, a mean over all N·T tokens that ignores the mask, a sum divided by N·T,
a mean of per-sequence means, and a mask applied to the loss but not to its gradient.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.a3_rnn.oracle import n64, t64

CELL = "test_loss"
IGNORE = -100
MEAN = "L is the mean over the tokens that count: Σ mask·nll / Σ mask"
OVERFLOW = ("overflow: e^z is inf for z = 1e4; subtract each position's max over the vocabulary before "
            "exponentiating (also where the mask is False: 0 · inf is NaN)")


def _torch_ce(logits, targets, mask):
    z = t64(logits, grad=True)
    y = torch.tensor(np.where(mask, targets, IGNORE) if mask is not None else targets, dtype=torch.long)
    loss = F.cross_entropy(z.reshape(-1, z.shape[-1]), y.reshape(-1), ignore_index=IGNORE)
    loss.backward()
    return float(loss), n64(z.grad)


def _nll(logits, targets):
    z = logits - logits.max(axis=-1, keepdims=True)
    return np.log(np.exp(z).sum(axis=-1)) - np.take_along_axis(z, targets[..., None], axis=-1)[..., 0]


def _probs(logits):
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)


def _value_slips(logits, targets, mask):
    nll = _nll(logits, targets)
    m = np.ones(targets.shape) if mask is None else mask.astype(float)
    N, T = targets.shape
    out = [(np.sum(m * nll) / N, f"the loss is summed over time and averaged over the batch (CS231n's "
                                 f"temporal_softmax_loss): {MEAN}"),
           (np.sum(m * nll), f"the loss is a sum: {MEAN}"),
           (np.sum(m * nll) / (N * T), f"the masked sum is divided by N·T = {N * T}, counting the masked tokens: "
                                       f"{MEAN}")]
    if mask is not None:
        out += [(nll.mean(), f"the mask is ignored (a mean over all N·T tokens): {MEAN}"),
                (np.mean(np.sum(m * nll, axis=1) / np.sum(m, axis=1)),
                 f"a mean of per-sequence means weighs a short sequence's tokens more: {MEAN}")]
    return out


def _grad_slips(logits, targets, mask):
    p = _probs(logits) - np.eye(logits.shape[-1])[targets]
    m = np.ones(targets.shape) if mask is None else mask.astype(float)
    N, T = targets.shape
    out = [(p * m[..., None] / N, f"the gradient is that of a sum over time averaged over the batch: {MEAN}, its "
                                  "gradient m (softmax(z) − onehot(y)) / Σ m"),
           (p * m[..., None] / (N * T), f"the gradient divides by N·T = {N * T}, counting the masked tokens: {MEAN}"),
           (_probs(logits) * m[..., None] / m.sum(), "the one-hot part is missing: ∂L/∂z = m (softmax(z) − onehot(y)) "
                                                     "/ Σ m")]
    if mask is not None:
        out += [(p / m.sum(), "the gradient ignores the mask: it is exactly zero where the mask is False "
                              "(m (softmax(z) − onehot(y)) / Σ m)"),
                (p / (N * T), "the mask is ignored (a mean over all N·T tokens): the gradient is m (softmax(z) − "
                              "onehot(y)) / Σ m, zero where the mask is False")]
    return out


@checks.cached
def _case():
    """N = 4, T = 5, V = 6; lengths 5 (full), 1, 3, 4 (the mask is True on each sequence's first tokens)."""
    rng = np.random.default_rng(34001)
    logits = rng.normal(0, 2, size=(4, 5, 6))
    targets = rng.integers(0, 6, size=(4, 5))
    mask = np.arange(5)[None, :] < np.array([5, 1, 3, 4])[:, None]
    plain = rng.normal(0, 2, size=(3, 4, 7)), rng.integers(0, 7, size=(3, 4))
    return logits, targets, mask, _torch_ce(logits, targets, mask), plain, _torch_ce(*plain, None)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sequence_cross_entropy_value(student):
    """With a mask of lengths 5, 1, 3, 4, and with mask=None (omitted): the value vs F.cross_entropy."""
    logits, targets, mask, (loss, _), (z2, y2), (loss2, _) = _case()
    checks.check_scalar("sequence_cross_entropy(logits, targets, mask)",
                        student.sequence_cross_entropy(logits, targets, mask), loss,
                        context="N = 4, T = 5, V = 6, sequences of lengths 5, 1, 3, 4 (mask True on their tokens)",
                        mistakes=_value_slips(logits, targets, mask), show_values=False)
    with checks.explained("sequence_cross_entropy(logits, targets) without a mask: every token counts"):
        got = student.sequence_cross_entropy(z2, y2)
    checks.check_scalar("sequence_cross_entropy(logits, targets)", got, loss2, show_values=False,
                        context="N = 3, T = 4, V = 7, mask omitted", mistakes=_value_slips(z2, y2, None))


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_sequence_cross_entropy_grad(student):
    """The gradient with the mask (zero where it is False) and without, vs torch autograd."""
    logits, targets, mask, (_, grad), (z2, y2), (_, grad2) = _case()
    checks.check_array("sequence_cross_entropy_grad(logits, targets, mask)",
                       student.sequence_cross_entropy_grad(logits, targets, mask), grad,
                       context="N = 4, T = 5, V = 6, sequences of lengths 5, 1, 3, 4",
                       mistakes=_grad_slips(logits, targets, mask))
    with checks.explained("sequence_cross_entropy_grad(logits, targets) without a mask: every token counts"):
        got = student.sequence_cross_entropy_grad(z2, y2)
    checks.check_array("sequence_cross_entropy_grad(logits, targets)", got, grad2,
                       context="N = 3, T = 4, V = 7, mask omitted", mistakes=_grad_slips(z2, y2, None))
    calls = [(name, [logits, targets, mask]) for name in ("sequence_cross_entropy", "sequence_cross_entropy_grad")]
    changed = student.harness("calls").function_run(calls)["changed"]
    checks.check_true(not changed, f"{changed[0] if changed else ''} changed an array it was given: no function "
                                   "changes its arguments (SPEC); write z = logits - logits.max(...), not "
                                   "logits -= ...")


@checks.cached
def _large_case():
    """Logits of ±1e4, also at masked positions; N = 2, T = 3, V = 4, lengths 3 and 2."""
    rng = np.random.default_rng(34010)
    logits = rng.choice([-1e4, 0.0, 1e4], size=(2, 3, 4)) + rng.normal(size=(2, 3, 4))
    targets = rng.integers(0, 4, size=(2, 3))
    mask = np.array([[True, True, True], [True, True, False]])
    return logits, targets, mask, _torch_ce(logits, targets, mask)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_sequence_cross_entropy_is_stable(student):
    logits, targets, mask, (loss, grad) = _large_case()
    value = checks.call_without_fp_warnings("sequence_cross_entropy with logits of 1e4",
                                            student.sequence_cross_entropy, logits, targets, mask)
    checks.check_scalar("sequence_cross_entropy(logits, targets, mask)", value, loss, show_values=False,
                        context="logits of ±1e4", nonfinite_hint=OVERFLOW)
    got = checks.call_without_fp_warnings("sequence_cross_entropy_grad with logits of 1e4",
                                          student.sequence_cross_entropy_grad, logits, targets, mask)
    checks.check_array("sequence_cross_entropy_grad(logits, targets, mask)", got, grad, context="logits of ±1e4",
                       nonfinite_hint=OVERFLOW)
