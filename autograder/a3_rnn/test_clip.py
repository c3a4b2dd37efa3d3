"""Hidden tests of grade cell `test_clip` (0.5 points): clip_grad_norm as torch.nn.utils.clip_grad_norm_.

The hand case (grads 3 and 4, max_norm 1: total 5, clipped to 0.6 and 0.8), then torch's function on four arrays of
different shapes: the norm above and below max_norm, norm_type 1, 3 and inf besides the default 2, and gradients of
~1e-6 where torch's 1e-6 in max_norm / (total + 1e-6) changes the answer by a third. Inside the sandbox: the given
arrays stay as they were.
"""
import numpy as np
import pytest
import torch

from autograder import checks
from autograder.a3_rnn.oracle import n64, t64

CELL = "test_clip"
EPS = 1e-6
RULE = "every array is multiplied by min(1, max_norm / (total + 1e-6)), total the norm of all entries together"


def _total(grads, q):
    if q == np.inf:
        return max(float(np.max(np.abs(g))) for g in grads)
    return float(sum(np.sum(np.abs(g) ** q) for g in grads) ** (1 / q))


def _torch_clip(grads, max_norm, q):
    ts = [t64(g, grad=True) for g in grads]
    for t, g in zip(ts, grads):
        t.grad = t64(g)
    total = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type=q)
    return [n64(t.grad) for t in ts], float(total)


def _slips(grads, max_norm, q):
    """{name: (clipped list, total, message)} of the known slips."""
    total = _total(grads, q)
    scale = lambda s: [g * s for g in grads]  # noqa: E731
    two = _total(grads, 2)
    out = {
        "by_value": ([np.clip(g, -max_norm, max_norm) for g in grads], total,
                     f"the gradients are clipped by value (np.clip): {RULE}"),
        "per_array": ([g * min(1.0, max_norm / (_total([g], q) + EPS)) for g in grads], total,
                      f"each array is clipped by its own norm: there is one global norm, {RULE}"),
        "no_eps": (scale(min(1.0, max_norm / total)), total,
                   f"the scale is max_norm / total: torch's is max_norm / (total + 1e-6), which matters for tiny "
                   f"gradients; {RULE}"),
        "scales_up": (scale(max_norm / (total + EPS)), total,
                      f"the gradients are scaled up when their norm is below max_norm: nothing changes then; {RULE}"),
        "norm_type_ignored": (scale(min(1.0, max_norm / (two + EPS))), two,
                              "norm_type is ignored (the 2-norm is used): total = (Σ |g|^q)^(1/q) for q = norm_type, "
                              "max |g| for q = inf"),
    }
    if q != np.inf:
        out["squared"] = (scale(min(1.0, max_norm / (total ** q + EPS))), total ** q,
                          f"the norm misses its root: total = (Σ |g|^q)^(1/q); {RULE}")
    clipped = scale(min(1.0, max_norm / (total + EPS)))
    out["total_after"] = (clipped, _total(clipped, q), "total_norm is the norm after clipping: clip_grad_norm returns "
                                                       "the norm of the gradients as given, before clipping")
    return out


def _check(student, grads, max_norm, q, context, atol=checks.ATOL, hand=None, default=False):
    """clip_grad_norm(grads, max_norm[, q]) (q not passed if ``default``) against torch (or ``hand``)."""
    expected, total = _torch_clip(grads, max_norm, q)
    if hand is not None:
        expected = hand
    slips = _slips(grads, max_norm, q)
    args = (grads, max_norm) if default else (grads, max_norm, q)
    call = "clip_grad_norm(grads, " + (f"{max_norm:g})" if len(args) == 2 else f"{max_norm:g}, norm_type={q})")
    with checks.explained(f"{call} returns (a list of the clipped arrays, total_norm)"):
        got = checks.check_list(call, student.clip_grad_norm(*args), 2)
    checks.check_scalar(f"total_norm returned by {call}", got[1], total, context=context, show_values=hand is not None,
                        mistakes=[(t, m) for _, t, m in slips.values()])
    clipped = checks.check_list(f"the clipped arrays returned by {call}", got[0], len(grads))
    for i, (g, e) in enumerate(zip(clipped, expected)):
        checks.check_array(f"clipped array {i}", g, e, context=context, atol=atol, show_values=hand is not None,
                           mistakes=[(c[i], m) for c, _, m in slips.values()], generic=False)


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_clip_hand_example(student):
    """grads [3], [4] with max_norm 1: total 5, clipped ≈ [0.6], [0.8]; with max_norm 10: unchanged."""
    grads = [np.array([3.0]), np.array([4.0])]
    s = 1.0 / (5.0 + EPS)
    _check(student, grads, 1.0, 2.0, "grads [3.0] and [4.0], max_norm 1 (default norm_type): total 5, each scaled by "
                                     "1/(5 + 1e-6)", hand=[np.array([3.0 * s]), np.array([4.0 * s])], default=True)
    _check(student, grads, 10.0, 2.0, "grads [3.0] and [4.0], max_norm 10 (default norm_type): below max_norm, "
                                      "unchanged", hand=[np.array([3.0]), np.array([4.0])], default=True)


@checks.cached
def _grads(seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return [scale * checks.off_kinks(rng, s, 0.1, 2.0) for s in ((3, 4), (4,), (2, 3, 2), (1,))]


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_clip_matches_torch(student):
    """Four arrays of different shapes: above and below max_norm with the default norm, norm_type 1, 3 and inf,
    and gradients of ~1e-6, where torch's 1e-6 matters."""
    grads = _grads(35001)
    shapes = "arrays of shapes (3, 4), (4,), (2, 3, 2), (1,)"
    for max_norm, q, what in ((0.5 * _total(grads, 2), 2.0, "default norm_type, total above max_norm"),
                              (2.0 * _total(grads, 2), 2.0, "default norm_type, total below max_norm"),
                              (0.7 * _total(grads, 2), 2.0, "norm_type=2.0 given"),
                              (0.3 * _total(grads, 1), 1.0, "norm_type=1"),
                              (0.4 * _total(grads, 3), 3.0, "norm_type=3"),
                              (0.6 * _total(grads, np.inf), np.inf, "norm_type=inf (max |g|)")):
        _check(student, [g.copy() for g in grads], float(max_norm), q, f"{shapes}, {what}",
               default=what.startswith("default"))
    tiny = _grads(35002, scale=1e-6)
    _check(student, [g.copy() for g in tiny], 1e-6, 2.0, f"{shapes} with entries of ~1e-6 (total "
                                                         f"{_total(tiny, 2):.2g}), max_norm 1e-6, default norm_type",
           atol=1e-15, default=True)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_clip_keeps_the_given_arrays(student):
    """Inside the sandbox: clip_grad_norm returns new arrays and leaves the given ones as they were."""
    grads = _grads(35003)
    got = student.harness("calls").function_run([("clip_grad_norm", [[g.copy() for g in grads], 0.5])])
    checks.check_true(not got["changed"], "clip_grad_norm changed the arrays it was given (g *= scale?): it returns "
                                          "new arrays and leaves the given ones as they were (SPEC)")
    result = checks.check_list("clip_grad_norm(grads, 0.5)", got["results"][0], 2)
    clipped = checks.check_list("the clipped arrays", result[0], 4)
    expected, _ = _torch_clip(grads, 0.5, 2.0)
    for i, (g, e) in enumerate(zip(clipped, expected)):
        checks.check_array(f"clipped array {i}", g, e, context="max_norm 0.5, default norm_type")
