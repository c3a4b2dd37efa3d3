"""Many submissions: a local pool of warm grading processes, or a Dask cluster.

Results are handed back to the caller as they complete, so the caller can record each one at once:
a batch stopped half-way keeps everything graded so far. Every path grades through the same
:class:`~autograder.runner.GradingProcess`, sandbox included.
"""
from __future__ import annotations

import itertools
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import DlgradeError
from .job import Limits
from .results import SubmissionResult
from .runner import GradingProcess, grade_notebook
from .sandbox.bwrap import SandboxUnavailable


@dataclass(frozen=True)
class Submission:
    student: str
    notebook: Path


_local = threading.local()
_slots = itertools.count()
_slots_lock = threading.Lock()


def _cpu() -> int:
    """The core for a new grading process: the next one round-robin (a Dask worker: by its number)."""
    cpus = sorted(os.sched_getaffinity(0))
    try:
        from distributed import get_worker

        name = get_worker().name
        if isinstance(name, int):
            return cpus[name % len(cpus)]
    except (ImportError, ValueError):
        pass
    with _slots_lock:
        return cpus[next(_slots) % len(cpus)]


def _process() -> GradingProcess:
    """One warm grading process per thread (a pool slot, or a Dask worker's thread), each on a core."""
    if getattr(_local, "process", None) is None:
        _local.process = GradingProcess(cpu=_cpu())
    return _local.process


def grade_payload(assignment_id: str, student: str, name: str, notebook: bytes, limits: Limits | None,
                  sandboxed: bool) -> dict:
    """Grade one submission given as its file name and bytes (Dask workers need not share our disk)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dlgrade-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(notebook)
        return grade_notebook(assignment_id, path, student, limits, sandboxed, _process()).to_dict()


def grade_all(assignment_id: str, submissions: Iterable[Submission], workers: int | None = None,
              limits: Limits | None = None, sandboxed: bool = True,
              scheduler: str | None = None, security=None) -> Iterator[SubmissionResult]:
    """Yield each submission's result as soon as it is graded (completion order).

    ``limits`` None means the assignment's own (its ``assignment.toml``). ``scheduler`` is a Dask
    scheduler's address, ``security`` the :class:`distributed.Security` to reach it with (the
    course's certificates, see :mod:`autograder.dask_security`)."""
    submissions = list(submissions)
    if scheduler:
        yield from _grade_on_dask(assignment_id, submissions, limits, sandboxed, scheduler, security)
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(submissions) or 1))
    processes: list[GradingProcess] = []
    lock = threading.Lock()

    def run(sub: Submission) -> SubmissionResult:
        process = _process()
        with lock:
            if process not in processes:
                processes.append(process)
        try:
            return grade_notebook(assignment_id, sub.notebook, sub.student, limits, sandboxed, process)
        except SandboxUnavailable:
            raise  # the whole batch cannot run: say so once, with the install hint
        except Exception as exc:  # noqa: BLE001 - our fault, not the submission's: not graded, never 0
            return SubmissionResult.not_graded(assignment_id, sub.student, f"{type(exc).__name__}: {exc}")

    futures = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            futures = [pool.submit(run, sub) for sub in submissions]
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True)
            for process in processes:
                process.close()


class SchedulerUnavailable(DlgradeError):
    """The Dask scheduler could not be reached, or refused us (TLS: not the course's certificate)."""


def _grade_on_dask(assignment_id: str, submissions: list[Submission], limits: Limits | None, sandboxed: bool,
                   scheduler: str, security=None) -> Iterator[SubmissionResult]:
    from distributed import Client, as_completed as dask_completed

    if security is None and not scheduler.startswith("tls://"):
        from .dask_security import InsecureSchedulerWarning

        warnings.warn(f"grading on {scheduler}, a Dask scheduler without TLS: whoever reaches its port can run code "
                      f"on the workers that receive every submission", InsecureSchedulerWarning, stacklevel=3)
    present = [sub for sub in submissions if sub.notebook.is_file()]
    for sub in submissions:
        if sub not in present:  # the same answer as the local pool's, without shipping anything
            yield grade_notebook(assignment_id, sub.notebook, sub.student, limits, sandboxed)
    if not present:
        return
    try:
        client = Client(scheduler, security=security, timeout="30s")
    except (OSError, TimeoutError) as exc:  # refused handshakes surface as OSError too
        from distributed.comm.core import FatalCommClosedError  # what a refused TLS handshake raises

        hint = " (the scheduler's and ours must be certificates from the same `dlgrade dask-certs`)" \
            if isinstance(exc, FatalCommClosedError) or "SSL" in str(exc) else ""
        raise SchedulerUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}{hint}") from exc
    with client:
        futures = [client.submit(grade_payload, assignment_id, sub.student, sub.notebook.name, sub.notebook.read_bytes(),
                                 limits, sandboxed, pure=False,
                                 key=f"grade-{assignment_id}-{sub.student}-{os.urandom(4).hex()}")
                   for sub in present]
        students = {future.key: sub.student for future, sub in zip(futures, present)}
        try:
            for future in dask_completed(futures):
                try:
                    yield SubmissionResult.from_dict(future.result())
                except Exception as exc:  # noqa: BLE001 - a lost worker, a failed task: not graded, never 0
                    yield SubmissionResult.not_graded(assignment_id, students[future.key],
                                                      f"on Dask: {type(exc).__name__}: {exc}")
        finally:
            client.cancel([f for f in futures if not f.done()])
