"""Hidden tests of grade cell `test_training` (1 point): train_cnn, by replay and by outcome.

Replay: the SPEC says exactly what train_cnn draws and runs (one generator: the model's weights, then one
permutation per epoch; mini-batches of ``batch_size`` in that order, the last one smaller; A1's Adam(lr) on the
mean cross-entropy). The harness (harness/cnn.py) builds the student's own initial SimpleCNN from such a
generator inside the sandbox and draws the permutations after it; torch float64 then trains that model by the
recipe, and the student's trained parameters must match within checks.TIGHT (a correct solution is ~1e-14
away after 9 and after 20 steps). Each slip named (lr, epochs, batch size or rng ignored, no shuffling, one
permutation for every epoch, shuffles from a new generator, the last batch dropped, Adam rebuilt, plain SGD, one
step per epoch from the last batch) is replayed only when the answer is wrong; a model that never changes (the
parameters opt.step returns thrown away) is its initial parameters, named before the arguments are probed.

Outcome: the defaults on 200 noisy 8×8 bar images reach ≥ 95 % on 200 new ones. bench/a3_cnn_training_seeds.py
measured this over 50 seeds of the data and of train_cnn's rng, for the reference and three correct variants
(figures in the SPEC); this test's own seeds are among the ordinary ones, with room above the threshold.
"""
import contextlib
import functools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.a3_cnn.oracle import hinted

CELL = "test_training"
REPLAY = dict(epochs=3, lr=0.02, batch_size=8, rng=5)
DEFAULTS = dict(epochs=10, lr=0.03, batch_size=16, rng=0)
NAMES = ("conv.W", "conv.b", "fc.W", "fc.b")

# The first torch optimizer imports torch._dynamo (~2 s): pay it at collection, outside the tests' time limits.
torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.1)


def _logits(ts, x):
    h = F.max_pool2d(torch.relu(F.conv2d(x, ts[0], ts[1], padding=1)), 2)
    return F.linear(torch.flatten(h, 1), ts[2], ts[3])


def torch_train(params0, X, y, orders, lr, batch_size, optimizer="Adam", rebuild=None, drop_last=False,
                steps="batch"):
    """The parameters after training from ``params0`` by the SPEC's recipe in float64, one epoch per entry of
    ``orders``; ``rebuild``: "epoch" or "batch" makes a new Adam that often (a slip); ``drop_last``: the smaller
    last batch is skipped (a slip); ``steps="epoch"``: one step per epoch, after the batch loop, so with the last
    batch's gradient only (a slip: every backward sets the gradients, and the model does not change in between)."""
    ts = [checks.torch64(p, grad=True) for p in params0]
    xt, yt = checks.torch64(X), torch.tensor(np.asarray(y), dtype=torch.long)
    make = lambda: getattr(torch.optim, optimizer)(ts, lr=lr)  # noqa: E731
    opt = make()
    for order in orders:
        if rebuild == "epoch":
            opt = make()
        starts = list(range(0, len(order), batch_size))
        for start in starts[-1:] if steps == "epoch" else starts:
            batch = torch.tensor(np.asarray(order[start:start + batch_size]), dtype=torch.long)
            if drop_last and len(batch) < batch_size:
                break
            if rebuild == "batch":
                opt = make()
            opt.zero_grad()
            F.cross_entropy(_logits(ts, xt[batch]), yt[batch]).backward()
            opt.step()
    return [checks.numpy64(t) for t in ts]


