"""Convolution and pooling: output sizes, parameter counts, values by hand."""
from __future__ import annotations

import numpy as np

from ..kinds import Code, Exact, Shape, Vector
from ..template import Template, template

EXACT_VEC = Vector(rtol=0.0, atol=0.0)  # integer entries, compared exactly
DEC_VEC = Vector(rtol=1e-4, atol=1e-6)  # terminating decimals


def num_text(x) -> str:
    """3, 0.5, -1.25: an integer-valued float without its ".0"."""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def array_text(name: str, a) -> str:
    """A vector or matrix as a fenced Python literal with aligned columns."""
    a = np.asarray(a, dtype=float)
    cells = [[num_text(v) for v in row] for row in np.atleast_2d(a)]
    width = max(len(c) for row in cells for c in row)
    rows = ["[" + ", ".join(c.rjust(width) for c in row) + "]" for row in cells]
    if a.ndim == 1:
        body = rows[0]
    else:
        body = "[" + (",\n" + " " * (len(name) + 4)).join(rows) + "]"
    return f"```\n{name} = {body}\n```"


def conv_size(H, k, s=1, p=0, d=1):
    """PyTorch's Conv2d/MaxPool2d output length along one side."""
    return (H + 2 * p - d * (k - 1) - 1) // s + 1


