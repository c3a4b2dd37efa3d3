"""Hidden tests of grade cell `test_lstm` (2.5 points): the LSTM layer in PyTorch's form, forward and BPTT.

Oracle: nn.LSTMCell over t in float64 with the grader's weights; autograd for L = Σ dhs ⊙ hs + Σ dcs ⊙ cs, so
every gradient (dx, dh0, dc0 and the four parameters) is checked, not only one weight after ``output.sum()``.
The forward names each of the 23 other gate orders (the answer of code that reads the blocks of W in that order),
and the slips of oracle.lstm_np: the forget gate missing on the cell's way back, the tanh(c) path missing, the
carries from step t+1 dropped, σ' or tanh' written wrong, dcs ignored or added one step late. h0 and c0 are
given, defaulted, and each given alone; pre-activations of ±1000 must not overflow.
"""
import itertools

import numpy as np
import pytest

from autograder import checks
from autograder.a3_rnn.common import ACCUMULATES, STALE, check_init, check_unchanged, grads_of, layer
from autograder.a3_rnn.oracle import ORDER, lstm_np, lstm_torch, params_for

CELL = "test_lstm"
GATES = "W_ih's rows (and b_ih's, W_hh's, b_hh's) are four blocks of H in the order i, f, g, o (torch.nn.LSTM)"
ORDERS = ["".join(p) for p in itertools.permutations(ORDER) if "".join(p) != ORDER]
FORWARD_SLIPS = {
    "no_b_hh": "b_hh is left out: the pre-activation adds both biases, b_ih and b_hh",
    "h_no_tanh": "hₜ = o ⊙ cₜ: it is o ⊙ tanh(cₜ)",
    "h0_ignored": "h0 is ignored: the first step starts from the h0 given",
    "c0_ignored": "c0 is ignored: the first step starts from the c0 given",
}
BPTT_SLIPS = {
    "no_f_path": "the cell's gradient goes back to cₜ₋₁ without the forget gate: dcₜ₋₁ = dcₜ ⊙ f "
                 "(cₜ = f ⊙ cₜ₋₁ + i ⊙ g)",
    "no_tanh_path": "dcₜ misses the path through hₜ = o ⊙ tanh(cₜ): dcₜ += dhₜ ⊙ o ⊙ (1 − tanh²(cₜ))",
    "no_c_carry": "BPTT drops the cell's gradient coming back from step t+1: dcₜ = dcs[:, t] + dcₜ₊₁ ⊙ f + "
                  "dhₜ ⊙ o ⊙ (1 − tanh²(cₜ))",
    "no_h_carry": "BPTT drops the hidden state's gradient coming back from step t+1: step t receives dhs[:, t] + "
                  "dh_next",
    "tanh_c_raw": "the derivative of tanh(cₜ) is written 1 − cₜ²: it is 1 − tanh²(cₜ)",
    "sigmoid_prime_out": "σ' is written σ: it is σ(1 − σ)",
    "cache_after": "each step is cached after hₜ and cₜ are updated, so backward uses hₜ, cₜ where it needs the "
                   "previous state hₜ₋₁, cₜ₋₁ (dW_hh = daᵀ hₜ₋₁, da_f = dc ⊙ cₜ₋₁ ⊙ f(1 − f)): cache before the update",
    "o_from_dc": "the output gate's da_o is taken from the cell's total dc: it is da_o = dhₜ ⊙ tanh(cₜ) ⊙ o(1 − o), "
                 "from dh only (hₜ = o ⊙ tanh(cₜ))",
}
CELL_SLIPS = {
    "dcs_ignored": "dcs is ignored: step t's cell receives dcs[:, t] (∂L/∂cₜ) plus what flows back from step t+1",
    "dcs_after_f": "dcs[:, t] is added after the forget gate: it is ∂L/∂cₜ, added to dcₜ before dcₜ₋₁ = dcₜ ⊙ f",
}


