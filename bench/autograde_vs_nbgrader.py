"""dlgrade autograde against nbgrader autograde on the same demo cohort, in one run.

    .venv/bin/python bench/autograde_vs_nbgrader.py [--students 32] [--dask] [--many 1000]

Builds the demo course once, copies it, grades one copy with ``nbgrader autograde`` (serial, a
kernel per notebook, the visible tests in the grade cells) and the other with ``dlgrade
autograde`` (warm processes, sandbox, hidden tests) with 1 and 2 local workers (and Dask
LocalClusters of 1 and 2 workers on a larger batch made from the cohort's kinds, with --dask).
Compares the scores where the two graders' verdicts should coincide, measures dlgrade's fixed
per-submission cost beyond the student's own code, and grades ``--many`` submissions made from
the cohort's kinds with 2 workers. The last line is the RESULT. A benchmark, not a test: nothing
here asserts on time.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import assignments  # noqa: E402
from autograder.runner import GradingProcess, grade_source  # noqa: E402
from grading.autograde import autograde  # noqa: E402
from grading.build import solution_source  # noqa: E402
from grading.course import Course  # noqa: E402
from grading.demo import build_demo_course  # noqa: E402
from grading.gradebook import CourseGradebook  # noqa: E402

ASSIGNMENT = "a1_mlp"


def copy_course(src: Course, dst: Path) -> Course:
    shutil.copytree(src.root, dst)
    course = Course(dst, src.course_id)
    course.write_config_file()
    return course


def run_nbgrader(course: Course, cell_timeout: int) -> float:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    cmd = [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT, "--force",
           f"--ExecutePreprocessor.timeout={cell_timeout}", "--log-level=ERROR"]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=course.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_dlgrade(course: Course, workers: int | None = None, scheduler: str | None = None, security=None) -> float:
    start = time.perf_counter()
    autograde(course, ASSIGNMENT, workers, scheduler, force=True, progress=False, security=security)
    return time.perf_counter() - start


def cell_scores(course: Course) -> dict[tuple[str, str], float]:
    scores = CourseGradebook(course.db_url, course.course_id).assignment_scores(ASSIGNMENT)
    return {(s.student, c.cell): c.score for s in scores for c in s.cells}


def per_submission_costs(repeats: int = 15) -> tuple[float, float, float]:
    """Medians in a warm grading process: wall time and the student's own time for the reference,
    and wall time for an empty notebook (every test fails at once)."""
    reference = [solution_source(ASSIGNMENT)]
    walls, own, empty = [], [], []
    with GradingProcess(cpu=min(os.sched_getaffinity(0))) as process:  # on one core, as in the pool
        grade_source(ASSIGNMENT, reference[0], process=process)  # warm: imports, collection, oracles
        for _ in range(repeats):
            start = time.perf_counter()
            result = grade_source(ASSIGNMENT, reference[0], process=process)
            walls.append(time.perf_counter() - start)
            own.append(result.student_seconds)
            start = time.perf_counter()
            grade_source(ASSIGNMENT, "pass", process=process)
            empty.append(time.perf_counter() - start)
    return statistics.median(walls), statistics.median(own), statistics.median(empty)


def many_submissions(base: Course, work: Path, cohort: dict[str, str], count: int, name: str = "many") -> Course:
    """A copy of the course whose submitted/ holds ``count`` submissions copied from the cohort's.

    The endless notebook is left out: it costs its cell limit in any grader, by design."""
    course = copy_course(base, work / name)
    submitted = course.root / "submitted"
    sources = [s for s, kind in sorted(cohort.items()) if kind != "endless"]
    for student in cohort:
        shutil.rmtree(submitted / student)
    for i in range(count):
        src = base.root / "submitted" / sources[i % len(sources)]
        shutil.copytree(src, submitted / f"m{i:04d}")
    return course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=32)
    parser.add_argument("--dask", action="store_true", help="also time Dask LocalClusters of 1 and 2 workers")
    parser.add_argument("--dask-submissions", type=int, default=128,
                        help="submissions (made from the cohort's kinds) in the Dask scaling runs")
    parser.add_argument("--many", type=int, default=1000, help="submissions in the large batch (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the course directories")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dlgrade-bench-"))
    base = build_demo_course(work / "base", args.students, quiet=True)
    cohort = {p["student"]: p["kind"] for p in json.loads((base.root / "cohort.json").read_text())
              if p["assignment"] == ASSIGNMENT}
    n = len(base.submitted(ASSIGNMENT))

    nb_course = copy_course(base, work / "nbgrader")
    dl_course = copy_course(base, work / "dlgrade")
    # nbgrader stops its whole batch at a notebook with a duplicated grade cell; set those aside for it.
    aside = [s for s, kind in cohort.items() if kind == "duplicated_cell"]
    for student in aside:
        shutil.rmtree(nb_course.root / "submitted" / student)
    # The assignment's own per-cell limit for both, so the endless notebook costs both alike.
    cell_timeout = math.ceil(assignments.load(ASSIGNMENT).limits.cell_timeout)
    t_nbgrader = run_nbgrader(nb_course, cell_timeout)
    t_one = run_dlgrade(dl_course, workers=1)
    t_two = run_dlgrade(dl_course, workers=2)
    t_dask = {}
    if args.dask:  # scaling, on a batch large enough that the last submission's tail is small
        from distributed import LocalCluster, Security

        dask_course = many_submissions(base, work, cohort, args.dask_submissions, "dask")
        for workers in (1, 2):
            security = Security.temporary()  # TLS, as a course's cluster must be
            with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                              dashboard_address=None, security=security) as cluster:
                run_dlgrade(dl_course, scheduler=cluster.scheduler_address, security=security)  # warm up
                t_dask[workers] = run_dlgrade(dask_course, scheduler=cluster.scheduler_address, security=security)
    t_many = None
    if args.many:
        many = many_submissions(base, work, cohort, args.many)
        t_many = run_dlgrade(many, workers=2)

    nb, dl = cell_scores(nb_course), cell_scores(dl_course)
    honest = [s for s, kind in cohort.items() if kind in ("reference", "correct")]
    agree = sum(nb.get(k) == dl.get(k) for k in dl if k[0] in honest)
    total = sum(1 for k in dl if k[0] in honest)
    caught = sum(1 for k in dl if cohort.get(k[0]) == "buggy" and dl[k] < nb.get(k, 0))
    full, own, empty = per_submission_costs()

    print(f"cohort: {n} submissions ({', '.join(f'{k} {list(cohort.values()).count(k)}' for k in sorted(set(cohort.values())))})")
    n_nb = n - len(aside)
    print(f"nbgrader autograde (serial):      {t_nbgrader:7.1f} s  {n_nb / t_nbgrader:6.2f} submissions/s"
          f"  ({n_nb} submissions: it aborts the whole batch on {', '.join(aside)}'s duplicated grade cell)")
    print(f"dlgrade autograde, 1 worker:      {t_one:7.1f} s  {n / t_one:6.2f} submissions/s")
    print(f"dlgrade autograde, 2 workers:     {t_two:7.1f} s  {n / t_two:6.2f} submissions/s")
    for workers, t in t_dask.items():
        print(f"dlgrade autograde, Dask {workers} worker(s):{t:6.1f} s  {args.dask_submissions / t:6.2f} "
              f"submissions/s ({args.dask_submissions} submissions of the cohort's kinds)")
    if len(t_dask) == 2:
        print(f"Dask: 2 workers give {t_dask[1] / t_dask[2]:.2f}x the throughput of one")
    if t_many:
        print(f"{args.many} submissions (the cohort's kinds but the endless one), 2 workers: {t_many:.1f} s")
    print(f"honest submissions, per-cell scores equal in both: {agree}/{total}")
    print(f"buggy submissions: grade cells where hidden tests caught what the visible ones passed: {caught}")
    print(f"warm, per submission (median of 15): reference {full * 1000:.0f} ms, of which its own code "
          f"{own * 1000:.0f} ms; empty notebook {empty * 1000:.0f} ms")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    ratio = (n / t_two) / (n_nb / t_nbgrader)
    many_text = f"{t_many:.0f} s" if t_many else "(skipped)"
    print(f"RESULT throughput {ratio:.1f}x nbgrader's on 2 workers; overhead {(full - own) * 1000:.0f} ms "
          f"per submission (median); {args.many} submissions in {many_text}")


if __name__ == "__main__":
    main()
