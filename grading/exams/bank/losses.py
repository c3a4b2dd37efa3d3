"""Losses: MSE and its gradient, binary and categorical cross-entropy, label smoothing, Huber, and the
Bernoulli maximum-likelihood (coin) estimate."""
from __future__ import annotations

import math

from ..kinds import RelAbs, Vector
from ..template import Template, template
from .activations import DEC, TRANS, fmt, pick, sigmoid, softmax

RESIDUALS = [k / 10 for k in range(-15, 16) if k]


def _pairs(rng):
    """(ŷ, y) with one decimal each and ŷ ≠ y, n ∈ {2, 4, 5} so that 1/n and 2/n terminate."""
    n = pick(rng, [2, 4, 5])
    y = [int(rng.integers(-10, 21)) / 10 for _ in range(n)]
    yhat = [round(v + pick(rng, RESIDUALS), 1) for v in y]
    return dict(yhat=yhat, y=y)


def _mse_text(p, ask):
    return (f"A regression model predicts ŷ = {fmt(p['yhat'])} for targets y = {fmt(p['y'])}. The loss is the "
            f"mean squared error L = (1/n) Σᵢ (ŷᵢ − yᵢ)² over the n = {len(p['y'])} examples (PyTorch's "
            f"`MSELoss()`, reduction 'mean'). {ask}")


@template(id="mse_value", topic="losses", kind=RelAbs(**DEC))
class MseValue(Template):
    """L = (1/n) Σ (ŷ_i − y_i)².

        L = ((yhat - y) ** 2).mean()
    """

    title = "Mean squared error"

    def draw(self, rng):
        return _pairs(rng)

    def text(self, p):
        return _mse_text(p, "What is L?")

    def answer(self, p):
        return sum((a - b) ** 2 for a, b in zip(p["yhat"], p["y"])) / len(p["y"])

    def distractors(self, p):
        L, n = self.answer(p), len(p["y"])
        return {"sum instead of mean (1/n missing)": n * L,
                "½ convention: 1/(2n)": L / 2,
                "RMSE (square root taken)": math.sqrt(L),
                "mean absolute error": sum(abs(a - b) for a, b in zip(p["yhat"], p["y"])) / n}


@template(id="mse_gradient", topic="losses", kind=Vector(**DEC))
class MseGradient(Template):
    """∂L/∂ŷ_i = 2(ŷ_i − y_i)/n for L = (1/n) Σ (ŷ_i − y_i)².

        g = 2 * (yhat - y) / len(y)
    """

    title = "Gradient of the mean squared error"

    def draw(self, rng):
        return _pairs(rng)

    def text(self, p):
        return _mse_text(p, "What is the gradient ∂L/∂ŷ (a list with one entry per prediction)?")

    def answer(self, p):
        n = len(p["y"])
        return [2 * (a - b) / n for a, b in zip(p["yhat"], p["y"])]

    def distractors(self, p):
        n = len(p["y"])
        return {"1/n missing": [2 * (a - b) for a, b in zip(p["yhat"], p["y"])],
                "factor 2 missing": [(a - b) / n for a, b in zip(p["yhat"], p["y"])],
                "sign flipped: 2(y − ŷ)/n": [2 * (b - a) / n for a, b in zip(p["yhat"], p["y"])]}


@template(id="bce_value", topic="losses", kind=RelAbs(**TRANS))
class BceValue(Template):
    """BCE = −[y ln p + (1 − y) ln(1 − p)].

        L = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    """

    title = "Binary cross-entropy"

    def draw(self, rng):
        return dict(p=pick(rng, [k / 20 for k in range(1, 20) if k != 10]), y=int(rng.integers(2)))

    def text(self, p):
        return (f"A binary classifier outputs p = P(y = 1 | x) = {fmt(p['p'])} (a sigmoid output) for an "
                f"example whose label is y = {p['y']}. What is the binary cross-entropy "
                f"L = −[y ln p + (1 − y) ln(1 − p)] for this example (ln is the natural log)?")

    def answer(self, p):
        return -math.log(p["p"] if p["y"] == 1 else 1 - p["p"])

    def distractors(self, p):
        q = p["p"] if p["y"] == 1 else 1 - p["p"]
        return {"log10 instead of ln": -math.log10(q),
                "log2 instead of ln": -math.log2(q),
                "the other class's probability": -math.log(1 - q),
                "minus sign dropped": math.log(q)}


