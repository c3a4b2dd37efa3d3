"""Convolution and pooling: output sizes, parameter counts, values by hand."""
from __future__ import annotations

from ..kinds import Exact
from ..template import Template, template


@template(id="conv_output_size", topic="cnn", kind=Exact())
class ConvOutputSize(Template):
    """H' = floor((H + 2p - d(k - 1) - 1) / s) + 1 (PyTorch's Conv2d)."""

    title = "Conv2d output height"

    def draw(self, rng):
        H, k = int(rng.integers(5, 65)), int(rng.choice([1, 3, 5, 7]))
        s, p = int(rng.choice([1, 2])), int(rng.integers(0, 4))
        return dict(H=H, k=k, s=s, p=p) if H + 2 * p >= k and (H + 2 * p - k) % s else None

    def text(self, p):
        return (f"A `Conv2d(in_channels=3, out_channels=8, kernel_size={p['k']}, stride={p['s']}, "
                f"padding={p['p']})` (dilation 1) is applied to a 3 × {p['H']} × {p['H']} image. "
                f"What is the output's height?")

    def answer(self, p):
        return (p["H"] + 2 * p["p"] - p["k"]) // p["s"] + 1

    def distractors(self, p):
        H, k, s, pad = p["H"], p["k"], p["s"], p["p"]
        return {"rounded up instead of floor": -(-(H + 2 * pad - k) // s) + 1,
                "no +1": (H + 2 * pad - k) // s,
                "padding counted once": (H + pad - k) // s + 1}
