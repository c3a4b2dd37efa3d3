"""The demo's paper exam (course A): forms printed, marked by two TAs per question, and imported.

Each student gets a form in roster order (A, B, C, D, A, ...); a TA's points per question follow
the student's ability and the question's difficulty, in half points. The student in the middle of
the roster missed the exam: no rows at all, so no exam score."""
from __future__ import annotations

import csv
import math
import random

from ..course import Course
from ..exams import manifest as manifests
from ..exams.exam_file import load_exam
from ..exams.paper import import_scores, write_forms
from ..exams.release import release_exam

GRADERS = ("ta_kim", "ta_ravi")


def mark_paper_exam(course: Course, exam_id: str, students: list[str], seed: int = 5) -> list[dict]:
    exam = load_exam(exam_id)
    rng = random.Random(seed)
    release_exam(course, exam)
    write_forms(course.root, exam)
    forms = sorted(manifests.read(manifests.exam_dir(course.root, exam.id))["variants"])
    difficulty = {s.id: rng.gauss(0, 0.8) for s in exam.slots}
    absent = students[len(students) // 2]
    path = course.root / "exam_scores.csv"
    records = []
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["student", "form", "question", "points", "grader", "comment"])
        for i, student in enumerate(students):
            if student == absent:
                records.append({"assignment": exam.id, "student": student, "kind": "absent"})
                continue
            form, ability = forms[i % len(forms)], rng.gauss(0.4, 1.0)
            for k, slot in enumerate(exam.slots):
                share = 1 / (1 + math.exp(-(1.5 * ability - difficulty[slot.id] + rng.gauss(0, 0.5))))
                points = min(slot.points, round(2 * share * slot.points) / 2)
                out.writerow([student, form, slot.id, f"{points:g}", GRADERS[k % 2], ""])
            records.append({"assignment": exam.id, "student": student, "kind": f"form {form}",
                            "ability": round(ability, 3)})
    import_scores(course, exam, path)
    return records
