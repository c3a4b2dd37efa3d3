"""How long one Assignment 4 submission takes to grade, and how much of it is the torch sandbox.

    .venv/bin/python bench/a4_per_submission.py [--repeats 5]

1. Sandbox start, cold: a new torch zygote (bwrap, Python, ``import torch``, one optimizer built so that
   torch._dynamo is imported) up to the first submission's child running the notebook's cells.
2. Sandbox start, warm: what every later submission pays instead: the zygote forks a child, which
   runs the notebook's cells (the reference's), and is ended and swept after.
3. A whole submission in a warm grading process (``autograder.runner.GradingProcess``): the
   reference and one buggy variant, wall time, and the time spent in student code and harness
   inside the sandbox (``student_seconds``: the two training runs are most of it).

Ends with ``RESULT a4_vae_gan: reference R s per submission (sandbox code S s, warm sandbox start W s,
cold start C s once per grading process)``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import assignments  # noqa: E402
from autograder.runner import GradingProcess, grade_source  # noqa: E402
from autograder.sandbox import proxy  # noqa: E402
from autograder.sandbox.bwrap import Limits  # noqa: E402
from autograder.variants import apply_overrides  # noqa: E402
from grading.build import solution_source  # noqa: E402

AID = "a4_vae_gan"


def sandbox_starts(source: str, harness: Path, repeats: int) -> tuple[float, float]:
    limits = Limits(memory_bytes=assignments.load(AID).limits.memory_mb << 20)
    proxy._idle.clear()
    start = time.perf_counter()
    box = proxy.Sandbox([source], cell_timeout=30, limits=limits, preamble="torch", harness=harness)
    box.start()
    cold = time.perf_counter() - start
    box.stop()
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        box = proxy.Sandbox([source], cell_timeout=30, limits=limits, preamble="torch", harness=harness)
        box.start()
        box.stop()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    info = assignments.load(AID)
    source = solution_source(AID)
    cold, warm = sandbox_starts(source, info.harness, args.repeats)
    print(f"sandbox start: cold {cold:.2f} s (new torch zygote), warm {warm * 1000:.0f} ms (fork + the notebook's cells)")
    catalogue = assignments.variants(info)
    buggy_name = "gan_step_d_step_leaks_into_g"
    programs = {"reference": source, f"buggy:{buggy_name}": apply_overrides(source, catalogue.BUGGY[buggy_name].overrides)}
    medians = {}
    with GradingProcess() as process:
        for name, code in programs.items():
            grade_source(AID, code, process=process)  # warm: collection, cached oracles, the zygote
            walls, inside = [], []
            for _ in range(args.repeats):
                start = time.perf_counter()
                result = grade_source(AID, code, process=process)
                walls.append(time.perf_counter() - start)
                inside.append(result.student_seconds)
            medians[name] = (statistics.median(walls), statistics.median(inside))
            print(f"{name}: {medians[name][0]:.2f} s per submission, of which {medians[name][1]:.2f} s in the sandbox's "
                  f"code (student + harness), score {result.score:g}/{result.max_score:g}")
    wall, inside = medians["reference"]
    print(f"RESULT {AID}: reference {wall:.2f} s per submission (sandbox code {inside:.2f} s, warm sandbox start "
          f"{warm:.3f} s, cold start {cold:.2f} s once per grading process)")


if __name__ == "__main__":
    main()
