"""Backpropagation by hand: gates, computation graphs, a sigmoid neuron, a two-layer scalar net, matrix
backprop, gradient checking and the chain rule."""
from __future__ import annotations

import math

from ..kinds import Exact, RelAbs, Vector
from ..template import Template, template
from .activations import DEC, TRANS, fmt, pick, sigmoid

EXACT_VEC = Vector(rtol=0.0, atol=1e-9)  # integer entries: equal, up to float noise


def _ints(rng, lo, hi, size, nonzero=False):
    vals = [v for v in range(lo, hi + 1) if v or not nonzero]
    return [pick(rng, vals) for _ in range(size)]


@template(id="backprop_add_mul", topic="backprop", kind=EXACT_VEC)
class BackpropAddMul(Template):
    """f = (x + y)·z: q = x + y, f = q·z; ∂f/∂x = ∂f/∂y = z, ∂f/∂z = x + y.

        q = x + y; f = q * z
        dz = q; dq = z; dx = dq; dy = dq
    """

    title = "Backprop through an add and a multiply gate"

    def draw(self, rng):
        x, y, z = _ints(rng, -5, 5, 3)
        return dict(x=x, y=y, z=z) if abs(z) > 1 and x + y != 0 else None

    def text(self, p):
        return (f"f(x, y, z) = (x + y)·z is evaluated at x = {p['x']}, y = {p['y']}, z = {p['z']}. Backpropagate "
                f"through the add and multiply gates and give [∂f/∂x, ∂f/∂y, ∂f/∂z].")

    def answer(self, p):
        return [p["z"], p["z"], p["x"] + p["y"]]

    def distractors(self, p):
        x, y, z = p["x"], p["y"], p["z"]
        return {"add gate's local 1 not multiplied by z": [1, 1, x + y],
                "roles swapped": [x + y, x + y, z],
                "treated as x·y·z": [y * z, x * z, x * y]}


@template(id="backprop_max_gate", topic="backprop", kind=EXACT_VEC)
class BackpropMaxGate(Template):
    """f = max(x, y)·z: the max gate routes the upstream gradient z to the larger input only.

        m = max(x, y); dx, dy = (z, 0) if x > y else (0, z); dz = m
    """

    title = "Gradient routing through a max gate"

    def draw(self, rng):
        x, y, z = _ints(rng, -5, 5, 3)
        return dict(x=x, y=y, z=z) if x != y and z != 0 and max(x, y) != 0 else None

    def text(self, p):
        return (f"f(x, y, z) = max(x, y)·z is evaluated at x = {p['x']}, y = {p['y']}, z = {p['z']}. "
                f"Backpropagate by hand and give [∂f/∂x, ∂f/∂y, ∂f/∂z].")

    def answer(self, p):
        x, y, z = p["x"], p["y"], p["z"]
        return [z if x > y else 0, z if y > x else 0, max(x, y)]

    def distractors(self, p):
        x, y, z = p["x"], p["y"], p["z"]
        return {"gradient split equally between x and y": [z / 2, z / 2, max(x, y)],
                "routed to the smaller input": [z if x < y else 0, z if y < x else 0, max(x, y)],
                "both inputs get the gradient": [z, z, max(x, y)]}


@template(id="graph_two_paths", topic="backprop", kind=Exact())
class GraphTwoPaths(Template):
    """c = a + b, d = b + k, e = c·d: b reaches e along two paths, ∂e/∂b = d·1 + c·1.

        c = a + b; d = b + k; e = c * d
        de_db = d * 1 + c * 1
    """

    title = "A variable on two paths of a computation graph"

    def draw(self, rng):
        a, b, k = _ints(rng, -3, 3, 3)
        return dict(a=a, b=b, k=k) if (a + b) and (b + k) else None

    def text(self, p):
        return (f"A computation graph computes c = a + b, d = b + {p['k']} and e = c·d. At a = {p['a']} and "
                f"b = {p['b']}, what is ∂e/∂b (b feeds both c and d)?")

    def answer(self, p):
        c, d = p["a"] + p["b"], p["b"] + p["k"]
        return d + c

    def distractors(self, p):
        c, d = p["a"] + p["b"], p["b"] + p["k"]
        return {"only the path through c": d, "only the path through d": c, "e itself": c * d}


