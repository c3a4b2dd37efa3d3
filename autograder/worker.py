"""Grade one submission in this (trusted) process: the hidden tests, run by pytest.

Called by :mod:`autograder.server` for each job; the student's code runs in the sandbox that the
``student`` fixture starts, or, only when explicitly asked, in this process.
"""
from __future__ import annotations

import pytest

from . import assignments
from . import plugin as fixtures
from .plugin import GradePlugin
from .results import SubmissionResult


def grade(assignment_id: str, cells: list[str], test_timeout: float = 5.0,
          sandboxed: bool = True, budget: float | None = None) -> SubmissionResult:
    """Run the hidden tests against ``cells`` in this process; ``budget`` caps the whole run."""
    info = assignments.load(assignment_id)
    plugin = GradePlugin(cells, test_timeout=test_timeout, sandboxed=sandboxed, budget=budget)
    args = [str(info.tests), "-q", "-p", "no:cacheprovider", "--assert=plain",
            "--rootdir", str(info.tests), "-W", "ignore::DeprecationWarning"]
    code = pytest.main(args, plugins=[plugin, fixtures])
    result = SubmissionResult(assignment=assignment_id, tests=plugin.results,
                              warnings=plugin.load_problems, max_score=info.max_score)
    if plugin.fatal:
        result.error = plugin.fatal
    elif code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        result.error = f"the hidden tests could not run (pytest exit code {int(code)})"
    unknown = sorted({t.cell for t in result.tests} - set(info.cells))
    if unknown:
        result.error = f"hidden tests name grade cells not in assignment.toml: {', '.join(unknown)}"
    return result

