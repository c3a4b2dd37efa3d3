"""Scoring by function: the rules, the checks of assignment.toml's [[functions]], results that
round-trip, and A1's shipped weights on the demo's student with three bugs."""
from __future__ import annotations

import json
import os

import pytest

from autograder import assignments
from autograder.results import SubmissionResult, TestResult
from autograder.runner import GradingProcess, grade_source
from autograder.scoring import Function, check_tests, matches, score_functions
from autograder.variants import apply_overrides
from grading.build import parse_template, solution_source
from toys import write_numpy_toy

TOY_FUNCTIONS = """
[[functions]]
name = "scale"
cell = "test_scale"
tests = ["test_scale"]
points = 1.0
rule = "all_or_nothing"

[[functions]]
name = "norm and relu_norm"
cell = "test_norm"
tests = ["test_norm", "test_relu_norm"]
points = 1.0
rule = "{rule}"
"""


def verdict(name, cell, points, passed, message="wrong"):
    return TestResult(name, cell, points if passed else 0.0, points, passed, "" if passed else message)


# ---------------------------------------------------------------------------------------------- rules


def test_partial_gives_the_share_of_the_tests_points_all_or_nothing_gives_none():
    tests = [verdict("test_a", "c", 0.25, True), verdict("test_b", "c", 0.75, False, "b is off by 2")]
    partial = score_functions(tests, (Function("f", "c", ("test_*",), 2.0, "partial"),))
    strict = score_functions(tests, (Function("f", "c", ("test_*",), 2.0, "all_or_nothing"),))
    assert partial[0].points == pytest.approx(0.5)  # a quarter of the tests' points passed: a quarter of 2
    assert strict[0].points == 0.0
    for f in partial + strict:
        assert (f.max_points, f.passed, f.total) == (2.0, 1, 2)
        assert f.tests == ["test_a", "test_b"]
        assert f.failures == [{"test": "test_b", "message": "b is off by 2"}]


def test_one_failing_check_costs_an_all_or_nothing_function_everything_and_nothing_else():
    tests = [verdict(f"test_grad_{i}", "c", 0.1, i != 3) for i in range(8)] + [verdict("test_value", "c", 0.2, True)]
    scores = score_functions(tests, (Function("grad", "c", ("test_grad_*",), 0.75, "all_or_nothing"),
                                     Function("value", "c", ("test_value",), 0.25, "all_or_nothing")))
    assert [(f.name, f.points, f.passed, f.total) for f in scores] == [("grad", 0.0, 7, 8), ("value", 0.25, 1, 1)]
    result = SubmissionResult("x", tests=tests, max_score=1.0, functions=scores)
    assert result.score == 0.25 and result.cell_scores() == {"c": (0.25, 1.0)}


def test_every_check_passed_scores_exactly_the_functions_points():
    tests = [verdict("test_a", "c", 0.3, True), verdict("test_b", "c", 0.1, True)]
    (f,) = score_functions(tests, (Function("f", "c", ("test_*",), 0.7, "partial"),))
    assert f.points == 0.7  # exactly: 0.4 × (0.7 / 0.4) is not


def test_without_functions_each_test_counts_its_own_points_as_before():
    tests = [verdict("test_a", "c1", 0.25, True), verdict("test_b", "c1", 0.5, False), verdict("test_c", "c2", 1.0, True)]
    result = SubmissionResult("x", tests=tests, max_score=1.75)
    assert result.score == 1.25
    assert result.cell_scores() == {"c1": (0.25, 0.75), "c2": (1.0, 1.0)}
    assert [(f.name, f.rule) for f in result.scored()] == [("c1", "partial"), ("c2", "partial")]


@pytest.mark.parametrize("pattern, test, hit", [
    ("test_activation_*[sigmoid]", "test_activation_forward_matches_torch[sigmoid]", True),
    ("test_activation_*[sigmoid]", "test_activation_forward_matches_torch[tanh]", False),
    ("test_activation_*[sigmoid]", "test_activation_forward", False),  # no parameters: no match
    ("test_activation_*", "test_activation_derivative_matches_torch[elu]", True),  # every parametrisation
    ("test_linear_lr", "test_linear_lr_warm", False),
    ("test_*[relu*]", "test_f[relu-2]", True),
])
def test_patterns_match_the_function_name_and_optionally_its_parameters(pattern, test, hit):
    assert matches(pattern, test) is hit


def test_a_test_in_no_function_or_in_two_is_named_with_the_fix():
    functions = (Function("forward", "c", ("test_forward*",), 1.0), Function("all", "c", ("test_*_all",), 1.0),
                 Function("unused", "c", ("test_nothing",), 1.0), Function("other", "d", ("test_elsewhere",), 1.0))
    problems = check_tests([("test_forward_all", "c"), ("test_backward", "c"), ("test_elsewhere", "c")], functions)
    assert any("c::test_forward_all belongs to 2 functions ('forward', 'all')" in p and "narrow" in p for p in problems)
    assert any("c::test_backward belongs to no [[functions]] entry" in p and "add a pattern" in p for p in problems)
    assert any("c::test_elsewhere is in function 'other' of cell d" in p for p in problems)
    assert any("'unused' matches no hidden test" in p for p in problems)
    assert len(problems) == 4
    assert check_tests([("test_backward", "c")], ()) == []  # no functions: today's rule, nothing to check