def _time_factors(N, T):
    return {**checks.layer_factors(N), 1 / T: f"the gradient is averaged over the T = {T} steps: BPTT sums over time"}


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_lstm_init(student):
    """LSTM(20, 40, rng): shapes (4H, D), (4H, H), (4H,), (4H,), U(−1/√H, 1/√H), reproducible."""
    check_init(student, "LSTM", 4, 20, 40, 32001)


@checks.cached
def _forward_case():
    """N = 3, T = 4, D = 5, H = 3, h0 and c0 given."""
    rng = np.random.default_rng(32010)
    params = params_for(32011, 5, 3, 4, scale=0.8)
    x, h0, c0 = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    return params, x, h0, c0, lstm_torch(params, x, h0, c0)


def _forward_mistakes(params, x, h0, c0, k):
    out = [(lambda o=o: lstm_np(params, x, h0, c0, order=o)[k],
            f"the gate order is {', '.join(o)}: {GATES}") for o in ORDERS]
    out += [(lambda bug=bug: lstm_np(params, x, h0, c0, bug=bug)[k], m) for bug, m in FORWARD_SLIPS.items()]
    return out


def _pair(student_out, label):
    pair = checks.check_list(label, student_out, 2)
    return pair[0], pair[1]


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_lstm_forward_h_and_c(student):
    """forward(x, h0, c0) → (hs, cs) vs nn.LSTMCell; N = 3, T = 4, D = 5, H = 3."""
    params, x, h0, c0, ref = _forward_case()
    lstm = layer(student, "LSTM", 5, 3, params)
    with checks.explained("LSTM.forward(x, h0, c0) returns (hs, cs)"):
        hs, cs = _pair(lstm.forward(x, h0, c0), "LSTM.forward(x, h0, c0)")
    context = "N = 3, T = 4, D = 5, H = 3, h0 and c0 given"
    checks.check_array("cs returned by LSTM.forward", cs, ref["cs"], context=context,
                       mistakes=_forward_mistakes(params, x, h0, c0, 1))
    checks.check_array("hs returned by LSTM.forward", hs, ref["hs"], context=context,
                       mistakes=_forward_mistakes(params, x, h0, c0, 0))


@checks.cached
def _large_case():
    """Pre-activations of several hundred: σ and tanh saturate; a naive 1/(1 + e⁻ᵃ) overflows."""
    rng = np.random.default_rng(32020)
    params = params_for(32021, 3, 2, 4, scale=1.0)
    x = rng.choice([-1.0, 1.0], size=(2, 3, 3)) * rng.uniform(300, 600, size=(2, 3, 3))
    return params, x, lstm_torch(params, x)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_lstm_forward_is_stable(student):
    params, x, ref = _large_case()
    lstm = layer(student, "LSTM", 3, 2, params)
    hs, cs = _pair(checks.call_without_fp_warnings("LSTM.forward with pre-activations of several hundred",
                                                   lstm.forward, x), "LSTM.forward(x)")
    hint = "a stable σ: np.exp(-np.logaddexp(0, -a)), or 1/(1 + e⁻ᵃ) for a ≥ 0 and eᵃ/(1 + eᵃ) for a < 0"
    checks.check_array("hs returned by LSTM.forward", hs, ref["hs"], nonfinite_hint=hint,
                       context="inputs of ±300 to ±600: σ must not overflow")
    checks.check_array("cs returned by LSTM.forward", cs, ref["cs"], nonfinite_hint=hint,
                       context="inputs of ±300 to ±600: σ must not overflow")


