"""An online exam end to end on files: release, deliver, answer, snapshot, collect, grade, regrade."""
import html
import json
import os
import shutil
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from grading.course import Course
from grading.exams import manifest as manifests
from grading.exams.exam_file import ExamFileError, load_exam
from grading.exams.grade import grade_exam
from grading.exams.notebooks import fill
from grading.exams.release import release_exam
from grading.exams.seeds import load_secret
from grading.exams.template import load_bank
from grading.exams.window import deliver, home_copy, snapshot
from grading.gradebook import CourseGradebook
from grading.grades import exam_totals

EXAM = """
[exam]
id = "quiz"
title = "Quiz"
duration_minutes = 60
[[zones]]
title = "CNN"
shuffle = true
slots = [ {{ id = "q01", points = 1, templates = ["conv_output_size"] }},
          {{ id = "q02", points = 2, templates = ["conv_output_size"] }},
          {{ id = "q03", points = 1, templates = ["conv_output_size"] }} ]
"""
STUDENTS = ["ada", "bob", "cy", "dee", "eve"]
NOW = datetime.now(timezone.utc)


@pytest.fixture
def quiz(tmp_path):
    folder = tmp_path / "exams" / "quiz"
    folder.mkdir(parents=True)
    (folder / "exam.toml").write_text(EXAM.format())
    course = Course(tmp_path / "course")
    course.setup()
    (course.root / "roster.csv").write_text("id,first_name,last_name\n" + "".join(f"{s},{s},X\n" for s in STUDENTS))
    exam = load_exam(folder / "exam.toml")
    release_exam(course, exam)
    return course, exam, str(tmp_path / "homes" / "{student}")


def variants(course, exam):
    return manifests.read(manifests.exam_dir(course.root, exam.id))["variants"]


def right(entry, slot):
    return f"{slot} = {json.dumps(entry['slots'][slot]['answer'])}"


def answer_all(course, exam, homes, student, overrides=None):
    entry = variants(course, exam)[student]
    sources = {slot: right(entry, slot) for slot in entry["slots"]} | (overrides or {})
    fill(home_copy(homes, student, exam.id), sources)


def test_each_student_gets_their_own_frozen_variants_and_the_staff_files_are_private(quiz):
    course, exam, homes = quiz
    drawn = variants(course, exam)
    params = {s: [drawn[s]["slots"][q]["params"] for q in ("q01", "q02", "q03")] for s in STUDENTS}
    assert len({json.dumps(p) for p in params.values()}) == len(STUDENTS)
    folder = manifests.exam_dir(course.root, exam.id)
    for private in ("manifest.json", "secret.key", "samples.md", f"notebooks/ada/{exam.id}.ipynb"):
        assert stat.S_IMODE((folder / private).stat().st_mode) == 0o600, private
    # The same secret draws the same variants: nothing depends on the process or the clock.
    again = manifests.draw(exam, load_secret(folder), ["ada"], load_bank())["variants"]["ada"]
    assert again["slots"] == drawn["ada"]["slots"] and again["tag"] == drawn["ada"]["tag"]
    # Releasing again adds a late enrolment and keeps everyone else frozen.
    with open(course.root / "roster.csv", "a") as fh:
        fh.write("fay,fay,X\n")
    done = release_exam(course, exam)
    assert done.new == ["fay"] and variants(course, exam)["ada"] == drawn["ada"]


def test_a_reroll_moves_only_that_students_slot_and_is_logged(quiz):
    course, exam, _ = quiz
    folder = manifests.exam_dir(course.root, exam.id)
    before = variants(course, exam)
    after = manifests.change(folder, exam, load_secret(folder), load_bank(), "reroll", "q02", student="bob",
                             reason="H + 2p < k in the printed text")["variants"]
    assert after["bob"]["slots"]["q02"]["reroll"] == 1
    assert after["bob"]["slots"]["q02"]["params"] != before["bob"]["slots"]["q02"]["params"]
    assert after["bob"]["tag"] != before["bob"]["tag"]
    assert {s: after[s] for s in STUDENTS if s != "bob"} == {s: before[s] for s in STUDENTS if s != "bob"}
    assert after["bob"]["slots"]["q01"] == before["bob"]["slots"]["q01"]
    logged = [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]
    assert logged[-1]["action"] == "reroll" and logged[-1]["student"] == "bob" and logged[-1]["revision"] == 2


