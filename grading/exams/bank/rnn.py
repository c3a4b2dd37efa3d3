"""Recurrent networks: forward steps of RNN, LSTM and GRU cells, BPTT, parameter counts, shapes."""
from __future__ import annotations

import math

import numpy as np

from ..kinds import Exact, RelAbs, Shape, Vector
from ..template import Template, template
from .cnn import num_text

DEC = RelAbs(rtol=1e-4, atol=1e-6)
TRANS = RelAbs(rtol=1e-2, atol=1e-3)
TRANS_VEC = Vector(rtol=1e-2, atol=1e-3)


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


@template(id="rnn_forward", topic="rnn", kind=TRANS_VEC)
class RNNForward(Template):
    """h_t = tanh(w_x x_t + w_h h_{t-1} + b), h_0 = 0, for t = 1..T.

        h = 0
        for x_t in x: h = tanh(w_x * x_t + w_h * h + b)
    """

    title = "Vanilla RNN forward over three steps"

    def draw(self, rng):
        return dict(wx=float(rng.choice([-1.0, -0.5, 0.5, 1.0, 1.5])), wh=float(rng.choice([-1.0, -0.5, 0.5, 1.0])),
                    b=float(rng.choice([-0.5, 0.0, 0.5])), x=[int(v) for v in rng.choice([-2, -1, 1, 2], size=3)])

    def text(self, p):
        return (f"A scalar vanilla RNN computes h_t = tanh(w_x·x_t + w_h·h_(t−1) + b) with w_x = {num_text(p['wx'])}, "
                f"w_h = {num_text(p['wh'])}, b = {num_text(p['b'])} and h_0 = 0. The inputs are "
                f"x_1, x_2, x_3 = {', '.join(num_text(v) for v in p['x'])}. Give [h_1, h_2, h_3].")

    @staticmethod
    def run(x, wx, wh, b, f=math.tanh):
        h, out = 0.0, []
        for xt in x:
            h = f(wx * xt + wh * h + b)
            out.append(h)
        return out

    def answer(self, p):
        return self.run(p["x"], p["wx"], p["wh"], p["b"])

    def distractors(self, p):
        x, wx, wh, b = p["x"], p["wx"], p["wh"], p["b"]
        out = {"no recurrence (w_h·h_(t−1) dropped)": self.run(x, wx, 0.0, b),
               "sigmoid instead of tanh": self.run(x, wx, wh, b, sigmoid)}
        if wx != wh:
            out["w_x and w_h swapped"] = self.run(x, wh, wx, b)
        return out


@template(id="lstm_cell_step", topic="rnn", kind=TRANS_VEC)
class LSTMCellStep(Template):
    """PyTorch gate order (i, f, g, o): i, f, o = sigmoid, g = tanh of the pre-activations z;
    c_t = f c_{t-1} + i g; h_t = o tanh(c_t).

        i, f, g, o = sigmoid(z[0]), sigmoid(z[1]), tanh(z[2]), sigmoid(z[3])
        c = f * c_prev + i * g; h = o * tanh(c)
    """

    title = "LSTM cell, one step"

    def draw(self, rng):
        z = [float(v) for v in rng.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], size=4)]
        return dict(z=z, c=float(rng.choice([-1.0, -0.5, 0.5, 1.0, 1.5])))

    def text(self, p):
        return ("An `nn.LSTM` with input and hidden size 1 takes one step. Its four gate pre-activations "
                "z = W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh come stacked in PyTorch's order (input gate i, "
                "forget gate f, cell candidate g, output gate o): "
                "z = [" + ", ".join(num_text(v) for v in p["z"]) + "]"
                + f". The gates i, f, o use the sigmoid σ(z) = 1/(1 + e^(−z)) and g uses tanh. The previous "
                f"cell state is c_(t−1) = {num_text(p['c'])}. Give [c_t, h_t].")

    @staticmethod
    def step(c_prev, i, f, g, o, squash=True):
        c = f * c_prev + i * g
        return [c, o * (math.tanh(c) if squash else c)]

    def answer(self, p):
        zi, zf, zg, zo = p["z"]
        return self.step(p["c"], sigmoid(zi), sigmoid(zf), math.tanh(zg), sigmoid(zo))

    def distractors(self, p):
        zi, zf, zg, zo = p["z"]
        i, f, g, o = sigmoid(zi), sigmoid(zf), math.tanh(zg), sigmoid(zo)
        return {"gate order i, f, o, g": self.step(p["c"], i, f, math.tanh(zo), sigmoid(zg)),
                "no tanh on c_t": self.step(p["c"], i, f, g, o, squash=False),
                "input and forget gates swapped": self.step(p["c"], f, i, g, o),
                "sigmoid for the candidate g": self.step(p["c"], i, f, sigmoid(zg), o)}


