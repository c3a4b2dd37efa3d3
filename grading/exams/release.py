"""Releasing an exam: draw and check every student's variants, freeze them in the manifest, and
write each student's notebook (online) — staff-only files in the course directory.

Releasing again adds students who joined since (a late enrolment); everyone already drawn keeps
their frozen variants. Before anything is written, every new variant is checked: its answer
scores full marks and each of its distractors scores nothing."""
from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..course import Course
from ..gradebook import CourseGradebook
from . import manifest as manifests
from .exam_file import Exam, ExamFileError
from .notebooks import render, write
from .seeds import load_secret
from .template import check_variant, load_bank

SAMPLES = 3  # variants per slot shown to the instructor, with the key, for vetting


@dataclass
class Released:
    exam: str
    new: list[str]
    kept: list[str]
    folder: Path


def roster_ids(course_root: Path) -> list[str]:
    from ..imports import read_roster

    path = course_root / "roster.csv"
    if not path.is_file():
        raise ExamFileError(f"no roster at {path}: the exam is drawn for the roster's students")
    return [s.id for s in read_roster(path)]


def release_exam(course: Course, exam: Exam, students: list[str] | None = None) -> Released:
    bank = load_bank()
    folder = manifests.exam_dir(course.root, exam.id)
    secret = load_secret(folder, create=True)
    # staff only: the course directory's group (inherited, setgid kept) may enter, nobody else
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o770 | (folder.stat().st_mode & stat.S_ISGID))
    people = students if students is not None else (
        roster_ids(course.root) if exam.mode == "online" else [chr(65 + i) for i in range(exam.forms)])
    old = manifests.read(folder) if (folder / "manifest.json").is_file() else None
    known = set(old["variants"]) if old else set()
    new = [p for p in people if p not in known]
    drawn = manifests.draw(exam, secret, new, bank)
    problems = [f"{who} {slot}: {p}" for who, entry in drawn["variants"].items()
                for slot, v in entry["slots"].items()
                for p in check_variant(_as_variant(v))]
    if problems:
        raise ExamFileError("not released; these variants are unsound:\n  " + "\n  ".join(problems[:20]))
    if old:
        old["variants"].update(drawn["variants"])
        manifest = old
    else:
        manifest = drawn
    manifests.write(folder, manifest)
    manifests.log(folder, {"action": "release", "revision": manifest["revision"], "students": new})
    _gradebook(course, exam)  # paper exams too: the TAs' imported scores go into these cells
    if exam.mode == "online":
        for who in new:
            write(render(exam, who, manifest["variants"][who]), folder / "notebooks" / who / f"{exam.id}.ipynb")
        _placeholder(course, exam)
    _samples(exam, manifest, folder)
    return Released(exam.id, new, sorted(known), folder)


def _as_variant(row: dict):
    from .template import Variant

    return Variant(**{k: row[k] for k in Variant.__dataclass_fields__})


def _gradebook(course: Course, exam: Exam) -> None:
    cells = [(s.id, s.points, "markdown" if _all_manual(exam, s) else "code") for s in exam.slots]
    CourseGradebook(course.db_url, course.course_id).ensure_cells(exam.id, exam.id, cells)


def _all_manual(exam: Exam, slot) -> bool:
    bank = load_bank()
    return all(not bank[t].kind.auto for t in slot.templates)


def _placeholder(course: Course, exam: Exam) -> None:
    """nbgrader's outbound needs the exam so students can submit it from the Assignments tab; it
    holds no questions (each student's own copy is delivered into their home)."""
    if course.is_released(exam.id):
        return
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        f"# {exam.title}\n\nThis placeholder has no questions: your own copy of the exam, `{exam.id}.ipynb`, "
        "takes its place in this folder when the exam starts.")]
    release = course.root / "release" / exam.id
    release.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(release / f"{exam.id}.ipynb"))
    course.release(exam.id)


def _samples(exam: Exam, manifest: dict, folder: Path) -> Path:
    """A markdown page with a few drawn variants per slot and their keys, for the instructor to vet."""
    lines = [f"# {exam.title}: sample variants with keys (revision {manifest['revision']})", ""]
    people = list(manifest["variants"])[:SAMPLES]
    for slot in exam.slots:
        lines += [f"## {slot.id} ({slot.points:g} points; templates: {', '.join(slot.templates)})", ""]
        for who in people:
            v = manifest["variants"][who]["slots"][slot.id]
            lines += [f"**{who}**, {v['template']}: {v['text']}", "", f"Key: `{v['key']}`"]
            if v["distractors"]:
                lines.append("Distractors: " + "; ".join(f"{n} → `{d}`" for n, d in v["distractors"].items()))
            lines.append("")
    return manifests.write_private(folder / "samples.md", "\n".join(lines))
