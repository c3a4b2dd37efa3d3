"""Normalisation and regularisation: batch norm, layer norm, dropout, L1/L2 penalties.

(Initialisation lives with the other helper's templates, not here.)"""
from __future__ import annotations

import numpy as np

from ..kinds import Choice, ChoiceSet, RelAbs, Vector
from ..template import Template, template
from .cnn import array_text, num_text

EPS = 1e-5
DEC = RelAbs(rtol=1e-4, atol=1e-6)
DEC_VEC = Vector(rtol=1e-4, atol=1e-6)
TRANS_VEC = Vector(rtol=1e-2, atol=1e-3)


def normalise(x, axis, ddof=0, root=True):
    """(x - mean) / sqrt(var + eps) along ``axis``; ddof=1 is the unbiased variance; root=False
    divides by the variance itself (a slip)."""
    x = np.asarray(x, float)
    var = x.var(axis=axis, ddof=ddof, keepdims=True) + EPS
    return (x - x.mean(axis=axis, keepdims=True)) / (np.sqrt(var) if root else var)


@template(id="batchnorm2d_param_count", topic="normalisation", kind=Choice())
class BatchNorm2dParamCount(Template):
    """nn.BatchNorm2d(C) learns gamma and beta, one per channel: 2C parameters. The running mean and
    variance (and num_batches_tracked) are buffers, not parameters."""

    title = "BatchNorm2d parameter count"

    def draw(self, rng):
        return dict(C=int(rng.choice([16, 32, 64, 128, 256])), H=int(rng.choice([7, 14, 28])))

    def text(self, p):
        return (f"`bn = nn.BatchNorm2d({p['C']})` (defaults: `affine=True`, `track_running_stats=True`) "
                f"normalises activations of shape (N, {p['C']}, {p['H']}, {p['H']}). How many learnable "
                f"parameters does it have, i.e. what is `sum(t.numel() for t in bn.parameters())`?")

    def answer(self, p):
        return 2 * p["C"]

    def distractors(self, p):
        C, H = p["C"], p["H"]
        return {"running mean and variance counted": 4 * C,
                "only gamma counted": C,
                "gamma and beta per position": 2 * C * H * H}


@template(id="batchnorm_forward", topic="normalisation", kind=TRANS_VEC)
class BatchNormForward(Template):
    """Training mode: per feature j, mu_j and the biased variance var_j over the batch of N = 4;
    y = gamma_j (x - mu_j) / sqrt(var_j + eps) + beta_j.

        gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta
    """

    title = "Batch norm forward pass"

    def draw(self, rng):
        x = rng.integers(-3, 6, size=(4, 2))
        if x.var(axis=0).min() < 1:
            return None
        gamma = [float(v) for v in rng.choice([0.5, 1.0, 2.0], size=2)]
        beta = [float(v) for v in rng.choice([-1.0, 0.0, 0.5, 1.0], size=2)]
        return dict(x=x.tolist(), gamma=gamma, beta=beta)

    def text(self, p):
        return ("`nn.BatchNorm1d(2, eps=1e-5)` in training mode receives a batch of N = 4 examples with 2 "
                "features each (one row per example). It normalises each feature with the batch mean and "
                "the **biased** batch variance (divide by N), adds ε = 10⁻⁵ to the variance, then scales "
                f"by γ = {p['gamma']} and shifts by β = {p['beta']} (one entry per feature). What is its "
                "4 × 2 output?\n\n" + array_text("x", p["x"]))

    def answer(self, p):
        return (np.array(p["gamma"]) * normalise(p["x"], 0) + np.array(p["beta"])).tolist()

    def distractors(self, p):
        g, b = np.array(p["gamma"]), np.array(p["beta"])
        return {"unbiased variance (N - 1)": (g * normalise(p["x"], 0, ddof=1) + b).tolist(),
                "divided by the variance, not the standard deviation": (g * normalise(p["x"], 0, root=False) + b).tolist(),
                "statistics over each example's features (layer norm)": (g * normalise(p["x"], 1) + b).tolist(),
                "gamma and beta swapped": (b * normalise(p["x"], 0) + g).tolist()}


