"""nbgrader's real flow: release, fetch and submit as a student, collect; then grade into the gradebook."""

from pathlib import Path

from autograder import assignments
from autograder.runner import grade_notebook
from grading.cohort import Persona, answer_notebook
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
    gradebook.record(result, (submitted["ada"] / "timestamp.txt").read_text().strip())
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
