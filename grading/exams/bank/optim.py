"""Optimiser steps by hand (SGD with weight decay, momentum and Nesterov in PyTorch's form, the
look-ahead form of Nesterov, Adam, RMSprop/AdaGrad, AdamW vs Adam + L2) and learning-rate schedules.

Conventions follow ``torch.optim`` (its documented pseudo-code): momentum buffers accumulate raw
gradients and the learning rate multiplies the buffer; weight decay adds λθ to the gradient (AdamW:
θ ← θ − ηλθ, decoupled); ε is added after the square root.
"""
from __future__ import annotations

import math

from ..kinds import Code, RelAbs, Vector
from ..template import Template, template
from .activations import DEC, fmt, pick

ONE_DEC = [k / 10 for k in range(-20, 21) if k]  # ±0.1 … ±2.0
SMALL_G = [k / 10 for k in range(-9, 10) if k]  # ±0.1 … ±0.9
LR = dict(rtol=1e-4, atol=1e-9)  # learning rates: exact decimals, small magnitudes


@template(id="sgd_weight_decay", topic="optimizers", kind=Vector(**DEC))
class SgdWeightDecay(Template):
    """θ' = θ − η(g + λθ) (torch.optim.SGD with weight_decay λ: L2 penalty ½λ‖θ‖² on the gradient).

        theta = theta - lr * (g + wd * theta)
    """

    title = "An SGD step with weight decay"

    def draw(self, rng):
        theta = [pick(rng, [v for v in ONE_DEC if abs(v) >= 0.5]) for _ in range(2)]
        g = [pick(rng, SMALL_G) for _ in range(2)]
        return dict(theta=theta, g=g, lr=pick(rng, [0.1, 0.2, 0.5]), wd=pick(rng, [0.1, 0.2, 0.5]))

    def text(self, p):
        return (f"One step of `torch.optim.SGD(params, lr={fmt(p['lr'])}, weight_decay={fmt(p['wd'])})` (no "
                f"momentum) on parameters θ = {fmt(p['theta'])} whose loss gradient is g = {fmt(p['g'])}. "
                f"PyTorch's weight decay is the gradient of the L2 penalty (λ/2)‖θ‖². What is θ after the step?")

    def _step(self, p, decay=1.0, lr_on_decay=True):
        lr, wd = p["lr"], p["wd"]
        return [t - lr * g - (lr if lr_on_decay else 1.0) * decay * wd * t for t, g in zip(p["theta"], p["g"])]

    def answer(self, p):
        return self._step(p)

    def distractors(self, p):
        return {"decay not multiplied by η": self._step(p, lr_on_decay=False),
                "no decay": self._step(p, decay=0.0),
                "decay sign flipped": self._step(p, decay=-1.0),
                "½ of the penalty kept: λθ/2": self._step(p, decay=0.5)}


def _momentum(theta, grads, lr, mu, damp=0.0, nesterov=False):
    """PyTorch's SGD: b₁ = g₁, b_t = μb_(t−1) + (1 − dampening)g_t, θ_t = θ_(t−1) − η·(g_t + μb_t if
    nesterov else b_t)."""
    b = None
    for g in grads:
        b = g if b is None else mu * b + (1 - damp) * g
        theta -= lr * (g + mu * b if nesterov else b)
    return theta


@template(id="momentum_two_steps", topic="optimizers", kind=RelAbs(**DEC))
class MomentumTwoSteps(Template):
    """PyTorch form: b₁ = g₁, b₂ = μb₁ + g₂, θ_t = θ_(t−1) − ηb_t. Under a constant η this equals
    Sutskever's v_t = μv_(t−1) + ηg_t, θ_t = θ_(t−1) − v_t.

        b = 0.0
        for g in (g1, g2): b = mu * b + g; theta -= lr * b
    """

    title = "Two steps of SGD with momentum"

    def draw(self, rng):
        return dict(theta=pick(rng, ONE_DEC), g1=pick(rng, ONE_DEC), g2=pick(rng, ONE_DEC),
                    lr=pick(rng, [0.1, 0.5]), mu=pick(rng, [0.5, 0.9]))

    def text(self, p):
        return (f"`torch.optim.SGD(params, lr={fmt(p['lr'])}, momentum={fmt(p['mu'])})` (dampening 0, no "
                f"Nesterov, no weight decay) updates a scalar parameter θ₀ = {fmt(p['theta'])}. PyTorch's form "
                f"keeps a buffer of raw gradients, b₁ = g₁ and b_t = μ·b_(t−1) + g_t, and steps θ_t = θ_(t−1) − "
                f"η·b_t. The gradients at the first two steps are g₁ = {fmt(p['g1'])} and g₂ = {fmt(p['g2'])}. "
                f"What is θ₂?")

    def answer(self, p):
        return _momentum(p["theta"], [p["g1"], p["g2"]], p["lr"], p["mu"])

    def distractors(self, p):
        th, g1, g2, lr, mu = p["theta"], p["g1"], p["g2"], p["lr"], p["mu"]
        return {"momentum ignored (plain SGD)": th - lr * (g1 + g2),
                "dampened buffer b = μb + (1 − μ)g": th - lr * (1 - mu) * g1 - lr * (mu * (1 - mu) * g1 + (1 - mu) * g2),
                "one step only": th - lr * g1,
                "μ on the new gradient: b₂ = b₁ + μg₂": th - lr * g1 - lr * (g1 + mu * g2)}


