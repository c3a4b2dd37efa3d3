"""Grade one submission in this process: ``python -m autograder.worker ID CELLS.json OUT.json``.

Started by :mod:`autograder.runner`, one process per submission, so that a submission that hangs
or crashes costs only itself. Results go to a file the parent named, never to stdout, which the
student's code can write to.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import pytest

from . import assignments
from .plugin import GradePlugin, load_cells
from .results import SubmissionResult


def grade(assignment_id: str, cells: list[str], test_timeout: float = 10.0) -> SubmissionResult:
    info = assignments.load(assignment_id)
    plugin = GradePlugin(cells, test_timeout=test_timeout)
    args = [str(info.tests), "-q", "-p", "no:cacheprovider", "--assert=plain",
            "--rootdir", str(info.tests), "-W", "ignore::DeprecationWarning"]
    code = pytest.main(args, plugins=[plugin])
    result = SubmissionResult(assignment=assignment_id, tests=plugin.results,
                              warnings=plugin.load_problems, max_score=info.max_score)
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        result.error = f"the hidden tests could not run (pytest exit code {int(code)})"
    unknown = sorted({t.cell for t in result.tests} - set(info.cells))
    if unknown:
        result.error = f"hidden tests name grade cells not in assignment.toml: {', '.join(unknown)}"
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.worker")
    parser.add_argument("assignment")
    parser.add_argument("cells")
    parser.add_argument("out")
    parser.add_argument("--test-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = grade(args.assignment, load_cells(args.cells), args.test_timeout)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result.to_dict(), fh)
    os.replace(tmp, args.out)
    sys.stdout.flush()
    # Skip interpreter teardown: student objects' __del__ must not run after the verdict is written.
    os._exit(0)


if __name__ == "__main__":
    main()
