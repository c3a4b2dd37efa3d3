"""Hidden tests of grade cell `test_normalization` (1 point): BatchNorm1d and LayerNorm vs torch.nn (float64)."""
import numpy as np
import pytest
import torch

from autograder import checks

CELL = "test_normalization"
EPS, MOMENTUM = 1e-5, 0.1
N, D = 8, 5


def _affine(rng, d=D):
    return rng.uniform(0.5, 2.0, size=d), rng.normal(size=d)


def _torch_bn(gamma, beta):
    bn = torch.nn.BatchNorm1d(len(gamma), eps=EPS, momentum=MOMENTUM, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.copy_(checks.torch64(gamma))
        bn.bias.copy_(checks.torch64(beta))
    return bn


def _student_bn(student, gamma, beta):
    bn = student.BatchNorm1d(len(gamma))
    bn.gamma = gamma
    bn.beta = beta
    return bn


@checks.cached
def _bn_train_case(seed):
    """x, γ, β, g and torch's y, dx, dγ, dβ for one training forward/backward."""
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, size=(N, D))
    gamma, beta = _affine(rng)
    g = rng.normal(size=(N, D))
    bn = _torch_bn(gamma, beta)
    xt = checks.torch64(x, grad=True)
    y = bn(xt)
    y.backward(checks.torch64(g))
    return x, gamma, beta, g, {"y": checks.numpy64(y), "dx": checks.numpy64(xt.grad),
                               "dgamma": checks.numpy64(bn.weight.grad), "dbeta": checks.numpy64(bn.bias.grad)}


# ------------------------------------------------------------------------------------- BatchNorm1d


EPS_INSIDE = "ε goes inside the square root: (x − μ)/√(σ² + ε), not (x − μ)/(√σ² + ε)"


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_batchnorm_training_forward_matches_torch(student):
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    hand = (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)
    unbiased = (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + EPS)
    checks.check_array("BatchNorm1d(2).forward(x, training=True)", student.BatchNorm1d(2).forward(x, training=True),
                       hand, show_values=True, context="x = [[1, 2], [3, 6]], γ = 1, β = 0: about ±1",
                       mistakes=[(unbiased, "normalised with the unbiased variance: the forward pass uses the "
                                            "biased batch variance (divide by N)"),
                                 ((x - x.mean(0)) / (np.sqrt(x.var(0)) + EPS), EPS_INSIDE)])
    checks.check_array("BatchNorm1d(2, eps=0.5).forward(x, training=True)",
                       student.BatchNorm1d(2, eps=0.5).forward(x, training=True),
                       (x - x.mean(0)) / np.sqrt(x.var(0) + 0.5), show_values=True,
                       context="x = [[1, 2], [3, 6]]: (x − mean)/√(var + eps) with the eps given",
                       mistakes=[(hand, "the eps argument is ignored"),
                                 ((x - x.mean(0)) / (np.sqrt(x.var(0)) + 0.5), EPS_INSIDE)])
    x, gamma, beta, _, ref = _bn_train_case(7101)
    xhat_unbiased = (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + EPS)
    checks.check_array("BatchNorm1d.forward(x, training=True)", _student_bn(student, gamma, beta).forward(x, training=True),
                       ref["y"], context=f"x of shape {x.shape}, random γ and β",
                       mistakes=[(gamma * xhat_unbiased + beta, "normalised with the unbiased variance: the forward "
                                                                "pass uses the biased batch variance (divide by N)"),
                                 ((x - x.mean(0)) / np.sqrt(x.var(0) + EPS), "γ and β are not applied")])


