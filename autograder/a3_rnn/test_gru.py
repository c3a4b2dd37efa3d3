"""Hidden tests of grade cell `test_gru` (1 point): GRUCell in PyTorch's form, forward and backward.

Oracle: nn.GRUCell in float64 (H = 5 ≥ 4, so the three gate blocks differ in size from the input). The forward
names the paper's form (r applied to h before W_hn), z swapped with 1 − z, b_hn outside r, the other gate orders
and a dropped bias: each is a GRU written in torch (oracle.gru_forms) whose answer is compared with the student's.
"""
import itertools

import numpy as np
import pytest

from autograder import checks
from autograder.a3_rnn.common import ACCUMULATES, check_init, check_unchanged, grads_of, layer
from autograder.a3_rnn.oracle import gru_forms, gru_np, gru_torch, params_for

CELL = "test_gru"
TORCH_FORM = "PyTorch's form: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h"
FORMS = {
    "paper": f"the paper's form W_hn (r ⊙ h): the SPEC asks for {TORCH_FORM}",
    "swap_z": f"z and 1 − z are swapped: {TORCH_FORM}",
    "bias_outside": f"b_hn is added outside r: {TORCH_FORM} (b_hn inside the product with r)",
    "no_b_hh": "b_hh is left out: each gate adds both biases, b_ih and b_hh",
    "h_ignored": "h is ignored: the cell starts from the h given",
}
ORDERS = ["".join(p) for p in itertools.permutations("rzn") if "".join(p) != "rzn"]
BACKWARD_SLIPS = {
    "z_sign": "the update gate's gradient has the wrong sign: ∂h'/∂z = h − n (h' = (1 − z) ⊙ n + z ⊙ h), so "
              "da_z = dh ⊙ (h − n) ⊙ z(1 − z)",
    "r_without_b_hn": "the reset gate's da_r misses b_hn: r multiplies W_hn h + b_hn, so da_r = da_n ⊙ (W_hn h + "
                      "b_hn) ⊙ r(1 − r) (cache W_hn h + b_hn, bias included)",
}
GATES = "W_ih's rows (and b_ih's, W_hh's, b_hh's) are three blocks of H in the order r, z, n (torch.nn.GRUCell)"


def _slips(params, x, h, dh=None):
    """[(form or order, message, result dict)], lazily."""
    out = [((form, "rzn"), message) for form, message in FORMS.items()]
    out += [(("torch", order), f"the gate order is {', '.join(order)}: {GATES}") for order in ORDERS]
    return [(lambda f=f, o=o: gru_forms(params, x, h, dh, f, o), m) for (f, o), m in out]


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_gru_init(student):
    """GRUCell(20, 40, rng): shapes (3H, D), (3H, H), (3H,), (3H,), U(−1/√H, 1/√H), reproducible."""
    check_init(student, "GRUCell", 3, 20, 40, 33001)


@checks.cached
def _case(seed, N, D, H, default_h=False, scale=1.0):
    rng = np.random.default_rng(seed)
    params = params_for(seed + 1, D, H, 3, scale=0.7)
    x = scale * rng.normal(size=(N, D))
    h = None if default_h else rng.normal(size=(N, H))
    dh = rng.normal(size=(N, H))
    return params, x, h, dh, gru_torch(params, x, h, dh)


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_gru_forward_torch_form(student):
    """forward(x, h) vs nn.GRUCell, N = 4, D = 3, H = 5; then inputs of ±several hundred (no overflow)."""
    params, x, h, _, ref = _case(33010, 4, 3, 5)
    cell = layer(student, "GRUCell", 3, 5, params)
    checks.check_array("h' returned by GRUCell.forward(x, h)", cell.forward(x, h), ref["h"],
                       context="N = 4, D = 3, H = 5, vs torch.nn.GRUCell",
                       mistakes=[(lambda c=c: c()["h"], m) for c, m in _slips(params, x, h)])
    params, x, h, _, ref = _case(33020, 2, 3, 4, scale=300.0)
    cell = layer(student, "GRUCell", 3, 4, params)
    out = checks.call_without_fp_warnings("GRUCell.forward with pre-activations of several hundred", cell.forward, x, h)
    checks.check_array("h' returned by GRUCell.forward(x, h)", out, ref["h"], context="inputs of several hundred",
                       nonfinite_hint="σ must be stable: np.exp(-np.logaddexp(0, -a))")


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_gru_forward_default_h(student):
    params, x, h, _, ref = _case(33030, 3, 2, 4, default_h=True)
    cell = layer(student, "GRUCell", 2, 4, params)
    with checks.explained("GRUCell.forward(x) without h starts from zeros (h=None)"):
        out = cell.forward(x)
    checks.check_array("h' returned by GRUCell.forward(x)", out, ref["h"],
                       context="h omitted (zeros), N = 3, D = 2, H = 4",
                       mistakes=[(lambda c=c: c()["h"], m) for c, m in _slips(params, x, None)])


