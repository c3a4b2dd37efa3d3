"""Hidden tests of grade cell `test_training` (1 point): SGD on Tensors, and train, by replay and by outcome.

SGD: A1's hand figures (W = 1, g = 0.1, lr = 0.9: 0.91 → 0.82; momentum 0.9: 0.91 → 0.739), a
trajectory against torch's rule (v ← γv + g, θ ← θ − η·v: the same as A1's v ← γv + η·g, θ ← θ − v
for a constant η), a parameter without grad skipped, p.data updated in place, zero_grad.

train is checked by replay, not only by outcome: the SPEC says it builds
``MLP([D, *hidden, C], "tanh", rng)`` with C = max(y) + 1 and runs ``epochs`` full-batch SGD(lr)
steps on the mean cross-entropy, zeroing the grads each step. So the student's own initial model
(the same constructor and seed, read inside the sandbox) trained in torch float64 by that recipe
must give the student's trained parameters within :data:`checks.TIGHT`; a correct engine is
~1e-13 away after 300 steps. The slips named (lr, epochs, rng or activation ignored, one step more
or fewer, grads never zeroed, a summed loss, momentum) are ≥ 1e-3 away.
"""
import functools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.a2_autograd.oracle import hinted

CELL = "test_training"
ACTIVATIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}
REPLAY = dict(hidden=(5, 4), epochs=11, lr=0.3, rng=5)
DEFAULTS = dict(hidden=(16,), epochs=300, lr=0.5, rng=0)


# ------------------------------------------------------------------------------------------ SGD


def _sgd(p0, grads, lr, momentum, bug=None):
    """θ after each step of A1's SGD rule (v ← γv + η·g; θ ← θ − v; a None grad skips its parameter), or of a
    slip: "sign" (θ ← θ + v), "dampened" (v ← γv + (1 − γ)η·g), "no_momentum", "frozen" (θ never changes)."""
    ps, vs, out = [np.array(p, dtype=float) for p in p0], [np.zeros(np.shape(p)) for p in p0], []
    for gs in grads:
        for i, g in enumerate(gs):
            if g is None or bug == "frozen":
                continue
            gamma = 0.0 if bug == "no_momentum" else momentum
            vs[i] = gamma * vs[i] + ((1 - gamma) if bug == "dampened" else 1.0) * lr * g
            ps[i] = ps[i] + vs[i] if bug == "sign" else ps[i] - vs[i]
        out.append([p.copy() for p in ps])
    return out


SGD_SLIPS = {"sign": "the parameter moved up the gradient (θ ← θ + v): v ← γv + η·g; θ ← θ − v",
             "dampened": "the gradient is dampened by (1 − γ): v ← γv + η·g",
             "no_momentum": "the momentum is ignored (plain SGD steps): v ← γv + η·g; θ ← θ − v",
             "frozen": "p.data never changes: step() must update each parameter's own p.data in place (p.data -= v); "
                       "a new Tensor, or a new array bound to a local name, leaves the model as it was"}


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sgd_hand_figures_in_place_and_zero_grad(student):
    """SGD([W], lr=0.9) from W = 1 with grad 0.1: 0.91, 0.82; with momentum=0.9: 0.91, 0.739. p.data is updated in
    place; zero_grad clears the grads."""
    harness = student.harness("nn")
    for momentum, figures in ((None, [0.91, 0.82]), (0.9, [0.91, 0.739])):
        label = "SGD([W], lr=0.9)" + ("" if momentum is None else f" with momentum={momentum}")
        got = harness.sgd_run([np.array([[1.0]])], [[np.array([[0.1]])]] * 2, 0.9, momentum)
        for k, (theta, figure) in enumerate(zip(checks.check_list(f"{label} trajectory", got["trajectory"], 2), figures)):
            slips = [(_sgd([np.array([[1.0]])], [[np.array([[0.1]])]] * 2, 0.9, momentum or 0.0, bug)[k][0], message)
                     for bug, message in SGD_SLIPS.items()]
            checks.check_array(f"W.data after step {k + 1}", theta[0], np.array([[figure]]), show_values=True,
                               context=f"{label} from W = 1 with W.grad = 0.1 at each step", generic=False,
                               mistakes=slips)
        moved = [k + 1 for k, same in enumerate(got["in_place"]) if not all(same)]
        checks.check_true(not moved, f"{label}.step() replaced p.data by a new array at step {moved[0] if moved else ''}:"
                                     " step() updates p.data in place (p.data -= ..., the same ndarray object), so "
                                     "everything holding that array sees the update (SPEC)")
        left = [g for g in got["after_zero_grad"] if g is not None and (not isinstance(g, (np.ndarray, float, int))
                                                                       or np.any(g))]
        checks.check_true(not left, f"{label}.zero_grad() left W.grad set: it clears every parameter's grad "
                                    "(None or zeros)")


