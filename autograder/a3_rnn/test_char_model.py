"""Hidden tests of grade cell `test_char_model` (1 point): CharModel, and train_char_model by replay and by outcome.

CharModel's logits and gradients are compared with the same model in torch (one-hot → nn.LSTM / nn.RNN → linear)
for both cells. train_char_model is replayed, not only judged by its outcome: the SPEC says what it builds and
runs, so the student's own initial CharModel (the same constructor and seed, read inside the sandbox) trained in
torch float64 by that recipe (torch.optim.Adam, F.cross_entropy, clip_grad_norm_) must give the student's trained
parameters within checks.TIGHT: a correct solution is ~1e-13 away after 300 steps. Every argument is set away from
its default in one replay and left at its default in another; the slips named (no clipping, clipping by value,
another lr, one step more or fewer, a new Adam every step, SGD, a summed loss, the cell or the rng ignored) are
≥ 1e-4 away. The outcome: with the defaults, ≥ 95 % next-character accuracy on a periodic string (the reference and
five correct variants reach it on every one of 20 seeds: bench/a3_rnn_training_seeds.py).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a3_rnn.common import GLOBAL_RNG, ONEHOT_WIDTH, hinted_errors
from autograder.a3_rnn.oracle import char_torch, train_torch

CELL = "test_char_model"
DEFAULTS = dict(hidden_size=16, cell="lstm", steps=300, lr=0.01, clip=1.0, rng=0)
ORDER = "[W_ih, W_hh, b_ih, b_hh, W_out, b_out]"
PERIOD = "abcadbec"  # 5 characters, period 8: after "c a" comes "b" or "d", told apart three characters back


def _shapes(V, H, cell):
    G = 4 if cell == "lstm" else 1
    return [(G * H, V), (G * H, H), (G * H,), (G * H,), (V, H), (V,)]


@checks.cached
def _model_case(cell):
    rng = np.random.default_rng(37001 if cell == "lstm" else 37002)
    V, H = 5, 4
    params = [rng.uniform(-0.7, 0.7, s) for s in _shapes(V, H, cell)]
    ids = rng.integers(0, V, size=(2, 6))
    dlogits = rng.normal(size=(2, 6, V))
    return params, ids, dlogits, char_torch(params, ids, cell, dlogits)


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
@hinted_errors(GLOBAL_RNG, ONEHOT_WIDTH)
def test_char_model_forward_and_gradients(student):
    """CharModel(5, 4, cell) for "lstm" and "rnn" (and the default cell): parameters() order and shapes; after
    set_parameters, forward(ids (2, 6)) and backward(dlogits) → gradients() vs torch."""
    _check_char_init(student)
    default = checks.check_list("CharModel(5, 4).parameters()", student.CharModel(5, 4, rng=0).parameters(), 6)
    checks.check_true([np.shape(p) for p in default] == _shapes(5, 4, "lstm"),
                      f"CharModel(5, 4) has parameters of shapes {[np.shape(p) for p in default]}: the default cell is "
                      f"\"lstm\", parameters() {ORDER} of shapes {_shapes(5, 4, 'lstm')}")
    for cell in ("lstm", "rnn"):
        params, ids, dlogits, ref = _model_case(cell)
        label = f"CharModel(5, 4, cell=\"{cell}\")"
        model = student.CharModel(5, 4, cell=cell, rng=0)
        got = checks.check_list(f"{label}.parameters()", model.parameters(), 6)
        checks.check_true([np.shape(p) for p in got] == _shapes(5, 4, cell),
                          f"{label}.parameters() have shapes {[np.shape(p) for p in got]}: they are {ORDER} of shapes "
                          f"{_shapes(5, 4, cell)}" + (" (the cell argument is ignored?)" if cell == "rnn" else ""))
        with checks.explained(f"set_parameters takes the list {ORDER}"):
            model.set_parameters([p.copy() for p in params])
        context = f"{label} after set_parameters, ids of shape (2, 6)"
        b_out = params[5]
        checks.check_array(f"{label}.forward(ids)", model.forward(ids), ref["logits"], context=context,
                           mistakes=[(lambda: ref["logits"] - b_out, "b_out is missing: logits = hs W_outᵀ + b_out")])
        model.backward(dlogits)
        grads = checks.check_list(f"{label}.gradients()", model.gradients(), 6)
        for k, name in enumerate(("dW_ih", "dW_hh", "db_ih", "db_hh", "dW_out", "db_out")):
            checks.check_array(f"gradients()[{k}] ({name})", grads[k], ref["grads"][k], context=context + ", backward("
                               "dlogits)", factors=checks.layer_factors(2))


def _check_char_init(student):
    """CharModel(80, 30, rng=3): every parameter in [−k, k] with k = 1/√H and spread over it, W_out's variance k²/3,
    reproducible by seed, another seed another model, and no draw repeated (one generator for everything)."""
    V, H, k = 80, 30, 1 / np.sqrt(30)
    first = _student_init(student, V, H, "lstm", 3)
    checks.check_true([p.shape for p in first] == _shapes(V, H, "lstm"),
                      f"CharModel({V}, {H}, rng=3).parameters() have shapes {[p.shape for p in first]}: they are "
                      f"{ORDER} of shapes {_shapes(V, H, 'lstm')}")
    for name, p in zip(("W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"), first):
        checks.check_true(np.all(np.abs(p) <= k), f"CharModel({V}, {H}, rng=3)'s {name} has entries up to "
                                                  f"{np.max(np.abs(p)):.3g}: every parameter is drawn U(−k, k), "
                                                  f"k = 1/√hidden_size = {k:.4g}")
        checks.check_true(np.min(p) < -0.5 * k and np.max(p) > 0.5 * k,
                          f"CharModel({V}, {H}, rng=3)'s {name} is not spread over U(−k, k) (its entries lie in "
                          f"[{np.min(p):.3g}, {np.max(p):.3g}]): every parameter is drawn U(−k, k), k = 1/√hidden_size")
    checks.check_statistic(f"the variance of CharModel({V}, {H}, rng=3)'s W_out", float(np.mean(first[4] ** 2)),
                           k * k / 3, rel_tol=6 * 0.9 / np.sqrt(first[4].size),
                           context="W_out is drawn U(−k, k), k = 1/√hidden_size, like the layer's parameters",
                           mistakes=[(1 / (3 * V), "k = 1/√vocab_size: W_out is drawn with k = 1/√hidden_size (the "
                                                   "linear layer's input size, as torch.nn.Linear)")])
    again, other = _student_init(student, V, H, "lstm", 3), _student_init(student, V, H, "lstm", 4)
    checks.check_true(all(np.array_equal(a, b) for a, b in zip(first, again)),
                      f"CharModel({V}, {H}, rng=3) made different parameters on a second call: draw everything from "
                      "one np.random.default_rng(rng)")
    checks.check_true(not np.array_equal(first[4], other[4]), f"CharModel({V}, {H}) gives the same W_out for rng=3 "
                                                              "and rng=4: draw it from np.random.default_rng(rng)")
    # one generator never repeats a draw; a second generator made from the same seed repeats the first one's
    names = ("W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out")
    seen, repeats = {}, []
    for name, p in zip(names, first):
        for j, v in enumerate(np.ravel(p)):
            if v in seen and seen[v][0] != name:
                repeats.append((name, j, *seen[v]))
            seen.setdefault(v, (name, j))
    if repeats:
        a, j, b, i = repeats[0]
        checks.check_true(False, f"CharModel({V}, {H}, rng=3)'s parameters repeat each other: {len(repeats)} entries "
                                 f"are equal to earlier draws (the {a} entry {j} equals the {b} entry {i}), as when the "
                                 "layer and W_out draw from a second generator made from the same seed, whose draws "
                                 "repeat the first's. Draw everything from one np.random.default_rng(rng) and hand "
                                 "that generator to the layer (np.random.default_rng(generator) returns it as it is)")


def _student_init(student, V, H, cell, rng):
    init = student.harness("calls").init_params("CharModel", [V, H, cell], rng)
    init = checks.check_list(f"CharModel({V}, {H}, \"{cell}\", rng={rng}).parameters()", init, 6)
    return [checks.as_numeric_array(f"parameter {i}", p) for i, p in enumerate(init)]


def _ids(text, alphabet):
    return np.array([alphabet.index(c) for c in text])


def _replay_check(student, ids, V, kwargs, slips):
    """train_char_model(ids, V, **kwargs) against the torch replay of the same settings from the student's own initial
    CharModel. ``slips``: [(changes to the settings or variant, message)], replayed only for a wrong answer."""
    s = {**DEFAULTS, **kwargs}
    call = f"train_char_model(ids, {V}" + "".join(f", {k}={v!r}" for k, v in kwargs.items()) + ")"
    with checks.explained(f"{call}, on ids of length {len(ids)}"):
        trained = checks.check_list(f"{call}.parameters()", student.train_char_model(ids, V, **kwargs).parameters(), 6)
    shapes = [tuple(np.shape(p)) for p in trained]
    checks.check_true(shapes == _shapes(V, s["hidden_size"], s["cell"]),
                      f"{call} should build CharModel({V}, {s['hidden_size']}, \"{s['cell']}\", rng={s['rng']}), whose "
                      f"parameters have shapes {_shapes(V, s['hidden_size'], s['cell'])}; the trained model's have "
                      f"{shapes}")
    trained = [checks.as_numeric_array(f"trained parameter {i}", p) for i, p in enumerate(trained)]
    init = _student_init(student, V, s["hidden_size"], s["cell"], s["rng"])

    def replay(change):
        t = {**s, "variant": None, **change}
        p0 = init if t["rng"] == s["rng"] else _student_init(student, V, s["hidden_size"], s["cell"], t["rng"])
        return train_torch(p0, ids, s["cell"], t["steps"], t["lr"], t["clip"], t["variant"])

    expected = replay({})
    context = (f"{call}, replayed in torch from your CharModel({V}, {s['hidden_size']}, \"{s['cell']}\", "
               f"rng={s['rng']})'s initial parameters: {s['steps']} steps of Adam(lr={s['lr']}) on the mean "
               f"cross-entropy of the {len(ids) - 1} next ids, the gradients clipped by clip_grad_norm(grads, "
               f"{s['clip']}) before each step")
    for k, name in enumerate(("W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out")):
        checks.check_array(f"trained {name}", trained[k], expected[k], context=context, generic=False,
                           mistakes=[(lambda c=c, k=k: replay(c)[k], m) for c, m in slips])


def _common_slips(s):
    return [({"variant": "no_clip"}, "the gradients are not clipped: each step clips them with "
                                     f"clip_grad_norm(gradients(), clip={s['clip']}) before Adam's step"),
            ({"variant": "clip_value"}, "the gradients are clipped by value: train_char_model clips their global norm "
                                        "with clip_grad_norm(gradients(), clip)"),
            ({"variant": "adam_each_step"}, "a new Adam is created every step, so its moments and step count t "
                                            "restart: create Adam(lr) once, before the loop"),
            ({"variant": "sgd"}, f"plain SGD(lr) trained the model: train_char_model trains with Adam(lr={s['lr']})"),
            ({"variant": "sum_over_time"}, "the loss is summed over the time steps: it is the mean over the tokens "
                                           "(sequence_cross_entropy_grad without a mask), which clipping tells apart"),
            ({"steps": s["steps"] - 1}, f"one step too few: train_char_model runs exactly steps = {s['steps']} steps"),
            ({"steps": s["steps"] + 1}, f"one step too many: train_char_model runs exactly steps = {s['steps']} "
                                        "steps")]


@pytest.mark.grade(cell=CELL, points=0.25, timeout=30)
@checks.most_specific()
@hinted_errors(GLOBAL_RNG, ONEHOT_WIDTH)
def test_train_replays_in_torch(student):
    """Every argument away from its default: an RNN cell and an LSTM one, short runs with strong clipping."""
    ids = _ids("abcdcbadabcdcba", "abcd")
    a = dict(hidden_size=5, cell="rnn", steps=9, lr=0.05, clip=0.2, rng=4)
    _replay_check(student, ids, 4, a, [
        ({"clip": DEFAULTS["clip"]}, f"the clip argument is ignored: the gradients were clipped to norm "
                                     f"{DEFAULTS['clip']} (the default), not {a['clip']} (or not clipped at all, "
                                     "which is the same here)")] + _common_slips(a) + [
        ({"lr": DEFAULTS["lr"]}, f"the lr argument is ignored: Adam ran with lr={DEFAULTS['lr']} (the default)"),
        ({"rng": DEFAULTS["rng"]}, f"the rng argument is ignored: the model was built with rng={DEFAULTS['rng']}; "
                                   "build CharModel(vocab_size, hidden_size, cell, rng)"),
        ({"lr": 0.001}, f"Adam was built without the lr: Adam(lr) takes train_char_model's lr={a['lr']}, not Adam's "
                        "own default 0.001")])
    ids = _ids("aebdcaebdcaebd", "abcde")
    b = dict(hidden_size=3, cell="lstm", steps=6, lr=0.03, clip=0.5, rng=2)
    _replay_check(student, ids, 5, b, _common_slips(b))


@pytest.mark.grade(cell=CELL, points=0.25, timeout=30)
@checks.most_specific()
@hinted_errors(GLOBAL_RNG, ONEHOT_WIDTH)
def test_train_defaults_replay_in_torch(student):
    """train_char_model(ids, 4) alone: hidden_size=16, "lstm", 300 steps, lr=0.01, clip=1.0, rng=0, replayed."""
    ids = _ids("abbcadabbcad", "abcd")
    _replay_check(student, ids, 4, {}, _common_slips(DEFAULTS) + [
        ({"lr": 0.001}, "the default lr is 0.01, not 0.001 (Adam's own default)"),
        ({"lr": 0.1}, "the default lr is 0.01, not 0.1")])


@pytest.mark.grade(cell=CELL, points=0.25, timeout=60)
@hinted_errors(GLOBAL_RNG, ONEHOT_WIDTH)
def test_train_learns_a_periodic_string(student):
    """With the defaults, on "abcadbec" repeated to 48 characters: ≥ 95 % of the 47 next characters right."""
    alphabet = sorted(set(PERIOD))
    ids = _ids((PERIOD * 6)[:48], alphabet)
    with checks.explained("train_char_model(ids, 5) with its defaults, on a periodic string of 48 characters"):
        model = student.train_char_model(ids, len(alphabet))
        logits = checks.as_numeric_array("the trained model's forward(ids[None, :-1])", model.forward(ids[None, :-1]))
    checks.check_true(logits.shape == (1, 47, 5), f"the trained model's forward(ids[None, :-1]) has shape "
                                                  f"{logits.shape}, not (1, 47, 5)")
    accuracy = float(np.mean(np.argmax(logits[0], axis=-1) == ids[1:]))
    checks.check_true(accuracy >= 0.95, f"train_char_model(ids, 5) on \"{PERIOD}\" repeated (48 characters) predicts "
                                        f"{accuracy:.0%} of the 47 next characters; a correct solution with the "
                                        "default LSTM(16), 300 steps of Adam(0.01) and clipping at 1 reaches 100% "
                                        "(≥ 95% required)")