@checks.cached
def _running_statistics_case():
    """γ, β and three training batches, each with torch's running mean and variance after it and the
    running statistics of two bugs: the biased variance, and Keras's momentum convention."""
    rng = np.random.default_rng(7102)
    gamma, beta = _affine(rng)
    theirs = _torch_bn(gamma, beta)
    sim_mean, sim_var = {b: np.zeros(D) for b in ("biased", "keras")}, {b: np.ones(D) for b in ("biased", "keras")}
    steps = []
    for _ in range(3):
        x = rng.normal(1.0, 2.0, size=(N, D))
        theirs(checks.torch64(x))
        m, v, vu = x.mean(0), x.var(0), x.var(0, ddof=1)
        sim_mean["biased"] = 0.9 * sim_mean["biased"] + 0.1 * m
        sim_var["biased"] = 0.9 * sim_var["biased"] + 0.1 * v
        sim_mean["keras"] = 0.1 * sim_mean["keras"] + 0.9 * m
        sim_var["keras"] = 0.1 * sim_var["keras"] + 0.9 * vu
        steps.append((x, checks.numpy64(theirs.running_mean), checks.numpy64(theirs.running_var),
                      sim_mean["keras"].copy(), sim_var["biased"].copy(), sim_var["keras"].copy()))
    return gamma, beta, steps


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_batchnorm_running_statistics_unbiased_variance_and_momentum(student):
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    bn = student.BatchNorm1d(2)
    bn.forward(x, training=True)
    keras = "momentum convention swapped: PyTorch updates r ← (1 − momentum)·r + momentum·batch statistic"
    checks.check_array("running_mean after one training forward", bn.running_mean, np.array([0.2, 0.4]),
                       show_values=True, context="x = [[1, 2], [3, 6]], momentum 0.1, from running_mean = 0",
                       mistakes=[(np.array([1.8, 3.6]), keras), (np.zeros(2), "the running mean is not updated")])
    checks.check_array("running_var after one training forward", bn.running_var, np.array([1.1, 1.7]),
                       show_values=True, context="x = [[1, 2], [3, 6]], momentum 0.1, from running_var = 1",
                       mistakes=[(np.array([1.0, 1.3]), "the running variance must be updated with the unbiased "
                                                        "batch variance σ²·N/(N − 1), as PyTorch"),
                                 (np.array([1.9, 7.3]), keras), (np.array([1.0, 1.0]), "the running variance "
                                                                                      "is not updated")])
    fast = student.BatchNorm1d(2, momentum=0.3)
    fast.forward(x, training=True)
    checks.check_array("BatchNorm1d(2, momentum=0.3).running_mean after one training forward", fast.running_mean,
                       np.array([0.6, 1.2]), show_values=True, context="x = [[1, 2], [3, 6]], from running_mean = 0",
                       mistakes=[(np.array([0.2, 0.4]), "the momentum argument is ignored"),
                                 (np.array([1.4, 2.8]), keras)])
    gamma, beta, steps = _running_statistics_case()
    ours = _student_bn(student, gamma, beta)
    for step, (x, running_mean, running_var, keras_mean, biased_var, keras_var) in enumerate(steps, start=1):
        ours.forward(x, training=True)
        ctx = f"after {step} training forwards of batches of shape {x.shape}"
        checks.check_array("BatchNorm1d.running_mean", ours.running_mean, running_mean,
                           context=ctx, mistakes=[(keras_mean, keras)])
        checks.check_array("BatchNorm1d.running_var", ours.running_var, running_var,
                           context=ctx,
                           mistakes=[(biased_var, "the running variance must be updated with the "
                                                  "unbiased batch variance σ²·N/(N − 1), as PyTorch"),
                                     (keras_var, keras)])


@checks.cached
def _evaluation_case():
    """γ, β, given running statistics, x, torch's evaluation output and the output with batch statistics."""
    rng = np.random.default_rng(7103)
    gamma, beta = _affine(rng)
    running_mean, running_var = rng.normal(size=D), rng.uniform(0.5, 2.0, size=D)
    x = rng.normal(1.0, 2.0, size=(N, D))
    theirs = _torch_bn(gamma, beta)
    theirs.running_mean.copy_(checks.torch64(running_mean))
    theirs.running_var.copy_(checks.torch64(running_var))
    theirs.eval()
    expected = checks.numpy64(theirs(checks.torch64(x)))
    batch_stats = gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + EPS) + beta
    return gamma, beta, running_mean, running_var, x, expected, batch_stats


