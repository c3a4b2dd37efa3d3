"""Activations and their derivatives: sigmoid, tanh, (Leaky)ReLU, ELU/SELU/GELU/softplus, softmax.

The small helpers at the top (``sigmoid``, ``pick``, ``fmt``) are shared by the other modules of
this part of the bank (losses, backprop, optim, init).
"""
from __future__ import annotations

import math

from ..kinds import Choice, ChoiceSet, Code, Manual, RelAbs, Vector
from ..template import Template, template

# Tolerance classes (exams_in_jupyter.md §4): DEC for terminating decimals, TRANS for exp/log/tanh.
DEC = dict(rtol=1e-4, atol=1e-6)
TRANS = dict(rtol=1e-2, atol=1e-3)

HALVES = [k / 2 for k in range(-6, 7)]  # -3, -2.5, ..., 3
NONZERO_HALVES_2 = [-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def pick(rng, seq):
    """One element of a plain Python sequence (keeps Python types, unlike ``rng.choice``)."""
    return seq[int(rng.integers(len(seq)))]


def fmt(x) -> str:
    """Numbers and (nested) lists as a student would type them: 0.5, -2, [1, -0.5]."""
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in x) + "]"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}" if isinstance(x, float) else str(x)


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


@template(id="sigmoid_and_derivative", topic="activations", kind=Vector(**TRANS))
class SigmoidAndDerivative(Template):
    """σ(z) = 1/(1 + e^(−z)), σ'(z) = σ(z)(1 − σ(z)).

        s = 1 / (1 + math.exp(-z)); ds = s * (1 - s)
    """

    title = "Sigmoid and its derivative"

    def draw(self, rng):
        return dict(z=pick(rng, HALVES))

    def text(self, p):
        return (f"Let σ(z) = 1/(1 + e^(−z)) be the logistic sigmoid. For z = {fmt(p['z'])}, compute "
                f"σ(z) and its derivative σ′(z). Answer with the list [σ(z), σ′(z)].")

    def answer(self, p):
        s = sigmoid(p["z"])
        return [s, s * (1 - s)]

    def distractors(self, p):
        s = sigmoid(p["z"])
        return {"σ' = σ (the (1 − σ) factor forgotten)": [s, s],
                "σ' = e^(−z)/(1 + e^(−z)) (denominator not squared)": [s, 1 - s]}


@template(id="tanh_derivative", topic="activations", kind=RelAbs(**TRANS))
class TanhDerivative(Template):
    """tanh'(z) = 1 − tanh²(z)  (tanh(z) = 2σ(2z) − 1, so also 4σ'(2z)).

        t = math.tanh(z); dt = 1 - t * t
    """

    title = "Derivative of tanh"

    def draw(self, rng):
        return dict(z=pick(rng, NONZERO_HALVES_2))

    def text(self, p):
        return (f"tanh(z) = (e^z − e^(−z))/(e^z + e^(−z)) (equivalently 2σ(2z) − 1, with σ the logistic "
                f"sigmoid). What is the derivative d tanh(z)/dz at z = {fmt(p['z'])}?")

    def answer(self, p):
        return 1 - math.tanh(p["z"]) ** 2

    def distractors(self, p):
        t, s = math.tanh(p["z"]), sigmoid(p["z"])
        return {"1 − tanh(z) (not squared)": 1 - t,
                "tanh(z) itself": t,
                "the sigmoid's σ'(z) = σ(1 − σ)": s * (1 - s)}


