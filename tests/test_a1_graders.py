"""The hidden graders of Assignment 1 are right both ways.

* the reference solution scores full marks, with no error and no warning;
* every realistic buggy variant (``autograder/variants/a1_mlp.py: BUGGY``) loses points, and where the
  variant names its mistake, a failing test's message says so;
* every correct-but-different variant (``CORRECT``) scores full marks;
* every hidden test's points reach the total in ``assignment.toml``.

Each variant is graded in the sandbox by one warm grading process per pytest worker.
"""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from autograder.runner import GradingProcess, grade_source
from grading.build import solution_source
from autograder.variants import apply_overrides
from autograder.variants.a1_mlp import BUGGY, CORRECT

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "a1_mlp"
TOTAL = 10.0


@pytest.fixture(scope="module")
def process():
    with GradingProcess() as warm:
        yield warm


@pytest.fixture(scope="module")
def source() -> str:
    return solution_source(ASSIGNMENT)


@pytest.fixture(scope="module")
def reference_result(source, process):
    return grade_source(ASSIGNMENT, source, process=process)


def describe(result) -> str:
    """Every test's verdict, for assertion messages."""
    lines = [f"score {result.score:g}/{result.max_score:g}, error: {result.error}, warnings: {result.warnings}"]
    for t in result.tests:
        mark = "PASS" if t.passed else "FAIL"
        lines.append(f"  {mark} {t.cell}::{t.name} ({t.points:g}/{t.max_points:g})"
                     + ("" if t.passed else f": {t.message}"))
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the variants themselves


def test_overrides_replace_functions_and_methods():
    src = "import numpy as np\n\n\ndef f(x):\n    return x\n\n\nclass A:\n    @staticmethod\n    def g(y):\n        return y\n\n    def h(self):\n        return 1\n"
    out = apply_overrides(src, {"f": "def f(x):\n    return 2 * x\n",
                                "A.g": "@staticmethod\ndef g(y):\n    return -y\n"})
    ns: dict = {}
    exec(out, ns)
    assert ns["f"](3) == 6 and ns["A"].g(2) == -2 and ns["A"]().h() == 1
    assert out.count("@staticmethod") == 1


@pytest.mark.parametrize("overrides, error", [
    ({"nope": "def nope():\n    pass\n"}, KeyError),
    ({"A.nope": "def nope(self):\n    pass\n"}, KeyError),
    ({"f": "def g(x):\n    return x\n"}, KeyError),  # replacement must define the target
    ({"f": "def f(x):\n    return x\n"}, ValueError),  # unchanged
    ({}, ValueError),
])
def test_overrides_refuse_what_would_not_change_the_code(overrides, error):
    src = "def f(x):\n    return x\n\n\nclass A:\n    def h(self):\n        return 1\n"
    with pytest.raises(error):
        apply_overrides(src, overrides)


@pytest.mark.parametrize("name", sorted(BUGGY) + sorted(CORRECT))
def test_variant_applies_and_runs(source, name):
    """Cheap, before any grading: the override targets exist and the variant's module executes."""
    overrides = BUGGY[name].overrides if name in BUGGY else CORRECT[name]
    code = apply_overrides(source, overrides)
    exec(compile(code, f"<variant {name}>", "exec"), {"__name__": f"variant_{name}"})
    ast.parse(code)


def test_catalogue_size():
    assert len(BUGGY) >= 30 and len(CORRECT) >= 6


# ---------------------------------------------------------------------------- grading


def test_reference_scores_full_marks(reference_result):
    r = reference_result
    assert r.error is None, describe(r)
    assert r.warnings == [], describe(r)
    assert r.tests, "the hidden graders ran no test at all"
    assert r.max_score == TOTAL, describe(r)
    assert r.score == pytest.approx(TOTAL), describe(r)
    assert all(t.passed for t in r.tests), describe(r)


def test_every_tests_points_reach_the_total(reference_result):
    cells = tomllib.loads((ROOT / "assignments" / ASSIGNMENT / "assignment.toml").read_text("utf-8"))["cells"]
    assert sum(cells.values()) == pytest.approx(TOTAL)
    per_cell: dict[str, float] = {}
    for t in reference_result.tests:
        assert t.max_points > 0, f"hidden test {t.cell}::{t.name} carries no points"
        per_cell[t.cell] = per_cell.get(t.cell, 0.0) + t.max_points
    assert set(per_cell) == set(cells), (
        f"grade cells with hidden tests {sorted(per_cell)} != assignment.toml's {sorted(cells)}")
    for cell, points in cells.items():
        assert per_cell[cell] == pytest.approx(points), (
            f"{cell}: hidden tests carry {per_cell[cell]:g} points, assignment.toml says {points:g}")
    assert sum(per_cell.values()) == pytest.approx(TOTAL)


@pytest.mark.parametrize("name", sorted(BUGGY))
def test_buggy_variant_loses_points(source, process, name):
    variant = BUGGY[name]
    r = grade_source(ASSIGNMENT, apply_overrides(source, variant.overrides), process=process)
    assert r.error is None, f"{name}: the graders could not run\n{describe(r)}"
    failing = [t for t in r.tests if not t.passed]
    assert failing and r.score < r.max_score, f"{name}: NOT CAUGHT, full marks\n{describe(r)}"
    if variant.mistake:
        assert any(variant.mistake.lower() in t.message.lower() for t in failing), (
            f"{name}: caught, but no failing message names the mistake {variant.mistake!r}\n{describe(r)}")


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_variant_scores_full_marks(source, process, name):
    r = grade_source(ASSIGNMENT, apply_overrides(source, CORRECT[name]), process=process)
    assert r.error is None, f"{name}: the graders could not run\n{describe(r)}"
    assert r.warnings == [], f"{name}: unexpected warnings\n{describe(r)}"
    assert all(t.passed for t in r.tests) and r.score == pytest.approx(r.max_score) == TOTAL, (
        f"{name}: FALSE FAILURE of a correct variant\n{describe(r)}")
