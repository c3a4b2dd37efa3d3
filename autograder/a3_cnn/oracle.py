"""Trusted-side oracles of Assignment 3-CNN, never shown to the student.

* torch in float64 (``F.conv2d``, ``F.max_pool2d``, ``F.avg_pool2d`` and autograd) for every value and
  gradient the SPEC defines;
* grader-side simulations of known slips, as candidates for ``checks.check_array(mistakes=...)``: a
  flipped kernel (a true convolution), padding on one side, dx left padded, windows that assign (``=``)
  where they must add, the stride forgotten in backward, pooling gradients sent to the wrong places, a
  forward that computes with the layer's initial W (read once in __init__, not when forward runs);
* hints for student errors whose text shows the cause: a float output size, a copy into an empty slice
  (``xp[:, :, p:-p]`` with padding 0).

Shapes are small (the SPEC's ~50k multiply-adds), so the slip simulations are plain loops over the
window positions: easy to read next to the bug they stand for.
"""
from __future__ import annotations

import contextlib
import re

import numpy as np
import torch
import torch.nn.functional as F

from autograder import checks
from autograder.student import StudentError


def pair(v, default=None) -> tuple[int, int]:
    """(rows, columns) of an int or a pair; None (an argument not passed) is ``default``."""
    v = default if v is None else v
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def out_size(H, W, kernel, stride, padding=0) -> tuple[int, int]:
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel), pair(stride, 1), pair(padding, 0)
    return (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1


# ------------------------------------------------------------------------------------------- torch


def conv(x, W, b, stride=1, padding=0, g=None, flip=False, pad=None) -> dict:
    """torch's conv2d in float64: {"y"} and, given g = dL/dy, {"dx", "dW", "db", "dxp"} (dxp: the gradient of
    the padded input). ``flip``: a true convolution (the kernel flipped); dW is then that of the unflipped W.
    ``pad``: (left, right, top, bottom) zeros added by hand instead of ``padding`` (one-sided padding slips)."""
    xt, Wt, bt = checks.torch64(x, W, b, grad=True)
    (ph, pw) = pair(padding, 0)
    xp = F.pad(xt, pad if pad is not None else (pw, pw, ph, ph))
    xp.retain_grad()
    y = F.conv2d(xp, Wt.flip(2, 3) if flip else Wt, bt, stride=pair(stride, 1))
    out = {"y": checks.numpy64(y)}
    if g is not None:
        y.backward(checks.torch64(g))
        out.update(dx=checks.numpy64(xt.grad), dW=checks.numpy64(Wt.grad), db=checks.numpy64(bt.grad),
                   dxp=checks.numpy64(xp.grad))
    return out


def pool(kind, x, kernel, stride=None, g=None) -> dict:
    """torch's max_pool2d / avg_pool2d in float64 ("max" or "avg"): {"y"} and, given g, {"dx"}."""
    xt = checks.torch64(x, grad=True)
    f = F.max_pool2d if kind == "max" else F.avg_pool2d
    y = f(xt, pair(kernel), pair(kernel if stride is None else stride))
    out = {"y": checks.numpy64(y)}
    if g is not None:
        y.backward(checks.torch64(g))
        out["dx"] = checks.numpy64(xt.grad)
    return out


# --------------------------------------------------------------------------- slips, simulated here


def conv_backward_loops(x, W, g, stride=1, padding=0, assign=False, backward_stride=True, last_sample=False):
    """(dx, dW) by loops over (n, f, i, j), as a student writes them, with one slip switched on:
    ``assign``: dxp[window] = ... (the last window wins where windows overlap): True in the loop over (n, f, i, j),
    "per_position" in a loop over (i, j) only that sums over n and f at once; ``backward_stride=False``:
    window (i, j) read at (i, j) instead of (i·sH, j·sW); ``last_sample``: dW set (=) per sample, so only the
    last one is kept."""
    (sh, sw), (ph, pw) = pair(stride, 1), pair(padding, 0)
    if not backward_stride:
        sh = sw = 1
    N, C, H, Wd = x.shape
    F_, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dW = np.zeros(xp.shape), np.zeros(W.shape)
    if assign == "per_position":
        for i in range(g.shape[2]):
            for j in range(g.shape[3]):
                r, c = i * sh, j * sw
                dxp[:, :, r:r + kh, c:c + kw] = np.einsum("nf,fcuv->ncuv", g[:, :, i, j], W)
        return dxp[:, :, ph:ph + H, pw:pw + Wd], None
    for n in range(N):
        dW_n = np.zeros(W.shape)
        for f in range(F_):
            for i in range(g.shape[2]):
                for j in range(g.shape[3]):
                    r, c = i * sh, j * sw
                    part = g[n, f, i, j] * W[f]
                    if assign:
                        dxp[n, :, r:r + kh, c:c + kw] = part
                    else:
                        dxp[n, :, r:r + kh, c:c + kw] += part
                    dW_n[f] += g[n, f, i, j] * xp[n, :, r:r + kh, c:c + kw]
        dW = dW_n if last_sample else dW + dW_n
    return dxp[:, :, ph:ph + H, pw:pw + Wd], dW


def pool_backward_loops(kind, x, kernel, stride, g, slip):
    """dx of a pooling layer with one slip: "assign" (dx[window] = ... where windows overlap), "all" (max-pool:
    every position of the window gets g), "first" (max-pool: the window's first position gets g), "unravel_kh"
    (max-pool: the argmax's flat index u·kW + v unravelled with kH, divmod(idx, kH)), "kh_squared" (avg-pool:
    g/kH² instead of g/(kH·kW))."""
    (kh, kw) = pair(kernel)
    (sh, sw) = pair(kernel if stride is None else stride)
    dx = np.zeros(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(g.shape[2]):
                for j in range(g.shape[3]):
                    r, s = i * sh, j * sw
                    window = x[n, c, r:r + kh, s:s + kw]
                    share = np.zeros((kh, kw))
                    if kind == "avg":
                        share[...] = g[n, c, i, j] / (kh * kh if slip == "kh_squared" else kh * kw)
                    elif slip == "all":
                        share[...] = g[n, c, i, j]
                    elif slip == "first":
                        share[0, 0] = g[n, c, i, j]
                    elif slip == "channel":  # np.argmax over the whole channel, not the window
                        u, v = np.unravel_index(int(np.argmax(x[n, c])), x.shape[2:])
                        dx[n, c, u, v] += g[n, c, i, j]
                        continue
                    elif slip == "unravel_kh":  # dx[n, c, r + u, s + v] += g, wherever that lands
                        u, v = divmod(int(np.argmax(window)), kh)
                        dx[n, c, r + u, s + v] += g[n, c, i, j]
                        continue
                    else:
                        u, v = divmod(int(np.argmax(window)), kw)
                        share[u, v] = g[n, c, i, j]
                    if slip == "assign":
                        dx[n, c, r:r + kh, s:s + kw] = share
                    else:
                        dx[n, c, r:r + kh, s:s + kw] += share
    return dx


# ------------------------------------------------------------------------------------------ inputs


def distinct(rng, shape, low=0.0, high=1.0):
    """Values in [low, high) all at least (high − low)/size apart, in random order: no max-pool ties."""
    size = int(np.prod(shape))
    return low + (high - low) * (rng.permutation(size) + rng.uniform(0.1, 0.9, size)).reshape(shape) / size


# ------------------------------------------------------------------------------- student calls, hinted

FLOAT_SIZE = ("an output size computed with / is a float: numpy refuses it as a shape or index; the SPEC's "
              "Ho = ⌊(H + 2p − kH)/s⌋ + 1 needs // (floor division)")


EMPTY_SLICE = ("an empty slice: with padding 0, xp[:, :, p:-p, p:-p] is xp[:, :, 0:0, 0:0] (−0 is 0), which holds "
               "nothing, so x cannot be copied into it; slice xp[:, :, p:p + H, p:p + W] (or build xp with np.pad)")


def _into_empty(text: str) -> bool:
    """The error is numpy's "could not broadcast ... into shape (...)" with a 0-sized target: an empty slice."""
    found = re.search(r"broadcast.*into shape \(([0-9, ]*)\)", text)
    return bool(found) and "0" in [d.strip() for d in found.group(1).split(",")]


@contextlib.contextmanager
def hinted(where: str):
    """A student error inside the block names ``where`` (the call and its arguments) and, where the error
    says so, its likely cause."""
    try:
        yield
    except StudentError as exc:
        text = str(exc)
        hint = ""
        if "float" in text and ("integer" in text or "int" in text):
            hint = f"; likely mistake: {FLOAT_SIZE}"
        elif _into_empty(text) and where.startswith("Conv2d"):
            hint = f"; likely mistake: {EMPTY_SLICE}"
        raise StudentError(f"{text} (in {where}){hint}") from None


# ------------------------------------------------------------------------------- the student's layers


def describe(kind: str, args: tuple, kwargs: dict) -> str:
    return f"{kind}(" + ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())]) + ")"