@template(id="sgd_momentum_code", topic="optimizers", kind=Code(function="sgd_momentum_step"))
class SgdMomentumCode(Template):
    """torch.optim.SGD(lr, momentum=μ, weight_decay=λ): d = g + λθ, b ← μb + d, θ ← θ − ηb.

        def sgd_momentum_step(theta, grad, buf):
            buf = mu * buf + grad + wd * theta
            return theta - lr * buf, buf
    """

    title = "Write an SGD-with-momentum step"

    def draw(self, rng):
        def vec():
            return [pick(rng, ONE_DEC) for _ in range(3)]
        cases = [(vec(), vec(), [0.0, 0.0, 0.0]), (vec(), vec(), vec()), (vec(), vec(), vec())]
        return dict(lr=pick(rng, [0.1, 0.05, 0.01]), mu=pick(rng, [0.5, 0.9, 0.99]),
                    wd=pick(rng, [0.01, 0.05, 0.1]), cases=cases)

    def text(self, p):
        return (f"Write `sgd_momentum_step(theta, grad, buf)` doing one step of "
                f"`torch.optim.SGD(params, lr={fmt(p['lr'])}, momentum={fmt(p['mu'])}, "
                f"weight_decay={fmt(p['wd'])})` (dampening 0, no Nesterov). `theta`, `grad` (the loss "
                f"gradient, without weight decay) and `buf` (the momentum buffer, all zeros before the first "
                f"step) are NumPy arrays of the same shape. Use PyTorch's form: weight decay is added to the "
                f"gradient, the buffer accumulates that gradient, and the learning rate multiplies the buffer. "
                f"Return the tuple `(new_theta, new_buf)`; do not modify the inputs in place.")

    def solution(self, p):
        return ("def sgd_momentum_step(theta, grad, buf):\n"
                f"    d = grad + {p['wd']!r} * theta\n"
                f"    buf = {p['mu']!r} * buf + d\n"
                f"    return theta - {p['lr']!r} * buf, buf\n")

    def cases(self, p):
        return [tuple(c) for c in p["cases"]]

    def distractors(self, p):
        lr, mu, wd = repr(p["lr"]), repr(p["mu"]), repr(p["wd"])
        head = "def sgd_momentum_step(theta, grad, buf):\n"
        return {
            "Sutskever form: the learning rate inside the buffer":
                head + f"    buf = {mu} * buf + {lr} * (grad + {wd} * theta)\n    return theta - buf, buf\n",
            "weight decay left out":
                head + f"    buf = {mu} * buf + grad\n    return theta - {lr} * buf, buf\n",
            "dampened buffer b = μb + (1 − μ)d":
                head + f"    buf = {mu} * buf + (1 - {mu}) * (grad + {wd} * theta)\n    return theta - {lr} * buf, buf\n",
            "weight decay kept out of the buffer":
                head + f"    buf = {mu} * buf + grad\n    return theta - {lr} * (buf + {wd} * theta), buf\n",
        }


