"""Hidden tests of grade cell `test_mlp` (1 point): the MLP vs torch, and two small training runs."""
import numpy as np
import pytest
import torch

from autograder import checks

CELL = "test_mlp"
SIZES = [5, 7, 6, 3]  # two hidden layers
SHAPES = [(7, 5), (7,), (6, 7), (6,), (3, 6), (3,)]
ORDER = "[W1, b1, W2, b2, W3, b3] with W of shape (out, in)"
TORCH_ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}
NUMPY_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
NUMPY_DERIVATIVES = {"tanh": lambda z: 1 - np.tanh(z) ** 2, "relu": lambda z: (z > 0) * 1.0,
                     "sigmoid": lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2}


@checks.cached
def _params(seed, sizes=SIZES):
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        out += [rng.normal(0, 1 / np.sqrt(n_in), size=(n_out, n_in)), rng.normal(0, 0.5, size=n_out)]
    return out


def _model(student, params, activation):
    model = student.MLP(SIZES, activation=activation, rng=0)
    model.set_parameters([p.copy() for p in params])
    return model


def _torch_mlp(params, x, activation, g=None):
    """Logits (and, given g = dL/dlogits, dL/dx and dL/dθ in the order of params) from torch in float64."""
    ts = checks.torch64(*params, grad=True)
    xt = checks.torch64(x, grad=True)
    h = xt
    for k in range(0, len(ts), 2):
        h = torch.nn.functional.linear(h, ts[k], ts[k + 1])
        if k + 2 < len(ts):
            h = TORCH_ACTIVATIONS[activation](h)
    if g is None:
        return checks.numpy64(h)
    h.backward(checks.torch64(g))
    return checks.numpy64(h), checks.numpy64(xt.grad), [checks.numpy64(t.grad) for t in ts]


def _numpy_forward(params, x, activation, last_activation=False):
    """Grader-side forward; ``last_activation`` simulates the bug of an activation after the last layer."""
    f = NUMPY_ACTIVATIONS[activation]
    h = x
    for k in range(0, len(params), 2):
        h = h @ params[k].T + params[k + 1]
        if k + 2 < len(params) or last_activation:
            h = f(h)
    return h


