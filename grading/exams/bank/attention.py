"""Attention: scaled dot-product weights and outputs, multi-head parameter count, why scale by sqrt(d_k)."""
from __future__ import annotations

import numpy as np

from ..kinds import Choice, Exact, Vector
from ..template import Template, template
from .cnn import array_text

TRANS_VEC = Vector(rtol=1e-2, atol=1e-3)
D_K = 4  # sqrt(d_k) = 2


def softmax(s):
    e = np.exp(np.asarray(s, float) - np.max(s))
    return e / e.sum()


def scores(p):
    return np.array(p["K"], float) @ np.array(p["q"], float)


def draw_query_keys(rng, n):
    q, K = rng.integers(-1, 3, size=D_K), rng.integers(-1, 3, size=(n, D_K))
    s = K @ q
    return None if len(set(s.tolist())) < n else (q.tolist(), K.tolist())


@template(id="attention_weights", topic="attention", kind=TRANS_VEC)
class AttentionWeights(Template):
    """alpha_j = softmax_j(q . k_j / sqrt(d_k)).

        softmax(K @ q / np.sqrt(d_k))
    """

    title = "Scaled dot-product attention weights"

    def draw(self, rng):
        drawn = draw_query_keys(rng, int(rng.choice([3, 4])))
        return None if drawn is None else dict(q=drawn[0], K=drawn[1])

    def text(self, p):
        return (f"In scaled dot-product attention a query `q` (d_k = {D_K}) attends to the keys k_j, the rows "
                f"of `K`. What are the attention weights α_j, j = 1…{len(p['K'])}, i.e. softmax over j of "
                f"the scaled scores (e is Euler's number)?\n\n" + array_text("q", p["q"]) + "\n\n"
                + array_text("K", p["K"]))

    def answer(self, p):
        return softmax(scores(p) / np.sqrt(D_K)).tolist()

    def distractors(self, p):
        s = scores(p)
        return {"no scaling": softmax(s).tolist(),
                "divided by d_k instead of its square root": softmax(s / D_K).tolist(),
                "softmax forgotten (scaled scores)": (s / np.sqrt(D_K)).tolist()}


@template(id="attention_output", topic="attention", kind=TRANS_VEC)
class AttentionOutput(Template):
    """out = sum_j alpha_j v_j with alpha = softmax(K q / sqrt(d_k)).

        softmax(K @ q / np.sqrt(d_k)) @ V
    """

    title = "Scaled dot-product attention output"

    def draw(self, rng):
        drawn = draw_query_keys(rng, 3)
        if drawn is None:
            return None
        return dict(q=drawn[0], K=drawn[1], V=rng.integers(-2, 4, size=(3, 2)).tolist())

    def text(self, p):
        return (f"A query `q` (d_k = {D_K}) attends to three key–value pairs: the keys are the rows of `K`, "
                f"the values the rows of `V`. Using scaled dot-product attention, "
                f"softmax(q·k_j / √d_k) weighting the values, what is the output vector?\n\n"
                + array_text("q", p["q"]) + "\n\n" + array_text("K", p["K"]) + "\n\n" + array_text("V", p["V"]))

    def answer(self, p):
        return (softmax(scores(p) / np.sqrt(D_K)) @ np.array(p["V"], float)).tolist()

    def distractors(self, p):
        s, V = scores(p), np.array(p["V"], float)
        return {"no scaling": (softmax(s) @ V).tolist(),
                "softmax forgotten (scaled scores as weights)": (s / np.sqrt(D_K) @ V).tolist(),
                "uniform weights (mean of the values)": V.mean(axis=0).tolist()}


@template(id="mha_param_count", topic="attention", kind=Exact())
class MHAParamCount(Template):
    """Q, K, V and output projections, each d x d plus a bias of d: 4 d^2 + 4 d, whatever the number
    of heads (the heads split d, they do not multiply it). d = 512: 1,050,624."""

    title = "Multi-head attention parameter count"

    def draw(self, rng):
        d, h = int(rng.choice([64, 128, 256, 384, 512, 768])), int(rng.choice([2, 4, 8, 12, 16]))
        return dict(d=d, h=h) if d % h == 0 else None

    def text(self, p):
        return (f"How many learnable parameters does `nn.MultiheadAttention(embed_dim={p['d']}, "
                f"num_heads={p['h']})` have (PyTorch defaults: `bias=True`, keys and values of dimension "
                f"embed_dim, no extra key/value biases)?")

    def answer(self, p):
        return 4 * p["d"] ** 2 + 4 * p["d"]

    def distractors(self, p):
        d, h = p["d"], p["h"]
        return {"biases forgotten": 4 * d * d,
                "projections repeated for every head": h * (4 * d * d + 4 * d),
                "output projection forgotten": 3 * d * d + 3 * d,
                "one head's d × d/h projections": 4 * d * (d // h) + 4 * d}


@template(id="attention_score_variance", topic="attention", kind=Choice())
class AttentionScoreVariance(Template):
    """q, k with independent components of mean 0 and variance 1: Var(q . k) = sum_i Var(q_i k_i) = d_k,
    so q . k / sqrt(d_k) has variance 1 and the softmax does not saturate."""

    title = "Why attention scores are divided by sqrt(d_k)"

    def draw(self, rng):
        return dict(d=int(rng.choice([16, 64, 256])))

    def text(self, p):
        return (f"Queries and keys have d_k = {p['d']} components, all independent with mean 0 and variance 1. "
                f"Which statement about the attention score q·k is correct?")

    def answer(self, p):
        d = p["d"]
        return f"Var(q·k) = {d}, so q·k/√{d} has variance 1 and the softmax does not saturate."

    def distractors(self, p):
        d, r = p["d"], int(np.sqrt(p["d"]))
        return {"products' variances not summed":
                    f"Var(q·k) = 1, so q·k/√{d} has variance 1/{d}; the scaling only shrinks the scores.",
                "standard deviation taken for the variance":
                    f"Var(q·k) = {r}, so q·k/√{d} has variance 1/{r}.",
                "variance of a sum squared":
                    f"Var(q·k) = {d * d}, so q·k/√{d} still has variance {d}."}