@template(id="sigmoid_neuron_gradient", topic="backprop", kind=Vector(rtol=1e-2, atol=1e-4))
class SigmoidNeuronGradient(Template):
    """a = σ(wᵀx + b), L = ½(a − t)²: ∂L/∂w_i = (a − t)·a(1 − a)·x_i, ∂L/∂b = (a − t)·a(1 − a).

        a = sigmoid(w @ x + b); delta = (a - t) * a * (1 - a); dw = delta * x; db = delta
    """

    title = "Gradient of a single sigmoid neuron"

    def draw(self, rng):
        w = [pick(rng, [-1.0, -0.5, 0.5, 1.0]) for _ in range(2)]
        x = [pick(rng, [-2.0, -1.0, 1.0, 2.0]) for _ in range(2)]
        return dict(w=w, x=x, b=pick(rng, [-1.0, 0.0, 1.0]), t=int(rng.integers(2)))

    def text(self, p):
        return (f"A single neuron computes a = σ(w₁x₁ + w₂x₂ + b) with σ the logistic sigmoid, and the loss is "
                f"L = ½(a − t)². For w = {fmt(p['w'])}, x = {fmt(p['x'])}, b = {fmt(p['b'])} and target "
                f"t = {p['t']}, give [∂L/∂w₁, ∂L/∂w₂, ∂L/∂b].")

    def _parts(self, p):
        a = sigmoid(sum(w * x for w, x in zip(p["w"], p["x"])) + p["b"])
        return a, [*p["x"], 1.0]

    def answer(self, p):
        a, xs = self._parts(p)
        return [(a - p["t"]) * a * (1 - a) * v for v in xs]

    def distractors(self, p):
        a, xs = self._parts(p)
        t = p["t"]
        return {"σ' factor missing": [(a - t) * v for v in xs],
                "σ in place of σ'": [(a - t) * a * v for v in xs],
                "sign flipped: (t − a)": [(t - a) * a * (1 - a) * v for v in xs]}


@template(id="two_layer_scalar_net", topic="backprop", kind=EXACT_VEC)
class TwoLayerScalarNet(Template):
    """h = ReLU(w₁x + b₁), ŷ = w₂h + b₂, L = (ŷ − y)²; with e = ŷ − y:
    ∂L/∂w₂ = 2eh, ∂L/∂b₂ = 2e, ∂L/∂w₁ = 2e·w₂·𝟙[w₁x + b₁ > 0]·x, ∂L/∂b₁ = 2e·w₂·𝟙[w₁x + b₁ > 0].

        z = w1 * x + b1; h = max(z, 0); yhat = w2 * h + b2
        dy = 2 * (yhat - y); dw2, db2 = dy * h, dy; dz = dy * w2 * (z > 0); dw1, db1 = dz * x, dz
    """

    title = "Backprop through a two-layer scalar ReLU net"

    def draw(self, rng):
        active = bool(rng.integers(2))
        w1, w2 = _ints(rng, -3, 3, 2, nonzero=True)
        b1, = _ints(rng, -3, 3, 1)
        b2, = _ints(rng, -2, 2, 1)
        x, = _ints(rng, -2, 2, 1, nonzero=True)
        y, = _ints(rng, -3, 3, 1)
        z = w1 * x + b1
        if z == 0 or (z > 0) != active:
            return None
        p = dict(w1=w1, b1=b1, w2=w2, b2=b2, x=x, y=y)
        return p if w2 * max(z, 0) + b2 != y else None

    def text(self, p):
        return (f"A scalar network computes h = ReLU(w₁x + b₁) with ReLU(z) = max(0, z), then ŷ = w₂h + b₂, "
                f"and the loss L = (ŷ − y)² (no ½). With w₁ = {p['w1']}, b₁ = {p['b1']}, w₂ = {p['w2']}, "
                f"b₂ = {p['b2']}, input x = {p['x']} and target y = {p['y']}, give "
                f"[∂L/∂w₂, ∂L/∂b₂, ∂L/∂w₁, ∂L/∂b₁].")

    def _grads(self, p, gate=None, two=2):
        z = p["w1"] * p["x"] + p["b1"]
        h = max(z, 0)
        dy = two * (p["w2"] * h + p["b2"] - p["y"])
        on = (z > 0) if gate is None else gate
        dz = dy * p["w2"] * on
        return [dy * h, dy, dz * p["x"], dz]

    def answer(self, p):
        return self._grads(p)

    def distractors(self, p):
        out = {"factor 2 missing": self._grads(p, two=1),
               "error sign flipped (y − ŷ)": [-g for g in self._grads(p)]}
        if p["w1"] * p["x"] + p["b1"] > 0:
            g = self._grads(p)
            out["x left out of ∂L/∂w₁"] = [g[0], g[1], g[3], g[3]]
        else:
            out["gradient passed through the inactive ReLU"] = self._grads(p, gate=1)
        return out


def _matrix(rng, rows, cols, lo, hi):
    return [_ints(rng, lo, hi, cols) for _ in range(rows)]


@template(id="matrix_backprop_weight", topic="backprop", kind=EXACT_VEC)
class MatrixBackpropWeight(Template):
    """y = Wx, upstream g = ∂L/∂y: ∂L/∂W = g xᵀ (same shape as W).

        dW = np.outer(g, x)
    """

    title = "Gradient of y = Wx with respect to W"

    def draw(self, rng):
        return dict(W=_matrix(rng, 2, 3, -3, 3), x=_ints(rng, -3, 3, 3, nonzero=True),
                    g=_ints(rng, -3, 3, 2, nonzero=True))

    def text(self, p):
        return (f"A linear layer computes y = Wx with W = {fmt(p['W'])} (2 × 3, given by rows) and "
                f"x = {fmt(p['x'])}. A scalar loss L downstream has ∂L/∂y = {fmt(p['g'])}. What is ∂L/∂W "
                f"(a matrix of W's shape, as a list of rows)?")

    def answer(self, p):
        return [[gi * xj for xj in p["x"]] for gi in p["g"]]

    def distractors(self, p):
        return {"transposed: x gᵀ (3 × 2)": [[xj * gi for gi in p["g"]] for xj in p["x"]],
                "upstream gradient ignored: every row x": [list(p["x"]), list(p["x"])],
                "Wᵀg (that is ∂L/∂x)": [sum(p["W"][i][j] * p["g"][i] for i in range(2)) for j in range(3)]}


