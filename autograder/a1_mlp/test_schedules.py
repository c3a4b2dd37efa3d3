"""Hidden tests of grade cell `test_schedules` (0.5 points): lr(t), t = 0, 1, 2, ... vs torch's schedulers."""
import math

import numpy as np
import pytest
import torch

from autograder import checks

CELL = "test_schedules"

# The first torch optimizer imports torch._dynamo (~2 s): pay it once at collection, outside the
# per-test time limit.
torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


@checks.cached
def _torch_lrs(name, lr0, steps, **kwargs):
    """[lr at t = 0, 1, ..., steps] of torch.optim.lr_scheduler.<name>(**kwargs) on a dummy optimizer."""
    opt = torch.optim.SGD([torch.zeros(1, dtype=torch.float64, requires_grad=True)], lr=lr0)
    scheduler = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    lrs = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    return lrs


def _check_schedule(student_fn, label, ts, expected, args=(), mistakes=()):
    """student_fn(t, *args) ≈ expected[i] for every t; mistakes: [(f(t), message)] of buggy formulas,
    named only when the student's whole schedule follows one (a rounding slip agrees with an
    off-by-one at some t, never at all of them). Every t is asked in one round trip."""
    ts = [int(t) for t in ts]
    answers = list(student_fn.map([(t, *args) for t in ts]))
    named = [(f, message) for f, message in mistakes if _follows(answers, [f(t) for t in ts])]
    for t, got, e in zip(ts, answers, expected):
        checks.check_scalar(f"{label.format(t=t)}", got, e, mistakes=[(f(t), message) for f, message in named])


def _follows(answers, schedule) -> bool:
    try:
        got = np.array([float(np.asarray(a, dtype=float).reshape(())) for a in answers])
    except (TypeError, ValueError):
        return False
    return bool(np.allclose(got, schedule, rtol=1e-6, atol=1e-12))


ROUNDING = "⌊t/step_size⌋ is a floor (t // step_size): the rate drops at t = step_size, 2·step_size, ..."


