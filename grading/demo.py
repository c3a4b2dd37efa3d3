"""The demo course, end to end: release, a synthetic cohort submits, collect, autograde, grade sheet."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tqdm import tqdm

from autograder.batch import Settings

from .autograde import autograde
from .cohort import answer_notebook, make_cohort
from .course import Course
from .gradebook import CourseGradebook
from .sheet import grade_table

ASSIGNMENT = "a1_mlp"
DUE = datetime(2026, 10, 9, 23, 59, tzinfo=timezone.utc)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


def run_demo(course_dir: Path, size: int = 32, workers: int | None = None, timeout: float = 60.0,
             quiet: bool = False, scheduler: str | None = None) -> Path:
    say = (lambda *_: None) if quiet else print
    course = build_demo_course(course_dir, size, quiet)
    course_dir = course.root
    submitted = course.submitted(ASSIGNMENT)

    say(f"[4/5] autograding {len(submitted)} submissions in the sandbox ({timeout:g} s limit each)")
    autograde(course, ASSIGNMENT, workers, scheduler, settings=Settings(timeout=timeout), progress=not quiet)
    results_dir = course_dir / "autograded"

    say("[5/5] grade sheet from the gradebook")
    table = grade_table(CourseGradebook(course.db_url, course.course_id), ASSIGNMENT, results_dir, due=DUE)
    sheet = course_dir / "grades.csv"
    table.to_csv(sheet, index=False)
    if not quiet:
        print(table.to_string(index=False, max_colwidth=60))
        print(f"\ngrade sheet: {sheet}\ngradebook:   {course.db_url}\nfeedback:    {course_dir / 'feedback'}")
    return sheet


def build_demo_course(course_dir: Path, size: int = 32, quiet: bool = False) -> Course:
    """A fresh course with Assignment 1 released, submitted by a synthetic cohort and collected."""
    course_dir = Path(course_dir).resolve()
    if course_dir.exists():
        shutil.rmtree(course_dir)
    say = (lambda *_: None) if quiet else print
    course = Course(course_dir)
    course.setup()

    say(f"[1/5] building {ASSIGNMENT} from reference/ and releasing it (nbgrader generate + release)")
    course.generate(ASSIGNMENT)
    gradebook = CourseGradebook(course.db_url, course.course_id)
    _set_due_date(course, DUE)
    course.release(ASSIGNMENT)

    cohort = make_cohort(size)
    say(f"[2/5] {len(cohort)} students fetch, answer and submit through nbgrader's exchange")
    gradebook.ensure_students([p.student for p in cohort])
    for persona in tqdm(cohort, disable=quiet, unit="student", leave=False):
        home = course_dir / "students" / persona.student
        folder = course.fetch(ASSIGNMENT, persona.student, home)
        answer_notebook(folder / f"{ASSIGNMENT}.ipynb", persona)
        course.submit(ASSIGNMENT, persona.student, home)
    _backdate_submissions(course, {p.student: p.late_hours for p in cohort})

    say("[3/5] collecting submissions (nbgrader collect)")
    course.collect(ASSIGNMENT)
    (course_dir / "cohort.json").write_text(json.dumps(
        [{"student": p.student, "kind": p.kind, "bugs": p.bugs, "late_hours": p.late_hours} for p in cohort],
        indent=1), encoding="utf-8")
    return course


def _set_due_date(course: Course, due: datetime) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=due.replace(tzinfo=None))


def _backdate_submissions(course: Course, late_hours: dict[str, float]) -> None:
    """Give each inbound submission a believable time: spread before the deadline, or late."""
    for i, folder in enumerate(sorted(course.inbound().iterdir())):
        student = folder.name.split("+")[0]
        late = late_hours.get(student, 0.0)
        when = DUE + timedelta(hours=late) if late else DUE - timedelta(hours=2 + (i * 7) % 70)
        (folder / "timestamp.txt").write_text(when.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
