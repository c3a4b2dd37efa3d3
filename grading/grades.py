"""A course's grade table from its files: policy.toml, roster.csv, and, when present, teams.csv,
extensions.csv, excused.csv and exam.csv, with the scores read from the gradebook at computation time.
A policy whose ``[exam]`` names the exam (``id``) takes its totals from the gradebook instead of exam.csv."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .compute import GradeTable, compute_grades, scores_from_gradebook
from .course import Course, CourseError
from .gradebook import CourseGradebook
from .imports import read_excused, read_exam_scores, read_extensions, read_roster, read_teams
from .policy import Policy, load_policy

POLICY, ROSTER, TEAMS, EXTENSIONS, EXAM = "policy.toml", "roster.csv", "teams.csv", "extensions.csv", "exam.csv"
EXCUSED = "excused.csv"


def course_policy(course: Course, policy_file: str | Path | None = None) -> Policy:
    path = Path(policy_file) if policy_file else course.root / POLICY
    if not path.is_file():
        raise CourseError(f"no course policy at {path}: copy one of courses/*.toml there and edit it, "
                          "or pass --policy FILE")
    return load_policy(path)


def _with_time_notes(course: Course, scores: dict) -> dict:
    """Each collected submission's note when its claimed time disagrees with its arrival."""
    collected = {}
    for aid in {aid for aid, _ in scores}:
        collected |= {(aid, student): True for student in course.submitted(aid)}
    return {key: replace(sub, note=course.submission_time(key[1], key[0]).disagreement()) if key in collected else sub
            for key, sub in scores.items()}


def exam_totals(gradebook: CourseGradebook, exam_id: str) -> dict[str, float]:
    """Each student's exam total from the gradebook's per-question scores (a TA's score over the
    automatic one); a student with a question still to be scored by hand has no total yet."""
    return {s.student: s.score for s in gradebook.assignment_scores(exam_id)
            if all(c.manual is not None or (c.auto is not None and not c.needs_review) for c in s.cells)}


def course_grade_table(course: Course, policy_file: str | Path | None = None) -> GradeTable:
    policy = course_policy(course, policy_file)
    roster_file = course.root / ROSTER
    if not roster_file.is_file():
        raise CourseError(f"no roster at {roster_file}: a CSV with id, first_name, last_name "
                          "(and email, lms_id, section)")
    roster = read_roster(roster_file)
    optional = lambda name: (course.root / name) if (course.root / name).is_file() else None
    teams = read_teams(optional(TEAMS), roster, policy) if optional(TEAMS) else None
    extensions = read_extensions(optional(EXTENSIONS), roster, policy) if optional(EXTENSIONS) else None
    excused = read_excused(optional(EXCUSED), roster, policy) if optional(EXCUSED) else None
    if policy.exam is not None and policy.exam.id:
        exams = exam_totals(CourseGradebook(course.db_url, course.course_id), policy.exam.id)
    else:
        exams = read_exam_scores(optional(EXAM), roster, policy) if optional(EXAM) else None
    scores = _with_time_notes(course, scores_from_gradebook(CourseGradebook(course.db_url, course.course_id), policy))
    return compute_grades(policy, scores, roster, exams, extensions, teams, excused)