@template(id="nesterov_pytorch", topic="optimizers", kind=RelAbs(**DEC))
class NesterovPytorch(Template):
    """torch.optim.SGD(nesterov=True): b ← μb + g, θ ← θ − η(g + μb) with the updated b.

        b = mu * b + g; theta -= lr * (g + mu * b)
    """

    title = "A Nesterov step in PyTorch's form"

    def draw(self, rng):
        return dict(theta=pick(rng, ONE_DEC), b=pick(rng, ONE_DEC), g=pick(rng, ONE_DEC),
                    lr=pick(rng, [0.1, 0.5]), mu=pick(rng, [0.5, 0.9]))

    def text(self, p):
        return (f"`torch.optim.SGD(params, lr={fmt(p['lr'])}, momentum={fmt(p['mu'])}, nesterov=True)` "
                f"(dampening 0, no weight decay) is in the middle of training a scalar parameter θ = "
                f"{fmt(p['theta'])}; its momentum buffer is b = {fmt(p['b'])} and the new gradient is "
                f"g = {fmt(p['g'])}. In PyTorch's form the buffer is updated first, b ← μb + g, and the "
                f"step is θ ← θ − η(g + μb) with the updated b. What is θ after the step?")

    def answer(self, p):
        b = p["mu"] * p["b"] + p["g"]
        return p["theta"] - p["lr"] * (p["g"] + p["mu"] * b)

    def distractors(self, p):
        th, b0, g, lr, mu = p["theta"], p["b"], p["g"], p["lr"], p["mu"]
        b = mu * b0 + g
        return {"plain momentum: θ − ηb": th - lr * b,
                "the old buffer in the look-ahead": th - lr * (g + mu * b0),
                "look-ahead sign flipped: g − μb": th - lr * (g - mu * b)}


@template(id="nesterov_lookahead", topic="optimizers", kind=RelAbs(**DEC))
class NesterovLookahead(Template):
    """Look-ahead form with θ ← θ − V: V ← βV + η∇f(θ − βV) (the gradient at θ − βV, not θ + βV).
    For f = ½aθ², ∇f(u) = au.

        V = beta * V + lr * a * (theta - beta * V); theta -= V
    """

    title = "A Nesterov step in look-ahead form"

    def draw(self, rng):
        return dict(a=pick(rng, [1, 2, 4]), theta=pick(rng, ONE_DEC), V=pick(rng, SMALL_G),
                    beta=pick(rng, [0.5, 0.9]), lr=pick(rng, [0.1, 0.2]))

    def text(self, p):
        return (f"Minimise f(θ) = ½·{p['a']}·θ² with Nesterov momentum written as V ← βV + η∇f(θ̃), θ ← θ − V, "
                f"where θ̃ is the look-ahead point (where the momentum step alone would take θ). Currently "
                f"θ = {fmt(p['theta'])} and V = {fmt(p['V'])}; β = {fmt(p['beta'])}, η = {fmt(p['lr'])}. "
                f"What is θ after one step?")

    def _step(self, p, at):
        V = p["beta"] * p["V"] + p["lr"] * p["a"] * at
        return p["theta"] - V

    def answer(self, p):
        return self._step(p, p["theta"] - p["beta"] * p["V"])

    def distractors(self, p):
        th, V, beta, lr, a = p["theta"], p["V"], p["beta"], p["lr"], p["a"]
        return {"look-ahead θ + βV (sign slip)": self._step(p, th + beta * V),
                "gradient at θ (classical momentum)": self._step(p, th),
                "β left out of the velocity update": th - (V + lr * a * (th - beta * V))}


def _adam(grads, lr, b1=0.9, b2=0.999, eps=1e-8, correct=True, power=True, root=True, decay=0.0,
          theta=0.0, decoupled=False):
    """θ_t − θ_0 for one coordinate after the given gradients, with named slips switchable."""
    m = v = 0.0
    th = theta
    for t, g in enumerate(grads, start=1):
        if decay and not decoupled:
            g = g + decay * th
        if decay and decoupled:
            th -= lr * decay * th
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        e = t if power else 1
        mh, vh = (m / (1 - b1 ** e), v / (1 - b2 ** e)) if correct else (m, v)
        th -= lr * mh / ((math.sqrt(vh) if root else vh) + eps)
    return th - theta


