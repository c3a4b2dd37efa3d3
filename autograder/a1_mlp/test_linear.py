"""Hidden tests of grade cell `test_linear` (1 point): the Linear layer, PyTorch's layout W: (out, in)."""
import numpy as np
import pytest
import torch

from autograder import checks

CELL = "test_linear"
LAYOUT = "W has PyTorch's layout (out_features, in_features) and forward(x) = x @ W.T + b"


def _layer(student, W, b):
    """A student Linear whose parameters are the grader's (set by assignment)."""
    layer = student.Linear(W.shape[1], W.shape[0], rng=0)
    layer.W = W
    layer.b = b
    return layer


def _after_a_previous_batch(layer):
    """One forward and backward on another batch first: backward must *set* dW and db, not add to
    them (a PyTorch habit), and a single call on a fresh layer would hide that."""
    x0, _, _, g0, _ = _random_case(4199)
    layer.forward(x0)
    layer.backward(g0)
    return x0, g0


ACCUMULATES = "backward must set dW and db (=), not add to them (+=): the previous batch's gradient is still in it"


@checks.cached
def _random_case(seed, n=5, d_in=4, d_out=3):
    """x (n, in), W (out, in), b (out,), g = dL/dy (n, out) and torch's y, dx, dW, db in float64."""
    rng = np.random.default_rng(seed)
    x, W, b, g = (rng.normal(size=s) for s in [(n, d_in), (d_out, d_in), (d_out,), (n, d_out)])
    xt, Wt, bt = checks.torch64(x, W, b, grad=True)
    y = torch.nn.functional.linear(xt, Wt, bt)
    y.backward(checks.torch64(g))
    return x, W, b, g, {"y": checks.numpy64(y), "dx": checks.numpy64(xt.grad),
                        "dW": checks.numpy64(Wt.grad), "db": checks.numpy64(bt.grad)}


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_linear_init_shapes_zero_bias_and_kaiming_variance(student):
    d_in, d_out = 300, 200
    layer = student.Linear(d_in, d_out, rng=3)
    W, b = layer.W, layer.b
    W = checks.as_numeric_array("Linear(300, 200).W", W)
    checks.check_true(W.shape == (d_out, d_in),
                      f"`Linear(300, 200).W` should have shape (200, 300) = (out_features, in_features) "
                      f"but has shape {W.shape}: {LAYOUT}")
    checks.check_array("Linear(300, 200).b", b, np.zeros(d_out), context="the bias starts at zero")
    checks.check_statistic("the variance of Linear(300, 200).W", W.var(), 2 / d_in, rel_tol=0.05,
                           context="Kaiming normal: Var = 2/in_features",
                           mistakes=[(1 / d_in, "the gain 2 is missing (Var = 2/in_features)"),
                                     (2 / d_out, "used out_features instead of in_features"),
                                     (1.0, "W is not scaled (standard normal)")])
    checks.check_true(abs(W.mean()) < 6 * np.sqrt(2 / d_in / W.size),
                      f"the mean of Linear(300, 200).W is {W.mean():.3g}; it should be 0")
    again = checks.as_numeric_array("Linear(300, 200, rng=3).W", student.Linear(d_in, d_out, rng=3).W)
    checks.check_true(np.array_equal(again, W),
                      "Linear(300, 200, rng=3) made different weights on a second call with the same seed: "
                      "use np.random.default_rng(rng) and draw only from it")


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_linear_hand_example_forward_and_backward(student):
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([0.5, -1.0])
    x = np.array([[1.0, 1.0], [2.0, -1.0]])
    expected = np.array([[3.5, 6.0], [0.5, 1.0]])
    ctx = "W = [[1, 2], [3, 4]], b = [0.5, -1], x = [[1, 1], [2, -1]]"
    layer = _layer(student, W, b)
    checks.check_array("Linear.forward(x)", layer.forward(x), expected, show_values=True, context=ctx,
                       mistakes=[(x @ W + b, f"you computed x @ W + b: {LAYOUT}"),
                                 (x @ W.T, "the bias b is missing")])
    g = np.eye(2)  # grad_out = I: dL/dx = W, dW = x, db = [1, 1]
    ctx += ", grad_out = [[1, 0], [0, 1]]"
    checks.check_array("dL/dx returned by Linear.backward", layer.backward(g), W, show_values=True, context=ctx,
                       mistakes=[(W.T, f"dL/dx = grad_out @ W; {LAYOUT}")])
    checks.check_array("Linear.dW", layer.dW, x, show_values=True, context=ctx,
                       mistakes=[(x.T, "dW is transposed: it must have W's shape (out_features, in_features), "
                                       "PyTorch's layout: dW = grad_out.T @ x")])
    checks.check_array("Linear.db", layer.db, np.ones(2), show_values=True, context=ctx)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_linear_forward_matches_torch(student):
    x, W, b, _, ref = _random_case(4101, n=6, d_in=5, d_out=3)
    with checks.explained(LAYOUT):
        y = _layer(student, W, b).forward(x)
    checks.check_array("Linear.forward(x)", y, ref["y"], context="Linear(5, 3), x of shape (6, 5)",
                       mistakes=[(x @ W.T, "the bias b is missing")])


@pytest.mark.grade(cell=CELL, points=0.25)
def test_linear_backward_input_gradient(student):
    x, W, b, g, ref = _random_case(4102)
    layer = _layer(student, W, b)
    layer.forward(x)
    with checks.explained("backward(grad_out) returns dL/dx = grad_out @ W, shape (N, in_features)"):
        dx = layer.backward(g)
    checks.check_array("dL/dx returned by Linear.backward", dx, ref["dx"],
                       context="Linear(4, 3), x of shape (5, 4)", factors=checks.layer_factors(5))


@pytest.mark.grade(cell=CELL, points=0.25)
def test_linear_backward_weight_gradient(student):
    x, W, b, g, ref = _random_case(4103)
    layer = _layer(student, W, b)
    x0, g0 = _after_a_previous_batch(layer)
    layer.forward(x)
    layer.backward(g)
    checks.check_array("Linear.dW", layer.dW, ref["dW"], context="Linear(4, 3), x of shape (5, 4), after another batch",
                       mistakes=[(x.T @ g, "dW is transposed: it must have W's shape (out_features, "
                                           "in_features), PyTorch's layout: dW = grad_out.T @ x"),
                                 (ref["dW"] + g0.T @ x0, ACCUMULATES)],
                       factors=checks.layer_factors(5))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_linear_backward_bias_gradient(student):
    x, W, b, g, ref = _random_case(4104)
    layer = _layer(student, W, b)
    _, g0 = _after_a_previous_batch(layer)
    layer.forward(x)
    layer.backward(g)
    checks.check_array("Linear.db", layer.db, ref["db"], context="Linear(4, 3), x of shape (5, 4), after another batch",
                       mistakes=[(g.mean(axis=0), "db is the sum of grad_out over the batch, not its mean: "
                                                  "layers never divide by N"),
                                 (ref["db"] + g0.sum(axis=0), ACCUMULATES)],
                       factors=checks.layer_factors(5))