@pytest.mark.grade(cell=CELL, points=0.125)
def test_step_lr_decays_every_step_size_epochs(student):
    _check_schedule(student.step_lr, "step_lr(t={t}, lr0=0.1)", [0, 29, 30, 59, 60, 90],
                    [0.1, 0.1, 0.01, 0.01, 0.001, 1e-4], args=(0.1,),
                    mistakes=[(lambda t: 0.1 * 0.1 ** (t // 30 + 1), "off by one: t starts at 0 and the first "
                                                                    "decay happens at t = step_size"),
                              (lambda t: 0.1 * 0.1 ** (t / 30), "⌊t/step_size⌋ is missing: the rate drops in "
                                                                "steps, not smoothly"),
                              (lambda t: 0.1 * 0.1 ** round(t / 30), "t/step_size was rounded to the nearest "
                                                                     "integer; " + ROUNDING),
                              (lambda t: 0.1 * 0.1 ** math.ceil(t / 30), "t/step_size was rounded up (ceil); "
                                                                         + ROUNDING)])
    ts = list(range(0, 41))
    lrs = _torch_lrs("StepLR", 0.3, 40, step_size=7, gamma=0.5)
    _check_schedule(student.step_lr, "step_lr(t={t}, lr0=0.3, step_size=7, gamma=0.5)", ts, lrs,
                    args=(0.3, 7, 0.5),
                    mistakes=[(lambda t: 0.3 * 0.5 ** (t // 7 + 1), "off by one: the first decay happens at "
                                                                   "t = step_size"),
                              (lambda t: 0.3 * 0.5 ** round(t / 7), "t/step_size was rounded to the nearest "
                                                                    "integer; " + ROUNDING),
                              (lambda t: 0.3 * 0.1 ** (t // 30), "the step_size and gamma arguments are ignored")])


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_exponential_lr(student):
    checks.check_scalar("exponential_lr(t=0, lr0=0.1, gamma=0.5)", student.exponential_lr(0, 0.1, 0.5), 0.1,
                        mistakes=[(0.05, "off by one: t starts at 0 and exponential_lr(0) = lr0")])
    checks.check_scalar("exponential_lr(t=3, lr0=0.1, gamma=0.5)", student.exponential_lr(3, 0.1, 0.5), 0.0125,
                        mistakes=[(0.00625, "off by one: lr0·γᵗ, not lr0·γ^(t+1)")])
    lrs = _torch_lrs("ExponentialLR", 0.2, 30, gamma=0.9)
    _check_schedule(student.exponential_lr, "exponential_lr(t={t}, lr0=0.2, gamma=0.9)", range(31), lrs,
                    args=(0.2, 0.9), mistakes=[(lambda t: 0.2 * 0.9 ** (t + 1), "off by one: lr0·γᵗ")])


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_cosine_lr(student):
    for t, e in [(0, 0.1), (50, 0.05), (100, 0.0)]:
        checks.check_scalar(f"cosine_lr(t={t}, lr0=0.1, T=100)", student.cosine_lr(t, 0.1, 100), e,
                            mistakes=[(0.05 * (1 + math.cos(math.pi * (100 - t) / 100)),
                                       "the schedule runs backwards: cosine_lr(0) = lr0 and cosine_lr(T) = 0"),
                                      (0.05 * (1 + math.cos(t / 100)), "π is missing: ½·lr0·(1 + cos(π·t/T))")],
                            factors={2.0: "the ½ is missing: ½·lr0·(1 + cos(π·t/T))"})
    lrs = _torch_lrs("CosineAnnealingLR", 0.4, 37, T_max=37)
    _check_schedule(student.cosine_lr, "cosine_lr(t={t}, lr0=0.4, T=37)", range(38), lrs, args=(0.4, 37))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_linear_lr(student):
    for t, e in [(0, 0.1), (25, 0.075), (100, 0.0)]:
        checks.check_scalar(f"linear_lr(t={t}, lr0=0.1, T=100)", student.linear_lr(t, 0.1, 100), e,
                            mistakes=[(0.1 * t / 100, "the schedule runs backwards: lr0·(1 − t/T)"),
                                      (0.1 * (1 - t // 100), "t // T is integer division (0 until t = T): use "
                                                             "true division, t / T")])
    lrs = _torch_lrs("LinearLR", 0.5, 23, start_factor=1.0, end_factor=0.0, total_iters=23)
    _check_schedule(student.linear_lr, "linear_lr(t={t}, lr0=0.5, T=23)", range(24), lrs, args=(0.5, 23))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_inverse_sqrt_lr(student):
    for t, e in [(0, 0.1), (1, 0.1), (4, 0.05), (100, 0.01), (7, 0.1 / math.sqrt(7))]:
        checks.check_scalar(f"inverse_sqrt_lr(t={t}, lr0=0.1)", student.inverse_sqrt_lr(t, 0.1), e,
                            context="lr0/√max(t, 1)",
                            mistakes=[(0.1 / math.sqrt(t + 1), "lr0/√(t + 1) is not the contract: use "
                                                              "lr0/√max(t, 1) (t = 0 counts as 1)")])


@pytest.mark.grade(cell=CELL, points=0.125)
def test_linear_warmup(student):
    warmup, lr0 = 10, 0.1
    ts = [0, 1, 4, 8, 9, 10, 25]
    expected = [lr0 * min(1.0, (t + 1) / warmup) for t in ts]
    _check_schedule(student.linear_warmup, "linear_warmup(t={t}, lr0=0.1, warmup=10)", ts, expected,
                    args=(lr0, warmup),
                    mistakes=[(lambda t: lr0 * min(1.0, t / warmup), "off by one: lr0·min(1, (t + 1)/warmup), so "
                                                                     "the first step (t = 0) already uses lr0/warmup"),
                              (lambda t: lr0 * (t + 1) / warmup, "the rate must stop growing at lr0 once "
                                                                 "t + 1 ≥ warmup: min(1, ...)")])
    # torch's LinearLR from lr0/warmup to lr0 over warmup − 1 steps is the same ramp
    lrs = _torch_lrs("LinearLR", 0.3, 19, start_factor=1 / 7, end_factor=1.0, total_iters=6)
    _check_schedule(student.linear_warmup, "linear_warmup(t={t}, lr0=0.3, warmup=7)", range(20), lrs,
                    args=(0.3, 7))
