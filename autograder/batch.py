"""Many submissions: a local pool of warm grading processes, or a Dask cluster.

Results are handed back to the caller as they complete, so the caller can record each one at once:
a batch stopped half-way keeps everything graded so far. Every path grades through the same
:class:`~autograder.runner.GradingProcess`, sandbox included.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .notebook import NotebookError, read_student_code
from . import assignments
from .results import SubmissionResult
from .runner import SUBMISSION_TIMEOUT, TEST_TIMEOUT, GradingProcess


@dataclass(frozen=True)
class Job:
    student: str
    notebook: Path


@dataclass(frozen=True)
class Settings:
    timeout: float = SUBMISSION_TIMEOUT
    test_timeout: float = TEST_TIMEOUT
    sandboxed: bool = True


_local = threading.local()


def _process() -> GradingProcess:
    """One warm grading process per thread (a pool slot, or a Dask worker's thread)."""
    if getattr(_local, "process", None) is None:
        _local.process = GradingProcess()
    return _local.process


def grade_file(assignment_id: str, student: str, notebook: Path, settings: Settings) -> dict:
    """Grade one submitted notebook; an unreadable or missing one costs only this submission."""
    info = assignments.load(assignment_id)
    try:
        code = read_student_code(notebook, expected_cells=set(info.cells))
    except NotebookError as exc:
        return SubmissionResult(assignment_id, student, error=str(exc), max_score=info.max_score).to_dict()
    result = _process().grade(assignment_id, code.cells, student, settings.timeout,
                              settings.test_timeout, settings.sandboxed)
    result.warnings[:0] = code.warnings
    return result.to_dict()


def grade_payload(assignment_id: str, student: str, notebook: bytes, settings: Settings) -> dict:
    """Grade one submission given as bytes (Dask workers need not share our disk)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dlgrade-") as tmp:
        path = Path(tmp) / f"{assignment_id}.ipynb"
        path.write_bytes(notebook)
        return grade_file(assignment_id, student, path, settings)


def grade_all(assignment_id: str, jobs: Iterable[Job], workers: int | None = None,
              settings: Settings = Settings(), scheduler: str | None = None) -> Iterator[SubmissionResult]:
    """Yield each submission's result as soon as it is graded (completion order)."""
    jobs = list(jobs)
    if scheduler:
        yield from _grade_on_dask(assignment_id, jobs, settings, scheduler)
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    processes: list[GradingProcess] = []
    lock = threading.Lock()

    def run(job: Job) -> dict:
        process = _process()
        with lock:
            if process not in processes:
                processes.append(process)
        return grade_file(assignment_id, job.student, job.notebook, settings)  # same disk: no copy

    futures = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            futures = [pool.submit(run, job) for job in jobs]
            for future in as_completed(futures):
                yield SubmissionResult.from_dict(future.result())
        finally:
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True)
            for process in processes:
                process.close()


def _grade_on_dask(assignment_id: str, jobs: list[Job], settings: Settings,
                   scheduler: str) -> Iterator[SubmissionResult]:
    from distributed import Client, as_completed as dask_completed

    present = [job for job in jobs if job.notebook.is_file()]
    for job in jobs:
        if job not in present:  # the same answer as the local pool's, without shipping anything
            yield SubmissionResult.from_dict(grade_file(assignment_id, job.student, job.notebook, settings))
    with Client(scheduler, timeout="30s") as client:
        futures = [client.submit(grade_payload, assignment_id, job.student, job.notebook.read_bytes(),
                                 settings, pure=False, key=f"grade-{assignment_id}-{job.student}-{os.urandom(4).hex()}")
                   for job in present]
        try:
            for future in dask_completed(futures):
                yield SubmissionResult.from_dict(future.result())
        finally:
            client.cancel([f for f in futures if not f.done()])