@template(id="leaky_relu_vector", topic="activations", kind=Vector(**DEC))
class LeakyReluVector(Template):
    """f(x) = x if x > 0 else αx;  f'(x) = 1 if x > 0 else α (x ≠ 0).

        f = np.where(x > 0, x, a * x); df = np.where(x > 0, 1.0, a)
    """

    title = "LeakyReLU and its derivative on a vector"

    def draw(self, rng):
        x = [pick(rng, [v for v in range(-5, 6) if v]) for _ in range(4)]
        if not (any(v > 0 for v in x) and any(v < 0 for v in x)):
            return None
        return dict(x=x, a=pick(rng, [0.01, 0.1, 0.2, 0.3]))

    def text(self, p):
        return (f"LeakyReLU with negative slope α = {fmt(p['a'])} (as `torch.nn.LeakyReLU(negative_slope="
                f"{fmt(p['a'])})`) is f(x) = x for x > 0 and f(x) = αx otherwise. For x = {fmt(p['x'])}, "
                f"give the element-wise outputs and derivatives as two rows: "
                f"[[f(x₁), …, f(x₄)], [f′(x₁), …, f′(x₄)]].")

    def answer(self, p):
        a = p["a"]
        return [[v if v > 0 else a * v for v in p["x"]], [1.0 if v > 0 else a for v in p["x"]]]

    def distractors(self, p):
        a, x = p["a"], p["x"]
        out = self.answer(p)[0]
        return {"ReLU: the slope α ignored": [[max(v, 0) for v in x], [1.0 if v > 0 else 0.0 for v in x]],
                "α applied to the positive side": [[a * v if v > 0 else v for v in x],
                                                   [a if v > 0 else 1.0 for v in x]],
                "ReLU's derivative (0) on the negative side": [out, [1.0 if v > 0 else 0.0 for v in x]]}


SELU_L, SELU_A = 1.0507009873554805, 1.6732632423543772


