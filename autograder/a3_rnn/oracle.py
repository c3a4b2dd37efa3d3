"""The trusted side of Assignment 3-RNN's hidden tests: torch float64 oracles and NumPy models of known slips.

Oracles (:func:`rnn_torch`, :func:`lstm_torch`, :func:`gru_torch`, :func:`char_torch`, :func:`train_torch`) run
``torch.nn.RNNCell``, ``nn.LSTMCell``, ``nn.GRUCell``, ``F.cross_entropy``, ``clip_grad_norm_`` and
``torch.optim.Adam`` in float64 with the grader's weights copied in, and autograd for every gradient
(L = Σ dhs ⊙ hs + Σ dcs ⊙ cs). They never see a student's answer, except :func:`train_torch`, which starts from the
student's own initial parameters (read from their constructor): it is memoised on those parameters' bytes, so a
warm process replays a given initial model once.

The slips (:func:`rnn_np`, :func:`lstm_np`, :func:`gru_forms`) are small models of each layer whose forward and
backward can each be switched to one known mistake (``bug="no_carry"``, ``"no_f_path"``, ``"paper"``, ...): a
failing check names a mistake when the student's answer matches its model. They are grader-side only, computed
lazily and only for a failing answer.

Not collected by pytest (not a test_*.py module).
"""
from __future__ import annotations

import functools

import numpy as np
import torch
import torch.nn.functional as F

from autograder import checks

torch.set_num_threads(1)
# The first torch optimizer imports torch._dynamo (~1-2 s): paid at collection, not in a test's time limit.
torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.1)

NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")
LAYOUT = ("PyTorch's layout: W_ih is (G·H, D) and W_hh (G·H, H), the pre-activation x @ W_ih.T + b_ih + "
          "h @ W_hh.T + b_hh")


