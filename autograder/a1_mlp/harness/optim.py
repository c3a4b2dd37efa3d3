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
