"""CSV imports: roster, teams, extensions, excused work and exam scores, each checked against the roster.

Rules shared by every import:

* Files are read as UTF-8 (a BOM from Excel is fine) with the csv module, so quoted names with
  commas and accents survive. A header with ';' and no ',' is read as ';'-separated (Excel in
  Dutch or German); a decimal comma ("7,5") is read as 7.5.
* Line numbers are the file's lines: line 1 is the header, the first data row is line 2. Blank
  rows are skipped. Unknown extra columns are ignored (LMS exports carry plenty).
* Every problem is collected and raised together in one `ImportProblems`; a function returns
  data only when there is none, so nothing is ever half-imported.

Files:

* roster: ``id, first_name, last_name`` required; ``email, lms_id, section`` optional.
* teams: ``team, student``, one row per member; optional ``left`` (a date, which means 00:00 UTC
  that day, or a datetime with time zone): the student is a member until then; optional ``joined``
  (the same): a member from then on, so a team formed mid-term shares nothing submitted before. A student may be in
  several teams only if every earlier membership has a ``left``. Current members (no ``left``) may
  not exceed the policy's largest group size.
* extensions: ``student, assignment`` plus ``hours`` (extra hours) or ``due`` (new due, with time
  zone). ``assignment`` is an assignment id or a choice slot (then it extends every option).
  Returns ``{(student, assignment_id): new_due}``.
* excused: ``student, slot``, optional ``reason`` (for the record). ``slot`` is a slot id or an
  assignment id, which stands for its slot (a choice slot's option excuses the whole slot). Returns
  ``{(student, slot_id): reason}``, which `compute_grades` takes as ``excused``.
* exam scores: ``student`` plus ``total``, or question columns ``q1 .. qN`` that are summed (a
  blank question is 0; a row with all questions blank, or a blank total, is an absent student).
  Totals must lie in 0..exam.max_points. Returns ``{student: points}``.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from autograder.errors import DlgradeError

from .policy import Policy


class ImportProblems(DlgradeError, ValueError):
    """Every problem found in one import file; ``.problems`` holds one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, list(problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s), nothing imported:\n"
                         + "\n".join(f"  {p}" for p in self.problems))


@dataclass(frozen=True)
class Student:
    id: str
    first_name: str
    last_name: str
    email: str = ""
    lms_id: str = ""
    section: str = ""


@dataclass(frozen=True)
class Membership:
    team: str
    student: str
    left: datetime | None = None  # aware; a member until then (exclusive)
    joined: datetime | None = None  # aware; a member from then on (teams formed mid-term)

    def active(self, when: datetime | None) -> bool:
        if self.joined is not None and (when is None or when < self.joined):
            return False
        return self.left is None or (when is not None and when < self.left)


def read_roster(path: str | Path) -> list[Student]:
    rows, problems = _read(path, required=("id", "first_name", "last_name"))
    students, first_seen = [], {}
    for line, row in rows:
        sid = row["id"]
        if not sid:
            problems.append(f"line {line}: id is empty; every student needs nbgrader's student id")
            continue
        if sid in first_seen:
            problems.append(f"line {line}: duplicate id {sid!r} (first on line {first_seen[sid]})")
            continue
        first_seen[sid] = line
        email = row.get("email", "")
        if email and "@" not in email:
            problems.append(f"line {line}: email {email!r} has no '@'")
        students.append(Student(sid, row["first_name"], row["last_name"], email,
                                row.get("lms_id", ""), row.get("section", "")))
    return _done(path, problems, students)