@template(id="adam_steps", topic="optimizers", kind=Vector(rtol=1e-3, atol=1e-7))
class AdamSteps(Template):
    """m_t = β₁m + (1 − β₁)g, v_t = β₂v + (1 − β₂)g², m̂ = m_t/(1 − β₁ᵗ), v̂ = v_t/(1 − β₂ᵗ),
    θ −= η·m̂/(√v̂ + ε). Step 1 moves every coordinate by ≈ −η·sign(g).

        m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
        theta -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    """

    title = "Adam, one or two steps"

    def draw(self, rng):
        steps = pick(rng, [1, 2])
        grads = [[pick(rng, SMALL_G) for _ in range(2)] for _ in range(steps)]
        return dict(grads=grads, lr=pick(rng, [0.001, 0.01, 0.1]))

    def text(self, p):
        n = len(p["grads"])
        gs = " and ".join(f"g{'₁₂'[i]} = {fmt(g)}" for i, g in enumerate(p["grads"]))
        return (f"`torch.optim.Adam(params, lr={fmt(p['lr'])})` with its defaults β₁ = 0.9, β₂ = 0.999, "
                f"ε = 1e-8 (bias-corrected moments starting at 0, ε added after the square root, no weight "
                f"decay) takes {'its first step' if n == 1 else 'its first two steps'} on a parameter vector θ "
                f"with two entries. The gradient{'' if n == 1 else 's'} {'is' if n == 1 else 'are'} {gs}. "
                f"What is the change {'θ₁' if n == 1 else 'θ₂'} − θ₀ (a list of two numbers)?")

    def _each(self, p, **kw):
        return [_adam([g[i] for g in p["grads"]], p["lr"], **kw) for i in range(2)]

    def answer(self, p):
        return self._each(p)

    def distractors(self, p):
        out = {"no bias correction": self._each(p, correct=False),
               "square root left out": self._each(p, root=False),
               "step added instead of subtracted": [-d for d in self._each(p)]}
        if len(p["grads"]) == 2:
            out["bias correction with exponent 1, not t"] = self._each(p, power=False)
        return out


@template(id="rmsprop_adagrad_step", topic="optimizers", kind=RelAbs(rtol=1e-2, atol=1e-6))
class RmspropAdagradStep(Template):
    """RMSprop: s ← ρs + (1 − ρ)g², θ −= ηg/(√s + ε). AdaGrad: G ← G + g², θ −= ηg/(√G + ε).

        s = rho * s + (1 - rho) * g * g; theta -= lr * g / (math.sqrt(s) + eps)
    """

    title = "An RMSprop or AdaGrad step"

    def draw(self, rng):
        method = pick(rng, ["rmsprop", "adagrad"])
        g, lr = pick(rng, SMALL_G + [1.0, -1.0, 1.5, -1.5, 2.0, -2.0]), pick(rng, [0.01, 0.1])
        if method == "rmsprop":
            return dict(method=method, g=g, lr=lr, s=pick(rng, [0.01, 0.04, 0.09, 0.25, 1.0]),
                        rho=pick(rng, [0.9, 0.99]))
        return dict(method=method, g=g, lr=lr, s=pick(rng, [0.25, 0.5, 1.0, 2.0, 3.0]))

    def text(self, p):
        g, lr, s = fmt(p["g"]), fmt(p["lr"]), fmt(p["s"])
        if p["method"] == "rmsprop":
            return (f"`torch.optim.RMSprop(params, lr={lr}, alpha={fmt(p['rho'])}, eps=1e-8)` (no momentum, "
                    f"not centred) keeps a running average s of squared gradients, with decay ρ = alpha; "
                    f"currently s = {s}. The new gradient of a scalar parameter is g = {g}. The running "
                    f"average is updated first and ε is added after the square root. By how much does the "
                    f"parameter change (θ_new − θ_old)?")
        return (f"`torch.optim.Adagrad(params, lr={lr}, eps=1e-10)` (no learning-rate decay) has accumulated "
                f"the sum of squared past gradients G = {s} for a scalar parameter. The new gradient is g = {g}. "
                f"The accumulator is updated first and ε is added after the square root. By how much does the "
                f"parameter change (θ_new − θ_old)?")

    def _delta(self, p, s_new):
        eps = 1e-8 if p["method"] == "rmsprop" else 1e-10
        return -p["lr"] * p["g"] / (math.sqrt(s_new) + eps)

    def answer(self, p):
        g2 = p["g"] ** 2
        s = p["rho"] * p["s"] + (1 - p["rho"]) * g2 if p["method"] == "rmsprop" else p["s"] + g2
        return self._delta(p, s)

    def distractors(self, p):
        g, s0, lr = p["g"], p["s"], p["lr"]
        if p["method"] == "rmsprop":
            s = p["rho"] * s0 + (1 - p["rho"]) * g * g
            return {"old average used (not updated first)": self._delta(p, s0),
                    "square root left out": -lr * g / s,
                    "(1 − ρ) weight left out: s = ρs + g²": self._delta(p, p["rho"] * s0 + g * g)}
        return {"old sum used (not updated first)": self._delta(p, s0),
                "square root left out": -lr * g / (s0 + g * g),
                "no accumulation: G = g²": self._delta(p, g * g)}


