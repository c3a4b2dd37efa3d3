"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

What the proxy cannot see, because every array crosses it as a copy and a numpy Generator cannot cross it
at all: whether a layer changes the arrays it is given, whether ``parameters()`` hands out the model's own
arrays, and what a model built from a Generator (not a seed) draws. Each function returns plain facts for
the hidden test to judge.
"""
import numpy as np


def _copies(values):
    return [np.array(v, dtype=float) for v in values]


def _layer(submission, kind, args, kwargs, params):
    layer = getattr(submission, kind)(*args, **kwargs)
    if kind == "ResidualBlock":
        for conv, (W, b) in zip((layer.conv1, layer.conv2), params):
            conv.W, conv.b = np.array(W, dtype=float), np.array(b, dtype=float)
    elif params:
        layer.W, layer.b = np.array(params[0], dtype=float), np.array(params[1], dtype=float)
    return layer


def changed_inputs(submission, cases):
    """``cases``: [(label, layer kind, args, kwargs, params, x, g)]. For each, the layer is built (its W, b or its
    convs' set to ``params``), then ``forward(x)`` and ``backward(g)`` run on arrays kept here; returns the labels
    "<label>.forward changed x" / "<label>.backward changed grad_out" for every array that changed, and
    "<label>: <error>" for a call that raised (a layer that does not run cannot show it keeps its inputs)."""
    out = []
    for label, kind, args, kwargs, params, x, g in cases:
        x, g = np.array(x, dtype=float), np.array(g, dtype=float)
        x0, g0 = x.copy(), g.copy()
        try:
            layer = _layer(submission, kind, args, kwargs, params)
            layer.forward(x)
            changed_x = _change(x, x0, "x")
            layer.backward(g)
        except Exception as exc:  # noqa: BLE001 - named in the verdict
            out.append(f"{label}: {type(exc).__name__}")
            continue
        if changed_x:
            out.append(f"{label}.forward changed x{changed_x}")
        elif _change(x, x0, "x"):
            out.append(f"{label}.backward changed the x given to forward{_change(x, x0, 'x')}")
        if _change(g, g0, "grad_out"):
            out.append(f"{label}.backward changed grad_out{_change(g, g0, 'grad_out')}")
    return out


def _change(now, before, name):
    """"" if ``now`` still equals ``before``; else how it changed: its shape (reshaped in place, by assigning
    ``.shape``) or its values."""
    if now.shape != before.shape:
        return (f" (reshaped it in place: {name}.shape went from {before.shape} to {now.shape}; assigning "
                f"{name}.shape = ... reshapes the caller's array, {name}.reshape(...) returns a new view)")
    return "" if np.array_equal(now, before) else " (its values)"


def live_parameters(submission, in_shape, n_classes, channels, params, x):
    """Facts about ``SimpleCNN(in_shape, n_classes, channels, rng=0)``:
    ``edited``: logits on x after every array of ``parameters()`` was set in place to ``params`` (p[...] = v),
    None with ``edit_error`` if that could not be done; ``installed``: after ``set_parameters(given)``, is
    ``parameters()[i]`` the very array given?"""
    model = submission.SimpleCNN(tuple(in_shape), n_classes, channels, rng=0)
    out = {"edited": None, "edit_error": None}
    try:
        for p, v in zip(model.parameters(), params):
            p[...] = v
        out["edited"] = np.array(model.forward(np.array(x, dtype=float)), dtype=float)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        out["edit_error"] = f"{type(exc).__name__}: {exc}"[:300]
    given = _copies(params)
    model.set_parameters(list(given))
    got = list(model.parameters())
    out["installed"] = [i < len(got) and got[i] is p for i, p in enumerate(given)]
    return out


def one_generator(submission, in_shape, n_classes, channels, seed):
    """``SimpleCNN(in_shape, n_classes, channels, rng=seed).parameters()``, and what one generator
    ``np.random.default_rng(seed)`` gives when passed first to ``Conv2d(C, channels, 3, padding=1, rng=gen)`` and
    then to A1's ``Linear(channels·⌊H/2⌋·⌊W/2⌋, n_classes, gen)`` (the SPEC's order)."""
    C, H, W = in_shape
    model = submission.SimpleCNN(tuple(in_shape), n_classes, channels, rng=seed)
    gen = np.random.default_rng(seed)
    conv = submission.Conv2d(C, channels, 3, padding=1, rng=gen)
    fc = submission.Linear(channels * (H // 2) * (W // 2), n_classes, gen)
    return {"model": _copies(model.parameters()), "conv_W": np.array(conv.W, dtype=float),
            "fc_W": np.array(fc.W, dtype=float)}


def training_setup(submission, in_shape, n_classes, seed, n, epochs):
    """What train_cnn draws before and while training, by the SPEC's recipe, with the student's own SimpleCNN:
    ``gen = np.random.default_rng(seed)``, ``SimpleCNN(in_shape, n_classes, rng=gen)``'s initial parameters, then
    ``epochs`` permutations ``gen.permutation(n)``."""
    gen = np.random.default_rng(seed)
    model = submission.SimpleCNN(tuple(in_shape), n_classes, rng=gen)
    params = _copies(model.parameters())
    return {"params": params, "orders": [gen.permutation(n) for _ in range(epochs)]}


def residual_init(submission, channels, seed):
    """``ResidualBlock(channels, rng=seed)``'s conv1 and conv2 (W, b), ``ResidualBlock(channels)``'s (no rng), and
    what one generator ``np.random.default_rng(seed)`` gives to two ``Conv2d(channels, channels, 3, padding=1,
    rng=gen)`` in a row (the SPEC's order)."""
    def convs(block):
        return [[np.array(c.W, dtype=float), np.array(c.b, dtype=float)] for c in (block.conv1, block.conv2)]

    gen = np.random.default_rng(seed)
    first = submission.Conv2d(channels, channels, 3, padding=1, rng=gen)
    second = submission.Conv2d(channels, channels, 3, padding=1, rng=gen)
    return {"seeded": convs(submission.ResidualBlock(channels, rng=seed)),
            "default": convs(submission.ResidualBlock(channels)),
            "one_generator": [np.array(first.W, dtype=float), np.array(second.W, dtype=float)]}