@checks.cached
def _sgd_problem():
    """θ₀ = [W (3, 4), b (4,), c ()] and 5 steps of grads; c has no grad (None) at step 3."""
    rng = np.random.default_rng(11001)
    p0 = [rng.normal(size=(3, 4)), rng.normal(size=4), np.array(0.7)]
    grads = [[checks.off_kinks(rng, p.shape, 0.1, 2.0) for p in p0] for _ in range(5)]
    grads[2][2] = None
    return p0, grads


@checks.cached
def _torch_sgd(lr, momentum):
    """θ after each step of torch.optim.SGD's rule (buf ← γ·buf + g; θ ← θ − η·buf), skipping a None grad."""
    p0, grads = _sgd_problem()
    ps, bufs, out = [p.copy() for p in p0], [None] * len(p0), []
    for gs in grads:
        for i, g in enumerate(gs):
            if g is None:
                continue
            bufs[i] = g.copy() if bufs[i] is None or momentum == 0 else momentum * bufs[i] + g
            ps[i] = ps[i] - lr * bufs[i]
        out.append([p.copy() for p in ps])
    return out


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_sgd_trajectory_matches_torch(student):
    """5 steps on [W (3, 4), b (4,), c ()] with momentum 0.9 and 0.0 (given explicitly; the hand figures leave it
    out); c's grad is None at step 3 (skipped)."""
    p0, grads = _sgd_problem()
    for lr, momentum in ((0.1, 0.9), (0.3, 0.0)):
        label = f"SGD(params, lr={lr}" + ("" if momentum is None else f", momentum={momentum}") + ")"
        expected = _torch_sgd(lr, momentum or 0.0)
        wrong = [(_sgd(p0, grads, lr, momentum or 0.0, bug), message) for bug, message in SGD_SLIPS.items()]
        got = student.harness("nn").sgd_run([p.copy() for p in p0], grads, lr, momentum)
        for k, thetas in enumerate(checks.check_list(f"{label} trajectory", got["trajectory"], 5)):
            for i, name in enumerate(("W", "b", "c")):
                checks.check_array(f"{name}.data after step {k + 1}", thetas[i], expected[k][i], **checks.TRAJECTORY,
                                   context=f"{label} on [W (3, 4), b (4,), c ()]; c.grad is None at step 3 (a parameter "
                                           "without grad is skipped, its velocity unchanged)", generic=False,
                                   mistakes=[(w[k][i], message) for w, message in wrong])
    # A training loop calls zero_grad() before every step: it clears the grads, never the velocities.
    label = "SGD(params, lr=0.1, momentum=0.9) with zero_grad() before each step"
    expected, reset = _torch_sgd(0.1, 0.9), _sgd(p0, grads, 0.1, 0.9, "no_momentum")
    got = student.harness("nn").sgd_run([p.copy() for p in p0], grads, 0.1, 0.9, zero_between=True)
    for k, thetas in enumerate(checks.check_list(f"{label} trajectory", got["trajectory"], 5)):
        for i, name in enumerate(("W", "b", "c")):
            checks.check_array(f"{name}.data after step {k + 1}", thetas[i], expected[k][i], **checks.TRAJECTORY,
                               context=label, generic=False,
                               mistakes=[(reset[k][i], "zero_grad() reset the velocities, so the momentum is lost: "
                                                       "zero_grad clears every parameter's grad only; the velocities "
                                                       "live on between steps")])


# ------------------------------------------------------------------------------------------ train


@checks.cached
def _replay_data():
    """X (10, 3) and labels 0, 1, 3 (class 2 never occurs, yet gets an output: C = 4)."""
    return np.random.default_rng(11002).normal(size=(10, 3)), np.array([0, 3, 1, 3, 0, 1, 3, 0, 1, 3])


@checks.cached
def _defaults_data():
    """X (6, 2), labels 0..2: small, so 300 replayed epochs stay cheap."""
    return np.random.default_rng(11003).normal(size=(6, 2)), np.array([0, 1, 2, 2, 1, 0])


