"""Hidden tests of grade cell `test_rnn_step` (1.5 points): rnn_step_forward and rnn_step_backward.

Forward: CS231n's linspace example in PyTorch's layout (W_ih = Wxᵀ, W_hh = Whᵀ, its bias split in two halves
b_ih = b_hh = b/2, so its published next_h holds and a dropped bias shows), and nn.RNNCell in float64 on a square
case (D = H, where the CS231n layout x @ W_ih runs and gives other values). Backward: torch autograd, every
returned gradient, TIGHT, with the slips named (tanh' at the pre-activation or without its square, dW_hh from the
new h, dh_prev through W_hhᵀ, a 1/N).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_rnn.common import check_unchanged
from autograder.a3_rnn.oracle import LAYOUT, params_for, rnn_np, rnn_torch

CELL = "test_rnn_step"
ONE_BIAS = "a bias is left out: the pre-activation adds both b_ih and b_hh (PyTorch has two biases)"
CALL_LAYOUT = f"if you wrote x @ W_ih: {LAYOUT}"


@checks.cached
def _cs231n():
    """CS231n's rnn_step_forward example: N, D, H = 3, 10, 4, linspace inputs; next_h as it publishes it."""
    N, D, H = 3, 10, 4
    x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, D)
    h = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
    b = np.linspace(-0.2, 0.4, num=H)
    expected = np.array([[-0.58172089, -0.50182032, -0.41232771, -0.31410098],
                         [0.66854692, 0.79562378, 0.87755553, 0.92795967],
                         [0.97934501, 0.99144213, 0.99646691, 0.99854353]])
    exact = np.tanh(x @ Wx + h @ Wh + b)
    assert np.allclose(exact, expected, atol=1e-8)
    return x, h, Wx.T.copy(), Wh.T.copy(), b / 2, b / 2, exact


