"""Hidden tests of grade cell `test_losses` (1 point): logsumexp and cross_entropy, values and grads,
against torch.logsumexp and F.cross_entropy in float64; stable (finite, no RuntimeWarning) at 1e4.

cross_entropy's gradient is (softmax(z) − onehot(y))/N: a sum over the batch is N times too large.
Labels miss a class, so the number of classes is the logits' width, not the labels seen.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards, run_program

CELL = "test_losses"
OVERFLOW = ("overflow: e^x is inf for x = 1e4; subtract the max before exponentiating: "
            "logsumexp(a) = m + log Σ e^(a − m), m = max over the axis")
LSE_HINT = ("subtract the max with keepdims=True, so that it lines up with its own axis; in backward, put the "
            "reduced axis back (np.expand_dims) before multiplying by the softmax")
CE_HINT = ("logits (N, C) and integer labels (N,): logsumexp and the picked logit are taken over the classes "
           "(axis=-1), one per sample; the one-hot matrix is np.eye(C)[labels], of shape (N, C), C = logits.shape[1]")


def _ce_factors(program):
    """Per cross_entropy root: the batch size of its logits, for the 1/N hints."""
    sizes = {name: program.shape_of(operands[0])[0] for name, op, operands, _ in program.steps if op == "cross_entropy"}
    return lambda root: checks.batch_factors(sizes[root]) if root in sizes else None


@checks.cached
def _lse_case():
    rng = np.random.default_rng(9001)
    p = Program()
    forms = [((3, 4), {}), ((3, 4), {"axis": 0}), ((3, 4), {"axis": 1, "keepdims": True}),
             ((2, 3, 4), {"axis": 1}), ((2, 3, 4), {"axis": -1, "keepdims": True}), ((3, 4), {"axis": None}),
             ((4, 4), {"axis": 0}), ((1, 4), {}), ((3, 1, 4), {"axis": -1})]  # size-1 axes that are not reduced
    for k, (shape, kwargs) in enumerate(forms):
        x = p.leaf(f"x{k}", rng.normal(0, 3, size=shape))
        y = p(f"y{k}", "logsumexp", x, **kwargs)
        p.backward(y, rng.normal(size=p.shape_of(y)))
    return p


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_logsumexp_every_axis_form(student):
    """logsumexp() (axis −1), axis=0, axis=1 with keepdims, a 3-D middle axis, axis=−1 with keepdims, axis=None,
    axis=0 on a square input, and inputs (1, 4) and (3, 1, 4) whose size-1 axes stay: values and the softmax
    gradient."""
    check_backwards(student, _lse_case(), hint=LSE_HINT)


@checks.cached
def _lse_large_case():
    p = Program()
    big = np.array([[1e4, 1e4 - 1.0, -1e4, 0.0], [-1e4, -1e4 + 2.0, -1e4 + 1.0, -1e4 - 3.0]])
    x = p.leaf("x", big)
    p.backward(p("y", "logsumexp", x), np.array([1.0, -2.0]))
    x0 = p.leaf("z", big)
    p.backward(p("w", "logsumexp", x0, axis=0, keepdims=True), np.array([[1.0, 0.5, -1.0, 2.0]]))
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_logsumexp_at_1e4_is_stable(student):
    p = _lse_large_case()
    got = checks.call_without_fp_warnings("logsumexp at ±1e4 (and its backward)", run_program, student, p, LSE_HINT)
    check_backwards(student, p, hint=LSE_HINT, nonfinite_hint=OVERFLOW, got=got)


@checks.cached
def _ce_case():
    """Random logits (6, 5), labels without class 3; zero logits (3, 10) (CE = log 10, ∂ = (0.1 − onehot)/3);
    and logits from a matmul, so the gradient flows on to the leaves x and W."""
    rng = np.random.default_rng(9002)
    p = Program()
    z = p.leaf("z", rng.normal(0, 2, size=(6, 5)))
    p.backward(p("ce", "cross_entropy", z, np.array([0, 4, 1, 2, 4, 0])))
    zeros = p.leaf("zeros", np.zeros((3, 10)))
    p.backward(p("ce0", "cross_entropy", zeros, np.array([7, 0, 3])))
    x, W = p.leaf("x", rng.normal(size=(4, 3))), p.leaf("W", rng.normal(size=(3, 3)))
    p("logits", "matmul", x, W)
    p.backward(p("ce1", "cross_entropy", "logits", np.array([2, 2, 0, 1])))
    return p


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_cross_entropy_matches_torch(student):
    p = _ce_case()
    got = check_backwards(student, p, hint=CE_HINT, factors=_ce_factors(p))
    checks.check_scalar("cross_entropy(zeros((3, 10)), labels)", got["values"]["ce0"], np.log(10.0),
                        context="zero logits: every class has probability 1/10, so CE = log 10",
                        mistakes=[(3 * np.log(10.0), "CE is summed over the batch: it is the mean (1/N)")])


@checks.cached
def _ce_large_case():
    p = Program()
    z = p.leaf("z", np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4], [-1e4, -1e4, 1e4], [5e3, 1e4, 0.0]]))
    p.backward(p("ce", "cross_entropy", z, np.array([0, 2, 1, 0])))
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_cross_entropy_at_1e4_is_stable(student):
    """Logits of ±1e4: finite, no RuntimeWarning, equal to torch's (CE = (0 + log 2 + 2e4 + 5e3)/4 here)."""
    p = _ce_large_case()
    got = checks.call_without_fp_warnings("cross_entropy with logits of 1e4 (and its backward)", run_program, student, p,
                                          CE_HINT)
    check_backwards(student, p, hint=CE_HINT, got=got, nonfinite_hint=OVERFLOW, factors=_ce_factors(p))
