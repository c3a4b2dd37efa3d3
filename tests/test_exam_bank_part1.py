"""Exam bank, part 1 (activations, losses, backprop, optimisers and schedules, initialisation).

Every template freezes sound variants; the answers agree with the course's worked examples, with
the slips the slides make left out, and with PyTorch itself (autograd, torch.optim, lr_scheduler,
nn.init) on frozen variants; the code questions accept a differently written correct function and
reject every buggy one; the choice questions shuffle their options and key the right one.
"""
from __future__ import annotations

import functools
import json
import math
import re
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grading.exams import kinds
from grading.exams.bank import activations, backprop, init, losses, optim
from grading.exams.kinds import LETTERS
from grading.exams.template import check_variant, freeze, load_bank, run_code

MODULES = {m.__name__ for m in (activations, losses, backprop, optim, init)}
BANK = load_bank()
MINE = {tid: t for tid, t in BANK.items() if type(t).__module__ in MODULES}
TOPICS = {"activations", "losses", "backprop", "optimizers", "schedules", "initialisation"}
SEEDS = range(50)
D = torch.float64


@functools.lru_cache(maxsize=None)
def frozen(tid, seed):
    return freeze(MINE[tid], np.random.default_rng(seed))


def variants(tid, seeds=range(20)):
    return [frozen(tid, s) for s in seeds]


def sig(z):
    return 1 / (1 + math.exp(-z))


def t64(x, grad=False):
    return torch.tensor(x, dtype=D, requires_grad=grad)


# ---------------------------------------------------------------- the bank as a whole


def test_part1_has_enough_templates_of_every_kind_and_topic():
    assert len(MINE) >= 22
    by_kind = {}
    for t in MINE.values():
        by_kind[t.kind.name] = by_kind.get(t.kind.name, 0) + 1
    assert by_kind.get("choice", 0) >= 2 and by_kind.get("choiceset", 0) >= 1
    assert by_kind.get("sigfigs", 0) >= 1 and by_kind.get("code", 0) >= 2 and by_kind.get("manual", 0) >= 1
    assert {t.topic for t in MINE.values()} == TOPICS
    assert "init" in {m.rsplit(".", 1)[-1] for m in MODULES}


@pytest.mark.parametrize("tid", sorted(MINE))
def test_template_is_documented(tid):
    t = MINE[tid]
    assert t.topic in TOPICS
    assert t.title and t.title != tid.replace("_", " "), "a short human title"
    doc = type(t).__doc__ or ""
    assert "=" in doc and "\n" in doc.strip(), "the maths and the shortest code under it"


@pytest.mark.parametrize("tid", sorted(MINE))
def test_fifty_variants_are_sound_and_round_trip(tid):
    t = MINE[tid]
    drawn = set()
    for seed in SEEDS:
        v = freeze(t, np.random.default_rng(seed))
        assert check_variant(v) == [], (seed, v.params)
        d = v.to_dict()
        assert json.loads(json.dumps(d)) == d
        again = freeze(t, np.random.default_rng(seed)).to_dict()
        assert again == d, "a variant depends on its generator only"
        assert not re.search(r"\b(None|nan|inf)\b", v.text)
        if t.kind.auto and not isinstance(t.kind, kinds.Code):
            assert v.distractors, "every auto-graded variant names its likely mistakes"
        drawn.add(json.dumps(v.params, sort_keys=True))
    assert len(drawn) >= 5, "the parameter grid gives students different questions"


# freeze() silently redraws when a distractor scores, so a wrong answer that coincides with a named
# mistake would make a whole case disappear rather than fail: every case of every grid must survive.
CASES = {
    "smooth_activation": (lambda p: p["f"], {"elu", "selu", "gelu", "softplus"}),
    "leaky_relu_vector": (lambda p: p["a"], {0.01, 0.1, 0.2, 0.3}),
    "softmax_jacobian_entry": (lambda p: p["i"] == p["j"], {True, False}),
    "softmax_transform": (lambda p: (p["op"], p["op"] == "scale" and p["c"] < 1), {
        ("shift", False), ("scale", False), ("scale", True)}),
    "non_saturating_activation": (lambda p: p["side"], {"positive", "negative"}),
    "sigmoid_and_derivative": (lambda p: p["z"], {k / 2 for k in range(-6, 7)}),
    "bce_value": (lambda p: p["y"], {0, 1}),
    "bce_logits_gradient": (lambda p: p["y"], {0, 1}),
    "ce_from_logits": (lambda p: len(p["z"]), {3, 4}),
    "label_smoothing_ce": (lambda p: (len(p["p"]), p["eps"]), {(k, e) for k in (3, 4, 5) for e in (0.1, 0.2)}),
    "huber_loss": (lambda p: p["d"], {0.5, 1.0, 1.5, 2.0}),
    "bernoulli_mle": (lambda p: p["mode"], {"mle", "map", "mean"}),
    "two_layer_scalar_net": (lambda p: p["w1"] * p["x"] + p["b1"] > 0, {True, False}),
    "gradient_check_central": (lambda p: p["f"], {"x³", "x³ − 2x", "x⁴"}),
    "chain_rule": (lambda p: p["f"], {"sin", "cos", "exp", "tanh"}),
    "adam_steps": (lambda p: (len(p["grads"]), p["lr"]), {(n, lr) for n in (1, 2) for lr in (0.001, 0.01, 0.1)}),
    "rmsprop_adagrad_step": (lambda p: p["method"], {"rmsprop", "adagrad"}),
    "adamw_vs_adam_l2": (lambda p: p["method"], {"adamw", "adam_l2"}),
    "momentum_two_steps": (lambda p: (p["mu"], p["lr"]), {(m, lr) for m in (0.5, 0.9) for lr in (0.1, 0.5)}),
    "sgd_momentum_code": (lambda p: p["wd"], {0.01, 0.05, 0.1}),
    "cosine_schedule": (lambda p: (p["lr_min"] > 0, p["t"] / p["T"] > 0.5), {
        (a, b) for a in (True, False) for b in (True, False)}),
    "step_schedule": (lambda p: p["kind"], {"step", "multistep"}),
    "warmup_inverse_sqrt": (lambda p: p["t"] <= p["W"], {True, False}),
    "xavier_uniform_bound": (lambda p: p["layer"], {"linear", "conv"}),
    "he_normal_std": (lambda p: (p["layer"], p["a"]), {(k, a) for k in ("linear", "conv") for a in (0.0, 0.2, 0.5)}),
    "preactivation_variance": (lambda p: p["init"], {"lecun", "he", "std"}),
    "mlp_param_count": (lambda p: len(p["widths"]), {3, 4, 5}),
}


