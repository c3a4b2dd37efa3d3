"""``dlgrade autograde``: every collected submission of an assignment, into the gradebook.

Re-running resumes: a submission already graded at the same timestamp is skipped unless
``force``. Each result is recorded the moment it arrives, so a batch killed at any point loses
nothing already graded, and what was mid-flight is graded next time. A submission the grader
itself failed on (``not_graded``) gets no score, no results file and no feedback: the run lists
it, the CLI exits non-zero, and the next run grades it. One autograde of an assignment runs at a
time per course (a second one is told who holds it); different assignments run side by side.
"""
from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from autograder import assignments
from autograder.batch import Submission, grade_all
from autograder.errors import DlgradeError
from autograder.job import Limits
from autograder.results import SubmissionResult

from .course import Course
from .feedback import write_feedback
from .gradebook import CourseGradebook


@dataclass
class Summary:
    assignment: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    new_students: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    not_graded: dict[str, str] = field(default_factory=dict)  # the grader failed: no score, graded next run
    times: dict[str, str] = field(default_factory=dict)  # claimed and arrival times disagree (collect.Arrival)
    refused: list[dict] = field(default_factory=list)  # folders refused at collect: named for another student

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "graded": len(self.graded), "skipped": len(self.skipped),
                "errors": self.errors, "not_graded": self.not_graded, "times": self.times,
                "refused": self.refused, "new_students": self.new_students, "scores": self.scores}


class AutogradeBusy(DlgradeError):
    """Another autograde of the same assignment is running on this course."""


WATCHER = "the on-submit watcher"  # grading/on_submit.py holds an assignment for one short round
WATCHER_WAIT = 300.0  # seconds a TA's run waits for the watcher's round before giving up


@contextlib.contextmanager
def only_run(course: Course, assignment_id: str, who: str | None = None, wait_for_watcher: float = WATCHER_WAIT):
    """Hold the course's lock for this assignment for the run (released if the process dies). A run
    held by the on-submit watcher is waited for (its round is short); any other holder is named."""
    path = course.root / f".dlgrade-autograde-{assignment_id}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    with contextlib.suppress(PermissionError):  # only its creator may; then every TA of the group can lock it
        os.chmod(path, 0o664)
    deadline = time.monotonic() + wait_for_watcher
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if holder.startswith(WATCHER) and time.monotonic() < deadline:
                    time.sleep(0.5)
                    continue
                raise AutogradeBusy(f"{assignment_id} is being autograded on this course already ({holder}): "
                                    "wait for it to finish; it records every result as it goes") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{who + ', ' if who else ''}pid {os.getpid()} of {getpass.getuser()} on {socket.gethostname()}, "
                     f"since {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def autograde(course: Course, assignment_id: str, workers: int | None = None, scheduler: str | None = None,
              force: bool = False, limits: Limits | None = None, sandboxed: bool = True,
              progress: bool = True, security=None) -> Summary:
    """Grade what is collected and not yet graded; ``limits`` None means the assignment's own.

    ``scheduler``: a Dask scheduler's address, reached with ``security`` (the course's certificates,
    :func:`autograder.dask_security.scheduler_connection`)."""
    info = assignments.load(assignment_id)
    with only_run(course, assignment_id), CourseGradebook(course.db_url, course.course_id) as gradebook:
        summary = Summary(assignment_id)
        submitted = course.submitted(assignment_id)
        summary.new_students = gradebook.ensure_students(list(submitted))

        summary.refused = course.refused(assignment_id)
        jobs, times = [], {}
        for student, folder in submitted.items():
            arrival = course.submission_time(student, assignment_id)
            times[student] = arrival.trusted or arrival.claimed
            if arrival.disagreement():
                summary.times[student] = arrival.disagreement()
            if not force and gradebook.is_graded(assignment_id, student, times[student]):
                summary.skipped.append(student)
            else:
                jobs.append(Submission(student, folder / info.notebook))

        results = grade_all(assignment_id, jobs, workers, limits, sandboxed, scheduler, security)
        for result in tqdm(results, total=len(jobs), disable=not progress or not jobs, unit="submission",
                           desc=f"autograde {assignment_id}"):
            if not result.graded:
                summary.not_graded[result.student] = result.error
                continue
            record(course, gradebook, result, submitted[result.student], info, times[result.student])
            summary.graded.append(result.student)
            summary.scores[result.student] = result.score
            if result.error:
                summary.errors[result.student] = result.error
    return summary


def record(course: Course, gradebook: CourseGradebook, result: SubmissionResult, folder: Path,
           info: assignments.AssignmentInfo, submitted_at: datetime | None) -> None:
    """Results file and feedback first, the gradebook last: the gradebook row marks it done.
    ``submitted_at``: the trusted arrival time (the claimed one only when none was recorded)."""
    out = course.results_file(result.student, result.assignment)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result.to_dict(), indent=1), encoding="utf-8")
    tmp.replace(out)
    write_feedback(course.feedback_dir(result.student, result.assignment), result, info.notebook, info.title, folder)
    gradebook.record(result, submitted_at)