@template(id="bce_logits_gradient", topic="losses", kind=RelAbs(**TRANS))
class BceLogitsGradient(Template):
    """L = −[y ln σ(z) + (1 − y) ln(1 − σ(z))] ⇒ ∂L/∂z = σ(z) − y.

        dz = 1 / (1 + math.exp(-z)) - y
    """

    title = "Gradient of BCE with logits"

    def draw(self, rng):
        return dict(z=pick(rng, [k / 2 for k in range(-6, 7)]), y=int(rng.integers(2)))

    def text(self, p):
        return (f"`BCEWithLogitsLoss` on one example with logit z = {fmt(p['z'])} and label y = {p['y']}: "
                f"L = −[y ln σ(z) + (1 − y) ln(1 − σ(z))], with σ the logistic sigmoid and ln the natural log. "
                f"What is ∂L/∂z?")

    def answer(self, p):
        return sigmoid(p["z"]) - p["y"]

    def distractors(self, p):
        s, y = sigmoid(p["z"]), p["y"]
        return {"sign flipped: y − σ(z)": y - s,
                "an extra σ' factor (as for MSE on σ)": (s - y) * s * (1 - s),
                "logit used in place of σ(z): z − y": p["z"] - y}


def _logits(rng):
    K = pick(rng, [3, 4])
    z = [int(v) for v in rng.integers(-2, 4, size=K)]
    return dict(z=z, c=int(rng.integers(K)))


def _ce_text(p, ask):
    return (f"A {len(p['z'])}-class classifier outputs the logits z = {fmt(p['z'])}; the target is class "
            f"{p['c']} (counting from 0, as in PyTorch), whose logit is {p['z'][p['c']]}. The loss is PyTorch's "
            f"`CrossEntropyLoss`: L = −ln softmax(z)_c, with ln the natural log. {ask}")


@template(id="ce_from_logits", topic="losses", kind=RelAbs(rtol=1e-2, atol=5e-3))
class CeFromLogits(Template):
    """L = −z_c + ln Σ_j e^(z_j) (softmax and log in one).

        L = -z[c] + math.log(sum(math.exp(v) for v in z))
    """

    title = "Cross-entropy from logits"

    def draw(self, rng):
        return _logits(rng)

    def text(self, p):
        return _ce_text(p, "What is L?")

    def answer(self, p):
        return -p["z"][p["c"]] + math.log(sum(math.exp(v) for v in p["z"]))

    def distractors(self, p):
        q, c = softmax(p["z"]), p["c"]
        return {"log10 instead of ln": -math.log10(q[c]),
                "sign flipped": math.log(q[c]),
                "multi-label BCE terms (1 − y)ln(1 − p) added": -math.log(q[c]) - sum(
                    math.log(1 - v) for k, v in enumerate(q) if k != c),
                "normaliser forgotten: −z_c": float(-p["z"][c])}


@template(id="softmax_ce_gradient", topic="losses", kind=Vector(**TRANS))
class SoftmaxCeGradient(Template):
    """∂L/∂z = softmax(z) − onehot(c) for L = −ln softmax(z)_c.

        g = softmax(z); g[c] -= 1
    """

    title = "Gradient of softmax cross-entropy w.r.t. the logits"

    def draw(self, rng):
        return _logits(rng)

    def text(self, p):
        return _ce_text(p, "What is the gradient ∂L/∂z (a list, one entry per logit)?")

    def answer(self, p):
        return [v - (k == p["c"]) for k, v in enumerate(softmax(p["z"]))]

    def distractors(self, p):
        q, c = softmax(p["z"]), p["c"]
        return {"sign flipped: onehot − p": [(k == c) - v for k, v in enumerate(q)],
                "one-hot not subtracted: p": q,
                "gradient w.r.t. p, not z: −1/p_c at c": [-1 / q[c] if k == c else 0.0 for k in range(len(q))]}


@template(id="label_smoothing_ce", topic="losses", kind=RelAbs(**TRANS))
class LabelSmoothingCe(Template):
    """q = (1 − ε)·onehot(c) + ε/K (PyTorch's label_smoothing); L = −Σ_k q_k ln p_k.

        q = np.full(K, eps / K); q[c] += 1 - eps; L = -(q * np.log(p)).sum()
    """

    title = "Cross-entropy with label smoothing"

    def draw(self, rng):
        K = pick(rng, [3, 4, 5])
        cuts = sorted(int(v) for v in rng.choice(range(1, 20), size=K - 1, replace=False))
        counts = [b - a for a, b in zip([0] + cuts, cuts + [20])]
        return dict(p=[k / 20 for k in counts], c=int(rng.integers(K)), eps=pick(rng, [0.1, 0.2]))

    def text(self, p):
        K = len(p["p"])
        return (f"A {K}-class model predicts the probabilities p = {fmt(p['p'])} (already softmaxed); the "
                f"target is class {p['c']} (counting from 0). With label smoothing ε = {fmt(p['eps'])} as in "
                f"`torch.nn.CrossEntropyLoss(label_smoothing={fmt(p['eps'])})`, the target distribution is "
                f"q = (1 − ε)·onehot(c) + ε/K (every class, the target included, gets ε/K) and the loss is "
                f"L = −Σ_k q_k ln p_k (ln is the natural log). What is L?")

    @staticmethod
    def _loss(q, p):
        return -sum(a * math.log(b) for a, b in zip(q, p))

    def answer(self, p):
        K, e = len(p["p"]), p["eps"]
        return self._loss([(1 - e) * (k == p["c"]) + e / K for k in range(K)], p["p"])

    def distractors(self, p):
        K, e, c = len(p["p"]), p["eps"], p["c"]
        return {"no smoothing: −ln p_c": -math.log(p["p"][c]),
                "ε/(K − 1) on the other classes only": self._loss(
                    [1 - e if k == c else e / (K - 1) for k in range(K)], p["p"]),
                "log10 instead of ln": self.answer(p) / math.log(10)}