def test_grading_scores_per_question_names_mistakes_and_flags_a_copied_notebook(quiz):
    course, exam, homes = quiz
    deliver(course.root, exam, homes, start=NOW - timedelta(hours=2))
    drawn = variants(course, exam)
    answer_all(course, exam, homes, "ada")
    mistake, wrong = next(iter(drawn["bob"]["slots"]["q02"]["distractors"].items()))
    answer_all(course, exam, homes, "bob", {"q02": f"q02 = {json.dumps(wrong)}", "q03": "q03 = None"})
    # cy hands in ada's notebook; dee's answers are an object that claims to equal anything
    shutil.copyfile(home_copy(homes, "ada", exam.id), home_copy(homes, "cy", exam.id))
    answer_all(course, exam, homes, "dee", {"q01": "class Anything:\n    def __eq__(self, other): return True\n"
                                                   "q01 = Anything()"})
    home_copy(homes, "eve", exam.id).write_text("{ not json")
    assert sorted(snapshot(course.root, exam, homes, STUDENTS)) == STUDENTS

    results = {r.student: r for r in grade_exam(course, exam)}
    assert results["ada"].total == 4 and results["ada"].flags == [] and results["ada"].copy == "snapshot"
    bob = {s.slot: s for s in results["bob"].slots}
    assert results["bob"].total == 1 and bob["q02"].distractor == mistake and not bob["q03"].answered
    assert any(f.startswith("copied: this is ada's notebook") for f in results["cy"].flags)
    assert {s.slot: s.points for s in results["dee"].slots}["q01"] == 0
    assert "not a readable notebook" in results["eve"].error

    gradebook = CourseGradebook(course.db_url, course.course_id)
    cells = {c.cell: c for c in gradebook.submission_scores(exam.id, "bob").cells}
    assert (cells["q01"].auto, cells["q02"].auto, cells["q03"].auto) == (1, 0, 0)
    assert all(c.needs_review for c in gradebook.submission_scores(exam.id, "cy").cells)
    totals = exam_totals(gradebook, exam.id)
    assert totals["ada"] == 4 and totals["bob"] == 1 and "cy" not in totals and "eve" not in totals


def test_the_window_decides_which_copy_counts(quiz):
    course, exam, homes = quiz
    folder = manifests.exam_dir(course.root, exam.id)
    (folder / "extensions.csv").write_text("student,minutes\nbob,600\n")
    deliver(course.root, exam, homes, start=NOW - timedelta(minutes=90))  # an hour's exam, over for all but bob
    answer_all(course, exam, homes, "ada", {"q01": "q01 = None"})
    snapshot(course.root, exam, homes, STUDENTS)
    assert not (folder / "snapshots" / "bob").exists()  # bob's window is still open
    # ada finishes after her time and submits through nbgrader: the copy taken at the end counts
    answer_all(course, exam, homes, "ada")
    answer_all(course, exam, homes, "bob")
    for student in ("ada", "bob"):
        course.submit(exam.id, student, Path(homes.format(student=student)))
    course.collect(exam.id)

    results = {r.student: r for r in grade_exam(course, exam)}
    assert results["ada"].copy == "snapshot" and results["ada"].total == 3
    assert any("after the window ended" in f and "not graded" in f for f in results["ada"].flags)
    assert results["cy"].error == "no answer in the copy: the exam was not sat"  # an absent student
    # bob's extended window is open: he may still change his answers, so he is not graded yet
    assert results["bob"].error == "no copy to grade" and "the window is still open" in results["bob"].flags
    gradebook = CourseGradebook(course.db_url, course.course_id)
    assert gradebook.submission_scores(exam.id, "bob") is None
    # ... and when it ends, his copy is taken and graded
    later = NOW + timedelta(hours=10)
    assert snapshot(course.root, exam, homes, STUDENTS, now=later) == ["bob"]
    bob = {r.student: r for r in grade_exam(course, exam, now=later)}["bob"]
    assert bob.copy == "snapshot" and bob.total == 4 and bob.flags == []
    assert gradebook.submission_scores(exam.id, "bob").score == 4