def _numpy_backward_wrong_point(params, x, activation, g):
    """Gradients when f' is evaluated at the activation h = f(z) instead of the pre-activation z."""
    f, df = NUMPY_ACTIVATIONS[activation], NUMPY_DERIVATIVES[activation]
    hs, zs, h = [x], [], x
    for k in range(0, len(params), 2):
        z = h @ params[k].T + params[k + 1]
        zs.append(z)
        h = f(z) if k + 2 < len(params) else z
        hs.append(h)
    grads = [None] * len(params)
    for layer in range(len(params) // 2 - 1, -1, -1):
        grads[2 * layer], grads[2 * layer + 1] = g.T @ hs[layer], g.sum(0)
        g = g @ params[2 * layer]
        if layer > 0:
            g = g * df(f(zs[layer - 1]))
    return g, grads


# ------------------------------------------------------------- oracles of the fixed cases (cached)


@checks.cached
def _forward_case(activation):
    """θ, x (4, 5), torch's logits and the logits of two bugs, for test_mlp_forward_matches_torch."""
    params = _params(10101)
    x = np.random.default_rng(10102).normal(size=(4, 5))
    mistakes = [(checks.quietly(_numpy_forward, params, x, activation, True),
                 "an activation was applied after the last layer: the MLP returns raw logits"),
                (_numpy_forward(params, x, "relu"), f"the activation argument is ignored "
                                                    f"(relu used instead of {activation})")]
    return params, x, _torch_mlp(params, x, activation), mistakes


@checks.cached
def _parameter_gradients_case():
    """θ, x, g and, per activation, an earlier batch, torch's dL/dθ and dL/dθ with f'(h) for f'(z)."""
    rng = np.random.default_rng(10103)
    params = _params(10104)
    x, g = rng.normal(size=(6, 5)), rng.normal(size=(6, 3)) / 6
    per_activation = {}
    for activation in ("tanh", "relu"):
        _, _, expected = _torch_mlp(params, x, activation, g)
        _, wrong = _numpy_backward_wrong_point(params, x, activation, g)
        per_activation[activation] = (rng.normal(size=(6, 5)), expected, wrong)
    return params, x, g, per_activation


@checks.cached
def _input_gradient_case():
    """θ, x, g, torch's dL/dx (tanh) and dL/dx with f'(h) for f'(z)."""
    rng = np.random.default_rng(10105)
    params = _params(10106)
    x, g = rng.normal(size=(6, 5)), rng.normal(size=(6, 3)) / 6
    _, dx, _ = _torch_mlp(params, x, "tanh", g)
    wrong, _ = _numpy_backward_wrong_point(params, x, "tanh", g)
    return params, x, g, dx, wrong


@checks.cached
def _predict_case():
    """θ, x (20, 5) and the argmax of torch's relu logits."""
    params = _params(10107)
    x = np.random.default_rng(10108).normal(size=(20, 5))
    return params, x, np.argmax(_torch_mlp(params, x, "relu"), axis=1)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mlp_parameters_shapes_and_order(student):
    model = student.MLP(SIZES, activation="tanh", rng=0)
    params = checks.check_list("MLP([5, 7, 6, 3]).parameters()", model.parameters(), 6)
    for i, (p, shape) in enumerate(zip(params, SHAPES)):
        p = checks.as_numeric_array(f"parameters()[{i}]", p)
        checks.check_true(p.shape == shape, f"`MLP([5, 7, 6, 3]).parameters()[{i}]` should have shape {shape} but "
                                            f"has shape {p.shape}: the order must be {ORDER}")
    model.forward(np.random.default_rng(10100).normal(size=(4, 5)))
    model.backward(np.ones((4, 3)))
    grads = checks.check_list("MLP([5, 7, 6, 3]).gradients()", model.gradients(), 6)
    for i, (g, shape) in enumerate(zip(grads, SHAPES)):
        g = checks.as_numeric_array(f"gradients()[{i}]", g)
        checks.check_true(g.shape == shape, f"`MLP([5, 7, 6, 3]).gradients()[{i}]` should have shape {shape} but "
                                            f"has shape {g.shape}: the order must match parameters(), {ORDER}")


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_mlp_layers_start_from_different_weights(student):
    model = student.MLP([6, 6, 6, 6], activation="relu", rng=1)
    params = checks.check_list("MLP([6, 6, 6, 6]).parameters()", model.parameters(), 6)
    W1, W2, W3 = (checks.as_numeric_array("W", params[k]) for k in (0, 2, 4))
    checks.check_true(not (np.array_equal(W1, W2) or np.array_equal(W2, W3)),
                      "MLP([6, 6, 6, 6], rng=1) gives layers of the same shape identical weights: create one "
                      "generator with np.random.default_rng(rng) and draw every layer from it")
    again = checks.as_numeric_array("W", student.MLP([6, 6, 6, 6], activation="relu", rng=1).parameters()[0])
    checks.check_true(np.array_equal(W1, again), "MLP([6, 6, 6, 6], rng=1) gives different weights on a second "
                                                 "call with the same seed: draw only from np.random.default_rng(rng)")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mlp_forward_matches_torch(student):
    # The course's XOR network: h = relu(x Wᵀ + c) with W = [[1, 1], [1, 1]], c = [0, −1]; y = h·[1, −2]
    xor = student.MLP([2, 2, 1], activation="relu", rng=0)
    xor.set_parameters([np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[1.0, -2.0]]), np.zeros(1)])
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    checks.check_array("MLP([2, 2, 1], 'relu').forward(X)", xor.forward(X), np.array([[0.0], [1.0], [1.0], [0.0]]),
                       show_values=True, context="the XOR network W = [[1, 1], [1, 1]], c = [0, -1], w = [1, -2], "
                                                 "b = 0 on the four XOR inputs")
    for activation in ("tanh", "sigmoid"):
        params, x, expected, mistakes = _forward_case(activation)
        checks.check_array(f"MLP([5, 7, 6, 3], activation='{activation}').forward(x)",
                           _model(student, params, activation).forward(x), expected,
                           context="logits after set_parameters(...), x of shape (4, 5)", mistakes=mistakes)


