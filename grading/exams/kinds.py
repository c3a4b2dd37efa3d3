"""Answer kinds: how a student's answer is read and compared with the frozen answer.

Every kind scores a given answer against the reference answer as a share in [0, 1]. The given
answer is plain data read out of the sandbox (numbers, strings, lists; never evaluated on the
trusted side); "4/7" is parsed with :class:`fractions.Fraction`. Numbers compare like
``numpy.isclose`` with the reference as x*: |x − x*| ≤ atol + rtol·|x*|.

A kind also says, in the notebook, what form the answer takes (``how``), and renders the
reference answer for keys (``shown``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


class Unreadable(ValueError):
    """The answer is not of the asked form (a word where a number was asked, a wrong shape)."""


def number(value: Any) -> float:
    """A finite number from an int, float, numeric string or fraction string ("4/7", "-1.5e-3")."""
    if isinstance(value, bool):
        raise Unreadable("a True/False where a number was asked")
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("−", "-").replace(" ", "")
        try:
            out = float(Fraction(text))
        except (ValueError, ZeroDivisionError):
            raise Unreadable(f"{value!r} is not a number; write e.g. 0.25 or 1/4") from None
    elif isinstance(value, (list, tuple)) and len(value) == 1:
        return number(value[0])
    else:
        shape = getattr(value, "shape", None)
        if shape is not None and getattr(value, "size", 0) == 1:
            return number(value.reshape(-1)[0].item())
        raise Unreadable(f"a {type(value).__name__} where one number was asked")
    if not math.isfinite(out):
        raise Unreadable(f"{out} is not a finite number")
    return out


def numbers(value: Any) -> list:
    """A nested list of numbers (a vector or matrix) from lists, tuples or an ndarray."""
    if hasattr(value, "tolist") and not isinstance(value, (int, float, str)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [numbers(v) for v in value]
    return number(value)


def shape_of(nested) -> tuple:
    if not isinstance(nested, list):
        return ()
    inner = {shape_of(v) for v in nested}
    if len(inner) > 1:
        raise Unreadable("rows of different lengths")
    return (len(nested),) + (inner.pop() if inner else ())


def flat(nested) -> list[float]:
    return [x for v in nested for x in flat(v)] if isinstance(nested, list) else [nested]


def close(x: float, ref: float, rtol: float, atol: float) -> bool:
    return abs(x - ref) <= atol + rtol * abs(ref)


def entries_close(given, answer, rtol: float, atol: float) -> list[bool] | None:
    """Per entry, within tolerance; None when the shapes differ (or ``given`` is not numbers)."""
    got, ref = numbers(given), numbers(answer)
    if shape_of(got) != shape_of(ref):
        return None
    return [close(g, r, rtol, atol) for g, r in zip(flat(got), flat(ref))]


@dataclass(frozen=True)
class Kind:
    """Base: subclasses set ``name`` and implement ``score``."""

    name = "kind"
    auto = True  # False: scored by a person in the formgrader

    def score(self, given: Any, answer: Any) -> float:
        raise NotImplementedError

    def how(self) -> str:
        return ""

    def shown(self, answer: Any) -> str:
        return repr(answer)

    def describe(self) -> dict:
        return {"kind": self.name} | {k: v for k, v in self.__dict__.items()}

    def safe_score(self, given: Any, answer: Any) -> float:
        """``score``, with an unreadable or missing answer scoring 0."""
        if given is None:
            return 0.0
        try:
            return float(self.score(given, answer))
        except Unreadable:
            return 0.0


@dataclass(frozen=True)
class Exact(Kind):
    """Integers, counts, words: equal, an integer-valued float counting as its integer."""

    name = "exact"

    def score(self, given, answer):
        if isinstance(answer, str):
            return float(isinstance(given, str) and given.strip().lower() == answer.strip().lower())
        value = number(given)
        return float(value == float(answer))

    def how(self):
        return "an integer"

    def shown(self, answer):
        return str(answer)


@dataclass(frozen=True)
class RelAbs(Kind):
    """A number within atol + rtol·|answer|; fractions like "4/7" are read exactly."""

    rtol: float = 1e-2
    atol: float = 1e-3
    name = "relabs"

    def score(self, given, answer):
        return float(close(number(given), float(answer), self.rtol, self.atol))

    def how(self):
        return f"a number (a fraction like 4/7 is fine), within {self.rtol:g} relative or {self.atol:g} absolute"

    def shown(self, answer):
        return f"{float(answer):.6g}"


@dataclass(frozen=True)
class SigFigs(Kind):
    """A number that agrees with the answer to ``digits`` significant figures."""

    digits: int = 3
    name = "sigfigs"

    def score(self, given, answer):
        value, ref = number(given), float(answer)
        if ref == 0:
            return float(value == 0)
        scale = 10 ** (math.floor(math.log10(abs(ref))) - self.digits + 1)
        return float(abs(value - ref) <= 0.5 * scale * (1 + 1e-9))

    def how(self):
        return f"a number to {self.digits} significant figures"

    def shown(self, answer):
        return f"{float(answer):.{self.digits}g}"


@dataclass(frozen=True)
class Shape(Kind):
    """A tuple of integers, e.g. an output shape (C, H, W); a list is read the same."""

    name = "shape"

    def score(self, given, answer):
        if not isinstance(given, (list, tuple)):
            raise Unreadable("a shape is a tuple of integers, e.g. (16, 14, 14)")
        values = [number(v) for v in given]
        return float(len(values) == len(answer) and all(v == a for v, a in zip(values, answer)))

    def how(self):
        return "a tuple of integers, e.g. (16, 14, 14)"

    def shown(self, answer):
        return str(tuple(answer))


@dataclass(frozen=True)
class Vector(Kind):
    """A vector or matrix: the shape first, then every entry within tolerance.

    ``partial``: the share of entries within tolerance (PrairieLearn's per-component credit);
    otherwise all or nothing."""

    rtol: float = 1e-2
    atol: float = 1e-3
    partial: bool = False
    name = "vector"

    def score(self, given, answer):
        hits = entries_close(given, answer, self.rtol, self.atol)
        if not hits:  # another shape (a number where a list was asked)
            return 0.0
        return sum(hits) / len(hits) if self.partial else float(all(hits))

    def how(self):
        each = ("each entry exact" if self.rtol == self.atol == 0 else
                f"each entry within {self.rtol:g} relative or {self.atol:g} absolute")
        return f"a list (or a list of rows), {each}" + ("; each entry earns its share" if self.partial else "")

    def shown(self, answer):
        def fmt(v):
            return "[" + ", ".join(fmt(x) for x in v) + "]" if isinstance(v, list) else f"{v:.6g}"
        return fmt(numbers(answer))


LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Choice(Kind):
    """Single choice: the options are the answer and the distractors, in the slot's shuffled order;
    the student answers a letter. Frozen answer: the correct letter."""

    name = "choice"

    def score(self, given, answer):
        if not isinstance(given, str) or given.strip().upper() not in LETTERS:
            raise Unreadable("answer with one letter, e.g. 'B'")
        return float(given.strip().upper() == answer)

    def how(self):
        return "one letter, e.g. 'B'"

    def shown(self, answer):
        return answer


@dataclass(frozen=True)
class ChoiceSet(Kind):
    """Multiple choice: every correct letter and no other, all or nothing. Frozen answer: the
    sorted correct letters as a string ("AC")."""

    name = "choiceset"

    def score(self, given, answer):
        if isinstance(given, (list, tuple, set)):
            given = "".join(str(g) for g in given)
        if not isinstance(given, str):
            raise Unreadable("answer with the letters of every true statement, e.g. 'AC'")
        letters = {c for c in given.upper() if c.isalpha()}
        if not letters <= set(LETTERS):
            raise Unreadable("answer with the letters of every true statement, e.g. 'AC'")
        return float(letters == set(answer))

    def how(self):
        return "the letters of every true statement, e.g. 'AC'"

    def shown(self, answer):
        return answer


@dataclass(frozen=True)
class Code(Kind):
    """A function the student writes, called in the sandbox on the template's cases; the share of
    cases it gets right within tolerance (all or nothing with ``partial=False``)."""

    function: str = "f"
    rtol: float = 1e-6
    atol: float = 1e-8
    partial: bool = False
    name = "code"

    def score(self, given, answer):
        """``given``: the function's outputs on the cases (None where it raised); ``answer``: the
        reference outputs."""
        hits = []
        for got, ref in zip(given, answer):
            try:
                case = entries_close(got, ref, self.rtol, self.atol)
            except Unreadable:
                case = None
            hits.append(case is not None and all(case))
        if not hits:
            return 0.0
        return sum(hits) / len(hits) if self.partial else float(all(hits))

    def how(self):
        return f"a Python function `{self.function}` (NumPy is imported as np)"

    def shown(self, answer):
        return f"`{self.function}` as in the key"


@dataclass(frozen=True)
class Manual(Kind):
    """A derivation or explanation in a markdown cell, scored by a person in the formgrader."""

    name = "manual"
    auto = False

    def score(self, given, answer):
        raise Unreadable("scored by hand")

    def how(self):
        return "a derivation or explanation in the markdown cell below (graded by hand)"

    def shown(self, answer):
        return str(answer)


KINDS = {k.name: k for k in (Exact, RelAbs, SigFigs, Shape, Vector, Choice, ChoiceSet, Code, Manual)}


def kind_from(description: dict) -> Kind:
    """The kind a manifest row describes (``Kind.describe``)."""
    fields = dict(description)
    return KINDS[fields.pop("kind")](**fields)
