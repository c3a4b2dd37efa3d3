"""Hidden tests of grade cell `test_optimizers` (2 points): parameter trajectories vs torch.optim.

Each optimizer runs 10 steps from a known state on a fixed sequence of gradients, with
hyperparameters that make bugs large (high lr, momentum 0.9, weight decay 0.5); the parameters are
compared with torch.optim (float64) after every step, so the first wrong step is reported. Known
buggy formulas are simulated grader-side and named when the student's trajectory matches one.
"""
import numpy as np
import pytest
import torch

from autograder import checks
from autograder.student import StudentError

CELL = "test_optimizers"
STEPS = 10

# The first torch optimizer imports torch._dynamo (~2 s): pay it once at collection, outside the
# per-test time limit.
torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


# ------------------------------------------------------------------------------------ the set-up


@checks.cached
def _problem(seed, tiny_bias_grads=False):
    """θ₀ = [W (3, 4), b (4,)] and 10 gradient lists; |g| in [0.1, 2] (b's in [2e-4, 6e-4] if tiny)."""
    rng = np.random.default_rng(seed)
    p0 = [rng.normal(size=(3, 4)), rng.normal(size=4)]
    grads = []
    for _ in range(STEPS):
        gb = checks.off_kinks(rng, 4, 2e-4, 6e-4) if tiny_bias_grads else checks.off_kinks(rng, 4, 0.1, 2.0)
        grads.append([checks.off_kinks(rng, (3, 4), 0.1, 2.0), gb])
    return p0, grads


@checks.cached
def _torch_trajectory(optimizer, seed, tiny_bias_grads=False, **hyper):
    """θ after each step of torch.optim.<optimizer>(**hyper) on _problem(seed, tiny_bias_grads), float64."""
    p0, grads = _problem(seed, tiny_bias_grads)
    params = [checks.torch64(p, grad=True) for p in p0]
    opt = getattr(torch.optim, optimizer)(params, **hyper)
    out = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = checks.torch64(g)
        opt.step()
        out.append([checks.numpy64(p) for p in params])
    return out


def _check_trajectory(student, opt, label, p0, grads, expected, candidates=(), tolerances=None):
    """Feed the student's own parameters back each step; compare with ``expected`` after every step.
    The steps run inside in one round trip (harness/optim.py); from a step that raised or answered
    oddly on, they are asked one by one, so the message is the one a step-by-step run gives."""
    params = [p.copy() for p in p0]
    try:
        ahead = iter(student.harness("optim").trajectory(opt, params, grads))
    except StudentError:
        ahead = iter(())
    for k, gs in enumerate(grads, start=1):
        got = next(ahead, None)
        if got is None:
            ahead, got = iter(()), opt.step(params, [g.copy() for g in gs])
        params = checks.check_list(f"{label}.step(params, grads)", got, len(p0))
        for i, (p, e) in enumerate(zip(params, expected[k - 1])):
            tol = tolerances[i] if tolerances else checks.TRAJECTORY
            checks.check_array(f"parameter {i} after step {k}", p, e, **tol, generic=False,
                               context=f"{label}, from a known state; step t = {k}",
                               mistakes=[(trajectory[k - 1][i], message) for trajectory, message in candidates])
        params = [np.array(p, dtype=float) for p in params]


# ------------------------------------------------------------------- grader-side (buggy) formulas


def _sgd(p0, grads, lr, momentum=0.0, nesterov=False, wd=0.0, bug=None):
    ps, vs, out = [p.copy() for p in p0], [np.zeros_like(p) for p in p0], []
    for gs in grads:
        new = []
        for i, (p, g) in enumerate(zip(ps, gs)):
            if bug == "decoupled_wd":
                p = p * (1 - lr * wd)
            elif bug != "no_wd":
                g = g + wd * p
            if momentum == 0 or bug == "no_momentum":
                new.append(p - lr * g)
                continue
            vs[i] = momentum * vs[i] + ((1 - momentum) if bug == "dampened" else 1.0) * lr * g
            if nesterov and bug != "plain_momentum":
                new.append(p - (lr * g + momentum * vs[i]))
            else:
                new.append(p + vs[i] if bug == "sign" else p - vs[i])
        ps = new
        out.append([p.copy() for p in ps])
    return out


