"""The feedback a student reads: the score first, then what to fix grouped by function, then each
grade cell's functions; passed checks folded away; the same order in the HTML, the text and the JSON.
The demo's student with three bugs is rendered in headless Chromium, as it was and as it is now:
screenshots in test-artifacts/feedback/."""
from __future__ import annotations

import json
import re
import subprocess
import types
from pathlib import Path

import pytest

from autograder import assignments
from autograder.results import SubmissionResult, TestResult
from autograder.runner import GradingProcess, grade_source
from autograder.scoring import Function, score_functions
from autograder.variants import apply_overrides
from grading.build import solution_source
from grading.feedback import check_name, outline, render, render_text

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "feedback"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]
BEFORE = "5e6af72"  # the last commit before scoring by function: the feedback page as students saw it
THREE_BUGS = ["bce_grad_sign_flip", "softmax_no_max_subtraction", "adamw_decay_after_update"]

FUNCTIONS = (
    Function("relu and relu_grad", "test_act", ("test_relu*",), 0.5, "all_or_nothing"),
    Function("tanh and tanh_grad", "test_act", ("test_tanh*",), 0.5, "all_or_nothing"),
    Function("mse", "test_loss", ("test_mse*",), 1.0, "partial"),
    Function("sgd", "test_opt", ("test_sgd*",), 1.0, "all_or_nothing"),
)


def _result() -> SubmissionResult:
    tests = [TestResult("test_relu_value", "test_act", 0.25, 0.25, True),
             TestResult("test_relu_grad[at_zero]", "test_act", 0.0, 0.25, False, "relu_grad(0) must be 0: a kink"),
             TestResult("test_tanh_value", "test_act", 0.25, 0.25, True),
             TestResult("test_tanh_grad", "test_act", 0.25, 0.25, True),
             TestResult("test_mse_value", "test_loss", 0.5, 0.5, True),
             TestResult("test_mse_grad", "test_loss", 0.0, 0.5, False, "mse_grad: the factor 2 is missing"),
             TestResult("test_sgd_step", "test_opt", 1.0, 1.0, True)]
    return SubmissionResult("toy", "s042", tests, max_score=3.0, functions=score_functions(tests, FUNCTIONS))


def _without_details(page: str) -> str:
    return re.sub(r"<details>.*?</details>", "", page, flags=re.S)


def test_the_score_comes_first_then_failures_grouped_by_function_then_every_cell():
    r = _result()
    page = render(r, "Toy")
    assert r.score == 2.0  # relu's 0.5 lost (all or nothing), half of mse's 1 (partial)
    assert page.index("<b>2</b> / 3") < page.index("<h2>")
    fix, parts = page.index("To fix (2)"), page.index("Score by part")
    relu, mse = page.index("relu and relu_grad"), page.index(">mse<")
    assert fix < relu < mse < parts, "failing functions, in the assignment's order, before the cells' tables"
    assert "tanh and tanh_grad" not in page[fix:parts] and "sgd" not in page[fix:parts]
    assert page.index("relu_grad(0) must be 0") < page.index("mse_grad: the factor 2")
    assert "−0.5" in page[fix:parts] and "all or nothing" in page[fix:parts] and "1 of 2 checks failed" in page
    for cell, score in (("test_act", "0.5 / 1"), ("test_loss", "0.5 / 1"), ("test_opt", "1 / 1")):
        assert f"{cell} — {score}" in page[parts:]
    assert page[parts:].index("test_act") < page[parts:].index("test_loss") < page[parts:].index("test_opt")


def test_passed_checks_are_folded_away_and_failing_messages_are_not():
    r = _result()
    page = render(r, "Toy")
    shown = _without_details(page)
    for t in r.tests:
        if t.passed:
            assert check_name(t.name) in page and check_name(t.name) not in shown, t.name
        else:
            assert check_name(t.name) in shown and t.message in shown, t.name
    assert check_name("test_relu_grad[at_zero]") == "relu grad (at_zero)"