def read_teams(path: str | Path, roster: list[Student], policy: Policy | None = None) -> list[Membership]:
    rows, problems = _read(path, required=("team", "student"))
    known = {s.id for s in roster}
    members, seen, current = [], {}, {}  # (team, student) -> line; student -> [(team, line)] with no left
    for line, row in rows:
        team, sid = row["team"], row["student"]
        ok = _known(sid, known, line, problems)
        if not team:
            problems.append(f"line {line}: team is empty")
            ok = False
        if (team, sid) in seen:
            problems.append(f"line {line}: duplicate: {sid!r} is in team {team!r} already (line {seen[team, sid]})")
            continue
        seen[team, sid] = line
        when = {}
        for field in ("joined", "left"):
            if row.get(field):
                when[field] = _parse_when(row[field])
                if when[field] is None:
                    problems.append(f"line {line}: {field} {row[field]!r} is not a date; write e.g. 2026-11-20")
                    ok = False
        joined, left = when.get("joined"), when.get("left")
        if joined and left and joined >= left:
            problems.append(f"line {line}: {sid!r} left team {team!r} ({row['left']}) before joining it "
                            f"({row['joined']}); swap the dates or leave one empty")
            ok = False
        if ok and not row.get("left"):
            current.setdefault(sid, []).append((team, line))
        if ok:
            members.append(Membership(team, sid, left, joined))
    for sid, teams in current.items():
        for team, line in teams[1:]:
            problems.append(f"line {line}: {sid!r} is a current member of team {teams[0][0]!r} (line {teams[0][1]}) "
                            f"too; give the old membership a 'left' date")
    if policy is not None:
        limit = max(a.group_size for a in policy.assignments)
        by_team: dict[str, list[int]] = {}
        for sid, teams in current.items():
            for team, line in teams:
                by_team.setdefault(team, []).append(line)
        for team, lines in by_team.items():
            for line in sorted(lines)[limit:]:
                problems.append(f"line {line}: team {team!r} has more than {limit} current members "
                                f"(the policy's largest group size)")
    return _done(path, problems, members)


def read_extensions(path: str | Path, roster: list[Student], policy: Policy) -> dict[tuple[str, str], datetime]:
    rows, problems = _read(path, required=("student", "assignment"))
    known = {s.id for s in roster}
    options = {a.id: (a.id,) for a in policy.assignments} | {s.id: s.options for s in policy.slots}
    result, seen = {}, {}
    for line, row in rows:
        sid, target = row["student"], row["assignment"]
        ok = _known(sid, known, line, problems)
        if target not in options:
            problems.append(f"line {line}: unknown assignment {target!r}; use one of {', '.join(options)}")
            continue
        hours, due = row.get("hours", ""), row.get("due", "")
        if bool(hours) == bool(due):
            problems.append(f"line {line}: give either hours (extra hours) or due (a new due date), not "
                            + ("both" if hours else "neither"))
            continue
        for aid in options[target]:
            original = policy.assignment(aid).due
            if hours:
                extra = _number(hours)
                if extra is None or extra <= 0:
                    problems.append(f"line {line}: hours {hours!r} is not a positive number of hours")
                    ok = False
                    break
                new_due = original + timedelta(hours=extra)
            else:
                new_due = _parse_when(due, date_ok=False)
                if new_due is None:
                    problems.append(f"line {line}: due {due!r} is not a date with time zone; "
                                    "write e.g. 2026-10-12T23:59:00+02:00")
                    ok = False
                    break
                if new_due <= original:
                    problems.append(f"line {line}: due {due} is not after {aid}'s due {original.isoformat()}")
                    ok = False
                    break
            if (sid, aid) in seen:
                problems.append(f"line {line}: duplicate extension for {sid!r} on {aid!r} (line {seen[sid, aid]})")
                ok = False
                break
            seen[sid, aid] = line
            if ok:
                result[sid, aid] = new_due
    return _done(path, problems, result)


def read_excused(path: str | Path, roster: list[Student], policy: Policy) -> dict[tuple[str, str], str]:
    rows, problems = _read(path, required=("student", "slot"))
    known = {s.id for s in roster}
    slot_of = {s.id: s.id for s in policy.slots}
    for slot in policy.slots:
        for aid in slot.options:
            slot_of.setdefault(aid, slot.id)
    result, seen = {}, {}
    for line, row in rows:
        sid, target = row["student"], row["slot"]
        ok = _known(sid, known, line, problems)
        if target not in slot_of:
            what = f"unknown slot {target!r}" if target else "slot is empty"
            problems.append(f"line {line}: {what}; use one of the slots {', '.join(s.id for s in policy.slots)} "
                            "(or an assignment id of one)")
            continue
        slot = slot_of[target]
        if (sid, slot) in seen:
            problems.append(f"line {line}: duplicate: {sid!r} is excused from slot {slot!r} already "
                            f"(line {seen[sid, slot]})")
            continue
        seen[sid, slot] = line
        if ok:
            result[sid, slot] = row.get("reason", "")
    return _done(path, problems, result)