@template(id="gru_cell_step", topic="rnn", kind=TRANS)
class GRUCellStep(Template):
    """PyTorch's GRU: r = sigmoid(a_r), z = sigmoid(a_z), n = tanh(u + r v) with u = W_in x + b_in and
    v = W_hn h + b_hn; h_t = (1 - z) n + z h_{t-1}.

        r, z = sigmoid(a_r), sigmoid(a_z); n = tanh(u + r * v); (1 - z) * n + z * h
    """

    title = "GRU cell, one step"

    def draw(self, rng):
        a_r, a_z = (float(v) for v in rng.choice([-2.0, -1.0, 0.0, 1.0, 2.0], size=2))
        u, v = (float(t) for t in rng.choice([-1.0, -0.5, 0.5, 1.0], size=2))
        return dict(a_r=a_r, a_z=a_z, u=u, v=v, h=float(rng.choice([-0.8, -0.5, 0.5, 0.8])))

    def text(self, p):
        return ("A scalar GRU cell follows PyTorch's equations\n\n"
                "r = σ(a_r), z = σ(a_z), n = tanh(u + r·v), h_t = (1 − z)·n + z·h_(t−1),\n\n"
                "where a_r and a_z are the reset and update gates' pre-activations (both biases included), "
                "u = W_in·x_t + b_in and v = W_hn·h_(t−1) + b_hn, and σ(s) = 1/(1 + e^(−s)). "
                f"With a_r = {num_text(p['a_r'])}, a_z = {num_text(p['a_z'])}, u = {num_text(p['u'])}, "
                f"v = {num_text(p['v'])} and h_(t−1) = {num_text(p['h'])}, what is h_t?")

    def answer(self, p):
        r, z = sigmoid(p["a_r"]), sigmoid(p["a_z"])
        return (1 - z) * math.tanh(p["u"] + r * p["v"]) + z * p["h"]

    def distractors(self, p):
        r, z, u, v, h = sigmoid(p["a_r"]), sigmoid(p["a_z"]), p["u"], p["v"], p["h"]
        n = math.tanh(u + r * v)
        return {"z and 1 − z swapped": z * n + (1 - z) * h,
                "reset gate ignored": (1 - z) * math.tanh(u + v) + z * h,
                "reset gate on u + v": (1 - z) * math.tanh(r * (u + v)) + z * h}


@template(id="bptt_factor", topic="rnn", kind=DEC)
class BPTTFactor(Template):
    """h_t = tanh(a_t), a_t = w_h h_{t-1} + w_x x_t + b: dh_t/dh_{t-1} = w_h (1 - h_t^2), so
    dh_T/dh_0 = prod_{t=1..T} w_h (1 - h_t^2).

        np.prod(w_h * (1 - h ** 2))
    """

    title = "Backpropagation through time: the gradient factor"

    def draw(self, rng):
        T = int(rng.choice([3, 4]))
        h = [float(v) for v in rng.choice([-0.9, -0.6, -0.5, -0.2, 0.2, 0.5, 0.6, 0.9], size=T)]
        return dict(wh=float(rng.choice([-1.5, 0.5, 1.5, 2.0, 2.5])), h=h)

    def text(self, p):
        T = len(p["h"])
        hs = ", ".join(f"h_{t + 1} = {num_text(v)}" for t, v in enumerate(p["h"]))
        return (f"A scalar RNN computes h_t = tanh(w_h·h_(t−1) + w_x·x_t + b) with w_h = {num_text(p['wh'])} and "
                f"h_0 = 0. A forward pass over T = {T} steps gave {hs}. What is ∂h_{T}/∂h_0, the factor by "
                f"which backpropagation through time scales a gradient on h_{T} on its way back to h_0?")

    def answer(self, p):
        return float(np.prod([p["wh"] * (1 - h * h) for h in p["h"]]))

    def distractors(self, p):
        wh, h = p["wh"], p["h"]
        shifted = [0.0] + h[:-1]
        return {"tanh′ ignored (w_h^T)": wh ** len(h),
                "1 − h_t instead of 1 − h_t²": float(np.prod([wh * (1 - v) for v in h])),
                "tanh′ at h_(t−1) (index shifted)": float(np.prod([wh * (1 - v * v) for v in shifted])),
                "sum instead of product": float(sum(wh * (1 - v * v) for v in h))}


CELLS = {"RNN": 1, "GRU": 3, "LSTM": 4}


