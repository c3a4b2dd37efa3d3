"""pytest plugin for the hidden graders: the ``student`` fixture, the ``grade`` marker, results.

A hidden test reads::

    @pytest.mark.grade(cell="test_linear", points=0.5)
    def test_linear_backward(student):
        layer = student.Linear(3, 2, rng=0)
        ...

Each test's points go to its grade cell if it passes (partial credit per cell), unless
``assignment.toml`` groups the tests into scored functions (:mod:`autograder.scoring`); then every
collected test must belong to exactly one, or no submission is graded. A test slower than the
assignment's ``test_timeout`` says so on its marker: ``grade(cell=..., points=..., timeout=60)``.
"""
from __future__ import annotations

import contextlib
import signal
import time
import types
from dataclasses import dataclass
from typing import Callable, Iterator

import pytest
from _pytest.reports import TestReport

from .job import GradingJob, Limits
from .results import SubmissionResult, TestResult
from .scoring import check_tests, score_functions
from .student import Student, StudentError

MESSAGE_LIMIT = 1500
LOAD_OVERHEAD = 10.0  # seconds for the sandbox itself on top of every cell's own limit
PLUGIN_KEY = pytest.StashKey["GradePlugin"]()


class TestTimeout(BaseException):
    """Raised inside a test that ran too long; BaseException so `except Exception` can't swallow it."""

    __test__ = False


def run_cells(cells: list[str], cell_timeout: float = Limits().cell_timeout) -> tuple[types.ModuleType, list[str]]:
    """Execute the student's cells in this process, exactly as the sandbox host does."""
    from .sandbox.host import Host

    host = Host()
    return host.module, host.load(cells, cell_timeout)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TestTimeout in this (main) thread after ``seconds`` of wall-clock time."""
    def on_alarm(signum, frame):
        raise TestTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def student(request):
    """The submission's code: ``student.relu(x)`` returns plain data (see autograder.student)."""
    return request.config.stash[PLUGIN_KEY].get_student()


