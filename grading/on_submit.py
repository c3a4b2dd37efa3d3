"""Grading on submit: each new submission is collected, graded in the sandbox and recorded, and its
feedback released to its student, without a TA acting (``dlgrade watch``, a hub service).

The same engine and the same gradebook writer as ``dlgrade autograde``. Per assignment, the policy
(``on_submit = {show, per_hour, per_day, counts}``) decides:

* what the student sees before the deadline: ``nothing`` (received and graded), ``pass_fail`` per
  function, ``scores``, or ``messages`` (everything); after the deadline, everything;
* how many of a student's submissions are graded per hour and per day: a newer one waits for its
  turn (nbgrader keeps only a student's latest, so flooding only delays that student);
* which counts: the ``last`` graded, or the ``best`` (a worse one is shown, never recorded).

Each graded submission is remembered in ``COURSE/on_submit/<assignment>/<student>.json``.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from autograder import assignments
from autograder.batch import Submission, grade_all

from .autograde import WATCHER, AutogradeBusy, only_run, record
from .course import Course
from .feedback import write_feedback
from .gradebook import CourseGradebook
from .policy import Assignment, OnSubmit, Policy


@dataclass
class Outcome:
    student: str
    assignment: str
    submitted: str  # the trusted arrival time, ISO
    score: float | None = None
    max_score: float | None = None
    counted: bool = False
    waiting_until: str | None = None  # over the per-hour or per-day limit
    error: str | None = None


def history_file(course: Course, assignment: str, student: str) -> Path:
    return course.root / "on_submit" / assignment / f"{student}.json"


def history(course: Course, assignment: str, student: str) -> list[dict]:
    path = history_file(course, assignment, student)
    return json.loads(path.read_text()) if path.is_file() else []


def _remember(course: Course, outcome: Outcome, graded_at: datetime) -> None:
    path = history_file(course, outcome.assignment, outcome.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = history(course, outcome.assignment, outcome.student) + [asdict(outcome) | {"graded_at": graded_at.isoformat()}]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=1))
    tmp.replace(path)


def next_turn(entries: list[dict], rule: OnSubmit, now: datetime) -> datetime | None:
    """When the student may have another submission graded (None: now)."""
    graded = sorted(datetime.fromisoformat(e["graded_at"]) for e in entries if e.get("score") is not None)
    for limit, span in ((rule.per_hour, timedelta(hours=1)), (rule.per_day, timedelta(days=1))):
        recent = [t for t in graded if t > now - span]
        if limit is not None and len(recent) >= limit:
            return recent[-limit] + span
    return None


def shown(rule: OnSubmit, assignment: Assignment, now: datetime) -> str:
    return rule.show if now < assignment.due else "messages"


def grade_new(course: Course, policy: Policy, now: datetime | None = None, workers: int = 1,
              sandboxed: bool = True) -> list[Outcome]:
    """One round over every assignment graded on submit; returns what happened to each new submission."""
    outcomes = []
    for assignment in policy.assignments:
        if assignment.on_submit is None or not course.is_released(assignment.id):
            continue
        try:
            with only_run(course, assignment.id, who=WATCHER, wait_for_watcher=0):
                outcomes += _grade_assignment(course, assignment, now, workers, sandboxed)
        except AutogradeBusy:
            continue  # a TA's autograde holds it; next round
    return outcomes


def _grade_assignment(course: Course, assignment: Assignment, now: datetime | None, workers: int,
                      sandboxed: bool) -> list[Outcome]:
    rule, aid = assignment.on_submit, assignment.id
    course.collect(aid)
    info = assignments.load(aid)
    now = now or datetime.now(timezone.utc)
    jobs, outcomes, folders = [], {}, course.submitted(aid)
    for student, folder in folders.items():
        arrived = course.submission_time(student, aid).trusted
        if arrived is None:
            continue
        entries = history(course, aid, student)
        if any(e["submitted"] == arrived.isoformat() for e in entries):
            continue  # graded already (or waiting, below)
        outcome = Outcome(student, aid, arrived.isoformat())
        turn = next_turn(entries, rule, now)
        if turn is not None:
            outcome.waiting_until = turn.isoformat()
            outcomes[student] = outcome
            continue
        outcomes[student] = outcome
        jobs.append(Submission(student, folder / info.notebook))
    with CourseGradebook(course.db_url, course.course_id) as gradebook:
        gradebook.ensure_students([j.student for j in jobs])
        for result in grade_all(aid, jobs, workers, None, sandboxed):
            outcome = outcomes[result.student]
            if not result.graded:
                outcome.error = result.error  # the grader failed: tried again next round
                continue
            outcome.score, outcome.max_score = result.score, result.max_score
            recorded = gradebook.submission_scores(aid, result.student)
            best = max((e["score"] for e in history(course, aid, result.student)
                        if e.get("counted") and e.get("score") is not None), default=None)
            outcome.counted = rule.counts == "last" or best is None or result.score >= best
            arrived = datetime.fromisoformat(outcome.submitted)
            folder = folders[result.student]
            if outcome.counted:
                record(course, gradebook, result, folder, info, arrived)
            level = shown(rule, assignment, now)
            kept = None if outcome.counted or recorded is None else recorded.score
            write_feedback(course.feedback_dir(result.student, aid), result, info.notebook, info.title, folder,
                           show=level, kept=kept)
            course.release_feedback(aid, result.student)
            _remember(course, outcome, datetime.now(timezone.utc))
    return list(outcomes.values())


def watch(course: Course, policy_file: Path, poll: float = 3.0, rounds: int | None = None, log=print) -> None:
    """Grade new submissions as they come, every ``poll`` seconds (``rounds``: stop after that many).
    The policy is read again each round, so an instructor's edit takes effect without a restart."""
    from autograder.errors import DlgradeError

    from .policy import load_policy

    done, told = 0, set()
    while rounds is None or done < rounds:
        try:
            outcomes = grade_new(course, load_policy(policy_file))
        except DlgradeError as exc:  # a broken policy edit, an unreachable gradebook: say so, keep going
            log(f"not grading this round: {exc}")
            outcomes = []
        for o in outcomes:
            if o.waiting_until and (o.student, o.submitted) in told:
                continue
            told.add((o.student, o.submitted))
            if o.waiting_until:
                log(f"{o.assignment} {o.student}: over the limit, graded after {o.waiting_until}")
            elif o.error:
                log(f"{o.assignment} {o.student}: not graded ({o.error}); trying again")
            else:
                log(f"{o.assignment} {o.student}: {o.score:g}/{o.max_score:g}"
                    + ("" if o.counted else " (not counted: an earlier one scored higher)"))
        done += 1
        if rounds is None or done < rounds:
            time.sleep(poll)
