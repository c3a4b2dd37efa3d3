"""Hidden tests of grade cell `test_mlp` (1 point): Linear and MLP on the engine, against torch.

Linear's and MLP's Tensors are built inside the sandbox (harness/nn.py); the grader writes its own
weights into each ``p.data`` in place (the SPEC: parameters() returns the Tensors themselves), so
the logits, the cross-entropy and every parameter's grad can be compared with torch's in float64.
The initial weights are checked as a statistic (N(0, 1/in), 120,000 draws: the 3 % tolerance is
7 standard errors) and for reproducibility, with every form of rng (a seed, a Generator, None,
left out).
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.a2_autograd.oracle import ALL_BUGS, BUGS, Program, hinted

CELL = "test_mlp"
ACTIVATIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}
N_IN, N_OUT = 400, 300
VAR_TOL = 0.03
SIZES = [4, 6, 5, 3]


def _torch_logits(params, x, activation, after_last=False):
    ts = checks.torch64(*params, grad=True)
    h = checks.torch64(x)
    for k in range(0, len(ts), 2):
        h = F.linear(h, ts[k], ts[k + 1])
        if k + 2 < len(ts) or after_last:
            h = ACTIVATIONS[activation](h)
    return ts, h


def torch_mlp(params, x, labels, activation, after_last=False):
    """(logits, CE, [dCE/dθ]) of the MLP with parameters ``params`` in torch float64."""
    ts, logits = _torch_logits(params, x, activation, after_last)
    loss = F.cross_entropy(logits, torch.tensor(np.asarray(labels), dtype=torch.long))
    loss.backward()
    return checks.numpy64(logits), float(loss.detach()), [checks.numpy64(t.grad) for t in ts]


def _names(n):
    return [f"{'W' if i % 2 == 0 else 'b'}{i // 2 + 1}" for i in range(n)]


def _shapes(sizes):
    return [shape for n_in, n_out in zip(sizes[:-1], sizes[1:]) for shape in ((n_out, n_in), (n_out,))]


def _check_parameters(facts, sizes, label):
    """parameters() facts (harness/nn.py) of a model of ``sizes``: Tensors requiring grad, PyTorch's shapes,
    biases zero. Returns the data arrays."""
    wanted = _shapes(sizes)
    facts = checks.check_list(f"{label}.parameters()", facts, len(wanted))
    names = _names(len(wanted)) if len(wanted) > 2 else ["W", "b"]
    out = []
    for name, fact, shape in zip(names, facts, wanted):
        checks.check_true(fact["tensor"], f"`{label}.parameters()` gives a {fact['type']} for {name}: it returns "
                                          "the layers' Tensors themselves")
        data = checks.as_numeric_array(f"{label} {name}.data", fact["data"])
        if len(shape) == 2 and data.shape == shape[::-1] and shape[0] != shape[1]:
            raise AssertionError(f"`{label}` {name} has shape {data.shape} = (in, out): the layout is transposed; "
                                 f"W has PyTorch's shape (out_features, in_features), here {shape}")
        checks.check_true(data.shape == shape, f"`{label}` {name} should have shape {shape} but has shape "
                                               f"{data.shape} (parameters() order: W1, b1, W2, b2, ...)")
        checks.check_true(fact["requires_grad"], f"`{label}` {name} has requires_grad False: W and b are created "
                                                 "with requires_grad=True")
        if len(shape) == 1:
            checks.check_true(not np.any(data), f"`{label}` {name} is not all zeros: biases start at 0")
        out.append(data)
    return out


def _draws(sizes, seed, transposed=False):
    """The SPEC's weights: each layer's rng.normal(0.0, 1/√in, (out, in)) in order from one generator."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, 1 / np.sqrt(n_in), (n_in, n_out)).T if transposed else
            rng.normal(0.0, 1 / np.sqrt(n_in), (n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _check_draws(label, weights, sizes, seed):
    """The weights are exactly the SPEC's draws (so a course's models, and a grader's replay, are reproducible)."""
    expected, transposed = _draws(sizes, seed), _draws(sizes, seed, transposed=True)
    for k, (W, e, t) in enumerate(zip(weights, expected, transposed)):
        checks.check_array(f"`{label}` W{k + 1 if len(weights) > 1 else ''}", W, e, generic=False,
                           context=f"the SPEC's draw: rng.normal(0.0, 1/√in, (out, in)) from np.random.default_rng(rng)"
                                   + (", layer after layer from one generator" if len(weights) > 1 else ""),
                           mistakes=[(t, "W was drawn as an (in, out) matrix and transposed: draw it in its own shape, "
                                         "rng.normal(0.0, 1/√in, (out, in))")])


@pytest.mark.grade(cell=CELL, points=0.25)
def test_linear_parameters_and_initialisation(student):
    harness = student.harness("nn")
    label = f"Linear({N_IN}, {N_OUT}, rng=3)"
    W, _ = _check_parameters(harness.linear_init(N_IN, N_OUT, 3), [N_IN, N_OUT], label)
    limit = 6 * np.sqrt(1 / N_IN / W.size)
    checks.check_true(abs(W.mean()) <= limit, f"the mean of {label}.W is {W.mean():.3g}; it should be 0")
    checks.check_statistic(f"the variance of {label}.W", W.var(), 1 / N_IN, VAR_TOL, context="W ~ N(0, 1/in)",
                           mistakes=[(1 / N_OUT, "used out_features instead of in_features: Var = 1/in"),
                                     (1 / N_IN ** 2, "1/in was used as the standard deviation: the scale is "
                                                     "1/√in (rng.normal(0.0, 1/√in, (out, in)))"),
                                     (1.0, "not scaled at all (a standard normal): the scale is 1/√in"),
                                     (2 / N_IN, "that is Kaiming's 2/in; Linear draws N(0, 1/in)")])
    again, _ = _check_parameters(harness.linear_init(N_IN, N_OUT, 3), [N_IN, N_OUT], label)
    checks.check_true(np.array_equal(W, again), f"{label} gives different weights on a second call with the same "
                                                "seed: draw only from np.random.default_rng(rng)")
    other, _ = _check_parameters(harness.linear_init(N_IN, N_OUT, 4), [N_IN, N_OUT], f"Linear({N_IN}, {N_OUT}, rng=4)")
    checks.check_true(not np.array_equal(W, other), f"Linear({N_IN}, {N_OUT}) gives the same weights with rng=3 and "
                                                    "rng=4: the rng argument is ignored")
    generator, _ = _check_parameters(harness.linear_init(N_IN, N_OUT, 3, "generator"), [N_IN, N_OUT],
                                     f"Linear({N_IN}, {N_OUT}, rng=np.random.default_rng(3))")
    checks.check_true(np.allclose(W, generator, rtol=1e-12, atol=0), f"Linear({N_IN}, {N_OUT}, "
                      "rng=np.random.default_rng(3)) differs from rng=3: rng may be a Generator; "
                      "np.random.default_rng(rng) accepts a seed, None or a Generator")
    _check_draws(label, [W], [N_IN, N_OUT], 3)
    for kind, text in (("none", "rng=None"), ("default", "no rng argument")):
        with hinted(f"Linear({N_IN}, {N_OUT}) with {text}", "Linear(in, out) must work with rng=None, its default "
                                                             "(np.random.default_rng(None) draws fresh randomness)"):
            facts = harness.linear_init(N_IN, N_OUT, None, kind)
        fresh, _ = _check_parameters(facts, [N_IN, N_OUT], f"Linear({N_IN}, {N_OUT}) with {text}")
        checks.check_statistic(f"the variance of Linear({N_IN}, {N_OUT}).W with {text}", fresh.var(), 1 / N_IN,
                               VAR_TOL, context="W ~ N(0, 1/in)")


@checks.cached
def _linear_case():
    rng = np.random.default_rng(10001)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    ts = checks.torch64(W, b, grad=True)
    xt = checks.torch64(x, grad=True)
    y = F.linear(xt, ts[0], ts[1])
    y.backward(checks.torch64(g))
    return W, b, x, g, checks.numpy64(y), [checks.numpy64(t.grad) for t in ts], checks.numpy64(xt.grad)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_linear_forward_and_backward(student):
    """Linear(4, 3) with W (3, 4), b (3,) set: y = x Wᵀ + b on x (5, 4); y.backward(g) gives W, b and x their
    grads; an ndarray x is accepted too."""
    W, b, x, g, y, (dW, db), dx = _linear_case()
    with hinted("Linear(4, 3) on x (5, 4), then y.backward(g)",
                "Linear computes x @ W.T + b, W of PyTorch's layout (out, in) = (3, 4): x @ W without the transpose "
                "only runs when W is square"):
        got = student.harness("nn").linear_run(4, 3, [W, b], x, g)
    context = "Linear(4, 3) with W (3, 4) and b (3,) written into W.data and b.data; x (5, 4); y.backward(g)"
    checks.check_array("Linear(x)", got["y"], y, context=context,
                       mistakes=[(x @ W.T, "the bias b is missing: y = x @ W.T + b"),
                                 (x @ W.T - b, "the bias is subtracted: y = x @ W.T + b")])
    checks.check_array("Linear(ndarray x)", got["y_from_array"], y,
                       context="Linear called on the ndarray x: an ndarray is wrapped in a Tensor")
    for name, actual, expected in (("W.grad", got["grads"][0], dW), ("b.grad", got["grads"][1], db),
                                   ("x.grad", got["x_grad"], dx)):
        checks.check_true(actual is not None, f"`{name}` is None after y.backward(g) ({context})")
        checks.check_array(name, actual, expected, context=context, factors=checks.layer_factors(5),
                           mistakes=[(g.mean(axis=0), "b's gradient is averaged over the batch: the broadcast axis "
                                                      "is summed (unbroadcast)")] if name == "b.grad" else ())


@checks.cached
def _mlp_case(activation):
    """θ for MLP([4, 6, 5, 3]), x (7, 4) and labels without class 1, drawn until every hidden pre-activation is
    ≥ 0.05 from 0 (relu's kink); torch's logits, CE and grads, and the slips' logits."""
    rng = np.random.default_rng(10002 + list(ACTIVATIONS).index(activation))
    while True:
        params = []
        for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
            params += [rng.normal(0, 1 / np.sqrt(n_in), size=(n_out, n_in)), rng.normal(0, 0.5, size=n_out)]
        x = rng.normal(size=(7, 4))
        h, off = x, True
        for k in range(0, len(params) - 2, 2):
            z = h @ params[k].T + params[k + 1]
            off, h = off and bool(np.min(np.abs(z)) >= 0.05), checks.numpy64(ACTIVATIONS[activation](checks.torch64(z)))
        if off:
            break
    labels = np.array([0, 2, 2, 0, 2, 0, 0])
    expected = torch_mlp(params, x, labels, activation)
    model = _engine_model(params, x, labels, activation)
    slips = [(torch_mlp(params, x, labels, activation, after_last=True),
              "an activation was applied after the last layer: the MLP returns raw logits")]
    slips += [(torch_mlp(params, x, labels, other), f"the activation argument is ignored: {other} was applied, not "
                                                    f"{activation}") for other in ACTIVATIONS if other != activation]
    return params, x, labels, expected, slips, model


def _engine_model(params, x, labels, activation):
    """The reference MLP as a program (x @ W.T + b, the activation between layers, cross_entropy), whose engine
    model (oracle.Engine) gives the logits, loss and grads an engine with one slip would give."""
    p = Program()
    h = p.leaf("x", x, requires_grad=False)
    for k in range(len(params) // 2):
        W, b = p.leaf(f"W{k + 1}", params[2 * k]), p.leaf(f"b{k + 1}", params[2 * k + 1])
        p(f"W{k + 1}T", "T", W)
        p(f"h{k + 1}", "matmul", h, f"W{k + 1}T")
        h = p(f"z{k + 1}", "add", f"h{k + 1}", b)
        if 2 * k + 2 < len(params):
            h = p(f"f{k + 1}", activation, h)
    p.backward(p("loss", "cross_entropy", h, labels))
    return p, h


def _engine_slips(model, what, i=None):
    """[(candidate, message)] for the logits ("logits"), the loss ("loss") or parameter i's grad ("grad")."""
    p, logits = model
    names = _names(6)

    def pick(bug):
        run = p.simulate(bug)
        return {"logits": lambda: run["values"][logits], "loss": lambda: run["values"]["loss"],
                "grad": lambda: run["grads"][names[i]]}[what]()
    return [(lambda bug=bug: pick(bug), BUGS[bug]) for bug in ALL_BUGS]


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_mlp_cross_entropy_gradients_match_torch(student):
    """MLP([4, 6, 5, 3]) with each activation and grader-set weights: logits, cross_entropy and every parameter's
    grad after loss.backward()."""
    for activation in ACTIVATIONS:
        params, x, labels, (logits, loss, grads), slips, model = _mlp_case(activation)
        with hinted(f"MLP([4, 6, 5, 3], activation='{activation}'), cross_entropy and backward"):
            got = student.harness("nn").mlp_run(SIZES, activation, [p.copy() for p in params], x, labels)
        context = (f"MLP([4, 6, 5, 3], activation='{activation}') with the grader's weights written into each "
                   "p.data; x (7, 4); loss = cross_entropy(model(x), labels); loss.backward()")
        checks.check_array("model(x)", got["logits"], logits, context=context,
                           mistakes=[(s[0], message) for s, message in slips] + _engine_slips(model, "logits"))
        checks.check_scalar("cross_entropy(model(x), labels)", got["loss"], loss, context=context,
                            mistakes=[(s[1], message) for s, message in slips] + _engine_slips(model, "loss"))
        actual = checks.check_list("the parameters' grads", got["grads"], 6)
        for i, name in enumerate(_names(6)):
            checks.check_true(actual[i] is not None, f"`{name}.grad` is None after loss.backward() ({context})")
            checks.check_array(f"{name}.grad", actual[i], grads[i], context=context,
                               factors=checks.batch_factors(7),
                               mistakes=[(s[2][i], message) for s, message in slips] + _engine_slips(model, "grad", i))


@checks.cached
def _default_case():
    params, x, labels, (logits, _, _), _, _ = _mlp_case("tanh")
    others = [(torch_mlp(params, x, labels, other)[0], f"MLP(sizes) without an activation applies {other}: the "
                                                       "default is activation=\"tanh\"") for other in ("relu", "sigmoid")]
    return params, x, labels, logits, others


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_mlp_defaults_parameters_and_rng(student):
    """MLP(sizes) alone uses tanh; parameters() is [W1, b1, W2, b2, W3, b3] of PyTorch's shapes; one generator for
    every layer (layers of equal shape differ), the same seed the same model, rng a Generator or None."""
    params, x, labels, logits, others = _default_case()
    harness = student.harness("nn")
    sizes = [5, 5, 5, 5]
    first = _check_parameters(harness.mlp_init(sizes, "tanh", 1), sizes, "MLP([5, 5, 5, 5], 'tanh', rng=1)")
    checks.check_true(not (np.array_equal(first[0], first[2]) or np.array_equal(first[2], first[4])),
                      "MLP([5, 5, 5, 5], rng=1) gives layers of the same shape identical weights: create one "
                      "generator with np.random.default_rng(rng) and draw every layer from it, in order")
    again = _check_parameters(harness.mlp_init(sizes, "tanh", 1), sizes, "MLP([5, 5, 5, 5], 'tanh', rng=1)")
    checks.check_true(all(np.array_equal(a, b) for a, b in zip(first, again)),
                      "MLP([5, 5, 5, 5], rng=1) gives different weights on a second call with the same seed: draw "
                      "only from np.random.default_rng(rng)")
    generator = _check_parameters(harness.mlp_init(sizes, "tanh", 1, "generator"), sizes,
                                  "MLP([5, 5, 5, 5], 'tanh', rng=np.random.default_rng(1))")
    checks.check_true(all(np.allclose(a, b, rtol=1e-12, atol=0) for a, b in zip(first, generator)),
                      "MLP([5, 5, 5, 5], rng=np.random.default_rng(1)) differs from rng=1: rng may be a Generator; "
                      "np.random.default_rng(rng) accepts a seed, None or a Generator")
    mixed = [4, 6, 5, 3]
    _check_draws("MLP([4, 6, 5, 3], 'tanh', rng=2)", _check_parameters(harness.mlp_init(mixed, "tanh", 2), mixed,
                 "MLP([4, 6, 5, 3], 'tanh', rng=2)")[0::2], mixed, 2)
    with hinted("MLP([4, 6, 5, 3]) without activation and rng", "MLP(sizes) must work with its defaults "
                                                                  "activation=\"tanh\" and rng=None"):
        got = harness.mlp_run(SIZES, None, [p.copy() for p in params], x, labels)
    checks.check_array("MLP([4, 6, 5, 3])(x)", got["logits"], logits, mistakes=others,
                       context="the default activation, with the grader's weights written into each p.data")
    with hinted("MLP([4, 6, 5, 3]) without rng", "MLP(sizes) must work with rng=None, its default"):
        _check_parameters(harness.mlp_init(SIZES, None, None, "default"), SIZES, "MLP([4, 6, 5, 3])")
