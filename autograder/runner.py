"""One submission in, one :class:`SubmissionResult` out, graded by a warm grading process.

:class:`GradingProcess` owns one ``autograder.server`` process. A submission that outlives its
time budget, or a grader process that dies, costs that submission only: the process is killed,
the reason recorded, and a fresh process takes the next job.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from . import assignments
from .job import GradingJob, Limits
from .notebook import NotebookError, read_student_code
from .results import SubmissionResult
from .sandbox import bwrap, wire

START_TIMEOUT = 120.0  # imports of a fresh grading process (torch included)
BACKSTOP = 30.0  # the server enforces the budget itself; this much more, and it is wedged


class GradingProcess:
    """A long-lived trusted grading process (numpy, torch and pytest imported once)."""

    def __init__(self, cpu: int | None = None):
        self.proc: subprocess.Popen | None = None
        # One core for the process and its sandboxes: each of the ~450 round trips of a submission
        # then wakes a process on the same core, about half the latency of waking one on another.
        self.cpu = cpu

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self) -> None:
        to_server, from_us = os.pipe()
        to_us, from_server = os.pipe()
        env = dict(os.environ, PYTHONPATH=str(assignments.ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.server", str(to_server), str(from_server)],
            pass_fds=(to_server, from_server), env=env, cwd=str(assignments.ROOT),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("DLGRADE_DEBUG") else subprocess.DEVNULL,
            start_new_session=True)
        if self.cpu is not None:
            os.sched_setaffinity(self.proc.pid, {self.cpu})  # before it starts a thread or a sandbox
        os.close(to_server)
        os.close(from_server)
        self.wfd, self.rfd = from_us, to_us
        self._read(START_TIMEOUT)  # the "ready" frame: imports done

    def close(self) -> None:
        if self.proc is None:
            return
        for fd in (self.wfd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.proc = None

    def _read(self, timeout: float):
        ready, _, _ = select.select([self.rfd], [], [], timeout)
        if not ready:
            raise TimeoutError
        return wire.read_frame(self.rfd)

    def grade(self, job: GradingJob, max_score: float = 0.0) -> SubmissionResult:
        if self.proc is None or self.proc.poll() is not None:
            self.close()
            self.start()
        try:
            wire.write_frame(self.wfd, job.to_dict())
            data = self._read(job.limits.budget + BACKSTOP)
        except TimeoutError:
            self.close()
            return SubmissionResult.not_graded(job.assignment, job.student, max_score=max_score, reason=(
                f"the grading process did not answer within {job.limits.budget:g} s + {BACKSTOP:g} s "
                "(it enforces the budget itself): it was stopped"))
        except (EOFError, OSError, wire.WireError) as exc:
            self.close()
            return SubmissionResult.not_graded(job.assignment, job.student, max_score=max_score,
                                               reason=f"the grading process died ({type(exc).__name__}: {exc})")
        if not job.sandboxed:
            self.close()  # unsandboxed code may have changed this process: never reuse it
        return SubmissionResult.from_dict(data)


def grade_notebook(assignment_id: str, notebook: str | Path, student: str | None = None,
                   limits: Limits | None = None, sandboxed: bool = True,
                   process: GradingProcess | None = None) -> SubmissionResult:
    """Grade a submitted notebook; never raises for a bad submission, the reason goes in ``error``."""
    def read(info: assignments.AssignmentInfo) -> tuple[list[str], list[str]]:
        code = read_student_code(notebook, expected_cells=set(info.cells))
        return code.cells, code.warnings

    return _grade(assignment_id, read, student, limits, sandboxed, process)


def grade_source(assignment_id: str, source: str, **kwargs) -> SubmissionResult:
    """Grade plain Python source as if it were a notebook with one code cell (used by tests)."""
    return grade_cells(assignment_id, [source], **kwargs)


def grade_cells(assignment_id: str, cells: list[str], student: str | None = None,
                limits: Limits | None = None, sandboxed: bool = True,
                process: GradingProcess | None = None) -> SubmissionResult:
    """Grade code cells under ``limits`` (the assignment's own when None)."""
    return _grade(assignment_id, lambda info: (cells, []), student, limits, sandboxed, process)


def _grade(assignment_id: str, read, student: str | None, limits: Limits | None, sandboxed: bool,
           process: GradingProcess | None) -> SubmissionResult:
    info = None
    try:
        info = assignments.load(assignment_id)
        cells, warnings = read(info)
    except assignments.UnknownAssignment as exc:
        return SubmissionResult.not_graded(assignment_id, student, str(exc))
    except NotebookError as exc:
        return SubmissionResult.failed(assignment_id, student, str(exc), info.max_score)
    if sandboxed:
        bwrap.find_bwrap()  # refuse early, with the install hint, when there is no sandbox
    job = GradingJob(assignment_id, cells, student, limits or info.limits, sandboxed)
    if process is not None:
        result = process.grade(job, info.max_score)
    else:
        with GradingProcess() as own:
            result = own.grade(job, info.max_score)
    result.warnings[:0] = warnings
    return result
