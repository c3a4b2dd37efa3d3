"""Per-submission cost of each assignment's hidden graders, side by side.

    .venv/bin/python bench/per_submission.py [--repeats 7]

Grades each known assignment's reference solution and one buggy variant in the sandbox, with one
warm grading process, ``--repeats`` times each, and prints the medians:
``RESULT <assignment>: reference R s (student code S s), buggy B s per submission (median of N)`` per
assignment, where S is the time the reference's own code ran in the sandbox (the rest is the graders'
oracles, the round trips and the sandbox).
"""
from __future__ import annotations

import argparse
import statistics
import time

from autograder import assignments
from autograder.runner import GradingProcess, grade_source
from autograder.variants import apply_overrides
from grading.build import solution_source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with GradingProcess() as process:
        for aid in assignments.known():
            source = solution_source(aid)
            buggy = next(iter(assignments.variants(assignments.load(aid)).BUGGY.values()))
            programs = {"reference": source, "buggy": apply_overrides(source, buggy.overrides)}
            medians, student = {}, {}
            for name, code in programs.items():
                grade_source(aid, code, process=process)  # warm: collection, cached oracles
                times, own = [], []
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    result = grade_source(aid, code, process=process)
                    times.append(time.perf_counter() - start)
                    own.append(result.student_seconds)
                medians[name], student[name] = statistics.median(times), statistics.median(own)
            print(f"RESULT {aid}: reference {medians['reference']:.3f} s (student code {student['reference']:.3f} s), "
                  f"buggy {medians['buggy']:.3f} s per submission (median of {args.repeats})")


if __name__ == "__main__":
    main()