@template(id="layernorm_forward", topic="normalisation", kind=TRANS_VEC)
class LayerNormForward(Template):
    """Per example: mean and biased variance over its d features; y = gamma (x - mu)/sqrt(var + eps) + beta,
    the same in training and evaluation.

        gamma * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + beta
    """

    title = "Layer norm forward pass"

    def draw(self, rng):
        x = rng.integers(-3, 6, size=(2, 3))
        if x.var(axis=1).min() < 0.5 or x.var(axis=0).min() == 0:
            return None
        gamma = [float(v) for v in rng.choice([0.5, 1.0, 2.0], size=3)]
        beta = [float(v) for v in rng.choice([-1.0, 0.0, 0.5, 1.0], size=3)]
        return dict(x=x.tolist(), gamma=gamma, beta=beta)

    def text(self, p):
        return ("`nn.LayerNorm(3, eps=1e-5)` receives a batch of 2 examples with 3 features each (one row per "
                "example). It normalises with the mean and the **biased** variance (divide by the number of "
                "values averaged), adds ε = 10⁻⁵ to the variance, then scales elementwise by "
                f"γ = {p['gamma']} and shifts by β = {p['beta']}. What is its 2 × 3 output?\n\n"
                + array_text("x", p["x"]))

    def answer(self, p):
        return (np.array(p["gamma"]) * normalise(p["x"], 1) + np.array(p["beta"])).tolist()

    def distractors(self, p):
        g, b = np.array(p["gamma"]), np.array(p["beta"])
        return {"unbiased variance": (g * normalise(p["x"], 1, ddof=1) + b).tolist(),
                "statistics over the batch (batch norm)": (g * normalise(p["x"], 0) + b).tolist(),
                "divided by the variance, not the standard deviation": (g * normalise(p["x"], 1, root=False) + b).tolist()}


DROP_P = [0.2, 0.5, 0.6, 0.75, 0.8]  # 1/(1-p) terminates: 1.25, 2, 2.5, 4, 5


@template(id="inverted_dropout", topic="regularisation", kind=DEC_VEC)
class InvertedDropout(Template):
    """p is the drop probability; in training y = x * m / (1 - p) (inverted dropout), at test time y = x.

        x * m / (1 - p)
    """

    title = "Inverted dropout in training"

    def draw(self, rng):
        p = float(rng.choice(DROP_P))
        x = rng.choice([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0], size=6)
        m = rng.integers(0, 2, size=6)
        if m.min() == m.max():
            return None
        return dict(p=p, x=x.tolist(), m=m.tolist())

    def text(self, p):
        return (f"`nn.Dropout(p={num_text(p['p'])})` is in training mode; as in PyTorch, p is the probability "
                f"that an element is **dropped** (zeroed). For the input `x` it drew the mask `m` "
                f"(1 = kept, 0 = dropped). What does the layer output?\n\n"
                + array_text("x", p["x"]) + "\n\n" + array_text("m", p["m"]))

    def answer(self, p):
        return (np.array(p["x"]) * np.array(p["m"]) / (1 - p["p"]) + 0.0).tolist()  # + 0.0: no -0

    def distractors(self, p):
        kept = np.array(p["x"]) * np.array(p["m"]) + 0.0
        out = {"not scaled (non-inverted dropout)": kept.tolist(),
               "scaled by p": (kept * p["p"]).tolist(),
               "scaled by 1 - p (the test-time rule of non-inverted dropout)": (kept * (1 - p["p"])).tolist()}
        if p["p"] != 0.5:
            out["divided by p (keep and drop probabilities mixed up)"] = (kept / p["p"]).tolist()
        return out


STATEMENT_P = [0.2, 0.6, 0.75, 0.8]  # not 0.5, where keep and drop probabilities coincide


@template(id="dropout_statements", topic="regularisation", kind=ChoiceSet())
class DropoutStatements(Template):
    """nn.Dropout(p): in training each element is zeroed with probability p and the survivors are
    scaled by 1/(1 - p), so E[y] = x; in evaluation mode it is the identity."""

    title = "Which dropout statements are true"

    def draw(self, rng):
        p = float(rng.choice(STATEMENT_P))
        true = sorted(int(i) for i in rng.choice(5, size=int(rng.integers(1, 4)), replace=False))
        false = sorted(int(i) for i in rng.choice(7, size=3, replace=False))
        return dict(p=p, true=true, false=false)

    def text(self, p):
        return (f"A network contains `nn.Dropout(p={num_text(p['p'])})` (PyTorch: p is the probability that an "
                f"element is dropped). Which of the following statements are true?")

    @staticmethod
    def true_pool(p):
        keep = 1 - p
        return [f"In training, each element is zeroed independently with probability {num_text(p)}.",
                f"In training, the elements that are kept are multiplied by {num_text(1 / keep)}.",
                "In evaluation mode (`model.eval()`), the layer returns its input unchanged.",
                "In training, the expected value of each output element equals the input element.",
                f"In training, on average a fraction {num_text(round(keep, 2))} of the elements are kept."]

    @staticmethod
    def false_pool(p):
        """(named mistake, statement)."""
        return [("eval output multiplied by p (the slide's slip)",
                 f"In evaluation mode, the outputs are multiplied by {num_text(p)}."),
                ("kept elements multiplied by p",
                 f"In training, the elements that are kept are multiplied by {num_text(p)}."),
                ("non-inverted dropout's test-time rule",
                 f"In evaluation mode, the outputs are multiplied by {num_text(round(1 - p, 2))}."),
                ("still dropping at test time",
                 f"In evaluation mode, each element is still zeroed with probability {num_text(p)}."),
                ("dropout has learnable parameters", "The layer has one learnable keep probability per element."),
                ("keep and drop probabilities mixed up",
                 f"In training, each element is kept with probability {num_text(p)}."),
                ("scaled by 1/p", f"In training, the elements that are kept are multiplied by 1/{num_text(p)}.")]

    def answer(self, p):
        pool = self.true_pool(p["p"])
        return [pool[i] for i in p["true"]]

    def distractors(self, p):
        pool = self.false_pool(p["p"])
        return dict(pool[i] for i in p["false"])


