"""Per-submission cost of each assignment's hidden graders, side by side, and what of it is the sandbox.

    .venv/bin/python bench/per_submission.py [--repeats 7]

For each known assignment: the sandbox's start for its kind, cold (a new zygote: bwrap, Python, numpy
or torch imported) and warm (what every later submission pays: the zygote forks a child that runs the
reference's cells, then it is ended and swept); then the reference solution and one buggy variant
graded in the sandbox by one warm grading process, ``--repeats`` times each. Prints the medians:
``RESULT <assignment>: reference R s (student code S s), buggy B s per submission; sandbox start
warm W ms, cold C s once per grading process (median of N)``, where S is the time the reference's
own code ran in the sandbox (the rest is the graders' oracles, the round trips and the sandbox).
"""
from __future__ import annotations

import argparse
import statistics
import time

from autograder import assignments
from autograder.runner import GradingProcess, grade_source
from autograder.sandbox import proxy
from autograder.sandbox.bwrap import Limits
from autograder.variants import apply_overrides
from grading.build import solution_source


def sandbox_starts(info, source: str, repeats: int) -> tuple[float, float]:
    """Seconds to start the sandbox for ``info``'s kind: cold (new zygote), and warm (median fork)."""
    def start() -> float:
        began = time.perf_counter()
        box = proxy.Sandbox([source], cell_timeout=30, limits=limits, preamble=info.kind, harness=info.harness)
        box.start()
        box.stop()
        return time.perf_counter() - began

    limits = Limits(memory_bytes=info.limits.memory_mb << 20)
    proxy._idle.clear()  # no zygote left from another kind or another assignment
    cold = start()
    return cold, statistics.median(start() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with GradingProcess() as process:
        for aid in assignments.known():
            info = assignments.load(aid)
            source = solution_source(aid)
            cold, warm = sandbox_starts(info, source, args.repeats)
            buggy = next(iter(assignments.variants(info).BUGGY.values()))
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
                  f"buggy {medians['buggy']:.3f} s per submission; sandbox start warm {warm * 1000:.0f} ms, "
                  f"cold {cold:.2f} s once per grading process (median of {args.repeats})")


if __name__ == "__main__":
    main()