def _phi(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _Phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


@template(id="smooth_activation", topic="activations", kind=Vector(**TRANS))
class SmoothActivation(Template):
    """ELU_α(x) = x (x > 0), α(eˣ − 1) (x ≤ 0), derivative αeˣ for x < 0;
    SELU = λ·ELU_α with λ = 1.0507, α = 1.67326; GELU(x) = xΦ(x), GELU' = Φ(x) + xφ(x);
    softplus(x) = ln(1 + eˣ), softplus' = σ(x).

        elu = a * (math.exp(x) - 1); d_elu = a * math.exp(x)          # x < 0
        gelu = x * Phi(x); d_gelu = Phi(x) + x * phi(x)
        softplus = math.log1p(math.exp(x)); d_softplus = 1 / (1 + math.exp(-x))
    """

    title = "ELU, SELU, GELU or softplus and its derivative"

    def draw(self, rng):
        f = pick(rng, ["elu", "selu", "gelu", "softplus"])
        x = pick(rng, NONZERO_HALVES_2)
        if f == "elu":
            return dict(f=f, x=-abs(x), a=pick(rng, [0.5, 1.0, 1.5, 2.0]))
        return dict(f=f, x=x, a=SELU_A if f == "selu" else 0.0)

    def text(self, p):
        x = fmt(p["x"])
        defs = {
            "elu": f"ELU with α = {fmt(p['a'])}: ELU(x) = x for x > 0 and α(eˣ − 1) for x ≤ 0",
            "selu": ("SELU: SELU(x) = λx for x > 0 and λα(eˣ − 1) for x ≤ 0, with λ = 1.0507 and "
                     "α = 1.67326 (PyTorch's constants)"),
            "gelu": (f"GELU (exact form): GELU(x) = x·Φ(x), with Φ the standard normal CDF and φ its "
                     f"density; at this x, Φ({x}) = {_Phi(p['x']):.4f} and φ({x}) = {_phi(p['x']):.4f}"),
            "softplus": "softplus: softplus(x) = ln(1 + eˣ) (ln is the natural log)",
        }[p["f"]]
        return (f"Consider {defs}. At x = {x}, compute the activation and its derivative. "
                f"Answer with the list [f(x), f′(x)].")

    def answer(self, p):
        f, x, a = p["f"], p["x"], p["a"]
        if f == "elu":
            return [a * (math.exp(x) - 1), a * math.exp(x)]
        if f == "selu":
            return [SELU_L * x, SELU_L] if x > 0 else [SELU_L * a * (math.exp(x) - 1), SELU_L * a * math.exp(x)]
        if f == "gelu":
            return [x * _Phi(x), _Phi(x) + x * _phi(x)]
        return [math.log1p(math.exp(x)), sigmoid(x)]

    def distractors(self, p):
        f, x, a = p["f"], p["x"], p["a"]
        ans = self.answer(p)
        if f == "elu":
            out = {"the −1 forgotten: αeˣ": [a * math.exp(x), a * math.exp(x)],
                   "the derivative written as the value": [ans[0], ans[0]]}
            if a != 1.0:
                out["α left out"] = [math.exp(x) - 1, math.exp(x)]
            return out
        if f == "selu":
            out = {"λ left out (ELU with α = 1.67326)": [v / SELU_L for v in ans]}
            if x < 0:
                out["the −1 forgotten"] = [SELU_L * a * math.exp(x)] * 2
            else:
                out["the negative-side formula used"] = [SELU_L * a * (math.exp(x) - 1), SELU_L * a * math.exp(x)]
            return out
        if f == "gelu":
            s = sigmoid(x)
            return {"product rule skipped: f' = Φ(x)": [ans[0], _Phi(x)],
                    "density φ in place of Φ": [x * _phi(x), _phi(x) * (1 - x * x)],
                    "SiLU x·σ(x) instead of GELU": [x * s, s + x * s * (1 - s)]}
        s = sigmoid(x)
        return {"log10 instead of ln": [math.log10(1 + math.exp(x)), s / math.log(10)],
                "derivative σ'(x) instead of σ(x)": [ans[0], s * (1 - s)],
                "derivative eˣ (the 1/(1 + eˣ) factor forgotten)": [ans[0], math.exp(x)]}


@template(id="softmax_vector", topic="activations", kind=Vector(**TRANS))
class SoftmaxVector(Template):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j).

        e = np.exp(z - z.max()); p = e / e.sum()
    """

    title = "Softmax of three logits"

    def draw(self, rng):
        z = [int(v) for v in rng.integers(-2, 4, size=3)]
        return None if len(set(z)) == 1 else dict(z=z)

    def text(self, p):
        return (f"Compute softmax(z) for the logits z = {fmt(p['z'])}, where softmax(z)_i = "
                f"e^(z_i) / Σ_j e^(z_j). Answer with the list of the three probabilities.")

    def answer(self, p):
        return softmax(p["z"])

    def distractors(self, p):
        z = p["z"]
        return {"not normalised: e^z": [math.exp(v) for v in z],
                "element-wise sigmoid": [sigmoid(v) for v in z],
                "sign flipped: softmax(−z)": softmax([-v for v in z])}


@template(id="softmax_jacobian_entry", topic="activations", kind=RelAbs(**TRANS))
class SoftmaxJacobianEntry(Template):
    """∂p_i/∂z_j = p_i(δ_ij − p_j) for p = softmax(z).

        p = softmax(z); J_ij = p[i] * ((i == j) - p[j])
    """

    title = "An entry of the softmax Jacobian"

    def draw(self, rng):
        z = [int(v) for v in rng.integers(-2, 3, size=3)]
        i = int(rng.integers(3))
        j = i if rng.integers(2) else int((i + 1 + rng.integers(2)) % 3)
        p = dict(z=z, i=i + 1, j=j + 1)
        return p if abs(self.answer(p)) >= 0.02 else None

    def text(self, p):
        return (f"Let p = softmax(z) for z = {fmt(p['z'])} (entries numbered 1 to 3), with "
                f"p_i = e^(z_i) / Σ_k e^(z_k). What is the Jacobian entry ∂p_{p['i']}/∂z_{p['j']}?")

    def answer(self, p):
        q = softmax(p["z"])
        i, j = p["i"] - 1, p["j"] - 1
        return q[i] * ((i == j) - q[j])

    def distractors(self, p):
        q = softmax(p["z"])
        i, j = p["i"] - 1, p["j"] - 1
        if i == j:
            return {"δ_ij dropped: −p_i²": -q[i] * q[i],
                    "p_i alone": q[i],
                    "1 − p_i alone": 1 - q[i]}
        return {"sign flipped: +p_i·p_j": q[i] * q[j],
                "diagonal formula p_i(1 − p_i) used off the diagonal": q[i] * (1 - q[i]),
                "δ_ij taken as 1: p_i(1 − p_j)": q[i] * (1 - q[j])}


@template(id="vanishing_gradient_sigmoid", topic="activations", kind=RelAbs(rtol=2e-2, atol=1e-12))
class VanishingGradientSigmoid(Template):
    """h_0 = x, z_l = w_l h_(l−1) + b_l, h_l = σ(z_l): ∂h_L/∂x = Π_l w_l σ'(z_l) ≤ 0.25^L Π|w_l|.

        g = 1.0
        for w, z in zip(ws, zs): s = sigmoid(z); g *= w * s * (1 - s)
    """

    title = "Gradient through a chain of sigmoids"

    def draw(self, rng):
        L = int(rng.integers(3, 6))
        return dict(w=[pick(rng, [0.5, 1.0, 2.0]) for _ in range(L)],
                    z=[pick(rng, [-2.0, -1.0, 0.0, 1.0, 2.0]) for _ in range(L)])

    def text(self, p):
        L = len(p["w"])
        return (f"A scalar chain of {L} sigmoid units: h₀ = x, z_l = w_l·h_(l−1) + b_l and h_l = σ(z_l) "
                f"for l = 1, …, {L}, with σ the logistic sigmoid. The weights are w = {fmt(p['w'])} and, "
                f"for the input at hand, the pre-activations are z = {fmt(p['z'])} (listed for l = 1, …, {L}). "
                f"What is ∂h_{L}/∂x?")

    def answer(self, p):
        return math.prod(w * sigmoid(z) * (1 - sigmoid(z)) for w, z in zip(p["w"], p["z"]))

    def distractors(self, p):
        pairs = list(zip(p["w"], p["z"]))
        return {"σ in place of σ'": math.prod(w * sigmoid(z) for w, z in pairs),
                "weights left out": math.prod(sigmoid(z) * (1 - sigmoid(z)) for _, z in pairs),
                "the bound 0.25^L·Π|w| instead of the value": 0.25 ** len(pairs) * math.prod(abs(w) for w, _ in pairs),
                "sum instead of product": sum(w * sigmoid(z) * (1 - sigmoid(z)) for w, z in pairs)}


@template(id="sigmoid_layer_forward", topic="activations", kind=Vector(**TRANS))
class SigmoidLayerForward(Template):
    """a = σ(Wx + b), row i of W holding the weights into unit i.

        a = 1 / (1 + np.exp(-(W @ x + b)))
    """

    title = "Forward pass of a sigmoid layer"

    def draw(self, rng):
        W = [[int(v) for v in row] for row in rng.integers(-2, 3, size=(2, 2))]
        x = [int(v) for v in rng.integers(-2, 3, size=2)]
        b = [int(v) for v in rng.integers(-1, 2, size=2)]
        if any(abs(v) > 4 for v in self._pre(W, x, b)):
            return None  # σ within the tolerance of 0 or 1: nothing left to compute
        return dict(W=W, x=x, b=b)

    def text(self, p):
        return (f"A dense layer with the logistic sigmoid σ computes a = σ(Wx + b), where row i of W holds "
                f"the weights into unit i. For W = {fmt(p['W'])}, x = {fmt(p['x'])} and b = {fmt(p['b'])}, "
                f"compute a (a list of two numbers).")

    @staticmethod
    def _pre(W, x, b):
        return [sum(w * v for w, v in zip(row, x)) + c for row, c in zip(W, b)]

    def answer(self, p):
        return [sigmoid(v) for v in self._pre(p["W"], p["x"], p["b"])]

    def distractors(self, p):
        Wt = [list(r) for r in zip(*p["W"])]
        return {"Wᵀx instead of Wx": [sigmoid(v) for v in self._pre(Wt, p["x"], p["b"])],
                "bias left out": [sigmoid(v) for v in self._pre(p["W"], p["x"], [0, 0])],
                "σ not applied": [float(v) for v in self._pre(p["W"], p["x"], p["b"])]}


@template(id="softmax_transform", topic="activations", kind=Choice())
class SoftmaxTransform(Template):
    """softmax(z + c) = softmax(z) (shift invariance); softmax(cz) is sharper for c > 1 and flatter
    for 0 < c < 1 (the probability of the largest logit grows with c).

        e = np.exp(c * z - (c * z).max()); p = e / e.sum()
    """

    title = "Softmax under a shift or a scaling of the logits"

    SAME = "It equals softmax(z): the probabilities do not change."
    SHARPER = "It is sharper: the largest logit gets more probability than in softmax(z)."
    FLATTER = "It is flatter: the probabilities move closer to uniform than in softmax(z)."

    def draw(self, rng):
        z = [int(v) for v in rng.integers(-2, 4, size=3)]
        if sorted(z)[-1] == sorted(z)[-2]:
            return None  # a tie for the largest logit
        op = pick(rng, ["shift", "scale"])
        c = pick(rng, [-3, -2, -1, 1, 2, 3, 5]) if op == "shift" else pick(rng, [0.5, 2, 3, 10])
        return dict(z=z, op=op, c=c)

    def text(self, p):
        c = fmt(p["c"])
        what = f"softmax(z + c·𝟏) (every logit shifted by c = {c})" if p["op"] == "shift" else \
            f"softmax(c·z) (every logit multiplied by c = {c}, a temperature of 1/c)"
        return f"The logits are z = {fmt(p['z'])}. How does {what} compare with softmax(z)?"

    def answer(self, p):
        if p["op"] == "shift":
            return self.SAME
        return self.SHARPER if p["c"] > 1 else self.FLATTER

    def distractors(self, p):
        c = fmt(p["c"])
        right = self.answer(p)
        out = {name: text for name, text in (("invariance misapplied", self.SAME),
                                             ("sharper", self.SHARPER), ("flatter", self.FLATTER)) if text != right}
        if p["op"] == "shift":
            out["normalisation forgotten"] = f"Every probability is multiplied by e^{c}."
        else:
            out["softmax taken as linear"] = f"Every probability is multiplied by {c}."
        return out


@template(id="non_saturating_activation", topic="activations", kind=Choice())
class NonSaturatingActivation(Template):
    """As x → +∞: σ' → 0, tanh' → 0, (e^(−x²))' → 0; ReLU' = 1, ELU' = 1, softplus' = σ → 1, GELU' → 1.
    As x → −∞ only LeakyReLU keeps a non-zero slope (α); ReLU, ELU, softplus, GELU, σ, tanh → 0.

        d_leaky = np.where(x > 0, 1.0, 0.01)
    """

    title = "Which activation does not saturate"

    POS_RIGHT = ["ReLU, max(0, x)", "ELU with α = 1", "softplus, ln(1 + eˣ)", "GELU, x·Φ(x)"]
    POS_WRONG = ["sigmoid, 1/(1 + e^(−x))", "tanh(x)", "Gaussian, e^(−x²)", "binary step, 1 if x > 0 else 0"]
    NEG_RIGHT = ["LeakyReLU with negative slope 0.01"]
    NEG_WRONG = ["ReLU, max(0, x)", "sigmoid, 1/(1 + e^(−x))", "tanh(x)", "ELU with α = 1",
                 "softplus, ln(1 + eˣ)", "GELU, x·Φ(x)"]

    def draw(self, rng):
        side = pick(rng, ["positive", "negative"])
        right, wrong = (self.POS_RIGHT, self.POS_WRONG) if side == "positive" else (self.NEG_RIGHT, self.NEG_WRONG)
        r = int(rng.integers(len(right)))
        w = sorted(int(i) for i in rng.choice(len(wrong), size=3, replace=False))
        return dict(side=side, right=r, wrong=w)

    def text(self, p):
        end = "+∞" if p["side"] == "positive" else "−∞"
        return (f"Which of these activations has a derivative that does **not** tend to 0 as x → {end} "
                f"(it does not saturate on that side)?")

    def _pools(self, p):
        return (self.POS_RIGHT, self.POS_WRONG) if p["side"] == "positive" else (self.NEG_RIGHT, self.NEG_WRONG)

    def answer(self, p):
        return self._pools(p)[0][p["right"]]

    def distractors(self, p):
        wrong = self._pools(p)[1]
        return {f"saturating: {wrong[i].split(',')[0]}": wrong[i] for i in p["wrong"]}


ACT_TRUE = [
    "σ′(z) = σ(z)(1 − σ(z)), so σ′(z) ≤ 0.25 for every z.",
    "tanh(z) = 2σ(2z) − 1.",
    "The derivative of softplus(z) = ln(1 + eᶻ) is σ(z).",
    "tanh′(z) = 1 − tanh²(z), which equals 1 at z = 0.",
    "LeakyReLU with negative slope 0.01 has derivative 0.01 at every z < 0.",
    "tanh is zero-centred (tanh(−z) = −tanh(z)); σ is not (σ(0) = 0.5).",
    "softmax(z + c) = softmax(z) when the same constant c is added to every logit.",
    "GELU(z) = z·Φ(z), where Φ is the standard normal CDF.",
]
ACT_FALSE = [
    ("tanh = 2σ(z) − 1 (scale of the argument lost)", "tanh(z) = 2σ(z) − 1."),
    ("σ' with a plus sign", "σ′(z) = σ(z)(1 + σ(z))."),
    ("softplus' = σ' instead of σ", "The derivative of softplus(z) = ln(1 + eᶻ) is σ(z)(1 − σ(z))."),
    ("ReLU confused with LeakyReLU", "ReLU's derivative is 0.01 at every z < 0."),
    ("σ'(0) = 0.5", "σ′(z) is largest at z = 0, where it equals 0.5."),
    ("softmax taken as scale invariant", "softmax(2z) = softmax(z) for every logit vector z."),
    ("tanh'(0) = 0.25 (σ's value)", "tanh′(0) = 0.25."),
    ("sigmoid taken as zero-centred", "σ is an odd function: σ(−z) = −σ(z)."),
]


@template(id="activation_facts", topic="activations", kind=ChoiceSet())
class ActivationFacts(Template):
    """Facts about σ, tanh, softplus, (Leaky)ReLU, GELU and softmax; the false ones are the usual slips
    (tanh = 2σ(z) − 1, σ'(0) = 0.5, softplus' = σ', ...).

        assert abs(math.tanh(z) - (2 * sigmoid(2 * z) - 1)) < 1e-12
    """

    title = "True statements about activations"

    def draw(self, rng):
        n_true = int(rng.integers(1, 4))
        t = sorted(int(i) for i in rng.choice(len(ACT_TRUE), size=n_true, replace=False))
        f = sorted(int(i) for i in rng.choice(len(ACT_FALSE), size=5 - n_true, replace=False))
        return dict(true=t, false=f)

    def text(self, p):
        return "Which of the following statements are true? (σ is the logistic sigmoid, ln the natural log.)"

    def answer(self, p):
        return [ACT_TRUE[i] for i in p["true"]]

    def distractors(self, p):
        return {ACT_FALSE[i][0]: ACT_FALSE[i][1] for i in p["false"]}


@template(id="leaky_relu_code", topic="activations", kind=Code(function="leaky_relu"))
class LeakyReluCode(Template):
    """LeakyReLU_α(x) = x if x > 0 else αx, element-wise.

        def leaky_relu(x): return np.where(x > 0, x, a * x)
    """

    title = "Write LeakyReLU"

    def draw(self, rng):
        x = [pick(rng, [v / 2 for v in range(-8, 9)]) for _ in range(6)]
        if not (any(v > 0 for v in x) and any(v < 0 for v in x)):
            return None
        return dict(a=pick(rng, [0.05, 0.1, 0.2, 0.25, 0.3]), x=x)

    def text(self, p):
        return (f"Write a function `leaky_relu(x)` that takes a NumPy array `x` of any shape and returns "
                f"LeakyReLU with negative slope α = {fmt(p['a'])} applied element-wise: x where x > 0, "
                f"and αx elsewhere. Return an array of the same shape; do not modify `x` in place.")

    def solution(self, p):
        return f"def leaky_relu(x):\n    return np.where(x > 0, x, {p['a']!r} * x)\n"

    def cases(self, p):
        return [(p["x"],), ([[1.0, -1.0, 0.0], [-4.0, 2.5, -0.5]],), ([-3.0],)]

    def distractors(self, p):
        a = repr(p["a"])
        return {"ReLU (slope ignored)": "def leaky_relu(x):\n    return np.maximum(x, 0)\n",
                "slope on the positive side": f"def leaky_relu(x):\n    return np.where(x > 0, {a} * x, x)\n",
                "PyTorch's default slope 0.01 instead of this α":
                    "def leaky_relu(x):\n    return np.where(x > 0, x, 0.01 * x)\n"}


@template(id="sigmoid_derivative_derivation", topic="activations", kind=Manual())
class SigmoidDerivativeDerivation(Template):
    """σ'(z) = e^(−z)/(1 + e^(−z))² = σ(z)·(1 − σ(z)), at most 1/4 (at z = 0).

        s = 1 / (1 + math.exp(-z)); ds = s * (1 - s)
    """

    title = "Derive the sigmoid's derivative"

    def draw(self, rng):
        return dict(z=pick(rng, [-2.0, -1.0, 1.0, 2.0, 3.0]))

    def text(self, p):
        return ("Let σ(z) = 1/(1 + e^(−z)).\n\n"
                "1. Derive σ′(z) and show that σ′(z) = σ(z)(1 − σ(z)).\n"
                "2. Show that σ′(z) ≤ 1/4 for every z, and say where the maximum is reached.\n"
                f"3. Use the result to compute σ′({fmt(p['z'])}) to three decimals, and say in one sentence "
                "what the bound in 2. implies for the gradient that flows back through many sigmoid layers.")

    def answer(self, p):
        z = p["z"]
        s = sigmoid(z)
        return ("1. σ(z) = (1 + e^(−z))^(−1), so by the chain rule σ′(z) = −(1 + e^(−z))^(−2)·(−e^(−z)) = "
                "e^(−z)/(1 + e^(−z))². Split it as [1/(1 + e^(−z))]·[e^(−z)/(1 + e^(−z))]; the second factor "
                "is (1 + e^(−z) − 1)/(1 + e^(−z)) = 1 − σ(z). Hence σ′(z) = σ(z)(1 − σ(z)).\n"
                "2. With s = σ(z) ∈ (0, 1), s(1 − s) = 1/4 − (s − 1/2)² ≤ 1/4, with equality iff s = 1/2, "
                "i.e. at z = 0 (σ′(0) = 1/4).\n"
                f"3. σ({fmt(z)}) = {s:.4f}, so σ′({fmt(z)}) = {s:.4f}·{1 - s:.4f} = {s * (1 - s):.3f}. Each "
                "sigmoid layer multiplies the backpropagated gradient by at most 1/4 (times the weight), so "
                "through L layers it can shrink like 0.25^L: the vanishing-gradient problem.\n\n"
                "Marking: 2 points for the derivation (chain rule and the rewriting as σ(1 − σ)), 1 for the "
                "bound with its maximiser, 1 for the value and the vanishing-gradient remark.")