class GradePlugin:
    """Runs jobs (one submission each) over the collected hidden tests; one TestResult per test.

    The pytest session, and so the collection, lives as long as there are jobs for this
    assignment: a warm grading process pays collection once, not once per submission.
    """

    def __init__(self, info, jobs: Iterator[GradingJob], emit: Callable[[SubmissionResult], None]):
        self.info, self.jobs, self.emit = info, jobs, emit
        self.leftover: GradingJob | None = None  # the first job for another assignment
        self.begin(GradingJob(info.id, [], limits=info.limits))

    # -- one job --------------------------------------------------------------------------------
    def begin(self, job: GradingJob) -> None:
        self.job = job
        self.limits = job.limits
        self.deadline = time.monotonic() + job.limits.budget
        self.test_limit = job.limits.test_timeout  # the running test's own limit
        self.results: list[TestResult] = []
        self.load_problems: list[str] = []
        self.fatal: str | None = None
        self._student = None
        self._sandbox = None

    def finish(self) -> SubmissionResult:
        if self._sandbox is not None:
            from .sandbox.proxy import prestart

            self._sandbox.stop()
            prestart(**self._sandbox_options())  # the next submission's zygote warms while this result travels
        result = SubmissionResult(assignment=self.info.id, student=self.job.student,
                                  tests=self.results, warnings=self.load_problems,
                                  max_score=self.info.max_score, error=self.fatal,
                                  student_seconds=self._sandbox.student_seconds if self._sandbox else 0.0,
                                  functions=score_functions(self.results, self.info.functions))
        unknown = sorted({t.cell for t in result.tests} - set(self.info.cells))
        if unknown:
            result.error = f"hidden tests name grade cells not in assignment.toml: {', '.join(unknown)}"
        return result

    def pytest_runtestloop(self, session):
        broken = None
        if session.testsfailed or not session.items:
            broken = "the hidden tests could not be collected" if session.testsfailed else "no hidden tests"
        tests = [HiddenTest.of(item) for item in session.items]
        problems = check_tests([(t.item.name, t.cell) for t in tests], self.info.functions)
        if problems and not broken:
            broken = f"assignment.toml's [[functions]] do not fit the hidden tests: {'; '.join(problems)}"
        for job in self.jobs:
            if job.assignment != self.info.id:  # another assignment's session takes it from here
                self.leftover = job
                break
            if broken:
                self.emit(SubmissionResult.not_graded(self.info.id, job.student, broken, self.info.max_score))
                continue
            self.begin(job)
            for i, test in enumerate(tests):
                if test.direct:
                    self.results.append(self.run_direct(test))
                else:  # other fixtures: pytest's own protocol (nextitem=None tears the session down)
                    following = tests[i + 1].item if i + 1 < len(tests) else None
                    test.item.ihook.pytest_runtest_protocol(item=test.item, nextitem=following)
            self.emit(self.finish())
        return True

    def run_direct(self, test: "HiddenTest") -> TestResult:
        """A test that needs only the student (and its parameters), without pytest's per-item hooks,
        which cost more than most tests themselves."""
        def verdict(exc: BaseException | None) -> TestResult:
            passed = exc is None
            return TestResult(test.item.name, test.cell, test.points if passed else 0.0, test.points, passed,
                              "" if passed else self.explain(exc))
        try:
            student = self.get_student()  # outside the test's own time limit, as a fixture would be
        except Exception as exc:  # noqa: BLE001 - reported as the test's failure
            return verdict(exc)
        limit = self.time_left(test.timeout)
        try:
            if limit <= 0:
                raise TestTimeout("budget")
            with time_limit(limit):
                test.item.obj(student=student, **test.params)
        except (Exception, TestTimeout, pytest.skip.Exception, pytest.fail.Exception) as exc:  # noqa: BLE001
            return verdict(exc)
        return verdict(None)

    def time_left(self, own: float | None) -> float:
        """This test's limit: its marker's or the assignment's, within what the budget has left."""
        self.test_limit = own or self.limits.test_timeout
        return min(self.test_limit, self.deadline - time.monotonic())

    # -- the student ----------------------------------------------------------------------------
    def get_student(self):
        if self._student is None:
            if self.job.sandboxed:
                self._student = self._start_sandbox()
            else:
                module, self.load_problems = run_cells(self.job.cells, self.limits.cell_timeout)
                self._student = Student(module, harness=self.info.harness)
        elif self._sandbox is not None and not self.fatal and not self._sandbox.alive():
            self._load_sandbox()  # an earlier test killed it: reload here, not in the next test's time
        if self.fatal:
            raise StudentError(self.fatal)
        return self._student

    def _sandbox_options(self) -> dict:
        from .sandbox.bwrap import Limits as ProcessLimits

        return {"limits": ProcessLimits(memory_bytes=self.limits.memory_mb << 20),
                "preamble": self.info.kind, "harness": self.info.harness}

    def _start_sandbox(self):
        from .sandbox.proxy import Sandbox, SandboxStudent

        self._sandbox = Sandbox(self.job.cells, cell_timeout=self.limits.cell_timeout, **self._sandbox_options())
        self._load_sandbox()
        self.load_problems = self._sandbox.load_problems
        return SandboxStudent(self._sandbox)

    def _load_sandbox(self) -> None:
        """(Re)start the sandbox and run the notebook's cells, within the load's own time limit."""
        from .sandbox.proxy import SandboxDied

        self._sandbox.stop()
        own = self.limits.cell_timeout * (len(self.job.cells) + 1) + LOAD_OVERHEAD
        try:
            # within the submission's budget too: the grader must answer before its backstop
            with time_limit(max(0.1, min(own, self.deadline - time.monotonic()))):
                self._sandbox.start()
        except SandboxDied as exc:
            self.fatal = str(exc)
        except TestTimeout:
            self._sandbox.stop()
            self.fatal = "the notebook's code did not finish loading (it defeats the per-cell time limit)"

    # -- pytest hooks ---------------------------------------------------------------------------
    def pytest_configure(self, config):
        config.stash[PLUGIN_KEY] = self
        config.addinivalue_line("markers", "grade(cell, points, timeout=None): grade cell and points of a "
                                           "hidden test, and its own time limit if not the assignment's")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        limit = self.time_left(HiddenTest.of(item).timeout)
        if limit <= 0:
            test, item.obj = item.obj, _out_of_time  # the budget is spent: fail fast, don't run
            try:
                yield
            finally:
                item.obj = test
            return
        with time_limit(limit):
            yield

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Our own report: the failure message only, without pytest's costly traceback rendering
        (nobody reads it, and it would show the hidden test's source)."""
        excinfo = call.excinfo
        if excinfo is None:
            outcome, longrepr = "passed", None
        elif isinstance(excinfo.value, pytest.skip.Exception):
            outcome, longrepr = "skipped", (str(item.path), 0, str(excinfo.value))
        else:
            outcome, longrepr = "failed", self.explain(excinfo.value)
        if call.when == "call" or (call.when == "setup" and outcome != "passed"):
            marker = item.get_closest_marker("grade")
            cell = marker.kwargs.get("cell", "?") if marker else "ungraded"
            top = float(marker.kwargs.get("points", 0.0)) if marker else 0.0
            passed = outcome == "passed"
            self.results.append(TestResult(
                name=item.name, cell=cell, points=top if passed else 0.0, max_points=top,
                passed=passed, message="" if passed else (longrepr if outcome == "failed" else longrepr[2]),
            ))
        return TestReport(item.nodeid, item.location, {k: 1 for k in item.keywords}, outcome, longrepr,
                          call.when, duration=call.duration, start=call.start, stop=call.stop)

    def explain(self, exc: BaseException) -> str:
        """A failure message for the student: the check's own words, never the test's source."""
        if isinstance(exc, TestTimeout) and exc.args == ("budget",):
            text = "not run: the submission used up its time budget on earlier tests"
        elif isinstance(exc, TestTimeout):
            text = f"took longer than {self.test_limit:g} s (an endless loop, or far too slow)"
        elif isinstance(exc, (AssertionError, StudentError)):
            text = str(exc) or "the check failed"
        elif isinstance(exc, pytest.skip.Exception):
            text = f"skipped: {exc}"
        else:
            text = f"could not be checked: {type(exc).__name__}: {exc}"
        return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


@dataclass(frozen=True)
class HiddenTest:
    """A collected hidden test, read once per session: its grade cell, points and own time limit."""

    item: pytest.Item
    cell: str
    points: float
    timeout: float | None
    params: dict
    direct: bool  # needs no fixture but `student`: run without pytest's per-item protocol

    @classmethod
    def of(cls, item) -> "HiddenTest":
        marker = item.get_closest_marker("grade")
        kwargs = marker.kwargs if marker else {}
        params = dict(getattr(item, "callspec", None).params) if hasattr(item, "callspec") else {}
        needs = set(item._fixtureinfo.argnames) - set(params)
        timeout = kwargs.get("timeout")
        return cls(item, kwargs.get("cell", "?") if marker else "ungraded", float(kwargs.get("points", 0.0)),
                   float(timeout) if timeout else None, params, needs <= {"student"})


def _out_of_time(*args, **kwargs):
    raise TestTimeout("budget")
