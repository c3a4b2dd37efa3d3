"""Hidden tests of grade cell `test_simple_cnn` (1 point): SimpleCNN, with A1's model contract, against torch.

conv(3×3, padding 1) → relu → max-pool 2 → flatten → Linear, in torch float64 with the grader's parameters
installed by set_parameters; inputs drawn until every conv pre-activation is ≥ 1e-4 from relu's kink and every
pooling window's maximum is unique (ReLU zeros can tie, but their gradient is 0 whichever position gets it).
Odd image sizes (⌊H/2⌋ drops a row) and every constructor argument are used; the defaults once. Inside the
sandbox (harness/cnn.py): parameters() hands out the model's own arrays, set_parameters installs the given
ones, and the conv and then the Linear draw from one generator.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.a3_cnn.oracle import hinted

CELL = "test_simple_cnn"
IN_SHAPE, CLASSES, CHANNELS = (2, 7, 9), 3, 5
SHAPES = [(5, 2, 3, 3), (5,), (3, 5 * 3 * 4), (3,)]
ORDER = "[conv.W, conv.b, fc.W, fc.b]"


def torch_cnn(params, x, g=None, flatten="nchw", pool="max", relu=True, relu_grad=True):
    """Logits and, given g = dL/dlogits, dL/dx and the parameters' gradients; the keywords simulate slips
    (``relu_grad=False``: relu in forward, its derivative left out of backward)."""
    ts = checks.torch64(*params, grad=True)
    xt = checks.torch64(x, grad=True)
    h = F.conv2d(xt, ts[0], ts[1], padding=1)
    if not relu_grad:
        h = h + (torch.relu(h) - h).detach()
    elif relu:
        h = torch.relu(h)
    h = F.max_pool2d(h, 2) if pool == "max" else F.avg_pool2d(h, 2)
    h = h.permute(0, 2, 3, 1) if flatten == "nhwc" else h
    logits = F.linear(torch.flatten(h, 1), ts[2], ts[3])
    if g is None:
        return checks.numpy64(logits)
    logits.backward(checks.torch64(g))
    return checks.numpy64(logits), checks.numpy64(xt.grad), [checks.numpy64(t.grad) for t in ts]


@checks.cached
def _case(seed, n=3):
    """Parameters, x (n, 2, 7, 9) and g (n, 3), drawn until the conv's pre-activations are ≥ 1e-4 from 0 and each
    2×2 window of relu(z) has a unique positive maximum (by ≥ 1e-4) or is all zeros: far beyond the ~1e-15 by which
    correct formulations differ, and rarely violated, so a draw or two suffice."""
    rng = np.random.default_rng(seed)
    while True:
        params = [rng.normal(0, 0.5, SHAPES[0]), rng.normal(0, 0.3, 5), rng.normal(0, 0.3, SHAPES[2]),
                  rng.normal(0, 0.3, 3)]
        x = rng.normal(size=(n, *IN_SHAPE))
        z = checks.numpy64(F.conv2d(checks.torch64(x), checks.torch64(params[0]), checks.torch64(params[1]),
                                    padding=1))
        windows = np.maximum(z, 0)[:, :, :6, :8].reshape(n, 5, 3, 2, 4, 2).transpose(0, 1, 2, 4, 3, 5)
        windows = np.sort(windows.reshape(n, 5, 3, 4, 4), axis=-1)
        unique = (windows[..., -1] == 0) | (windows[..., -1] - windows[..., -2] > 1e-4)
        if np.abs(z).min() >= 1e-4 and unique.all():
            return params, x, rng.normal(size=(n, CLASSES)) / n


def _model(student, params):
    with hinted(f"SimpleCNN({IN_SHAPE}, {CLASSES}, {CHANNELS}, rng=0)"):
        model = student.SimpleCNN(IN_SHAPE, CLASSES, CHANNELS, rng=0)
        model.set_parameters([p.copy() for p in params])
    return model


def _shapes(got):
    return [tuple(np.shape(p)) for p in got] if isinstance(got, (list, tuple)) else None


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_simple_cnn_structure_and_initialisation(student):
    """SimpleCNN((2, 7, 9), 3, 5): conv W (5, 2, 3, 3), fc W (3, 5·⌊7/2⌋·⌊9/2⌋ = 60); the defaults give
    (4, 1, 3, 3) and (2, 64); the same seed gives the same model; the conv, then the Linear, draw from one
    generator."""
    with hinted(f"SimpleCNN({IN_SHAPE}, {CLASSES}, {CHANNELS}, rng=0).parameters()"):
        got = student.SimpleCNN(IN_SHAPE, CLASSES, CHANNELS, rng=0).parameters()
    checks.check_true(_shapes(got) == SHAPES,
                      f"SimpleCNN((2, 7, 9), n_classes=3, channels=5).parameters() should be {ORDER} of shapes "
                      f"{SHAPES} (fc reads channels·⌊H/2⌋·⌊W/2⌋ = 5·3·4 = 60 features: max-pooling 2 drops the odd "
                      f"row and column), but has shapes {_shapes(got)}")
    with hinted("SimpleCNN().parameters()"):
        default = student.SimpleCNN().parameters()
    checks.check_true(_shapes(default) == [(4, 1, 3, 3), (4,), (2, 64), (2,)],
                      f"SimpleCNN() should have in_shape (1, 8, 8), 2 classes and 4 channels: parameters of shapes "
                      f"[(4, 1, 3, 3), (4,), (2, 64), (2,)], not {_shapes(default)}")
    first = [checks.as_numeric_array(f"parameters()[{i}]", p) for i, p in enumerate(got)]
    checks.check_true(not np.any(first[1]) and not np.any(first[3]), "the biases conv.b and fc.b start at 0")
    again = student.SimpleCNN(IN_SHAPE, CLASSES, CHANNELS, rng=0).parameters()
    checks.check_true(all(np.array_equal(a, b) for a, b in zip(first, again)),
                      "SimpleCNN(..., rng=0) made different weights on a second call with the same seed: use "
                      "np.random.default_rng(rng) and draw only from it")
    facts = student.harness("cnn").one_generator(IN_SHAPE, CLASSES, CHANNELS, 4)
    model = facts["model"]
    checks.check_true(np.array_equal(model[0], facts["conv_W"]) and np.array_equal(model[2], facts["fc_W"]),
                      "SimpleCNN(in_shape, n_classes, channels, rng=4) should draw the conv's W and then the Linear's "
                      "W from one generator g = np.random.default_rng(4): Conv2d(C, channels, 3, padding=1, rng=g), "
                      "then Linear(channels·⌊H/2⌋·⌊W/2⌋, n_classes, g); yours draws other weights"
                      + (" (the conv's are right: is the Linear drawn from a new generator of the same seed?)"
                         if np.array_equal(model[0], facts["conv_W"]) else ""))


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_simple_cnn_forward_matches_torch(student):
    params, x, _ = _case(3801)
    model = _model(student, params)
    with hinted("SimpleCNN.forward(x), x of shape (3, 2, 7, 9)"):
        logits = model.forward(x)
    checks.check_array("SimpleCNN.forward(x)", logits, torch_cnn(params, x),
                       context="SimpleCNN((2, 7, 9), 3, 5) after set_parameters([conv.W, conv.b, fc.W, fc.b]), x (3, 2, "
                               "7, 9): conv 3×3 padding 1 → relu → max-pool 2 → flatten → Linear",
                       mistakes=[(lambda: torch_cnn(params, x, flatten="nhwc"), "the features are flattened "
                                  "channels-last (NHWC): Flatten is C order, as torch.flatten(x, 1)"),
                                 (lambda: torch_cnn(params, x, relu=False), "the relu after the conv is missing"),
                                 (lambda: torch_cnn(params, x, pool="avg"), "average pooling: SimpleCNN max-pools")])


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_simple_cnn_backward_matches_torch(student):
    """dL/dx and every gradient, after a forward on an earlier batch of another size."""
    params, x, g = _case(3802)
    earlier = _case(3803, n=2)[1]
    model = _model(student, params)
    with hinted("SimpleCNN: forward on a batch of 2, then forward(x) and backward(g) on x (3, 2, 7, 9)"):
        model.forward(earlier)
        model.forward(x)
        dx = model.backward(g)
        grads = model.gradients()
    _, ref_dx, ref_grads = torch_cnn(params, x, g)
    context = ("SimpleCNN((2, 7, 9), 3, 5) with the grader's parameters, x (3, 2, 7, 9), g = dL/dlogits (3, 3); the "
               "latest forward's batch")
    slips = {"nhwc": ("the features are flattened channels-last (NHWC): Flatten is C order, as torch.flatten(x, 1)",
                      lambda: torch_cnn(params, x, g, flatten="nhwc")),
             "relu_grad": ("relu' is missing in backward: the gradient that reaches the conv is multiplied by "
                           "relu'(z), z the conv's output", lambda: torch_cnn(params, x, g, relu_grad=False))}
    checks.check_array("dx returned by SimpleCNN.backward(g)", dx, ref_dx, context=context,
                       mistakes=[(lambda f=f: f()[1], m) for m, f in slips.values()],
                       factors=checks.layer_factors(3))
    grads = checks.check_list(f"SimpleCNN.gradients(), {ORDER}", grads, 4)
    for i, name in enumerate(("conv.dW", "conv.db", "fc.dW", "fc.db")):
        checks.check_array(f"SimpleCNN.gradients()[{i}] ({name})", grads[i], ref_grads[i], context=context,
                           mistakes=[(lambda f=f, i=i: f()[2][i], m) for m, f in slips.values()],
                           factors=checks.layer_factors(3))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_simple_cnn_predict_and_live_parameters(student):
    params, x, _ = _case(3804, n=6)
    model = _model(student, params)
    with hinted("SimpleCNN.predict(x), x of shape (6, 2, 7, 9)"):
        labels = checks.as_numeric_array("SimpleCNN.predict(x)", model.predict(x))
    expected = np.argmax(torch_cnn(params, x), axis=1)
    checks.check_true(labels.shape == (6,) and np.array_equal(labels, expected),
                      f"SimpleCNN.predict(x) should be the argmax of the logits for each of the 6 images, {expected}, "
                      f"but is {labels}")
    facts = student.harness("cnn").live_parameters(IN_SHAPE, CLASSES, CHANNELS, params, x)
    checks.check_true(facts["edit_error"] is None, f"editing the arrays parameters() returned, in place (p[...] = "
                                                   f"value), failed: {facts['edit_error']}")
    checks.check_array("SimpleCNN.forward(x) after editing the arrays of parameters() in place", facts["edited"],
                       torch_cnn(params, x), context="parameters() returns the model's own arrays, so an edit in place "
                                                    "changes the model (A1's contract)")
    checks.check_true(all(facts["installed"]), f"after set_parameters(params), parameters() should return those very "
                                               f"arrays (no copies): entries {[i for i, ok in enumerate(facts['installed']) if not ok]} are "
                                               "other arrays")
