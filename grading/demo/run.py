"""The demo course, end to end: release, a synthetic cohort submits, collect, autograde, grade sheet."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from autograder import assignments

from ..autograde import autograde
from ..collect import ARRIVAL
from ..course import Course, CourseError, check_db_url, shown_url, unreachable
from ..export import defuse, per_test_scores, write_canvas, write_csv, write_xlsx
from ..gradebook import CourseGradebook
from ..grades import course_grade_table
from ..policy import Policy, load_policy
from ..report import write_report
from .cohort import answer_notebook, make_cohort
from .people import (demo_teams, team_cohort, team_submitters, teams_formed, write_extension,
                     write_roster_and_exam, write_teams)

# Course A: the exam plus home assignments scaled to a bonus (`make demo`). Course B: the weighted
# scheme over four assignments and an exam, with minimums in each part.
COURSES = {name: Path(__file__).resolve().parents[2] / "courses" / f"course_{name}.toml" for name in ("a", "b")}
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


def demo_policy(course: str = "a") -> Policy:
    if course not in COURSES:
        raise CourseError(f"no demo course {course!r}: use one of {', '.join(COURSES)}")
    return load_policy(COURSES[course])


def demo_assignments(policy: Policy | None = None) -> list[str]:
    """Every assignment the platform knows that the course's policy grades (course A's by default)."""
    graded = {a.id for a in (policy or demo_policy()).assignments}
    return [a for a in assignments.known() if a in graded]


def run_demo(course_dir: Path, size: int = 32, workers: int | None = None, timeout: float | None = None,
             quiet: bool = False, scheduler: str | None = None, db_url: str | None = None,
             course: str = "a") -> Path:
    """The whole demo of course ``course`` ("a" or "b"); returns the course directory. ``db_url``: the
    gradebook (default: SQLite in the course directory), e.g. an empty PostgreSQL database."""
    say = (lambda *_: None) if quiet else print
    policy = demo_policy(course)
    built = build_demo_course(course_dir, size, quiet, db_url, course)
    course_dir = built.root
    gradebook = CourseGradebook(built.db_url, built.course_id)
    graded = demo_assignments(policy)
    for aid in graded:
        submitted = built.submitted(aid)
        say(f"[4/5] autograding {len(submitted)} submissions of {aid} in the sandbox")
        limits = assignments.load(aid).limits.with_overrides(budget=timeout)
        autograde(built, aid, workers, scheduler, limits=limits, progress=not quiet)

    say(f"[5/5] grade sheets and report under {COURSES[course].name}'s policy (copied to policy.toml)")
    table = course_grade_table(built)
    frame = table.to_frame()
    tables = {aid: assignment_sheet(built, gradebook, table, aid) for aid in graded}
    for aid, sheet in tables.items():  # notes quote the grader, which may quote the student: defused
        sheet.assign(**{c: sheet[c].map(defuse) for c in ("student", "note") if c in sheet}).to_csv(
            course_dir / f"autograde_{aid}.csv", index=False)
    write_csv(table, course_dir / "grades.csv", per_test_scores(built, table.policy.assignments))
    write_xlsx(table, course_dir / "grades.xlsx")
    write_canvas(table, course_dir / "canvas.csv")
    report = write_report(table, built, course_dir / "report")
    if not quiet:
        for aid, autograded in tables.items():
            print(autograded.to_string(index=False, max_colwidth=60))
        slots = [s.id for s in policy.slots if any(o in tables for o in s.options)]
        scheme = ["bonus"] if policy.scheme.type == "bonus" else ["assignments_grade", "exam_grade"]
        shown = ["student", "last_name", *[f"{s}_score" for s in slots], *[f"{s}_penalty" for s in slots],
                 "exam_points", *scheme, "final_grade", "passed", "reason"]
        print("\n" + frame[shown].to_string(index=False, max_colwidth=40))
        print(f"\ngrade sheets: {course_dir / 'grades.csv'}, grades.xlsx, canvas.csv\nreport:       {report}"
              f"\ngradebook:    {shown_url(built.db_url)}\nfeedback:     {course_dir / 'feedback'}")
    return course_dir


def build_demo_course(course_dir: Path, size: int = 32, quiet: bool = False, db_url: str | None = None,
                      course: str = "a") -> Course:
    """A fresh course with the demo's assignments released, submitted by a synthetic cohort and collected.
    The course directory is replaced; a gradebook elsewhere (``db_url``) must be empty."""
    policy = demo_policy(course)
    course_dir = Path(course_dir).resolve()
    if course_dir.exists():
        shutil.rmtree(course_dir)
    if db_url:
        course_dir.mkdir(parents=True)  # a SQLite file may be meant to go in it
        _require_empty_gradebook(db_url)
    say = (lambda *_: None) if quiet else print
    built = Course(course_dir, policy.course_id, db_url)
    built.setup()
    gradebook = CourseGradebook(built.db_url, built.course_id)
    graded = demo_assignments(policy)
    teams = demo_teams([f"s{i + 1:03d}" for i in range(size)])
    by_team = team_submitters(policy, teams, graded)
    cohorts, late = {}, {}
    for aid in graded:
        info = assignments.load(aid)
        due = policy.assignment(aid).due
        say(f"[1/5] building {aid} from reference/{aid}/ and releasing it (nbgrader generate + release)")
        built.generate(aid)
        built.set_due_date(aid, due)
        built.release(aid)

        cohort = make_cohort(info, size)
        if aid in by_team:  # group work: one member hands in for the team
            cohort = team_cohort(cohort, by_team[aid], teams)
            late |= {aid: p.student for p in cohort if p.late_hours}
        cohorts[aid] = cohort
        say(f"[2/5] {len(cohort)} students fetch, answer and submit {aid} through nbgrader's exchange")
        gradebook.ensure_students([p.student for p in cohort])
        for persona in tqdm(cohort, disable=quiet, unit="student", leave=False):
            home = course_dir / "students" / persona.student
            folder = built.fetch(aid, persona.student, home)
            answer_notebook(info, folder / info.notebook, persona)
            built.submit(aid, persona.student, home)
        times = _term_times(built, aid, due, {p.student: p.late_hours for p in cohort})

        say(f"[3/5] collecting submissions of {aid} (nbgrader collect)")
        built.collect(aid)
        _replay_arrivals(built, aid, times)
    shutil.copy(COURSES[course], course_dir / "policy.toml")
    students = [f"s{i + 1:03d}" for i in range(size)]
    on_platform = policy.exam is not None and policy.exam.id is not None
    write_roster_and_exam(course_dir, students, None if on_platform else policy.exam.max_points)
    exam_records = []
    if on_platform:
        from ..exams.exam_file import load_exam

        if load_exam(policy.exam.id).mode == "online":
            say(f"[3/5] {len(students)} students sit {policy.exam.id}: their own variants, taken at the end of "
                "each window, graded against the manifest")
            from .exam import sit_exam
            exam_records = sit_exam(built, policy.exam.id, students, quiet=quiet)
        else:
            say(f"[3/5] {policy.exam.id} on paper: forms and keys printed, TAs' points per question imported")
            from .paper import mark_paper_exam
            exam_records = mark_paper_exam(built, policy.exam.id, students)
    if by_team:
        write_teams(course_dir, teams, teams_formed(policy))
        write_extension(course_dir, teams, late)
    (course_dir / "cohort.json").write_text(json.dumps(
        [{"assignment": aid, "student": p.student, "kind": p.kind, "bugs": p.bugs, "late_hours": p.late_hours}
         for aid, cohort in cohorts.items() for p in cohort] + exam_records, indent=1), encoding="utf-8")
    return built


def _require_empty_gradebook(db_url: str) -> None:
    """The demo replaces its course directory, but never drops a database: it wants an empty one."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(check_db_url(db_url))
    try:
        tables = sorted(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        raise unreachable(db_url, exc) from None
    finally:
        engine.dispose()
    if tables:
        raise CourseError(f"the demo needs an empty gradebook, and {shown_url(db_url)} already holds tables "
                          f"({', '.join(tables[:4])}{', ...' if len(tables) > 4 else ''}): give it a new database")


def _term_times(course: Course, assignment: str, due, late_hours: dict[str, float]) -> dict[str, datetime]:
    """The demo replays a term that is over: each submission gets a believable time, spread before the
    deadline or late, in its timestamp.txt (what the student's server claims)."""
    times = {}
    for i, folder in enumerate(sorted(course.inbound().iterdir())):
        student, aid = folder.name.split("+")[:2]
        if aid != assignment:
            continue
        late = late_hours.get(student, 0.0)
        times[student] = due + timedelta(hours=late) if late else due - timedelta(hours=2 + (i * 7) % 70)
        (folder / "timestamp.txt").write_text(times[student].strftime(TIMESTAMP_FORMAT), encoding="utf-8")
    return times


def _replay_arrivals(course: Course, assignment: str, times: dict[str, datetime]) -> None:
    """...and arrived in the exchange at that time: the collector's record, replayed (a real course
    never does this: grading.collect records the arrival itself)."""
    for student, folder in course.submitted(assignment).items():
        record = json.loads((folder / ARRIVAL).read_text(encoding="utf-8"))
        record["arrived"] = times[student].astimezone(timezone.utc).isoformat()
        (folder / ARRIVAL).write_text(json.dumps(record, indent=1), encoding="utf-8")


def assignment_sheet(course: Course, gradebook: CourseGradebook, table, assignment: str) -> pd.DataFrame:
    """One assignment for the TA who graded it: gradebook score and per-cell scores (manual ones win),
    lateness as the grade table computes it, and the grader's one-line note."""
    late = {r.student.id: s.late_hours for r in table.rows for s in r.slots if s.assignment == assignment}
    results = course.results(assignment)
    rows = []
    for sub in sorted(gradebook.assignment_scores(assignment), key=lambda s: s.student):
        row = {"student": sub.student, "score": round(sub.score, 3), "max_score": sub.max_score,
               "late_hours": late.get(sub.student), "note": _grader_note(results.get(sub.student))}
        row |= {cell.cell: round(cell.score, 3) for cell in sub.cells}
        rows.append(row)
    return pd.DataFrame(rows)


def _grader_note(results_file: Path | None) -> str:
    """The grader's one-line reason (its error, or its first warning)."""
    if results_file is None:
        return ""
    data = json.loads(results_file.read_text(encoding="utf-8"))
    return f"error: {data['error']}" if data.get("error") else ((data.get("warnings") or [""])[0])