@pytest.mark.parametrize("tid", sorted(CASES))
def test_every_case_of_the_grid_survives_freezing(tid):
    key, want = CASES[tid]
    got = {key(freeze(MINE[tid], np.random.default_rng(s)).params) for s in range(300)}
    assert got == want


# ---------------------------------------------------------------- worked examples (COURSE_FACTS)


def test_mlp_3_4_2_has_26_parameters():
    t = MINE["mlp_param_count"]
    assert t.answer({"widths": [3, 4, 2]}) == 26
    assert t.distractors({"widths": [3, 4, 2]})["biases forgotten"] == 20
    assert t.kind.score("26", 26) == 1 and t.kind.score(20, 26) == 0


def test_sigmoid_at_zero():
    s, ds = MINE["sigmoid_and_derivative"].answer({"z": 0.0})
    assert s == 0.5 and ds == 0.25


def test_toy_network_first_layer():
    a = MINE["sigmoid_layer_forward"].answer({"W": [[1, -2], [-1, 1]], "x": [1, -1], "b": [1, 0]})
    assert [round(v, 2) for v in a] == [0.98, 0.12]


def test_two_paths_example_gives_5():
    assert MINE["graph_two_paths"].answer({"a": 2, "b": 1, "k": 1}) == 5


def test_chain_rule_sin_x_squared():
    got = MINE["chain_rule"].answer({"f": "sin", "a": 1, "x0": 1.5})
    assert got == pytest.approx(2 * 1.5 * math.cos(1.5 ** 2))


@pytest.mark.parametrize("g", [[0.3, -0.7], [-0.1, 0.9]])
@pytest.mark.parametrize("lr", [0.001, 0.1])
def test_adam_first_step_is_minus_lr_sign_g(g, lr):
    t = MINE["adam_steps"]
    got = t.answer({"grads": [g], "lr": lr})
    assert got == pytest.approx([-lr * math.copysign(1, v) for v in g], rel=1e-6)
    # without bias correction the first step is (1 − β₁)/√(1 − β₂)·η ≈ 3.16η
    wrong = t.distractors({"grads": [g], "lr": lr})["no bias correction"]
    assert wrong == pytest.approx([-lr * 0.1 / math.sqrt(0.001) * math.copysign(1, v) for v in g], rel=1e-4)


@pytest.mark.parametrize("seed", range(10))
def test_momentum_pytorch_form_equals_sutskever_form_under_constant_lr(seed):
    p = freeze(MINE["momentum_two_steps"], np.random.default_rng(seed)).params
    v, theta = 0.0, p["theta"]
    for g in (p["g1"], p["g2"]):
        v = p["mu"] * v + p["lr"] * g  # Sutskever: the learning rate inside the velocity
        theta -= v
    assert MINE["momentum_two_steps"].answer(p) == pytest.approx(theta, abs=1e-12)


def test_momentum_forms_differ_when_the_lr_changes():
    """Why the question names PyTorch's form: with η₁ ≠ η₂ the two forms part ways."""
    g1, g2, mu, lr1, lr2 = 1.0, 1.0, 0.9, 0.1, 0.01
    torch_form = -lr1 * g1 - lr2 * (mu * g1 + g2)
    sutskever = -lr1 * g1 - (mu * lr1 * g1 + lr2 * g2)
    assert abs(torch_form - sutskever) > 1e-3


