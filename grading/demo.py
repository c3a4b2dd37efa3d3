"""The demo course, end to end: release, a synthetic cohort submits, collect, autograde, grade sheet."""
from __future__ import annotations

import csv
import json
import random
import shutil
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from autograder import assignments

from .autograde import autograde
from .cohort import Persona, answer_notebook, make_cohort
from .collect import ARRIVAL
from .course import Course, CourseError, check_db_url, shown_url, unreachable
from .export import defuse, per_test_scores, write_canvas, write_csv, write_xlsx
from .gradebook import CourseGradebook
from .grades import course_grade_table
from .policy import load_policy
from .report import write_report

# Course A (exam + home assignments scaled to a bonus) reads well with some assignments graded;
# course B's weighted scheme would fail everybody until all four assignments are in.
POLICY = Path(__file__).resolve().parents[1] / "courses" / "course_a.toml"
_POLICY = load_policy(POLICY)
COURSE_ID = _POLICY.course_id


def demo_assignments() -> list[str]:
    """Every assignment the platform knows that course A's policy grades."""
    graded = {a.id for a in _POLICY.assignments}
    return [a for a in assignments.known() if a in graded]
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


def run_demo(course_dir: Path, size: int = 32, workers: int | None = None, timeout: float | None = None,
             quiet: bool = False, scheduler: str | None = None, db_url: str | None = None) -> Path:
    """The whole demo; returns the course directory. ``db_url``: the gradebook (default: SQLite in
    the course directory), e.g. an empty PostgreSQL database."""
    say = (lambda *_: None) if quiet else print
    course = build_demo_course(course_dir, size, quiet, db_url)
    course_dir = course.root
    gradebook = CourseGradebook(course.db_url, course.course_id)
    for aid in demo_assignments():
        submitted = course.submitted(aid)
        say(f"[4/5] autograding {len(submitted)} submissions of {aid} in the sandbox")
        limits = assignments.load(aid).limits.with_overrides(budget=timeout)
        autograde(course, aid, workers, scheduler, limits=limits, progress=not quiet)

    say(f"[5/5] grade sheets and report under {POLICY.name}'s policy (copied to policy.toml)")
    table = course_grade_table(course)
    frame = table.to_frame()
    tables = {aid: assignment_sheet(course, gradebook, table, aid) for aid in demo_assignments()}
    for aid, sheet in tables.items():  # notes quote the grader, which may quote the student: defused
        sheet.assign(**{c: sheet[c].map(defuse) for c in ("student", "note") if c in sheet}).to_csv(
            course_dir / f"autograde_{aid}.csv", index=False)
    write_csv(table, course_dir / "grades.csv", per_test_scores(course, table.policy.assignments))
    write_xlsx(table, course_dir / "grades.xlsx")
    write_canvas(table, course_dir / "canvas.csv")
    report = write_report(table, course, course_dir / "report")
    if not quiet:
        for aid, autograded in tables.items():
            print(autograded.to_string(index=False, max_colwidth=60))
        shown = ["student", "last_name", *[f"{aid}_score" for aid in tables], *[f"{aid}_penalty" for aid in tables],
                 "exam_points", "bonus", "final_grade", "passed", "reason"]
        print("\n" + frame[shown].to_string(index=False, max_colwidth=40))
        print(f"\ngrade sheets: {course_dir / 'grades.csv'}, grades.xlsx, canvas.csv\nreport:       {report}"
              f"\ngradebook:    {shown_url(course.db_url)}\nfeedback:     {course_dir / 'feedback'}")
    return course_dir