@pytest.mark.grade(cell=CELL, points=0.125)
def test_batchnorm_evaluation_uses_running_statistics(student):
    gamma, beta, running_mean, running_var, x, expected, batch_stats = _evaluation_case()
    bn = _student_bn(student, gamma, beta)
    bn.running_mean = running_mean
    bn.running_var = running_var
    checks.check_array("BatchNorm1d.forward(x, training=False)", bn.forward(x, training=False), expected,
                       context="evaluation mode with given running_mean and running_var",
                       mistakes=[(batch_stats, "in evaluation BatchNorm must normalise with the running statistics "
                                               "(running_mean, running_var), not the batch's")])
    checks.check_array("running_mean after an evaluation forward", bn.running_mean, running_mean,
                       context="evaluation must not update the running statistics")
    checks.check_array("running_var after an evaluation forward", bn.running_var, running_var,
                       context="evaluation must not update the running statistics")


@pytest.mark.grade(cell=CELL, points=0.25)
def test_batchnorm_backward_input_gradient(student):
    x, gamma, beta, g, ref = _bn_train_case(7104)
    bn = _student_bn(student, gamma, beta)
    bn.forward(x, training=True)
    xhat = (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)
    inv_std = 1 / np.sqrt(x.var(0) + EPS)
    gg = g * gamma
    checks.check_array("dL/dx returned by BatchNorm1d.backward", bn.backward(g), ref["dx"],
                       context=f"after a training forward, x of shape {x.shape}, random γ",
                       mistakes=[(inv_std * (gg - gg.mean(0)), "the term through the batch variance is missing: "
                                                               "dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/√(σ² + ε)"),
                                 (gg * inv_std, "the batch mean and variance were treated as constants: they "
                                                "depend on x too"),
                                 (inv_std * (g - g.mean(0) - xhat * (g * xhat).mean(0)),
                                  "dx must include the factor γ (ĝ = γ·grad_out)")],
                       factors=checks.layer_factors(N))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_batchnorm_backward_gamma_and_beta_gradients(student):
    x, gamma, beta, g, ref = _bn_train_case(7105)
    bn = _student_bn(student, gamma, beta)
    bn.forward(x, training=True)
    bn.backward(g)
    checks.check_array("BatchNorm1d.dgamma", bn.dgamma, ref["dgamma"], context="Σₙ grad_out·x̂",
                       factors=checks.layer_factors(N))
    checks.check_array("BatchNorm1d.dbeta", bn.dbeta, ref["dbeta"], context="Σₙ grad_out",
                       factors=checks.layer_factors(N))


# ------------------------------------------------------------------------------------- LayerNorm


BATCH_AXIS = "normalised over the batch axis (that is batch norm): LayerNorm normalises each sample over the last axis"


def _layernorm_batch_axis(x, gamma, beta):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + EPS) + beta


def _torch_ln(gamma, beta):
    ln = torch.nn.LayerNorm(len(gamma), eps=EPS, dtype=torch.float64)
    with torch.no_grad():
        ln.weight.copy_(checks.torch64(gamma))
        ln.bias.copy_(checks.torch64(beta))
    return ln


@checks.cached
def _layernorm_forward_case():
    """γ, β, x (6, 5) with torch's output and two bugs' outputs, and x3 (2, 3, 5) with torch's output."""
    rng = np.random.default_rng(7106)
    gamma, beta = _affine(rng)
    ln = _torch_ln(gamma, beta)
    x = rng.normal(1.0, 2.0, size=(6, D))
    expected = checks.numpy64(ln(checks.torch64(x)))
    batch_axis = _layernorm_batch_axis(x, gamma, beta)
    unbiased = gamma * (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, ddof=1, keepdims=True) + EPS) + beta
    x3 = rng.normal(size=(2, 3, D))
    return gamma, beta, (x, expected, batch_axis, unbiased), (x3, checks.numpy64(ln(checks.torch64(x3))))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_layernorm_forward_matches_torch(student):
    gamma, beta, (x, expected, batch_axis, unbiased), (x3, expected3) = _layernorm_forward_case()
    theirs = student.LayerNorm(D)
    theirs.gamma = gamma
    theirs.beta = beta
    x2 = np.array([[1.0, 3.0], [-2.0, -2.0]])
    checks.check_array("LayerNorm(2).forward([[1, 3], [-2, -2]])", student.LayerNorm(2).forward(x2),
                       np.array([[-1.0, 1.0], [0.0, 0.0]]) / np.sqrt(1 + EPS), show_values=True,
                       context="each sample over its own features: (x − mean)/√(var + ε), γ = 1, β = 0",
                       mistakes=[(_layernorm_batch_axis(x2, np.ones(2), np.zeros(2)), BATCH_AXIS)])
    checks.check_array("LayerNorm(2, eps=0.5).forward([[1, 3], [-2, -2]])", student.LayerNorm(2, eps=0.5).forward(x2),
                       np.array([[-1.0, 1.0], [0.0, 0.0]]) / np.sqrt(1.5), show_values=True,
                       context="(x − mean)/√(var + eps) with the eps given",
                       mistakes=[(np.array([[-1.0, 1.0], [0.0, 0.0]]) / np.sqrt(1 + EPS), "the eps argument is ignored")])
    checks.check_array("LayerNorm.forward(x)", theirs.forward(x), expected,
                       context="x of shape (6, 5): each sample is normalised over its features (last axis)",
                       mistakes=[(batch_axis, BATCH_AXIS),
                                 (unbiased, "LayerNorm uses the biased variance (divide by the number of features)")])
    checks.check_array("LayerNorm.forward(x)", theirs.forward(x3), expected3,
                       context="x of shape (2, 3, 5): normalise over the last axis")


