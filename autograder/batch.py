"""Many submissions over a pool of worker processes; results are handed back to the caller.

Each submission already runs in its own process (see :mod:`autograder.runner`); the pool only
decides how many run at once. The caller records results as they arrive, so a batch stopped
half-way keeps everything graded so far.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .results import SubmissionResult
from .runner import SUBMISSION_TIMEOUT, grade_notebook


@dataclass(frozen=True)
class Job:
    student: str
    notebook: Path


def grade_all(assignment_id: str, jobs: Iterable[Job], workers: int | None = None,
              timeout: float = SUBMISSION_TIMEOUT) -> Iterator[SubmissionResult]:
    """Yield each submission's result as soon as it is graded (completion order)."""
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(grade_notebook, assignment_id, j.notebook, j.student, timeout) for j in jobs]
        for future in as_completed(futures):
            yield future.result()
