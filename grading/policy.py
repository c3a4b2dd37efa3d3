"""A course's grading policy: one TOML file -> a validated, frozen `Policy`.

The file (the shipped examples are ``courses/course_a.toml`` and ``courses/course_b.toml``)::

    [course]        id, title
    [[assignments]] id, title, points, due, group_size = 1, canvas_id (optional),
                    on_submit = { show, per_hour, per_day, counts } (optional: graded on submit)
    [choices]       slot = ["option_1", "option_2", ...]          (optional)
    [late]          unit, penalty, grace_minutes = 0, cap, after_cap  (optional: no penalty)
    [exam]          max_points, source = "online" | "imported", optional id (the exam's folder:
                    its scores per question come from the gradebook, not exam.csv)
    [scheme]        type = "bonus" | "weighted", ...

Rules the rest of dlgrade relies on:

* ``points`` is the slot's maximum: the gradebook score is scaled to it (7/8 on a 10-point slot
  is 8.75).
* ``due`` is an ISO datetime *with* a time zone (``2026-10-09T23:59:00+02:00``); a TOML offset
  datetime or a string both work, a date or a local time does not.
* A slot is either one assignment (slot id = assignment id) or a choice between options of equal
  points (``a3 = ["a3_cnn", "a3_rnn"]``); when several options were submitted the best one counts.
  Slots come in the order of their first assignment in the file.
* Late rule: lateness is measured from due + extension + grace; every started ``unit`` ("day" =
  24 h, "hour") costs ``penalty`` points of the slot. ``cap`` (points, optional) is the largest
  penalty. When the uncapped penalty exceeds the cap: with ``after_cap = "zero"`` the submission
  is "past cap" and counts 0; with ``after_cap = "keep_capped"`` it stays "late" and loses the
  cap. A penalty never takes a score below 0.
* Scheme "bonus" (course A): exam points are scaled to ``exam_max``; the assignments are scaled to
  ``bonus_max`` and added. Passing needs the scaled exam >= ``pass_exam_min``; with
  ``bonus_can_pass = true`` the exam plus bonus may reach it instead (default false).
* Scheme "weighted" (course B): each part's points ("assignments": the slot total, rescaled to the
  full maximum when slots are excused; "exam": the exam points) are divided by ``divisor`` and
  rounded to the partial grade; final = rounding(sum of weight * partial grade). A part's ``min``
  applies to the UNROUNDED points / divisor (5.25 fails a 5.5 minimum although it rounds to 5).
* Every rounding says how it rounds: ``{mode = "half_up" | "half_even" | "none", step = 1}``.
  Rounding uses decimal arithmetic (6.5 -> 7 half up, 6 half even; Python's ``round`` is half
  even), after clearing float noise below 1e-9.

Every problem in the file is reported at once, each naming the field and the fix.
"""
from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from autograder.errors import DlgradeError

DUE_EXAMPLE = "2026-10-09T23:59:00+02:00"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PART_NAMES = ("assignments", "exam")


class PolicyError(DlgradeError, ValueError):
    """One or more problems in a policy file; ``.problems`` lists them, one per field."""

    def __init__(self, problems: list[str], source: str = "policy"):
        self.problems, self.source = list(problems), source
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s):\n{lines}" if len(self.problems) > 1
                         else f"{source}: {self.problems[0]}")


@dataclass(frozen=True)
class Rounding:
    mode: str = "half_even"  # "half_up" | "half_even" | "none"
    step: float = 1.0

    def apply(self, value: float) -> float:
        """Round ``value`` to a multiple of ``step``; NaN stays NaN, mode "none" changes nothing."""
        if self.mode == "none" or value is None or math.isnan(value):
            return value
        exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
        step = Decimal(repr(float(self.step)))
        how = ROUND_HALF_UP if self.mode == "half_up" else ROUND_HALF_EVEN
        return float((exact / step).quantize(Decimal(1), rounding=how) * step)


SHOW = ("nothing", "pass_fail", "scores", "messages")


@dataclass(frozen=True)
class OnSubmit:
    """Grading on submit: what a student sees of each graded submission (``show``), how many are
    graded per hour and per day (the rest wait their turn), and which one counts."""
    show: str = "scores"  # one of SHOW
    per_hour: int | None = None
    per_day: int | None = None
    counts: str = "last"  # "last" | "best"


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    points: float
    due: datetime  # aware
    group_size: int = 1
    canvas_id: int | str | None = None
    on_submit: OnSubmit | None = None  # None: graded when a TA runs autograde