def _torch_ln_backward(ln, x, g):
    """torch's dL/dx, dγ and dβ of ``ln`` at x for grad_out g."""
    ln.zero_grad()
    xt = checks.torch64(x, grad=True)
    ln(xt).backward(checks.torch64(g))
    return {"dx": checks.numpy64(xt.grad), "dgamma": checks.numpy64(ln.weight.grad),
            "dbeta": checks.numpy64(ln.bias.grad)}


@checks.cached
def _layernorm_backward_case():
    """γ, β; x, g (6, 5) with torch's gradients and dx with batch-axis means; x3, g3 (2, 3, 5) with torch's."""
    rng = np.random.default_rng(7107)
    gamma, beta = _affine(rng)
    x, g = rng.normal(1.0, 2.0, size=(6, D)), rng.normal(size=(6, D))
    ln = _torch_ln(gamma, beta)
    xhat = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + EPS)
    gg = g * gamma
    batch_means = (gg - gg.mean(0, keepdims=True) - xhat * (gg * xhat).mean(0, keepdims=True)) / np.sqrt(
        x.var(-1, keepdims=True) + EPS)
    x3, g3 = rng.normal(size=(2, 3, D)), rng.normal(size=(2, 3, D))
    return gamma, beta, (x, g, _torch_ln_backward(ln, x, g), batch_means), (x3, g3, _torch_ln_backward(ln, x3, g3))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_layernorm_backward_matches_torch(student):
    gamma, beta, (x, g, ref, batch_means), (x3, g3, ref3) = _layernorm_backward_case()
    ours = student.LayerNorm(D)
    ours.gamma = gamma
    ours.beta = beta
    ours.forward(x)
    checks.check_array("dL/dx returned by LayerNorm.backward", ours.backward(g), ref["dx"],
                       context="x of shape (6, 5), random γ: the means in dx run over the last axis",
                       mistakes=[(batch_means, "the means in dx were taken over the batch axis (as in batch "
                                               "norm); LayerNorm's run over the features (last axis)")])
    checks.check_array("LayerNorm.dgamma", ours.dgamma, ref["dgamma"], context="Σ grad_out·x̂")
    checks.check_array("LayerNorm.dbeta", ours.dbeta, ref["dbeta"], context="Σ grad_out")
    # A 3-D input: dgamma and dbeta sum over every axis but the last, not only axis 0.
    ours.forward(x3)
    checks.check_array("dL/dx returned by LayerNorm.backward", ours.backward(g3), ref3["dx"],
                       context="x of shape (2, 3, 5)")
    checks.check_array("LayerNorm.dgamma", ours.dgamma, ref3["dgamma"],
                       context="x of shape (2, 3, 5): sum over every axis but the last")
    checks.check_array("LayerNorm.dbeta", ours.dbeta, ref3["dbeta"],
                       context="x of shape (2, 3, 5): sum over every axis but the last")
