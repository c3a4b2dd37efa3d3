"""Per-test, per-function and per-submission results: plain dataclasses that serialise to JSON.

The same objects feed ``--json`` output, the gradebook and the students' feedback. A submission's
score is the sum of its functions' scores (:mod:`autograder.scoring`), computed once when it is
graded and kept with it, so a results file says what was counted.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .scoring import FunctionScore, score_functions


@dataclass
class TestResult:
    """The verdict of one hidden test: it belongs to one grade cell and carries points."""

    name: str
    cell: str
    points: float
    max_points: float
    passed: bool
    message: str = ""

    # pytest would otherwise try to collect this class as a test.
    __test__ = False


@dataclass
class SubmissionResult:
    """Everything the grader says about one submission."""

    assignment: str
    student: str | None = None
    tests: list[TestResult] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    max_score: float = 0.0
    student_seconds: float = 0.0  # time spent running the student's own code
    graded: bool = True  # False: the grader itself failed (not the submission); ``error`` says how
    functions: list[FunctionScore] = field(default_factory=list)  # as graded, in the assignment's order

    def scored(self) -> list[FunctionScore]:
        """The function scores: as graded, or for a result of tests alone (made by hand, or a results
        file from before functions) the default rule, each test's own points."""
        return self.functions or score_functions(self.tests)

    @property
    def score(self) -> float:
        return sum(f.points for f in self.scored())

    def cell_scores(self) -> dict[str, tuple[float, float]]:
        """grade cell id → (score, max score), summing the cell's functions."""
        cells: dict[str, tuple[float, float]] = {}
        for f in self.scored():
            got, top = cells.get(f.cell, (0.0, 0.0))
            cells[f.cell] = (got + f.points, top + f.max_points)
        return cells

    @classmethod
    def failed(cls, assignment: str, student: str | None, reason: str, max_score: float = 0.0,
               warnings: list[str] | None = None) -> "SubmissionResult":
        """A submission that earns nothing through its own fault (no test ran): ``reason`` says why."""
        return cls(assignment, student, error=reason, max_score=max_score, warnings=list(warnings or []))

    @classmethod
    def not_graded(cls, assignment: str, student: str | None, reason: str, max_score: float = 0.0) -> "SubmissionResult":
        """The grader failed (a dead grading process, hidden tests that do not collect, a lost Dask
        worker): no score at all, never a 0; the next run grades it again."""
        return cls(assignment, student, error=f"not graded: {reason}", max_score=max_score, graded=False)

    def to_dict(self) -> dict:
        return {
            "assignment": self.assignment,
            "student": self.student,
            "score": self.score,
            "max_score": self.max_score,
            "error": self.error,
            "warnings": list(self.warnings),
            "cells": [{"cell": c, "score": got, "max_score": top} for c, (got, top) in self.cell_scores().items()],
            "functions": [asdict(f) for f in self.scored()],
            "tests": [asdict(t) for t in self.tests],
            "student_seconds": round(self.student_seconds, 4),
            "graded": self.graded,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SubmissionResult":
        return cls(
            assignment=data["assignment"],
            student=data.get("student"),
            tests=[TestResult(**t) for t in data.get("tests", [])],
            error=data.get("error"),
            warnings=list(data.get("warnings", [])),
            max_score=float(data.get("max_score", 0.0)),
            student_seconds=float(data.get("student_seconds", 0.0)),
            graded=bool(data.get("graded", True)),
            functions=[FunctionScore(**f) for f in data.get("functions", [])],
        )