@template(id="adamw_vs_adam_l2", topic="optimizers", kind=RelAbs(**DEC))
class AdamwVsAdamL2(Template):
    """First step from zero moments (m̂ = g, v̂ = g²): AdamW θ₁ = θ(1 − ηλ) − η·g/(|g| + ε);
    Adam + L2 (torch.optim.Adam(weight_decay=λ)) θ₁ = θ − η·g'/(|g'| + ε) with g' = g + λθ.

        theta = theta * (1 - lr * wd) - lr * g / (abs(g) + eps)          # AdamW
        g2 = g + wd * theta; theta = theta - lr * g2 / (abs(g2) + eps)    # Adam + L2
    """

    title = "AdamW versus Adam with L2"

    def draw(self, rng):
        p = dict(method=pick(rng, ["adamw", "adam_l2"]), theta=pick(rng, [k / 2 for k in range(-6, 7) if k]),
                 g=pick(rng, SMALL_G), lr=pick(rng, [0.1, 0.01]), wd=pick(rng, [0.05, 0.1, 0.2, 0.5]))
        g2 = p["g"] + p["wd"] * p["theta"]
        if abs(g2) <= 0.01:
            return None
        # Adam + L2's first step is −η·sign(g + λθ): it shows the decay only where λθ flips the sign.
        return p if p["method"] == "adamw" or (g2 > 0) != (p["g"] > 0) else None

    def text(self, p):
        opt = (f"`torch.optim.AdamW(params, lr={fmt(p['lr'])}, weight_decay={fmt(p['wd'])})` (decoupled weight "
               f"decay: θ ← θ − ηλθ, then the Adam step)" if p["method"] == "adamw" else
               f"`torch.optim.Adam(params, lr={fmt(p['lr'])}, weight_decay={fmt(p['wd'])})` (L2: λθ is added "
               f"to the gradient before the moments)")
        return (f"{opt}, with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and bias correction, takes its first step on a "
                f"scalar parameter θ = {fmt(p['theta'])} whose loss gradient is g = {fmt(p['g'])}. What is θ "
                f"after the step?")

    def _run(self, p, method, decay=True):
        d = p["wd"] if decay else 0.0
        return p["theta"] + _adam([p["g"]], p["lr"], decay=d, theta=p["theta"], decoupled=method == "adamw")

    def answer(self, p):
        return self._run(p, p["method"])

    def distractors(self, p):
        th, g, lr, wd = p["theta"], p["g"], p["lr"], p["wd"]
        if p["method"] == "adamw":
            return {"Adam + L2 (decay through the moments)": self._run(p, "adam_l2"),
                    "decay not multiplied by η": th * (1 - wd) + _adam([g], lr),
                    "no decay": self._run(p, "adamw", decay=False)}
        return {"AdamW (decoupled decay)": self._run(p, "adamw"),
                "no decay": self._run(p, "adam_l2", decay=False),
                "λθ subtracted from the gradient": th + _adam([g - wd * th], lr)}