# ------------------------------------------------------------------------------ assignment.toml


def _toy_with(tmp_path, monkeypatch, aid: str, functions: str):
    write_numpy_toy(tmp_path, aid)
    toml = tmp_path / "assignments" / aid / "assignment.toml"
    toml.write_text(toml.read_text() + functions, encoding="utf-8")
    monkeypatch.setenv(assignments.ROOTS_VARIABLE, str(tmp_path))
    return lambda: assignments.load(aid)


def test_functions_load_in_order_with_their_rules(tmp_path, monkeypatch):
    info = _toy_with(tmp_path, monkeypatch, "toy_fns", TOY_FUNCTIONS.format(rule="partial"))()
    assert [(f.name, f.cell, f.tests, f.points, f.rule) for f in info.functions] == [
        ("scale", "test_scale", ("test_scale",), 1.0, "all_or_nothing"),
        ("norm and relu_norm", "test_norm", ("test_norm", "test_relu_norm"), 1.0, "partial")]


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('cell = "test_norm"', 'cell = "test_norms"'),
     r"cell 'test_norms' is not a grade cell of \[cells\]; use one of test_scale, test_norm"),
    (lambda t: t.replace("points = 1.0\nrule = \"{rule}\"", "points = 0.75\nrule = \"{rule}\""),
     r"cell test_norm: its functions' points add up to 0.75 \(norm and relu_norm 0.75\) but \[cells\] gives it 1: "
     "make them add up"),
    (lambda t: t.split("[[functions]]\nname = \"norm")[0],
     r"cell test_norm: its functions' points add up to 0 \(no function names it\)"),
    (lambda t: t.replace('rule = "{rule}"', 'rule = "strict"'),
     r"rule = 'strict'; use 'partial' or 'all_or_nothing'"),
    (lambda t: t.replace('tests = ["test_scale"]', 'tests = []'), r"tests must list the hidden tests' names"),
    (lambda t: t.replace('tests = ["test_scale"]', 'test = ["test_scale"]'),
     r"unknown key\(s\) test; known are .*; .*add tests"),
    (lambda t: t.replace('name = "scale"', 'name = "norm and relu_norm"'), r"another function has this name"),
])
def test_a_broken_functions_table_is_named_with_its_fix(tmp_path, monkeypatch, edit, message):
    load = _toy_with(tmp_path, monkeypatch, "toy_broken", edit(TOY_FUNCTIONS).format(rule="partial"))
    with pytest.raises(assignments.UnknownAssignment, match=message):
        load()


# ------------------------------------------------------------------------------ results files


def test_results_round_trip_with_their_functions():
    tests = [verdict("test_a", "c", 0.5, True), verdict("test_b[x]", "c", 0.5, False, "b: a sign flip")]
    functions = score_functions(tests, (Function("f", "c", ("test_*",), 1.0, "all_or_nothing"),))
    result = SubmissionResult("a", "s1", tests, warnings=["w"], max_score=1.0, student_seconds=0.5, functions=functions)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["functions"] == [{"name": "f", "cell": "c", "points": 0.0, "max_points": 1.0, "rule": "all_or_nothing",
                                  "passed": 1, "total": 2, "tests": ["test_a", "test_b[x]"],
                                  "failures": [{"test": "test_b[x]", "message": "b: a sign flip"}]}]
    assert data["score"] == 0.0 and data["cells"] == [{"cell": "c", "score": 0.0, "max_score": 1.0}]
    back = SubmissionResult.from_dict(data)
    assert back == result and back.to_dict() == result.to_dict()


def test_a_results_file_from_before_functions_reads_back_with_todays_scores():
    old = {"assignment": "a", "student": "s1", "score": 0.5, "max_score": 1.0, "error": None, "warnings": [],
           "tests": [{"name": "test_a", "cell": "c", "points": 0.5, "max_points": 0.5, "passed": True, "message": ""},
                     {"name": "test_b", "cell": "c", "points": 0.0, "max_points": 0.5, "passed": False,
                      "message": "no"}]}
    result = SubmissionResult.from_dict(old)
    assert result.score == 0.5 and result.cell_scores() == {"c": (0.5, 1.0)}
    assert result.to_dict()["functions"][0]["failures"] == [{"test": "test_b", "message": "no"}]


# ------------------------------------------------------------------------------ grading with functions