def build_demo_course(course_dir: Path, size: int = 32, quiet: bool = False, db_url: str | None = None) -> Course:
    """A fresh course with the demo's assignments released, submitted by a synthetic cohort and collected.
    The course directory is replaced; a gradebook elsewhere (``db_url``) must be empty."""
    course_dir = Path(course_dir).resolve()
    if course_dir.exists():
        shutil.rmtree(course_dir)
    if db_url:
        course_dir.mkdir(parents=True)  # a SQLite file may be meant to go in it
        _require_empty_gradebook(db_url)
    say = (lambda *_: None) if quiet else print
    course = Course(course_dir, COURSE_ID, db_url)
    course.setup()
    gradebook = CourseGradebook(course.db_url, course.course_id)
    cohorts = {}
    teams = demo_teams([f"s{i + 1:03d}" for i in range(size)])
    by_team = team_submitters(teams, demo_assignments())
    for aid in demo_assignments():
        info = assignments.load(aid)
        due = _POLICY.assignment(aid).due
        say(f"[1/5] building {aid} from reference/{aid}/ and releasing it (nbgrader generate + release)")
        course.generate(aid)
        course.set_due_date(aid, due)
        course.release(aid)

        cohort = make_cohort(info, size)
        if aid in by_team:  # a choice slot: one member hands in for the team
            cohort = team_cohort(cohort, sorted(by_team[aid]))
        cohorts[aid] = cohort
        say(f"[2/5] {len(cohort)} students fetch, answer and submit {aid} through nbgrader's exchange")
        gradebook.ensure_students([p.student for p in cohort])
        for persona in tqdm(cohort, disable=quiet, unit="student", leave=False):
            home = course_dir / "students" / persona.student
            folder = course.fetch(aid, persona.student, home)
            answer_notebook(info, folder / info.notebook, persona)
            course.submit(aid, persona.student, home)
        times = _term_times(course, aid, due, {p.student: p.late_hours for p in cohort})

        say(f"[3/5] collecting submissions of {aid} (nbgrader collect)")
        course.collect(aid)
        _replay_arrivals(course, aid, times)
    shutil.copy(POLICY, course_dir / "policy.toml")
    students = sorted({p.student for cohort in cohorts.values() for p in cohort})
    write_roster_and_exam(course_dir, students)
    if by_team:
        write_teams(course_dir, teams, _teams_formed())
    (course_dir / "cohort.json").write_text(json.dumps(
        [{"assignment": aid, "student": p.student, "kind": p.kind, "bugs": p.bugs, "late_hours": p.late_hours}
         for aid, cohort in cohorts.items() for p in cohort], indent=1), encoding="utf-8")
    return course


def demo_teams(students: list[str], size: int = 3) -> dict[str, list[str]]:
    """Teams of ``size`` in roster order (the last may be smaller): {"T01": [s001, s002, s003], ...}."""
    return {f"T{k // size + 1:02d}": students[k:k + size] for k in range(0, len(students), size)}


def team_submitters(teams: dict[str, list[str]], graded: list[str]) -> dict[str, set[str]]:
    """Who hands in each option of a choice slot for their team: the teams take the options in turn, the
    first team hands in every option (its better one counts), and a team's first member submits."""
    out: dict[str, set[str]] = {}
    for slot in _POLICY.slots:
        options = [o for o in slot.options if o in graded]
        if len(slot.options) < 2 or not options:
            continue
        for k, members in enumerate(teams.values()):
            for option in options if k == 0 else [options[k % len(options)]]:
                out.setdefault(option, set()).add(members[0])
    return out


def team_cohort(cohort: list[Persona], submitters: list[str]) -> list[Persona]:
    """The submitters answer as the cohort's ordinary students do (A1 and A2 show the broken files), the
    last one a day late."""
    ordinary = [p for p in cohort if p.kind in ("reference", "correct", "buggy") and not p.late_hours]
    team = [replace(p, student=s) for p, s in zip(ordinary, submitters)]
    if team:
        team[-1] = replace(team[-1], late_hours=26.0)
    return team


def _teams_formed() -> datetime:
    """Course A's teams form for the choice assignment, three weeks before it is due: after everything
    before it, so the individual submissions of A1 and A2 stay each student's own."""
    first_choice = min(_POLICY.assignment(o).due for slot in _POLICY.slots if len(slot.options) > 1
                       for o in slot.options)
    return first_choice - timedelta(days=21)


def write_teams(course_dir: Path, teams: dict[str, list[str]], joined: datetime) -> None:
    with open(course_dir / "teams.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["team", "student", "joined"])
        for team, members in teams.items():
            for student in members:
                out.writerow([team, student, joined.isoformat()])


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