def test_html_text_and_json_say_the_same_in_the_same_order():
    r = _result()
    page, text, data = render(r, "Toy"), render_text(r), json.loads(json.dumps(r.to_dict()))
    assert text.splitlines()[0] == "score: 2 / 3"
    failing = [f["name"] for f in data["functions"] if f["failures"]]
    assert failing == [f.name for f in outline(r).to_fix] == ["relu and relu_grad", "mse"]
    in_text = text[text.index("to fix:"):text.index("by part:")]
    in_page = page[page.index("To fix"):page.index("Score by part")]
    for shown in (in_text, in_page):
        assert [shown.index(name) for name in failing] == sorted(shown.index(name) for name in failing)
        assert all(t.message in shown for t in r.tests if not t.passed)
    everything = [f["name"] for f in data["functions"]]
    by_part = text[text.index("by part:"):]
    assert [by_part.index(n) for n in everything] == sorted(by_part.index(n) for n in everything)
    assert [(c["cell"], c["score"]) for c in data["cells"]] == [("test_act", 0.5), ("test_loss", 0.5), ("test_opt", 1.0)]


def test_a_submission_that_could_not_run_says_why_once():
    r = _result()
    r.error = "the notebook's code did not finish loading"
    page, text = render(r, "Toy"), render_text(r)
    assert "To fix" not in page and "to fix:" not in text
    assert page.count("did not finish loading") == 1 and "Not graded" in page


# ------------------------------------------------------------------------------ in a browser


def _three_bug_result() -> SubmissionResult:
    catalogue = assignments.variants(assignments.load("a1_mlp"))
    overrides = {k: v for bug in THREE_BUGS for k, v in catalogue.BUGGY[bug].overrides.items()}
    with GradingProcess() as process:
        result = grade_source("a1_mlp", apply_overrides(solution_source("a1_mlp"), overrides), process=process)
    result.student = "s007"
    return result


def _old_render():
    """grading/feedback.py as of BEFORE, or None when this checkout has no such history."""
    try:
        code = subprocess.run(["git", "-C", str(REPO), "show", f"{BEFORE}:grading/feedback.py"], capture_output=True,
                              text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    module = types.ModuleType("feedback_before")
    exec(compile(code, f"{BEFORE}:grading/feedback.py", "exec"), module.__dict__)
    return module.render


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it as root)")
def test_the_three_bug_students_feedback_page_in_chromium():
    """What s007 of the demo reads, before and after scoring by function, as Chromium draws it."""
    playwright = pytest.importorskip("playwright.sync_api")
    result = _three_bug_result()
    title = assignments.load("a1_mlp").title
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {"after": render(result, title)}
    old = _old_render()
    if old is not None:  # the old page, with the old score: each test's own points
        pages["before"] = old(SubmissionResult(result.assignment, result.student, result.tests,
                                               max_score=result.max_score), title)
    (ARTIFACTS / "after.txt").write_text(render_text(result), encoding="utf-8")
    (ARTIFACTS / "after.json").write_text(json.dumps(result.to_dict(), indent=1), encoding="utf-8")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1300})
            for name, html in pages.items():
                path = ARTIFACTS / f"{name}.html"
                path.write_text(html, encoding="utf-8")
                page.goto(path.as_uri())
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # what the student sees first
                page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
            page.goto((ARTIFACTS / "after.html").as_uri())
            heading = page.locator("h2").first
            assert heading.inner_text() == "To fix (4)"
            assert page.locator(".score").inner_text() == "Score: 8.875 / 10"
            cards = page.locator("section.fn h3 span:first-child").all_inner_texts()
            assert cards == ["softmax and log_softmax", "bce and bce_grad",
                             "softmax_cross_entropy and softmax_cross_entropy_grad", "AdamW"]
            assert heading.bounding_box()["y"] < 400, "what to fix starts on the first screen"
            assert page.locator("section.fn").nth(3).bounding_box()["y"] < 1300 * 1.5
            folded = page.locator("details").first
            assert not folded.evaluate("d => d.open") and page.get_by_text("sign flip").first.is_visible()
            passed_check = folded.locator("li").first
            assert not passed_check.is_visible()
            folded.locator("summary").click()  # a student unfolds the passed checks of a function
            assert passed_check.is_visible()
            page.locator("section.fn").first.screenshot(path=str(ARTIFACTS / "after-unfolded.png"))
        finally:
            browser.close()
    if "before" in pages:
        assert "<b>9.5625</b> / 10" in pages["before"] and pages["before"].count("passed</span>") == 94