@dataclass(frozen=True)
class Slot:
    """What a student is graded on: one assignment, or the best of several options."""
    id: str
    options: tuple[str, ...]
    points: float
    title: str


@dataclass(frozen=True)
class LateRule:
    unit: str = "day"  # "day" | "hour"
    penalty: float = 0.0  # points per started unit
    grace_minutes: float = 0.0
    cap: float | None = None  # largest penalty, in points
    after_cap: str = "keep_capped"  # "zero" | "keep_capped"

    @property
    def unit_hours(self) -> int:
        return 24 if self.unit == "day" else 1


@dataclass(frozen=True)
class Exam:
    max_points: float
    source: str  # "online" | "imported"
    id: str | None = None  # the exam's folder (assignments/<id>/exam.toml): scores per question in the gradebook


@dataclass(frozen=True)
class BonusScheme:
    exam_max: float
    bonus_max: float
    pass_exam_min: float
    bonus_can_pass: bool
    rounding: Rounding
    type: str = "bonus"


@dataclass(frozen=True)
class Part:
    name: str  # "assignments" | "exam"
    weight: float
    divisor: float
    min: float
    rounding: Rounding


@dataclass(frozen=True)
class WeightedScheme:
    parts: tuple[Part, ...]
    rounding: Rounding
    type: str = "weighted"


@dataclass(frozen=True)
class Policy:
    course_id: str
    title: str
    assignments: tuple[Assignment, ...]
    slots: tuple[Slot, ...]
    late: LateRule
    exam: Exam
    scheme: BonusScheme | WeightedScheme

    def assignment(self, assignment_id: str) -> Assignment:
        return next(a for a in self.assignments if a.id == assignment_id)

    def slot(self, slot_id: str) -> Slot:
        return next(s for s in self.slots if s.id == slot_id)

    @property
    def max_assignment_points(self) -> float:
        return sum(s.points for s in self.slots)

    def to_dict(self) -> dict:
        """The policy as plain data, field by field as the dataclasses hold it (``course_id``,
        ``title``, ``assignments``, ``slots``, ``late``, ``exam``, ``scheme``): dicts, lists, text,
        numbers, booleans and None; due dates as ISO text with their offset. For people and files
        (the XLSX policy sheet, JSON); it is not the TOML layout ``policy_from_dict`` reads."""
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise PolicyError([f"not valid TOML: {err}"], str(path)) from None
    return policy_from_dict(data, str(path))


def policy_from_dict(data: dict, source: str = "policy") -> Policy:
    check = _Checker()
    policy = check.policy(data)
    if check.problems:
        raise PolicyError(check.problems, source)
    return policy


# --- validation -----------------------------------------------------------------------------------

EXAMPLES = {
    "course.id": '"dl101"', "course.title": '"Deep learning"', "id": '"a1_mlp"',
    "title": '"Assignment 1: MLP"', "points": "10", "due": DUE_EXAMPLE, "group_size": "1",
    "unit": '"day"', "penalty": "2", "max_points": "40", "source": '"imported"', "type": '"bonus"',
    "exam_max": "100", "bonus_max": "10", "pass_exam_min": "50", "parts": "[{name = ...}, ...]",
    "rounding": '{mode = "half_even", step = 1}', "mode": '"half_up"', "name": '"exam"',
    "weight": "0.5", "divisor": "4",
}
SECTIONS = {  # the fix for a missing top-level section
    "course": "a [course] table with id and title",
    "assignments": "[[assignments]] tables with id, title, points and due",
    "exam": "an [exam] table with max_points and source",
    "scheme": 'a [scheme] table with type = "bonus" or type = "weighted"',
}
MISSING = object()