@template(id="cosine_schedule", topic="schedules", kind=RelAbs(rtol=1e-2, atol=1e-6))
class CosineSchedule(Template):
    """η_t = η_min + ½(η_max − η_min)(1 + cos(πt/T)) (CosineAnnealingLR's closed form).

        lr = lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t / T))
    """

    title = "Cosine learning-rate schedule"

    FRACS = [(1, 6), (1, 4), (1, 3), (1, 2), (2, 3), (3, 4), (5, 6)]

    def draw(self, rng):
        T = pick(rng, [60, 120, 240])
        a, b = pick(rng, self.FRACS)
        return dict(T=T, t=T * a // b, lr_max=pick(rng, [0.1, 0.2, 0.5, 1.0]), lr_min=pick(rng, [0.0, 0.001, 0.01]))

    def text(self, p):
        return (f"A cosine schedule (`CosineAnnealingLR(T_max={p['T']}, eta_min={fmt(p['lr_min'])})`, closed form) "
                f"anneals the learning rate from η_max = {fmt(p['lr_max'])} at epoch 0 to η_min = "
                f"{fmt(p['lr_min'])} at epoch T = {p['T']} along half a period of a cosine. What is the learning "
                f"rate at epoch t = {p['t']}?")

    def _lr(self, p, half=0.5, angle=None, lo=None):
        lo = p["lr_min"] if lo is None else lo
        angle = math.pi * p["t"] / p["T"] if angle is None else angle
        return lo + half * (p["lr_max"] - lo) * (1 + math.cos(angle))

    def answer(self, p):
        return self._lr(p)

    def distractors(self, p):
        out = {"½ left out": self._lr(p, half=1.0),
               "π left out: cos(t/T)": self._lr(p, angle=p["t"] / p["T"]),
               "linear decay instead": p["lr_max"] - (p["lr_max"] - p["lr_min"]) * p["t"] / p["T"]}
        if p["lr_min"]:
            out["η_min ignored"] = self._lr(p, lo=0.0)
        return out


@template(id="step_schedule", topic="schedules", kind=RelAbs(**LR))
class StepSchedule(Template):
    """StepLR: η_t = η₀·γ^⌊t/s⌋; MultiStepLR: η₀·γ^(number of milestones ≤ t).

        lr = lr0 * gamma ** (t // step)
    """

    title = "Step learning-rate schedule"

    def draw(self, rng):
        lr0 = pick(rng, [0.1, 0.05, 1.0])
        if rng.integers(2):
            return dict(kind="multistep", lr0=lr0, gamma=0.1, step=30, t=int(rng.integers(30, 120)))
        step = pick(rng, [10, 20, 30])
        return dict(kind="step", lr0=lr0, gamma=pick(rng, [0.1, 0.5]), step=step, t=int(rng.integers(step, 100)))

    def text(self, p):
        sched = (f"`StepLR(optimizer, step_size={p['step']}, gamma={fmt(p['gamma'])})`" if p["kind"] == "step"
                 else "`MultiStepLR(optimizer, milestones=[30, 60, 90], gamma=0.1)`")
        return (f"An optimiser starts with learning rate η₀ = {fmt(p['lr0'])} and uses {sched}. Epochs are "
                f"counted from 0 and `scheduler.step()` is called once at the end of every epoch. What learning "
                f"rate is used during epoch {p['t']}?")

    def _decays(self, p):
        if p["kind"] == "step":
            return p["t"] // p["step"]
        return sum(p["t"] >= m for m in (30, 60, 90))

    def answer(self, p):
        return p["lr0"] * p["gamma"] ** self._decays(p)

    def distractors(self, p):
        k, lr0, gm = self._decays(p), p["lr0"], p["gamma"]
        out = {"one decay too many": lr0 * gm ** (k + 1),
               "one decay too few (the decay at the boundary epoch missed)": lr0 * gm ** (k - 1)}
        if k >= 2:
            out["γ multiplied by the count, not raised to it"] = lr0 * gm * k
        return out


@template(id="warmup_inverse_sqrt", topic="schedules", kind=RelAbs(rtol=1e-2, atol=1e-9))
class WarmupInverseSqrt(Template):
    """η_t = η₀·t/W for t ≤ W, then η₀·√(W/t) (continuous at t = W).

        lr = lr0 * min(t / W, math.sqrt(W / t))
    """

    title = "Linear warm-up, then inverse-square-root decay"

    def draw(self, rng):
        W = pick(rng, [100, 400, 1000, 2500, 4000])
        if rng.integers(2):
            a, b = pick(rng, [(1, 10), (1, 5), (1, 4), (1, 2), (3, 4), (4, 5)])
            t = W * a // b
        else:
            t = W * pick(rng, [2, 3, 4, 9, 16, 25])
        return dict(W=W, t=t, lr0=pick(rng, [0.001, 0.002, 0.0005]))

    def text(self, p):
        return (f"A learning-rate schedule increases linearly from 0 at step 0 to η₀ = {fmt(p['lr0'])} at step "
                f"W = {p['W']}; after step W it decays in proportion to 1/√t, continuously at t = W (t counts "
                f"optimiser steps). What is the learning rate at step t = {p['t']}?")

    def answer(self, p):
        t, W, lr0 = p["t"], p["W"], p["lr0"]
        return lr0 * t / W if t <= W else lr0 * math.sqrt(W / t)

    def distractors(self, p):
        t, W, lr0 = p["t"], p["W"], p["lr0"]
        if t <= W:
            return {"warm-up ignored: η₀": lr0,
                    "the decay formula during warm-up: η₀√(W/t)": lr0 * math.sqrt(W / t),
                    "η₀/√t": lr0 / math.sqrt(t)}
        return {"W left out: η₀/√t": lr0 / math.sqrt(t),
                "inverse, not inverse square root: η₀·W/t": lr0 * W / t,
                "warm-up continued: η₀·t/W": lr0 * t / W}
