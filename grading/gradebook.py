"""The only code that reads or writes nbgrader's gradebook.

dlgrade writes *automatic* scores per grade cell and nothing else. The score of a cell is
nbgrader's own ``Grade.score`` (a TA's manual score, else the automatic one, plus any extra credit
entered in the formgrader), and its review flag follows nbgrader's autograder: a cell with a manual
score, or without an automatic one, stays flagged for review after a regrade. A result whose grader
failed (``SubmissionResult.graded`` False) is never written: it is not a 0.

Several writers at once (two TAs' autograde runs, a TA saving in the formgrader) are expected:
a write that meets a locked database or a row another writer just created is retried.
"""
from __future__ import annotations

import contextlib
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import IntegrityError, OperationalError, SAWarning

from autograder.results import SubmissionResult

from .course import unreachable


@dataclass
class CellScore:
    cell: str
    auto: float | None
    manual: float | None
    max_score: float
    score: float  # nbgrader's Grade.score: manual, else auto, plus extra credit
    extra_credit: float | None = None
    needs_review: bool = False  # nbgrader's needs_manual_grade


def _naive_utc(stamp: datetime) -> datetime:
    """nbgrader keeps naive UTC times."""
    return stamp.astimezone(timezone.utc).replace(tzinfo=None) if stamp.tzinfo else stamp


WRITE_ATTEMPTS = 8  # ~6 s of backoff in all: a formgrader save or another run's write is shorter


@dataclass
class SubmissionScores:
    student: str
    assignment: str
    timestamp: datetime | None
    cells: list[CellScore]

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    @property
    def graded(self) -> bool:
        return all(c.auto is not None or c.manual is not None for c in self.cells)


class CourseGradebook:
    """nbgrader's gradebook of one course. ``with CourseGradebook(...) as gradebook:`` keeps one
    connection for a batch: every open compiles nbgrader's SQL anew (~130 ms a submission)."""

    def __init__(self, db_url: str, course_id: str):
        self.db_url, self.course_id = db_url, course_id
        self._kept: Gradebook | None = None

    def __enter__(self) -> "CourseGradebook":
        self._kept = self._new()
        return self

    def __exit__(self, *exc) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            kept.close()

    def _new(self) -> Gradebook:
        # nbgrader's own add_submission trips SQLAlchemy's autoflush warning; it is harmless.
        warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
        try:
            return Gradebook(self.db_url, course_id=self.course_id)
        except OperationalError as exc:  # no server, a wrong password, no such database: one line
            raise unreachable(self.db_url, exc) from None

    def _open(self):
        """The kept connection, or a fresh one closed after use."""
        return contextlib.nullcontext(self._kept) if self._kept is not None else self._new()

    def ensure_students(self, students: list[str]) -> list[str]:
        """Add missing students; returns the ids that were not in the gradebook yet."""
        with self._open() as gb:
            known = {s.id for s in gb.students}
            new = [s for s in students if s not in known]
            for student in new:
                gb.update_or_create_student(student)
        return new

    def is_graded(self, assignment: str, student: str, timestamp: datetime | None) -> bool:
        """Graded already, and at this submission's time (a newer submission is regraded)."""
        scores = self.submission_scores(assignment, student)
        if scores is None or not all(c.auto is not None for c in scores.cells):
            return False
        if timestamp is None or scores.timestamp is None:
            return True
        return _naive_utc(timestamp) == _naive_utc(scores.timestamp)

    def record(self, result: SubmissionResult, timestamp: datetime | None = None) -> None:
        """Store one submission's automatic scores, per grade cell, in one go (never a grader failure)."""
        if not result.graded:
            raise ValueError(f"{result.student}: a result the grader failed on is not a score ({result.error})")
        got = {cell: score for cell, (score, _) in result.cell_scores().items()}
        self._write(result.assignment, result.student, timestamp,
                    lambda grade: self._auto(grade, 0.0 if result.error else got.get(grade.name, 0.0)))

    def ensure_cells(self, assignment: str, notebook: str, cells: list[tuple[str, float, str]]) -> None:
        """An assignment whose grade cells are not built from a source notebook (an exam): one grade
        and solution cell per (name, max points, "code" | "markdown")."""
        with self._open() as gb:
            gb.update_or_create_assignment(assignment)
            gb.update_or_create_notebook(notebook, assignment)
            for name, points, cell_type in cells:
                gb.update_or_create_grade_cell(name, notebook, assignment, max_score=points, cell_type=cell_type)
                gb.update_or_create_solution_cell(name, notebook, assignment)

    def record_cells(self, assignment: str, student: str, scores: dict[str, float | None],
                     timestamp: datetime | None = None, review: bool = False) -> None:
        """Store automatic scores per grade cell (None: left for a person, as a manual question);
        ``review`` keeps every cell flagged (a notebook whose tag is not its student's)."""
        self._write(assignment, student, timestamp, lambda grade: self._auto(grade, scores.get(grade.name), review))

    def set_manual(self, assignment: str, student: str, scores: dict[str, float | None]) -> None:
        """A person's scores per grade cell (a paper exam's import); None leaves a cell ungraded."""
        def manual(grade):
            if grade.name in scores:
                grade.manual_score = scores[grade.name]
                grade.needs_manual_grade = scores[grade.name] is None
        self._write(assignment, student, None, manual)

    @staticmethod
    def _auto(grade, score: float | None, review: bool = False) -> None:
        grade.auto_score = score
        # nbgrader's SaveAutoGrades: a manual score (or no automatic one) keeps it for review
        grade.needs_manual_grade = review or grade.manual_score is not None or grade.auto_score is None

    def _write(self, assignment: str, student: str, timestamp: datetime | None, update) -> None:
        """``update(grade)`` on every grade of the student's submission, committed in one go; a
        locked database, or a row another writer created first, is retried."""
        for attempt in range(WRITE_ATTEMPTS):
            with self._open() as gb:
                try:
                    gb.update_or_create_student(student)
                    kwargs = {"timestamp": _naive_utc(timestamp)} if timestamp is not None else {}
                    submission = gb.update_or_create_submission(assignment, student, **kwargs)
                    for notebook in submission.notebooks:
                        for grade in notebook.grades:
                            update(grade)
                    gb.db.commit()
                    return
                except (OperationalError, IntegrityError):  # locked, or another writer created the row first
                    gb.db.rollback()
                    if attempt == WRITE_ATTEMPTS - 1:
                        raise
            time.sleep(0.05 * 2 ** attempt)

    def submission_scores(self, assignment: str, student: str) -> SubmissionScores | None:
        with self._open() as gb:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                return None
            return self._scores(submission)

    def assignment_scores(self, assignment: str) -> list[SubmissionScores]:
        with self._open() as gb:
            try:
                gb.find_assignment(assignment)
            except MissingEntry:
                return []
            return [self._scores(s) for s in gb.assignment_submissions(assignment)]

    @staticmethod
    def _scores(submission) -> SubmissionScores:
        cells = [CellScore(g.name, g.auto_score, g.manual_score, g.max_score, float(g.score), g.extra_credit,
                           bool(g.needs_manual_grade))
                 for nb in submission.notebooks for g in nb.grades]
        return SubmissionScores(submission.student.id, submission.assignment.name,
                                submission.timestamp, sorted(cells, key=lambda c: c.cell))