def correlate(x, w, s=1):
    """Cross-correlation (no kernel flip), no padding, stride s: what Conv2d computes."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    k, m = len(w), (len(x) - len(w)) // s + 1
    return [[float((x[s * i:s * i + k, s * j:s * j + k] * w).sum()) for j in range(m)] for i in range(m)]


def pool(x, k, s, f):
    """f over each k×k window of x with stride s."""
    x = np.asarray(x, float)
    m, n = (len(x) - k) // s + 1, (len(x[0]) - k) // s + 1
    return [[float(f(x[s * i:s * i + k, s * j:s * j + k])) for j in range(n)] for i in range(m)]


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


@template(id="conv_output_shape", topic="cnn", kind=Shape())
class ConvOutputShape(Template):
    """(C_out, H', W') with H' = (H + 2p - d(k-1) - 1)/s + 1, likewise W' (draws divide exactly).

        (C_out, conv_size(H, k, s, p, d), conv_size(W, k, s, p, d))
    """

    title = "Conv2d output shape with dilation"

    def draw(self, rng):
        c_in, c_out = int(rng.choice([1, 3, 8, 16])), int(rng.choice([4, 8, 16, 32, 64]))
        H, W = (int(v) for v in rng.integers(8, 65, size=2))
        k, s = int(rng.choice([3, 5, 7])), int(rng.choice([1, 2]))
        pad, d = int(rng.integers(0, 4)), int(rng.choice([1, 2]))
        span = d * (k - 1) + 1
        if c_in == c_out or H == W or min(H, W) + 2 * pad < span:
            return None
        if (H + 2 * pad - span) % s or (W + 2 * pad - span) % s:
            return None
        return dict(c_in=c_in, c_out=c_out, H=H, W=W, k=k, s=s, p=pad, d=d)

    def text(self, p):
        return (f"`nn.Conv2d(in_channels={p['c_in']}, out_channels={p['c_out']}, kernel_size={p['k']}, "
                f"stride={p['s']}, padding={p['p']}, dilation={p['d']})` is applied to one input of shape "
                f"(C, H, W) = ({p['c_in']}, {p['H']}, {p['W']}) (no batch dimension). "
                f"What is the output's shape (C, H', W')?")

    def answer(self, p):
        return [p["c_out"]] + [conv_size(n, p["k"], p["s"], p["p"], p["d"]) for n in (p["H"], p["W"])]

    def distractors(self, p):
        k, s, pad, d = p["k"], p["s"], p["p"], p["d"]
        right = self.answer(p)
        out = {"input channels kept": [p["c_in"]] + right[1:],
               "no +1": [p["c_out"]] + [v - 1 for v in right[1:]]}
        if d > 1:
            out["dilation ignored"] = [p["c_out"]] + [conv_size(n, k, s, pad) for n in (p["H"], p["W"])]
        if pad:
            out["padding counted once"] = [p["c_out"]] + [(n + pad - d * (k - 1) - 1) // s + 1
                                                          for n in (p["H"], p["W"])]
        return out


# (input side, kernel side, stride) with at most a 3×3 output and 36 products to add up
CONV_VALUE_SHAPES = [(4, 2, 1), (4, 2, 2), (4, 3, 1), (5, 3, 2)]


@template(id="conv2d_values", topic="cnn", kind=EXACT_VEC)
class Conv2dValues(Template):
    """y[i, j] = sum_{u,v} x[s i + u, s j + v] w[u, v] + b: cross-correlation, the kernel is not flipped.

        correlate(x, w, s) + b
    """

    title = "Conv2d output values by hand"

    def draw(self, rng):
        n, k, s = CONV_VALUE_SHAPES[int(rng.integers(len(CONV_VALUE_SHAPES)))]
        x, w = rng.integers(-2, 4, size=(n, n)), rng.integers(-1, 3, size=(k, k))
        return dict(x=x.tolist(), w=w.tolist(), s=s, b=int(rng.choice([-2, -1, 1, 2])))

    def text(self, p):
        return (f"A single-channel `nn.Conv2d(1, 1, kernel_size={len(p['w'])}, stride={p['s']}, padding=0)` "
                f"has the kernel `w` and bias b = {p['b']}. Like every PyTorch convolution it computes a "
                f"cross-correlation: the kernel is **not** flipped. Compute its output on the input `x`.\n\n"
                + array_text("x", p["x"]) + "\n\n" + array_text("w", p["w"]))

    def answer(self, p):
        return (np.array(correlate(p["x"], p["w"], p["s"])) + p["b"]).tolist()

    def distractors(self, p):
        flipped = np.array(p["w"])[::-1, ::-1]
        out = {"kernel flipped (true convolution)": (np.array(correlate(p["x"], flipped, p["s"])) + p["b"]).tolist(),
               "bias forgotten": correlate(p["x"], p["w"], p["s"])}
        if p["s"] > 1:
            out["stride ignored"] = (np.array(correlate(p["x"], p["w"])) + p["b"]).tolist()
        return out


@template(id="pooling_values", topic="cnn", kind=DEC_VEC)
class PoolingValues(Template):
    """2×2 pooling, stride 2: the max (or the mean) of each non-overlapping window.

        x.reshape(2, 2, 2, 2).max(axis=(1, 3))    # .mean for average pooling
    """

    title = "Max or average pooling by hand"

    def draw(self, rng):
        x, mode = rng.integers(0, 10, size=(4, 4)), str(rng.choice(["max", "avg"]))
        windows = x.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
        if mode == "max" and any((row == row.max()).sum() > 1 for row in windows):
            return None  # a tie in a window: which element wins would not matter, but it hides slips
        return dict(x=x.tolist(), mode=mode)

    def text(self, p):
        layer = "nn.MaxPool2d(kernel_size=2, stride=2)" if p["mode"] == "max" else "nn.AvgPool2d(kernel_size=2, stride=2)"
        return (f"`{layer}` (no padding) is applied to the single-channel 4 × 4 input `x`. "
                f"What is the 2 × 2 output?\n\n" + array_text("x", p["x"]))

    def answer(self, p):
        return pool(p["x"], 2, 2, np.max if p["mode"] == "max" else np.mean)

    def distractors(self, p):
        if p["mode"] == "max":
            return {"average instead of max": pool(p["x"], 2, 2, np.mean),
                    "min instead of max": pool(p["x"], 2, 2, np.min),
                    "overlapping windows (stride 1)": pool(p["x"], 2, 1, np.max)}
        return {"max instead of average": pool(p["x"], 2, 2, np.max),
                "sum instead of mean": pool(p["x"], 2, 2, np.sum),
                "overlapping windows (stride 1)": pool(p["x"], 2, 1, np.mean)}


MAXPOOL_SOLUTION = '''\
def maxpool2d(x, k):
    H, W = x.shape
    return x.reshape(H // k, k, W // k, k).max(axis=(1, 3))
'''

MAXPOOL_BUGS = {
    "running max starts at 0": '''\
def maxpool2d(x, k):
    H, W = x.shape
    out = np.zeros((H // k, W // k))
    for i in range(H // k):
        for j in range(W // k):
            m = 0
            for u in range(k):
                for v in range(k):
                    m = max(m, x[i * k + u, j * k + v])
            out[i, j] = m
    return out
''',
    "stride 1 (overlapping windows)": '''\
def maxpool2d(x, k):
    H, W = x.shape
    return np.array([[x[i:i + k, j:j + k].max() for j in range(W - k + 1)] for i in range(H - k + 1)])
''',
    "average instead of max": '''\
def maxpool2d(x, k):
    H, W = x.shape
    return x.reshape(H // k, k, W // k, k).mean(axis=(1, 3))
''',
    "rows and columns swapped": '''\
def maxpool2d(x, k):
    H, W = x.shape
    return np.array([[x[i * k:(i + 1) * k, j * k:(j + 1) * k].max() for i in range(H // k)]
                     for j in range(W // k)])
''',
}


@template(id="maxpool2d_code", topic="cnn", kind=Code(function="maxpool2d"))
class MaxPool2dCode(Template):
    """out[i, j] = max_{u,v < k} x[k i + u, k j + v]: non-overlapping k×k windows, stride k.

        x.reshape(H // k, k, W // k, k).max(axis=(1, 3))
    """

    title = "Write max pooling"

    def draw(self, rng):
        return dict(cases=[[rng.integers(-5, 10, size=(4, 4)).tolist(), 2],
                           [rng.integers(-9, 10, size=(6, 6)).tolist(), 3],
                           [rng.integers(-9, 0, size=(4, 6)).tolist(), 2],
                           [rng.integers(-9, 10, size=(2, 6)).tolist(), 2]])

    def text(self, p):
        return ("Write a function `maxpool2d(x, k)` that applies k × k max pooling with stride k and no "
                "padding to a 2-D NumPy array `x` (height H, width W, both multiples of k) and returns the "
                "(H/k) × (W/k) result as a 2-D array. Entries of `x` may be negative. For example, with "
                "k = 2,\n\n" + array_text("x", [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]])
                + "\n\ngives `[[4, 5], [3, 4]]`.")

    def solution(self, p):
        return MAXPOOL_SOLUTION

    def cases(self, p):
        return [tuple(c) for c in p["cases"]]

    def distractors(self, p):
        return dict(MAXPOOL_BUGS)


@template(id="transposed_conv_output_size", topic="cnn", kind=Exact())
class TransposedConvOutputSize(Template):
    """H' = (H - 1)s - 2p + d(k - 1) + output_padding + 1 (PyTorch's ConvTranspose2d)."""

    title = "ConvTranspose2d output height"

    def draw(self, rng):
        H, k, s = int(rng.integers(2, 33)), int(rng.choice([2, 3, 4, 5])), int(rng.choice([1, 2, 3]))
        pad, d = int(rng.integers(0, 3)), int(rng.choice([1, 1, 2]))
        op = int(rng.integers(0, max(s, d)))  # PyTorch: output_padding < max(stride, dilation)
        p = dict(H=H, k=k, s=s, p=pad, op=op, d=d)
        return p if self.answer(p) > 0 else None

    def text(self, p):
        return (f"`nn.ConvTranspose2d(in_channels=16, out_channels=8, kernel_size={p['k']}, stride={p['s']}, "
                f"padding={p['p']}, output_padding={p['op']}, dilation={p['d']})` is applied to an input of "
                f"shape (16, {p['H']}, {p['H']}). What is the output's height?")

    def answer(self, p):
        return (p["H"] - 1) * p["s"] - 2 * p["p"] + p["d"] * (p["k"] - 1) + p["op"] + 1

    def distractors(self, p):
        H, k, s, pad, op, d = p["H"], p["k"], p["s"], p["p"], p["op"], p["d"]
        out = {"Conv2d's formula used": conv_size(H, k, s, pad, d),
               "H times stride": H * s}
        if pad:
            out["padding added instead of removed"] = (H - 1) * s + 2 * pad + d * (k - 1) + op + 1
        if op:
            out["output_padding forgotten"] = (H - 1) * s - 2 * pad + d * (k - 1) + 1
        if d > 1:
            out["dilation ignored"] = (H - 1) * s - 2 * pad + (k - 1) + op + 1
        return out


@template(id="receptive_field", topic="cnn", kind=Exact())
class ReceptiveField(Template):
    """r_L = 1 + sum_l d_l (k_l - 1) prod_{i<l} s_i (input pixels along one side).

        r, jump = 1, 1
        for k, s, d in layers: r, jump = r + d * (k - 1) * jump, jump * s
    """

    title = "Receptive field of stacked layers"

    def draw(self, rng):
        layers = []
        for _ in range(int(rng.integers(2, 5))):
            if layers and rng.random() < 0.3:
                layers.append(["maxpool", 2, 2, 1])
            else:
                layers.append(["conv", int(rng.choice([3, 5])), int(rng.choice([1, 1, 2])), int(rng.choice([1, 1, 2]))])
        return dict(layers=layers)

    def text(self, p):
        rows = "\n".join(f"| {i + 1} | {name} | {k} | {s} | {d} |" for i, (name, k, s, d) in enumerate(p["layers"]))
        return ("A network stacks the layers below, from the input up (square kernels; padding does not "
                "matter here). How many input pixels along one side does the receptive field of one unit "
                "of the last layer span?\n\n| layer | type | kernel | stride | dilation |\n|---|---|---|---|---|\n"
                + rows)

    @staticmethod
    def field(layers, strides=True, own=False, dilation=True):
        r, jump = 1, 1
        for _, k, s, d in layers:
            jump_here = jump * s if own else jump
            r += (d if dilation else 1) * (k - 1) * (jump_here if strides else 1)
            jump *= s
        return r

    def answer(self, p):
        return self.field(p["layers"])

    def distractors(self, p):
        L = p["layers"]
        out = {"strides ignored": self.field(L, strides=False),
               "own layer's stride included": self.field(L, own=True),
               "sum of kernel sizes": sum(k for _, k, _, _ in L)}
        if any(d > 1 for *_, d in L):
            out["dilation ignored"] = self.field(L, dilation=False)
        return out


@template(id="conv_macs", topic="cnn", kind=Exact())
class ConvMACs(Template):
    """MACs = H' W' C_out (C_in / groups) k^2, with H' = W' = floor((H + 2p - k)/s) + 1; bias adds not counted."""

    title = "Multiply-accumulates of a convolution"

    def draw(self, rng):
        H, k, s = int(rng.choice([8, 14, 16, 28, 32])), int(rng.choice([1, 3, 5])), int(rng.choice([1, 2]))
        c_in, c_out, g = int(rng.choice([3, 8, 16, 32])), int(rng.choice([8, 16, 32, 64])), int(rng.choice([1, 2, 4]))
        if c_in % g or c_out % g:
            return None
        return dict(H=H, k=k, s=s, c_in=c_in, c_out=c_out, g=g)

    def text(self, p):
        groups = f", groups={p['g']}" if p["g"] > 1 else ""
        return (f"`nn.Conv2d({p['c_in']}, {p['c_out']}, kernel_size={p['k']}, stride={p['s']}, "
                f"padding={p['k'] // 2}{groups})` is applied to one input of shape ({p['c_in']}, {p['H']}, {p['H']}). "
                f"How many multiply–accumulate operations (MACs) does it perform? One MAC is one product "
                f"added to a sum; do not count the bias additions.")

    def macs(self, p, out=True, groups=True, square=True):
        side = conv_size(p["H"], p["k"], p["s"], p["k"] // 2) if out else p["H"]
        return side * side * p["c_out"] * (p["c_in"] // (p["g"] if groups else 1)) * p["k"] ** (2 if square else 1)

    def answer(self, p):
        return self.macs(p)

    def distractors(self, p):
        out = {"FLOPs (2 per MAC) instead of MACs": 2 * self.macs(p)}
        if p["g"] > 1:
            out["groups ignored"] = self.macs(p, groups=False)
        if p["s"] > 1:
            out["input size used instead of output size"] = self.macs(p, out=False)
        if p["k"] > 1:
            out["k instead of k²"] = self.macs(p, square=False)
        return out


@template(id="conv_param_count", topic="cnn", kind=Exact())
class ConvParamCount(Template):
    """C_out (C_in / groups) k_h k_w weights + C_out biases; Conv2d(3, 64, 3) has 64·3·9 + 64 = 1792."""

    title = "Conv2d parameter count"

    def draw(self, rng):
        c_in, c_out = int(rng.choice([1, 3, 8, 16, 32, 64])), int(rng.choice([8, 16, 32, 64, 128]))
        kh = int(rng.choice([1, 3, 5, 7]))
        kw = kh if rng.random() < 0.7 else int(rng.choice([1, 3, 5]))
        g = int(rng.choice([1, 1, 2, 4]))
        if c_in % g or c_out % g:
            return None
        return dict(c_in=c_in, c_out=c_out, kh=kh, kw=kw, g=g)

    def text(self, p):
        k = p["kh"] if p["kh"] == p["kw"] else f"({p['kh']}, {p['kw']})"
        groups = f", groups={p['g']}" if p["g"] > 1 else ""
        return (f"How many learnable parameters does `nn.Conv2d({p['c_in']}, {p['c_out']}, kernel_size={k}{groups})` "
                f"have (PyTorch's default `bias=True`)?")

    def answer(self, p):
        return p["c_out"] * (p["c_in"] // p["g"]) * p["kh"] * p["kw"] + p["c_out"]

    def distractors(self, p):
        weights = p["c_out"] * (p["c_in"] // p["g"]) * p["kh"] * p["kw"]
        out = {"biases forgotten": weights,
               "one bias per input channel": weights + p["c_in"]}
        if p["g"] > 1:
            out["groups ignored"] = p["c_out"] * p["c_in"] * p["kh"] * p["kw"] + p["c_out"]
        if p["kh"] == p["kw"] and p["kh"] > 1:
            out["k instead of k²"] = p["c_out"] * (p["c_in"] // p["g"]) * p["kh"] + p["c_out"]
        return out


@template(id="depthwise_separable_count", topic="cnn", kind=EXACT_VEC)
class DepthwiseSeparableCount(Template):
    """Separable: depthwise k² C_in + C_in, then pointwise C_in C_out + C_out. Standard: k² C_in C_out + C_out.

        [k*k*ci + ci + ci*co + co, k*k*ci*co + co]
    """

    title = "Depthwise-separable vs standard convolution"

    def draw(self, rng):
        c_in, c_out = int(rng.choice([16, 32, 64, 128])), int(rng.choice([32, 64, 128, 256]))
        return dict(c_in=c_in, c_out=c_out, k=int(rng.choice([3, 5])))

    def text(self, p):
        ci, co, k = p["c_in"], p["c_out"], p["k"]
        return (f"A depthwise-separable block replaces `nn.Conv2d({ci}, {co}, kernel_size={k})` by a depthwise "
                f"`nn.Conv2d({ci}, {ci}, kernel_size={k}, groups={ci})` followed by a pointwise "
                f"`nn.Conv2d({ci}, {co}, kernel_size=1)`. All three layers have biases. Give the parameter "
                f"counts as [separable block (both layers), standard convolution].")

    def answer(self, p):
        ci, co, k = p["c_in"], p["c_out"], p["k"]
        return [k * k * ci + ci + ci * co + co, k * k * ci * co + co]

    def distractors(self, p):
        ci, co, k = p["c_in"], p["c_out"], p["k"]
        return {"biases forgotten": [k * k * ci + ci * co, k * k * ci * co],
                "groups ignored in the depthwise layer": [k * k * ci * ci + ci + ci * co + co, k * k * ci * co + co],
                "pointwise layer forgotten": [k * k * ci + ci, k * k * ci * co + co]}
