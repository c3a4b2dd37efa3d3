"""What a student sees after the exam, when ``feedback = "after_release"``: each of their questions
with their answer, the key, their points, and the mistake their answer matched. Nothing of the
kind exists during the exam (the notebook's check cell looks at the form of answers only)."""
from __future__ import annotations

import html
import json
from pathlib import Path

from ..course import Course
from ..gradebook import CourseGradebook
from .exam_file import Exam, ExamFileError
from .manifest import exam_dir, read, write_private
from .window import home_copy, place


def _page(exam: Exam, student: str, entry: dict, result: dict, cells: dict) -> str:
    e = html.escape
    rows = []
    detail = {s["slot"]: s for s in result["slots"]}
    for number, slot in enumerate(entry["order"], start=1):
        v, got = entry["slots"][slot], detail.get(slot, {})
        cell = cells.get(slot)
        points = "to be marked" if cell is None or cell.score is None else f"{cell.score:g} / {v['points']:g}"
        mistake = f"<p class='m'>Your answer matches a known mistake: {e(got['distractor'])}.</p>" if got.get("distractor") else ""
        rows.append(f"<section><h3>Question {number} <span>{e(points)}</span></h3><div class='q'>{e(v['text'])}</div>"
                    f"<p>Your answer: <code>{e(got.get('given') or '(none)')}</code></p>"
                    f"<p>Answer: <code>{e(str(v['key']))}</code></p>{mistake}</section>")
    total = sum(c.score for c in cells.values() if c.score is not None)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(exam.title)}: feedback</title><style>"
            "body{font:15px/1.5 sans-serif;max-width:820px;margin:2em auto;padding:0 1em}"
            "section{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:.8em 0}"
            "h3{margin:.2em 0;display:flex;justify-content:space-between}.q{white-space:pre-wrap}"
            ".m{color:#a33}</style></head><body>"
            f"<h1>{e(exam.title)}</h1><p>{e(student)}: {total:g} of {exam.max_points:g} points.</p>"
            + "".join(rows) + "</body></html>")


def write_feedback(course: Course, exam: Exam, home_pattern: str | None = None, accounts: bool = False) -> list[Path]:
    """One page per graded student in ``COURSE/exams/<exam>/feedback/``; with ``home_pattern``, a copy
    into each student's exam folder as well (``accounts``: owned by the student)."""
    if exam.feedback == "none":
        raise ExamFileError(f"{exam.id} says feedback = \"none\" ({exam.source}): students see their total only")
    folder = exam_dir(course.root, exam.id)
    results_file = folder / "results.json"
    if not results_file.is_file():
        raise ExamFileError(f"{exam.id} is not graded yet: dlgrade exam grade {exam.id} --course {course.root}")
    manifest, results = read(folder), json.loads(results_file.read_text())["students"]
    gradebook = CourseGradebook(course.db_url, course.course_id)
    written = []
    for result in results:
        student = result["student"]
        scores = gradebook.submission_scores(exam.id, student)
        if result["error"] or scores is None:
            continue
        cells = {c.cell: c for c in scores.cells}
        page = _page(exam, student, manifest["variants"][student], result, cells)
        written.append(write_private(folder / "feedback" / f"{student}.html", page))
        if home_pattern:
            target = home_copy(home_pattern, student, exam.id).with_name("feedback.html")
            if accounts:  # as root into the student's home: never through a link they planted
                place(page.encode("utf-8"), target, student, replace=lambda *_: True)
            elif target.parent.is_dir():
                write_private(target, page)
    return written
