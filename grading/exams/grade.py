"""Grading an exam against its manifest: the copy the server took, the tag, the answers.

For each student of the manifest:

1. **Which copy**: the server's snapshot at the end of the student's window; else a submission
   collected through nbgrader that arrived inside the window (arrival time from the collector).
   A submission that arrived after the window is never graded, and is named.
2. **Whose copy**: identity is the collector's (the home the snapshot came from, the inbound
   file's owner). The notebook's tag must be that student's; another student's tag means a copied
   notebook: it is graded against the collector's own variants and flagged for review.
3. **The answers**: the notebook's code runs in the sandbox; the answer variables come back as
   plain data (``harness/answers.py``) and are compared here with the frozen answers; a wrong
   answer that equals a named distractor is recorded for item analysis.
4. **Scores per question** go into nbgrader's gradebook (manual questions stay for the
   formgrader), and everything into ``results.json``.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from autograder.notebook import NotebookError

from ..course import Course
from ..gradebook import CourseGradebook
from . import manifest as manifests
from .exam_file import Exam
from .kinds import kind_from
from .notebooks import read_answers
from .window import Window, snapshot_dir, windows

HARNESS = Path(__file__).resolve().parent / "harness"
CELL_TIMEOUT = 10.0
READ_TIMEOUT = 30.0


@dataclass
class SlotScore:
    slot: str
    template: str
    points: float | None  # None: a manual question, or not graded
    max_points: float
    answered: bool
    distractor: str | None = None  # the named mistake a wrong answer matched
    given: str = ""


@dataclass
class ExamScore:
    student: str
    copy: str  # "snapshot" | "submission" | "none"
    taken_at: str | None
    slots: list[SlotScore] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def total(self) -> float:
        return sum(s.points or 0.0 for s in self.slots)

    def to_dict(self) -> dict:
        return asdict(self) | {"total": self.total}


def pick_copy(course: Course, exam: Exam, student: str, window: Window, now: datetime,
              submitted: dict[str, Path]) -> tuple[Path | None, str, datetime | None, list[str]]:
    """(notebook, "snapshot" | "submission", when, flags) of the copy to grade; ``submitted``:
    ``course.submitted(exam.id)``, listed once per grading run."""
    flags, in_window = [], None
    sub = submitted.get(student)
    if sub is not None:
        arrived = course.submission_time(student, exam.id).trusted
        if arrived is None:
            flags.append("a submission without a trusted arrival time was not graded")
        elif not window.contains(arrived):
            flags.append(f"submitted at {arrived:%Y-%m-%d %H:%M:%S} UTC, " + (
                f"{_span(arrived - window.end)} after the window ended at "
                f"{window.end.astimezone(arrived.tzinfo):%H:%M:%S}" if arrived > window.end else
                f"before the window started at {window.start.astimezone(arrived.tzinfo):%H:%M:%S}")
                + ": that copy is not graded")
        else:
            in_window = (sub / f"{exam.id}.ipynb", arrived)
    taken_file = snapshot_dir(course.root, exam.id, student) / "taken.json"
    if taken_file.is_file():
        taken = json.loads(taken_file.read_text())
        if not taken.get("missing"):
            return taken_file.parent / f"{exam.id}.ipynb", "snapshot", datetime.fromisoformat(taken["taken_at"]), flags
        flags.append(f"no notebook at the end of the window ({taken['missing']})")
    elif now < window.end:
        flags.append("the window is still open")
        return None, "none", None, flags
    if in_window:
        return in_window[0], "submission", in_window[1], flags
    return None, "none", None, flags


def _span(delta) -> str:
    seconds = delta.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def whose_tag(tag: str | None, variants: dict) -> str | None:
    for who, entry in variants.items():
        if entry["tag"] == tag:
            return who
    return None


def read_values(code: list[str], entry: dict, sandboxed: bool = True) -> tuple[dict, list[str]]:
    """slot -> [status, value] for answer variables, [status, outputs] for code questions."""
    from autograder.plugin import time_limit
    from autograder.sandbox.bwrap import Limits

    names = [s for s, v in entry["slots"].items() if v["kind"]["kind"] not in ("manual", "code")]
    calls = {s: (v["kind"]["function"], v["cases"]) for s, v in entry["slots"].items() if v["kind"]["kind"] == "code"}
    if sandboxed:
        from autograder.sandbox.proxy import Sandbox, SandboxStudent

        box = Sandbox(code, CELL_TIMEOUT, Limits(memory_bytes=1 << 30, cpu_seconds=120), harness=HARNESS)
        box.start()
        student, stop, problems = SandboxStudent(box), box.stop, box.load_problems
    else:
        from autograder.plugin import run_cells
        from autograder.student import Student

        module, problems = run_cells(code, CELL_TIMEOUT)
        student, stop = Student(module, HARNESS), (lambda: None)
    try:
        answers = student.harness("answers")
        with time_limit(READ_TIMEOUT):
            values = dict(zip(names, answers.read(names)))
        for slot, (function, cases) in calls.items():
            with time_limit(READ_TIMEOUT):
                outputs = answers.call(function, cases)
            # a function that raises on every case (the notebook's stub) is no answer
            values[slot] = ["missing", None] if outputs is None or all(o is None for o in outputs) else ["ok", outputs]
    finally:
        stop()
    return values, list(problems)


def score_slot(slot: str, v: dict, status: str, value, override: dict | None) -> SlotScore:
    kind = kind_from(v["kind"])
    out = SlotScore(slot, v["template"], None, v["points"], status == "ok" and value is not None)
    if status == "unreadable":
        out.given = f"<a {value}>"
    elif out.answered:
        out.given = json.dumps(value)[:200]
    if not kind.auto:
        out.answered = status == "ok" and bool(value)
        return out
    share = kind.safe_score(value, v["answer"]) if out.answered else 0.0
    if share < 1 and out.answered:
        out.distractor = next((name for name, wrong in v["distractors"].items()
                               if kind.safe_score(value, wrong) >= 1), None)
    if override and override["action"] == "full_marks":
        share = 1.0
    elif override and override["action"] == "accept" and out.distractor in override.get("distractors", []):
        share = 1.0
    out.points = round(share * v["points"], 6)
    return out


def grade_one(course: Course, exam: Exam, manifest: dict, student: str, window: Window, now: datetime,
              submitted: dict[str, Path], sandboxed: bool = True) -> ExamScore:
    path, copy, when, flags = pick_copy(course, exam, student, window, now, submitted)
    result = ExamScore(student, copy, when.isoformat() if when else None, flags=flags)
    if path is None:
        result.error = "no copy to grade"
        return result
    try:
        answers = read_answers(path)
    except NotebookError as exc:
        result.error = str(exc)
        return result
    entry = manifest["variants"][student]
    if answers.tag != entry["tag"]:
        owner = whose_tag(answers.tag, manifest["variants"])
        result.flags.append(f"copied: this is {owner}'s notebook (its tag is theirs); graded against "
                            f"{student}'s own questions" if owner else
                            "the notebook's tag is missing or altered: it is not the copy made for this student")
    try:
        values, problems = read_values(answers.code, entry, sandboxed)
    except Exception as exc:  # the sandbox died or timed out: this student, not the batch
        result.error = f"the notebook's code could not be run to the end ({type(exc).__name__}: {exc})"
        return result
    result.flags += [f"cell problem: {p}" for p in problems[:3]]
    for slot in entry["order"]:
        v = entry["slots"][slot]
        status, value = values.get(slot, ["ok", answers.manual.get(slot)]) if v["kind"]["kind"] != "manual" \
            else ["ok", answers.manual.get(slot, "").replace("YOUR ANSWER HERE", "").strip()]
        result.slots.append(score_slot(slot, v, status, value, manifest["overrides"].get(slot)))
    if not any(s.answered for s in result.slots):
        result.error = "no answer in the copy: the exam was not sat"
        return result
    # nbgrader's formgrader shows manual questions from the autograded copy
    target = course.root / "autograded" / student / exam.id
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target / f"{exam.id}.ipynb")
    return result


def grade_exam(course: Course, exam: Exam, sandboxed: bool = True, now: datetime | None = None,
               progress: bool = False) -> list[ExamScore]:
    """Grade every student of the manifest; record scores per question; write results.json."""
    from datetime import timezone

    folder = manifests.exam_dir(course.root, exam.id)
    manifest = manifests.read(folder)
    students = sorted(manifest["variants"])
    ends = windows(folder, exam, students)
    now = now or datetime.now(timezone.utc)
    iterator = students
    if progress:
        from tqdm import tqdm
        iterator = tqdm(students, desc=f"grading {exam.id}", unit="student")
    results, submitted = [], course.submitted(exam.id)
    with CourseGradebook(course.db_url, course.course_id) as gradebook:
        for student in iterator:
            result = grade_one(course, exam, manifest, student, ends[student], now, submitted, sandboxed)
            results.append(result)
            if result.error is None:
                gradebook.record_cells(exam.id, student, {s.slot: s.points for s in result.slots},
                                       review=any(f.startswith(("copied", "the notebook's tag")) for f in result.flags))
    (folder / "results.json").write_text(json.dumps(
        {"exam": exam.id, "revision": manifest["revision"], "manifest_sha256": manifests.digest(manifest),
         "graded_at": now.isoformat(), "students": [r.to_dict() for r in results]}, indent=1))
    return results