def _torch_train(params0, X, y, activation, lr, counts, momentum=0.0, zero=True, loss_scale=1.0):
    """{t: θ after t full-batch SGD steps} for t in ``counts``, from θ₀, in float64: logits of the MLP, F.cross_entropy
    (mean) × loss_scale, backward, θ ← θ − v with v ← momentum·v + lr·g; ``zero=False``: the grads are never zeroed
    (they accumulate over the epochs)."""
    ts = [checks.torch64(p, grad=True) for p in params0]
    vs = [torch.zeros_like(t) for t in ts]
    xt, yt = checks.torch64(X), torch.tensor(np.asarray(y), dtype=torch.long)
    out = {0: [np.array(p, dtype=float) for p in params0]}
    for t in range(1, max(counts) + 1):
        if zero:
            for p in ts:
                p.grad = None
        h = xt
        for k in range(0, len(ts), 2):
            h = F.linear(h, ts[k], ts[k + 1])
            if k + 2 < len(ts):
                h = ACTIVATIONS[activation](h)
        (F.cross_entropy(h, yt) * loss_scale).backward()
        with torch.no_grad():
            for p, v in zip(ts, vs):
                v.mul_(momentum).add_(lr * p.grad)
                p.sub_(v)
        if t in counts:
            out[t] = [checks.numpy64(p) for p in ts]
    return out


def _student_init(student, sizes, rng):
    facts = student.harness("nn").mlp_init(list(sizes), "tanh", rng)
    facts = checks.check_list(f"MLP({list(sizes)}, 'tanh', rng={rng}).parameters()", facts, 2 * (len(sizes) - 1))
    return [checks.as_numeric_array(f"parameter {i}", f["data"]) for i, f in enumerate(facts)]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(np.shape(p) == np.shape(q) and np.array_equal(p, q) for p, q in zip(a, b))


def _check_replay(student, X, y, kwargs, settings, slips, probes=()):
    """``train(X, y, **kwargs)`` against the torch replay of ``settings`` from the student's own initial MLP.
    ``slips``: [(changes to the replay, message)] named when the answer matches them; ``probes``: [(changes to
    the call, message)]: if the answer is wrong and the changed call gives the same answer, the argument is
    ignored."""
    sizes = [X.shape[1], *settings["hidden"], int(y.max()) + 1]
    call = "train(X, y" + "".join(f", {k}={v!r}" for k, v in kwargs.items()) + ")"
    labels = sorted(set(y.tolist()))
    harness = student.harness("nn")
    with hinted(f"{call}; the labels are {', '.join(map(str, labels))}, so the model has "
                          f"C = max(y) + 1 = {sizes[-1]} outputs (a class that never occurs still gets its output)"):
        got = harness.train_run(X, y, kwargs)
    params = got["params"]
    shapes = [tuple(np.shape(p)) for p in params] if isinstance(params, (list, tuple)) else None
    checks.check_true(shapes == _shapes(sizes),
                      f"{call} should build MLP({sizes}): D = {sizes[0]} features, hidden = {settings['hidden']}, "
                      f"C = max(y) + 1 = {sizes[-1]} outputs (the labels are {', '.join(map(str, labels))}: a class "
                      f"that never occurs still gets its output); but the trained parameters have shapes {shapes}")
    trained = [checks.as_numeric_array(f"trained parameter {i}", p) for i, p in enumerate(params)]
    init = _student_init(student, sizes, settings["rng"])

    @functools.cache
    def replay(activation="tanh", lr=settings["lr"], epochs=settings["epochs"], rng=settings["rng"], momentum=0.0,
               zero=True, loss_scale=1.0):
        p0 = init if rng == settings["rng"] else _student_init(student, sizes, rng)
        return _torch_train(p0, X, y, activation, lr, (epochs,), momentum, zero, loss_scale)[epochs]

    expected = replay()
    if not all(np.shape(a) == np.shape(e) and np.allclose(a, e, rtol=checks.RTOL, atol=checks.ATOL)
               for a, e in zip(trained, expected)):
        for change, message in probes:
            with hinted(f"{call} with {change}"):
                other = harness.train_run(X, y, {**kwargs, **change})["params"]
            checks.check_true(not _same(trained, [np.asarray(p, dtype=float) for p in other]), message)
    context = (f"{call}, replayed in torch from your MLP({sizes}, 'tanh', rng={settings['rng']})'s initial weights: "
               f"{settings['epochs']} full-batch steps of SGD(lr={settings['lr']}) on the mean cross-entropy, the grads "
               "zeroed before each backward")
    names = [f"{'W' if i % 2 == 0 else 'b'}{i // 2 + 1}" for i in range(len(trained))]
    for i, name in enumerate(names):
        checks.check_array(f"trained {name}", trained[i], expected[i], context=context, generic=False,
                           mistakes=[(lambda change=change, i=i: replay(**change)[i], message)
                                     for change, message in slips])


