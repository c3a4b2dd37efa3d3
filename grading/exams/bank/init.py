"""Initialisation: Xavier/Glorot bounds, He/Kaiming standard deviations, N(0, 1/n) and the variance of a
pre-activation, and counting an MLP's parameters.

Fans as in PyTorch: for ``nn.Linear(in, out)`` (weight of shape (out, in)) fan_in = in and fan_out = out;
for ``nn.Conv2d(C_in, C_out, k)`` fan_in = C_in·k² and fan_out = C_out·k².
"""
from __future__ import annotations

import math

from ..kinds import Exact, RelAbs, SigFigs
from ..template import Template, template
from .activations import DEC, fmt, pick


def _layer(rng):
    if rng.integers(2):
        return dict(layer="linear", cin=pick(rng, [64, 128, 256, 300, 512, 784, 1000]),
                    cout=pick(rng, [10, 32, 64, 100, 128, 256]), k=1)
    return dict(layer="conv", cin=pick(rng, [3, 16, 32, 64]), cout=pick(rng, [16, 32, 64, 128]), k=pick(rng, [3, 5]))


def _fans(p):
    return p["cin"] * p["k"] ** 2, p["cout"] * p["k"] ** 2


def _layer_text(p):
    if p["layer"] == "linear":
        return f"`nn.Linear({p['cin']}, {p['cout']})` (weight of shape ({p['cout']}, {p['cin']}))"
    return (f"`nn.Conv2d({p['cin']}, {p['cout']}, kernel_size={p['k']})` (weight of shape "
            f"({p['cout']}, {p['cin']}, {p['k']}, {p['k']}))")


@template(id="xavier_uniform_bound", topic="initialisation", kind=SigFigs(digits=3))
class XavierUniformBound(Template):
    """Xavier/Glorot uniform: U(−a, a) with a = √(6/(fan_in + fan_out)), so Var = a²/3 = 2/(fan_in + fan_out).

        a = math.sqrt(6 / (fan_in + fan_out))
    """

    title = "Xavier uniform bound"

    def draw(self, rng):
        return _layer(rng)

    def text(self, p):
        return (f"The weight of {_layer_text(p)} is initialised with `torch.nn.init.xavier_uniform_` (gain 1), "
                f"which samples from U(−a, a). What is a?")

    def answer(self, p):
        fi, fo = _fans(p)
        return math.sqrt(6 / (fi + fo))

    def distractors(self, p):
        fi, fo = _fans(p)
        out = {"the standard deviation √(2/(fan_in + fan_out))": math.sqrt(2 / (fi + fo)),
               "the variance 2/(fan_in + fan_out)": 2 / (fi + fo),
               "He-uniform bound √(6/fan_in)": math.sqrt(6 / fi)}
        if p["layer"] == "conv":
            out["kernel size left out of the fans"] = math.sqrt(6 / (p["cin"] + p["cout"]))
        return out


@template(id="he_normal_std", topic="initialisation", kind=RelAbs(rtol=1e-2, atol=1e-6))
class HeNormalStd(Template):
    """Kaiming/He normal, mode fan_in: std = gain/√fan_in, gain √2 for ReLU and √(2/(1 + a²)) for
    LeakyReLU with slope a.

        std = math.sqrt(2 / (1 + a**2)) / math.sqrt(fan_in)
    """

    title = "He (Kaiming) normal standard deviation"

    def draw(self, rng):
        p = _layer(rng)
        p["a"] = pick(rng, [0.0, 0.0, 0.2, 0.5])
        return p

    def text(self, p):
        nl = "nonlinearity='relu'" if p["a"] == 0 else f"nonlinearity='leaky_relu', a={fmt(p['a'])}"
        return (f"The weight of {_layer_text(p)} is initialised with `torch.nn.init.kaiming_normal_(w, "
                f"mode='fan_in', {nl})`. What is the standard deviation of the normal distribution it samples "
                f"from?")

    def answer(self, p):
        fi, _ = _fans(p)
        return math.sqrt(2 / (1 + p["a"] ** 2)) / math.sqrt(fi)

    def distractors(self, p):
        fi, fo = _fans(p)
        gain = math.sqrt(2 / (1 + p["a"] ** 2))
        out = {"the variance gain²/fan_in": gain ** 2 / fi,
               "fan_out instead of fan_in": gain / math.sqrt(fo),
               "Xavier std √(2/(fan_in + fan_out))": math.sqrt(2 / (fi + fo)),
               "gain 1 (LeCun)": 1 / math.sqrt(fi)}
        if p["a"]:
            out["the slope ignored: gain √2"] = math.sqrt(2 / fi)
        return out


