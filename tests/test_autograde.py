"""`dlgrade autograde` on a collected course: resume after a kill, manual scores, Dask, feedback."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from grading.autograde import autograde
from grading.course import Course
from grading.demo import build_demo_course

ASSIGNMENT = "a1_mlp"
from grading.gradebook import CourseGradebook

SIZE = 8


@pytest.fixture
def course(tmp_path):
    return build_demo_course(tmp_path / "course", size=SIZE, quiet=True)


def graded(course: Course) -> set[str]:
    scores = CourseGradebook(course.db_url, course.course_id).assignment_scores(ASSIGNMENT)
    return {s.student for s in scores if all(c.auto is not None for c in s.cells)}


def test_a_killed_batch_resumes_without_losing_or_regrading(course):
    cmd = [sys.executable, "-m", "grading.cli", "autograde", ASSIGNMENT, "--course", str(course.root), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while len(graded(course)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = graded(course)
    assert 2 <= len(before) < SIZE, "the batch should have been killed part-way"

    summary = autograde(course, ASSIGNMENT, workers=2, progress=False)
    assert set(summary.skipped) == before
    assert not set(summary.graded) & before
    assert graded(course) == set(course.submitted(ASSIGNMENT))
    assert all((course.root / "autograded" / s / ASSIGNMENT / "results.json").is_file() for s in graded(course))

    again = autograde(course, ASSIGNMENT, workers=2, progress=False)
    assert again.graded == [] and len(again.skipped) == SIZE


def test_force_regrades_but_keeps_manual_scores(course):
    from nbgrader.api import Gradebook

    first = autograde(course, ASSIGNMENT, workers=2, progress=False)
    student = next(s for s, score in first.scores.items() if score == 10)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        gb.find_grade("test_linear", ASSIGNMENT, ASSIGNMENT, student).manual_score = 0.5
        gb.db.commit()
    second = autograde(course, ASSIGNMENT, workers=2, force=True, progress=False)
    assert sorted(second.graded) == sorted(first.graded)
    scores = CourseGradebook(course.db_url, course.course_id).submission_scores(ASSIGNMENT, student)
    linear = next(c for c in scores.cells if c.cell == "test_linear")
    assert linear.manual == 0.5 and linear.auto == 1.0 and scores.score == 9.5


def _formgrader_saves(course, student, cell, manual_score, extra_credit):
    """What nbgrader's formgrader does when a TA saves a grade (formgrader/apihandlers.py GradeHandler.put)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        grade = gb.find_grade_by_id(gb.find_grade(cell, ASSIGNMENT, ASSIGNMENT, student).id)
        grade.manual_score, grade.extra_credit = manual_score, extra_credit
        grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        gb.db.commit()


def test_nbgraders_score_rule_manual_else_auto_plus_extra_credit_and_its_review_flag(course, tmp_path):
    from grading.export import read_grades_csv, write_csv
    from grading.grades import course_grade_table

    first = autograde(course, ASSIGNMENT, workers=2, progress=False)
    perfect, other = [s for s, score in sorted(first.scores.items()) if score == 10][:2]
    _formgrader_saves(course, perfect, "test_linear", 0.5, 0.25)   # manual 0.5 of 1, plus extra credit
    _formgrader_saves(course, other, "test_mlp", None, 1.0)        # extra credit on the automatic score
    for run in ("after the TA's save", "after a forced regrade"):
        if run == "after a forced regrade":
            autograde(course, ASSIGNMENT, workers=2, force=True, progress=False)
        gradebook = CourseGradebook(course.db_url, course.course_id)
        linear = next(c for c in gradebook.submission_scores(ASSIGNMENT, perfect).cells if c.cell == "test_linear")
        assert (linear.manual, linear.auto, linear.extra_credit, linear.score) == (0.5, 1.0, 0.25, 0.75), run
        # the formgrader clears the flag on save; nbgrader's autograder sets it again over a manual score
        assert linear.needs_review == (run == "after a forced regrade"), run
        assert gradebook.submission_scores(ASSIGNMENT, other).score == 11.0, run
        sheet = read_grades_csv(write_csv(course_grade_table(course), tmp_path / "grades.csv")).set_index("student")
        assert sheet.loc[perfect, "a1_mlp_raw"] == pytest.approx(9.75), run
        assert sheet.loc[other, "a1_mlp_raw"] == pytest.approx(11.0), run


