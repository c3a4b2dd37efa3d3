"""Grade submissions in this (trusted) process: the hidden tests, run by pytest.

One pytest session per assignment serves every job for it (collection is paid once). The
student's code runs in the sandbox that the ``student`` fixture starts, or, only when explicitly
asked, in this process.
"""
from __future__ import annotations

import sys
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

import pytest

from . import assignments
from . import plugin as fixtures
from .job import GradingJob
from .plugin import GradePlugin
from .results import SubmissionResult


UNUSED_PLUGINS = ("cacheprovider", "logging", "warnings", "faulthandler", "unraisableexception",
                  "threadexception", "stepwise", "doctest", "junitxml", "pastebin", "legacypath")


def run_session(assignment_id: str, jobs: Iterator[GradingJob],
                emit: Callable[[SubmissionResult], None]) -> GradingJob | None:
    """Grade ``jobs`` for one assignment; returns the first job for another assignment, if any."""
    try:
        info = assignments.load(assignment_id)
    except assignments.UnknownAssignment as exc:
        first = next(jobs)
        emit(SubmissionResult.not_graded(assignment_id, first.student, str(exc)))
        return next(jobs, None)
    plugin = GradePlugin(info, jobs, emit)
    # importlib mode: hidden-test modules of different assignments may share file names.
    args = [str(info.tests), "-q", "--assert=plain", "--tb=no", "--rootdir", str(info.tests),
            "--import-mode=importlib"]
    for name in UNUSED_PLUGINS:  # per-test overhead we do not need (logging capture alone ~0.2 ms/test)
        args += ["-p", f"no:{name}"]
    try:
        pytest.main(args, plugins=[plugin, fixtures])
    finally:
        forget_test_modules(info.tests)
    return plugin.leftover


def forget_test_modules(tests: Path) -> None:
    """Drop this session's hidden-test modules from ``sys.modules``.

    pytest's importlib mode keys a test module by its bare name (``test_mlp``) and reuses a cached
    one: without this, the next assignment's ``test_mlp.py`` would run the previous one's tests.
    """
    tests = Path(tests).resolve()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and not name.startswith("autograder.") and Path(file).resolve().parent == tests:
            del sys.modules[name]


def warm_up() -> None:
    """Pay the imports once per process, before any timed test (not inside the first one)."""
    import numpy  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401  (the first torch.optim step imports it: ~2 s)

    torch.set_num_threads(1)  # one core per grading process, as its OMP_NUM_THREADS=1 says; in-process too


def serve(jobs: Iterator[GradingJob], emit: Callable[[SubmissionResult], None]) -> None:
    """Grade every job, switching sessions when the assignment changes."""
    warm_up()
    job = next(jobs, None)
    while job is not None:
        job = run_session(job.assignment, chain([job], jobs), emit)