@pytest.mark.grade(cell=CELL, points=0.25)
def test_mlp_backward_parameter_gradients_through_two_hidden_layers(student):
    params, x, g, per_activation = _parameter_gradients_case()
    for activation in ("tanh", "relu"):
        earlier, expected, wrong = per_activation[activation]
        model = _model(student, params, activation)
        model.forward(earlier)  # an earlier batch: backward must use the latest forward's z
        model.forward(x)
        model.backward(g)
        grads = checks.check_list("MLP.gradients()", model.gradients(), 6)
        for i, (actual, e, w) in enumerate(zip(grads, expected, wrong)):
            name = f"{'d' + ('W' if i % 2 == 0 else 'b')}{i // 2 + 1}"
            mistakes = [(w, "the activation's derivative must be evaluated at the pre-activation z (f'(z)), "
                            "not at the output h = f(z)")]
            if e.ndim == 2:
                mistakes.append((e.T, f"{name} is transposed: it must have W's layout (out, in)"))
            checks.check_array(f"gradients()[{i}] ({name})", actual, e,
                               context=f"MLP([5, 7, 6, 3], activation='{activation}'), x of shape (6, 5)",
                               mistakes=mistakes,
                               factors=checks.layer_factors(6))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mlp_backward_input_gradient(student):
    params, x, g, dx, wrong = _input_gradient_case()
    model = _model(student, params, "tanh")
    model.forward(x)
    checks.check_array("dL/dx returned by MLP.backward", model.backward(g), dx,
                       context="MLP([5, 7, 6, 3], activation='tanh'), x of shape (6, 5)",
                       mistakes=[(wrong, "the activation's derivative must be evaluated at the pre-activation z "
                                         "(f'(z)), not at the output h = f(z)")],
                       factors=checks.layer_factors(6))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_mlp_predict_returns_argmax_labels(student):
    params, x, expected = _predict_case()
    labels = checks.as_numeric_array("MLP.predict(x)", _model(student, params, "relu").predict(x))
    checks.check_true(labels.shape == (20,), f"`MLP.predict(x)` should return 20 labels, shape (20,), but has "
                                             f"shape {labels.shape}")
    wrong = int(np.sum(labels != expected))
    checks.check_true(wrong == 0, f"`MLP.predict(x)` disagrees with the argmax of the logits on {wrong} of 20 "
                                  "samples: predict returns argmax over the classes (axis 1)")


def _accuracy(model, X, y):
    labels = checks.as_numeric_array("the trained model's predict(X)", model.predict(X))
    checks.check_true(labels.shape == y.shape, f"predict(X) should return {len(y)} labels but has shape {labels.shape}")
    return float(np.mean(labels == y))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_train_mlp_solves_xor(student):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = student.train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0)
    acc = _accuracy(model, X, y)
    checks.check_true(acc == 1.0, f"train_mlp on XOR reaches {acc:.0%} training accuracy; a correct MLP with "
                                  "Adam(lr=0.1) gets 100% in 300 full-batch epochs")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_train_mlp_separates_three_blobs(student):
    rng = np.random.default_rng(10109)
    centers = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    y = np.repeat(np.arange(3), 20)
    X = centers[y] + rng.normal(0, 0.8, size=(60, 2))
    order = rng.permutation(60)
    X, y = X[order], y[order]
    model = student.train_mlp(X, y, hidden=(8,), activation="tanh", epochs=300, lr=0.05, rng=0)
    shapes = [np.shape(p) for p in checks.check_list("the trained model's parameters()", model.parameters(), 4)]
    checks.check_true(shapes == [(8, 2), (8,), (3, 8), (3,)],
                      f"train_mlp with hidden=(8,) on 2 features and labels 0..2 should build MLP([2, 8, 3]) "
                      f"(C = max(y) + 1 = 3 outputs), but its parameters have shapes {shapes}")
    acc = _accuracy(model, X, y)
    checks.check_true(acc >= 0.9, f"train_mlp on three well-separated Gaussian blobs (60 points) reaches "
                                  f"{acc:.0%} training accuracy; it should reach at least 90%")