TA_SAVES = """
import sys, time
from nbgrader.api import Gradebook
db, course_id, students = sys.argv[1], sys.argv[2], sys.argv[3:]
saved = 0
deadline = time.monotonic() + 120
while saved < 40 and time.monotonic() < deadline:  # a TA saving in the formgrader, again and again
    student = students[saved % len(students)]
    try:
        with Gradebook(db, course_id=course_id) as gb:
            grade = gb.find_grade("test_dropout", "a1_mlp", "a1_mlp", student)
            grade.manual_score, grade.needs_manual_grade = 0.125, False
            gb.db.commit()
        saved += 1
    except Exception:  # not graded yet (no submission row): as the formgrader, try later
        time.sleep(0.05)
print(saved)
"""


def test_two_tas_at_once_lose_nothing(course):
    """Two autograde runs of one assignment start together while a TA saves manual grades: one run
    grades, the other is told who holds the assignment; every score is recorded once, no manual
    score is overwritten."""
    from nbgrader.api import Gradebook

    students = sorted(course.submitted(ASSIGNMENT))
    cmd = [sys.executable, "-m", "grading.cli", "autograde", ASSIGNMENT, "--course", str(course.root),
           "--jobs", "1", "--json"]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    ta = subprocess.Popen([sys.executable, "-c", TA_SAVES, course.db_url, course.course_id, *students[:3]],
                          stdout=subprocess.PIPE, text=True)
    outcomes = [run.communicate(timeout=600) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 2], outcomes
    busy = next(err for (out, err), run in zip(outcomes, runs) if run.returncode == 2)
    assert "is being autograded on this course already (pid" in busy
    done = next(json.loads(out) for (out, err), run in zip(outcomes, runs) if run.returncode == 0)
    assert done["graded"] == SIZE and done["not_graded"] == {}
    assert int(ta.communicate(timeout=180)[0]) > 0
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        submissions = gb.assignment_submissions(ASSIGNMENT)
        assert sorted(s.student.id for s in submissions) == students  # each once
        for sub in submissions:
            grades = {g.name: g for nb in sub.notebooks for g in nb.grades}
            assert all(g.auto_score is not None for g in grades.values()), sub.student.id
            manual = grades["test_dropout"].manual_score
            assert manual == (0.125 if sub.student.id in students[:3] else None), sub.student.id


def test_dask_cluster_gives_the_same_grades_as_the_local_pool(course):
    from distributed import LocalCluster, Security

    security = Security.temporary()  # TLS, as a course's cluster must be (tests/test_dask_tls.py)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      processes=True, security=security) as cluster:
        on_dask = autograde(course, ASSIGNMENT, scheduler=cluster.scheduler_address, progress=False,
                            security=security)
    local = autograde(course, ASSIGNMENT, workers=2, force=True, progress=False)
    assert len(on_dask.graded) == SIZE
    assert on_dask.scores == local.scores
    assert on_dask.errors == local.errors


def test_feedback_reaches_each_student_alone_and_leaks_no_hidden_test(course):
    summary = autograde(course, ASSIGNMENT, workers=2, progress=False)
    course.release_feedback(ASSIGNMENT)
    # s001..s005 are the special cases; the corrupted notebook has no feedback to fetch.
    student = next(s for s, score in sorted(summary.scores.items()) if 0 < score and s not in summary.errors)
    files = course.fetch_feedback(ASSIGNMENT, student, course.root / "students" / student)  # their home
    assert len(files) == 1
    text = files[0].read_text()
    assert f"<b>{student}</b>" in text and f"<b>{summary.scores[student]:g}</b>" in text
    others = set(summary.scores) - {student}
    assert not any(f"<b>{o}</b>" in text for o in others)
    for secret in ("def test_", "import torch", "check_array", "torch.", "reference"):
        assert secret not in text
