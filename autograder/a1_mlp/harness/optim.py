"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

One round trip for a whole optimizer trajectory instead of one per step.
"""
import numpy as np


def trajectory(submission, opt, params, grads):
    """θ returned by each ``opt.step(θ, g)`` for g in grads, the student's own θ fed back each time
    (as floats), exactly as the hidden test would do step by step. Stops before a step that raises
    or answers with anything but a list of len(params) items: the test asks that step itself, so
    its verdict and message are the step-by-step ones."""
    out = []
    for gs in grads:
        try:
            got = opt.step(params, [np.array(g) for g in gs])
            if not isinstance(got, (list, tuple)) or len(got) != len(params):
                break
            following = [np.array(p, dtype=float) for p in got]
        except Exception:  # noqa: BLE001 - the test repeats this step itself and reports it
            break
        out.append(list(got))
        params = following
    return out


def mutated_inputs(submission, opt, params, grads):
    """Which arrays handed to ``opt.step`` changed by the end of the run (the SPEC: optimizers never
    mutate their inputs). Seen here, inside, because the proxy copies arrays in and out. Each step
    gets its own arrays, kept after the call, so state that aliases an earlier step's input and is
    updated in place later shows too. Returns ["params[i] of step k", "grads[i] of step k", ...]."""
    given = []
    for k, gs in enumerate(grads, start=1):
        ps, gs = [np.array(p, dtype=float) for p in params], [np.array(g, dtype=float) for g in gs]
        given += [(f"params[{i}] of step {k}", p, p.copy()) for i, p in enumerate(ps)]
        given += [(f"grads[{i}] of step {k}", g, g.copy()) for i, g in enumerate(gs)]
        params = opt.step(ps, gs)
    return [name for name, array, before in given if not np.array_equal(array, before)]