class _Checker:
    def __init__(self):
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else f"the policy {message}")

    def table(self, value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.fail(where, f"must be a table, got {value!r}")
            return None
        allowed = required + optional
        for key in value:
            if key not in allowed:
                close = _suggest(key, allowed)
                hint = f"did you mean '{close}'?" if close else f"allowed keys: {', '.join(allowed)}"
                self.fail(_join(where, key), f"unknown key; {hint}")
        for key in required:
            if key not in value and not where:
                self.fail(key, f"missing; add {SECTIONS.get(key, key)}")
            elif key not in value:
                example = EXAMPLES.get(_join(where, key), EXAMPLES.get(key, "..."))
                self.fail(_join(where, key), f"missing; write e.g. {key} = {example}")
        return value

    def number(self, table: dict, key: str, where: str, *, default: Any = MISSING, positive: bool = False,
               integer: bool = False) -> float | None:
        where = _join(where, key)
        value = table.get(key, default)
        if value is MISSING:
            return None  # reported as missing by table()
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(where, f"{value!r} is not a number; write e.g. {key} = {EXAMPLES.get(key, '10')}")
            return None
        if integer and value != int(value):
            self.fail(where, f"{value!r} must be a whole number")
            return None
        if positive and value <= 0:
            self.fail(where, f"{value!r} must be greater than 0")
            return None
        if value < 0:
            self.fail(where, f"{value!r} must not be negative")
            return None
        return int(value) if integer else float(value)

    def string(self, table: dict, key: str, where: str, *, choices: tuple[str, ...] | None = None,
               default: Any = MISSING, pattern: re.Pattern | None = None) -> str | None:
        where = _join(where, key)
        value = table.get(key, default)
        if value is MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"{value!r} is not a non-empty string; write e.g. {key} = "
                             f"{EXAMPLES.get(key, chr(34) + 'text' + chr(34))}")
            return None
        if choices and value not in choices:
            close = _suggest(value, choices)
            hint = f"did you mean '{close}'? " if close else ""
            self.fail(where, f"{value!r} is not allowed; {hint}use one of: {', '.join(map(repr, choices))}")
            return None
        if pattern and not pattern.match(value):
            self.fail(where, f"{value!r} may hold only letters, digits, '_', '-' and '.'")
            return None
        return value

    def due(self, table: dict, where: str) -> datetime | None:
        where, value = _join(where, "due"), table.get("due", MISSING)
        if value is MISSING:
            return None
        fix = f"write e.g. due = {DUE_EXAMPLE}"
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                self.fail(where, f"{value!r} is not a date with time zone; {fix}")
                return None
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                self.fail(where, f"{value.isoformat()} has no time zone; {fix}")
                return None
            return value
        if isinstance(value, date):
            self.fail(where, f"{value.isoformat()} is a date without a time and time zone; {fix}")
            return None
        self.fail(where, f"{value!r} is not a date with time zone; {fix}")
        return None

    # --- sections ---

    def policy(self, data: dict) -> Policy | None:
        top = self.table(data, "", ("course", "assignments", "exam", "scheme"), ("choices", "late"))
        if top is None:
            return None
        # A missing required section is reported once, by table(); its contents are not checked.
        course = self.course(top["course"]) if "course" in top else (None, None)
        assignments = self.assignments(top["assignments"]) if "assignments" in top else None
        raw = top.get("assignments") if isinstance(top.get("assignments"), list) else []
        declared = {a["id"] for a in raw if isinstance(a, dict) and isinstance(a.get("id"), str)}
        slots = self.slots(top.get("choices", {}), assignments or [], declared)
        late = self.late(top.get("late", {}))
        exam = self.exam(top["exam"]) if "exam" in top else None
        scheme = self.scheme(top["scheme"]) if "scheme" in top else None
        if self.problems:
            return None
        return Policy(course[0], course[1], tuple(assignments), tuple(slots), late, exam, scheme)

    def course(self, value: Any) -> tuple[str, str] | tuple[None, None]:
        table = self.table(value, "course", ("id", "title"))
        if table is None:
            return None, None
        return (self.string(table, "id", "course", pattern=ID_PATTERN), self.string(table, "title", "course"))

    def assignments(self, value: Any) -> list[Assignment] | None:
        if not isinstance(value, list) or not value:
            self.fail("assignments", "needs at least one [[assignments]] table with id, title, points, due")
            return None
        result, seen = [], set()
        for i, item in enumerate(value):
            where = f"assignments[{i}]"
            table = self.table(item, where, ("id", "title", "points", "due"), ("group_size", "canvas_id", "on_submit"))
            if table is None:
                continue
            aid = self.string(table, "id", where, pattern=ID_PATTERN)
            if aid is not None and aid in seen:
                self.fail(_join(where, "id"), f"{aid!r} appears twice; every assignment needs its own id")
            seen.add(aid)
            title = self.string(table, "title", where)
            points = self.number(table, "points", where, positive=True)
            due = self.due(table, where)
            group = self.number(table, "group_size", where, default=1, positive=True, integer=True)
            canvas = table.get("canvas_id")
            if canvas is not None and (isinstance(canvas, bool) or not isinstance(canvas, (int, str))
                                       or canvas == ""):
                self.fail(_join(where, "canvas_id"), f"{canvas!r} must be the LMS number or string id; "
                                                     "write e.g. canvas_id = 123456, or leave it out")
                canvas = None
            on_submit = self.on_submit(table["on_submit"], _join(where, "on_submit")) if "on_submit" in table else None
            if None not in (aid, title, points, due, group):
                result.append(Assignment(aid, title, points, due, group, canvas, on_submit))
        return result

    def on_submit(self, value: Any, where: str) -> OnSubmit | None:
        table = self.table(value, where, (), ("show", "per_hour", "per_day", "counts"))
        if table is None:
            return None
        show = self.string(table, "show", where, choices=SHOW, default="scores")
        counts = self.string(table, "counts", where, choices=("last", "best"), default="last")
        per_hour = self.number(table, "per_hour", where, default=None, positive=True, integer=True)
        per_day = self.number(table, "per_day", where, default=None, positive=True, integer=True)
        if None in (show, counts):
            return None
        return OnSubmit(show, None if per_hour is None else int(per_hour), None if per_day is None else int(per_day),
                        counts)

    def slots(self, value: Any, assignments: list[Assignment], declared: set[str]) -> list[Slot]:
        """``declared``: every id in the file, so an assignment with a bad field is still known here."""
        if not isinstance(value, dict):
            self.fail("choices", "must be a table of slot = [option ids], e.g. a3 = [\"a3_cnn\", \"a3_rnn\"]")
            return []
        by_id = {a.id: a for a in assignments}
        chosen: dict[str, str] = {}  # option -> slot
        for slot, options in value.items():
            where = f"choices.{slot}"
            if not isinstance(options, list) or len(options) < 2 or not all(isinstance(o, str) for o in options):
                self.fail(where, f"must list two or more assignment ids, "
                                 f"e.g. {slot} = [\"{slot}_cnn\", \"{slot}_rnn\"]")
                continue
            if slot in declared and slot not in options:
                self.fail(where, f"slot name {slot!r} is already an assignment id; name the slot differently")
            for option in options:
                if option not in declared:
                    close = _suggest(option, list(declared))
                    hint = f"did you mean '{close}'?" if close else "add it as an [[assignments]] table"
                    self.fail(where, f"{option!r} is not an assignment; {hint}")
                elif option not in by_id:
                    pass  # declared, with problems of its own
                elif option in chosen:
                    self.fail(where, f"{option!r} is already an option of slot {chosen[option]!r}; "
                                     "an assignment belongs to one slot")
                else:
                    chosen[option] = slot
            points = {by_id[o].points for o in options if o in by_id}
            if len(points) > 1:
                listed = ", ".join(f"{o} {by_id[o].points:g}" for o in options if o in by_id)
                self.fail(where, f"options have different points ({listed}); give them the same points")
        slots, done = [], set()
        for a in assignments:
            slot_id = chosen.get(a.id, a.id)
            if slot_id in done:
                continue
            done.add(slot_id)
            options = tuple(o for o in value[slot_id] if o in by_id) if a.id in chosen else (a.id,)
            titles = " / ".join(by_id[o].title for o in options)
            slots.append(Slot(slot_id, options, a.points, titles))
        return slots

    def late(self, value: Any) -> LateRule | None:
        table = self.table(value, "late", (), ("unit", "penalty", "grace_minutes", "cap", "after_cap"))
        if table is None:
            return None
        unit = self.string(table, "unit", "late", choices=("day", "hour"), default="day")
        penalty = self.number(table, "penalty", "late", default=0.0)
        grace = self.number(table, "grace_minutes", "late", default=0.0)
        cap = self.number(table, "cap", "late", default=None)
        after = self.string(table, "after_cap", "late", choices=("zero", "keep_capped"), default="keep_capped")
        if "after_cap" in table and "cap" not in table:
            self.fail("late.after_cap", "has no effect without late.cap; add e.g. cap = 6, or remove after_cap")
        if None in (unit, penalty, grace, after):
            return None
        return LateRule(unit, penalty, grace, cap, after)

    def exam(self, value: Any) -> Exam | None:
        table = self.table(value, "exam", ("max_points", "source"), ("id",))
        if table is None:
            return None
        max_points = self.number(table, "max_points", "exam", positive=True)
        source = self.string(table, "source", "exam", choices=("online", "imported"))
        exam_id = self.string(table, "id", "exam", default=None) if "id" in table else None
        return None if None in (max_points, source) else Exam(max_points, source, exam_id)

    def rounding(self, value: Any, where: str) -> Rounding | None:
        table = self.table(value, where, ("mode",), ("step",))
        if table is None:
            return None
        mode = self.string(table, "mode", where, choices=("half_up", "half_even", "none"))
        step = self.number(table, "step", where, default=1.0, positive=True)
        return None if None in (mode, step) else Rounding(mode, step)

    def scheme(self, value: Any) -> BonusScheme | WeightedScheme | None:
        if not isinstance(value, dict):
            return self.table(value, "scheme", ("type",))
        kind = self.string(value, "type", "scheme", choices=("bonus", "weighted"))
        if kind == "bonus":
            table = self.table(value, "scheme", ("type", "exam_max", "bonus_max", "pass_exam_min", "rounding"),
                               ("bonus_can_pass",))
            exam_max = self.number(table, "exam_max", "scheme", positive=True)
            bonus_max = self.number(table, "bonus_max", "scheme")
            pass_min = self.number(table, "pass_exam_min", "scheme")
            can_pass = table.get("bonus_can_pass", False)
            if not isinstance(can_pass, bool):
                self.fail("scheme.bonus_can_pass", f"{can_pass!r} must be true or false")
            if exam_max is not None and pass_min is not None and pass_min > exam_max:
                self.fail("scheme.pass_exam_min", f"{pass_min:g} is above exam_max {exam_max:g}; lower it")
            rounding = self.rounding(table["rounding"], "scheme.rounding") if "rounding" in table else None
            if None in (exam_max, bonus_max, pass_min, rounding) or not isinstance(can_pass, bool):
                return None
            return BonusScheme(exam_max, bonus_max, pass_min, can_pass, rounding)
        if kind == "weighted":
            table = self.table(value, "scheme", ("type", "parts", "rounding"))
            parts = self.parts(table.get("parts", MISSING))
            rounding = self.rounding(table["rounding"], "scheme.rounding") if "rounding" in table else None
            return None if parts is None or rounding is None else WeightedScheme(parts, rounding)
        if kind is None and "type" not in value:
            self.fail("scheme.type", 'missing; write type = "bonus" (course A) or type = "weighted" (course B)')
        return None

    def parts(self, value: Any) -> tuple[Part, ...] | None:
        if value is MISSING:
            return None
        if not isinstance(value, list) or not value:
            self.fail("scheme.parts", 'must list the parts, e.g. parts = [{name = "assignments", weight = 0.5, '
                                      'divisor = 4, min = 5.5, rounding = {mode = "half_even", step = 1}}, ...]')
            return None
        parts, names = [], set()
        for i, item in enumerate(value):
            where = f"scheme.parts[{i}]"
            table = self.table(item, where, ("name", "weight", "divisor", "rounding"), ("min",))
            if table is None:
                continue
            name = self.string(table, "name", where, choices=PART_NAMES)
            if name in names:
                self.fail(_join(where, "name"), f"part {name!r} appears twice; list each part once")
            names.add(name)
            weight = self.number(table, "weight", where, positive=True)
            divisor = self.number(table, "divisor", where, positive=True)
            minimum = self.number(table, "min", where, default=0.0)
            rounding = self.rounding(table["rounding"], f"{where}.rounding") if "rounding" in table else None
            if None not in (name, weight, divisor, minimum, rounding):
                parts.append(Part(name, weight, divisor, minimum, rounding))
        if len(parts) == len(value):
            total = sum(Decimal(repr(p.weight)) for p in parts)
            if total != 1:
                self.fail("scheme.parts", f"weights add up to {total}; make them add up to 1")
                return None
            return tuple(parts)
        return None


def _suggest(word: str, options) -> str | None:
    """The closest option to a misspelt ``word``, also when ``word`` is a prefix ("grace")."""
    close = difflib.get_close_matches(word, list(options), n=1)
    if close:
        return close[0]
    return next((o for o in options if o.startswith(word) or word.startswith(o)), None)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
