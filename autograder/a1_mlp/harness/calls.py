"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

Outside the sandbox every array is a copy, so a function that edits its arguments in place
(``x[x < 0] = 0`` in relu, ``logits -= max`` in a loss) can only be seen in here.
"""
import numpy as np


def mutated_arguments(submission, calls):
    """``calls``: [(function name, args)]. Returns (changed, raised): "name(argument i)" for every
    array argument a call changed, and "name: ExceptionType" for every call that raised (a function
    that does not run cannot show it keeps its arguments: the test does not pass it)."""
    changed, raised = [], []
    for name, args in calls:
        args = [np.array(a) if isinstance(a, np.ndarray) else a for a in args]
        before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
        try:
            getattr(submission, name)(*args)
        except Exception as exc:  # noqa: BLE001 - named in the verdict
            raised.append(f"{name}: {type(exc).__name__}")
            continue
        changed += [f"{name}(argument {i + 1})" for i, (a, b) in enumerate(zip(args, before))
                    if b is not None and not np.array_equal(a, b, equal_nan=True)]
    return changed, raised
