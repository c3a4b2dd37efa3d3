"""Per-test and per-submission results: plain dataclasses that serialise to JSON.

The same objects feed ``--json`` output, the gradebook and the students' feedback.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


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

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests)

    def cell_scores(self) -> dict[str, tuple[float, float]]:
        """grade cell id → (score, max score), summing the cell's tests (partial credit)."""
        cells: dict[str, tuple[float, float]] = {}
        for t in self.tests:
            got, top = cells.get(t.cell, (0.0, 0.0))
            cells[t.cell] = (got + t.points, top + t.max_points)
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
        )
