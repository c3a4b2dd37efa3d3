"""Hidden tests of grade cell `test_regularization` (0.5 points): L1, L2 (with ½) and elastic-net penalties."""
import numpy as np
import pytest

from autograder import checks

CELL = "test_regularization"
W_HAND = np.array([[1.0, -2.0], [0.5, -0.5]])  # Σ|W| = 4, ΣW² = 5.5
SWAPPED = "l1 and l2 are swapped: elastic_net_grad(W, l1, l2) = l1·sign(W) + l2·W"


def _random_W(seed, shape=(4, 6)):
    return checks.off_kinks(np.random.default_rng(seed), shape, 0.1, 2.0)  # off the kink of |W| at 0


def _torch_penalty_and_grad(W, penalty):
    w = checks.torch64(W, grad=True)
    value = penalty(w)
    value.backward()
    return float(value.detach()), checks.numpy64(w.grad)


@checks.cached
def _l1_l2_case():
    """W (4, 6) and torch's value and gradient of 0.3·Σ|W| and of ½·0.7·ΣW²."""
    W = _random_W(9101)
    return (W, _torch_penalty_and_grad(W, lambda w: 0.3 * w.abs().sum()),
            _torch_penalty_and_grad(W, lambda w: 0.5 * 0.7 * (w ** 2).sum()))


@checks.cached
def _zeros_case(l1, l2):
    """W (3, 4) with exact zeros, where the SPEC declares sign(0) = 0, and torch's L1 and elastic-net gradients."""
    W = _random_W(9103, (3, 4))
    W[:, ::2] = 0.0
    return (W, _torch_penalty_and_grad(W, lambda w: l1 * w.abs().sum())[1],
            _torch_penalty_and_grad(W, lambda w: l1 * w.abs().sum() + 0.5 * l2 * (w ** 2).sum())[1])


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_l1_and_elastic_net_gradients_are_zero_at_zero_weights(student):
    W, l1_grad, net_grad = _zeros_case(0.3, 0.8)
    hint = "where W = 0 the subgradient is λ·sign(0) = 0 (as PyTorch)"
    at_zero = [(0.3 * np.where(W >= 0, 1.0, -1.0), hint + ", not +λ"),
               (0.3 * np.where(W > 0, 1.0, -1.0), hint + ", not −λ")]
    checks.check_array("l1_grad(W, 0.3)", student.l1_grad(W, 0.3), l1_grad, nonfinite_hint=hint,
                       context="W of shape (3, 4), half its entries exactly 0", mistakes=at_zero)
    checks.check_array("elastic_net_grad(W, 0.3, 0.8)", student.elastic_net_grad(W, 0.3, 0.8), net_grad,
                       nonfinite_hint=hint, context="W of shape (3, 4), half its entries exactly 0",
                       mistakes=[(c + 0.8 * W, m) for c, m in at_zero] + [(0.8 * np.sign(W) + 0.3 * W, SWAPPED)])


@checks.cached
def _elastic_net_case(l1, l2):
    """W (5, 3) and torch's value and gradient of l1·Σ|W| + ½·l2·ΣW²."""
    W = _random_W(9102, (5, 3))
    return W, *_torch_penalty_and_grad(W, lambda w: l1 * w.abs().sum() + 0.5 * l2 * (w ** 2).sum())


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_l1_penalty_and_gradient_hand_example(student):
    ctx = "W = [[1, -2], [0.5, -0.5]], lam = 0.1"
    checks.check_scalar("l1_penalty(W, 0.1)", student.l1_penalty(W_HAND, 0.1), 0.4, context=ctx + ": 0.1·Σ|W|",
                        mistakes=[(0.1 * 0.5 * 5.5, "that is the L2 penalty; L1 is λ·Σ|W|"),
                                  (0.1 * -1.0, "Σ|W| needs the absolute values, not ΣW")])
    checks.check_array("l1_grad(W, 0.1)", student.l1_grad(W_HAND, 0.1), 0.1 * np.sign(W_HAND), show_values=True,
                       context=ctx, mistakes=[(0.1 * W_HAND, "l1_grad is λ·sign(W), not λ·W")])


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_l2_penalty_has_the_one_half_factor(student):
    ctx = "W = [[1, -2], [0.5, -0.5]], lam = 0.1"
    checks.check_scalar("l2_penalty(W, 0.1)", student.l2_penalty(W_HAND, 0.1), 0.275, context=ctx + ": ½·0.1·ΣW²",
                        mistakes=[(0.55, "the ½ is missing: l2_penalty = ½·λ·ΣW²"),
                                  (0.1 * np.sqrt(5.5), "that is λ·‖W‖; the penalty is ½·λ·ΣW² (no square root)")])
    checks.check_array("l2_grad(W, 0.1)", student.l2_grad(W_HAND, 0.1), 0.1 * W_HAND, show_values=True, context=ctx,
                       mistakes=[(0.2 * W_HAND, "l2_grad is λ·W: the ½ in ½·λ·ΣW² cancels the 2")])


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_l1_and_l2_match_torch_on_random_weights(student):
    W, (l1_value, l1_grad), (l2_value, l2_grad) = _l1_l2_case()
    checks.check_scalar("l1_penalty(W, 0.3)", student.l1_penalty(W, 0.3), l1_value, show_values=False,
                        context="W of shape (4, 6)")
    checks.check_array("l1_grad(W, 0.3)", student.l1_grad(W, 0.3), l1_grad, context="W of shape (4, 6)",
                       mistakes=[(0.3 * W, "l1_grad is λ·sign(W), not λ·W")])
    checks.check_scalar("l2_penalty(W, 0.7)", student.l2_penalty(W, 0.7), l2_value, show_values=False,
                        context="W of shape (4, 6)", mistakes=[(2 * l2_value, "the ½ is missing: ½·λ·ΣW²")])
    checks.check_array("l2_grad(W, 0.7)", student.l2_grad(W, 0.7), l2_grad, context="W of shape (4, 6)",
                       mistakes=[(2 * l2_grad, "l2_grad is λ·W: the ½ in ½·λ·ΣW² cancels the 2")])


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_elastic_net_penalty_and_gradient(student):
    checks.check_scalar("elastic_net_penalty(W, 0.1, 0.2)", student.elastic_net_penalty(W_HAND, 0.1, 0.2),
                        0.4 + 0.55, context="W = [[1, -2], [0.5, -0.5]]: 0.1·Σ|W| + ½·0.2·ΣW²")
    l1, l2 = 0.3, 0.8
    W, value, grad = _elastic_net_case(l1, l2)
    checks.check_scalar("elastic_net_penalty(W, 0.3, 0.8)", student.elastic_net_penalty(W, l1, l2), value,
                        show_values=False, context="W of shape (5, 3)",
                        mistakes=[(l1 * np.abs(W).sum() + l2 * (W ** 2).sum(), "the ½ of the L2 part is missing")])
    checks.check_array("elastic_net_grad(W, 0.3, 0.8)", student.elastic_net_grad(W, l1, l2), grad,
                       context="W of shape (5, 3)",
                       mistakes=[(l2 * W, "the L1 part λ₁·sign(W) is missing"),
                                 (l1 * np.sign(W), "the L2 part λ₂·W is missing"),
                                 (l1 * np.sign(W) + 2 * l2 * W, "the L2 part is λ₂·W (the ½ cancels the 2)"),
                                 (l2 * np.sign(W) + l1 * W, SWAPPED)])