def t64(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def n64(t):
    return None if t is None else t.detach().numpy().astype(np.float64).copy()


def params_for(seed, D, H, G, scale=None):
    """W_ih (G·H, D), W_hh (G·H, H), b_ih, b_hh (G·H,) ~ U(−s, s), s = 1/√H unless ``scale``."""
    rng = np.random.default_rng(seed)
    s = 1 / np.sqrt(H) if scale is None else scale
    return [rng.uniform(-s, s, shape) for shape in ((G * H, D), (G * H, H), (G * H,), (G * H,))]


def _load(cell, params):
    with torch.no_grad():
        for p, v in zip((cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh), params):
            p.copy_(t64(v))
    return cell


def _grads(cell):
    return [n64(p.grad) for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]


# ------------------------------------------------------------------------------------------ torch oracles


@checks.cached
def rnn_torch_cached(key):
    return rnn_torch(*key_arrays(key))


def rnn_torch(params, x, h0=None, dhs=None):
    """nn.RNNCell(tanh) over t: {"hs", and with dhs: "dx", "dh0", "grads" [dW_ih, dW_hh, db_ih, db_hh]}."""
    N, T, D = x.shape
    H = params[1].shape[1]
    cell = _load(torch.nn.RNNCell(D, H, dtype=torch.float64), params)
    xt = t64(x, grad=True)
    h0t = t64(np.zeros((N, H)) if h0 is None else h0, grad=True)
    h, hs = h0t, []
    for t in range(T):
        h = cell(xt[:, t], h)
        hs.append(h)
    hs = torch.stack(hs, dim=1)
    out = {"hs": n64(hs)}
    if dhs is not None:
        (hs * t64(dhs)).sum().backward()
        out.update(dx=n64(xt.grad), dh0=n64(h0t.grad), grads=_grads(cell))
    return out


def lstm_torch(params, x, h0=None, c0=None, dhs=None, dcs=None):
    """nn.LSTMCell over t: {"hs", "cs", and with dhs: "dx", "dh0", "dc0", "grads"}; L = Σ dhs⊙hs + Σ dcs⊙cs."""
    N, T, D = x.shape
    H = params[1].shape[1]
    cell = _load(torch.nn.LSTMCell(D, H, dtype=torch.float64), params)
    xt = t64(x, grad=True)
    h0t = t64(np.zeros((N, H)) if h0 is None else h0, grad=True)
    c0t = t64(np.zeros((N, H)) if c0 is None else c0, grad=True)
    h, c, hs, cs = h0t, c0t, [], []
    for t in range(T):
        h, c = cell(xt[:, t], (h, c))
        hs.append(h)
        cs.append(c)
    hs, cs = torch.stack(hs, dim=1), torch.stack(cs, dim=1)
    out = {"hs": n64(hs), "cs": n64(cs)}
    if dhs is not None:
        loss = (hs * t64(dhs)).sum() + (0 if dcs is None else (cs * t64(dcs)).sum())
        loss.backward()
        out.update(dx=n64(xt.grad), dh0=n64(h0t.grad), dc0=n64(c0t.grad), grads=_grads(cell))
    return out


def gru_torch(params, x, h=None, dh=None):
    """nn.GRUCell: {"h", and with dh: "dx", "dh_prev", "grads"}."""
    N, D = x.shape
    H = params[1].shape[1]
    cell = _load(torch.nn.GRUCell(D, H, dtype=torch.float64), params)
    xt = t64(x, grad=True)
    ht = t64(np.zeros((N, H)) if h is None else h, grad=True)
    out_t = cell(xt, ht)
    out = {"h": n64(out_t)}
    if dh is not None:
        (out_t * t64(dh)).sum().backward()
        out.update(dx=n64(xt.grad), dh_prev=n64(ht.grad), grads=_grads(cell))
    return out


def key_arrays(key):
    return [None if k is None else np.frombuffer(k[0], dtype=np.float64).reshape(k[1]) for k in key]


def array_key(*arrays):
    """A hashable key for arrays (bytes and shape), for memoised oracles of a student's own parameters."""
    return tuple(None if a is None else (np.ascontiguousarray(a, dtype=np.float64).tobytes(), np.shape(a))
                 for a in arrays)


# ------------------------------------------------------------------------------------------ NumPy slips


def sigmoid(a):
    return np.exp(-np.logaddexp(0, -a))


def rnn_np(params, x, h0=None, dhs=None, bug=None):
    """A vanilla RNN in NumPy with one slip: "no_carry" (BPTT drops the gradient from step t+1), "last_only" (only
    dhs[:, -1] is used), "whh_from_h" (dW_hh from hₜ, not hₜ₋₁), "tanh_pre" (tanh' = 1 − a² at the
    pre-activation), "tanh_no_square" (tanh' = 1 − h), "no_b_hh" / "no_b_ih" (a bias left out of forward),
    "h0_ignored" (forward starts from zeros), "carry_before" (dh0 returned before the last step's W_hh),
    "whh_T" (dh_prev = da W_hhᵀ), "alias" (every step's cache holds the one array h, which ends as h_T).
    Returns hs, dx, dh0, [dW_ih, dW_hh, db_ih, db_hh]."""
    W_ih, W_hh, b_ih, b_hh = params
    N, T, _ = x.shape
    H = W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None or bug == "h0_ignored" else h0
    prevs, hs, pres = [], [], []
    for t in range(T):
        a = x[:, t] @ W_ih.T + h @ W_hh.T + (0 if bug == "no_b_ih" else b_ih) + (0 if bug == "no_b_hh" else b_hh)
        prevs.append(h)
        h = np.tanh(a)
        hs.append(h)
        pres.append(a)
    hs = np.stack(hs, axis=1)
    if dhs is None:
        return hs, None, None, None
    dx, dh, grads = np.zeros_like(x), np.zeros((N, H)), [np.zeros_like(p) for p in params]
    for t in reversed(range(T)):
        up = dhs[:, t] if bug != "last_only" or t == T - 1 else 0 * dhs[:, t]
        total = up + (0 if bug == "no_carry" else dh)
        if bug == "carry_before" and t == 0:
            dh0_early = total
        if bug == "alias":
            prevs[t] = hs[:, -1]
        h_t = hs[:, -1] if bug == "alias" else hs[:, t]
        prime = {"tanh_pre": 1 - pres[t] ** 2, "tanh_no_square": 1 - h_t}.get(bug, 1 - h_t ** 2)
        da = total * prime
        dx[:, t] = da @ W_ih
        dh = da @ (W_hh.T if bug == "whh_T" else W_hh)
        grads[0] += da.T @ x[:, t]
        grads[1] += da.T @ (h_t if bug == "whh_from_h" else prevs[t])
        grads[2] += da.sum(axis=0)
        grads[3] += da.sum(axis=0)
    if bug == "carry_before":
        dh = dh0_early
    return hs, dx, dh, grads


ORDER = "ifgo"


def lstm_np(params, x, h0=None, c0=None, dhs=None, dcs=None, bug=None, order=ORDER):
    """An LSTM in NumPy. ``order``: the gate order the code assumes for the blocks of W (torch's is "ifgo"). Slips:
    "no_f_path" (dcₜ₋₁ = dc, not dc ⊙ f), "no_tanh_path" (dc gets nothing from dh through tanh(cₜ)), "no_c_carry"
    (dc from step t+1 dropped), "no_h_carry" (dh from step t+1 dropped), "h_no_tanh" (h = o ⊙ c), "tanh_c_raw"
    (tanh'(c) written 1 − c²), "dcs_ignored", "sigmoid_prime_out" (σ' = σ), "no_b_hh", "h0_ignored", "c0_ignored",
    "dcs_after_f" (dcs[:, t] added after the f multiplication, to the gradient passed on to cₜ₋₁), "cache_after"
    (each step cached after the update: backward reads hₜ, cₜ where it needs hₜ₋₁, cₜ₋₁), "o_from_dc" (da_o from the
    cell's total dcₜ instead of dhₜ).
    Returns hs, cs, dx, dh0, dc0, grads."""
    W_ih, W_hh, b_ih, b_hh = params
    N, T, _ = x.shape
    H = W_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None or bug == "h0_ignored" else h0
    c = np.zeros((N, H)) if c0 is None or bug == "c0_ignored" else c0
    steps, hs, cs = [], [], []
    for t in range(T):
        a = x[:, t] @ W_ih.T + b_ih + h @ W_hh.T + (0 if bug == "no_b_hh" else b_hh)
        blocks = {k: a[:, j * H:(j + 1) * H] for j, k in enumerate(order)}
        i, f, o, g = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"]), np.tanh(blocks["g"])
        steps.append((h, c, i, f, g, o))
        c = f * c + i * g
        h = o * (c if bug == "h_no_tanh" else np.tanh(c))
        if bug == "cache_after":
            steps[-1] = (h, c, i, f, g, o)
        hs.append(h)
        cs.append(c)
    hs, cs = np.stack(hs, axis=1), np.stack(cs, axis=1)
    if dhs is None:
        return hs, cs, None, None, None, None
    dcs = np.zeros_like(dhs) if dcs is None or bug == "dcs_ignored" else dcs
    dh, dc = np.zeros((N, H)), np.zeros((N, H))
    dx, grads = np.zeros_like(x), [np.zeros_like(p) for p in params]
    sp = (lambda s: s) if bug == "sigmoid_prime_out" else (lambda s: s * (1 - s))
    for t in reversed(range(T)):
        h_prev, c_prev, i, f, g, o = steps[t]
        tc = cs[:, t] if bug == "h_no_tanh" else np.tanh(cs[:, t])
        dh = dhs[:, t] + (0 if bug == "no_h_carry" else dh)
        tprime = 1 - cs[:, t] ** 2 if bug == "tanh_c_raw" else (np.ones_like(tc) if bug == "h_no_tanh" else 1 - tc ** 2)
        dc = (0 if bug == "no_c_carry" else dc) + (0 if bug == "dcs_after_f" else dcs[:, t]) \
            + (0 if bug == "no_tanh_path" else dh * o * tprime)
        d = {"i": dc * g * sp(i), "f": dc * c_prev * sp(f), "g": dc * i * (1 - g ** 2), "o": (dc if bug == "o_from_dc" else dh) * tc * sp(o)}
        da = np.concatenate([d[k] for k in order], axis=1)
        grads[0] += da.T @ x[:, t]
        grads[1] += da.T @ h_prev
        grads[2] += da.sum(axis=0)
        grads[3] += da.sum(axis=0)
        dx[:, t] = da @ W_ih
        dh = da @ W_hh
        dc = dc if bug == "no_f_path" else dc * f
        if bug == "dcs_after_f":
            dc = dc + dcs[:, t]
    return hs, cs, dx, dh, dc, grads


def gru_forms(params, x, h=None, dh=None, form="torch", order="rzn"):
    """A GRU cell written in torch (autograd gives its gradients) in one of several forms: "torch" (nn.GRUCell's),
    "paper" (n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)), "swap_z" (h' = z ⊙ n + (1 − z) ⊙ h), "bias_outside"
    (n = tanh(W_in x + b_in + r ⊙ (W_hn h) + b_hn)), "no_b_hh" (b_hh left out), "h_ignored" (h taken as zeros);
    ``order``: the block order the code assumes (torch's is "rzn"). Returns {"h", and with dh: "dx", "dh_prev",
    "grads"}."""
    N, _ = x.shape
    H = params[1].shape[1]
    W_ih, W_hh, b_ih, b_hh = (t64(p, grad=True) for p in params)
    xt = t64(x, grad=True)
    ht = t64(np.zeros((N, H)) if h is None else h, grad=True)
    hh = ht * 0 if form == "h_ignored" else ht
    bh = b_hh * 0 if form == "no_b_hh" else b_hh
    pos = {k: slice(j * H, (j + 1) * H) for j, k in enumerate(order)}
    gi = xt @ W_ih.T + b_ih
    r = torch.sigmoid(gi[:, pos["r"]] + hh @ W_hh[pos["r"]].T + bh[pos["r"]])
    z = torch.sigmoid(gi[:, pos["z"]] + hh @ W_hh[pos["z"]].T + bh[pos["z"]])
    Wn, bn = W_hh[pos["n"]], bh[pos["n"]]
    if form == "paper":
        inner = (r * hh) @ Wn.T + bn
    elif form == "bias_outside":
        inner = r * (hh @ Wn.T) + bn
    else:
        inner = r * (hh @ Wn.T + bn)
    n = torch.tanh(gi[:, pos["n"]] + inner)
    out = z * n + (1 - z) * hh if form == "swap_z" else (1 - z) * n + z * hh
    result = {"h": n64(out)}
    if dh is not None:
        (out * t64(dh)).sum().backward()
        result.update(dx=n64(xt.grad), dh_prev=n64(ht.grad),
                      grads=[n64(p.grad) if p.grad is not None else np.zeros(p.shape)
                             for p in (W_ih, W_hh, b_ih, b_hh)])
        result["z"] = n64(z)
    return result


def gru_np(params, x, h, dh, bug):
    """A GRU cell's hand-written backward (PyTorch's form) with one slip: "z_sign" (∂h'/∂z taken as n − h, not
    h − n), "r_without_b_hn" (da_r = da_n ⊙ (W_hn h) ⊙ r(1 − r): b_hn missing from what r multiplies). Returns
    {"dx", "dh_prev", "grads"}."""
    W_ih, W_hh, b_ih, b_hh = params
    H = W_hh.shape[1]
    gi, gh = x @ W_ih.T + b_ih, h @ W_hh.T + b_hh
    r, z = sigmoid(gi[:, :H] + gh[:, :H]), sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    gh_n = h @ W_hh[2 * H:].T if bug == "r_without_b_hn" else gh[:, 2 * H:]
    da_n = dh * (1 - z) * (1 - n ** 2)
    da_z = dh * ((n - h) if bug == "z_sign" else (h - n)) * z * (1 - z)
    da_r = da_n * gh_n * r * (1 - r)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, r * da_n], axis=1)
    return {"dx": dgi @ W_ih, "dh_prev": dh * z + dgh @ W_hh,
            "grads": [dgi.T @ x, dgh.T @ h, dgi.sum(axis=0), dgh.sum(axis=0)]}