def _adagrad(p0, grads, lr, eps=1e-10, bug=None):
    ps, G, out = [p.copy() for p in p0], [np.zeros_like(p) for p in p0], []
    for gs in grads:
        for i, g in enumerate(gs):
            G[i] = g ** 2 if bug == "reset" else G[i] + (np.abs(g) if bug == "no_square" else g ** 2)
            ps[i] = ps[i] - lr * g / (np.sqrt(G[i]) + eps)
        out.append([p.copy() for p in ps])
    return out


def _rmsprop(p0, grads, lr, alpha=0.99, eps=1e-8, bug=None):
    ps, S, out = [p.copy() for p in p0], [np.zeros_like(p) for p in p0], []
    for gs in grads:
        for i, g in enumerate(gs):
            sq = {"g_not_squared": g, "abs_g": np.abs(g)}.get(bug, g ** 2)
            S[i] = (1 - alpha) * S[i] + alpha * sq if bug == "alpha_swapped" else alpha * S[i] + (1 - alpha) * sq
            denom = S[i] + eps if bug == "no_sqrt" else np.sqrt(S[i]) + eps
            ps[i] = ps[i] - lr * g / denom
        out.append([p.copy() for p in ps])
    return out


def _adam(p0, grads, lr, betas=(0.9, 0.999), eps=1e-8, wd=0.0, decoupled=False, bug=None, step_size_form=False):
    """Adam/AdamW as torch computes it; ``step_size_form``: Kingma & Ba's, also right, with
    ε̂ = ε/√(1 − β₂ᵗ) in place of ε; ``bug``: one of the simulated mistakes."""
    b1, b2 = betas
    ps, M, V, out, t = [p.copy() for p in p0], [np.zeros_like(p) for p in p0], [np.zeros_like(p) for p in p0], [], 0
    for gs in grads:
        t += 1
        for i, g in enumerate(gs):
            p = ps[i]
            coupled = (not decoupled) != (bug == "swap_coupling")
            if bug != "no_wd":
                if coupled:
                    g = g + wd * p
                elif bug == "decay_without_lr":
                    p = p * (1 - wd)
                elif bug != "decay_after":
                    p = p * (1 - lr * wd)
            M[i] = b1 * M[i] + (1 - b1) * g
            V[i] = b2 * V[i] + (1 - b2) * g ** 2
            tt = {"t_fixed": 1, "t_per_param": (t - 1) * len(gs) + i + 1}.get(bug, t)
            if bug == "no_bias_correction":
                m_hat, v_hat = M[i], V[i]
            else:
                m_hat, v_hat = M[i] / (1 - b1 ** tt), V[i] / (1 - b2 ** tt)
            eps_t = eps / np.sqrt(1 - b2 ** tt) if step_size_form else eps
            denom = np.sqrt(v_hat + eps) if bug == "eps_inside" else np.sqrt(v_hat) + eps_t
            p = p - lr * m_hat / denom
            if bug == "decay_after" and decoupled:
                p = p * (1 - lr * wd)
            ps[i] = p
        out.append([p.copy() for p in ps])
    return out


@checks.cached
def _simulated(simulate, seed, bug, tiny_bias_grads=False, **hyper):
    """θ after each step of the buggy formula ``simulate(bug=bug, **hyper)`` on _problem(seed, tiny_bias_grads)."""
    p0, grads = _problem(seed, tiny_bias_grads)
    return checks.quietly(simulate, p0, grads, bug=bug, **hyper)


def _candidates(simulate, seed, bugs: dict, tiny_bias_grads=False, **hyper):
    """[(trajectory, message)] of each bug on _problem(seed, tiny_bias_grads)."""
    return [(_simulated(simulate, seed, bug, tiny_bias_grads, **hyper), message) for bug, message in bugs.items()]


# ------------------------------------------------------------------------------------- SGD