def test_bernoulli_4_heads_in_7_tosses():
    t = MINE["bernoulli_mle"]
    ans = t.answer({"mode": "mle", "n": 7, "k": 4, "a": 1, "b": 1})
    assert Fraction(ans).limit_denominator(100) == Fraction(4, 7)
    assert t.kind.score("4/7", ans) == 1 and t.kind.score("0.571", ans) == 1
    assert t.kind.score("3/7", ans) == 0 and t.kind.score("0.57", ans) == 0
    # a Beta(2, 2) prior pulls the MAP estimate toward 1/2: (4 + 1)/(7 + 2) = 5/9
    assert t.kind.score("5/9", t.answer({"mode": "map", "n": 7, "k": 4, "a": 2, "b": 2})) == 1


# ---------------------------------------------------------------- the slides' slips stay out


@pytest.mark.parametrize("z", [-2.0, -0.5, 0.5, 1.5])
def test_tanh_is_2_sigmoid_2x_minus_1(z):
    assert math.tanh(z) == pytest.approx(2 * sig(2 * z) - 1)
    s2 = sig(2 * z)
    assert MINE["tanh_derivative"].answer({"z": z}) == pytest.approx(4 * s2 * (1 - s2))


def test_adam_bias_correction_has_exponent_t():
    p = {"grads": [[0.5, -0.2], [0.1, 0.3]], "lr": 0.1}
    t = MINE["adam_steps"]
    slip = t.distractors(p)["bias correction with exponent 1, not t"]
    assert t.kind.score(slip, t.answer(p)) == 0


def test_nesterov_look_ahead_is_theta_minus_beta_v():
    p = {"a": 2, "theta": 1.0, "V": 0.5, "beta": 0.9, "lr": 0.1}
    ahead = 1.0 - 0.9 * 0.5
    assert MINE["nesterov_lookahead"].answer(p) == pytest.approx(1.0 - (0.9 * 0.5 + 0.1 * 2 * ahead))
    slip = MINE["nesterov_lookahead"].distractors(p)["look-ahead θ + βV (sign slip)"]
    assert slip == pytest.approx(1.0 - (0.9 * 0.5 + 0.1 * 2 * (1.0 + 0.9 * 0.5)))


def test_softmax_ce_is_not_multilabel_bce():
    p = {"z": [1, 2, 0], "c": 1}
    q = np.exp(p["z"]) / np.exp(p["z"]).sum()
    assert MINE["ce_from_logits"].answer(p) == pytest.approx(-math.log(q[1]))


def test_manual_derivation_has_its_model_solution():
    v = freeze(MINE["sigmoid_derivative_derivation"], np.random.default_rng(3))
    assert check_variant(v) == [] and not kinds.Manual().auto
    z = v.params["z"]
    assert "σ(z)(1 − σ(z))" in v.key and f"{sig(z) * (1 - sig(z)):.3f}" in v.key


# ---------------------------------------------------------------- against PyTorch: activations


