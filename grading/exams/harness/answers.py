"""Inside the sandbox: read a student's exam answers as plain data (not secret; no answers here).

Each function gets the student's module first. Values leave as numbers, strings and lists;
anything else is reported by its type name, never passed on."""
import math
from fractions import Fraction


def _plain(value, depth=0):
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if hasattr(value, "tolist") and hasattr(value, "dtype") and value.dtype.kind in "biuf":
        return value.tolist()
    if type(value) in (list, tuple) and depth < 4 and len(value) <= 10_000:
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, (int, float)):
        return float(value) if isinstance(value, float) else int(value)
    raise TypeError(type(value).__name__)


def read(submission, names):
    """[status, value] per name: "ok", "missing" (never set), or "unreadable" (with its type)."""
    out = []
    for name in names:
        if name not in submission.__dict__:
            out.append(["missing", None])
            continue
        try:
            out.append(["ok", _plain(submission.__dict__[name])])
        except TypeError as exc:
            out.append(["unreadable", str(exc)])
    return out


def call(submission, function, cases):
    """The student's ``function`` on each case (lists become arrays); None where it raised."""
    import numpy as np

    func = submission.__dict__.get(function)
    if not callable(func):
        return None
    out = []
    for args in cases:
        try:
            value = _plain(func(*[np.array(a, dtype=float) if isinstance(a, list) else a for a in args]))
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            out.append(value)
        except Exception:
            out.append(None)
    return out
