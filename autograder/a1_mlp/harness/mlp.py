"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

What the proxy cannot see: outside the sandbox every array is a copy, so whether ``parameters()``
hands out the model's own arrays (SPEC: "the arrays themselves") is only observable in here. The
checks are behavioural and never read attribute names: edit the returned arrays in place and ask
the model again.
"""
import numpy as np


def _copies(values):
    return [np.array(v, dtype=float) for v in values]


def live_parameters(submission, sizes, activation, params, x, x_earlier, g):
    """Plain facts about one student ``MLP(sizes, activation, 0)``, for the hidden test to judge.

    1. A fresh model: ``parameters()`` (``before``), then every returned array edited in place
       (``p[...] -= 1``); ``after`` is ``parameters()`` asked again and ``logits`` is ``forward(x)``,
       both of which must show the edit. ``edit_error`` says why an edit could not be made.
    2. ``set_parameters(params)``, then ``installed[i]``: is ``parameters()[i]`` the very array given?
    3. With those parameters, ``forward(x_earlier)`` and then ``forward(x)`` (another batch size),
       ``backward(g)``: ``latest`` = (logits, dL/dx, gradients()) must belong to the latest forward;
       ``latest_error`` says what raised instead.
    """
    out = {"edit_error": None}
    model = submission.MLP(list(sizes), activation, 0)
    fresh = list(model.parameters())
    out["before"] = _copies(fresh)
    try:
        for p in fresh:
            p[...] -= 1
    except Exception as exc:  # noqa: BLE001 - reported by the test: parameters() did not give arrays
        out["edit_error"] = f"{type(exc).__name__}: {exc}"
    out["after"] = _copies(model.parameters())
    out["logits"] = np.array(model.forward(np.array(x)), dtype=float)

    given = [np.array(p, dtype=float) for p in params]
    model.set_parameters(list(given))
    got = list(model.parameters())
    out["installed"] = [i < len(got) and got[i] is p for i, p in enumerate(given)]

    out["latest"], out["latest_error"] = None, None
    try:
        model.forward(np.array(x_earlier))
        logits = np.array(model.forward(np.array(x)), dtype=float)
        dx = np.array(model.backward(np.array(g)), dtype=float)
        out["latest"] = [logits, dx, _copies(model.gradients())]
    except Exception as exc:  # noqa: BLE001 - reported by the test, which names the calls made
        out["latest_error"] = f"{type(exc).__name__}: {exc}"[:500]
    return out
