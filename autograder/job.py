"""What travels from the CLI to the sandbox: one :class:`Limits` and one :class:`GradingJob`.

Defaults live here and nowhere else; an assignment overrides them in its ``assignment.toml``
(``[limits]``), a single slow hidden test on its grade marker (``timeout=``), and a TA on the
command line (``--timeout``, ``--test-timeout``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

KINDS = ("numpy", "torch")  # what the sandbox has imported before the student's first cell


@dataclass(frozen=True)
class Limits:
    test_timeout: float = 5.0  # seconds per hidden test (a grade marker's timeout= overrides it)
    cell_timeout: float = 10.0  # seconds per notebook cell while loading the submission
    budget: float = 120.0  # seconds for the whole submission
    memory_mb: int = 2048  # address space of the student's process

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"limit {f.name} must be a positive number, not {value!r}")

    def with_overrides(self, **values) -> "Limits":
        """These limits with every value that is not None replaced (command-line overrides)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    @classmethod
    def from_dict(cls, data: dict, where: str = "[limits]") -> "Limits":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{where}: unknown limit(s) {', '.join(unknown)}; known are {', '.join(sorted(known))}")
        return cls(**data)


@dataclass(frozen=True)
class GradingJob:
    """One submission to grade: the assignment, the student's code cells and the limits that apply."""

    assignment: str
    cells: list[str]
    student: str | None = None
    limits: Limits = field(default_factory=Limits)
    sandboxed: bool = True

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "cells": list(self.cells), "student": self.student,
                "limits": asdict(self.limits), "sandboxed": self.sandboxed}

    @classmethod
    def from_dict(cls, data: dict) -> "GradingJob":
        return cls(assignment=data["assignment"], cells=list(data["cells"]), student=data.get("student"),
                   limits=Limits(**data["limits"]), sandboxed=bool(data["sandboxed"]))