def recurrent_params(cell, i, h, layers, D, biases=2, gates=True, second_input=None, directions=True):
    """PyTorch's count: per layer and direction G·h·(input + h + 2), with layer ≥ 2 taking D·h inputs."""
    G = CELLS[cell] if gates else 1
    total = 0
    for layer in range(layers):
        n_in = i if layer == 0 else (D * h if second_input is None else second_input)
        total += G * h * (n_in + h + biases) * (D if directions else 1)
    return total


@template(id="rnn_param_count", topic="rnn", kind=Exact())
class RecurrentParamCount(Template):
    """Per layer and direction: G h (n_in + h + 2) with G = 1 (RNN), 3 (GRU), 4 (LSTM), two bias
    vectors b_ih and b_hh; n_in = input_size in layer 1 and D h above it; D = 2 if bidirectional.
    LSTM(10, 20) has 4·20·(10 + 20 + 2) = 2560 (2480 with a single bias)."""

    title = "RNN / LSTM / GRU parameter count"

    def draw(self, rng):
        cell = str(rng.choice(["RNN", "GRU", "LSTM", "LSTM"]))
        return dict(cell=cell, i=int(rng.choice([8, 10, 16, 32, 50])), h=int(rng.choice([16, 20, 32, 64])),
                    layers=int(rng.choice([1, 1, 2])), D=int(rng.choice([1, 2])))

    def text(self, p):
        bi = ", bidirectional=True" if p["D"] == 2 else ""
        return (f"How many learnable parameters does `nn.{p['cell']}(input_size={p['i']}, hidden_size={p['h']}, "
                f"num_layers={p['layers']}{bi})` have in PyTorch? PyTorch gives every layer and direction "
                f"two bias vectors, b_ih and b_hh.")

    def answer(self, p):
        return recurrent_params(p["cell"], p["i"], p["h"], p["layers"], p["D"])

    def distractors(self, p):
        args = p["cell"], p["i"], p["h"], p["layers"], p["D"]
        out = {"single bias (Keras convention)": recurrent_params(*args, biases=1)}
        if p["cell"] != "RNN":
            out["gates not counted"] = recurrent_params(*args, gates=False)
        if p["D"] == 2:
            out["second direction not counted"] = recurrent_params(*args, directions=False)
        if p["layers"] > 1:
            out["upper layer takes input_size inputs"] = recurrent_params(*args, second_input=p["i"])
            if p["D"] == 2:
                out["upper layer takes h inputs, not 2h"] = recurrent_params(*args, second_input=p["h"])
        return out


@template(id="lstm_output_shapes", topic="rnn", kind=Shape())
class LSTMOutputShapes(Template):
    """nn.LSTM(batch_first=True) on (N, L, input): output (N, L, D H); h_n and c_n (D layers, N, H):
    batch_first does not apply to the states."""

    title = "LSTM output shapes with batch_first"

    def draw(self, rng):
        return dict(N=int(rng.choice([4, 8, 16, 32])), L=int(rng.choice([5, 10, 20, 50])),
                    i=int(rng.choice([8, 16, 32])), H=int(rng.choice([24, 64, 128])),
                    layers=int(rng.choice([1, 2, 3])), D=int(rng.choice([1, 2])),
                    which=str(rng.choice(["output", "h_n", "c_n"])))

    def text(self, p):
        bi = ", bidirectional=True" if p["D"] == 2 else ""
        return (f"`lstm = nn.LSTM(input_size={p['i']}, hidden_size={p['H']}, num_layers={p['layers']}, "
                f"batch_first=True{bi})` is called as `output, (h_n, c_n) = lstm(x)` on `x` of shape "
                f"({p['N']}, {p['L']}, {p['i']}) (batch, sequence length, features). What is the shape of "
                f"`{p['which']}`?")

    def answer(self, p):
        N, L, H, D, layers = p["N"], p["L"], p["H"], p["D"], p["layers"]
        return [N, L, D * H] if p["which"] == "output" else [D * layers, N, H]

    def distractors(self, p):
        N, L, H, D, layers = p["N"], p["L"], p["H"], p["D"], p["layers"]
        if p["which"] == "output":
            out = {"batch_first ignored": [L, N, D * H], "the states' shape": [D * layers, N, H]}
            if D == 2:
                out["directions not concatenated"] = [N, L, H]
            return out
        out = {"batch_first applied to the states": [N, D * layers, H], "the output's shape": [N, L, D * H]}
        if D == 2:
            out["directions not counted"] = [layers, N, H]
        if layers > 1:
            out["layers not counted"] = [D, N, H]
        return out
