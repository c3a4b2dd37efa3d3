"""An exam's report: item analysis over every graded response, and the copies to look at.

Points come from nbgrader's gradebook (a TA's score over the automatic one, so the formgrader's
manual questions count); which variant and which named mistake come from ``results.json``
(online) or ``forms.json`` (paper: the variant of a question is the student's form)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..course import Course
from ..gradebook import CourseGradebook
from .analysis import ItemAnalysis, Response, analyse, to_html, to_text
from .exam_file import Exam
from .manifest import exam_dir


def responses(course: Course, exam: Exam) -> list[Response]:
    folder = exam_dir(course.root, exam.id)
    results = json.loads((folder / "results.json").read_text()) if (folder / "results.json").is_file() else None
    forms = json.loads((folder / "forms.json").read_text()) if (folder / "forms.json").is_file() else {}
    detail = {(r["student"], s["slot"]): s for r in (results or {}).get("students", []) for s in r["slots"]}
    out = []
    for sub in CourseGradebook(course.db_url, course.course_id).assignment_scores(exam.id):
        for cell in sub.cells:
            graded = cell.manual is not None or (cell.auto is not None and not cell.needs_review)
            seen = detail.get((sub.student, cell.cell))
            if seen is None and sub.student not in forms:
                continue  # not sat
            variant = seen["template"] if seen else f"form {forms[sub.student]}"
            out.append(Response(sub.student, cell.cell, variant, cell.score if graded else None, cell.max_score,
                                seen.get("distractor") if seen else None,
                                seen["answered"] if seen else True))
    return out


def flagged(course: Course, exam: Exam) -> list[tuple[str, str]]:
    path = exam_dir(course.root, exam.id) / "results.json"
    if not path.is_file():
        return []
    return [(r["student"], f) for r in json.loads(path.read_text())["students"]
            for f in r["flags"] + ([r["error"]] if r["error"] else [])]


def exam_section(course: Course, exam: Exam) -> str:
    """The report's HTML section: item analysis, then the flagged copies."""
    from ..report import _e, _note, _section, _table

    found = responses(course, exam)
    if not found:
        return _section("exam", f"Exam {exam.title}", "", _note("No graded exam responses yet."))
    body = to_html(analyse(found))
    flags = flagged(course, exam)
    if flags:
        body += _section("exam-flags", "Exam copies to check",
                         "Copied or altered notebooks (flagged for review, no total until a TA scores them), "
                         "late submissions (not graded: the copy taken at the window's end counts) and "
                         "students without a copy.", _table(["student", "flag"], [[s, f] for s, f in flags]))
    return _section("exam", f"Exam: {_e(exam.title)}", f"{len({r.student for r in found})} students, "
                    f"{len(exam.slots)} questions, {exam.max_points:g} points.", body)


def exam_report(course: Course, exam: Exam, out_dir: Path | None = None) -> tuple[ItemAnalysis, str, Path]:
    from ..report import CSS, _e

    analysis = analyse(responses(course, exam))
    out_dir = out_dir or exam_dir(course.root, exam.id)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    path = out_dir / "exam_report.html"
    path.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(exam.title)} — item analysis</title>
<style>{CSS}</style></head><body><main>
<header><h1>{_e(exam.title)} — item analysis</h1><div class="sub">generated {_e(generated)}</div></header>
{exam_section(course, exam)}
<footer>dlgrade</footer></main></body></html>
""", encoding="utf-8")
    return analysis, to_text(analysis), path
