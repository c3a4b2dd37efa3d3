"""Student variants that prove an assignment's graders right both ways.

Each assignment's catalogue is ``autograder/<id>/variants.py``: ``BUGGY`` (name → :class:`Variant`,
one realistic mistake each: the graders must take points away) and ``CORRECT`` (name → overrides,
right but written differently: full marks). Overrides replace definitions of the reference source
by name; see :mod:`autograder.variants.overrides`.
"""
from dataclasses import dataclass

from .overrides import apply_overrides

__all__ = ["Variant", "apply_overrides"]


@dataclass(frozen=True)
class Variant:
    overrides: dict[str, str]
    mistake: str | None = None  # words a failing test's message must contain
