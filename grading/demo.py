"""The demo course, end to end: release, a synthetic cohort submits, collect, autograde, grade sheet."""
from __future__ import annotations

import csv
import json
import random
import shutil
from datetime import timedelta
from pathlib import Path

from tqdm import tqdm

from autograder.batch import Settings

from .autograde import autograde
from .cohort import answer_notebook, make_cohort
from .course import Course
from .export import per_test_scores, write_canvas, write_csv, write_xlsx
from .gradebook import CourseGradebook
from .grades import course_grade_table
from .policy import load_policy
from .report import write_report
from .sheet import grade_table

ASSIGNMENT = "a1_mlp"
# Course A (exam + home assignments scaled to a bonus) reads well with one assignment graded;
# course B's weighted scheme would fail everybody until all four assignments are in.
POLICY = Path(__file__).resolve().parents[1] / "courses" / "course_a.toml"
_POLICY = load_policy(POLICY)
DUE = _POLICY.assignment(ASSIGNMENT).due
COURSE_ID = _POLICY.course_id
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


def run_demo(course_dir: Path, size: int = 32, workers: int | None = None, timeout: float = 60.0,
             quiet: bool = False, scheduler: str | None = None) -> Path:
    """The whole demo; returns the course directory."""
    say = (lambda *_: None) if quiet else print
    course = build_demo_course(course_dir, size, quiet)
    course_dir = course.root
    submitted = course.submitted(ASSIGNMENT)

    say(f"[4/5] autograding {len(submitted)} submissions in the sandbox ({timeout:g} s limit each)")
    autograde(course, ASSIGNMENT, workers, scheduler, settings=Settings(timeout=timeout), progress=not quiet)
    results_dir = course_dir / "autograded"

    say(f"[5/5] grade sheets and report under {POLICY.name}'s policy (copied to policy.toml)")
    autograded = grade_table(CourseGradebook(course.db_url, course.course_id), ASSIGNMENT, results_dir, due=DUE)
    autograded.to_csv(course_dir / f"autograde_{ASSIGNMENT}.csv", index=False)
    table = course_grade_table(course)
    frame = table.to_frame()
    write_csv(frame, course_dir / "grades.csv", per_test_scores(course_dir, table.policy.assignments))
    write_xlsx(frame, table.policy, course_dir / "grades.xlsx")
    write_canvas(frame, table.policy, course_dir / "canvas.csv")
    report = write_report(frame, table.policy, course_dir, course_dir / "report")
    if not quiet:
        print(autograded.to_string(index=False, max_colwidth=60))
        shown = ["student", "last_name", f"{ASSIGNMENT}_score", f"{ASSIGNMENT}_penalty", "exam_points",
                 "bonus", "final_grade", "passed", "reason"]
        print("\n" + frame[shown].to_string(index=False, max_colwidth=40))
        print(f"\ngrade sheets: {course_dir / 'grades.csv'}, grades.xlsx, canvas.csv"
              f"\nreport:       {report}\ngradebook:    {course.db_url}\nfeedback:     {course_dir / 'feedback'}")
    return course_dir


def build_demo_course(course_dir: Path, size: int = 32, quiet: bool = False) -> Course:
    """A fresh course with Assignment 1 released, submitted by a synthetic cohort and collected."""
    course_dir = Path(course_dir).resolve()
    if course_dir.exists():
        shutil.rmtree(course_dir)
    say = (lambda *_: None) if quiet else print
    course = Course(course_dir, COURSE_ID)
    course.setup()

    say(f"[1/5] building {ASSIGNMENT} from reference/ and releasing it (nbgrader generate + release)")
    course.generate(ASSIGNMENT)
    gradebook = CourseGradebook(course.db_url, course.course_id)
    course.set_due_date(ASSIGNMENT, DUE)
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
    shutil.copy(POLICY, course_dir / "policy.toml")
    write_roster_and_exam(course_dir, [p.student for p in cohort])
    (course_dir / "cohort.json").write_text(json.dumps(
        [{"student": p.student, "kind": p.kind, "bugs": p.bugs, "late_hours": p.late_hours} for p in cohort],
        indent=1), encoding="utf-8")
    return course


FIRST = ["Ada", "Zoë", "Jürgen", "María José", "Łukasz", "Aoife", "Sven", "Chloé", "Dmitri", "Nguyễn Thị"]
LAST = ["Lovelace", "O'Brien-Ñúñez", "Müller", "van der Berg", "Smith, Jr.", "Kowalski", "Ångström",
        "Dubois", "Иванов", "Tran"]


def write_roster_and_exam(course_dir: Path, students: list[str], seed: int = 11) -> None:
    """A roster with the names real rosters have (accents, commas, quotes) and typed-up exam totals."""
    rng = random.Random(seed)
    with open(course_dir / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "first_name", "last_name", "email", "lms_id", "section"])
        for i, student in enumerate(students):
            out.writerow([student, FIRST[i % len(FIRST)], LAST[(3 * i) % len(LAST)], f"{student}@uni.example",
                          str(40000 + i), "A" if i % 2 else "B"])
    with open(course_dir / "exam.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["student", "total"])
        for student in students:
            out.writerow([student, rng.randint(25, 100)])


def _backdate_submissions(course: Course, late_hours: dict[str, float]) -> None:
    """Give each inbound submission a believable time: spread before the deadline, or late."""
    for i, folder in enumerate(sorted(course.inbound().iterdir())):
        student = folder.name.split("+")[0]
        late = late_hours.get(student, 0.0)
        when = DUE + timedelta(hours=late) if late else DUE - timedelta(hours=2 + (i * 7) % 70)
        (folder / "timestamp.txt").write_text(when.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