def _forward_slips(x, h, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    slips = [(np.tanh(a - b_hh), ONE_BIAS), (np.tanh(a - b_ih), ONE_BIAS),
             (1 / (1 + np.exp(-a)), "sigmoid used: the vanilla RNN's activation is tanh"),
             (np.maximum(a, 0), "relu used: the vanilla RNN's activation is tanh"),
             (a, "the activation is missing: h = tanh(pre-activation)"),
             (np.tanh(a - h @ W_hh.T), "h_prev is ignored: h = tanh(x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh)")]
    if W_ih.shape[0] == W_ih.shape[1]:
        slips.append((np.tanh(x @ W_ih + h @ W_hh + b_ih + b_hh), f"the weights are used transposed: {LAYOUT}"))
    if W_hh.shape[0] == W_hh.shape[1]:
        slips.append((np.tanh(x @ W_ih.T + h @ W_hh + b_ih + b_hh), f"W_hh is used transposed: {LAYOUT}"))
    return slips


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_rnn_step_forward_cs231n_example(student):
    """CS231n's linspace example, written in PyTorch's layout with b_ih = b_hh = b/2."""
    x, h, W_ih, W_hh, b_ih, b_hh, expected = _cs231n()
    with checks.explained(CALL_LAYOUT):
        out = student.rnn_step_forward(x, h, W_ih, W_hh, b_ih, b_hh)
    out = checks.check_list("rnn_step_forward(...)", out, 2)[0]
    checks.check_array("h returned by rnn_step_forward", out, expected, show_values=True,
                       context="CS231n's example: x, h_prev, Wx, Wh, b from np.linspace, here W_ih = Wxᵀ (4, 10), "
                               "W_hh = Whᵀ, b_ih = b_hh = b/2", mistakes=_forward_slips(x, h, W_ih, W_hh, b_ih, b_hh))


@checks.cached
def _square_case():
    """N = 3, D = H = 5 (square: the CS231n layout runs too), vs nn.RNNCell."""
    rng = np.random.default_rng(30101)
    params = params_for(30102, 5, 5, 1, scale=0.6)
    x, h = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    return params, x, h, rnn_torch(params, x[:, None], h)["hs"][:, 0]


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_rnn_step_forward_matches_torch(student):
    (W_ih, W_hh, b_ih, b_hh), x, h, expected = _square_case()
    out = checks.check_list("rnn_step_forward(...)", student.rnn_step_forward(x, h, W_ih, W_hh, b_ih, b_hh), 2)[0]
    checks.check_array("h returned by rnn_step_forward", out, expected, context="N = 3, D = H = 5, vs nn.RNNCell",
                       mistakes=_forward_slips(x, h, W_ih, W_hh, b_ih, b_hh))


@checks.cached
def _backward_case(seed, N, D, H):
    rng = np.random.default_rng(seed)
    params = params_for(seed + 1, D, H, 1, scale=0.7)
    x, h, dh = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    o = rnn_torch(params, x[:, None], h, dh[:, None])
    return params, x, h, dh, {"dx": o["dx"][:, 0], "dh_prev": o["dh0"], "grads": o["grads"]}


BACKWARD_SLIPS = {
    "tanh_pre": "tanh' is evaluated at the pre-activation a (1 − a²): it is 1 − tanh²(a) = 1 − h², written with the "
                "output h",
    "tanh_no_square": "tanh' is written 1 − h (the square is missing): it is 1 − h² = 1 − tanh²",
    "whh_from_h": "dW_hh is built from the new h: it is daᵀ h_prev, the previous hidden state h_{t-1}",
    "whh_T": "dh_prev goes back through W_hhᵀ: dh_prev = da W_hh (PyTorch's layout, W_hh (H, H) maps h_prev to the "
             "pre-activation as h_prev W_hhᵀ)",
}


def _slip(params, x, h, dh, bug):
    """(dx, dh_prev, [grads]) of one step under a slip."""
    _, dx, dh0, grads = rnn_np(params, x[:, None], h, dh[:, None], bug)
    return dx[:, 0], dh0, grads


def _student_backward(student, params, x, h, dh):
    with checks.explained(CALL_LAYOUT):
        _, cache = checks.check_list("rnn_step_forward(...)", student.rnn_step_forward(x, h, *params), 2)
    with checks.explained("rnn_step_backward(dh, cache) returns (dx, dh_prev, dW_ih, dW_hh, db_ih, db_hh)"):
        return checks.check_list("rnn_step_backward(dh, cache)", student.rnn_step_backward(dh, cache), 6)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_rnn_step_backward_input_gradients(student):
    """dx and dh_prev vs torch; N = 4, D = 3, H = 5; inside the sandbox, forward and backward leave their
    arguments (dh too) as they were."""
    params, x, h, dh, ref = _backward_case(30110, 4, 3, 5)
    got = _student_backward(student, params, x, h, dh)
    slips = {bug: _slip(params, x, h, dh, bug) for bug in BACKWARD_SLIPS}
    context = "rnn_step_backward after rnn_step_forward, N = 4, D = 3, H = 5"
    checks.check_array("dx returned by rnn_step_backward", got[0], ref["dx"], context=context,
                       mistakes=[(s[0], BACKWARD_SLIPS[b]) for b, s in slips.items()],
                       factors=checks.layer_factors(4))
    checks.check_array("dh_prev returned by rnn_step_backward", got[1], ref["dh_prev"], context=context,
                       mistakes=[(s[1], BACKWARD_SLIPS[b]) for b, s in slips.items()],
                       factors=checks.layer_factors(4))
    # inside the sandbox, where an argument changed in place shows (outside, every array is a copy)
    check_unchanged(student.harness("calls").step_run(x, h, list(params), dh)["changed"])


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_rnn_step_backward_parameter_gradients(student):
    """dW_ih, dW_hh, db_ih, db_hh vs torch; N = 5, D = 4, H = 6 (no square matrix but W_hh)."""
    params, x, h, dh, ref = _backward_case(30120, 5, 4, 6)
    got = _student_backward(student, params, x, h, dh)
    slips = {bug: _slip(params, x, h, dh, bug) for bug in BACKWARD_SLIPS}
    context = "rnn_step_backward after rnn_step_forward, N = 5, D = 4, H = 6"
    for k, name in enumerate(("dW_ih", "dW_hh", "db_ih", "db_hh")):
        mistakes = [(s[2][k], BACKWARD_SLIPS[b]) for b, s in slips.items()]
        if k < 2:
            mistakes.append((ref["grads"][k].T, f"{name} is transposed: it has its parameter's shape, {LAYOUT}"))
        checks.check_array(f"{name} returned by rnn_step_backward", got[2 + k], ref["grads"][k], context=context,
                           mistakes=mistakes, factors=checks.layer_factors(5))