@template(id="preactivation_variance", topic="initialisation", kind=RelAbs(**DEC))
class PreactivationVariance(Template):
    """z = Σ_{i=1}^n w_i x_i with independent zero-mean w_i, x_i: Var z = n·Var(w)·Var(x); with
    w ~ N(0, 1/n) the variance is kept: Var z = Var x.

        var_z = n * var_w * var_x
    """

    title = "Variance of a pre-activation at initialisation"

    def draw(self, rng):
        n = pick(rng, [100, 256, 400, 1000])
        init = pick(rng, ["lecun", "he", "std"])
        return dict(n=n, init=init, s=pick(rng, [0.01, 0.02, 0.05, 0.1]) if init == "std" else 0.0,
                    vx=pick(rng, [0.5, 1.0, 2.0, 4.0]))

    def _var_w(self, p):
        return {"lecun": 1 / p["n"], "he": 2 / p["n"], "std": p["s"] ** 2}[p["init"]]

    def text(self, p):
        n = p["n"]
        how = {"lecun": f"from N(0, 1/n) = N(0, 1/{n}) (the second argument is the variance)",
               "he": f"from N(0, 2/n) = N(0, 2/{n}) (the second argument is the variance)",
               "std": f"from a normal distribution with mean 0 and standard deviation {fmt(p['s'])}"}[p["init"]]
        return (f"A unit computes z = Σᵢ wᵢxᵢ over n = {n} inputs (no bias). The weights are drawn independently "
                f"{how}; the inputs are independent of the weights and of each other, with mean 0 and variance "
                f"{fmt(p['vx'])}. What is Var(z)?")

    def answer(self, p):
        return p["n"] * self._var_w(p) * p["vx"]

    def distractors(self, p):
        n, vw, vx = p["n"], self._var_w(p), p["vx"]
        return {"standard deviation of w used as its variance": n * math.sqrt(vw) * vx,
                "n left out": vw * vx,
                "standard deviation of z given": math.sqrt(n * vw * vx)}


@template(id="mlp_param_count", topic="initialisation", kind=Exact())
class MlpParamCount(Template):
    """Σ_l (n_(l−1)·n_l + n_l) for widths n₀ (input) … n_L (output); 3-4-2 → 12 + 4 + 8 + 2 = 26.

        sum(a * b + b for a, b in zip(widths, widths[1:]))
    """

    title = "Parameters of a fully connected network"

    def draw(self, rng):
        L = int(rng.integers(2, 5))
        return dict(widths=[int(v) for v in rng.integers(2, 13, size=L + 1)])

    def text(self, p):
        w = p["widths"]
        hidden = (f"a hidden layer of {w[1]} units" if len(w) == 3 else
                  f"hidden layers of {', '.join(map(str, w[1:-1]))} units")
        return (f"A fully connected network has layer widths {'-'.join(map(str, w))}: {w[0]} inputs, "
                f"{hidden}, and {w[-1]} outputs. Every layer is an "
                f"`nn.Linear` with a bias. How many trainable parameters does it have?")

    def answer(self, p):
        w = p["widths"]
        return sum(a * b + b for a, b in zip(w, w[1:]))

    def distractors(self, p):
        w = p["widths"]
        return {"biases forgotten": sum(a * b for a, b in zip(w, w[1:])),
                "input units given biases too": self.answer(p) + w[0],
                "output layer forgotten": sum(a * b + b for a, b in zip(w[:-1], w[1:-1]))}