@checks.cached
def _backward_case():
    """An earlier batch (N = 2), then N = 3, D = 4, H = 5, h given; z of that forward for the direct path."""
    rng = np.random.default_rng(33040)
    params = params_for(33041, 4, 5, 3, scale=0.7)
    x0, h0, dh0 = rng.normal(size=(2, 4)), rng.normal(size=(2, 5)), rng.normal(size=(2, 5))
    x, h, dh = rng.normal(size=(3, 4)), rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    return (params, (x0, h0, dh0, gru_torch(params, x0, h0, dh0)), (x, h, dh, gru_torch(params, x, h, dh)),
            gru_forms(params, x, h, dh)["z"])


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_gru_backward(student):
    """After a forward and backward on another batch: forward(x, h), backward(dh) → dx, dh_prev and the four
    parameter gradients vs torch; N = 3, D = 4, H = 5; inside the sandbox, forward and backward leave x, h and dh
    as they were."""
    params, (x0, h0, dh0, earlier), (x, h, dh, ref), z = _backward_case()
    cell = layer(student, "GRUCell", 4, 5, params)
    with checks.explained("a first batch: forward(x of shape (2, 4), h), backward(dh)"):
        cell.forward(x0, h0)
        cell.backward(dh0)
    cell.forward(x, h)
    with checks.explained("GRUCell.backward(dh) returns (dx, dh_prev)"):
        out = checks.check_list("GRUCell.backward(dh)", cell.backward(dh), 2)
    context = "N = 3, D = 4, H = 5, after a forward and backward on another batch"
    slips = _slips(params, x, h, dh) + [(lambda: {**ref, "dh_prev": ref["dh_prev"] - dh * z},
                                         "dh_prev misses the direct path of h' = (1 − z) ⊙ n + z ⊙ h: dh_prev gets "
                                         "dh ⊙ z besides what flows through the gates")]
    slips += [(lambda bug=bug: gru_np(params, x, h, dh, bug), m) for bug, m in BACKWARD_SLIPS.items()]
    checks.check_array("dx returned by GRUCell.backward", out[0], ref["dx"], context=context,
                       mistakes=[(lambda c=c: c()["dx"], m) for c, m in slips], factors=checks.layer_factors(3))
    checks.check_array("dh_prev returned by GRUCell.backward", out[1], ref["dh_prev"], context=context,
                       mistakes=[(lambda c=c: c()["dh_prev"], m) for c, m in slips], factors=checks.layer_factors(3))
    for k, (name, got) in enumerate(zip(("dW_ih", "dW_hh", "db_ih", "db_hh"), grads_of(cell, "GRUCell"))):
        checks.check_array(f"GRUCell.{name} after backward", got, ref["grads"][k], context=context,
                           mistakes=[(lambda c=c, k=k: c()["grads"][k], m) for c, m in slips]
                           + [(ref["grads"][k] + earlier["grads"][k], ACCUMULATES)], factors=checks.layer_factors(3))
    got = student.harness("calls").layer_run("GRUCell", [4, 5], list(params), [("forward", [x, h]),
                                                                              ("backward", [dh])])
    check_unchanged(got["changed"], got["params_changed"])
