"""The demo's students sit course B's exam: released, delivered, answered, taken at the end of each
window, graded, and analysed.

Each student has an ability and each template a difficulty (a Rasch model), so the item analysis
has something to find. A wrong answer is usually one of the question's named mistakes. Among the
students: the one in the middle of the roster does not turn up (an untouched notebook), the
second hands in the first's notebook (a copy), and the third runs out of time: the copy the server
took at the end of the window has half the answers; the full notebook, submitted afterwards
through nbgrader, is not graded."""
from __future__ import annotations

import json
import math
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..course import Course
from ..exams import manifest as manifests
from ..exams.exam_file import load_exam
from ..exams.grade import grade_exam
from ..exams.notebooks import fill
from ..exams.release import release_exam
from ..exams.window import deliver, home_copy, snapshot

EXTRA_MINUTES = 30  # the demo's one extension (extra time for a student with an accommodation)


def _answer(slot: str, v: dict, right: bool, rng: random.Random) -> str | None:
    kind = v["kind"]["kind"]
    if kind == "code":
        fn = v["kind"]["function"]
        return v["key"] if right else f"def {fn}(*args):\n    return 0.0"
    if right:
        return f"{slot} = {json.dumps(v['answer'])}"
    roll = rng.random()
    if roll < 0.1:
        return None
    if v["distractors"] and roll < 0.8:
        return f"{slot} = {json.dumps(rng.choice(sorted(v['distractors'].values(), key=str)))}"
    if kind in ("choice", "choiceset"):
        return f"{slot} = 'H'"
    if kind in ("exact", "relabs", "sigfigs") and isinstance(v["answer"], (int, float)):
        return f"{slot} = {v['answer'] * 1.37 + 1}"
    return f"{slot} = 0"


def sit_exam(course: Course, exam_id: str, students: list[str], seed: int = 7, quiet: bool = True) -> list[dict]:
    """The whole sitting; returns one record per student for cohort.json."""
    exam = load_exam(exam_id)
    rng = random.Random(seed)
    release_exam(course, exam, students)
    folder = manifests.exam_dir(course.root, exam.id)
    extended = students[-1]
    (folder / "extensions.csv").write_text(f"student,minutes\n{extended},{EXTRA_MINUTES}\n")
    homes = str(course.root / "students" / "{student}")
    start = datetime.now(timezone.utc) - exam.duration - timedelta(minutes=EXTRA_MINUTES + 5)
    deliver(course.root, exam, homes, start=start)

    variants = manifests.read(folder)["variants"]
    difficulty = {t: rng.gauss(0, 1) for t in sorted({v["template"] for e in variants.values()
                                                     for v in e["slots"].values()})}
    absent, copier, late = students[len(students) // 2], students[1], students[2]
    records, finished = [], {}
    for student in students:
        ability = rng.gauss(0.3, 1.2)
        record = {"assignment": exam.id, "student": student, "ability": round(ability, 3), "kind": "sat"}
        if student == absent:
            records.append(record | {"kind": "absent"})
            continue
        sources = {}
        for slot, v in variants[student]["slots"].items():
            p = 1 / (1 + math.exp(-(1.3 * ability - difficulty[v["template"]] + 0.6)))
            answer = _answer(slot, v, rng.random() < p, rng)
            if answer is not None:
                sources[slot] = answer
        finished[student] = sources
        if student == late:  # the time ran out with half the answers in
            kept = dict(list(sources.items())[: len(sources) // 2])
            fill(home_copy(homes, student, exam.id), kept)
            record["kind"] = "late"
        else:
            fill(home_copy(homes, student, exam.id), sources)
        records.append(record | ({"kind": "extra time"} if student == extended else {}))
    shutil.copyfile(home_copy(homes, students[0], exam.id), home_copy(homes, copier, exam.id))
    next(r for r in records if r["student"] == copier)["kind"] = f"copied {students[0]}'s notebook"

    snapshot(course.root, exam, homes, students)
    fill(home_copy(homes, late, exam.id), finished[late])  # ... finished after the end, and submitted
    course.submit(exam.id, late, Path(homes.format(student=late)))
    course.collect(exam.id)
    grade_exam(course, exam, progress=not quiet)
    return records
