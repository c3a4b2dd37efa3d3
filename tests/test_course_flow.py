"""nbgrader's real flow: release, fetch and submit as a student, collect; then grade into the gradebook."""
import json
import os
import pwd
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder import assignments
from autograder.runner import grade_notebook
from grading.demo.cohort import Persona, answer_notebook
from grading.collect import ARRIVAL
from grading.course import Course
from grading.gradebook import CourseGradebook


def test_release_fetch_submit_collect_grade_and_manual_override(tmp_path):
    course = Course(tmp_path / "course")
    course.setup()
    course.generate("a1_mlp")
    course.release("a1_mlp")
    home = tmp_path / "home" / "ada"
    folder = course.fetch("a1_mlp", "ada", home)
    answer_notebook(assignments.load("a1_mlp"), folder / "a1_mlp.ipynb", Persona("ada", "reference"))
    course.submit("a1_mlp", "ada", home)
    course.collect("a1_mlp")

    submitted = course.submitted("a1_mlp")
    assert list(submitted) == ["ada"]
    result = grade_notebook("a1_mlp", submitted["ada"] / "a1_mlp.ipynb", "ada")
    assert result.error is None and result.score == result.max_score == 10

    gradebook = CourseGradebook(course.db_url, course.course_id)
    arrival = course.submission_time("ada", "a1_mlp")  # collected through dlgrade's TrustedCollect
    assert arrival.arrived is not None and arrival.disagreement() == ""
    gradebook.record(result, arrival.trusted)
    assert gradebook.submission_scores("a1_mlp", "ada").timestamp == arrival.trusted.replace(tzinfo=None)
    scores = gradebook.submission_scores("a1_mlp", "ada")
    assert scores.graded and scores.score == 10 and len(scores.cells) == 10

    # A TA lowers one cell in the formgrader; a regrade must not undo it.
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        gb.find_grade("test_mlp", "a1_mlp", "a1_mlp", "ada").manual_score = 0.25
        gb.db.commit()
    gradebook.record(result)
    assert gradebook.submission_scores("a1_mlp", "ada").score == 9.25


def test_dlgrade_release_uses_the_exchange_and_deadline_of_the_course(tmp_path, capsys):
    import shutil
    from datetime import datetime

    from nbgrader.api import Gradebook

    from grading.cli import main

    exchange = tmp_path / "shared-exchange"  # outside the course, as on a hub
    Course(tmp_path / "course", "dlf", exchange=exchange).setup()
    shutil.copy(Path(__file__).resolve().parents[1] / "courses" / "course_a.toml", tmp_path / "course" / "policy.toml")
    assert main(["release", "a1_mlp", "--course", str(tmp_path / "course")]) == 0
    assert (exchange / "dlf" / "outbound" / "a1_mlp" / "a1_mlp.ipynb").is_file()
    assert not (tmp_path / "course" / "exchange").exists()
    with Gradebook(f"sqlite:///{tmp_path / 'course' / 'gradebook.db'}", course_id="dlf") as gb:
        assert gb.find_assignment("a1_mlp").duedate == datetime(2026, 11, 13, 22, 59)  # 23:59 at +01:00, in UTC
    assert main(["release", "a1_mlp", "--course", str(tmp_path / "course")]) == 0
    assert "already released" in capsys.readouterr().out


def _submitted(tmp_path, student):
    course = Course(tmp_path / "course")
    course.setup()
    course.generate("a1_mlp")
    course.release("a1_mlp")
    home = tmp_path / "home" / student
    folder = course.fetch("a1_mlp", student, home)
    answer_notebook(assignments.load("a1_mlp"), folder / "a1_mlp.ipynb", Persona(student, "reference"))
    course.submit("a1_mlp", student, home)
    return course


def test_a_forged_early_timestamp_is_caught_by_the_arrival_time(tmp_path):
    """The student rewrites what their own account can: timestamp.txt, the folder's name, every mtime."""
    course = _submitted(tmp_path, "ada")
    (inbound,) = course.inbound().glob("ada+a1_mlp+*")
    early = datetime.now(timezone.utc) - timedelta(days=3)
    claimed = early.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (inbound / "timestamp.txt").write_text(claimed)
    forged = inbound.with_name(f"ada+a1_mlp+{claimed}+{inbound.name.rsplit('+', 1)[1]}")
    inbound.rename(forged)
    for path in (forged, *forged.rglob("*")):
        os.utime(path, (early.timestamp(), early.timestamp()))
    course.collect("a1_mlp")
    arrival = course.submission_time("ada", "a1_mlp")
    assert abs(arrival.claimed - early) < timedelta(seconds=1)
    assert datetime.now(timezone.utc) - arrival.arrived < timedelta(minutes=5)
    assert "lateness uses the arrival" in arrival.disagreement()
    # the student's own copy of the arrival record in the submission is not believed
    assert json.loads((course.submitted("a1_mlp")["ada"] / ARRIVAL).read_text())["inbound"] == forged.name


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a folder owned by another account (root chowns it)")
def test_a_submission_written_by_another_account_is_refused_at_collect(tmp_path):
    course = _submitted(tmp_path, "nobody")  # an account that exists: its own submission is accepted
    (honest,) = course.inbound().glob("nobody+a1_mlp+*")
    for path in (honest, *honest.rglob("*")):
        os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    forged = course.inbound() / "daemon+a1_mlp+2026-10-01 10:00:00.000000 UTC+x1"
    shutil.copytree(honest, forged)
    for path in (forged, *forged.rglob("*")):
        os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)  # written by nobody, named for daemon
    course._check(course._api(ExchangeCollect={"check_owner": True}).collect("a1_mlp"), "collect")
    assert set(course.submitted("a1_mlp")) == {"nobody"}
    assert (course.root / "refused" / "a1_mlp" / forged.name).is_dir()  # a copy for the record
    assert [(r["named_for"], r["owner"]) for r in course.refused("a1_mlp")] == [("daemon", "nobody")]