@template(id="huber_loss", topic="losses", kind=RelAbs(**DEC))
class HuberLoss(Template):
    """Huber_δ(a) = ½a² if |a| ≤ δ else δ(|a| − ½δ); mean over the residuals.

        L = np.where(abs(a) <= d, 0.5 * a**2, d * (abs(a) - 0.5 * d)).mean()
    """

    title = "Huber loss"

    GRID = [s * v for s in (-1, 1) for v in (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)]

    def draw(self, rng):
        d = pick(rng, [0.5, 1.0, 1.5, 2.0])
        a = [pick(rng, self.GRID) for _ in range(4)]
        if not (any(abs(v) < d for v in a) and any(abs(v) > d for v in a)):
            return None
        return dict(a=a, d=d)

    def text(self, p):
        return (f"The residuals ŷᵢ − yᵢ of four predictions are a = {fmt(p['a'])}. The loss is "
                f"`torch.nn.HuberLoss(delta={fmt(p['d'])}, reduction='mean')`: per residual ½a² if |a| ≤ δ and "
                f"δ(|a| − ½δ) otherwise, averaged over the four. What is the loss?")

    @staticmethod
    def _each(a, d):
        return [0.5 * v * v if abs(v) <= d else d * (abs(v) - 0.5 * d) for v in a]

    def answer(self, p):
        return sum(self._each(p["a"], p["d"])) / len(p["a"])

    def distractors(self, p):
        a, d = p["a"], p["d"]
        out = {"½a² everywhere (no linear branch)": sum(0.5 * v * v for v in a) / len(a),
               "linear branch without −½δ²": sum(0.5 * v * v if abs(v) <= d else d * abs(v) for v in a) / len(a),
               "sum instead of mean": sum(self._each(a, d))}
        if d != 1.0:
            out["SmoothL1 (divided by δ)"] = self.answer(p) / d
        return out


@template(id="bernoulli_mle", topic="losses", kind=RelAbs(rtol=1e-4, atol=1e-3))
class BernoulliMle(Template):
    """k heads in n tosses: MLE θ̂ = k/n (maximises k ln θ + (n − k) ln(1 − θ), i.e. minimises BCE);
    Beta(α, β) prior: MAP (k + α − 1)/(n + α + β − 2), posterior mean (k + α)/(n + α + β).

        mle = k / n; map_ = (k + a - 1) / (n + a + b - 2); mean = (k + a) / (n + a + b)
    """

    title = "Coin tosses: maximum likelihood, MAP, posterior mean"

    def draw(self, rng):
        n = int(rng.integers(5, 31))
        k = int(rng.integers(1, n))
        mode = pick(rng, ["mle", "mle", "map", "mean"])
        if mode == "mle":
            return dict(mode=mode, n=n, k=k, a=1, b=1)
        a, b = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        return None if mode == "map" and a + b <= 2 else dict(mode=mode, n=n, k=k, a=a, b=b)

    def text(self, p):
        n, k, a, b = p["n"], p["k"], p["a"], p["b"]
        head = (f"A coin is tossed n = {n} times and shows heads k = {k} times; the tosses are independent "
                f"with P(heads) = θ. ")
        if p["mode"] == "mle":
            return head + "What is the maximum-likelihood estimate θ̂ (the θ maximising θ^k (1 − θ)^(n − k))?"
        prior = f"With a Beta({a}, {b}) prior on θ (density ∝ θ^({a} − 1)(1 − θ)^({b} − 1)), what is "
        if p["mode"] == "map":
            return head + prior + "the MAP estimate (the mode of the posterior)?"
        return head + prior + "the posterior mean of θ?"

    def answer(self, p):
        n, k, a, b = p["n"], p["k"], p["a"], p["b"]
        if p["mode"] == "mle":
            return k / n
        if p["mode"] == "map":
            return (k + a - 1) / (n + a + b - 2)
        return (k + a) / (n + a + b)

    def distractors(self, p):
        n, k, a, b = p["n"], p["k"], p["a"], p["b"]
        if p["mode"] == "mle":
            return {"fraction of tails": (n - k) / n,
                    "posterior mean under a uniform prior (k + 1)/(n + 2)": (k + 1) / (n + 2),
                    "odds k/(n − k)": k / (n - k)}
        out = {"MLE (prior ignored)": k / n}
        if p["mode"] == "map":
            out["posterior mean instead of the mode"] = (k + a) / (n + a + b)
        else:
            out["posterior mode (MAP) instead of the mean"] = (k + a - 1) / (n + a + b - 2) if a + b > 2 else k / n
        if a != b:
            out["α and β swapped"] = self.answer(dict(p, a=b, b=a))
        return out