@checks.cached
def _defaults_case():
    """Each of h0, c0 alone and neither; N = 2, T = 3, D = 3, H = 4; and a sequence of length 1."""
    rng = np.random.default_rng(32030)
    params = params_for(32031, 3, 4, 4, scale=0.7)
    x, h0, c0 = rng.normal(size=(2, 3, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    x1, dhs1 = rng.normal(size=(4, 1, 3)), rng.normal(size=(4, 1, 4))
    cases = {"neither": (None, None), "h0 only": (h0, None), "c0 only": (None, c0)}
    return (params, x, x1, dhs1, cases, {k: lstm_torch(params, x, *v) for k, v in cases.items()},
            lstm_torch(params, x1, dhs=dhs1))


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_lstm_forward_defaults(student):
    """forward(x), forward(x, h0) (c0 defaulted), forward(x, c0=c0) (h0 defaulted), and a length-1 sequence,
    forward and backward."""
    params, x, x1, dhs1, cases, refs, ref1 = _defaults_case()
    lstm = layer(student, "LSTM", 3, 4, params)
    for name, (h0, c0) in cases.items():
        call = {"neither": "forward(x)", "h0 only": "forward(x, h0)", "c0 only": "forward(x, c0=c0)"}[name]
        kwargs = {} if c0 is None else {"c0": c0}
        args = (x,) if h0 is None else (x, h0)
        with checks.explained(f"LSTM.{call}: an omitted h0 or c0 is zeros"):
            hs, cs = _pair(lstm.forward(*args, **kwargs), f"LSTM.{call}")
        context = f"LSTM.{call}, N = 2, T = 3, D = 3, H = 4"
        for label, got, k in (("cs", cs, 1), ("hs", hs, 0)):
            checks.check_array(f"{label} returned by LSTM.{call}", got, refs[name][label], context=context,
                               mistakes=[(lambda bug=bug, k=k, h0=h0, c0=c0: lstm_np(params, x, h0, c0, bug=bug)[k],
                                          FORWARD_SLIPS[bug]) for bug in ("h0_ignored", "c0_ignored")])
    with checks.explained("a sequence of length T = 1"):
        hs, cs = _pair(lstm.forward(x1), "LSTM.forward(x)")
    checks.check_array("hs returned by LSTM.forward(x)", hs, ref1["hs"], context="a sequence of length 1: x (4, 1, 3)")
    checks.check_array("cs returned by LSTM.forward(x)", cs, ref1["cs"], context="a sequence of length 1: x (4, 1, 3)")
    with checks.explained("a sequence of length T = 1"):
        out = lstm.backward(dhs1)
    _bptt_checks(out, grads_of(lstm, "LSTM"), params, x1, None, None, dhs1, None, ref1,
                 "a sequence of length 1: x (4, 1, 3), h0 and c0 omitted, backward(dhs of shape (4, 1, 4))", BPTT_SLIPS)


def _bptt_checks(out, grads, params, x, h0, c0, dhs, dcs, ref, context, slips, earlier=None):
    N, T, _ = x.shape
    out = checks.check_list("LSTM.backward(...)", out, 3)
    simulated = {bug: (lambda bug=bug: lstm_np(params, x, h0, c0, dhs, dcs, bug=bug)) for bug in slips}
    for k, name in ((0, "dx"), (1, "dh0"), (2, "dc0")):
        checks.check_array(f"{name} returned by LSTM.backward", out[k], ref[name], context=context,
                           mistakes=[(lambda b=b, k=k: simulated[b]()[2 + k], m) for b, m in slips.items()],
                           factors=checks.layer_factors(N))
    for k, name in enumerate(("dW_ih", "dW_hh", "db_ih", "db_hh")):
        mistakes = [(lambda b=b, k=k: simulated[b]()[5][k], m) for b, m in slips.items()]
        if earlier is not None:
            mistakes.append((ref["grads"][k] + earlier["grads"][k], ACCUMULATES))
        checks.check_array(f"LSTM.{name} after backward", grads[k], ref["grads"][k], context=context,
                           mistakes=mistakes, factors=_time_factors(N, T))


@checks.cached
def _bptt_case():
    """An earlier batch (N = 2, T = 2), then N = 3, T = 5, D = 4, H = 3, h0 and c0 given, dhs on every step."""
    rng = np.random.default_rng(32040)
    params = params_for(32041, 4, 3, 4, scale=0.8)
    x0, dhs0 = rng.normal(size=(2, 2, 4)), rng.normal(size=(2, 2, 3))
    x, h0, c0, dhs = (rng.normal(size=s) for s in ((3, 5, 4), (3, 3), (3, 3), (3, 5, 3)))
    return params, (x0, dhs0, lstm_torch(params, x0, dhs=dhs0)), (x, h0, c0, dhs, lstm_torch(params, x, h0, c0, dhs))


@pytest.mark.grade(cell=CELL, points=0.75)
@checks.most_specific()
def test_lstm_bptt_every_gradient(student):
    """After an earlier batch: forward(x, h0, c0), backward(dhs) (dcs omitted): dx, dh0, dc0, and all four
    parameter gradients vs torch."""
    params, (x0, dhs0, earlier), (x, h0, c0, dhs, ref) = _bptt_case()
    lstm = layer(student, "LSTM", 4, 3, params)
    with checks.explained("a first batch: forward(x of shape (2, 2, 4)), backward(dhs of shape (2, 2, 3))"):
        lstm.forward(x0)
        lstm.backward(dhs0)
    with checks.explained(f"a second batch of another size after the first (N = 3, T = 5): {STALE}"):
        lstm.forward(x, h0, c0)
        out = lstm.backward(dhs)
    _bptt_checks(out, grads_of(lstm, "LSTM"), params, x, h0, c0, dhs, None, ref,
                 "N = 3, T = 5, D = 4, H = 3, h0 and c0 given, dhs on every step, dcs omitted, after an earlier batch",
                 BPTT_SLIPS, earlier)


@checks.cached
def _cell_case():
    """N = 2, T = 4, D = 3, H = 4: dhs and dcs on every step, h0 and c0 given."""
    rng = np.random.default_rng(32050)
    params = params_for(32051, 3, 4, 4, scale=0.8)
    x, h0, c0, dhs, dcs = (rng.normal(size=s) for s in ((2, 4, 3), (2, 4), (2, 4), (2, 4, 4), (2, 4, 4)))
    return params, x, h0, c0, dhs, dcs, lstm_torch(params, x, h0, c0, dhs, dcs)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_lstm_bptt_with_cell_upstream(student):
    """backward(dhs, dcs): an upstream on the cell states too (a loss that reads cs); inside the sandbox, forward
    and backward leave x, h0, c0, dhs and dcs as they were."""
    params, x, h0, c0, dhs, dcs, ref = _cell_case()
    lstm = layer(student, "LSTM", 3, 4, params)
    lstm.forward(x, h0, c0)
    with checks.explained("LSTM.backward(dhs, dcs) takes ∂L/∂cₜ for every t as its second argument"):
        out = lstm.backward(dhs, dcs)
    _bptt_checks(out, grads_of(lstm, "LSTM"), params, x, h0, c0, dhs, dcs, ref,
                 "N = 2, T = 4, D = 3, H = 4, h0 and c0 given, dhs and dcs on every step", {**CELL_SLIPS, **BPTT_SLIPS})
    got = student.harness("calls").layer_run("LSTM", [3, 4], list(params), [("forward", [x, h0, c0]),
                                                                           ("backward", [dhs, dcs])])
    check_unchanged(got["changed"], got["params_changed"])


@checks.cached
def _last_step_case():
    """N = 1, T = 6, D = 2, H = 3, h0 and c0 omitted, dhs zero but at the last step."""
    rng = np.random.default_rng(32060)
    params = params_for(32061, 2, 3, 4, scale=0.9)
    x = rng.normal(size=(1, 6, 2))
    dhs = np.zeros((1, 6, 3))
    dhs[:, -1] = rng.normal(size=(1, 3))
    return params, x, dhs, lstm_torch(params, x, dhs=dhs)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_lstm_bptt_from_the_last_step_only(student):
    """A loss on h_T only, h0 and c0 defaulted; inside the sandbox: x and dhs stay as they were."""
    params, x, dhs, ref = _last_step_case()
    got = student.harness("calls").layer_run("LSTM", [2, 3], list(params), [("forward", [x]), ("backward", [dhs])])
    _bptt_checks(got["results"][1], got["grads"], params, x, None, None, dhs, None, ref,
                 "N = 1, T = 6, D = 2, H = 3, h0 and c0 omitted, dhs zero except at the last step", BPTT_SLIPS)
    check_unchanged(got["changed"], got["params_changed"])
