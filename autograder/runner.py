"""One submission in, one :class:`SubmissionResult` out, the submission in a process of its own.

A submission that hangs, crashes or ends its process costs only itself: the parent enforces the
time limit, kills the whole process group, and turns what happened into a one-line reason.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from . import assignments
from .notebook import NotebookError, read_student_code
from .results import SubmissionResult

SUBMISSION_TIMEOUT = 120.0
TEST_TIMEOUT = 10.0


def grade_notebook(assignment_id: str, notebook: str | Path, student: str | None = None,
                   timeout: float = SUBMISSION_TIMEOUT, test_timeout: float = TEST_TIMEOUT) -> SubmissionResult:
    """Grade a submitted notebook; never raises for a bad submission, the reason goes in ``error``."""
    try:
        info = assignments.load(assignment_id)
    except assignments.UnknownAssignment as exc:
        return SubmissionResult(assignment=assignment_id, student=student, error=str(exc))
    try:
        code = read_student_code(notebook, expected_cells=set(info.cells))
    except NotebookError as exc:
        return SubmissionResult(assignment=assignment_id, student=student, error=str(exc),
                                max_score=info.max_score)
    result = grade_cells(assignment_id, code.cells, student, timeout, test_timeout)
    result.warnings[:0] = code.warnings
    return result


def grade_source(assignment_id: str, source: str, **kwargs) -> SubmissionResult:
    """Grade plain Python source as if it were a notebook with one code cell (used by tests)."""
    return grade_cells(assignment_id, [source], **kwargs)


def grade_cells(assignment_id: str, cells: list[str], student: str | None = None,
                timeout: float = SUBMISSION_TIMEOUT, test_timeout: float = TEST_TIMEOUT) -> SubmissionResult:
    info = assignments.load(assignment_id)
    with tempfile.TemporaryDirectory(prefix="dlgrade-") as tmp:
        cells_file, out_file = Path(tmp, "cells.json"), Path(tmp, "result.json")
        cells_file.write_text(json.dumps(cells), encoding="utf-8")
        cmd = [sys.executable, "-m", "autograder.worker", assignment_id, str(cells_file),
               str(out_file), "--test-timeout", str(test_timeout)]
        reason = _run(cmd, timeout, cwd=tmp)
        if out_file.is_file():
            result = SubmissionResult.from_dict(json.loads(out_file.read_text(encoding="utf-8")))
        else:
            result = SubmissionResult(assignment=assignment_id, max_score=info.max_score,
                                      error=reason or "the submission ended the grading process before any verdict (os._exit?)")
    result.student = student
    return result


def _run(cmd: list[str], timeout: float, cwd: str) -> str | None:
    env = dict(os.environ, PYTHONPATH=str(assignments.ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return f"grading stopped after {timeout:g} s: the notebook never finished (an endless loop?)"
    finally:
        _kill_group(proc)  # children the submission left behind
    if code < 0:
        return f"the grading process was killed by signal {signal.Signals(-code).name} (a crash in the submission?)"
    if code != 0:
        return f"the submission ended the grading process early (exit status {code})"
    return None


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
