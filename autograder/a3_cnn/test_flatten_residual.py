"""Hidden tests of grade cell `test_flatten_residual` (1 point): Flatten, ResidualBlock, and layers that leave
their inputs alone.

Flatten against torch.flatten(x, 1) (C order; the channels-last order is named). ResidualBlock
y = relu(x + conv2(relu(conv1(x)))) against torch in float64 with the grader's weights in conv1 and conv2, on
inputs drawn until every pre-activation is ≥ 0.01 away from relu's kink; named slips: the skip path missing
(forward or backward), the last relu missing, relu before the addition, the skip path's gradient without
relu'(z₂), the inner gradient masked with relu'(z₂) instead of relu'(z₁). Inside the sandbox (harness/cnn.py),
every layer's forward and backward are run on arrays that must not change (the SPEC: no function changes the
arrays it is given; the proxy's copies would hide it); one reshaped in place (x.shape assigned) is named as such.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.a3_cnn.oracle import hinted

CELL = "test_flatten_residual"


# ------------------------------------------------------------------------------------------- Flatten


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_flatten_forward_and_backward(student):
    rng = np.random.default_rng(3701)
    x, g = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 60))
    with hinted("Flatten()"):
        layer = student.Flatten()
    with hinted("Flatten().forward(x), x of shape (2, 3, 4, 5)"):
        y = layer.forward(x)
    checks.check_array("Flatten().forward(x)", y, x.reshape(2, -1), context="x (2, 3, 4, 5) → (2, 60), as "
                                                                          "torch.flatten(x, 1)",
                       mistakes=[(x.transpose(0, 2, 3, 1).reshape(2, -1), "the channels-last (NHWC) order: flatten "
                                  "in C order, entry c·H·W + h·W + w is x[n, c, h, w] (x.reshape(N, -1))"),
                                 (x.reshape(-1, 2).T, "reshape(-1, N).T mixes images: reshape(N, -1) keeps each "
                                                      "image in its own row")])
    with hinted("Flatten().backward(g), g of shape (2, 60)"):
        dx = layer.backward(g)
    checks.check_array("dx returned by Flatten().backward(g)", dx, g.reshape(2, 3, 4, 5),
                       context="g (2, 60) → x's shape (2, 3, 4, 5)",
                       mistakes=[(g.reshape(2, 4, 5, 3).transpose(0, 3, 1, 2), "backward undoes the channels-last "
                                  "(NHWC) order: forward flattens in C order, so backward is g.reshape(x.shape)")])
    x1 = rng.normal(size=(1, 2, 3, 3))
    with hinted("Flatten().forward(x), x of shape (1, 2, 3, 3)"):
        y1 = layer.forward(x1)
    checks.check_array("Flatten().forward(x) on one image", y1, x1.reshape(1, -1),
                       context="x (1, 2, 3, 3) → (1, 18): the batch axis stays, even of size 1")


# ------------------------------------------------------------------------------------- ResidualBlock


def _torch_block(x, params, g, variant=None):
    """{y, dx, grads [dW1, db1, dW2, db2]} of the block in float64; ``variant``: a slip ("no_skip", "no_relu",
    "relu_before_add", "skip_not_in_backward", "inner_mask_z2": backward masks conv2ᵀ(g₂) with relu'(z₂), not
    relu'(z₁), the forward unchanged)."""
    xt = checks.torch64(x, grad=True)
    W1, b1, W2, b2 = checks.torch64(*params, grad=True)
    z1 = F.conv2d(xt, W1, b1, padding=1)
    h = torch.relu(z1)
    if variant == "inner_mask_z2":  # relu(z₁)'s value, with z₁'s gradient multiplied by relu'(z₂)
        with torch.no_grad():
            mask = (xt + F.conv2d(h, W2, b2, padding=1) > 0).to(z1.dtype)
        h = h.detach() + z1 * mask - (z1 * mask).detach()
    inner = F.conv2d(h, W2, b2, padding=1)
    skip = xt.detach() if variant == "skip_not_in_backward" else xt
    if variant == "no_skip":
        y = torch.relu(inner)
    elif variant == "no_relu":
        y = skip + inner
    elif variant == "relu_before_add":
        y = torch.relu(inner) + skip
    else:
        y = torch.relu(skip + inner)
    y.backward(checks.torch64(g))
    return {"y": checks.numpy64(y), "dx": checks.numpy64(xt.grad),
            "grads": [checks.numpy64(t.grad) for t in (W1, b1, W2, b2)]}


@checks.cached
def _block_case(seed):
    """x (2, 3, 4, 5), conv weights and g, drawn until |z₁|, |z₂| ≥ 0.01 everywhere; with torch's answers and the
    slips'."""
    rng = np.random.default_rng(seed)
    while True:
        x = rng.normal(size=(2, 3, 4, 5))
        params = [rng.normal(0, 0.4, (3, 3, 3, 3)), rng.normal(0, 0.5, 3), rng.normal(0, 0.4, (3, 3, 3, 3)),
                  rng.normal(0, 0.5, 3)]
        xt = checks.torch64(x)
        W1, b1, W2, b2 = checks.torch64(*params)
        z1 = F.conv2d(xt, W1, b1, padding=1)
        z2 = xt + F.conv2d(torch.relu(z1), W2, b2, padding=1)
        if float(z1.abs().min()) >= 0.01 and float(z2.abs().min()) >= 0.01:
            break
    g = rng.normal(size=x.shape)
    z2 = checks.numpy64(z2)
    answers = {v: _torch_block(x, params, g, v) for v in (None, "no_skip", "no_relu", "relu_before_add",
                                                          "skip_not_in_backward", "inner_mask_z2")}
    return x, params, g, z2, answers


def _block(student, params, x, g, earlier=None):
    with hinted("ResidualBlock(3, rng=0)"):
        block = student.ResidualBlock(3, rng=0)
    for conv, (W, b) in ((block.conv1, params[:2]), (block.conv2, params[2:])):
        conv.W = W
        conv.b = b
    with hinted("ResidualBlock(3).forward(x), then backward(g), x of shape (2, 3, 4, 5)"):
        if earlier is not None:
            block.forward(earlier)
            block.backward(np.ones(earlier.shape))
        y = block.forward(x)
        dx = block.backward(g)
    return block, y, dx


CONTEXT = "ResidualBlock(3) with the grader's conv1, conv2 (3×3, padding 1), x (2, 3, 4, 5)"
FORWARD_SLIPS = {"no_skip": "the skip connection is missing: y = relu(x + conv2(relu(conv1(x))))",
                 "no_relu": "the last relu is missing: y = relu(x + conv2(relu(conv1(x))))",
                 "relu_before_add": "relu is applied before adding x: y = relu(x + conv2(...)), the sum goes "
                                    "through relu"}
BACKWARD_SLIPS = {"inner_mask_z2": "conv2's input gradient is masked with relu'(z₂): the inner relu acts on "
                                   "z₁ = conv1(x), so dx = g₂ + conv1ᵀ(conv2ᵀ(g₂)·relu'(z₁)); relu'(z₂) belongs "
                                   "to g₂ only"}


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_residual_block_forward(student):
    x, params, g, _, answers = _block_case(3702)
    _, y, _ = _block(student, params, x, g)
    checks.check_array("ResidualBlock.forward(x)", y, answers[None]["y"], context=CONTEXT,
                       mistakes=[(answers[v]["y"], m) for v, m in FORWARD_SLIPS.items()])


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_residual_block_input_gradient(student):
    x, params, g, z2, answers = _block_case(3703)
    skip_without_mask = answers[None]["dx"] - g * (z2 > 0) + g
    _, _, dx = _block(student, params, x, g)
    checks.check_array("dx returned by ResidualBlock.backward(g)", dx, answers[None]["dx"], context=CONTEXT,
                       mistakes=[(answers["skip_not_in_backward"]["dx"],
                                  "the skip path is missing from backward: dx = g₂ + conv1ᵀ(conv2ᵀ(g₂)·relu'(z₁)) "
                                  "with g₂ = g·relu'(z₂); the g₂ term is the identity path"),
                                 (skip_without_mask, "the skip path gets g itself: it gets g₂ = g·relu'(z₂), "
                                                     "since the final relu comes after the addition"),
                                 *[(answers[v]["dx"], m) for v, m in {**BACKWARD_SLIPS, **FORWARD_SLIPS}.items()]],
                       factors=checks.layer_factors(2))


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_residual_block_initialisation(student):
    """ResidualBlock(4, rng=2): conv1 and conv2 are Conv2d(4, 4, 3, padding=1) drawn in that order from one
    generator (so they differ); ResidualBlock(4) without rng works too."""
    facts = student.harness("cnn").residual_init(4, 2)
    for label, convs in (("ResidualBlock(4, rng=2)", facts["seeded"]), ("ResidualBlock(4)", facts["default"])):
        for name, (W, b) in zip(("conv1", "conv2"), convs):
            checks.check_true(np.shape(W) == (4, 4, 3, 3) and np.shape(b) == (4,),
                              f"{label}.{name} should be Conv2d(4, 4, 3, padding=1): W (4, 4, 3, 3) and b (4,), not "
                              f"{np.shape(W)} and {np.shape(b)}")
            checks.check_true(not np.any(b), f"{label}.{name}.b should start at 0")
    (W1, _), (W2, _) = facts["seeded"]
    checks.check_true(not np.array_equal(W1, W2), "ResidualBlock(4, rng=2) gives conv1 and conv2 the same weights: "
                                                  "draw both from one generator, rng = np.random.default_rng(rng), "
                                                  "passed to each Conv2d in turn")
    checks.check_true(np.array_equal(W1, facts["one_generator"][0]) and np.array_equal(W2, facts["one_generator"][1]),
                      "ResidualBlock(4, rng=2) should draw conv1's and then conv2's weights from one generator "
                      "g = np.random.default_rng(2): Conv2d(4, 4, 3, padding=1, rng=g) twice; yours draws others")


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_residual_block_parameter_gradients(student):
    x, params, g, _, answers = _block_case(3704)
    earlier = np.random.default_rng(3705).normal(size=(1, 3, 4, 5))
    block, _, _ = _block(student, params, x, g, earlier=earlier)
    for k, (conv, name) in enumerate(((block.conv1, "conv1"), (block.conv2, "conv2"))):
        for i, attr in enumerate(("dW", "db")):
            checks.check_array(f"ResidualBlock.{name}.{attr}", getattr(conv, attr), answers[None]["grads"][2 * k + i],
                               context=CONTEXT + ", after a forward and backward on another batch",
                               mistakes=[(answers[v]["grads"][2 * k + i], m)
                                         for v, m in {**BACKWARD_SLIPS, **FORWARD_SLIPS}.items()],
                               factors=checks.layer_factors(2))


# ------------------------------------------------------------------------------- inputs left alone


@pytest.mark.grade(cell=CELL, points=0.125)
def test_layers_leave_their_inputs_unchanged(student):
    rng = np.random.default_rng(3706)
    conv_W, conv_b = rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2)
    block = [(rng.normal(0, 0.4, (3, 3, 3, 3)), rng.normal(0, 0.5, 3)) for _ in range(2)]
    x = rng.normal(size=(2, 3, 4, 6))
    cases = [("Conv2d(3, 2, 3, stride=1, padding=1)", "Conv2d", [3, 2, 3], {"stride": 1, "padding": 1},
              [conv_W, conv_b], x, rng.normal(size=(2, 2, 4, 6))),
             ("MaxPool2d(2)", "MaxPool2d", [2], {}, [], x, rng.normal(size=(2, 3, 2, 3))),
             ("AvgPool2d(2)", "AvgPool2d", [2], {}, [], x, rng.normal(size=(2, 3, 2, 3))),
             ("Flatten()", "Flatten", [], {}, [], x, rng.normal(size=(2, 72))),
             ("ResidualBlock(3)", "ResidualBlock", [3], {"rng": 0}, block, x, rng.normal(size=x.shape))]
    changed = student.harness("cnn").changed_inputs(cases)
    checks.check_true(not changed, f"{'; '.join(changed)}: layers must not change the arrays they are given (SPEC), "
                                   "nor fail on them; compute new arrays (y = x + ..., not x += ...)")