WEIGHTS = [-1.5, -1.0, -0.5, -0.2, 0.2, 0.5, 1.0, 1.5, 2.0]
LAMBDAS = [0.01, 0.1, 0.2, 0.5, 1.0]


def _weights(rng, n):
    return [float(v) for v in rng.choice(WEIGHTS, size=n)]


@template(id="l2_penalty", topic="regularisation", kind=DEC)
class L2Penalty(Template):
    """R(w) = (lambda / 2) * sum_i w_i^2.

        lam / 2 * (w ** 2).sum()
    """

    title = "L2 penalty value"

    def draw(self, rng):
        return dict(w=_weights(rng, 4), lam=float(rng.choice(LAMBDAS)))

    def text(self, p):
        return (f"A model's loss adds the L2 penalty R(w) = (λ/2)·‖w‖₂² = (λ/2)·Σᵢ wᵢ² with λ = {num_text(p['lam'])}. "
                f"What is R(w) for the weights below?\n\n" + array_text("w", p["w"]))

    def answer(self, p):
        return p["lam"] / 2 * float(np.sum(np.square(p["w"])))

    def distractors(self, p):
        w, lam = np.array(p["w"]), p["lam"]
        return {"½ forgotten": lam * float(np.sum(w ** 2)),
                "norm not squared": lam / 2 * float(np.linalg.norm(w)),
                "sum squared instead of squares summed": lam / 2 * float(w.sum()) ** 2}


@template(id="l2_gradient", topic="regularisation", kind=DEC_VEC)
class L2Gradient(Template):
    """d/dw [L_data + (lambda/2) ||w||^2] = g + lambda w.

        g + lam * w
    """

    title = "Gradient with an L2 penalty"

    def draw(self, rng):
        g = [float(v) for v in rng.choice([-0.6, -0.4, -0.2, 0.1, 0.3, 0.5], size=3)]
        return dict(w=_weights(rng, 3), g=g, lam=float(rng.choice(LAMBDAS[1:])))

    def text(self, p):
        return (f"The training loss is L(w) = L_data(w) + (λ/2)·‖w‖₂² with λ = {num_text(p['lam'])}. At the "
                f"current weights `w` backpropagation gives ∂L_data/∂w = `g`. What is ∂L/∂w?\n\n"
                + array_text("w", p["w"]) + "\n\n" + array_text("g", p["g"]))

    def answer(self, p):
        return (np.array(p["g"]) + p["lam"] * np.array(p["w"])).tolist()

    def distractors(self, p):
        w, g, lam = np.array(p["w"]), np.array(p["g"]), p["lam"]
        return {"½ kept in the derivative": (g + lam / 2 * w).tolist(),
                "factor 2 (derivative of λ‖w‖²)": (g + 2 * lam * w).tolist(),
                "penalty ignored": g.tolist(),
                "sign error": (g - lam * w).tolist()}


@template(id="l1_gradient", topic="regularisation", kind=DEC_VEC)
class L1Gradient(Template):
    """d/dw [L_data + lambda ||w||_1] = g + lambda sign(w) (w has no zero entries).

        g + lam * np.sign(w)
    """

    title = "Gradient with an L1 penalty"

    def draw(self, rng):
        g = [float(v) for v in rng.choice([-0.6, -0.4, -0.2, 0.1, 0.3, 0.5], size=3)]
        w = _weights(rng, 3)
        if min(w) > 0 or max(w) < 0:
            return None  # both signs, so that "λ everywhere" is wrong
        return dict(w=w, g=g, lam=float(rng.choice(LAMBDAS[1:])))

    def text(self, p):
        return (f"The training loss is L(w) = L_data(w) + λ·‖w‖₁ = L_data(w) + λ·Σᵢ |wᵢ| with λ = {num_text(p['lam'])}. "
                f"At the current weights `w` (no entry is 0) backpropagation gives ∂L_data/∂w = `g`. "
                f"What is ∂L/∂w?\n\n" + array_text("w", p["w"]) + "\n\n" + array_text("g", p["g"]))

    def answer(self, p):
        return (np.array(p["g"]) + p["lam"] * np.sign(p["w"])).tolist()

    def distractors(self, p):
        w, g, lam = np.array(p["w"]), np.array(p["g"]), p["lam"]
        return {"L2's gradient λw": (g + lam * w).tolist(),
                "derivative of |w| taken as 1": (g + lam).tolist(),
                "penalty ignored": g.tolist()}