def _shapes(sizes):
    return [shape for n_in, n_out in zip(sizes[:-1], sizes[1:]) for shape in ((n_out, n_in), (n_out,))]


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_train_replays_in_torch(student):
    """train(X, y, hidden=(5, 4), epochs=11, lr=0.3, rng=5) on labels 0, 1, 3: the same training replayed in torch."""
    X, y = _replay_data()
    s = REPLAY
    n = len(y)
    _check_replay(student, X, y, REPLAY, REPLAY, [
        ({"lr": DEFAULTS["lr"]}, f"the lr argument is ignored: SGD ran with lr={DEFAULTS['lr']} (the default), "
                                 f"not lr={s['lr']}"),
        ({"epochs": s["epochs"] - 1}, f"one step too few: train runs exactly epochs = {s['epochs']} steps"),
        ({"epochs": s["epochs"] + 1}, f"one step too many: train runs exactly epochs = {s['epochs']} steps"),
        ({"rng": DEFAULTS["rng"]}, f"the rng argument is ignored: the model was built with rng={DEFAULTS['rng']}, "
                                   f"not rng={s['rng']}; build MLP([D, *hidden, C], \"tanh\", rng)"),
        ({"activation": "relu"}, "the model uses relu: train builds MLP([D, *hidden, C], \"tanh\", rng)"),
        ({"activation": "sigmoid"}, "the model uses sigmoid: train builds MLP([D, *hidden, C], \"tanh\", rng)"),
        ({"zero": False}, "the grads are never zeroed, so they accumulate over the epochs: zero them (SGD.zero_grad()) "
                          "before each backward"),
        ({"loss_scale": float(n)}, f"the loss is summed over the batch (N = {n} times the mean): cross_entropy is "
                                   "the mean"),
        ({"momentum": 0.9}, "SGD ran with momentum 0.9: train uses SGD(model.parameters(), lr), no momentum"),
    ], probes=[({"epochs": s["epochs"] + 1}, f"the epochs argument is ignored: epochs={s['epochs']} and "
                                             f"epochs={s['epochs'] + 1} give the same parameters"),
               ({"lr": 0.05}, "the lr argument is ignored: lr=0.3 and lr=0.05 give the same "
                                                "parameters")])


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_train_defaults_replay_in_torch(student):
    """train(X, y) alone: hidden=(16,), 300 epochs, lr=0.5, rng=0, replayed in torch."""
    X, y = _defaults_data()
    e = DEFAULTS["epochs"]
    _check_replay(student, X, y, {}, DEFAULTS, [
        ({"epochs": e - 1}, f"one step too few: train runs exactly epochs = {e} steps"),
        ({"epochs": e + 1}, f"one step too many: train runs exactly epochs = {e} steps"),
        ({"lr": 0.1}, "the default lr is 0.5, not 0.1"),
        ({"lr": 0.05}, "the default lr is 0.5, not 0.05"),
    ])
    with hinted("train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0)"):
        spelled = student.harness("nn").train_run(X, y, DEFAULTS)["params"]
    with hinted("train(X, y)"):
        plain = student.harness("nn").train_run(X, y, {})["params"]
    checks.check_true(_same([np.asarray(p, dtype=float) for p in plain], [np.asarray(p, dtype=float) for p in spelled]),
                      "train(X, y) and train(X, y, hidden=(16,), epochs=300, lr=0.5, rng=0) give different "
                      "parameters: the defaults must be exactly the SPEC's, and train deterministic")


def _accuracy(got, y):
    logits = checks.as_numeric_array("the trained model's logits", got["logits"])
    checks.check_true(logits.shape == (len(y), int(y.max()) + 1), f"the trained model's logits have shape "
                                                                   f"{logits.shape}, not {(len(y), int(y.max()) + 1)}")
    return float(np.mean(np.argmax(logits, axis=1) == y))


@pytest.mark.grade(cell=CELL, points=0.125)
def test_train_solves_xor(student):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    with hinted("train(X, y) on XOR with the default arguments"):
        got = student.harness("nn").train_run(X, y, {})
    acc = _accuracy(got, y)
    checks.check_true(acc == 1.0, f"train(X, y) on XOR reaches {acc:.0%} training accuracy; a correct engine with "
                                  "MLP([2, 16, 2], 'tanh') and SGD(lr=0.5) gets 100% in 300 full-batch epochs")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_train_separates_three_blobs(student):
    rng = np.random.default_rng(11004)
    centers = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    y = np.repeat(np.arange(3), 20)
    X = centers[y] + rng.normal(0, 0.8, size=(60, 2))
    order = rng.permutation(60)
    X, y = X[order], y[order]
    with hinted("train(X, y, hidden=(8,), epochs=100, lr=0.5, rng=1) on three blobs"):
        got = student.harness("nn").train_run(X, y, dict(hidden=(8,), epochs=100, lr=0.5, rng=1))
    acc = _accuracy(got, y)
    checks.check_true(acc >= 0.9, f"train on three well-separated Gaussian blobs (60 points) reaches {acc:.0%} "
                                  "training accuracy; it should reach at least 90%")
