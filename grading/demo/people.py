"""The demo's people and their files: roster, exam scores, teams and an extension.

Teams hand in the choice slots' assignments (course A's and course B's third, course B's fourth):
they form three weeks before the first of them is due, after everything else, so the assignments
before stay each student's own (course A allows teams of up to three throughout; in the demo its
students do A1 and A2 alone). The teams take a slot's options in turn, the first team hands in
every option (its better one counts), and a team's first member submits.
"""
from __future__ import annotations

import csv
import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from ..policy import Policy
from .cohort import Persona

FIRST = ["Ada", "Zoë", "Jürgen", "María José", "Łukasz", "Aoife", "Sven", "Chloé", "Dmitri", "Nguyễn Thị"]
LAST = ["Lovelace", "O'Brien-Ñúñez", "Müller", "van der Berg", "Smith, Jr.", "Kowalski", "Ångström",
        "Dubois", "Иванов", "Tran"]
TEAM_SIZE = 3
LATE_TEAM_HOURS = 26.0  # the last team to hand in an option: a day and two hours late
EXTENSION_HOURS = 48  # ...and one of its members had an extension, so it is on time for them alone


def write_roster_and_exam(course_dir: Path, students: list[str], exam_max: float | None, seed: int = 11) -> None:
    """A roster with the names real rosters have (accents, commas, quotes) and typed-up exam totals
    between a quarter of the exam and all of it; the student in the middle of the roster missed the
    exam (a blank total). ``exam_max`` None: no exam.csv (the exam is graded on the platform)."""
    rng = random.Random(seed)
    with open(course_dir / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "first_name", "last_name", "email", "lms_id", "section"])
        for i, student in enumerate(students):
            out.writerow([student, FIRST[i % len(FIRST)], LAST[(3 * i) % len(LAST)], f"{student}@uni.example",
                          str(40000 + i), "A" if i % 2 else "B"])
    if exam_max is None:
        return
    with open(course_dir / "exam.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["student", "total"])
        absent = students[len(students) // 2]
        for student in students:
            total = rng.randint(round(exam_max / 4), round(exam_max))
            out.writerow([student, "" if student == absent else total])


def demo_teams(students: list[str]) -> dict[str, list[str]]:
    """Teams in roster order (the last may be smaller): {"T01": [s001, s002, s003], ...}."""
    return {f"T{k // TEAM_SIZE + 1:02d}": students[k:k + TEAM_SIZE] for k in range(0, len(students), TEAM_SIZE)}


def team_submitters(policy: Policy, teams: dict[str, list[str]], graded: list[str]) -> dict[str, list[str]]:
    """{option: the students who hand it in for their team, in team order} for every choice slot's group
    assignment."""
    out: dict[str, list[str]] = {}
    for slot in _team_slots(policy):
        options = [o for o in slot.options if o in graded]
        if not options:
            continue
        for k, members in enumerate(teams.values()):
            for option in options if k == 0 else [options[k % len(options)]]:
                out.setdefault(option, []).append(members[0])
    return out


def team_cohort(cohort: list[Persona], submitters: list[str], teams: dict[str, list[str]]) -> list[Persona]:
    """The submitters answer as the cohort's ordinary students do (A1 and A2 show the broken files);
    the last one whose team has company hands in late."""
    ordinary = [p for p in cohort if p.kind in ("reference", "correct", "buggy") and not p.late_hours]
    team = [replace(p, student=s) for p, s in zip(ordinary, submitters)]
    shared = {m[0] for m in teams.values() if len(m) > 1}
    late = [k for k, p in enumerate(team) if p.student in shared][-1:]
    for k in late:
        team[k] = replace(team[k], late_hours=LATE_TEAM_HOURS)
    return team


def _team_slots(policy: Policy) -> list:
    return [s for s in policy.slots if len(s.options) > 1 and all(policy.assignment(o).group_size > 1 for o in s.options)]


def teams_formed(policy: Policy) -> datetime:
    """Three weeks before the first choice slot's assignment is due."""
    return min(policy.assignment(o).due for s in _team_slots(policy) for o in s.options) - timedelta(days=21)


def write_teams(course_dir: Path, teams: dict[str, list[str]], joined: datetime) -> None:
    with open(course_dir / "teams.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["team", "student", "joined"])
        for team, members in teams.items():
            for student in members:
                out.writerow([team, student, joined.isoformat()])


def write_extension(course_dir: Path, teams: dict[str, list[str]], late: dict[str, str]) -> None:
    """``late``: {option: its late submitter}. The late team's second member has an extension on that
    option (a doctor's note), so the late submission is on time for them and late for the others."""
    with open(course_dir / "extensions.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["student", "assignment", "hours"])
        for option, submitter in late.items():
            members = next(m for m in teams.values() if m[0] == submitter)
            if len(members) > 1:
                out.writerow([members[1], option, EXTENSION_HOURS])