def built_conv(student, W, b, stride=None, padding=None):
    """A student Conv2d of W's shape whose W and b are the grader's; ``stride``/``padding`` None: not passed
    (the defaults). The kernel is given as an int when square, else as the pair (kH, kW). Returns (layer, call,
    initial): ``initial`` is the layer's own (W, b) as drawn at construction, before the grader's were assigned
    (None where they do not read as arrays), for :func:`forward_slips`' "W read once, in __init__"."""
    F_, C, kh, kw = W.shape
    kwargs = {k: v for k, v in (("stride", stride), ("padding", padding)) if v is not None}
    args = (C, F_, kh if kh == kw else (kh, kw))
    call = describe("Conv2d", args, kwargs)
    with hinted(call):
        layer = student.Conv2d(*args, rng=0, **kwargs)
    try:
        initial = (np.array(layer.W, dtype=np.float64), np.array(layer.b, dtype=np.float64))
    except Exception:  # noqa: BLE001 - not arrays: the slip cannot be simulated, the checks say what is wrong
        initial = None
    layer.W = W
    layer.b = b
    return layer, call, initial


def make_conv(student, W, b, stride=None, padding=None):
    """:func:`built_conv` without the initial parameters: (layer, call)."""
    layer, call, _ = built_conv(student, W, b, stride, padding)
    return layer, call


