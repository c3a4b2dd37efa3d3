"""Hidden tests of grade cell `test_unary` (0.75 points): exp, log, tanh, sigmoid, relu and −a.

Inputs are off the kinks (|x| ≥ 0.1, so relu'(0) never matters), log's inputs are in [0.5, 3],
and each expression has its own leaf and a random upstream gradient. sigmoid is also checked at
±1000, where the SPEC asks for no overflow (no RuntimeWarning).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards, check_grad, check_value, run_program

CELL = "test_unary"
SHAPE = (4, 3)


@checks.cached
def _case(seed, ops):
    """One leaf per op in ``ops`` (each a tuple of methods applied in turn), backward with a random g."""
    rng = np.random.default_rng(seed)
    p = Program()
    for k, chain in enumerate(ops):
        x = rng.uniform(0.5, 3.0, size=SHAPE) if chain[0] == "log" else checks.off_kinks(rng, SHAPE, 0.1, 2.5)
        t = p.leaf(f"x{k}", x)
        for j, op in enumerate(chain):
            t = p(f"y{k}" if j == len(chain) - 1 else f"t{k}_{j}", op, t)
        p.backward(t, rng.normal(size=SHAPE))
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_exp_and_log(student):
    check_backwards(student, _case(3001, (("exp",), ("log",), ("exp", "log"))))


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_tanh_and_sigmoid(student):
    check_backwards(student, _case(3002, (("tanh",), ("sigmoid",), ("tanh", "sigmoid"))))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_relu_and_neg(student):
    check_backwards(student, _case(3003, (("relu",), ("neg",), ("neg", "relu"), ("relu", "neg"))))


@checks.cached
def _extreme_sigmoid_case():
    p = Program()
    x = p.leaf("x", np.array([[-1000.0, -40.0, 0.5], [40.0, 1000.0, -0.5]]))
    p.backward(p("y", "sigmoid", x), np.array([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]))
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_composed_unary_and_extreme_sigmoid(student):
    """tanh(x).exp(), (−x).sigmoid().log(), x.relu().tanh(); and sigmoid at ±1000 without a RuntimeWarning."""
    check_backwards(student, _case(3004, (("tanh", "exp"), ("neg", "sigmoid", "log"), ("relu", "tanh"))))
    p = _extreme_sigmoid_case()
    got = checks.call_without_fp_warnings("sigmoid at ±1000 (and its backward)", run_program, student, p)
    context = "x = [[-1000, -40, 0.5], [40, 1000, -0.5]]; y = x.sigmoid(); y.backward(g)"
    check_value(got, p, "y", context=context)
    check_grad(got, p, "x", context=context)