def test_regrade_gives_full_marks_or_accepts_a_named_mistake_with_a_log(quiz):
    course, exam, homes = quiz
    deliver(course.root, exam, homes, start=NOW - timedelta(hours=2))
    drawn = variants(course, exam)
    name = next(iter(drawn["bob"]["slots"]["q02"]["distractors"]))
    answer_all(course, exam, homes, "bob", {"q02": f"q02 = {json.dumps(drawn['bob']['slots']['q02']['distractors'][name])}"})
    answer_all(course, exam, homes, "ada", {"q01": "q01 = -1"})
    snapshot(course.root, exam, homes, STUDENTS)
    folder = manifests.exam_dir(course.root, exam.id)
    manifests.change(folder, exam, load_secret(folder), load_bank(), "accept", "q02", accept=[name],
                     reason="the text did not say floor")
    manifests.change(folder, exam, load_secret(folder), load_bank(), "full_marks", "q01", reason="misprint")
    results = {r.student: r for r in grade_exam(course, exam)}
    assert results["bob"].total == 4 and results["ada"].total == 4
    with pytest.raises(ExamFileError, match="distractors to count as right"):
        manifests.change(folder, exam, load_secret(folder), load_bank(), "accept", "q02", accept=["no such"], reason="x")
    actions = [json.loads(line)["action"] for line in (folder / "log.jsonl").read_text().splitlines()]
    assert actions == ["release", "accept", "full_marks"]


def test_answers_cannot_read_the_manifest_or_hang_the_grading(quiz):
    course, exam, homes = quiz
    deliver(course.root, exam, homes, start=NOW - timedelta(hours=2))
    folder = manifests.exam_dir(course.root, exam.id)
    entry = variants(course, exam)["ada"]
    answer_all(course, exam, homes, "ada", {
        "q01": f"try:\n    q01 = open({str(folder / 'manifest.json')!r}).read()\nexcept OSError as e:\n    q01 = str(e)",
        "q02": "while True:\n    pass",
    })
    snapshot(course.root, exam, homes, STUDENTS)
    ada = {r.student: r for r in grade_exam(course, exam)}["ada"]
    slots = {s.slot: s for s in ada.slots}
    assert slots["q01"].points == 0 and "No such file" in slots["q01"].given
    assert (folder / "secret.key").read_text() not in json.dumps(ada.to_dict())
    assert any("stopped after" in f for f in ada.flags) and slots["q02"].points == 0
    assert slots["q03"].points == 1 and slots["q03"].given == json.dumps(entry["slots"]["q03"]["answer"])


def test_the_cli_releases_delivers_snapshots_grades_and_reports(quiz, tmp_path, capsys):
    from grading.cli import main

    course, exam, _ = quiz
    course.write_config_file()
    path, where = str(exam.source), ["--course", str(course.root)]
    homes = str(tmp_path / "cli-homes" / "{student}")
    assert main(["exam", "deliver", path, *where, "--homes", homes, "--start",
                 (NOW - timedelta(hours=2)).isoformat()]) == 0
    answer_all(course, exam, homes, "ada")
    answer_all(course, exam, homes, "bob", {"q01": "q01 = -3"})
    assert main(["exam", "snapshot", path, *where, "--homes", homes]) == 0
    capsys.readouterr()
    assert main(["exam", "grade", path, *where, "--json"]) == 0
    graded = {r["student"]: r for r in json.loads(capsys.readouterr().out)}
    assert graded["ada"]["total"] == 4 and graded["bob"]["total"] == 3
    assert main(["exam", "report", path, *where, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exam"]["students"] == 2
    assert (manifests.exam_dir(course.root, exam.id) / "exam_report.html").is_file()
    assert main(["exam", "regrade", path, *where, "--slot", "q09", "--full-marks", "--reason", "x"]) == 2
    assert "no slot 'q09'" in capsys.readouterr().err


def test_feedback_after_grading_shows_each_question_with_its_key_and_the_named_mistake(quiz, tmp_path):
    from grading.exams.feedback import write_feedback

    course, exam, homes = quiz
    deliver(course.root, exam, homes, start=NOW - timedelta(hours=2))
    drawn = variants(course, exam)["bob"]["slots"]["q02"]
    mistake, wrong = next(iter(drawn["distractors"].items()))
    answer_all(course, exam, homes, "bob", {"q02": f"q02 = {json.dumps(wrong)}"})
    snapshot(course.root, exam, homes, STUDENTS)
    grade_exam(course, exam)
    pages = write_feedback(course, exam, homes)
    assert [p.name for p in pages] == ["bob.html"]
    page = home_copy(homes, "bob", exam.id).with_name("feedback.html").read_text()
    assert "2 of 4 points" in page and "0 / 2" in page and html.escape(mistake) in page
    assert f"<code>{drawn['key']}</code>" in page