@pytest.fixture(scope="module")
def toys(tmp_path_factory):
    """Toys whose only difference is their [[functions]]: partial, all or nothing, a test left out."""
    root = tmp_path_factory.mktemp("scoring")
    tables = {"toy_partial": TOY_FUNCTIONS.format(rule="partial"),
              "toy_strict": TOY_FUNCTIONS.format(rule="all_or_nothing"),
              "toy_gap": TOY_FUNCTIONS.format(rule="partial").replace('"test_norm", "test_relu_norm"', '"test_norm"')}
    for aid, table in tables.items():
        write_numpy_toy(root, aid)
        toml = root / "assignments" / aid / "assignment.toml"
        toml.write_text(toml.read_text() + table, encoding="utf-8")
    saved = os.environ.get(assignments.ROOTS_VARIABLE)
    os.environ[assignments.ROOTS_VARIABLE] = str(root)
    with GradingProcess() as process:
        yield process
    if saved is None:
        os.environ.pop(assignments.ROOTS_VARIABLE)
    else:
        os.environ[assignments.ROOTS_VARIABLE] = saved


def _toy_variant(aid, bug):
    variant = assignments.variants(assignments.load(aid)).BUGGY[bug]
    return apply_overrides(solution_source(aid), variant.overrides)


def test_the_rule_decides_what_one_failing_test_costs(toys):
    partial = grade_source("toy_partial", _toy_variant("toy_partial", "relu_norm_without_relu"), process=toys)
    strict = grade_source("toy_strict", _toy_variant("toy_strict", "relu_norm_without_relu"), process=toys)
    for r in (partial, strict):
        assert r.error is None and [t.name for t in r.tests if not t.passed] == ["test_relu_norm"]
    assert partial.score == 1.5 and partial.cell_scores()["test_norm"] == (0.5, 1.0)
    assert strict.score == 1.0 and strict.cell_scores()["test_norm"] == (0.0, 1.0)
    assert [f.name for f in strict.functions if f.failures] == ["norm and relu_norm"]


def test_a_hidden_test_in_no_function_grades_nothing_and_names_it(toys):
    r = grade_source("toy_gap", solution_source("toy_gap"), process=toys)
    assert not r.graded and r.score == 0
    assert "test_norm::test_relu_norm belongs to no [[functions]] entry" in r.error


# ------------------------------------------------------------------------------ A1's shipped weights

THREE_BUGS = ["bce_grad_sign_flip", "softmax_no_max_subtraction", "adamw_decay_after_update"]


def test_a1_states_each_functions_points_and_rule_in_its_notebook():
    info = assignments.load("a1_mlp")
    text = "\n".join(c.body for c in parse_template((info.folder / "template.py").read_text(encoding="utf-8"))
                     if c.kind == "markdown").replace("`", "").replace("\\", "")
    words = {"partial": "partial", "all_or_nothing": "all or nothing"}
    missing = [f.name for f in info.functions if f"| {f.name} | {f.points:g} | {words[f.rule]} |" not in text]
    assert not missing, f"the template's tables do not state these functions as assignment.toml does: {missing}"
    for cell, points in info.cells.items():
        assert sum(f.points for f in info.functions if f.cell == cell) == points


def test_a1_gradients_and_optimizer_updates_are_all_or_nothing():
    info = assignments.load("a1_mlp")
    rule = {f.name: f.rule for f in info.functions}
    for name in ("sigmoid and sigmoid_grad", "Linear.backward (dL/dx, dW, db)", "bce and bce_grad",
                 "softmax_cross_entropy and softmax_cross_entropy_grad", "BatchNorm1d.backward (dL/dx, dgamma, dbeta)",
                 "MLP.backward (every activation)", "SGD with momentum", "Adam", "AdamW"):
        assert rule[name] == "all_or_nothing", name


def test_the_demo_student_with_three_bugs_loses_four_functions_under_a1s_weights():
    """A sign-flipped BCE gradient, a softmax without the max subtracted (which also makes the
    cross-entropy's gradient NaN for large logits) and AdamW's decay after the update: 9.5625 when
    each test counted its own points, 8.875 under the shipped weights."""
    info = assignments.load("a1_mlp")
    catalogue = assignments.variants(info)
    assert catalogue.DEMO_BUGS == [THREE_BUGS]
    overrides = {k: v for bug in THREE_BUGS for k, v in catalogue.BUGGY[bug].overrides.items()}
    with GradingProcess() as process:
        r = grade_source("a1_mlp", apply_overrides(solution_source("a1_mlp"), overrides), process=process)
    assert r.error is None
    lost = [f.name for f in r.functions if f.points < f.max_points]
    assert lost == ["softmax and log_softmax", "bce and bce_grad",
                    "softmax_cross_entropy and softmax_cross_entropy_grad", "AdamW"]
    weights = {f.name: f.points for f in info.functions}
    assert r.score == pytest.approx(info.max_score - sum(weights[name] for name in lost)) == 8.875
    assert SubmissionResult(r.assignment, tests=r.tests).score == 9.5625  # each test's own points: the old score
    assert r.cell_scores()["test_losses"] == (0.875, 1.5) and r.cell_scores()["test_optimizers"] == (1.75, 2.0)