def conv_shape_hints(x_shape, W_shape, stride=1, padding=0) -> dict:
    """{wrong output shape: the slip that gives it} for a conv of these shapes (those equal to the right shape
    left out)."""
    N, C, H, Wd = x_shape
    F_, _, kh, kw = W_shape
    (sh, sw), (ph, pw) = pair(stride, 1), pair(padding, 0)
    right = (N, F_, *out_size(H, Wd, (kh, kw), (sh, sw), (ph, pw)))
    hints = {
        (N, F_, -(-(H + 2 * ph - kh) // sh) + 1, -(-(Wd + 2 * pw - kw) // sw) + 1):
            "the division is rounded up: Ho = ⌊(H + 2p − kH)/s⌋ + 1 takes the floor",
        (N, F_, (H + 2 * ph - kh) // sh, (Wd + 2 * pw - kw) // sw): "the +1 of Ho = ⌊(H + 2p − kH)/s⌋ + 1 is missing",
        (N, F_, *out_size(H, Wd, (kh, kw), 1, (ph, pw))): "the stride is ignored: windows start every s rows/columns",
        (N, F_, *out_size(H, Wd, (kh, kw), (sh, sw), 0)): "the padding is ignored: pad p zeros on every side first",
        (N, F_, (H + ph - kh) // sh + 1, (Wd + pw - kw) // sw + 1): "the padding is added on one side only: "
                                                                     "p rows above and below, p columns left and right",
        (N, F_, *out_size(H, Wd, (kw, kh), (sh, sw), (ph, pw))): "the kernel's rows and columns are swapped: W is "
                                                                  "(F, C, kH, kW), kH runs over the rows",
        (N, F_, *out_size(H, Wd, (kh, kw), (sw, sh), (pw, ph))): "the stride and padding pairs are read the wrong "
                                                                  "way round: pairs are (rows, columns)",
        (N, F_, *out_size(H, Wd, (kh, kw), (sw, sh), (ph, pw))): "the stride pair is read the wrong way round: "
                                                                  "stride=(sH, sW), rows then columns",
        (N, F_, *out_size(H, Wd, (kh, kw), (sh, sw), (pw, ph))): "the padding pair is read the wrong way round: "
                                                                  "padding=(pH, pW), rows then columns",
        (N, F_, right[3], right[2]): "rows and columns are swapped in the output",
        (N, C, right[2], right[3]): "the output has C (input) channels: out has F channels, one per kernel, each "
                                    "summing over all C input channels",
        (N, F_, C, right[2], right[3]): "the input channels are not summed: out[n, f, i, j] sums over c, u and v",
    }
    return {shape: hint for shape, hint in hints.items() if shape != right}


def check_output(name, actual, expected, context="", mistakes=(), factors=None, shape_hints=None, show_values=False):
    """check_array, with a named slip for a wrong shape listed in ``shape_hints`` {shape: hint}."""
    shape = tuple(np.shape(actual)) if isinstance(actual, np.ndarray) else None
    expected = np.asarray(expected)
    if shape is not None and shape != expected.shape and shape in (shape_hints or {}):
        where = f" ({context})" if context else ""
        raise checks.CheckFailed(f"`{name}` should have shape {tuple(expected.shape)} but has shape {shape}{where}. "
                                 f"Likely mistake: {shape_hints[shape]}", checks.NAMED)
    checks.check_array(name, actual, expected, context=context, mistakes=mistakes, factors=factors,
                       show_values=show_values)


FLIPPED = ("the kernel is flipped: that is a true convolution (as scipy.signal.convolve2d); the SPEC's conv2d is "
           "PyTorch's cross-correlation, out[n,f,i,j] = b[f] + Σ W[f,c,u,v]·xp[n,c,i·sH+u, j·sW+v], W not flipped")


STALE_PARAMETERS = ("forward ignores the {what} assigned after construction and computes with the {initial} drawn "
                    "in __init__ (cached there, e.g. W reshaped to columns once): layers read W and b when forward "
                    "runs (the SPEC: graders assign their own arrays after construction), so reshape self.W inside "
                    "forward")


def forward_slips(x, W, b, stride=1, padding=0, initial=None) -> list:
    """Lazy (candidate output, message) pairs for the usual forward slips of one conv case; ``initial``: the
    layer's own (W, b) from construction (:func:`built_conv`), for a forward that kept them."""
    (sh, sw), (ph, pw) = pair(stride, 1), pair(padding, 0)
    H, Wd = x.shape[2:]
    Ho, Wo = out_size(H, Wd, W.shape[2:], (sh, sw), (ph, pw))
    slips = [(lambda: conv(x, W, b, stride, padding, flip=True)["y"], FLIPPED),
             (lambda: conv(x, W, 0 * b, stride, padding)["y"], "the bias b is missing")]
    if initial is not None and initial[0].shape == W.shape and initial[1].shape == b.shape:
        W0, b0 = initial
        slips += [(lambda: conv(x, W0, b, stride, padding)["y"],
                   STALE_PARAMETERS.format(what="W", initial="initial weights")),
                  (lambda: conv(x, W0, b0, stride, padding)["y"],
                   STALE_PARAMETERS.format(what="W and b", initial="initial weights and bias")),
                  (lambda: conv(x, W, b0, stride, padding)["y"],
                   STALE_PARAMETERS.format(what="b", initial="initial bias (zeros)"))]
    if (sh, sw) != (1, 1):
        slips.append((lambda: conv(x, W, b, 1, padding)["y"][:, :, :Ho, :Wo],
                      "the stride is missing from the window position: window (i, j) starts at row i·sH, "
                      "column j·sW of the padded input"))
    if (ph, pw) != (0, 0):
        slips += [(lambda: conv(x, W, b, stride, pad=(0, 2 * pw, 0, 2 * ph))["y"],
                   "the padding is all after the image (2p rows below, none above): pad p zeros on each side"),
                  (lambda: conv(x, W, b, stride, pad=(2 * pw, 0, 2 * ph, 0))["y"],
                   "the padding is all before the image (2p rows above, none below): pad p zeros on each side")]
    return slips
