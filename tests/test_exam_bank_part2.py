"""Exam bank, part 2: CNN, normalisation and regularisation, RNN, attention, generative models.

Every template of these modules freezes sound variants; hand-worked values (the course's own examples
among them) and PyTorch itself agree with the answers; the code questions accept a differently written
correct function and reject every buggy one; choice options are shuffled and keyed right."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from grading.exams.kinds import Choice, ChoiceSet, Code, Manual, kind_from
from grading.exams.template import check_variant, freeze, load_bank, run_code

MODULES = {"cnn", "init_norm", "rnn", "attention", "generative"}
BANK = load_bank()
MINE = {tid: t for tid, t in BANK.items() if type(t).__module__.rsplit(".", 1)[-1] in MODULES}
TOPICS = {"cnn", "normalisation", "regularisation", "rnn", "attention", "vae", "gan"}
SEEDS = range(50)


def t(tid):
    return MINE[tid]


def variants(tid, seeds=SEEDS):
    return [freeze(MINE[tid], np.random.default_rng(s)) for s in seeds]


def test_the_modules_hold_enough_templates_of_every_kind():
    assert len(MINE) >= 22
    kinds = [type(x.kind) for x in MINE.values()]
    assert kinds.count(Choice) >= 2 and ChoiceSet in kinds and Code in kinds and Manual in kinds
    assert {x.topic for x in MINE.values()} <= TOPICS
    assert all(x.__doc__ and x.title for x in MINE.values())


# (1) every variant of every template is sound and JSON-able

@pytest.mark.parametrize("tid", sorted(MINE))
def test_fifty_variants_are_sound(tid):
    seen = set()
    for v in variants(tid):
        assert check_variant(v) == [], v.params
        assert v.template == tid and v.text
        if not isinstance(MINE[tid].kind, Manual):
            assert v.distractors, f"{tid} has no distractor"
        seen.add(json.dumps(v.to_dict(), sort_keys=True))
    assert len(seen) >= 3, f"{tid}: only {len(seen)} different variants in 50 seeds"


# (2) hand-worked values

COURSE_POOL = [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]


def test_pooling_by_hand():
    assert t("pooling_values").answer(dict(x=COURSE_POOL, mode="max")) == [[4, 5], [3, 4]]
    assert t("pooling_values").answer(dict(x=COURSE_POOL, mode="avg")) == [[2.5, 3], [1.25, 2]]


def test_conv_sizes_by_hand():
    size = t("conv_output_size").answer
    assert size(dict(H=32, k=5, s=1, p=0)) == 28
    assert size(dict(H=224, k=7, s=2, p=3)) == 112
    shape = t("conv_output_shape")
    p = dict(c_in=3, c_out=16, H=32, W=20, k=3, s=1, p=2, d=2)
    assert shape.answer(p) == [16, 32, 20]
    assert shape.distractors(p)["dilation ignored"] == [16, 34, 22]
    assert t("transposed_conv_output_size").answer(dict(H=16, k=4, s=2, p=1, op=0, d=1)) == 32
    assert t("transposed_conv_output_size").answer(dict(H=7, k=3, s=2, p=1, op=1, d=1)) == 14


def test_conv_values_by_hand():
    p = dict(x=[[1, 2, 0], [0, 1, 3], [2, 0, 1]], w=[[1, 0], [0, 2]], s=1, b=1)
    # top right: 2·1 + 0·0 + 1·0 + 3·2 + 1 = 9; the flipped kernel [[2, 0], [0, 1]] gives 2·2 + 3·1 + 1 = 8
    assert t("conv2d_values").answer(p) == [[4, 9], [1, 4]]
    assert t("conv2d_values").distractors(p)["kernel flipped (true convolution)"] == [[4, 8], [1, 4]]
    assert t("conv2d_values").distractors(p)["bias forgotten"] == [[3, 8], [0, 3]]


def test_counts_by_hand():
    conv = t("conv_param_count")
    p = dict(c_in=3, c_out=64, kh=3, kw=3, g=1)
    assert conv.answer(p) == 1792
    assert conv.distractors(p)["biases forgotten"] == 1728
    lstm = t("rnn_param_count")
    p = dict(cell="LSTM", i=10, h=20, layers=1, D=1)
    assert lstm.answer(p) == 2560
    assert lstm.distractors(p)["single bias (Keras convention)"] == 2480
    assert lstm.answer(dict(cell="GRU", i=10, h=20, layers=1, D=1)) == 1920
    assert lstm.answer(dict(cell="LSTM", i=10, h=20, layers=2, D=2)) == 5120 + 2 * 4 * 20 * (40 + 20 + 2)
    assert t("mha_param_count").answer(dict(d=512, h=8)) == 1_050_624
    assert t("depthwise_separable_count").answer(dict(c_in=32, c_out=64, k=3)) == [2432, 18496]
    assert t("batchnorm2d_param_count").answer(dict(C=64, H=7)) == 128
    assert t("conv_macs").answer(dict(H=32, k=3, s=2, c_in=16, c_out=32, g=1)) == 16 * 16 * 32 * 16 * 9
    layers = [["conv", 3, 2, 1], ["conv", 3, 1, 1], ["maxpool", 2, 2, 1]]
    assert t("receptive_field").answer(dict(layers=layers)) == 1 + 2 + 2 * 2 + 1 * 2  # jumps 1, 2, 2


def test_shapes_by_hand():
    p = dict(N=8, L=5, i=16, H=24, layers=2, D=2, which="h_n")
    assert t("lstm_output_shapes").answer(p) == [4, 8, 24]
    assert t("lstm_output_shapes").answer(p | dict(which="output")) == [8, 5, 48]
    assert t("lstm_output_shapes").distractors(p)["batch_first applied to the states"] == [8, 4, 24]


def test_normalisation_and_regularisation_by_hand():
    bn = t("batchnorm_forward").answer(dict(x=[[1, 0], [1, 0], [3, 4], [3, 4]], gamma=[2.0, 1.0], beta=[1.0, 0.0]))
    # column 1: mean 2, biased variance 1; column 2: mean 2, biased variance 4
    assert np.allclose(bn, [[-1, -1], [-1, -1], [3, 1], [3, 1]], atol=1e-4)
    ln = t("layernorm_forward").answer(dict(x=[[1, 2, 3], [0, 0, 3]], gamma=[1.0] * 3, beta=[0.0] * 3))
    assert np.allclose(ln[0], np.array([-1, 0, 1]) / math.sqrt(2 / 3), atol=1e-4)
    assert np.allclose(ln[1], [-math.sqrt(0.5), -math.sqrt(0.5), math.sqrt(2)], atol=1e-4)
    drop = t("inverted_dropout")
    p = dict(p=0.2, x=[1.0, 2.0, -1.0], m=[1, 0, 1])
    assert drop.answer(p) == [1.25, 0.0, -1.25]
    assert drop.distractors(p)["scaled by p"] == [0.2, 0.0, -0.2]
    assert t("l2_penalty").answer(dict(w=[1.0, -2.0], lam=0.1)) == pytest.approx(0.25)
    assert t("l2_gradient").answer(dict(w=[1.0, -2.0], g=[0.5, 0.5], lam=0.1)) == pytest.approx([0.6, 0.3])
    assert t("l1_gradient").answer(dict(w=[1.0, -2.0], g=[0.5, 0.5], lam=0.1)) == pytest.approx([0.6, 0.4])


def test_recurrent_steps_by_hand():
    c, h = t("lstm_cell_step").answer(dict(z=[0.0, 0.0, 0.0, 0.0], c=1.0))
    assert (c, h) == pytest.approx((0.5, 0.5 * math.tanh(0.5)))
    h = t("rnn_forward").answer(dict(wx=1.0, wh=0.5, b=0.0, x=[1, -1]))
    assert h == pytest.approx([math.tanh(1), math.tanh(-1 + 0.5 * math.tanh(1))])
    assert t("bptt_factor").answer(dict(wh=2.0, h=[0.5, 0.5, 0.5])) == pytest.approx(3.375)
    # z = 0.5 keeps half the old state; r = 0.5 halves v
    assert t("gru_cell_step").answer(dict(a_r=0.0, a_z=0.0, u=1.0, v=1.0, h=0.5)) == pytest.approx(
        0.5 * math.tanh(1.5) + 0.25)


def test_attention_by_hand():
    p = dict(q=[1, 1, 0, 0], K=[[1, 1, 0, 0], [0, 0, 0, 0]])
    e = math.e
    assert t("attention_weights").answer(p) == pytest.approx([e / (e + 1), 1 / (e + 1)])
    assert t("attention_weights").distractors(p)["no scaling"] == pytest.approx([e * e / (e * e + 1), 1 / (e * e + 1)])


def test_generative_by_hand():
    assert t("vae_kl").answer(dict(mu=[1.0], logvar=[0.0])) == pytest.approx(0.5)
    assert t("vae_kl").answer(dict(mu=[0.0, 0.0], logvar=[1.0, 0.0])) == pytest.approx(0.5 * (math.e - 2))
    assert t("vae_reparameterisation").answer(dict(mu=[1.0], logvar=[2.0], eps=[0.5])) == pytest.approx([1 + 0.5 * math.e])
    assert t("gan_discriminator_loss").answer(dict(a=0.5, b=0.5)) == pytest.approx(2 * math.log(2))
    assert t("gan_discriminator_loss").answer(dict(a=0.5, b=0.5)) == pytest.approx(1.386, abs=1e-3)
    assert t("gan_generator_gradients").answer(dict(b=0.1)) == pytest.approx([-0.1, -0.9])
    assert t("gan_optimal_discriminator").answer(dict(pd=0.3, pg=0.2)) == pytest.approx(0.6)


# PyTorch computes the same answers as the templates, on the frozen variants

def _torch_answer(tid, p):
    torch.manual_seed(0)
    if tid == "conv_output_shape":
        conv = nn.Conv2d(p["c_in"], p["c_out"], p["k"], stride=p["s"], padding=p["p"], dilation=p["d"])
        return list(conv(torch.zeros(p["c_in"], p["H"], p["W"])).shape)
    if tid == "conv_output_size":
        return nn.Conv2d(3, 8, p["k"], stride=p["s"], padding=p["p"])(torch.zeros(3, p["H"], p["H"])).shape[1]
    if tid == "conv2d_values":
        x = torch.tensor(p["x"], dtype=torch.float64)[None, None]
        w = torch.tensor(p["w"], dtype=torch.float64)[None, None]
        return F.conv2d(x, w, torch.tensor([float(p["b"])], dtype=torch.float64), stride=p["s"])[0, 0].tolist()
    if tid == "pooling_values":
        x = torch.tensor(p["x"], dtype=torch.float64)[None]
        return (F.max_pool2d if p["mode"] == "max" else F.avg_pool2d)(x, 2, 2)[0].tolist()
    if tid == "transposed_conv_output_size":
        conv = nn.ConvTranspose2d(16, 8, p["k"], stride=p["s"], padding=p["p"], output_padding=p["op"], dilation=p["d"])
        return conv(torch.zeros(1, 16, p["H"], p["H"])).shape[-1]
    if tid == "conv_param_count":
        conv = nn.Conv2d(p["c_in"], p["c_out"], (p["kh"], p["kw"]), groups=p["g"])
        return sum(q.numel() for q in conv.parameters())
    if tid == "depthwise_separable_count":
        ci, co, k = p["c_in"], p["c_out"], p["k"]
        sep = nn.Sequential(nn.Conv2d(ci, ci, k, groups=ci), nn.Conv2d(ci, co, 1))
        return [sum(q.numel() for q in m.parameters()) for m in (sep, nn.Conv2d(ci, co, k))]
    if tid == "batchnorm2d_param_count":
        return sum(q.numel() for q in nn.BatchNorm2d(p["C"]).parameters())
    if tid == "batchnorm_forward":
        bn = nn.BatchNorm1d(2, eps=1e-5).double().train()
        bn.weight.data, bn.bias.data = torch.tensor(p["gamma"]).double(), torch.tensor(p["beta"]).double()
        return bn(torch.tensor(p["x"], dtype=torch.float64)).tolist()
    if tid == "layernorm_forward":
        ln = nn.LayerNorm(3, eps=1e-5).double()
        ln.weight.data, ln.bias.data = torch.tensor(p["gamma"]).double(), torch.tensor(p["beta"]).double()
        return ln(torch.tensor(p["x"], dtype=torch.float64)).tolist()
    if tid == "rnn_param_count":
        cell = getattr(nn, p["cell"])(p["i"], p["h"], num_layers=p["layers"], bidirectional=p["D"] == 2)
        return sum(q.numel() for q in cell.parameters())
    if tid == "lstm_output_shapes":
        lstm = nn.LSTM(p["i"], p["H"], num_layers=p["layers"], batch_first=True, bidirectional=p["D"] == 2)
        output, (h_n, c_n) = lstm(torch.zeros(p["N"], p["L"], p["i"]))
        return list(dict(output=output, h_n=h_n, c_n=c_n)[p["which"]].shape)
    if tid == "lstm_cell_step":
        cell = nn.LSTMCell(1, 1).double()
        for w in (cell.weight_ih, cell.weight_hh, cell.bias_hh):
            w.data.zero_()
        cell.bias_ih.data = torch.tensor(p["z"], dtype=torch.float64)  # pre-activations in PyTorch's order
        h, c = cell(torch.zeros(1, 1, dtype=torch.float64),
                    (torch.zeros(1, 1, dtype=torch.float64), torch.full((1, 1), p["c"], dtype=torch.float64)))
        return [c.item(), h.item()]
    if tid == "gru_cell_step":
        cell = nn.GRUCell(1, 1).double()
        cell.weight_ih.data = torch.tensor([[p["a_r"]], [p["a_z"]], [p["u"]]], dtype=torch.float64)
        cell.weight_hh.data.zero_()
        cell.bias_ih.data.zero_()
        cell.bias_hh.data = torch.tensor([0.0, 0.0, p["v"]], dtype=torch.float64)
        return cell(torch.ones(1, 1, dtype=torch.float64), torch.full((1, 1), p["h"], dtype=torch.float64)).item()
    if tid == "rnn_forward":
        rnn = nn.RNN(1, 1).double()
        rnn.weight_ih_l0.data.fill_(p["wx"])
        rnn.weight_hh_l0.data.fill_(p["wh"])
        rnn.bias_ih_l0.data.fill_(p["b"])
        rnn.bias_hh_l0.data.zero_()
        return rnn(torch.tensor(p["x"], dtype=torch.float64)[:, None])[0][:, 0].tolist()
    if tid == "mha_param_count":
        return sum(q.numel() for q in nn.MultiheadAttention(p["d"], p["h"]).parameters())
    if tid in ("attention_weights", "attention_output"):
        q = torch.tensor(p["q"], dtype=torch.float64)[None, None]
        K = torch.tensor(p["K"], dtype=torch.float64)[None]
        V = torch.tensor(p["V"], dtype=torch.float64)[None] if "V" in p else torch.eye(len(p["K"]), dtype=torch.float64)[None]
        return F.scaled_dot_product_attention(q, K, V)[0, 0].tolist()  # V = I returns the weights
    if tid == "inverted_dropout":
        return (F.dropout(torch.ones(10000, dtype=torch.float64), p["p"]).max().item()
                * np.array(p["x"]) * np.array(p["m"])).tolist()  # the kept elements' scale, times the mask
    if tid == "gan_discriminator_loss":
        d = torch.tensor([p["a"], p["b"]], dtype=torch.float64)
        return F.binary_cross_entropy(d, torch.tensor([1.0, 0.0], dtype=torch.float64), reduction="sum").item()
    if tid == "gan_generator_gradients":
        logit = torch.logit(torch.tensor(p["b"], dtype=torch.float64)).requires_grad_()
        minimax = torch.autograd.grad(torch.log(1 - torch.sigmoid(logit)), logit)[0].item()
        nonsat = torch.autograd.grad(-torch.log(torch.sigmoid(logit)), logit)[0].item()
        return [minimax, nonsat]
    if tid == "vae_kl":
        mu, lv = torch.tensor(p["mu"]).double(), torch.tensor(p["logvar"]).double()
        q = torch.distributions.Normal(mu, torch.exp(lv / 2))
        return torch.distributions.kl_divergence(q, torch.distributions.Normal(0.0, 1.0)).sum().item()
    return None


CROSS_CHECKED = ["conv_output_shape", "conv_output_size", "conv2d_values", "pooling_values",
                 "transposed_conv_output_size", "conv_param_count", "depthwise_separable_count",
                 "batchnorm2d_param_count", "batchnorm_forward", "layernorm_forward", "rnn_param_count",
                 "lstm_output_shapes", "lstm_cell_step", "gru_cell_step", "rnn_forward", "mha_param_count",
                 "attention_weights", "attention_output", "inverted_dropout", "gan_discriminator_loss",
                 "gan_generator_gradients", "vae_kl"]


@pytest.mark.parametrize("tid", CROSS_CHECKED)
def test_pytorch_agrees(tid):
    for v in variants(tid, range(10)):
        ours = MINE[tid].answer(v.params)
        theirs = _torch_answer(tid, v.params)
        assert theirs is not None
        assert np.allclose(np.asarray(ours, float), np.asarray(theirs, float), rtol=1e-6, atol=1e-9), v.params


# (3) code questions: a differently written correct function scores 1, every bug 0

STUDENT_MAXPOOL = '''
def maxpool2d(x, k):
    rows = []
    for top in range(0, x.shape[0], k):
        row = []
        for left in range(0, x.shape[1], k):
            window = [x[top + a][left + b] for a in range(k) for b in range(k)]
            row.append(max(window))
        rows.append(row)
    return rows
'''

STUDENT_KL = '''
def kl_standard_normal(mu, logvar):
    total = 0.0
    for m, lv in zip(mu, logvar):
        var = math.exp(lv)
        total += (var + m * m - 1.0 - math.log(var)) / 2
    return total
'''


@pytest.mark.parametrize("tid,student", [("maxpool2d_code", STUDENT_MAXPOOL), ("kl_standard_normal_code", STUDENT_KL)])
def test_code_questions(tid, student):
    tpl = MINE[tid]
    kind = tpl.kind
    for v in variants(tid, range(5)):
        assert kind.score(run_code(student, kind.function, v.cases), v.answer) == 1
        assert kind_from(v.kind).score(run_code(student, kind.function, v.cases), v.answer) == 1
        bugs = tpl.distractors(v.params)
        assert len(bugs) >= 3
        for name, source in bugs.items():
            assert kind.score(run_code(source, kind.function, v.cases), v.answer) == 0, name
        assert kind.score([None] * len(v.cases), v.answer) == 0


def test_code_question_examples_in_the_text_hold():
    out = run_code(STUDENT_MAXPOOL, "maxpool2d", [(COURSE_POOL, 2)])
    assert out == [[[4, 5], [3, 4]]]
    ref = run_code(MINE["maxpool2d_code"].solution({}), "maxpool2d", [(COURSE_POOL, 2)])
    assert ref == [[[4, 5], [3, 4]]]
    assert run_code(MINE["kl_standard_normal_code"].solution({}), "kl_standard_normal", [([1.0], [0.0])]) == [0.5]


# (4) choices: shuffled options, a key that points at the right text

def _options(text):
    return dict(re.findall(r"^- \*\*([A-H])\.\*\* (.*)$", text, flags=re.M))


CHOICES = sorted(tid for tid, x in MINE.items() if isinstance(x.kind, (Choice, ChoiceSet)))


def test_there_are_choice_questions():
    assert len(CHOICES) >= 3


@pytest.mark.parametrize("tid", CHOICES)
def test_choice_order_and_key(tid):
    tpl = MINE[tid]
    orders = set()
    for v in variants(tid, range(20)):
        options = _options(v.text)
        assert len(options) == len(v.choice_order) >= 4
        right = tpl.answer(v.params)
        right = {str(r) for r in right} if isinstance(tpl.kind, ChoiceSet) else {str(right)}
        assert {options[letter] for letter in v.answer} == right
        wrong = {str(text) for text in tpl.distractors(v.params).values()}
        assert {text for letter, text in options.items() if letter not in v.answer} == wrong
        orders.add(tuple(v.choice_order))
        assert kind_from(v.kind).score(v.answer, v.answer) == 1
    assert len(orders) > 1, f"{tid}: the options come in the same order for every seed"
