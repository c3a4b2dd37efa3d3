"""Grading on submit, on files: a student submits through nbgrader's exchange and, one round of
the watcher later, has graded feedback to fetch, with what the policy lets them see."""
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder import assignments
from grading.autograde import autograde
from grading.course import Course
from grading.demo.cohort import Persona, answer_notebook
from grading.gradebook import CourseGradebook
from grading.on_submit import grade_new, history, next_turn
from grading.policy import OnSubmit, load_policy

COURSE_A = Path(__file__).resolve().parents[1] / "courses" / "course_a.toml"
NOW = datetime.now(timezone.utc)


def policy_with(tmp_path, on_submit: str, due: datetime = NOW + timedelta(days=7)):
    text = COURSE_A.read_text()
    text = re.sub(r'(id = "a1_mlp"\n(?:.*\n)*?)due = \S+', lambda m: f"{m[1]}due = {due.isoformat()}\non_submit = {on_submit}",
                  text, count=1)
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return load_policy(path)


@pytest.fixture
def course(tmp_path):
    course = Course(tmp_path / "course", "dlf")
    course.setup()
    course.generate("a1_mlp")
    course.release("a1_mlp")
    return course


def submit(course, tmp_path, student, bugs=()):
    info = assignments.load("a1_mlp")
    catalogue = assignments.variants(info).BUGGY
    overrides = {k: v for bug in bugs for k, v in catalogue[bug].overrides.items()}
    home = tmp_path / "homes" / student
    folder = home / "a1_mlp"
    if not folder.exists():
        course.fetch("a1_mlp", student, home)
    answer_notebook(info, folder / info.notebook, Persona(student, "buggy" if bugs else "reference", overrides))
    course.submit("a1_mlp", student, home)
    return home


def fetched_feedback(course, home, student) -> str:
    pages = course.fetch_feedback("a1_mlp", student, home)
    assert pages, "no feedback to fetch"
    return re.sub(r"<style>.*?</style>", "", pages[-1].read_text(), flags=re.S)  # what the page says


def test_a_submission_is_graded_recorded_and_its_feedback_released_without_a_ta(course, tmp_path):
    policy = policy_with(tmp_path, '{ show = "messages" }')
    ada = submit(course, tmp_path, "ada")
    bob = submit(course, tmp_path, "bob", ["linear_dW_transposed"])
    outcomes = {o.student: o for o in grade_new(course, policy)}
    assert outcomes["ada"].score == 10 and outcomes["ada"].counted
    assert outcomes["bob"].score < 10
    gradebook = CourseGradebook(course.db_url, course.course_id)
    assert gradebook.submission_scores("a1_mlp", "bob").score == outcomes["bob"].score
    page = fetched_feedback(course, bob, "bob")
    assert "transposed" in page and f"{outcomes['bob'].score:g}" in page
    assert fetched_feedback(course, ada, "ada")
    # the TA's batch gives the very same scores: one engine, one gradebook writer
    summary = autograde(course, "a1_mlp", workers=1, force=True, progress=False)
    assert summary.scores == {"ada": 10, "bob": outcomes["bob"].score}
    # nothing new: the next round grades nothing
    assert grade_new(course, policy) == []


def test_before_the_deadline_a_student_sees_only_what_the_policy_shows(course, tmp_path):
    policy = policy_with(tmp_path, '{ show = "pass_fail" }')
    bob = submit(course, tmp_path, "bob", ["linear_dW_transposed"])
    grade_new(course, policy)
    page = fetched_feedback(course, bob, "bob")
    assert "transposed" not in page and "failed" in page.lower()
    nothing = policy_with(tmp_path, '{ show = "nothing" }')
    submit(course, tmp_path, "bob", ["linear_dW_transposed"])
    grade_new(course, nothing)
    page = fetched_feedback(course, bob, "bob")
    assert "received" in page.lower() and "failed" not in page.lower() and "transposed" not in page


def test_a_student_over_the_limit_waits_and_only_delays_themself(course, tmp_path):
    policy = policy_with(tmp_path, '{ show = "scores", per_hour = 1 }')
    submit(course, tmp_path, "bob", ["linear_dW_transposed"])
    assert grade_new(course, policy)[0].score < 10
    submit(course, tmp_path, "bob")  # fixed at once, but one graded submission an hour
    submit(course, tmp_path, "ada")
    outcomes = {o.student: o for o in grade_new(course, policy)}
    assert outcomes["ada"].score == 10
    assert outcomes["bob"].score is None and outcomes["bob"].waiting_until is not None
    later = datetime.fromisoformat(outcomes["bob"].waiting_until) + timedelta(seconds=1)
    assert next_turn(history(course, "a1_mlp", "bob"), policy.assignment("a1_mlp").on_submit, later) is None
    assert {o.student: o.score for o in grade_new(course, policy, now=later)} == {"bob": 10}


def test_when_the_best_counts_a_worse_submission_is_shown_but_not_recorded(course, tmp_path):
    policy = policy_with(tmp_path, '{ show = "scores", counts = "best" }')
    submit(course, tmp_path, "bob")
    grade_new(course, policy)
    home = submit(course, tmp_path, "bob", ["linear_dW_transposed"])
    worse = grade_new(course, policy)[0]
    assert worse.score < 10 and not worse.counted
    assert CourseGradebook(course.db_url, course.course_id).submission_scores("a1_mlp", "bob").score == 10
    assert "10" in fetched_feedback(course, home, "bob")


def test_the_policy_names_a_wrong_on_submit_field():
    import tomllib

    from grading.policy import PolicyError, policy_from_dict

    text = COURSE_A.read_text().replace('id = "a1_mlp"', 'id = "a1_mlp"\non_submit = { show = "everything", per_hour = 0 }', 1)
    problems = pytest.raises(PolicyError, policy_from_dict, tomllib.loads(text)).value.problems
    assert any("on_submit.show" in p and "'messages'" in p for p in problems)
    assert any("on_submit.per_hour" in p for p in problems)
    assert OnSubmit().show == "scores" and OnSubmit().counts == "last"


def test_a_tas_run_waits_for_the_watchers_round_and_names_anyone_else(course):
    import threading
    import time

    from grading.autograde import AutogradeBusy, WATCHER, only_run

    with only_run(course, "a1_mlp", who="a TA's run"):
        with pytest.raises(AutogradeBusy, match="a TA's run, pid"):
            with only_run(course, "a1_mlp", wait_for_watcher=5):
                pass
    held = threading.Event()

    def watcher_round():
        with only_run(course, "a1_mlp", who=WATCHER, wait_for_watcher=0):
            held.set()
            time.sleep(1.5)

    thread = threading.Thread(target=watcher_round)
    thread.start()
    held.wait(10)
    started = time.monotonic()
    with only_run(course, "a1_mlp", wait_for_watcher=30):
        waited = time.monotonic() - started
    thread.join()
    assert 0.5 < waited < 30
