"""`dlgrade autograde` on a collected course: resume after a kill, manual scores, Dask, feedback."""
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