@template(id="matrix_backprop_input", topic="backprop", kind=EXACT_VEC)
class MatrixBackpropInput(Template):
    """y = Wx, upstream g = ∂L/∂y: ∂L/∂x = Wᵀg.

        dx = W.T @ g
    """

    title = "Gradient of y = Wx with respect to x"

    def draw(self, rng):
        return dict(W=_matrix(rng, 3, 3, -2, 2), x=_ints(rng, -3, 3, 3), g=_ints(rng, -3, 3, 3, nonzero=True))

    def text(self, p):
        return (f"A linear layer computes y = Wx with W = {fmt(p['W'])} (3 × 3, given by rows) and "
                f"x = {fmt(p['x'])}. A scalar loss L downstream has ∂L/∂y = {fmt(p['g'])}. What is ∂L/∂x?")

    def answer(self, p):
        W, g = p["W"], p["g"]
        return [sum(W[i][j] * g[i] for i in range(3)) for j in range(3)]

    def distractors(self, p):
        W, g = p["W"], p["g"]
        return {"W g (not transposed)": [sum(W[i][j] * g[j] for j in range(3)) for i in range(3)],
                "upstream ignored: Wᵀ𝟏 (column sums)": [sum(W[i][j] for i in range(3)) for j in range(3)],
                "element-wise g·(row sums of W)": [g[i] * sum(W[i]) for i in range(3)]}


FUNCS = {"x³": (lambda x: x ** 3, lambda x: 3 * x ** 2),
         "x³ − 2x": (lambda x: x ** 3 - 2 * x, lambda x: 3 * x ** 2 - 2),
         "x⁴": (lambda x: x ** 4, lambda x: 4 * x ** 3)}


@template(id="gradient_check_central", topic="backprop", kind=RelAbs(**DEC))
class GradientCheckCentral(Template):
    """Central difference (f(x₀ + h) − f(x₀ − h))/(2h) = f'(x₀) + O(h²); for x³ it is 3x₀² + h².

        est = (f(x0 + h) - f(x0 - h)) / (2 * h)
    """

    title = "Central-difference gradient check"

    def draw(self, rng):
        return dict(f=pick(rng, list(FUNCS)), x0=pick(rng, [-1.5, -1.0, 0.5, 1.0, 1.5, 2.0]),
                    h=pick(rng, [0.1, 0.2, 0.5]))

    def text(self, p):
        return (f"A gradient checker estimates the derivative of f(x) = {p['f']} at x₀ = {fmt(p['x0'])} with the "
                f"central difference and step h = {fmt(p['h'])}. What value does it report (the estimate, "
                f"not the exact derivative)?")

    def answer(self, p):
        f = FUNCS[p["f"]][0]
        x, h = p["x0"], p["h"]
        return (f(x + h) - f(x - h)) / (2 * h)

    def distractors(self, p):
        f, df = FUNCS[p["f"]]
        x, h = p["x0"], p["h"]
        return {"forward difference": (f(x + h) - f(x)) / h,
                "divided by h, not 2h": (f(x + h) - f(x - h)) / h,
                "the exact derivative": df(x)}


OUTER = {"sin": (math.sin, math.cos), "cos": (math.cos, lambda u: -math.sin(u)),
         "exp": (math.exp, math.exp), "tanh": (math.tanh, lambda u: 1 - math.tanh(u) ** 2)}


@template(id="chain_rule", topic="backprop", kind=RelAbs(**TRANS))
class ChainRule(Template):
    """d/dx f(a·x²) = f'(a·x²)·2ax (e.g. d/dx sin(x²) = 2x·cos(x²)).

        u = a * x**2; grad = df(u) * 2 * a * x
    """

    title = "Chain rule"

    def draw(self, rng):
        return dict(f=pick(rng, list(OUTER)), a=pick(rng, [1, 2]), x0=pick(rng, [-1.0, -0.5, 0.5, 1.0, 1.5]))

    def text(self, p):
        inner = "x²" if p["a"] == 1 else f"{p['a']}x²"
        return (f"Let g(x) = {p['f']}({inner}) (angles in radians). What is g′(x) at x = {fmt(p['x0'])}?")

    def answer(self, p):
        u = p["a"] * p["x0"] ** 2
        return OUTER[p["f"]][1](u) * 2 * p["a"] * p["x0"]

    def distractors(self, p):
        f, df = OUTER[p["f"]]
        a, x = p["a"], p["x0"]
        u = a * x * x
        out = {"inner derivative left out": df(u),
               "outer derivative taken at x, not at the inner value": df(x) * 2 * a * x}
        if p["f"] != "exp":  # exp' = exp: not differentiating it is no mistake
            out["outer function not differentiated"] = f(u) * 2 * a * x
        return out