def read_exam_scores(path: str | Path, roster: list[Student], policy: Policy) -> dict[str, float]:
    rows, problems = _read(path, required=("student",))
    header = rows.header
    questions = sorted((c for c in header if re.fullmatch(r"q\d+", c)), key=lambda c: int(c[1:]))
    if "total" not in header and not questions:
        problems.append("line 1: no 'total' column and no question columns q1, q2, ...; add one of them")
        return _done(path, problems, {})
    known, top = {s.id for s in roster}, policy.exam.max_points
    result, seen = {}, {}
    for line, row in rows:
        sid = row["student"]
        ok = _known(sid, known, line, problems)
        if sid in seen:
            problems.append(f"line {line}: duplicate student {sid!r} (first on line {seen[sid]})")
            continue
        seen[sid] = line
        if "total" in header:
            cells = {"total": row["total"]} if row["total"] else {}
        else:
            cells = {q: row[q] for q in questions} if any(row[q] for q in questions) else {}
        values = {}
        for column, text in cells.items():
            value = _number(text or "0")
            if value is None or value < 0:
                problems.append(f"line {line}: {column} {text!r} is not a number of points (0 or more)")
                ok = False
            values[column] = value
        if not ok or not values:
            continue  # an absent student: no exam score
        total = sum(values.values())
        if total > top:
            what = "total" if "total" in values else f"sum of {questions[0]}..{questions[-1]}"
            problems.append(f"line {line}: {what} {total:g} is out of range 0-{top:g} (exam.max_points in the policy)")
            continue
        result[sid] = total
    return _done(path, problems, result)


# --- helpers --------------------------------------------------------------------------------------

class _Rows(list):
    header: list[str] = []


def _read(path: str | Path, required: tuple[str, ...]) -> tuple[_Rows, list[str]]:
    """(line number, {column: stripped text}) for each non-blank data row, and the problems so far."""
    problems: list[str] = []
    rows = _Rows()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        delimiter = ";" if ";" in first and "," not in first else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header = [h.strip().lower() for h in next(reader, [])]
        rows.header = header
        missing = [c for c in required if c not in header]
        if missing:
            problems.append(f"line 1: missing column(s) {', '.join(missing)}; "
                            f"the header has {', '.join(header) or 'nothing'}")
            return rows, problems
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                problems.append(f"line {reader.line_num}: {len(record)} fields but the header has {len(header)} "
                                "(a name with a comma needs quotes)")
                continue
            cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
            rows.append((reader.line_num, dict(zip(header, cells))))
    return rows, problems


def _done(path, problems: list[str], data):
    if problems:
        by_line = lambda p: int(m.group(1)) if (m := re.match(r"line (\d+):", p)) else 0
        raise ImportProblems(str(path), sorted(problems, key=by_line))
    return data


def _known(sid: str, known: set[str], line: int, problems: list[str]) -> bool:
    if not sid:
        problems.append(f"line {line}: student is empty")
        return False
    if sid not in known:
        problems.append(f"line {line}: unknown student {sid!r} (not in the roster); "
                        "correct the id, or add the student to the roster first")
        return False
    return True


def _number(text: str) -> float | None:
    text = text.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_when(text: str, date_ok: bool = True) -> datetime | None:
    """A datetime with time zone, or (if ``date_ok``) a date meaning 00:00 UTC that day."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if len(text.strip()) == 10:  # a plain date
        return datetime.combine(when.date(), time(0), timezone.utc) if date_ok else None
    return when if when.tzinfo is not None and when.utcoffset() is not None else None
