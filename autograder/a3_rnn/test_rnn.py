"""Hidden tests of grade cell `test_rnn` (2.25 points): the RNN layer, forward and backpropagation through time.

Oracle: nn.RNNCell over t in float64 with the grader's weights, autograd for L = Σ dhs ⊙ hs. Shapes keep
D ≠ H and N ≠ T (a transpose or a time-major loop shows), h0 is given and defaulted, a sequence of length 1 and an
upstream on the last step only are visited, and BPTT runs after another batch of another size (backward sets,
never accumulates, and uses the latest forward). The slips of oracle.rnn_np are named when an answer matches them.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_rnn.common import ACCUMULATES, STALE, check_init, check_unchanged, grads_of, layer
from autograder.a3_rnn.oracle import params_for, rnn_np, rnn_torch

CELL = "test_rnn"
FORWARD_SLIPS = {
    "h0_ignored": "h0 is ignored: the first step starts from the h0 given (zeros only when h0 is None)",
    "no_b_hh": "b_hh is left out: the pre-activation adds both biases, b_ih and b_hh",
    "no_b_ih": "b_ih is left out: the pre-activation adds both biases, b_ih and b_hh",
}
BPTT_SLIPS = {
    "no_carry": "BPTT drops the gradient coming back from step t+1: step t receives dhs[:, t] + dh_next, where "
                "dh_next is the dh_prev that step t+1's backward returned",
    "last_only": "only the last step's upstream dhs[:, -1] is used: dhs holds ∂L/∂hₜ for every step, and step t "
                 "receives dhs[:, t] + the gradient from step t+1",
    "whh_from_h": "dW_hh is built from hₜ: it is Σₜ daₜᵀ hₜ₋₁, the previous hidden state (h0 at the first step)",
    "tanh_pre": "tanh' is evaluated at the pre-activation a (1 − a²): it is 1 − hₜ², written with the output",
    "tanh_no_square": "tanh' is written 1 − hₜ (the square is missing): it is 1 − hₜ²",
    "whh_T": "the gradient goes back to hₜ₋₁ through W_hhᵀ: dhₜ₋₁ = da W_hh (PyTorch's layout)",
    "carry_before": "dh0 is the gradient reaching h₁, not h0: return dh_prev of the first step's backward, "
                    "da₁ W_hh",
    "alias": "every step's cache holds the same h array (h[:] = ... or h += ... writes into the one array every "
             "cache refers to, so they all end as h_T): make a new array each step, h = np.tanh(...)",
}
TIME_FACTORS = lambda N, T: {**checks.layer_factors(N),  # noqa: E731
                             1 / T: f"the gradient is averaged over the T = {T} steps: BPTT sums over time"}


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_rnn_init(student):
    """RNN(50, 100, rng): shapes, U(−1/√H, 1/√H) (all four), reproducible, seed or Generator or None."""
    check_init(student, "RNN", 1, 50, 100, 31001)


@checks.cached
def _forward_case():
    """N = 3, T = 5, D = 4, H = 6, h0 given."""
    rng = np.random.default_rng(31010)
    params = params_for(31011, 4, 6, 1, scale=0.5)
    x, h0 = rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 6))
    return params, x, h0, rnn_torch(params, x, h0)["hs"]


def _shape_hint(hs, N, T, H):
    shape = np.shape(hs)
    if shape == (N, H):
        return "forward returns every step's h, hs of shape (N, T, H), not only the last one"
    if shape == (N, T + 1, H):
        return "hs holds h₁ … h_T, not h0: shape (N, T, H)"
    if shape == (T, N, H):
        return "batch first: hs has shape (N, T, H), x (N, T, D)"
    return ""


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_rnn_forward_with_h0(student):
    """forward(x, h0) vs nn.RNNCell over t; N = 3, T = 5, D = 4, H = 6."""
    params, x, h0, expected = _forward_case()
    rnn = layer(student, "RNN", 4, 6, params)
    hs = rnn.forward(x, h0)
    hint = _shape_hint(hs, 3, 5, 6)
    checks.check_true(not hint or np.shape(hs) == expected.shape, f"`RNN.forward(x, h0)` returned shape "
                                                                  f"{np.shape(hs)}: {hint}")
    checks.check_array("hs returned by RNN.forward(x, h0)", hs, expected, context="N = 3, T = 5, D = 4, H = 6",
                       mistakes=[(lambda bug=bug: rnn_np(params, x, h0, bug=bug)[0], message)
                                 for bug, message in FORWARD_SLIPS.items()])


@checks.cached
def _default_case():
    """h0 omitted: N = 4, T = 3, D = 3, H = 5; and a sequence of length 1, N = 2."""
    rng = np.random.default_rng(31020)
    params = params_for(31021, 3, 5, 1, scale=0.6)
    x, x1, dhs1 = rng.normal(size=(4, 3, 3)), rng.normal(size=(2, 1, 3)), rng.normal(size=(2, 1, 5))
    return params, x, x1, dhs1, rnn_torch(params, x)["hs"], rnn_torch(params, x1, None, dhs1)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_rnn_forward_default_h0_and_length_one(student):
    """forward(x) without h0; then a sequence of length 1, forward and backward."""
    params, x, x1, dhs1, expected, ref1 = _default_case()
    rnn = layer(student, "RNN", 3, 5, params)
    with checks.explained("forward(x) without h0 starts from zeros (h0=None)"):
        hs = rnn.forward(x)
    time_major = lambda: np.swapaxes(rnn_np(params, np.swapaxes(x, 0, 1))[0], 0, 1)  # noqa: E731
    checks.check_array("hs returned by RNN.forward(x)", hs, expected, context="h0 omitted (zeros), N = 4, T = 3",
                       mistakes=[(time_major, "the loop runs over axis 0: x is batch first, (N, T, D), so step t "
                                              "reads x[:, t]")])
    with checks.explained("a sequence of length T = 1"):
        hs1 = rnn.forward(x1)
        checks.check_array("hs returned by RNN.forward(x)", hs1, ref1["hs"],
                           context="a sequence of length 1: x (2, 1, 3)")
        out = checks.check_list("RNN.backward(dhs)", rnn.backward(dhs1), 2)
    _bptt_checks(out[0], out[1], grads_of(rnn, "RNN"), params, x1, None, dhs1, ref1,
                 "a sequence of length 1: x (2, 1, 3), h0 omitted, backward(dhs of shape (2, 1, 5))")


@checks.cached
def _bptt_case():
    """An earlier batch (N = 2, T = 4), then N = 3, T = 6, D = 4, H = 5, h0 given, an upstream on every step."""
    rng = np.random.default_rng(31030)
    params = params_for(31031, 4, 5, 1, scale=0.6)
    x0, dhs0 = rng.normal(size=(2, 4, 4)), rng.normal(size=(2, 4, 5))
    x, h0, dhs = rng.normal(size=(3, 6, 4)), rng.normal(size=(3, 5)), rng.normal(size=(3, 6, 5))
    return params, (x0, dhs0, rnn_torch(params, x0, None, dhs0)), (x, h0, dhs, rnn_torch(params, x, h0, dhs))


def _bptt_checks(got_dx, got_dh0, got_grads, params, x, h0, dhs, ref, context, earlier=None):
    N, T, _ = x.shape
    slips = {bug: (lambda bug=bug: rnn_np(params, x, h0, dhs, bug)) for bug in BPTT_SLIPS}
    pick = lambda bug, k: (lambda: slips[bug]()[k])  # noqa: E731
    checks.check_array("dx returned by RNN.backward", got_dx, ref["dx"], context=context,
                       mistakes=[(pick(b, 1), m) for b, m in BPTT_SLIPS.items()], factors=checks.layer_factors(N))
    checks.check_array("dh0 returned by RNN.backward", got_dh0, ref["dh0"], context=context,
                       mistakes=[(pick(b, 2), m) for b, m in BPTT_SLIPS.items()], factors=checks.layer_factors(N))
    for k, name in enumerate(("dW_ih", "dW_hh", "db_ih", "db_hh")):
        mistakes = [(lambda b=b, k=k: slips[b]()[3][k], m) for b, m in BPTT_SLIPS.items()]
        if earlier is not None:
            mistakes.append((ref["grads"][k] + earlier["grads"][k], ACCUMULATES))
        checks.check_array(f"RNN.{name} after backward", got_grads[k], ref["grads"][k], context=context,
                           mistakes=mistakes, factors=TIME_FACTORS(N, T))


@pytest.mark.grade(cell=CELL, points=0.75)
@checks.most_specific()
def test_rnn_bptt_every_gradient(student):
    """forward + backward on an earlier batch, then forward(x, h0) and backward(dhs): dx, dh0 and the four parameter
    gradients vs torch."""
    params, (x0, dhs0, earlier), (x, h0, dhs, ref) = _bptt_case()
    rnn = layer(student, "RNN", 4, 5, params)
    with checks.explained("a first batch: forward(x of shape (2, 4, 4)), backward(dhs of shape (2, 4, 5))"):
        rnn.forward(x0)
        rnn.backward(dhs0)
    with checks.explained(f"a second batch of another size after the first (N = 3, T = 6): {STALE}"):
        rnn.forward(x, h0)
        out = checks.check_list("RNN.backward(dhs)", rnn.backward(dhs), 2)
    _bptt_checks(out[0], out[1], grads_of(rnn, "RNN"), params, x, h0, dhs, ref,
                 "N = 3, T = 6, D = 4, H = 5, h0 given, dhs on every step, after an earlier batch", earlier)


@checks.cached
def _last_step_case():
    """N = 1, T = 7, D = 3, H = 4, h0 omitted, dhs zero but at the last step (a loss on h_T only)."""
    rng = np.random.default_rng(31040)
    params = params_for(31041, 3, 4, 1, scale=0.8)
    x = rng.normal(size=(1, 7, 3))
    dhs = np.zeros((1, 7, 4))
    dhs[:, -1] = rng.normal(size=(1, 4))
    return params, x, dhs, rnn_torch(params, x, None, dhs)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_rnn_bptt_from_the_last_step_only(student):
    """A loss on the last hidden state only: the gradient must reach every step and h0. Run inside the sandbox,
    where an argument changed in place shows: forward and backward leave x and dhs as they were."""
    params, x, dhs, ref = _last_step_case()
    got = student.harness("calls").layer_run("RNN", [3, 4], list(params), [("forward", [x, None]),
                                                                          ("backward", [dhs])])
    out = checks.check_list("RNN.backward(dhs)", got["results"][1], 2)
    _bptt_checks(out[0], out[1], got["grads"], params, x, None, dhs, ref,
                 "N = 1, T = 7, D = 3, H = 4, h0=None (zeros), dhs zero except at the last step")
    check_unchanged(got["changed"], got["params_changed"])