DEFAULT_LRS = {"Adagrad": 0.01, "RMSprop": 0.01, "Adam": 0.001, "AdamW": 0.001}


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_optimizers_with_all_their_defaults_match_torch(student):
    """Every documented default at once, as a student calling Adam() gets it: three steps each."""
    p0, grads = _problem(6112)
    wide = [dict(rtol=1e-6, atol=1e-6)] * 2  # Adam's ε in Kingma & Ba's step-size form is 2e-7 away
    for name, lr in DEFAULT_LRS.items():
        wrong = [(_torch_trajectory(name, 6112, lr=other)[:3], f"{name}'s default lr is {lr:g} (as torch.optim.{name}), "
                                                                f"not {other:g}")
                 for other in (0.1, 0.01, 0.001) if other != lr]
        _check_trajectory(student, getattr(student, name)(), f"{name}() with every default", p0, grads[:3],
                          _torch_trajectory(name, 6112)[:3], wrong, tolerances=wide)


CONFIGURATIONS = [("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
                  ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("Adagrad", {}), ("RMSprop", {}),
                  ("Adam", dict(weight_decay=0.1)), ("AdamW", {})]


@pytest.mark.grade(cell=CELL, points=0.125)
def test_optimizers_never_mutate_their_inputs(student):
    """Checked inside the sandbox (harness/optim.py): arrays are copied across, so only there can an
    in-place update of the caller's arrays be seen."""
    p0, grads = _problem(6100)
    for name, kwargs in CONFIGURATIONS:
        config = f"{name}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        opt = getattr(student, name)(**kwargs)
        changed = student.harness("optim").mutated_inputs(opt, [p.copy() for p in p0], grads[:3])
        checks.check_true(not changed, f"{config}.step changed the arrays it was given ({', '.join(changed)}): "
                                       "optimizers never mutate their inputs; return new arrays (θ − η·g, not "
                                       "θ -= η·g) and keep your own copies of state (np.zeros_like, not the "
                                       "gradient arrays themselves)")


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_sgd_hand_figures_plain_and_momentum(student):
    """W = 1, grad = 0.1, lr = 0.9: plain SGD gives 0.91 then 0.82; momentum 0.9 gives 0.91 then 0.739."""
    g = [np.array([[0.1]])]
    for momentum, figures in [(0.0, [0.91, 0.82]), (0.9, [0.91, 0.739])]:
        opt = student.SGD(lr=0.9, momentum=momentum)
        params = [np.array([[1.0]])]
        for k, figure in enumerate(figures, start=1):
            params = checks.check_list("SGD.step(params, grads)", opt.step(params, g), 1)
            checks.check_array(f"W after step {k}", params[0], np.array([[figure]]), show_values=True,
                               context=f"SGD(lr=0.9, momentum={momentum}) from W = 1 with gradient 0.1",
                               generic=False,
                               mistakes=[(np.array([[1.0 + 0.09 * k]]), "the parameter moved up the gradient: "
                                                                        "a sign flip (θ ← θ − step)"),
                                         (np.array([[[1.09, 1.261][k - 1]]]), "momentum sign: v ← γv + η·g "
                                                                             "and θ ← θ − v"),
                                         (np.array([[[0.991, 0.9739][k - 1]]]), "the gradient is dampened by "
                                          "(1 − γ): PyTorch's SGD uses v ← γv + η·g"),
                                         (np.array([[0.91 - 0.09 * (k - 1)]]), "the momentum is ignored "
                                                                               "(plain SGD steps)")])
            params = [np.array(params[0], dtype=float)]


@pytest.mark.grade(cell=CELL, points=0.125)
def test_sgd_matches_torch(student):
    p0, grads = _problem(6101)
    hyper = dict(lr=0.5)
    expected = _torch_trajectory("SGD", 6101, **hyper)
    _check_trajectory(student, student.SGD(**hyper), "SGD(lr=0.5)", p0, grads, expected)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_sgd_momentum_matches_torch(student):
    p0, grads = _problem(6102)
    expected = _torch_trajectory("SGD", 6102, lr=0.1, momentum=0.9)
    bugs = {"sign": "momentum sign: v ← γv + η·g and θ ← θ − v (the velocity is subtracted)",
            "dampened": "the gradient is dampened by (1 − γ): PyTorch's SGD uses v ← γv + η·g",
            "no_momentum": "the momentum is ignored (plain SGD steps)"}
    _check_trajectory(student, student.SGD(lr=0.1, momentum=0.9), "SGD(lr=0.1, momentum=0.9)", p0, grads, expected,
                      _candidates(_sgd, 6102, bugs, lr=0.1, momentum=0.9))


@pytest.mark.grade(cell=CELL, points=0.25)
def test_sgd_nesterov_matches_torch(student):
    p0, grads = _problem(6103)
    expected = _torch_trajectory("SGD", 6103, lr=0.1, momentum=0.9, nesterov=True)
    bugs = {"plain_momentum": "nesterov=True behaves like plain momentum: the Nesterov step is "
                              "θ ← θ − (η·g + γ·v) with the new v",
            "no_momentum": "the momentum is ignored (plain SGD steps)",
            "dampened": "the gradient is dampened by (1 − γ): PyTorch's SGD uses v ← γv + η·g"}
    _check_trajectory(student, student.SGD(lr=0.1, momentum=0.9, nesterov=True), "SGD(lr=0.1, momentum=0.9, nesterov=True)",
                      p0, grads, expected, _candidates(_sgd, 6103, bugs, lr=0.1, momentum=0.9, nesterov=True))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_sgd_weight_decay_is_added_to_the_gradient(student):
    p0, grads = _problem(6104)
    hyper = dict(lr=0.1, momentum=0.9, weight_decay=0.5)
    expected = _torch_trajectory("SGD", 6104, **hyper)
    bugs = {"no_wd": "weight decay is ignored: g ← g + wd·θ before the momentum update",
            "decoupled_wd": "decoupled weight decay θ ← θ(1 − η·wd): SGD's weight_decay is L2 added to the "
                            "gradient, g ← g + wd·θ",
            "sign": "momentum sign: v ← γv + η·g and θ ← θ − v"}
    _check_trajectory(student, student.SGD(**hyper), "SGD(lr=0.1, momentum=0.9, weight_decay=0.5)", p0, grads, expected,
                      _candidates(_sgd, 6104, bugs, lr=0.1, momentum=0.9, wd=0.5))
    # weight decay alone, without momentum: an option is checked on its own as well as in combination
    p0, grads = _problem(6111)
    expected = _torch_trajectory("SGD", 6111, lr=0.1, weight_decay=0.5)
    _check_trajectory(student, student.SGD(lr=0.1, weight_decay=0.5), "SGD(lr=0.1, weight_decay=0.5)", p0, grads,
                      expected, _candidates(_sgd, 6111, {"no_wd": "weight decay is ignored without momentum: "
                                                                  "g ← g + wd·θ in plain SGD too"}, lr=0.1, wd=0.5))


# ------------------------------------------------------------------------------------- Adagrad, RMSprop


@pytest.mark.grade(cell=CELL, points=0.25)
def test_adagrad_matches_torch(student):
    p0, grads = _problem(6105)
    expected = _torch_trajectory("Adagrad", 6105, lr=0.5)
    bugs = {"reset": "G must accumulate over all steps: G ← G + g² (not G = g²)",
            "no_square": "G accumulates |g| instead of g²"}
    _check_trajectory(student, student.Adagrad(lr=0.5), "Adagrad(lr=0.5)", p0, grads, expected,
                      _candidates(_adagrad, 6105, bugs, lr=0.5))
    _check_argument(student, "Adagrad", "eps", 0.5, lr=0.5)


@pytest.mark.grade(cell=CELL, points=0.25)
def test_rmsprop_matches_torch(student):
    p0, grads = _problem(6106)
    expected = _torch_trajectory("RMSprop", 6106, lr=0.05)
    bugs = {"alpha_swapped": "α and 1 − α are swapped: s ← α·s + (1 − α)·g² with α = 0.99",
            "g_not_squared": "s accumulates g instead of g² (its square root is NaN where s < 0)",
            "abs_g": "s accumulates |g| instead of g²",
            "no_sqrt": "the square root is missing: θ ← θ − η·g/(√s + ε)"}
    _check_trajectory(student, student.RMSprop(lr=0.05), "RMSprop(lr=0.05) with default alpha and eps", p0, grads,
                      expected, _candidates(_rmsprop, 6106, bugs, lr=0.05))
    _check_argument(student, "RMSprop", "eps", 0.5, lr=0.05)
    _check_argument(student, "RMSprop", "alpha", 0.5, lr=0.05)


def _check_argument(student, optimizer, name, value, alternative=None, **hyper):
    """Three steps with one argument set to ``value`` (far enough from its default to matter), against
    torch and against the default. ``alternative``: another right trajectory (Adam in Kingma & Ba's
    step-size form places ε differently); the student is held to whichever their first step is nearer."""
    p0, grads = _problem(6110)
    grads, expected = grads[:3], _torch_trajectory(optimizer, 6110, **{name: value}, **hyper)[:3]
    ignored = _torch_trajectory(optimizer, 6110, **hyper)[:3]
    label = f"{optimizer}({', '.join(f'{k}={v}' for k, v in {**hyper, name: value}.items())})"
    make = lambda: getattr(student, optimizer)(**{name: value}, **hyper)  # noqa: E731
    if alternative is not None:
        try:
            first = student.harness("optim").trajectory(make(), [p.copy() for p in p0], grads[:1])
        except StudentError:
            first = []
        if first and _distance(first[0], alternative[0]) < _distance(first[0], expected[0]):
            expected = alternative
    _check_trajectory(student, make(), label, p0, grads, expected, [(ignored, f"the {name} argument is ignored")])


def _distance(params, reference) -> float:
    try:
        return max(float(np.max(np.abs(np.asarray(p, dtype=float) - r))) for p, r in zip(params, reference))
    except (TypeError, ValueError):
        return float("inf")


@checks.cached
def _step_size_form(seed, **hyper):
    """θ after each of three steps of Adam/AdamW in Kingma & Ba's step-size form, on _problem(seed)."""
    p0, grads = _problem(seed)
    return _adam(p0, grads[:3], step_size_form=True, **hyper)


# ------------------------------------------------------------------------------------- Adam, AdamW

ADAM_BUGS = {
    "no_bias_correction": "Adam without bias correction: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)",
    "t_fixed": "the bias correction uses t = 1 on every step (1 − β instead of 1 − βᵗ): t must count the "
               "steps 1, 2, 3, ... and be stored between calls",
    "t_per_param": "the step count t is incremented once per parameter array instead of once per step() call",
    "eps_inside": "ε inside the square root: θ ← θ − η·m̂/(√v̂ + ε)",
}
# Correct forms that differ only in where ε sits (Kingma & Ba's step-size form) change the tiny-gradient
# parameter by < 3e-4 over 10 steps; ε inside the square root changes it by > 5e-3 from step 1.
ADAM_TOLERANCES = [dict(rtol=1e-6, atol=1e-6), dict(rtol=0.0, atol=1e-3)]


@checks.cached
def _adam_hand_case():
    """Adam(lr=0.1) from W = 1 with gradient 0.1 twice: θ after each step, and each of ADAM_BUGS' θ."""
    p0, grads = [np.array([[1.0]])], [[np.array([[0.1]])]] * 2
    wrong = [(checks.quietly(_adam, p0, grads, lr=0.1, bug=bug), message) for bug, message in ADAM_BUGS.items()]
    return _adam(p0, grads, lr=0.1), wrong


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_adam_matches_torch(student):
    # Hand figure: for a constant gradient m̂/√v̂ = ±1, so each of the first steps moves θ by lr.
    opt, params = student.Adam(lr=0.1), [np.array([[1.0]])]
    hand_g = [np.array([[0.1]])]
    expected_hand, wrong_hand = _adam_hand_case()
    for k in (1, 2):
        params = checks.check_list("Adam.step(params, grads)", opt.step(params, hand_g), 1)
        checks.check_array(f"W after step {k}", params[0], expected_hand[k - 1][0], show_values=True,
                           context="Adam(lr=0.1) from W = 1 with gradient 0.1: bias correction makes the first "
                                   "steps exactly lr = 0.1 long", generic=False,
                           mistakes=[(trajectory[k - 1][0], message) for trajectory, message in wrong_hand])
        params = [np.array(params[0], dtype=float)]
    p0, grads = _problem(6107, tiny_bias_grads=True)
    expected = _torch_trajectory("Adam", 6107, tiny_bias_grads=True, lr=0.1)
    _check_trajectory(student, student.Adam(lr=0.1), "Adam(lr=0.1) with default betas and eps", p0, grads, expected,
                      _candidates(_adam, 6107, ADAM_BUGS, tiny_bias_grads=True, lr=0.1), tolerances=ADAM_TOLERANCES)
    _check_argument(student, "Adam", "eps", 0.5, _step_size_form(6110, lr=0.1, eps=0.5), lr=0.1)
    _check_argument(student, "Adam", "betas", (0.5, 0.6), _step_size_form(6110, lr=0.1, betas=(0.5, 0.6)), lr=0.1)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_adam_weight_decay_is_coupled_l2(student):
    p0, grads = _problem(6108)
    hyper = dict(lr=0.1, weight_decay=0.5)
    expected = _torch_trajectory("Adam", 6108, **hyper)
    bugs = {"no_wd": "weight decay is ignored: Adam adds L2 to the gradient, g ← g + wd·θ",
            "swap_coupling": "decoupled weight decay (that is AdamW): Adam's weight_decay is L2 added to the "
                             "gradient, g ← g + wd·θ, before the moments",
            "no_bias_correction": ADAM_BUGS["no_bias_correction"]}
    _check_trajectory(student, student.Adam(**hyper), "Adam(lr=0.1, weight_decay=0.5)", p0, grads, expected,
                      _candidates(_adam, 6108, bugs, lr=0.1, wd=0.5))


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_adamw_decoupled_weight_decay_matches_torch(student):
    p0, grads = _problem(6109)
    hyper = dict(lr=0.1, weight_decay=0.5)
    expected = _torch_trajectory("AdamW", 6109, **hyper)
    bugs = {"swap_coupling": "L2 added to the gradient (that is Adam): AdamW's weight decay is decoupled, "
                             "θ ← θ(1 − η·wd) before the Adam update with the raw gradient",
            "no_wd": "weight decay is ignored: AdamW decays θ ← θ(1 − η·wd) (decoupled) every step",
            "decay_without_lr": "the decay is θ(1 − wd); decoupled decay is scaled by the learning rate: "
                                "θ ← θ(1 − η·wd)",
            "decay_after": "the decay is applied after the Adam update; decoupled decay θ ← θ(1 − η·wd) "
                           "comes first",
            "no_bias_correction": ADAM_BUGS["no_bias_correction"]}
    _check_trajectory(student, student.AdamW(**hyper), "AdamW(lr=0.1, weight_decay=0.5)", p0, grads, expected,
                      _candidates(_adam, 6109, bugs, lr=0.1, wd=0.5, decoupled=True))
    p0, grads = _problem(6110)
    wide = [dict(rtol=1e-6, atol=1e-6)] * 2  # Kingma & Ba's step-size form places ε 2e-7 away
    _check_trajectory(student, student.AdamW(lr=0.1), "AdamW(lr=0.1) with its default weight_decay", p0, grads[:3],
                      _torch_trajectory("AdamW", 6110, lr=0.1)[:3],
                      [(_torch_trajectory("AdamW", 6110, lr=0.1, weight_decay=0.0)[:3],
                        "AdamW's default weight_decay is 0.01 (as torch.optim.AdamW), not 0")], tolerances=wide)
    _check_argument(student, "AdamW", "eps", 0.5, _step_size_form(6110, lr=0.1, eps=0.5, wd=0.01, decoupled=True),
                    lr=0.1)
    _check_argument(student, "AdamW", "betas", (0.5, 0.6),
                    _step_size_form(6110, lr=0.1, betas=(0.5, 0.6), wd=0.01, decoupled=True), lr=0.1)
