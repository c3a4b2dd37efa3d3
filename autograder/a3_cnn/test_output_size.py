"""Hidden tests of grade cell `test_output_size` (0.25 points): conv2d_output_size, by hand.

Ho = ⌊(H + 2p − kH)/s⌋ + 1 (SPEC). Every case is worked out in its message; each argument is given as an int
and as a pair (rows, columns), the defaults are used once, and several cases need the floor (a row or column
that no window reaches is dropped), so /, ceil, a missing +1 or rows and columns swapped all show.
"""
import math

import pytest

from autograder import checks

CELL = "test_output_size"
FORMULA = "Ho = ⌊(H + 2·pH − kH)/sH⌋ + 1, Wo = ⌊(W + 2·pW − kW)/sW⌋ + 1"


def _slips(H, W, k, s, p):
    """(size, message) of the usual slips for one case."""
    (kh, kw), (sh, sw), (ph, pw) = [(v, v) if isinstance(v, int) else tuple(v) for v in (k, s, p)]
    return [
        (((H + 2 * ph - kh) / sh + 1, (W + 2 * pw - kw) / sw + 1), "/ instead of //: the size is a float; the SPEC "
                                                                     "takes the floor, ⌊(H + 2p − k)/s⌋ + 1 (//)"),
        ((math.ceil((H + 2 * ph - kh) / sh) + 1, math.ceil((W + 2 * pw - kw) / sw) + 1),
         "the division is rounded up: the SPEC takes the floor (//), dropping what no full window reaches"),
        (((H + 2 * ph - kh) // sh, (W + 2 * pw - kw) // sw), "the +1 is missing: " + FORMULA),
        (((H + ph - kh) // sh + 1, (W + pw - kw) // sw + 1), "the padding is counted once: p zeros are added on "
                                                              "both sides, so H + 2p"),
        (((H + 2 * pw - kw) // sw + 1, (W + 2 * ph - kh) // sh + 1) if (H, W) != (W, H) or (kh, sh, ph) != (kw, sw, pw)
         else None, "rows and columns are mixed up: a pair is (rows, columns); H goes with kH, sH, pH"),
        (((H + 2 * ph - kw) // sh + 1, (W + 2 * pw - kh) // sw + 1), "the kernel's rows and columns are swapped: "
                                                                      "kernel_size=(kH, kW), kH runs over the rows"),
        (((H + 2 * ph - kh) + 1, (W + 2 * pw - kw) + 1), "the stride is ignored"),
        (((H + 2 * ph - kh) // sh + 1, (W + 2 * ph - kw) // sh + 1), "the columns use the rows' stride and padding: a "
                                                                      "pair's second entry is for the columns"),
    ]


def _check(student, H, W, k, s=None, p=None):
    kwargs = {} if s is None else {"stride": s}
    if p is not None:
        kwargs["padding"] = p
    call = f"conv2d_output_size({H}, {W}, {k!r}" + "".join(f", {a}={v!r}" for a, v in kwargs.items()) + ")"
    got = student.conv2d_output_size(H, W, k, **kwargs)
    s, p = 1 if s is None else s, 0 if p is None else p
    (kh, kw), (sh, sw), (ph, pw) = [(v, v) if isinstance(v, int) else tuple(v) for v in (k, s, p)]
    expected = ((H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1)
    worked = f"({H} + {2 * ph} − {kh})//{sh} + 1 = {expected[0]}, ({W} + {2 * pw} − {kw})//{sw} + 1 = {expected[1]}"
    values = got if isinstance(got, (list, tuple)) else None
    if values is not None and len(values) == 2 and all(type(v) is int for v in values) and tuple(values) == expected:
        return
    why = ""
    if values is not None and len(values) == 2:
        for wrong, message in _slips(H, W, k, s, p):
            if wrong is not None and tuple(wrong) != expected and all(
                    isinstance(a, (int, float)) and abs(a - b) < 1e-9 for a, b in zip(values, wrong)):
                why = f". Likely mistake: {message}"
                break
        if not why and tuple(values) == expected:
            kinds = ", ".join(type(v).__name__ for v in values)
            why = f": the values are right but they are ({kinds}), not two Python ints (int(...) or //)"
    raise AssertionError(f"{call} returned {got!r}; it should be {expected}: {worked}{why}")


@pytest.mark.grade(cell=CELL, points=0.125)
def test_output_size_with_ints_and_defaults(student):
    """(7, 7, 3) → (5, 5) with the defaults; (8, 5, 3, padding=1) → (8, 5); (7, 6, 3, stride=2) → (3, 2), the last
    column dropped; (9, 10, 4, stride=3, padding=2) → (4, 4), rows and columns dropped."""
    _check(student, 7, 7, 3)
    _check(student, 8, 5, 3, p=1)
    _check(student, 7, 6, 3, s=2)
    _check(student, 9, 10, 4, s=3, p=2)
    _check(student, 5, 5, 5)


@pytest.mark.grade(cell=CELL, points=0.125)
def test_output_size_with_pairs(student):
    """Pairs (rows, columns) for the kernel, the stride and the padding, on H ≠ W."""
    _check(student, 8, 6, (3, 2), s=2)
    _check(student, 6, 9, (2, 4), s=(2, 1), p=(1, 0))
    _check(student, 7, 11, (1, 3), s=(3, 2), p=(0, 2))
    _check(student, 10, 4, (5, 1), s=(1, 3), p=(2, 1))
