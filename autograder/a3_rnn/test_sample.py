"""Hidden tests of grade cell `test_sample` (0.5 points): sample with the grader's uniforms.

sample draws nothing itself: the next id is the first i with cumsum(p)[i] > uₖ, so its answer is exact. It runs in
the sandbox on a stand-in model (harness/calls.py: TableModel) whose logits after a prefix depend on its last two
ids and its length, so the grader knows them, and a sampler that feeds only the last id shows. Every uₖ is kept
≥ 1e-4 away from the cumsum's steps. The named slips: argmax, the temperature ignored or multiplied, the last id
only, the start ids returned too, an unstable softmax.
"""
import numpy as np
import pytest

from autograder import checks

CELL = "test_sample"
V = 5
RULE = ("p = softmax(z / temperature) of the logits after the whole sequence so far, and the next id is the first i "
        "with cumsum(p)[i] > u[k]")


def _logits(A, B, C, seq):
    """TableModel's logits at the last position of seq."""
    prev = seq[-2] if len(seq) > 1 else V
    return A[seq[-1]] + B[prev] + C[(len(seq) - 1) % len(C)]


def _run(A, B, C, start, u, temperature, how="right"):
    """The ids sample gives (``how``: "right" the SPEC's rule; "argmax"; "times" z·T; "last" the last id only)."""
    seq, gaps = [int(i) for i in start], []
    for uk in u:
        z = _logits(A, B, C, seq[-1:] if how == "last" else seq)
        z = z * temperature if how == "times" else z / temperature
        p = np.exp(z - z.max())
        c = np.cumsum(p / p.sum())
        gaps.append(float(np.min(np.abs(c[:-1] - uk))) if len(c) > 1 else 1.0)
        seq.append(int(np.argmax(z)) if how == "argmax" else int(np.searchsorted(c, uk, side="right")))
    return np.array(seq[len(start):]), min(gaps)


@checks.cached
def _case(seed, scale, n, start_len, temperature):
    """Tables A (V, V), B (V + 1, V), C (3, V) ~ N(0, scale), start ids, and n uniforms ≥ 1e-4 from every step."""
    rng = np.random.default_rng(seed)
    A, B, C = rng.normal(0, scale, (V, V)), rng.normal(0, scale, (V + 1, V)), rng.normal(0, scale, (3, V))
    start = rng.integers(0, V, start_len)
    while True:
        u = rng.uniform(0.02, 0.98, n)
        expected, gap = _run(A, B, C, start, u, temperature)
        if gap > 1e-4:
            return A, B, C, start, u, expected


def _slips(A, B, C, start, u, temperature):
    out = [(_run(A, B, C, start, u, temperature, "argmax")[0], f"the argmax is taken: sample draws with u, {RULE}"),
           (_run(A, B, C, start, u, 1.0)[0], f"the temperature is ignored: {RULE}"),
           (_run(A, B, C, start, u, temperature, "times")[0], f"the logits are multiplied by the temperature: {RULE}"),
           (_run(A, B, C, start, u, temperature, "last")[0],
            "the model is fed the last id only: sample calls model.forward(np.array([ids])) with the whole sequence so "
            "far (the model has no memory between calls)")]
    expected = _run(A, B, C, start, u, temperature)[0]
    out.append((np.concatenate([start, expected]), "the start ids are returned too: sample returns the len(u) new ids "
                                                   "only"))
    return out


def _check(student, case, temperature, context, stable=False):
    A, B, C, start, u, expected = case
    harness = student.harness("calls")
    call = f"sample(model, start_ids, u{'' if temperature is None else f', temperature={temperature}'})"
    run = lambda: harness.sample_table(A, B, C, start, u, temperature)  # noqa: E731
    got = checks.call_without_fp_warnings(call, run) if stable else run()
    ids = checks.as_numeric_array(f"the ids returned by {call}", got["ids"])
    t = 1.0 if temperature is None else temperature
    checks.check_array(f"the ids returned by {call}", ids, expected, context=context, generic=False, show_values=True,
                       mistakes=_slips(A, B, C, start, u, t),
                       nonfinite_hint="the softmax overflows: subtract the max of z / temperature first")
    wanted = [[1, len(start) + k] for k in range(len(u))]
    shapes = [c[0] for c in got["calls"]]
    checks.check_true(shapes == wanted, f"{call} called model.forward with ids of shapes {shapes[:4]}…; it should call "
                                        "it once per new id, with the whole sequence so far: np.array([ids]) of shape "
                                        f"(1, {len(start)}), then (1, {len(start) + 1}), …")
    checks.check_true(not got["start_changed"], f"{call} changed start_ids: no function changes its arguments (SPEC)")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sample_with_given_uniforms(student):
    """A stand-in model; temperature omitted (1), 0.6 and 2.5; 3 start ids, 10 new ones."""
    _check(student, _case(36001, 1.5, 10, 3, 1.0), None, "temperature omitted (1.0), 3 start ids, 10 uniforms")
    _check(student, _case(36002, 1.5, 10, 3, 0.6), 0.6, "temperature 0.6, 3 start ids, 10 uniforms")
    _check(student, _case(36003, 1.5, 10, 3, 2.5), 2.5, "temperature 2.5, 3 start ids, 10 uniforms")


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sample_is_stable_with_one_start_id(student):
    """Logits of several thousand with temperature 0.5 (z / T of ~1e4: a softmax without the max overflows), and
    a single start id."""
    _check(student, _case(36011, 4000.0, 8, 1, 0.5), 0.5, "logits of several thousand, temperature 0.5, one start id",
           stable=True)