@pytest.mark.parametrize("seed", range(20))
def test_sigmoid_against_autograd(seed):
    v = frozen("sigmoid_and_derivative", seed)
    z = t64(v.params["z"], True)
    s = torch.sigmoid(z)
    s.backward()
    assert v.answer == pytest.approx([s.item(), z.grad.item()], rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_tanh_derivative_against_autograd(seed):
    v = frozen("tanh_derivative", seed)
    z = t64(v.params["z"], True)
    torch.tanh(z).backward()
    assert v.answer == pytest.approx(z.grad.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_leaky_relu_vector_against_torch(seed):
    v = frozen("leaky_relu_vector", seed)
    x = t64([float(a) for a in v.params["x"]], True)
    y = F.leaky_relu(x, v.params["a"])
    y.sum().backward()
    assert v.answer[0] == pytest.approx(y.tolist(), rel=1e-12)
    assert v.answer[1] == pytest.approx(x.grad.tolist(), rel=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_smooth_activation_against_torch(seed):
    v = frozen("smooth_activation", seed)
    f = {"elu": lambda x: F.elu(x, alpha=v.params["a"]), "selu": F.selu, "gelu": F.gelu,
         "softplus": F.softplus}[v.params["f"]]
    x = t64(v.params["x"], True)
    y = f(x)
    y.backward()
    assert v.answer == pytest.approx([y.item(), x.grad.item()], rel=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_softmax_against_torch(seed):
    v = frozen("softmax_vector", seed)
    assert v.answer == pytest.approx(torch.softmax(t64(v.params["z"]), 0).tolist(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_softmax_jacobian_against_autograd(seed):
    v = frozen("softmax_jacobian_entry", seed)
    J = torch.autograd.functional.jacobian(lambda z: torch.softmax(z, 0), t64([float(a) for a in v.params["z"]]))
    assert v.answer == pytest.approx(J[v.params["i"] - 1, v.params["j"] - 1].item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_sigmoid_chain_against_autograd(seed):
    v = frozen("vanishing_gradient_sigmoid", seed)
    x = t64(0.3, True)
    h = x
    for w, z in zip(v.params["w"], v.params["z"]):
        b = z - w * h.item()  # the bias that makes this layer's pre-activation the given z
        pre = w * h + b
        assert pre.item() == pytest.approx(z)
        h = torch.sigmoid(pre)
    h.backward()
    assert v.answer == pytest.approx(x.grad.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_sigmoid_layer_against_torch(seed):
    v = frozen("sigmoid_layer_forward", seed)
    W, x, b = (t64(v.params[k]) for k in ("W", "x", "b"))
    assert v.answer == pytest.approx(torch.sigmoid(W @ x + b).tolist(), rel=1e-9)


# ---------------------------------------------------------------- against PyTorch: losses


@pytest.mark.parametrize("seed", range(20))
def test_mse_against_torch(seed):
    v = frozen("mse_value", seed)
    assert v.answer == pytest.approx(F.mse_loss(t64(v.params["yhat"]), t64(v.params["y"])).item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_mse_gradient_against_autograd(seed):
    v = frozen("mse_gradient", seed)
    yhat = t64(v.params["yhat"], True)
    F.mse_loss(yhat, t64(v.params["y"])).backward()
    assert v.answer == pytest.approx(yhat.grad.tolist(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_bce_against_torch(seed):
    v = frozen("bce_value", seed)
    got = F.binary_cross_entropy(t64(v.params["p"]), t64(float(v.params["y"])))
    assert v.answer == pytest.approx(got.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_bce_logits_gradient_against_autograd(seed):
    v = frozen("bce_logits_gradient", seed)
    z = t64(v.params["z"], True)
    F.binary_cross_entropy_with_logits(z, t64(float(v.params["y"]))).backward()
    assert v.answer == pytest.approx(z.grad.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_ce_against_torch(seed):
    v = frozen("ce_from_logits", seed)
    got = F.cross_entropy(t64([[float(a) for a in v.params["z"]]]), torch.tensor([v.params["c"]]))
    assert v.answer == pytest.approx(got.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_softmax_ce_gradient_against_autograd(seed):
    v = frozen("softmax_ce_gradient", seed)
    z = t64([[float(a) for a in v.params["z"]]], True)
    F.cross_entropy(z, torch.tensor([v.params["c"]])).backward()
    assert v.answer == pytest.approx(z.grad[0].tolist(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_label_smoothing_against_torch(seed):
    v = frozen("label_smoothing_ce", seed)
    logits = torch.log(t64([v.params["p"]]))  # softmax(ln p) = p, as p sums to 1
    got = F.cross_entropy(logits, torch.tensor([v.params["c"]]), label_smoothing=v.params["eps"])
    assert v.answer == pytest.approx(got.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_huber_against_torch(seed):
    v = frozen("huber_loss", seed)
    a = t64(v.params["a"])
    assert v.answer == pytest.approx(F.huber_loss(a, torch.zeros_like(a), delta=v.params["d"]).item(), rel=1e-12)


# ---------------------------------------------------------------- against PyTorch: backprop


@pytest.mark.parametrize("seed", range(20))
def test_add_mul_against_autograd(seed):
    v = frozen("backprop_add_mul", seed)
    x, y, z = (t64(float(v.params[k]), True) for k in "xyz")
    ((x + y) * z).backward()
    assert v.answer == [x.grad.item(), y.grad.item(), z.grad.item()]


@pytest.mark.parametrize("seed", range(20))
def test_max_gate_against_autograd(seed):
    v = frozen("backprop_max_gate", seed)
    x, y, z = (t64(float(v.params[k]), True) for k in "xyz")
    (torch.maximum(x, y) * z).backward()
    assert v.answer == [x.grad.item(), y.grad.item(), z.grad.item()]


@pytest.mark.parametrize("seed", range(20))
def test_graph_two_paths_against_autograd(seed):
    v = frozen("graph_two_paths", seed)
    a, b = t64(float(v.params["a"])), t64(float(v.params["b"]), True)
    ((a + b) * (b + v.params["k"])).backward()
    assert v.answer == b.grad.item()


@pytest.mark.parametrize("seed", range(20))
def test_sigmoid_neuron_against_autograd(seed):
    v = frozen("sigmoid_neuron_gradient", seed)
    w, b = t64(v.params["w"], True), t64(v.params["b"], True)
    a = torch.sigmoid(w @ t64(v.params["x"]) + b)
    (0.5 * (a - v.params["t"]) ** 2).backward()
    assert v.answer == pytest.approx(w.grad.tolist() + [b.grad.item()], rel=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_two_layer_net_against_autograd(seed):
    v = frozen("two_layer_scalar_net", seed)
    p = v.params
    w1, b1, w2, b2 = (t64(float(p[k]), True) for k in ("w1", "b1", "w2", "b2"))
    h = torch.relu(w1 * p["x"] + b1)
    ((w2 * h + b2 - p["y"]) ** 2).backward()
    assert v.answer == [w2.grad.item(), b2.grad.item(), w1.grad.item(), b1.grad.item()]


def test_two_layer_net_draws_both_relu_cases():
    z = [p["w1"] * p["x"] + p["b1"] for p in (v.params for v in variants("two_layer_scalar_net", range(30)))]
    assert any(v > 0 for v in z) and any(v < 0 for v in z)


@pytest.mark.parametrize("seed", range(20))
def test_matrix_backprop_weight_against_autograd(seed):
    v = frozen("matrix_backprop_weight", seed)
    W = t64([[float(a) for a in r] for r in v.params["W"]], True)
    (W @ t64([float(a) for a in v.params["x"]])).backward(t64([float(a) for a in v.params["g"]]))
    assert v.answer == W.grad.tolist()


@pytest.mark.parametrize("seed", range(20))
def test_matrix_backprop_input_against_autograd(seed):
    v = frozen("matrix_backprop_input", seed)
    x = t64([float(a) for a in v.params["x"]], True)
    (t64([[float(a) for a in r] for r in v.params["W"]]) @ x).backward(t64([float(a) for a in v.params["g"]]))
    assert v.answer == x.grad.tolist()


@pytest.mark.parametrize("seed", range(20))
def test_chain_rule_against_autograd(seed):
    v = frozen("chain_rule", seed)
    f = getattr(torch, v.params["f"])
    x = t64(v.params["x0"], True)
    f(v.params["a"] * x ** 2).backward()
    assert v.answer == pytest.approx(x.grad.item(), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_central_difference_is_within_h_squared_of_the_derivative(seed):
    v = frozen("gradient_check_central", seed)
    f, df = backprop.FUNCS[v.params["f"]]
    x, h = v.params["x0"], v.params["h"]
    assert v.answer == pytest.approx((f(x + h) - f(x - h)) / (2 * h))
    assert abs(v.answer - df(x)) <= 4 * abs(x) * h * h + h * h + 1e-12  # O(h²), unlike the forward difference


# ---------------------------------------------------------------- against PyTorch: optimisers


def torch_run(make, theta, grads):
    """θ after torch's optimiser ``make([p])`` takes one step per gradient."""
    p = t64(theta, True)
    opt = make([p])
    for g in grads:
        p.grad = t64(g)
        opt.step()
    return p.detach().tolist()


@pytest.mark.parametrize("seed", range(20))
def test_sgd_weight_decay_against_torch(seed):
    v = frozen("sgd_weight_decay", seed)
    p = v.params
    got = torch_run(lambda ps: torch.optim.SGD(ps, lr=p["lr"], weight_decay=p["wd"]), p["theta"], [p["g"]])
    assert v.answer == pytest.approx(got, rel=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_momentum_against_torch(seed):
    v = frozen("momentum_two_steps", seed)
    p = v.params
    got = torch_run(lambda ps: torch.optim.SGD(ps, lr=p["lr"], momentum=p["mu"]), [p["theta"]], [[p["g1"]], [p["g2"]]])
    assert v.answer == pytest.approx(got[0], rel=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_nesterov_against_torch(seed):
    """A first step with gradient b leaves the buffer at b; the second step is the question's."""
    v = frozen("nesterov_pytorch", seed)
    p = v.params
    before = torch_run(lambda ps: torch.optim.SGD(ps, lr=p["lr"], momentum=p["mu"], nesterov=True),
                       [p["theta"]], [[p["b"]]])
    after = torch_run(lambda ps: torch.optim.SGD(ps, lr=p["lr"], momentum=p["mu"], nesterov=True),
                      [p["theta"]], [[p["b"]], [p["g"]]])
    assert v.answer - p["theta"] == pytest.approx(after[0] - before[0], rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_adam_against_torch(seed):
    v = frozen("adam_steps", seed)
    p = v.params
    got = torch_run(lambda ps: torch.optim.Adam(ps, lr=p["lr"]), [0.0, 0.0], p["grads"])
    assert v.answer == pytest.approx(got, rel=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_adamw_and_adam_l2_against_torch(seed):
    v = frozen("adamw_vs_adam_l2", seed)
    p = v.params
    cls = torch.optim.AdamW if p["method"] == "adamw" else torch.optim.Adam
    got = torch_run(lambda ps: cls(ps, lr=p["lr"], weight_decay=p["wd"]), [p["theta"]], [[p["g"]]])
    assert v.answer == pytest.approx(got[0], rel=1e-9)


def test_adamw_question_draws_both_optimisers():
    assert {v.params["method"] for v in variants("adamw_vs_adam_l2", range(30))} == {"adamw", "adam_l2"}


@pytest.mark.parametrize("seed", range(30))
def test_rmsprop_and_adagrad_against_torch(seed):
    """A first step with g₀ sets torch's state to the question's s (or G); the second is the question's."""
    v = frozen("rmsprop_adagrad_step", seed)
    p = v.params
    if p["method"] == "rmsprop":
        def make(ps):
            return torch.optim.RMSprop(ps, lr=p["lr"], alpha=p["rho"], eps=1e-8)
        g0 = math.sqrt(p["s"] / (1 - p["rho"]))
    else:
        def make(ps):
            return torch.optim.Adagrad(ps, lr=p["lr"], eps=1e-10)
        g0 = math.sqrt(p["s"])
    before = torch_run(make, [0.0], [[g0]])
    after = torch_run(make, [0.0], [[g0], [p["g"]]])
    assert v.answer == pytest.approx(after[0] - before[0], rel=1e-9)


def lr_after(make_sched, lr0, epochs):
    opt = torch.optim.SGD([t64([0.0], True)], lr=lr0)
    sched = make_sched(opt)
    for _ in range(epochs):
        opt.step()
        sched.step()
    return opt.param_groups[0]["lr"]


@pytest.mark.parametrize("seed", range(20))
def test_step_schedule_against_torch(seed):
    v = frozen("step_schedule", seed)
    p = v.params
    if p["kind"] == "step":
        def make(o):
            return torch.optim.lr_scheduler.StepLR(o, step_size=p["step"], gamma=p["gamma"])
    else:
        def make(o):
            return torch.optim.lr_scheduler.MultiStepLR(o, milestones=[30, 60, 90], gamma=0.1)
    assert v.answer == pytest.approx(lr_after(make, p["lr0"], p["t"]), rel=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_cosine_schedule_against_torch(seed):
    v = frozen("cosine_schedule", seed)
    p = v.params
    got = lr_after(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=p["T"], eta_min=p["lr_min"]),
                   p["lr_max"], p["t"])
    assert v.answer == pytest.approx(got, rel=1e-6)


def test_warmup_inverse_sqrt_is_continuous_and_decays_as_inverse_sqrt():
    t = MINE["warmup_inverse_sqrt"]
    p = {"W": 400, "lr0": 0.002}
    assert t.answer(dict(p, t=400)) == pytest.approx(0.002)
    assert t.answer(dict(p, t=200)) == pytest.approx(0.001)
    assert t.answer(dict(p, t=1600)) == pytest.approx(0.001)  # √(400/1600) = 1/2
    assert t.answer(dict(p, t=401)) == pytest.approx(0.002, rel=2e-3)


@pytest.mark.parametrize("seed", range(20))
def test_lookahead_nesterov_matches_pytorch_nesterov_on_the_quadratic(seed):
    """With V = ηb and θ̃ = θ − βV the look-ahead form on f = ½aθ² is PyTorch's Nesterov in the
    shifted variable θ̃; here: one step from the same state, checked by autograd for the gradient."""
    v = frozen("nesterov_lookahead", seed)
    p = v.params
    theta, V = t64(p["theta"]), p["V"]
    ahead = (theta - p["beta"] * V).clone().requires_grad_(True)
    (0.5 * p["a"] * ahead ** 2).backward()
    V_new = p["beta"] * V + p["lr"] * ahead.grad.item()
    assert v.answer == pytest.approx(p["theta"] - V_new, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------- against PyTorch: initialisation


def layer_of(p):
    return nn.Linear(p["cin"], p["cout"]) if p["layer"] == "linear" else nn.Conv2d(p["cin"], p["cout"], p["k"])


@pytest.mark.parametrize("seed", range(20))
def test_xavier_bound_against_torch(seed):
    v = frozen("xavier_uniform_bound", seed)
    w = layer_of(v.params).weight
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)
    a = math.sqrt(6 / (fan_in + fan_out))
    assert v.answer == pytest.approx(a, rel=1e-12)
    torch.manual_seed(0)
    with torch.no_grad():
        nn.init.xavier_uniform_(w)
    assert 0.95 * a < w.abs().max().item() <= a


@pytest.mark.parametrize("seed", range(20))
def test_he_std_against_torch(seed):
    v = frozen("he_normal_std", seed)
    p = v.params
    w = layer_of(p).weight
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(w)
    gain = nn.init.calculate_gain("relu") if p["a"] == 0 else nn.init.calculate_gain("leaky_relu", p["a"])
    assert v.answer == pytest.approx(gain / math.sqrt(fan_in), rel=1e-12)
    torch.manual_seed(0)
    big = torch.empty(4000, *w.shape[1:])
    nonlinearity = "relu" if p["a"] == 0 else "leaky_relu"
    nn.init.kaiming_normal_(big, a=p["a"], mode="fan_in", nonlinearity=nonlinearity)
    assert big.std().item() == pytest.approx(v.answer, rel=0.05)


@pytest.mark.parametrize("seed", range(10))
def test_preactivation_variance_by_simulation(seed):
    v = frozen("preactivation_variance", seed)
    p = v.params
    rng = np.random.default_rng(1)
    var_w = {"lecun": 1 / p["n"], "he": 2 / p["n"], "std": p["s"] ** 2}[p["init"]]
    w = rng.normal(0, math.sqrt(var_w), size=(4000, p["n"]))
    x = rng.normal(0, math.sqrt(p["vx"]), size=(4000, p["n"]))
    assert (w * x).sum(1).var() == pytest.approx(v.answer, rel=0.1)


@pytest.mark.parametrize("seed", range(20))
def test_mlp_count_against_torch(seed):
    v = frozen("mlp_param_count", seed)
    w = v.params["widths"]
    net = nn.Sequential(*[nn.Linear(a, b) for a, b in zip(w, w[1:])])
    assert v.answer == sum(q.numel() for q in net.parameters())


# ---------------------------------------------------------------- code questions


def student_leaky(p):
    return ("def leaky_relu(x):\n"
            "    out = np.array(x, dtype=float)\n"
            f"    neg = out <= 0\n"
            f"    out[neg] = out[neg] * {p['a']}\n"
            "    return out\n")


def student_momentum(p):
    return ("def sgd_momentum_step(theta, grad, buf):\n"
            f"    new_buf = buf * {p['mu']} + (grad + theta * {p['wd']})\n"
            "    new_theta = theta.copy()\n"
            f"    new_theta -= {p['lr']} * new_buf\n"
            "    return (new_theta, new_buf)\n")


CODE = {"leaky_relu_code": student_leaky, "sgd_momentum_code": student_momentum}


def test_every_code_template_has_a_student_solution_here():
    assert {tid for tid, t in MINE.items() if isinstance(t.kind, kinds.Code)} == set(CODE)


@pytest.mark.parametrize("tid", sorted(CODE))
@pytest.mark.parametrize("seed", range(10))
def test_code_accepts_another_correct_solution_and_rejects_the_buggy_ones(tid, seed):
    t = MINE[tid]
    v = freeze(t, np.random.default_rng(seed))
    fn = t.kind.function
    assert t.kind.score(run_code(CODE[tid](v.params), fn, v.cases), v.answer) == 1
    for name, source in t.distractors(v.params).items():
        assert t.kind.score(run_code(source, fn, v.cases), v.answer) == 0, name
    assert t.kind.safe_score(run_code("def %s(*a):\n    raise ValueError\n" % fn, fn, v.cases), v.answer) == 0


@pytest.mark.parametrize("seed", range(10))
def test_leaky_relu_code_matches_torch(seed):
    v = freeze(MINE["leaky_relu_code"], np.random.default_rng(seed))
    want = [F.leaky_relu(t64(args[0]), v.params["a"]).tolist() for args in v.cases]
    assert kinds.Code(function="leaky_relu").score(want, v.answer) == 1


@pytest.mark.parametrize("seed", range(10))
def test_sgd_momentum_code_matches_torch(seed):
    v = freeze(MINE["sgd_momentum_code"], np.random.default_rng(seed))
    p = v.params
    for (theta, grad, buf), out in zip(v.cases, v.answer):
        param = t64(theta, True)
        opt = torch.optim.SGD([param], lr=p["lr"], momentum=p["mu"], weight_decay=p["wd"])
        if any(buf):
            opt.state[param]["momentum_buffer"] = t64(buf)
        param.grad = t64(grad)
        opt.step()
        assert out[0] == pytest.approx(param.detach().tolist(), rel=1e-9)
        assert out[1] == pytest.approx(opt.state[param]["momentum_buffer"].tolist(), rel=1e-9)


# ---------------------------------------------------------------- choice questions


CHOICES = sorted(tid for tid, t in MINE.items() if isinstance(t.kind, (kinds.Choice, kinds.ChoiceSet)))


def test_there_are_choice_templates():
    assert len(CHOICES) >= 3


def permutation(t, v):
    """Where each option landed, relative to the template's own order (answer(s), then distractors)."""
    canon = sorted(n for n in v.choice_order if n.startswith("answer")) + list(t.distractors(v.params))
    return tuple(canon.index(n) for n in v.choice_order)


@pytest.mark.parametrize("tid", CHOICES)
def test_choices_are_shuffled_and_keyed_to_the_right_text(tid):
    t = MINE[tid]
    vs = variants(tid, range(30))
    assert len({permutation(t, v) for v in vs}) > 1, "the options are shuffled"
    assert len({v.answer for v in vs}) > 1, "the correct letter is not always the same"
    for v in vs:
        right = t.answer(v.params)
        right = right if isinstance(right, list) else [right]
        correct = sorted(LETTERS[i] for i, n in enumerate(v.choice_order) if n.startswith("answer"))
        assert "".join(correct) == v.answer
        for letter, text in zip(correct, sorted(right, key=v.text.index)):
            assert f"- **{letter}.** {text}" in v.text
        wrong = t.distractors(v.params)
        for i, name in enumerate(v.choice_order):
            if not name.startswith("answer"):
                assert f"- **{LETTERS[i]}.** {wrong[name]}" in v.text
                assert t.kind.score(LETTERS[i], v.answer) == 0
        assert t.kind.score(v.answer, v.answer) == 1


@pytest.mark.parametrize("tid", [tid for tid in CHOICES if isinstance(MINE[tid].kind, kinds.Choice)])
def test_the_same_draw_is_shuffled_differently_by_different_seeds(tid):
    """The order comes from the slot's generator after the draw, not from the parameters."""
    t = MINE[tid]
    seen = {}
    for s in range(400):
        v = freeze(t, np.random.default_rng(s))
        key = json.dumps(v.params, sort_keys=True)
        if key in seen and seen[key][0] != v.choice_order:
            assert seen[key][1].text != v.text  # same question, options listed in another order
            return
        seen.setdefault(key, (v.choice_order, v))
    pytest.fail("no two seeds with the same draw showed a different order")


def _grad(f, z):
    z = t64(z, True)
    f(z).sum().backward()
    return z.grad.numpy()


Z = np.linspace(-4, 4, 81)
ZT = lambda: t64(Z)  # noqa: E731
SIG = 1 / (1 + np.exp(-Z))
GELU_EXACT = Z * 0.5 * (1 + np.vectorize(math.erf)(Z / math.sqrt(2)))
SM = lambda v: np.exp(v) / np.exp(v).sum()  # noqa: E731
LOGITS = np.array([1.0, -0.5, 2.0])

# one numeric check per statement of activations.ACT_TRUE / ACT_FALSE, in their order, each with the
# words of the statement it checks
TRUE_CHECKS = [
    ("σ(z)(1 − σ(z)), so σ′(z) ≤ 0.25",
     lambda: np.allclose(_grad(torch.sigmoid, Z), SIG * (1 - SIG)) and (SIG * (1 - SIG)).max() <= 0.25),
    ("tanh(z) = 2σ(2z) − 1", lambda: np.allclose(np.tanh(Z), 2 / (1 + np.exp(-2 * Z)) - 1)),
    ("ln(1 + eᶻ) is σ(z).", lambda: np.allclose(_grad(F.softplus, Z), SIG)),
    ("1 − tanh²(z), which equals 1 at z = 0",
     lambda: np.allclose(_grad(torch.tanh, Z), 1 - np.tanh(Z) ** 2) and _grad(torch.tanh, [0.0])[0] == 1),
    ("slope 0.01 has derivative 0.01 at every z < 0",
     lambda: np.allclose(_grad(lambda z: F.leaky_relu(z, 0.01), Z[Z < 0]), 0.01)),
    ("tanh(−z) = −tanh(z)); σ is not (σ(0) = 0.5)", lambda: np.allclose(np.tanh(-Z), -np.tanh(Z)) and sig(0) == 0.5),
    ("softmax(z + c) = softmax(z)", lambda: np.allclose(SM(LOGITS + 3), SM(LOGITS))),
    ("GELU(z) = z·Φ(z)", lambda: np.allclose(F.gelu(ZT()).numpy(), GELU_EXACT)),
]
FALSE_CHECKS = [
    ("tanh(z) = 2σ(z) − 1", lambda: np.allclose(np.tanh(Z), 2 * SIG - 1)),
    ("σ′(z) = σ(z)(1 + σ(z))", lambda: np.allclose(_grad(torch.sigmoid, Z), SIG * (1 + SIG))),
    ("ln(1 + eᶻ) is σ(z)(1 − σ(z))", lambda: np.allclose(_grad(F.softplus, Z), SIG * (1 - SIG))),
    ("ReLU's derivative is 0.01 at every z < 0", lambda: np.allclose(_grad(torch.relu, Z[Z < 0]), 0.01)),
    ("at z = 0, where it equals 0.5", lambda: _grad(torch.sigmoid, [0.0])[0] == 0.5),
    ("softmax(2z) = softmax(z)", lambda: np.allclose(SM(2 * LOGITS), SM(LOGITS))),
    ("tanh′(0) = 0.25", lambda: _grad(torch.tanh, [0.0])[0] == 0.25),
    ("σ(−z) = −σ(z)", lambda: np.allclose(SIG[::-1], -SIG)),
]


def test_activation_fact_pools_are_true_and_false_as_keyed():
    assert len(TRUE_CHECKS) == len(activations.ACT_TRUE) and len(FALSE_CHECKS) == len(activations.ACT_FALSE)
    for (words, check), statement in zip(TRUE_CHECKS, activations.ACT_TRUE):
        assert words in statement and check(), statement
    for (words, check), (_, statement) in zip(FALSE_CHECKS, activations.ACT_FALSE):
        assert words in statement and not check(), statement


def test_softmax_scaling_sharpens_above_one_and_flattens_below():
    assert SM(2 * LOGITS).max() > SM(LOGITS).max() > SM(0.5 * LOGITS).max()
    t = MINE["softmax_transform"]
    assert t.answer({"z": [1, 0, 2], "op": "scale", "c": 10}) == t.SHARPER
    assert t.answer({"z": [1, 0, 2], "op": "scale", "c": 0.5}) == t.FLATTER
    assert t.answer({"z": [1, 0, 2], "op": "shift", "c": -3}) == t.SAME


@pytest.mark.parametrize("side, x", [("positive", 50.0), ("negative", -50.0)])
def test_non_saturating_options_saturate_as_keyed(side, x):
    fns = {"ReLU, max(0, x)": torch.relu, "ELU with α = 1": F.elu, "softplus, ln(1 + eˣ)": F.softplus,
           "GELU, x·Φ(x)": F.gelu, "sigmoid, 1/(1 + e^(−x))": torch.sigmoid, "tanh(x)": torch.tanh,
           "Gaussian, e^(−x²)": lambda z: torch.exp(-z * z),
           "binary step, 1 if x > 0 else 0": lambda z: (z > 0).to(D) + 0 * z,
           "LeakyReLU with negative slope 0.01": lambda z: F.leaky_relu(z, 0.01)}
    t = MINE["non_saturating_activation"]
    right = t.POS_RIGHT if side == "positive" else t.NEG_RIGHT
    wrong = t.POS_WRONG if side == "positive" else t.NEG_WRONG
    assert all(abs(_grad(fns[name], [x])[0]) > 1e-3 for name in right)
    assert all(abs(_grad(fns[name], [x])[0]) < 1e-6 for name in wrong)
