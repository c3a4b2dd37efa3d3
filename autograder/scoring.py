"""How hidden tests add up to points: per function (or group of tests), partial or all or nothing.

By default every hidden test's own points count when it passes (``@pytest.mark.grade(points=...)``),
so a grade cell's score is the sum of its passed tests. A course that weighs a function as a whole
(a wrong gradient is a wrong function, however many of its checks pass) declares functions in
``assignment.toml``::

    [[functions]]
    name = "sigmoid and sigmoid_grad"
    cell = "test_activations"
    tests = ["test_activation_*[sigmoid]"]
    points = 0.125
    rule = "all_or_nothing"   # or "partial": points × the share of its tests' points that passed

Each hidden test then belongs to exactly one function, and a function's tests' own points only
weigh them against each other (under ``partial``). This module is the one place that turns test
verdicts into function scores; cells, totals, the gradebook and feedback all sum these.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Iterable, Protocol

RULES = ("partial", "all_or_nothing")
RULE_WORDS = {"partial": "partial", "all_or_nothing": "all or nothing"}


class Verdict(Protocol):  # what scoring reads of a TestResult
    name: str
    cell: str
    max_points: float
    passed: bool
    message: str


def split_name(name: str) -> tuple[str, str | None]:
    """``test_f[relu-2]`` → ``("test_f", "relu-2")``; a test without parameters → ``(name, None)``."""
    base, bracket, params = name.partition("[")
    return (base, params[:-1] if params.endswith("]") else params) if bracket else (name, None)


def matches(pattern: str, test: str) -> bool:
    """``pattern`` is an fnmatch pattern over the test function's name, optionally followed by
    ``[pattern]`` over its parameters' id: ``test_activation_*[sigmoid]``. Without brackets it
    matches every parametrisation (fnmatch's own ``[...]`` classes are not used: brackets are
    pytest's)."""
    base_pattern, params_pattern = split_name(pattern)
    base, params = split_name(test)
    if not fnmatch.fnmatchcase(base, base_pattern):
        return False
    return params_pattern is None or (params is not None and fnmatch.fnmatchcase(params, params_pattern))


@dataclass(frozen=True)
class Function:
    """One scored unit of a grade cell as ``assignment.toml`` declares it."""

    name: str
    cell: str
    tests: tuple[str, ...]  # patterns, see :func:`matches`
    points: float
    rule: str = "partial"

    def owns(self, test: str) -> bool:
        return any(matches(p, test) for p in self.tests)


@dataclass
class FunctionScore:
    """A function's score for one submission: what the gradebook sums and the feedback shows."""

    name: str
    cell: str
    points: float
    max_points: float
    rule: str
    passed: int  # tests passed
    total: int  # tests run
    tests: list[str] = field(default_factory=list)  # every test of the function, in order
    failures: list[dict] = field(default_factory=list)  # {"test": name, "message": why}, each failing test

    @property
    def lost(self) -> float:
        return self.max_points - self.points


def owner(test: str, functions: Iterable[Function]) -> list[Function]:
    """The functions a test belongs to (validation wants exactly one)."""
    return [f for f in functions if f.owns(test)]


def check_tests(tests: Iterable[tuple[str, str]], functions: tuple[Function, ...]) -> list[str]:
    """Problems of the declared functions against the collected hidden tests ``(name, cell)``: a test
    in no function or in two, a test in another cell's function, a function without tests. Each
    names the test or function and the fix."""
    if not functions:
        return []
    problems, used = [], set()
    for name, cell in tests:
        mine = owner(name, functions)
        used.update(f.name for f in mine)
        if not mine:
            problems.append(f"hidden test {cell}::{name} belongs to no [[functions]] entry: add a pattern "
                            f"for it to the tests of one function of cell {cell}")
        elif len(mine) > 1:
            problems.append(f"hidden test {cell}::{name} belongs to {len(mine)} functions "
                            f"({', '.join(repr(f.name) for f in mine)}): narrow their tests patterns so that "
                            "exactly one matches it")
        elif mine[0].cell != cell:
            problems.append(f"hidden test {cell}::{name} is in function {mine[0].name!r} of cell {mine[0].cell}: "
                            f"a function's tests must be in its own grade cell")
    for f in functions:
        if f.name not in used:
            problems.append(f"function {f.name!r} matches no hidden test (patterns {', '.join(f.tests)}): "
                            "fix its tests patterns or remove it")
    return problems


def score_functions(tests: list[Verdict], functions: tuple[Function, ...] = ()) -> list[FunctionScore]:
    """Each function's score from its tests' verdicts, in the order the functions are declared.

    Without declared functions each grade cell is one partial function of all its tests, which is
    exactly "each test's own points" (the default rule)."""
    if not functions:
        cells: dict[str, float] = {}
        for t in tests:
            cells[t.cell] = cells.get(t.cell, 0.0) + t.max_points
        functions = tuple(Function(cell, cell, (), top) for cell, top in cells.items())
        member = {id(t): next(f for f in functions if f.cell == t.cell) for t in tests}
    else:
        member = {}
        for t in tests:
            mine = owner(t.name, functions)
            if len(mine) != 1:  # check_tests refuses this before any submission is graded
                raise ValueError(f"hidden test {t.cell}::{t.name} belongs to {len(mine)} functions, not one")
            member[id(t)] = mine[0]
    scores = []
    for f in functions:
        own = [t for t in tests if member[id(t)] is f]
        top = sum(t.max_points for t in own)
        got = sum(t.max_points for t in own if t.passed)
        passed = sum(t.passed for t in own)
        if not own:  # nothing ran (cannot happen once check_tests holds): nothing earned
            points = 0.0
        elif passed == len(own):
            points = f.points
        elif f.rule == "all_or_nothing" or passed == 0:
            points = 0.0
        else:  # the share of its tests' points; exact when the points are its tests' own
            points = got * (f.points / top) if top > 0 else f.points * passed / len(own)
        scores.append(FunctionScore(f.name, f.cell, points, f.points, f.rule, passed, len(own),
                                    [t.name for t in own],
                                    [{"test": t.name, "message": t.message} for t in own if not t.passed]))
    return scores
