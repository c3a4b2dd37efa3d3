"""Final grades: (policy, scores, roster, exams, extensions, teams) -> `GradeTable`, with no I/O.

The columns are the contract in ``GRADE_TABLE.md``. The rules, per student and slot:

* Raw score: the gradebook score (manual overrides win) scaled to the slot's points.
* Lateness: hours after due + the student's extension + grace (a submission without a timestamp
  is on time). Every started unit (day = 24 h, or hour) costs ``late.penalty`` points. When the
  uncapped penalty exceeds ``late.cap``: with ``after_cap = "zero"`` the submission is "past cap"
  and counts 0; with "keep_capped" it stays "late" and loses ``late.cap``. The penalty shown is
  the one taken, so ``score = raw - penalty`` and a score is never below 0.
* Teams (assignments with group_size > 1): a student gets a team submission if both they and the
  submitter were members of the same team at the submission's time (``left`` ends a membership).
  Of all the submissions a student gets (their own and their teams'), the best after the student's
  own late penalty counts (ties: their own, then the earliest). Each member's lateness is measured
  against their own deadline, so a late team submission is penalised for every member.
* Choice slots: the best option, by the same measure. Nothing submitted: 0, "not submitted".
* Excused (student, slot): 0, status "excused", and the slot leaves the student's maximum.
* Schemes: see `grading.policy`. A missing exam gives NaN exam points, NaN final score and grade,
  not passed, reason "no exam score". In the bonus scheme a bonus that lifts a failing exam over
  the pass mark is named in ``reason`` either way (a note on a pass when ``bonus_can_pass``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

import pandas as pd

from .imports import Membership, Student
from .policy import Assignment, BonusScheme, Policy, Slot

NAN = float("nan")
SLOT_COLUMNS = ("assignment", "raw", "late_hours", "penalty", "score", "status", "note")


@dataclass(frozen=True)
class SubmissionScore:
    score: float
    max_score: float
    timestamp: datetime | None  # aware (UTC), the trusted arrival; None counts as on time
    note: str = ""  # for people: the claimed time disagrees with the arrival (grading.collect.Arrival)


@dataclass(frozen=True)
class SlotResult:
    slot: str
    assignment: str
    raw: float
    late_hours: float
    penalty: float
    score: float
    status: str
    note: str = ""  # the counted submission's time note, if any


@dataclass(frozen=True)
class StudentGrade:
    student: Student
    slots: tuple[SlotResult, ...]
    assignments_total: float
    assignments_max: float
    exam_points: float
    exam_max: float
    bonus: float
    assignments_grade: float
    exam_grade: float
    final_score: float
    final_grade: float
    passed: bool
    reason: str

    def slot(self, slot_id: str) -> SlotResult:
        return next(s for s in self.slots if s.slot == slot_id)

    def as_row(self) -> dict:
        s = self.student
        row = {"student": s.id, "first_name": s.first_name, "last_name": s.last_name, "email": s.email,
               "lms_id": s.lms_id, "section": s.section}
        for result in self.slots:
            for column in SLOT_COLUMNS:
                row[f"{result.slot}_{column}"] = getattr(result, column)
        for column in ("assignments_total", "assignments_max", "exam_points", "exam_max", "bonus",
                       "assignments_grade", "exam_grade", "final_score", "final_grade", "passed", "reason"):
            row[column] = getattr(self, column)
        return row


@dataclass
class GradeTable:
    policy: Policy
    rows: list[StudentGrade]
    unlisted: tuple[str, ...] = field(default=())  # students with scores but not on the roster

    def columns(self) -> list[str]:
        slot_columns = [f"{s.id}_{c}" for s in self.policy.slots for c in SLOT_COLUMNS]
        return (["student", "first_name", "last_name", "email", "lms_id", "section"] + slot_columns
                + ["assignments_total", "assignments_max", "exam_points", "exam_max", "bonus",
                   "assignments_grade", "exam_grade", "final_score", "final_grade", "passed", "reason"])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.as_row() for r in self.rows], columns=self.columns())

    def row(self, student: str) -> StudentGrade:
        return next(r for r in self.rows if r.student.id == student)


def compute_grades(policy: Policy, scores: Mapping[tuple[str, str], SubmissionScore], roster: Iterable[Student],
                   exams: Mapping[str, float] | None = None,
                   extensions: Mapping[tuple[str, str], datetime] | None = None,
                   teams: Iterable[Membership] | None = None,
                   excused: Iterable[tuple[str, str]] | None = None) -> GradeTable:
    """One `StudentGrade` per roster student, in roster order. ``scores`` is keyed by
    (assignment id, student); ``extensions`` by (student, assignment id) -> new due (aware);
    ``excused`` holds (student, slot id)."""
    roster = list(roster)
    exams, extensions = exams or {}, extensions or {}
    memberships = _TeamIndex(list(teams or []), scores)
    excused = set(excused or ())
    slot_ids = {s.id for s in policy.slots}
    for _, slot in excused:
        if slot not in slot_ids:
            raise ValueError(f"excused slot {slot!r} is not a slot of the policy ({', '.join(sorted(slot_ids))})")
    for (aid, student), sub in scores.items():
        if sub.timestamp is not None and sub.timestamp.utcoffset() is None:
            raise ValueError(f"{aid}/{student}: timestamp {sub.timestamp} has no time zone (use UTC)")
    rows = []
    for student in roster:
        slots = tuple(_slot(policy, slot, student.id, scores, extensions, memberships, (student.id, slot.id) in excused)
                      for slot in policy.slots)
        rows.append(_final(policy, student, slots, exams.get(student.id)))
    listed = {s.id for s in roster}
    unlisted = tuple(sorted({student for _, student in scores} - listed))
    return GradeTable(policy, rows, unlisted)


def scores_from_gradebook(gradebook, policy: Policy) -> dict[tuple[str, str], SubmissionScore]:
    """Every submission of the policy's assignments in a `CourseGradebook` (the only I/O here).
    nbgrader keeps naive UTC timestamps; they come back aware. Cells not graded yet count 0."""
    result = {}
    for assignment in policy.assignments:
        for sub in gradebook.assignment_scores(assignment.id):
            stamp = sub.timestamp
            if stamp is not None:
                stamp = stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp.astimezone(timezone.utc)
            result[assignment.id, sub.student] = SubmissionScore(sub.score, sub.max_score, stamp)
    return result


# --- one slot -------------------------------------------------------------------------------------

def _slot(policy: Policy, slot: Slot, student: str, scores, extensions, memberships, excused: bool) -> SlotResult:
    if excused:
        return SlotResult(slot.id, "", 0.0, 0.0, 0.0, 0.0, "excused")
    best, best_key = None, None
    for aid in slot.options:
        assignment = policy.assignment(aid)
        due = extensions.get((student, aid), assignment.due)
        for rank, sub in _received(assignment, student, scores, memberships):
            result = _assess(policy, slot, assignment, sub, due)
            key = (result.score, rank, -(sub.timestamp or datetime.max.replace(tzinfo=timezone.utc)).timestamp())
            if best_key is None or key > best_key:
                best, best_key = result, key
    return best or SlotResult(slot.id, "", 0.0, 0.0, 0.0, 0.0, "not submitted")


class _TeamIndex:
    """Memberships by student and submissions by assignment, built once so that finding a student's
    team submissions does not scan the whole course for every student and slot."""

    def __init__(self, memberships: list[Membership], scores):
        self.by_student: dict[str, list[Membership]] = {}
        for m in memberships:
            self.by_student.setdefault(m.student, []).append(m)
        self.by_assignment: dict[str, list[tuple[str, SubmissionScore]]] = {}
        for (aid, submitter), sub in sorted(scores.items()):
            self.by_assignment.setdefault(aid, []).append((submitter, sub))


def _received(assignment: Assignment, student: str, scores, teams: _TeamIndex) -> list[tuple[int, SubmissionScore]]:
    """The submissions that count for ``student``: (1, own) and (0, a teammate's) at the time."""
    found = []
    if (assignment.id, student) in scores:
        found.append((1, scores[assignment.id, student]))
    if assignment.group_size > 1:
        mine = teams.by_student.get(student, [])
        for submitter, sub in teams.by_assignment.get(assignment.id, []):
            if submitter == student:
                continue
            theirs = teams.by_student.get(submitter, [])
            for m in mine:
                if m.active(sub.timestamp) and any(o.team == m.team and o.active(sub.timestamp) for o in theirs):
                    found.append((0, sub))
                    break
    return found


def _assess(policy: Policy, slot: Slot, assignment: Assignment, sub: SubmissionScore, due: datetime) -> SlotResult:
    raw = _clean(sub.score / sub.max_score * slot.points) if sub.max_score > 0 else 0.0
    late = policy.late
    deadline = due + timedelta(minutes=late.grace_minutes)
    seconds = (sub.timestamp - deadline).total_seconds() if sub.timestamp is not None else 0.0
    if seconds <= 0:
        return SlotResult(slot.id, assignment.id, raw, 0.0, 0.0, raw, "graded", sub.note)
    units = math.ceil(seconds / (3600 * late.unit_hours))
    penalty, status = units * late.penalty, "late"
    if late.cap is not None and penalty > late.cap:
        if late.after_cap == "zero":
            penalty, status = raw, "past cap"
        else:
            penalty = late.cap
    taken = _clean(min(penalty, raw))
    return SlotResult(slot.id, assignment.id, raw, _clean(seconds / 3600), taken, _clean(raw - taken), status,
                      sub.note)


# --- the scheme -----------------------------------------------------------------------------------

def _final(policy: Policy, student: Student, slots: tuple[SlotResult, ...], exam: float | None) -> StudentGrade:
    counted = [(r, policy.slot(r.slot).points) for r in slots if r.status != "excused"]
    total, maximum = _clean(sum(r.score for r, _ in counted)), sum(p for _, p in counted)
    exam_points = NAN if exam is None else float(exam)
    common = dict(student=student, slots=slots, assignments_total=total, assignments_max=maximum,
                  exam_points=exam_points, exam_max=policy.exam.max_points)
    if isinstance(policy.scheme, BonusScheme):
        return StudentGrade(**common, **_bonus(policy, total, maximum, exam_points))
    return StudentGrade(**common, **_weighted(policy, total, maximum, exam_points))


def _bonus(policy: Policy, total: float, maximum: float, exam_points: float) -> dict:
    scheme = policy.scheme
    bonus = _clean(total / maximum * scheme.bonus_max) if maximum > 0 else 0.0
    out = dict(bonus=bonus, assignments_grade=NAN, exam_grade=NAN)
    if math.isnan(exam_points):
        return out | dict(final_score=NAN, final_grade=NAN, passed=False, reason="no exam score")
    exam = _clean(exam_points / policy.exam.max_points * scheme.exam_max)
    final = _clean(exam + bonus)
    out |= dict(final_score=final, final_grade=scheme.rounding.apply(final))
    need = scheme.pass_exam_min
    if exam >= need:
        return out | dict(passed=True, reason="")
    shown_exam = _shown_below(exam, need)
    short = f"exam {shown_exam} < {_exact(need)}"
    if final < need:
        return out | dict(passed=False, reason=short)
    lifted = f"{shown_exam} + {_shown_adding(bonus, shown_exam, need)} >= {_exact(need)}"
    if scheme.bonus_can_pass:
        return out | dict(passed=True, reason=f"{short}; passed with bonus: {lifted}")
    return out | dict(passed=False, reason=f"{short}; the bonus ({lifted}) "
                                           "does not count towards passing (bonus_can_pass = false)")


def _weighted(policy: Policy, total: float, maximum: float, exam_points: float) -> dict:
    scheme = policy.scheme
    full = policy.max_assignment_points
    points = {"assignments": total * full / maximum if maximum > 0 else NAN, "exam": exam_points}
    grades, reasons, final = {}, [], 0.0
    for part in scheme.parts:
        unrounded = _clean(points[part.name] / part.divisor)
        grades[part.name] = part.rounding.apply(unrounded)
        final += part.weight * grades[part.name]
        if math.isnan(unrounded):
            reasons.append("no exam score" if part.name == "exam" else "all assignments excused")
        elif unrounded < part.min:
            reasons.append(f"{part.name} part {_shown_below(unrounded, part.min)} < {_exact(part.min)}")
    final = _clean(final)
    return dict(bonus=0.0, assignments_grade=grades.get("assignments", NAN), exam_grade=grades.get("exam", NAN),
                final_score=final, final_grade=scheme.rounding.apply(final), passed=not reasons,
                reason="; ".join(reasons))


def _clean(value: float) -> float:
    """Clear float noise (2.9999999999 -> 3.0) without hiding real fractions."""
    return value if math.isnan(value) else round(value, 9) + 0.0


# --- numbers in reasons ---------------------------------------------------------------------------
# A reason must not contradict itself: a value that misses a threshold is shown to 2 decimals, or to
# as many more as it takes to show it on the right side ("5.4999 < 5.5", never "5.5 < 5.5");
# thresholds are shown as the policy has them. Values are _clean'ed to 9 decimals, so 9 always do.

def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _exact(value: float) -> str:
    """A threshold (or any value) in full: 5.5, 50, 5.555."""
    return _text(_decimal(value))


def _shown(value: float, holds) -> str:
    """``value`` to 2 decimals (half up), or to the fewest more for which ``holds(shown)``."""
    for places in range(2, 10):
        shown = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if holds(shown):
            return _text(shown)
    return _exact(value)


def _shown_below(value: float, threshold: float) -> str:
    """``value`` < ``threshold``, shown visibly below it."""
    return _shown(value, lambda shown: shown < _decimal(threshold))


def _shown_adding(value: float, shown_other: str, threshold: float) -> str:
    """``value`` where ``shown_other + value >= threshold``, shown so that the sum as written holds too."""
    return _shown(value, lambda shown: Decimal(shown_other) + shown >= _decimal(threshold))