def permute_blocks(W, order, G):
    """The rows (or entries) of W in blocks of G, reordered: block j of the result is the block that ``order``'s
    j-th gate names in torch's order."""
    H = W.shape[0] // G
    torch_order = ORDER if G == 4 else "rzn"
    return np.concatenate([W[torch_order.index(k) * H:(torch_order.index(k) + 1) * H] for k in order])


# ------------------------------------------------------------------------------------------ char model, training


def char_torch(params, ids, cell, dlogits=None):
    """CharModel in torch: one-hot → LSTMCell / RNNCell over t → linear. {"logits", and with dlogits: "grads"}."""
    V, H = params[4].shape
    x = np.eye(V)[ids]
    ps = [t64(p, grad=True) for p in params]
    module = (torch.nn.LSTM if cell == "lstm" else torch.nn.RNN)(V, H, batch_first=True, dtype=torch.float64)
    hs = _sequence(module, ps, t64(x))
    logits = hs @ ps[4].T + ps[5]
    out = {"logits": n64(logits)}
    if dlogits is not None:
        (logits * t64(dlogits)).sum().backward()
        out["grads"] = [n64(p.grad) for p in ps]
    return out


def _sequence(module, ps, x):
    """hs of a one-layer nn.LSTM / nn.RNN whose four parameters are the tensors ps[:4] (functional call)."""
    names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    return torch.func.functional_call(module, dict(zip(names, ps[:4])), (x,))[0]


