"""Hidden tests of grade cell `test_mlp` (1 point): the MLP vs torch with every activation it accepts,
its parameters as live arrays (seen inside the sandbox), and train_mlp replayed step by step in torch.

train_mlp is checked by replay, not only by outcome: the SPEC states that it builds
``MLP([D, *hidden, C], activation, rng)`` and runs ``epochs`` full-batch steps of ``Adam(lr)`` on
the mean softmax cross-entropy, so the student's own initial model (same constructor, same seed,
same weights) trained by torch.optim.Adam on F.cross_entropy in float64 must give the student's
trained parameters, within the deterministic tolerance (:data:`checks.TIGHT`). The reference and
every correct variant are ≤ 1e-7 of that tolerance away after 11 and after 300 steps (absolute
errors ≤ 2e-14); the slips named (lr, epochs, activation or rng ignored, one step more or fewer,
SGD) are ≥ 2e-3 away, most ≥ 0.2. Adam in Kingma & Ba's step-size form, also right (see
test_optimizers), moves the trained parameters by 1e-4 to 3e-4: a student whose Adam has that form
(told by one probe step) is replayed in that form instead.
"""
import contextlib
import functools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks

CELL = "test_mlp"
SIZES = [5, 7, 6, 3]  # two hidden layers
SHAPES = [(7, 5), (7,), (6, 7), (6,), (3, 6), (3,)]
ORDER = "[W1, b1, W2, b2, W3, b3] with W of shape (out, in)"
# Every activation MLP accepts (SPEC), as torch computes it: leaky slope 0.01, ELU α = 1, exact GELU.
TORCH_ACTIVATIONS = {"identity": lambda z: z * 1.0, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
                     "relu": torch.relu, "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
                     "elu": lambda z: F.elu(z, 1.0), "selu": F.selu,
                     "gelu": lambda z: F.gelu(z, approximate="none"), "softplus": F.softplus}
ACTIVATIONS = tuple(TORCH_ACTIVATIONS)

# The first torch optimizer imports torch._dynamo (~2 s): pay it once at collection, outside the
# per-test time limit (the replays of train_mlp run torch.optim.Adam).
torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.1)


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


def _names(n_params):
    return [f"{'W' if i % 2 == 0 else 'b'}{i // 2 + 1}" for i in range(n_params)]


def _torch_forward(ts, xt, activation):
    """Logits of the MLP with parameter tensors ``ts`` on ``xt``: no activation after the last layer."""
    h = xt
    for k in range(0, len(ts), 2):
        h = F.linear(h, ts[k], ts[k + 1])
        if k + 2 < len(ts):
            h = TORCH_ACTIVATIONS[activation](h)
    return h


def _torch_mlp(params, x, activation, g=None):
    """Logits (and, given g = dL/dlogits, dL/dx and dL/dθ in the order of params) from torch in float64."""
    ts = checks.torch64(*params, grad=True)
    xt = checks.torch64(x, grad=True)
    h = _torch_forward(ts, xt, activation)
    if g is None:
        return checks.numpy64(h)
    h.backward(checks.torch64(g))
    return checks.numpy64(h), checks.numpy64(xt.grad), [checks.numpy64(t.grad) for t in ts]


def _f(activation, z):
    """f(z) as torch computes it, on a numpy array."""
    return checks.numpy64(TORCH_ACTIVATIONS[activation](checks.torch64(z)))


def _df(activation, z):
    """f'(z) by torch's autograd, on a numpy array."""
    t = checks.torch64(z, grad=True)
    TORCH_ACTIVATIONS[activation](t).sum().backward()
    return checks.numpy64(t.grad)


