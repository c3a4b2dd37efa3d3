"""Every known assignment's hidden graders are right both ways.

* the reference solution scores full marks, with no error and no warning;
* every realistic buggy variant (``autograder/<id>/variants.py: BUGGY``) loses points, and where the
  variant names its mistake, a failing test's message says so;
* every correct-but-different variant (``CORRECT``) scores full marks;
* a blank solution (stubs only) passes no hidden test;
* every hidden test's points reach the total in ``assignment.toml``.

Each variant is graded in the sandbox by one warm grading process per pytest worker. Adding an
assignment's folders adds its proof here: nothing in this file names one.
"""
from __future__ import annotations

import ast
import functools

import pytest

from autograder import assignments
from autograder.runner import GradingProcess, grade_source
from autograder.variants import apply_overrides
from grading.build import solution_source
from grading.prove import stubbed

KNOWN = assignments.known()


def catalogue(aid: str):
    return assignments.variants(assignments.load(aid))


BUGGY = [(aid, name) for aid in KNOWN for name in sorted(catalogue(aid).BUGGY)]
CORRECT = [(aid, name) for aid in KNOWN for name in sorted(catalogue(aid).CORRECT)]


@pytest.fixture(scope="module")
def process():
    with GradingProcess() as warm:
        yield warm


@functools.cache
def source(aid: str) -> str:
    return solution_source(aid)


@pytest.fixture(scope="module")
def reference_results(process):
    cache = {}

    def result(aid):
        if aid not in cache:
            cache[aid] = grade_source(aid, source(aid), process=process)
        return cache[aid]
    return result


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


@pytest.mark.parametrize("aid, name", BUGGY + CORRECT)
def test_variant_applies_and_runs(aid, name):
    """Cheap, before any grading: the override targets exist and the variant's module executes."""
    cat = catalogue(aid)
    overrides = cat.BUGGY[name].overrides if name in cat.BUGGY else cat.CORRECT[name]
    code = apply_overrides(source(aid), overrides)
    exec(compile(code, f"<variant {name}>", "exec"), {"__name__": f"variant_{name}"})
    ast.parse(code)


@pytest.mark.parametrize("aid", KNOWN)
def test_catalogue_size(aid):
    cat = catalogue(aid)
    assert len(cat.BUGGY) >= 3 and len(cat.CORRECT) >= 1, f"{aid}: too few variants to prove its graders"


def test_a1_is_known_with_its_catalogue():
    assert "a1_mlp" in KNOWN
    assert len(catalogue("a1_mlp").BUGGY) >= 30 and len(catalogue("a1_mlp").CORRECT) >= 6


# ---------------------------------------------------------------------------- grading


@pytest.mark.parametrize("aid", KNOWN)
def test_reference_scores_full_marks(reference_results, aid):
    r = reference_results(aid)
    total = assignments.load(aid).max_score
    assert r.error is None, describe(r)
    assert r.warnings == [], describe(r)
    assert r.tests, "the hidden graders ran no test at all"
    assert r.max_score == total, describe(r)
    assert r.score == pytest.approx(total), describe(r)
    assert all(t.passed for t in r.tests), describe(r)


@pytest.mark.parametrize("aid", KNOWN)
def test_a_blank_solution_passes_no_hidden_test(process, aid):
    """Every function a stub that raises NotImplementedError, as released: a test it passes cannot fail."""
    r = grade_source(aid, stubbed(source(aid)), process=process)
    assert r.tests and not any(t.passed for t in r.tests), describe(r)


@pytest.mark.parametrize("aid", KNOWN)
def test_every_tests_points_reach_the_total(reference_results, aid):
    cells = assignments.load(aid).cells
    per_cell: dict[str, float] = {}
    for t in reference_results(aid).tests:
        assert t.max_points > 0, f"hidden test {t.cell}::{t.name} carries no points"
        per_cell[t.cell] = per_cell.get(t.cell, 0.0) + t.max_points
    assert set(per_cell) == set(cells), (
        f"grade cells with hidden tests {sorted(per_cell)} != assignment.toml's {sorted(cells)}")
    for cell, points in cells.items():
        assert per_cell[cell] == pytest.approx(points), (
            f"{cell}: hidden tests carry {per_cell[cell]:g} points, assignment.toml says {points:g}")


@pytest.mark.parametrize("aid, name", BUGGY)
def test_buggy_variant_loses_points(process, aid, name):
    variant = catalogue(aid).BUGGY[name]
    r = grade_source(aid, apply_overrides(source(aid), variant.overrides), process=process)
    assert r.error is None, f"{name}: the graders could not run\n{describe(r)}"
    failing = [t for t in r.tests if not t.passed]
    assert failing and r.score < r.max_score, f"{name}: NOT CAUGHT, full marks\n{describe(r)}"
    if variant.mistake:
        assert any(variant.mistake.lower() in t.message.lower() for t in failing), (
            f"{name}: caught, but no failing message names the mistake {variant.mistake!r}\n{describe(r)}")


@pytest.mark.parametrize("aid, name", CORRECT)
def test_correct_variant_scores_full_marks(process, aid, name):
    r = grade_source(aid, apply_overrides(source(aid), catalogue(aid).CORRECT[name]), process=process)
    assert r.error is None, f"{name}: the graders could not run\n{describe(r)}"
    assert r.warnings == [], f"{name}: unexpected warnings\n{describe(r)}"
    assert all(t.passed for t in r.tests) and r.score == pytest.approx(r.max_score), (
        f"{name}: FALSE FAILURE of a correct variant\n{describe(r)}")
