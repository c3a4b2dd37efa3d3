"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

Outside the sandbox every array is a copy, so a method that edits its arguments in place (``dhs[:, t] += dh`` in
a backward, ``g *= scale`` in a clipping) can only be seen in here; and ``sample`` needs a model whose logits the
grader knows, which is built in here too (:class:`TableModel`).
"""
import numpy as np


def _plain(value):
    if isinstance(value, np.ndarray):
        return np.array(value, subok=False)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, np.number)):
        return value
    return {"type": type(value).__name__}


def _snapshot(args):
    return [a.copy() if isinstance(a, np.ndarray) else [x.copy() for x in a] if isinstance(a, list) else None
            for a in args]


def _changed(label, args, before):
    out = []
    for i, (a, b) in enumerate(zip(args, before)):
        if isinstance(a, np.ndarray) and not np.array_equal(a, b):
            out.append(f"{label} (argument {i + 1})")
        elif isinstance(a, list) and b is not None and any(
                not np.array_equal(x, y) for x, y in zip(a, b) if isinstance(x, np.ndarray)):
            out.append(f"{label} (the arrays of argument {i + 1})")
    return out


def layer_run(submission, cls, sizes, params, calls):
    """A fresh ``cls(*sizes, rng=0)`` with W_ih, W_hh, b_ih, b_hh set to ``params``, then ``calls``: [(method,
    args)] in turn (an argument None is passed as None). Returns {"results": each call's return value,
    "changed": "method (argument i)" for every array argument a call changed, "params_changed": the parameters
    that a call changed, "grads": dW_ih, dW_hh, db_ih, db_hh after the last call (None if not set)}."""
    layer = getattr(submission, cls)(*sizes, rng=0)
    own = [np.array(p, dtype=float) for p in params]
    for name, p in zip(("W_ih", "W_hh", "b_ih", "b_hh"), own):
        setattr(layer, name, p)
    kept = [p.copy() for p in own]
    results, changed = [], []
    for method, args in calls:
        args = [np.array(a) if isinstance(a, np.ndarray) else a for a in args]
        before = _snapshot(args)
        results.append(_plain(getattr(layer, method)(*args)))
        changed += _changed(f"{cls}.{method}", args, before)
    params_changed = [name for name, p, k in zip(("W_ih", "W_hh", "b_ih", "b_hh"), own, kept)
                      if not np.array_equal(p, k)]
    grads = [_plain(getattr(layer, name, None)) for name in ("dW_ih", "dW_hh", "db_ih", "db_hh")]
    return {"results": results, "changed": changed, "params_changed": params_changed, "grads": grads}


def step_run(submission, x, h, params, dh):
    """``rnn_step_forward(x, h, *params)`` then ``rnn_step_backward(dh, cache)`` on the cache it returned. Returns
    {"results": the backward's return value, "changed": "function (argument i)" for every array argument either
    call changed}."""
    args = [np.array(a, dtype=float) for a in (x, h, *params)]
    before = _snapshot(args)
    out = submission.rnn_step_forward(*args)
    changed = _changed("rnn_step_forward", args, before)
    dh = np.array(dh, dtype=float)
    kept = dh.copy()
    result = _plain(submission.rnn_step_backward(dh, out[1]))
    if not np.array_equal(dh, kept):
        changed.append("rnn_step_backward (argument 1, dh)")
    return {"results": result, "changed": changed}


def function_run(submission, calls):
    """``calls``: [(function name, args)]. Returns {"results", "changed"} as layer_run (lists of arrays are
    checked array by array)."""
    results, changed = [], []
    for name, args in calls:
        args = [np.array(a) if isinstance(a, np.ndarray) else [np.array(x) for x in a] if isinstance(a, list) else a
                for a in args]
        before = _snapshot(args)
        results.append(_plain(getattr(submission, name)(*args)))
        changed += _changed(name, args, before)
    return {"results": results, "changed": changed}


class TableModel:
    """A stand-in for a CharModel whose next-id logits the grader knows: at position j of ids (1, t),
    z_j = A[ids_j] + B[ids_{j−1}] (B[V] at j = 0) + C[j mod len(C)]. It records the shape of every ids given."""

    def __init__(self, A, B, C):
        self.A, self.B, self.C = np.array(A, dtype=float), np.array(B, dtype=float), np.array(C, dtype=float)
        self.calls = []

    def forward(self, ids):
        ids = np.asarray(ids)
        self.calls.append([list(ids.shape), ids.dtype.kind])
        if ids.ndim != 2 or ids.shape[0] != 1 or ids.dtype.kind not in "iu":
            raise ValueError(f"forward got ids of shape {ids.shape} and dtype {ids.dtype}: sample calls "
                             "model.forward(np.array([ids])), an integer array of shape (1, len(ids))")
        seq = ids[0]
        V = self.A.shape[0]
        prev = np.concatenate([[V], seq[:-1]])
        return (self.A[seq] + self.B[prev] + self.C[np.arange(len(seq)) % len(self.C)])[None]


def sample_table(submission, A, B, C, start_ids, u, temperature=None):
    """``sample(TableModel(A, B, C), start_ids, u[, temperature])`` (temperature None: not passed). Returns {"ids": the
    result, "calls": [shape, dtype kind] of every forward call, "start_changed": whether start_ids changed}."""
    model = TableModel(A, B, C)
    start = np.array(start_ids)
    kept = start.copy()
    args = (model, start, np.array(u, dtype=float)) + (() if temperature is None else (temperature,))
    ids = submission.sample(*args)
    return {"ids": _plain(np.asarray(ids) if isinstance(ids, list) else ids), "calls": model.calls,
            "start_changed": not np.array_equal(start, kept)}


def init_params(submission, cls, sizes, seed, kind="seed"):
    """The parameters of a fresh ``cls(*sizes, rng=...)``: ``kind`` "seed" (rng=seed), "generator"
    (rng=np.random.default_rng(seed)), "none" (rng=None) or "default" (no rng argument). For CharModel, its
    parameters(); for the layers, [W_ih, W_hh, b_ih, b_hh]."""
    if kind == "default":
        obj = getattr(submission, cls)(*sizes)
    else:
        rng = {"seed": seed, "generator": np.random.default_rng(seed), "none": None}[kind]
        obj = getattr(submission, cls)(*sizes, rng=rng)
    if cls == "CharModel":
        return _plain(list(obj.parameters()))
    return [_plain(getattr(obj, name)) for name in ("W_ih", "W_hh", "b_ih", "b_hh")]