def _mixed_mlp(params, x, g, f, df, at_output=False):
    """Logits, dL/dx and dL/dθ of an MLP whose forward uses activation ``f`` and whose backward
    multiplies by the derivative of ``df`` (evaluated at f(z) if ``at_output``): f ≠ df simulates a
    wrong entry in the activation table, grader-side."""
    hs, zs, h = [x], [], x
    for k in range(0, len(params), 2):
        z = h @ params[k].T + params[k + 1]
        zs.append(z)
        h = _f(f, z) if k + 2 < len(params) else z
        hs.append(h)
    logits, grads = h, [None] * len(params)
    for layer in range(len(params) // 2 - 1, -1, -1):
        grads[2 * layer], grads[2 * layer + 1] = g.T @ hs[layer], g.sum(0)
        g = g @ params[2 * layer]
        if layer > 0:
            z = zs[layer - 1]
            g = g * _df(df, _f(f, z) if at_output else z)
    return logits, g, grads


# ------------------------------------------------------------- oracles of the fixed cases (cached)


@checks.cached
def _forward_case(activation):
    """θ, x (4, 5), torch's logits and the logits of two bugs, for test_mlp_forward_matches_torch."""
    params = _params(10101)
    x = np.random.default_rng(10102).normal(size=(4, 5))
    logits = _torch_mlp(params, x, activation)
    mistakes = [(_f(activation, logits), "an activation was applied after the last layer: the MLP returns raw logits"),
                (_torch_mlp(params, x, "relu"), f"the activation argument is ignored "
                                                f"(relu used instead of {activation})")]
    return params, x, logits, mistakes


@checks.cached
def _parameter_gradients_case():
    """θ, x, g and, per activation, an earlier batch, torch's dL/dθ and dL/dθ with f'(h) for f'(z)."""
    rng = np.random.default_rng(10103)
    params = _params(10104)
    x, g = rng.normal(size=(6, 5)), rng.normal(size=(6, 3)) / 6
    per_activation = {}
    for activation in ("tanh", "relu"):
        _, _, expected = _torch_mlp(params, x, activation, g)
        _, _, wrong = _mixed_mlp(params, x, g, activation, activation, at_output=True)
        earlier = rng.normal(size=(6, 5))
        per_activation[activation] = (earlier, expected, wrong, _stale_z_gradients(params, earlier, x, g, activation))
    return params, x, g, per_activation


def _stale_z_gradients(params, earlier, x, g, activation):
    """dL/dθ of the slip that keeps the first forward's pre-activations z: the layers' own inputs are
    the latest batch's, f'(z) the earlier batch's."""
    def walk(batch):
        hs, zs, h = [batch], [], batch
        for k in range(0, len(params), 2):
            z = h @ params[k].T + params[k + 1]
            zs.append(z)
            h = _f(activation, z)
            hs.append(h)
        return hs, zs

    hs, _ = walk(x)
    _, stale = walk(earlier)
    grads = [None] * len(params)
    for layer in range(len(params) // 2 - 1, -1, -1):
        grads[2 * layer], grads[2 * layer + 1] = g.T @ hs[layer], g.sum(0)
        g = g @ params[2 * layer]
        if layer > 0:
            g = g * _df(activation, stale[layer - 1])
    return grads


@checks.cached
def _input_gradient_case():
    """θ, x, g, torch's dL/dx (tanh) and dL/dx with f'(h) for f'(z)."""
    rng = np.random.default_rng(10105)
    params = _params(10106)
    x, g = rng.normal(size=(6, 5)), rng.normal(size=(6, 3)) / 6
    _, dx, _ = _torch_mlp(params, x, "tanh", g)
    _, wrong, _ = _mixed_mlp(params, x, g, "tanh", "tanh", at_output=True)
    return params, x, g, dx, wrong


@checks.cached
def _predict_case():
    """θ, x (20, 5) and the argmax of torch's relu logits."""
    params = _params(10107)
    x = np.random.default_rng(10108).normal(size=(20, 5))
    return params, x, np.argmax(_torch_mlp(params, x, "relu"), axis=1)


@checks.cached
def _activation_case(activation):
    """θ, x (4, 5), g and torch's (logits, dL/dx, dL/dθ) for MLP([5, 7, 6, 3], activation), drawn
    until every hidden pre-activation is ≥ 0.05 away from 0 (the kinks of relu, leaky_relu, elu,
    selu); with the likely slips: (logits, message) for another activation in forward or one after
    the last layer, and (dL/dx, dL/dθ, message) for another activation's derivative or f'(h)."""
    rng = np.random.default_rng(10110 + ACTIVATIONS.index(activation))
    while True:
        params = []
        for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
            params += [rng.normal(0, 1 / np.sqrt(n_in), size=(n_out, n_in)), rng.normal(0, 0.5, size=n_out)]
        x = checks.off_kinks(rng, (4, 5), 0.1, 2.0)
        h, off = x, True
        for k in range(0, len(params) - 2, 2):
            z = h @ params[k].T + params[k + 1]
            off, h = off and bool(np.min(np.abs(z)) >= 0.05), _f(activation, z)
        if off:
            break
    g = rng.normal(size=(4, 3)) / 4
    table = "check the activation table in MLP.__init__: each name maps to its own f and f'"
    forward_slips = [(_mixed_mlp(params, x, g, other, other)[0], f"forward applies {other}, not {activation}, "
                      f"between the layers: {table}") for other in ACTIVATIONS if other != activation]
    forward_slips.append((_f(activation, _torch_mlp(params, x, activation)),
                          "an activation was applied after the last layer: the MLP returns raw logits"))
    backward_slips = [(*_mixed_mlp(params, x, g, activation, other)[1:], f"backward multiplies by the derivative "
                       f"of {other}, not of {activation}: {table}") for other in ACTIVATIONS if other != activation]
    backward_slips.append((*_mixed_mlp(params, x, g, activation, activation, at_output=True)[1:],
                           "the activation's derivative must be evaluated at the pre-activation z (f'(z)), "
                           "not at the output h = f(z)"))
    return params, x, g, _torch_mlp(params, x, activation, g), forward_slips, backward_slips


@checks.cached
def _default_activation_case():
    """θ, x and torch's relu logits (the default activation), with the logits of every other activation."""
    params, x, _, (logits, _, _), _, _ = _activation_case("relu")
    return params, x, logits, [(_torch_mlp(params, x, other), f"MLP(sizes) without an activation argument applies "
                                f"{other}: the default activation is relu (SPEC: MLP(sizes, activation=\"relu\", "
                                f"rng=None))") for other in ACTIVATIONS if other != "relu"]


@checks.cached
def _live_case():
    """θ, x (4, 5), an earlier batch of another size (9, 5), g and torch's tanh (logits, dL/dx, dL/dθ)."""
    rng = np.random.default_rng(10112)
    params = _params(10113)
    x, x_earlier, g = rng.normal(size=(4, 5)), rng.normal(size=(9, 5)), rng.normal(size=(4, 3)) / 4
    return params, x, x_earlier, g, _torch_mlp(params, x, "tanh", g)


@pytest.mark.grade(cell=CELL, points=0.0625)
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


@pytest.mark.grade(cell=CELL, points=0.0625)
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


@pytest.mark.grade(cell=CELL, points=0.125)
def test_mlp_backward_parameter_gradients_through_two_hidden_layers(student):
    params, x, g, per_activation = _parameter_gradients_case()
    for activation in ("tanh", "relu"):
        earlier, expected, wrong, stale = per_activation[activation]
        model = _model(student, params, activation)
        model.forward(earlier)  # an earlier batch: backward must use the latest forward's z
        model.forward(x)
        model.backward(g)
        grads = checks.check_list("MLP.gradients()", model.gradients(), 6)
        for i, (actual, e, w, s) in enumerate(zip(grads, expected, wrong, stale)):
            name = f"{'d' + ('W' if i % 2 == 0 else 'b')}{i // 2 + 1}"
            mistakes = [(w, "the activation's derivative must be evaluated at the pre-activation z (f'(z)), "
                            "not at the output h = f(z)"),
                        (s, "backward used the pre-activations z of an earlier forward: each forward must "
                            "replace what it caches (start it with self.z = [])")]
            if e.ndim == 2:
                mistakes.append((e.T, f"{name} is transposed: it must have W's layout (out, in)"))
            checks.check_array(f"gradients()[{i}] ({name})", actual, e,
                               context=f"MLP([5, 7, 6, 3], activation='{activation}'), x of shape (6, 5)",
                               mistakes=mistakes,
                               factors=checks.layer_factors(6))


@pytest.mark.grade(cell=CELL, points=0.0625)
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
                                             f"shape {labels.shape}" + (": that is an argmax over axis 0 (the batch); "
                                             "take it over the classes, axis=1" if labels.shape == (3,) else ""))
    wrong = int(np.sum(labels != expected))
    checks.check_true(wrong == 0, f"`MLP.predict(x)` disagrees with the argmax of the logits on {wrong} of 20 "
                                  "samples: predict returns argmax over the classes (axis 1)")


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_mlp_every_activation_matches_torch(student):
    """All nine activations MLP accepts, through two hidden layers: logits, dL/dx and every dL/dθ."""
    for activation in ACTIVATIONS:
        params, x, g, (logits, dx, grads), forward_slips, backward_slips = _activation_case(activation)
        context = f"MLP([5, 7, 6, 3], activation='{activation}') after set_parameters(...), x of shape (4, 5)"
        with checks.explained(f"MLP accepts every activation of the SPEC: {', '.join(ACTIVATIONS)}"):
            model = student.MLP(SIZES, activation=activation, rng=0)
        model.set_parameters([p.copy() for p in params])
        checks.check_array(f"forward(x) with activation='{activation}'", model.forward(x), logits,
                           context=context, mistakes=forward_slips)
        checks.check_array(f"dL/dx returned by backward(g) with activation='{activation}'", model.backward(g), dx,
                           context=context, mistakes=[(d, message) for d, _, message in backward_slips],
                           factors=checks.layer_factors(4))
        got = checks.check_list("MLP.gradients()", model.gradients(), 6)
        for i, name in enumerate(_names(6)):
            checks.check_array(f"gradients()[{i}] (d{name}) with activation='{activation}'", got[i], grads[i],
                               context=context, mistakes=[(gs[i], message) for _, gs, message in backward_slips],
                               factors=checks.layer_factors(4))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_mlp_default_activation_is_relu(student):
    params, x, logits, others = _default_activation_case()
    with checks.explained("MLP(sizes) must work with the defaults activation=\"relu\", rng=None"):
        model = student.MLP(list(SIZES))
    model.set_parameters([p.copy() for p in params])
    checks.check_array("MLP([5, 7, 6, 3]).forward(x)", model.forward(x), logits, mistakes=others,
                       context="the default activation, after set_parameters(...), x of shape (4, 5)")


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_mlp_parameters_are_the_models_own_arrays(student):
    """Inside the sandbox (harness/mlp.py): parameters() hands out the live arrays, set_parameters
    installs the arrays given, and backward uses the latest forward even after another batch size."""
    params, x, x_earlier, g, (logits, dx, grads) = _live_case()
    facts = student.harness("mlp").live_parameters(SIZES, "tanh", params, x, x_earlier, g)
    edit = "editing the arrays returned by MLP([5, 7, 6, 3]).parameters() in place (p[...] -= 1)"
    checks.check_true(facts["edit_error"] is None,
                      f"{edit} raised {facts['edit_error']}: parameters() returns the layers' numpy arrays themselves")
    before = checks.check_list("MLP.parameters()", facts["before"], 6)
    after = checks.check_list("MLP.parameters()", facts["after"], 6)
    stale = [name for name, b, a in zip(_names(6), before, after) if np.shape(a) != np.shape(b)
             or not np.array_equal(a, np.asarray(b) - 1)]
    checks.check_true(not stale, f"after {edit}, parameters() still gives the old values of {', '.join(stale)}: "
                                 "parameters() must return the arrays themselves, not copies (SPEC), so that "
                                 "changing them changes the model")
    before = [np.asarray(b, dtype=float) for b in before]
    checks.check_array("forward(x) after editing parameters() in place", facts["logits"],
                       _torch_mlp([b - 1 for b in before], x, "tanh"), context=f"{edit}, x of shape (4, 5)",
                       mistakes=[(lambda: _torch_mlp(before, x, "tanh"),
                                  "forward still uses the old weights: the arrays parameters() returns must be "
                                  "the very arrays forward computes with (the arrays themselves, not copies)")])
    copied = [name for name, same in zip(_names(6), facts["installed"]) if not same]
    checks.check_true(not copied, f"after set_parameters(params), parameters() does not return the arrays given "
                                  f"({', '.join(copied)} are other arrays: copies?): set_parameters installs the "
                                  "given arrays themselves and parameters() then returns them (SPEC)")
    calls = "forward(x of 9 rows), then forward(x of 4 rows) and backward(g of 4 rows)"
    checks.check_true(facts["latest_error"] is None,
                      f"{calls} raised {facts['latest_error']}: forward must replace what the previous forward "
                      "cached, and backward use the latest forward's values")
    got_logits, got_dx, got_grads = facts["latest"]
    context = f"MLP([5, 7, 6, 3], 'tanh'), {calls}"
    checks.check_array("forward(x) after an earlier forward", got_logits, logits, context=context)
    checks.check_array("dL/dx returned by backward(g)", got_dx, dx, context=context,
                       factors=checks.layer_factors(4))
    for i, (actual, name) in enumerate(zip(checks.check_list("MLP.gradients()", got_grads, 6), _names(6))):
        checks.check_array(f"gradients()[{i}] (d{name})", actual, grads[i], context=context,
                           factors=checks.layer_factors(4))


def _accuracy(model, X, y):
    labels = checks.as_numeric_array("the trained model's predict(X)", model.predict(X))
    checks.check_true(labels.shape == y.shape, f"predict(X) should return {len(y)} labels but has shape {labels.shape}")
    return float(np.mean(labels == y))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_train_mlp_solves_xor(student):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = student.train_mlp(X, y, hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0)
    acc = _accuracy(model, X, y)
    checks.check_true(acc == 1.0, f"train_mlp on XOR reaches {acc:.0%} training accuracy; a correct MLP with "
                                  "Adam(lr=0.1) gets 100% in 300 full-batch epochs")


@pytest.mark.grade(cell=CELL, points=0.0625)
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


# ------------------------------------------------------------------ train_mlp replayed in torch

# Every argument away from its default; labels 0, 1, 3 (no 2): C = max(y) + 1 = 4, not the 3 labels seen.
REPLAY = dict(hidden=(5, 4), activation="sigmoid", epochs=11, lr=0.03, rng=5)
DEFAULTS = dict(hidden=(16,), activation="tanh", epochs=300, lr=0.1, rng=0)


@checks.cached
def _replay_data():
    """X (10, 3) and labels 0, 1, 3 (class 2 never occurs, yet gets an output)."""
    return np.random.default_rng(10114).normal(size=(10, 3)), np.array([0, 3, 1, 3, 0, 1, 3, 0, 1, 3])


@checks.cached
def _defaults_data():
    """X (6, 2) and labels 0..2: small, so 300 replayed epochs stay cheap (~0.5 ms each)."""
    return np.random.default_rng(10115).normal(size=(6, 2)), np.array([0, 1, 2, 2, 1, 0])


def _torch_train(params0, X, y, activation, lr, counts, optimizer="Adam", step_size_form=False):
    """{t: θ after t full-batch steps} for t in ``counts``: torch.optim.<optimizer>(lr) with its other
    defaults on F.cross_entropy (mean) of the MLP's logits, from θ₀, in float64. ``step_size_form``:
    Adam in Kingma & Ba's step-size form, also right (test_optimizers accepts it), which is torch's
    Adam with ε̂ₜ = ε/√(1 − β₂ᵗ) in place of ε at step t."""
    ts = [checks.torch64(p, grad=True) for p in params0]
    fresh = optimizer == "AdamEachStep"  # the slip of a new Adam every epoch: t and the moments restart
    opt = getattr(torch.optim, "Adam" if fresh else optimizer)(ts, lr=lr)
    xt, yt = checks.torch64(X), torch.tensor(np.array(y), dtype=torch.long)
    out = {0: [np.array(p, dtype=float) for p in params0]}
    for t in range(1, max(counts) + 1):
        if fresh:
            opt = torch.optim.Adam(ts, lr=lr)
        opt.zero_grad()
        F.cross_entropy(_torch_forward(ts, xt, activation), yt).backward()
        if step_size_form:
            opt.param_groups[0]["eps"] = 1e-8 / math.sqrt(1 - 0.999 ** t)
        opt.step()
        if t in counts:
            out[t] = [checks.numpy64(p) for p in ts]
    return out


def _student_init(student, sizes, activation, rng):
    """The initial parameters of the student's own MLP(sizes, activation, rng), as float64 arrays."""
    params = checks.check_list(f"MLP({sizes}, '{activation}', {rng}).parameters()",
                               student.MLP(list(sizes), activation, rng).parameters(), 2 * (len(sizes) - 1))
    return [checks.as_numeric_array(f"MLP({sizes}).parameters()[{i}]", p) for i, p in enumerate(params)]


# One Adam(lr=1) step on a gradient of 1e-7 from θ = 0: torch's form moves θ to −1e-7/(1e-7 + ε) = −0.909,
# Kingma & Ba's step-size form to −1e-7/(1e-7 + ε/√(1 − β₂)) = −0.240.
STEP_SIZE_FORM_PROBE = -1e-7 / (1e-7 + 1e-8 / math.sqrt(1 - 0.999))


def _adam_in_step_size_form(student) -> bool:
    """Whether the student's Adam is Kingma & Ba's step-size form (ε not rescaled), told by one step."""
    try:
        theta = student.Adam(lr=1.0).step([np.zeros(1)], [np.full(1, 1e-7)])
        return abs(float(np.asarray(theta[0], dtype=float).ravel()[0]) - STEP_SIZE_FORM_PROBE) < 1e-3
    except Exception:  # noqa: BLE001 - a broken Adam is graded elsewhere; replay torch's form
        return False


def _close_all(actual, expected) -> bool:
    return all(bool(np.all(np.abs(a - e) <= checks.ATOL + checks.RTOL * np.abs(e))) for a, e in zip(actual, expected))


def _same(a, b) -> bool:
    """Two answers of train_mlp (parameter lists) are the same arrays."""
    try:
        return len(a) == len(b) and all(np.array_equal(np.asarray(p, dtype=float), np.asarray(q, dtype=float))
                                        for p, q in zip(a, b))
    except (TypeError, ValueError):
        return False


def _check_defaults(student, X, y, trained, spelled_out):
    """train_mlp(X, y) gave ``trained``, train_mlp(X, y, **DEFAULTS) ``spelled_out``, and they differ: name
    each argument whose default is off (the one that, given explicitly, changes the answer)."""
    spelled = ", ".join(f"{k}={v!r}" for k, v in DEFAULTS.items())
    off = [f"the default {k} is {v}" for k, v in DEFAULTS.items()
           if not _same(trained, student.train_mlp(X, y, **{k: v}).parameters())]
    checks.check_true(False, f"train_mlp(X, y) and train_mlp(X, y, {spelled}) give different parameters: "
                             + (f"{'; '.join(off)} (SPEC), but yours is another" if off else
                                "train_mlp must use exactly the SPEC's defaults"))


def _check_replay(student, call, X, y, kwargs, settings, slips, defaults=False, probes=()):
    """``student.train_mlp(X, y, **kwargs)`` against torch's replay of ``settings`` (hidden, activation,
    epochs, lr, rng: what the call means) from the student's own MLP([D, *hidden, C], activation, rng).

    ``slips``: [(changes to the replay, message)]: a change of lr, epochs, activation, optimizer or
    rng (the seed the model was built with); each is replayed only if an answer is wrong, in the
    form of Adam the student's Adam has (torch's, or Kingma & Ba's step-size form). ``defaults``:
    the call relies on the defaults, which are first compared with the same call spelled out.
    ``probes``: [(changes to the call, message)]: if the answer is wrong and the changed call gives
    the same answer, the message is the verdict (an argument ignored, told without a replay).
    """
    sizes = [X.shape[1], *settings["hidden"], int(y.max()) + 1]
    n = 2 * (len(sizes) - 1)
    labels = sorted(set(y.tolist()))
    outputs = f"C = max(y) + 1 = {sizes[-1]} outputs"
    gap = len(labels) < sizes[-1]  # a class that never occurs: C is not the number of distinct labels
    if gap:
        outputs += (f" (the labels are {', '.join(map(str, labels))}: a class that never occurs still gets its "
                    "output)")
    with checks.explained(f"the labels here need {outputs}") if gap else contextlib.nullcontext():
        got = student.train_mlp(X, y, **kwargs).parameters()
    shapes = [tuple(np.shape(p)) for p in got] if isinstance(got, (list, tuple)) else None
    wanted = [shape for n_in, n_out in zip(sizes[:-1], sizes[1:]) for shape in ((n_out, n_in), (n_out,))]
    checks.check_true(shapes == wanted, f"{call} should build MLP({sizes}): D = {sizes[0]} features, hidden = "
                                        f"{settings['hidden']}, {outputs}; but its parameters() have shapes {shapes}")
    trained = [checks.as_numeric_array(f"trained parameter {i}", p) for i, p in enumerate(got)]
    # The defaults spelled out must give the same answer; if they do, train_mlp is deterministic too.
    spelled_out = student.train_mlp(X, y, **DEFAULTS).parameters() if defaults else None
    if not (defaults and _same(trained, spelled_out)):
        checks.check_true(_same(trained, student.train_mlp(X, y, **kwargs).parameters()),
                          f"{call} gives different parameters on a second call with the same arguments: build the "
                          f"model with MLP([D, *hidden, C], activation, rng) (rng = {settings['rng']} here) and "
                          "draw nothing else at random")
        if defaults:
            _check_defaults(student, X, y, trained, spelled_out)
    init = _student_init(student, sizes, settings["activation"], settings["rng"])

    # One replay per (activation, lr, optimizer, rng, Adam's form), recording every count of steps
    # asked; counts beyond one step more than the answer's get their own, so its replay stays short.
    base = dict(activation=settings["activation"], lr=settings["lr"], epochs=settings["epochs"],
                optimizer="Adam", rng=settings["rng"])
    runs: dict[tuple, set] = {}

    def plan(step_size_form):
        """[(replay key, step count, message)]: the answer's first (message None), then the slips'."""
        out = []
        for change, message in [({}, None), *slips]:
            s = {**base, **change}
            key = (s["activation"], s["lr"], s["optimizer"], s["rng"], step_size_form,
                   s["epochs"] > settings["epochs"] + 1)
            runs.setdefault(key, set()).add(s["epochs"])
            out.append((key, s["epochs"], message))
        return out

    @functools.cache
    def replay(key):
        activation, lr, optimizer, rng, step_size_form, _ = key
        p0 = init if rng == settings["rng"] else _student_init(student, sizes, activation, rng)
        return _torch_train(p0, X, y, activation, lr, tuple(runs[key]), optimizer, step_size_form)

    (key, epochs, _), *candidates = plan(False)
    expected, adam = replay(key)[epochs], f"torch.optim.Adam(lr={settings['lr']})"
    if not _close_all(trained, expected):
        for change, message in probes:
            checks.check_true(not _same(trained, student.train_mlp(X, y, **{**kwargs, **change}).parameters()),
                              message)
        if _adam_in_step_size_form(student):
            (key, epochs, _), *candidates = plan(True)
            expected = replay(key)[epochs]
            adam = f"Adam(lr={settings['lr']}) in Kingma & Ba's step-size form (your Adam's form)"
    context = (f"{call}, replayed in torch from your MLP({sizes}, '{settings['activation']}', {settings['rng']})'s "
               f"initial weights: {settings['epochs']} full-batch steps of {adam} on the mean cross-entropy")
    for i, name in enumerate(_names(n)):
        checks.check_array(f"trained {name}", trained[i], expected[i], context=context, generic=False,
                           mistakes=[(lambda key=key, t=t, i=i: replay(key)[t][i], message)
                                     for key, t, message in candidates])


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_train_mlp_replays_in_torch(student):
    """train_mlp with every argument set: the same training replayed in torch gives the same parameters."""
    X, y = _replay_data()
    epochs, lr, activation, rng = REPLAY["epochs"], REPLAY["lr"], REPLAY["activation"], REPLAY["rng"]
    call = "train_mlp(X, y, " + ", ".join(f"{k}={v!r}" for k, v in REPLAY.items()) + ")"
    _check_replay(student, call, X, y, REPLAY, REPLAY, [
        ({"lr": DEFAULTS["lr"]}, f"the lr argument is ignored: Adam ran with lr={DEFAULTS['lr']} (the default), "
                                 f"not lr={lr}"),
        ({"lr": 0.001}, f"Adam was built without the lr: Adam(lr) takes train_mlp's lr={lr}, not Adam's own "
                        "default 0.001"),
        ({"epochs": epochs - 1}, f"one Adam step too few: train_mlp runs exactly epochs = {epochs} full-batch steps"),
        ({"epochs": epochs + 1}, f"one Adam step too many: train_mlp runs exactly epochs = {epochs} full-batch steps"),
        ({"activation": DEFAULTS["activation"]}, f"the activation argument is ignored: the model uses "
                                                 f"{DEFAULTS['activation']} (the default), not {activation}"),
        ({"activation": "relu"}, f"the activation argument is ignored: the model trained with relu, not {activation}; "
                                 "pass activation on to MLP (whose own default is relu), and MLP must use it"),
        ({"optimizer": "SGD"}, f"plain SGD(lr) trained the model: train_mlp trains with Adam(lr={lr})"),
        ({"optimizer": "AdamEachStep"}, "a new Adam is created every epoch, so its moments and step count t "
                                        "restart each step: create Adam(lr) once, before the loop"),
        ({"rng": DEFAULTS["rng"]}, f"the rng argument is ignored: the model was built with rng={DEFAULTS['rng']}, "
                                   f"not rng={rng}; build MLP([D, *hidden, C], activation, rng)"),
    ], probes=[({"epochs": epochs + 1}, f"the epochs argument is ignored: {call} and the same call with "
                                         f"epochs={epochs + 1} give the same parameters; train_mlp runs exactly "
                                         "`epochs` full-batch steps")])


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_train_mlp_defaults_replay_in_torch(student):
    """train_mlp(X, y) alone: the same as hidden=(16,), tanh, 300 epochs, lr=0.1, rng=0 spelled out
    (which default is off is told by student calls), and that training replayed in torch."""
    X, y = _defaults_data()
    epochs = DEFAULTS["epochs"]
    _check_replay(student, "train_mlp(X, y) with its default arguments", X, y, {}, DEFAULTS, [
        ({"epochs": epochs - 1}, f"one Adam step too few: train_mlp runs exactly epochs = {epochs} full-batch steps"),
        ({"epochs": epochs + 1}, f"one Adam step too many: train_mlp runs exactly epochs = {epochs} full-batch "
                                 "steps"),
    ], defaults=True)