def _shapes(in_shape, classes, channels=4):
    C, H, W = in_shape
    return [(channels, C, 3, 3), (channels,), (classes, channels * (H // 2) * (W // 2)), (classes,)]


def _close(got, wanted) -> bool:
    """Every array of ``got`` has its partner's shape and is within checks.TIGHT of it."""
    return all(g.shape == w.shape and np.allclose(g, w, **checks.TIGHT) for g, w in zip(got, wanted))


def _same(a, b) -> bool:
    try:
        return len(a) == len(b) and all(np.shape(p) == np.shape(q) and np.array_equal(p, q) for p, q in zip(a, b))
    except (TypeError, ValueError):
        return False


def _trained(student, X, y, kwargs, call):
    with hinted(call):
        got = student.train_cnn(X, y, **kwargs).parameters()
    return got


def _check_replay(student, X, y, kwargs, settings, call, slips, probes=()):
    """train_cnn(X, y, **kwargs) against the torch replay of ``settings`` (epochs, lr, batch_size, rng) from the
    student's own SimpleCNN and permutations. ``slips``: [(changes to the replay, message)], named when the answer
    matches one; ``probes``: [(changes to the call, message)]: if the answer is wrong and the changed call gives the
    same parameters, that argument is ignored."""
    N, in_shape, classes = len(y), tuple(X.shape[1:]), int(y.max()) + 1
    labels = ", ".join(map(str, sorted(set(y.tolist()))))
    gap = len(set(y.tolist())) < classes
    with checks.explained(f"the labels are {labels}, so the model needs n_classes = max(y) + 1 = {classes} outputs (a "
                          "class that never occurs still gets its output)") if gap else contextlib.nullcontext():
        got = _trained(student, X, y, kwargs, call)
    wanted = _shapes(in_shape, classes)
    shapes = [tuple(np.shape(p)) for p in got] if isinstance(got, (list, tuple)) else None
    checks.check_true(shapes == wanted, f"{call} should build SimpleCNN({in_shape}, {classes}): the labels are {labels}, "
                                        f"so n_classes = max(y) + 1 = {classes} (a class that never occurs still gets "
                                        f"its output); parameters() should have shapes {wanted}, not {shapes}")
    trained = [checks.as_numeric_array(f"trained {name}", p) for name, p in zip(NAMES, got)]
    harness = student.harness("cnn")

    @functools.cache
    def setup(seed):
        with hinted(f"SimpleCNN({in_shape}, {classes}, rng=np.random.default_rng({seed})), as train_cnn builds it"):
            facts = harness.training_setup(in_shape, classes, seed, N, settings["epochs"] + 1)
        return [checks.as_numeric_array(f"initial {name}", p) for name, p in zip(NAMES, facts["params"])], \
            [np.asarray(o) for o in facts["orders"]]

    @functools.cache
    def replay(epochs=settings["epochs"], lr=settings["lr"], batch_size=settings["batch_size"], rng=settings["rng"],
               shuffle="spec", optimizer="Adam", rebuild=None, drop_last=False, steps="batch"):
        params0, orders = setup(rng)
        if shuffle == "none":
            orders = [np.arange(N)] * epochs
        elif shuffle == "first_only":
            orders = [orders[0]] * epochs
        elif shuffle == "fresh":
            fresh = np.random.default_rng(rng)
            orders = [fresh.permutation(N) for _ in range(epochs)]
        elif shuffle == "fresh_each_epoch":
            orders = [np.random.default_rng(rng).permutation(N)] * epochs
        else:
            orders = orders[:epochs]
        return torch_train(params0, X, y, orders, lr, batch_size, optimizer, rebuild, drop_last, steps)

    expected = replay()
    if not _close(trained, expected):
        checks.check_true(not _close(trained, setup(settings["rng"])[0]),
                          f"{call} returns the model with its initial parameters: the model never changes. opt.step "
                          "returns the updated parameters (A1's Adam leaves the arrays it is given alone): install "
                          "them after every batch with model.set_parameters(opt.step(model.parameters(), "
                          "model.gradients()))")
        for change, message in probes:
            other = _trained(student, X, y, {**kwargs, **change}, f"{call} with {change}")
            checks.check_true(not _same(trained, [np.asarray(p, dtype=float) for p in other]), message)
        again = _trained(student, X, y, kwargs, call)
        checks.check_true(_same(trained, [np.asarray(p, dtype=float) for p in again]),
                          f"{call} gives different parameters on a second call with the same arguments: draw "
                          f"everything from one generator np.random.default_rng(rng) (rng = {settings['rng']} here) "
                          "and nothing else at random")
    context = (f"{call}, replayed in torch from your SimpleCNN({in_shape}, {classes}, rng=default_rng("
               f"{settings['rng']})) and the {settings['epochs']} permutations drawn after it: batches of "
               f"{settings['batch_size']} in that order, Adam(lr={settings['lr']}) on the mean cross-entropy")
    for i, name in enumerate(NAMES):
        checks.check_array(f"trained {name}", trained[i], expected[i], context=context, generic=False,
                           mistakes=[(lambda change=change, i=i: replay(**change)[i], message)
                                     for change, message in slips])


def _replay_data():
    """X (20, 2, 6, 5) and labels 0, 1, 3 (class 2 never occurs, yet gets an output)."""
    rng = np.random.default_rng(3901)
    return rng.normal(size=(20, 2, 6, 5)), np.array([0, 3, 1, 3, 0, 1, 3, 0, 1, 3, 1, 1, 0, 3, 0, 0, 1, 3, 3, 0])


ONCE_PER_EPOCH = ("the optimizer steps once per epoch, with the last batch's gradient only (opt.step and "
                  "set_parameters sit after the batch loop): update the parameters after every batch, inside the loop")

SHUFFLE_SLIPS = [
    ({"shuffle": "none"}, "the batches are not shuffled: each epoch draws order = rng.permutation(N) and takes the "
                          "batches in that order"),
    ({"shuffle": "first_only"}, "every epoch uses the same permutation: draw a new rng.permutation(N) at the start of "
                                "each epoch"),
    ({"shuffle": "fresh"}, "the permutations come from a new generator: the model's weights and then every "
                           "epoch's permutation are drawn from the one generator rng = np.random.default_rng(rng), "
                           "passed to SimpleCNN(..., rng=rng)"),
    ({"shuffle": "fresh_each_epoch"}, "a new generator np.random.default_rng(rng) is made every epoch, so every "
                                      "epoch has the same order: make it once, and build the model from it too"),
]


@pytest.mark.grade(cell=CELL, points=0.375, timeout=20)
@checks.most_specific()
def test_train_cnn_replays_in_torch(student):
    """train_cnn(X, y, epochs=3, lr=0.02, batch_size=8, rng=5) on 20 images (2, 6, 5), labels 0, 1, 3: batches of
    8, 8 and 4 per epoch, 9 Adam steps, replayed in torch."""
    X, y = _replay_data()
    s = REPLAY
    call = "train_cnn(X, y, " + ", ".join(f"{k}={v!r}" for k, v in s.items()) + ")"
    _check_replay(student, X, y, s, s, call, [
        ({"lr": DEFAULTS["lr"]}, f"the lr argument is ignored: Adam ran with lr={DEFAULTS['lr']} (the default), not "
                                 f"lr={s['lr']}"),
        ({"lr": 0.001}, f"Adam was built without the lr: Adam(lr) takes train_cnn's lr={s['lr']}, not Adam's own "
                        "default 0.001"),
        ({"epochs": s["epochs"] - 1}, f"one epoch too few: train_cnn runs exactly epochs = {s['epochs']} epochs"),
        ({"epochs": s["epochs"] + 1}, f"one epoch too many: train_cnn runs exactly epochs = {s['epochs']} epochs"),
        ({"batch_size": DEFAULTS["batch_size"]}, f"the batch_size argument is ignored: batches of "
                                                 f"{DEFAULTS['batch_size']} (the default), not {s['batch_size']}"),
        ({"batch_size": len(y)}, "the whole training set is one batch: train_cnn takes mini-batches of batch_size"),
        ({"drop_last": True}, "the last, smaller batch is skipped: order[start:start + batch_size] for start in "
                              "range(0, N, batch_size) includes it (here 8, 8 and 4 images)"),
        ({"rng": DEFAULTS["rng"]}, f"the rng argument is ignored: rng={DEFAULTS['rng']} was used, not rng={s['rng']}"),
        ({"rebuild": "epoch"}, "a new Adam is made every epoch, so its moments and step count restart: make one "
                               "Adam(lr) before the loop"),
        ({"rebuild": "batch"}, "a new Adam is made for every batch, so its moments and step count restart: make "
                               "one Adam(lr) before the loop"),
        ({"optimizer": "SGD"}, f"plain SGD(lr) trained the model: train_cnn trains with Adam(lr={s['lr']})"),
        ({"steps": "epoch"}, ONCE_PER_EPOCH),
        *SHUFFLE_SLIPS,
    ], probes=[({"epochs": s["epochs"] + 1}, f"the epochs argument is ignored: epochs={s['epochs']} and "
                                             f"epochs={s['epochs'] + 1} give the same parameters")])


@pytest.mark.grade(cell=CELL, points=0.25, timeout=20)
@checks.most_specific()
def test_train_cnn_defaults_replay_in_torch(student):
    """train_cnn(X, y) on 24 images (1, 4, 6): 10 epochs of batches of 16 and 8, Adam(lr=0.03), rng 0, replayed in
    torch; and the same as those defaults spelled out."""
    rng = np.random.default_rng(3902)
    X, y = rng.normal(size=(24, 1, 4, 6)), rng.integers(0, 2, 24)
    d = DEFAULTS
    _check_replay(student, X, y, {}, d, "train_cnn(X, y) with its default arguments", [
        ({"lr": 0.01}, "the default lr is 0.03, not 0.01"),
        ({"lr": 0.05}, "the default lr is 0.03, not 0.05"),
        ({"lr": 0.001}, "the default lr is 0.03, not 0.001 (Adam's own default)"),
        ({"epochs": d["epochs"] - 1}, f"one epoch too few: the default is epochs = {d['epochs']}"),
        ({"epochs": d["epochs"] + 1}, f"one epoch too many: the default is epochs = {d['epochs']}"),
        ({"batch_size": 32}, "the default batch_size is 16, not 32"),
        ({"batch_size": len(y)}, "the whole training set is one batch: the default batch_size is 16"),
        ({"steps": "epoch"}, ONCE_PER_EPOCH),
        *SHUFFLE_SLIPS,
    ])
    with hinted("train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0)"):
        spelled = student.train_cnn(X, y, **d).parameters()
    plain = _trained(student, X, y, {}, "train_cnn(X, y)")
    checks.check_true(_same([np.asarray(p, dtype=float) for p in plain], [np.asarray(p, dtype=float) for p in spelled]),
                      "train_cnn(X, y) and train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0) give different "
                      "parameters: the defaults must be exactly the SPEC's, and train_cnn deterministic")


def bars(n, seed, size=8, noise=0.25):
    """n images (n, 1, size, size): label 0 a horizontal line of ones, 1 a vertical one, at a random row or column,
    plus N(0, noise²) on every pixel (the notebook's make_bars, written again here)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(0.0, noise, (n, 1, size, size))
    where = rng.integers(0, size, n)
    rows = np.arange(size)
    horizontal = (rows[None, :, None] == where[:, None, None]) & (y[:, None, None] == 0)
    vertical = (rows[None, None, :] == where[:, None, None]) & (y[:, None, None] == 1)
    return X + (horizontal | vertical)[:, None].astype(float), y


TRAIN_SEED, TEST_SEED = 3903, 3904
THRESHOLD = 0.95


@pytest.mark.grade(cell=CELL, points=0.375, timeout=60)
def test_train_cnn_learns_bars(student):
    """train_cnn(X, y) with its defaults on 200 bar images: ≥ 95 % accuracy on 200 new ones."""
    X, y = bars(200, TRAIN_SEED)
    X_new, y_new = bars(200, TEST_SEED)
    with checks.explained("train_cnn(X, y) on 200 images (1, 8, 8) of horizontal (label 0) and vertical (label 1) "
                          "bars in noise"):
        model = student.train_cnn(X, y)
        labels = checks.as_numeric_array("the trained model's predict(X_new)", model.predict(X_new))
    checks.check_true(labels.shape == y_new.shape, f"predict on 200 images should return 200 labels, not shape "
                                                   f"{labels.shape}")
    accuracy = float(np.mean(labels == y_new))
    checks.check_true(accuracy >= THRESHOLD, f"train_cnn(X, y) with its defaults reaches {accuracy:.1%} accuracy on 200 "
                                             f"new bar images; a correct solution reaches at least {THRESHOLD:.0%} "
                                             "(SimpleCNN, 10 epochs of batches of 16, Adam(lr=0.03))")