@functools.lru_cache(maxsize=64)
def _train_torch(key, ids_key, cell, steps, lr, clip, variant):
    params = key_arrays(key)
    ids = np.frombuffer(ids_key, dtype=np.int64)
    out = train_torch_uncached(params, ids, cell, steps, lr, clip, variant)
    return tuple(checks.frozen(p) for p in out)


def train_torch(params, ids, cell, steps, lr, clip, variant=None):
    """The trained parameters after ``steps`` of train_char_model's recipe from ``params`` (memoised on them)."""
    return list(_train_torch(array_key(*params), np.asarray(ids, dtype=np.int64).tobytes(), cell, steps, lr, clip,
                             variant))


def train_torch_uncached(params, ids, cell, steps, lr, clip, variant=None):
    """train_char_model replayed: Adam(lr) (torch.optim.Adam, defaults otherwise) on F.cross_entropy over the
    L − 1 next-id predictions, the gradients clipped by clip_grad_norm_(clip) before each step. ``variant``: a slip
    ("no_clip", "adam_each_step", "sgd", "sum_over_time": the loss summed over the L − 1 steps, "clip_value":
    np.clip(g, −clip, clip) per entry)."""
    V, H = params[4].shape
    ps = [t64(p, grad=True) for p in params]
    module = (torch.nn.LSTM if cell == "lstm" else torch.nn.RNN)(V, H, batch_first=True, dtype=torch.float64)
    x = t64(np.eye(V)[ids[:-1]][None])
    y = torch.tensor(np.asarray(ids[1:], dtype=np.int64))
    make = (lambda: torch.optim.SGD(ps, lr=lr)) if variant == "sgd" else (lambda: torch.optim.Adam(ps, lr=lr))
    opt = make()
    for _ in range(steps):
        if variant == "adam_each_step":
            opt = make()
        opt.zero_grad()
        logits = _sequence(module, ps, x)[0] @ ps[4].T + ps[5]
        loss = F.cross_entropy(logits, y) * (len(y) if variant == "sum_over_time" else 1)
        loss.backward()
        if variant == "clip_value":
            torch.nn.utils.clip_grad_value_(ps, clip)
        elif variant != "no_clip":
            torch.nn.utils.clip_grad_norm_(ps, clip)
        opt.step()
    return [n64(p) for p in ps]
