"""Exports of the grade table (see ``GRADE_TABLE.md``): a plain CSV, an XLSX workbook and a
Canvas gradebook import file.

Everything here takes the DataFrame from ``GradeTable.to_frame()`` plus, where needed, the
``Policy``; of the policy only ``course_id``, ``title``, ``assignments`` (``id``, ``title``,
``points``, optional ``canvas_id``), ``slots`` (objects with ``id``/``options``/``points``, or
plain slot ids) and ``to_dict()`` are used.

Choices that hold for all files:

* UTF-8 **without** a byte-order mark. pandas, Python's csv module, LibreOffice and Canvas read it
  as is; Excel on Windows guesses the code page of a BOM-less CSV and garbles accents, but
  Excel users get the XLSX, which has no encoding question at all.
* Missing numbers (a missing exam, a test that never ran) are empty cells. An empty string is
  also an empty cell, so a reader sees both as missing: ``read_grades_csv`` reads the file back
  with the contract's types (text columns as text, "" for empty; ids keep leading zeros).
* Numbers are written with up to 10 significant digits, which hides float noise
  (0.30000000000000004 -> 0.3) and is exact for any score a course can hand out.
* Cells are not defused against spreadsheet formula injection in the CSVs (that would change the
  data); the XLSX stores every text cell as text, never as a formula.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import math
import warnings
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable

import pandas as pd

STRING_COLUMNS = ("student", "first_name", "last_name", "email", "lms_id", "section", "reason")
STRING_SUFFIXES = ("_assignment", "_status")
FLOAT_FORMAT = "%.10g"
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_LABEL = "    Points Possible"


# --- the policy, duck-typed -----------------------------------------------------------------------

def slots_of(policy) -> list[SimpleNamespace]:
    """The policy's slots as ``(id, title, points, options)``, whether it lists objects or ids."""
    by_id = {a.id: a for a in getattr(policy, "assignments", ())}
    result = []
    for slot in getattr(policy, "slots", ()):
        if isinstance(slot, str):
            a = by_id.get(slot)
            result.append(SimpleNamespace(id=slot, title=getattr(a, "title", slot),
                                          points=float(getattr(a, "points", math.nan)), options=(slot,)))
        else:
            options = tuple(getattr(slot, "options", None) or (slot.id,))
            points = getattr(slot, "points", None)
            if points is None:
                points = getattr(by_id.get(options[0]), "points", math.nan)
            result.append(SimpleNamespace(id=slot.id, title=getattr(slot, "title", slot.id),
                                          points=float(points), options=options))
    return result


def policy_dict(policy) -> dict:
    """``policy.to_dict()``; for a policy object without one, its dataclass fields."""
    if hasattr(policy, "to_dict"):
        return policy.to_dict()
    if dataclasses.is_dataclass(policy):
        return dataclasses.asdict(policy)
    return dict(vars(policy))


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dicts/lists -> ``[("scheme.parts[0].weight", 0.5), ...]`` with scalar values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        if not value:
            return [(prefix, "")] if prefix else []
        rows = []
        for key, item in value.items():
            rows += flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(value, (list, tuple)):
        if not value:
            return [(prefix, "")]
        if all(_is_scalar(v) for v in value):
            return [(prefix, ", ".join(_scalar_text(v) for v in value))]
        rows = []
        for i, item in enumerate(value):
            rows += flatten(item, f"{prefix}[{i}]")
        return rows
    return [(prefix, _scalar(value))]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple)) and not dataclasses.is_dataclass(value)


def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _scalar_text(value: Any) -> str:
    value = _scalar(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- results files ----------------------------------------------------------------------------------

def _assignment_ids(assignments: Iterable) -> list[str]:
    return [a if isinstance(a, str) else a.id for a in assignments]


def load_results(course_root: str | Path, assignments: Iterable) -> dict[str, dict[str, dict]]:
    """``{assignment: {student: results.json as a dict}}`` from ``<course>/autograded``.

    An unreadable results file is skipped with a warning; a missing folder is no results."""
    root = Path(course_root) / "autograded"
    found: dict[str, dict[str, dict]] = {}
    for aid in _assignment_ids(assignments):
        found[aid] = {}
        if not root.is_dir():
            continue
        for path in sorted(root.glob(f"*/{aid}/results.json")):
            student = path.parent.parent.name
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                warnings.warn(f"skipping unreadable {path}: {err}")
                continue
            if isinstance(data, dict):
                found[aid][student] = data
    return found


def per_test_scores(course_root: str | Path, assignments: Iterable) -> dict[str, dict[str, float]]:
    """``{student: {"<assignment>:<test name>": points earned}}`` from the results files.

    Every student with any results file gets every column (NaN where that student has no result
    for the assignment, or the test did not appear), and the keys are in one order for everyone:
    assignments in the given order, tests in the order they first appear."""
    results = load_results(course_root, assignments)
    columns: list[str] = []
    earned: dict[str, dict[str, float]] = {}
    for aid, by_student in results.items():
        for student, data in by_student.items():
            seen: dict[str, int] = {}
            earned.setdefault(student, {})  # a crash before any test still gets a (NaN) row
            for test in data.get("tests") or []:
                name = str(test.get("name", "?"))
                seen[name] = seen.get(name, 0) + 1
                column = f"{aid}:{name}" if seen[name] == 1 else f"{aid}:{name} #{seen[name]}"
                if column not in columns:
                    columns.append(column)
                try:
                    points = float(test.get("points") or 0.0)
                except (TypeError, ValueError):
                    points = math.nan
                earned[student][column] = points
    return {student: {c: scores.get(c, math.nan) for c in columns} for student, scores in earned.items()}


# --- plain CSV ----------------------------------------------------------------------------------------

def _with_per_test(frame: pd.DataFrame, per_test: dict[str, dict[str, float]] | None) -> pd.DataFrame:
    out = frame.copy()
    if not per_test:
        return out
    columns: list[str] = []
    for scores in per_test.values():
        columns += [c for c in scores if c not in columns]
    students = out["student"].astype(str) if "student" in out else pd.Series([], dtype=str)
    extra = {c: [float(per_test.get(s, {}).get(c, math.nan)) for s in students] for c in columns
             if c not in out.columns}
    return pd.concat([out, pd.DataFrame(extra, index=out.index)], axis=1) if extra else out


def write_csv(frame: pd.DataFrame, path: str | Path, per_test: dict[str, dict[str, float]] | None = None) -> Path:
    """One row per student, every column of the grade table in its order, then the optional
    per-test columns ``"<assignment>:<test name>"`` (points earned; from ``per_test_scores``).

    Quoting is minimal (fields with a comma, quote or newline are quoted, quotes doubled), UTF-8
    without BOM, ``\\n`` line ends; ``passed`` is ``True``/``False``; missing numbers are empty."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _with_per_test(frame, per_test).to_csv(path, index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL,
                                           lineterminator="\n", float_format=FLOAT_FORMAT)
    return path


def read_grades_csv(path: str | Path) -> pd.DataFrame:
    """Read a ``write_csv`` file back with the contract's types: text columns stay text ("" when
    empty, ids keep leading zeros), numbers are floats (NaN when empty), ``passed`` is bool."""
    header = pd.read_csv(path, nrows=0, encoding="utf-8").columns
    text = [c for c in header if c in STRING_COLUMNS or (":" not in c and c.endswith(STRING_SUFFIXES))]
    frame = pd.read_csv(path, encoding="utf-8", dtype={c: str for c in text}, keep_default_na=False,
                        na_values={c: [""] for c in header if c not in text})
    if "passed" in frame:
        frame["passed"] = frame["passed"].map(lambda v: str(v).strip().lower() == "true").astype(bool)
    return frame


# --- XLSX -----------------------------------------------------------------------------------------------

def _number_format(column: str, values: pd.Series) -> str | None:
    """Excel number format of a grade-table column (None: leave as is)."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_integer_dtype(values):
        return "0"
    if not pd.api.types.is_numeric_dtype(values):
        return None
    if column.endswith("_late_hours"):
        return "0.0"
    if column in ("final_grade", "assignments_grade", "exam_grade"):
        finite = values.dropna()
        if len(finite) and (finite == finite.round()).all():
            return "0"
    return "0.00"


def _excel_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or (not isinstance(value, (str, bytes)) and pd.isna(value) is True):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        value = value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat()  # Excel has no time zones
    return value


def _set(cell, value: Any) -> None:
    cell.value = _excel_value(value)
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"  # a name like "=cmd|..." is text, never a formula


def _fit_widths(sheet, minimum: int = 6, maximum: int = 50) -> None:
    from openpyxl.utils import get_column_letter

    for i, column in enumerate(sheet.iter_cols(), start=1):
        longest = 0
        for cell in column:
            if cell.value is None:
                continue
            if isinstance(cell.value, float):
                text = f"{cell.value:.2f}"
            elif isinstance(cell.value, bool):
                text = "FALSE"
            else:
                text = str(cell.value)
            longest = max(longest, len(text) + (2 if cell.font and cell.font.b else 0))
        sheet.column_dimensions[get_column_letter(i)].width = max(minimum, min(maximum, longest + 2))


def write_xlsx(frame: pd.DataFrame, policy, path: str | Path) -> Path:
    """Workbook with sheet ``grades`` (the grade table: bold frozen header, autofilter, widths to
    fit, ``0.00`` on scores, ``0.0`` on late hours, ``0`` on whole-number grades and integer
    columns, ``passed`` as an Excel boolean TRUE/FALSE with failed rows' cell tinted) and sheet
    ``policy`` (``policy.to_dict()`` flattened to ``key``/``value`` rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "grades"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    fail_fill = PatternFill("solid", fgColor="F8D7DA")
    columns = list(frame.columns)
    for j, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=j)
        _set(cell, str(name))
        cell.font, cell.fill = bold, header_fill
        cell.alignment = Alignment(vertical="center")
    formats = {name: _number_format(str(name), frame[name]) for name in columns}
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, (name, value) in enumerate(zip(columns, row), start=1):
            cell = sheet.cell(row=i, column=j)
            _set(cell, value)
            if formats[name] and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = formats[name]
            if name == "passed" and cell.value is False:
                cell.fill = fail_fill
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = sheet.dimensions
    _fit_widths(sheet)

    info = book.create_sheet("policy")
    for j, name in enumerate(("key", "value"), start=1):
        cell = info.cell(row=1, column=j)
        _set(cell, name)
        cell.font, cell.fill = bold, header_fill
    for i, (key, value) in enumerate(flatten(policy_dict(policy)), start=2):
        _set(info.cell(row=i, column=1), key)
        _set(info.cell(row=i, column=2), value)
    info.freeze_panes = "A2"
    _fit_widths(info, maximum=80)
    book.save(path)
    return path


# --- Canvas -------------------------------------------------------------------------------------------

def canvas_column(assignment) -> str:
    """``"<title> (<canvas_id>)"`` as Canvas names an assignment column; just the title without id."""
    canvas_id = getattr(assignment, "canvas_id", None)
    return f"{assignment.title} ({canvas_id})" if canvas_id not in (None, "") else str(assignment.title)


def _number_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    return "0" if value == 0 else f"{value:.10g}"


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def write_canvas(frame: pd.DataFrame, policy, path: str | Path) -> Path:
    """A Canvas gradebook import CSV, laid out as Canvas's own gradebook export.

    * Row 1: ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per assignment
      (policy order) named ``"<title> (<canvas_id>)"``: Canvas matches an existing assignment by
      the id in the trailing parentheses. Without ``canvas_id`` the column is just the title, and
      Canvas offers to create a new assignment of that name on import. No total columns (Canvas
      ignores them on import, and they would only disagree with dlgrade's own final grade).
    * Row 2: ``"    Points Possible"`` (four leading spaces, as Canvas writes it), four blanks, then
      each assignment's points.
    * One row per student, in the table's order: Student = ``"Last, First"`` (just the id when the
      roster has no name), ID = ``lms_id`` (Canvas user id), SIS User ID = dlgrade's student id,
      SIS Login ID = ``email``, Section = ``section``. Canvas finds the student by ID, else by
      SIS User ID / SIS Login ID.
    * Scores: each slot's ``S_score`` (after late penalty) goes to the column of the assignment
      that counted (``S_assignment``); the other options of a choice slot stay blank (blank cells
      leave Canvas's grade unchanged). A slot with status ``excused`` is ``EX`` (Canvas's excused
      mark) in every one of its options. A one-assignment slot with nothing submitted gets its
      ``S_score`` (0); a choice slot with nothing submitted stays blank, since no option counted.
    * UTF-8 without BOM, minimal quoting (names with commas are quoted), ``\\n`` line ends.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    assignments = list(policy.assignments)
    ids = [a.id for a in assignments]
    slots = slots_of(policy)
    header = CANVAS_HEADER + [canvas_column(a) for a in assignments]
    points = [CANVAS_POINTS_LABEL, "", "", "", ""] + [_number_text(a.points) for a in assignments]
    rows = [header, points]
    for rec in frame.to_dict("records"):
        last, first = _text(rec.get("last_name")).strip(), _text(rec.get("first_name")).strip()
        name = f"{last}, {first}" if last and first else (last or first or _text(rec.get("student")))
        scores = {aid: "" for aid in ids}
        for slot in slots:
            status = _text(rec.get(f"{slot.id}_status"))
            counted = _text(rec.get(f"{slot.id}_assignment"))
            score = rec.get(f"{slot.id}_score")
            if status == "excused":
                for option in slot.options:
                    if option in scores:
                        scores[option] = "EX"
            elif counted in scores:
                scores[counted] = _number_text(score)
            elif len(slot.options) == 1 and slot.options[0] in scores:
                scores[slot.options[0]] = _number_text(score)
        rows.append([name, _text(rec.get("lms_id")), _text(rec.get("student")), _text(rec.get("email")),
                     _text(rec.get("section"))] + [scores[aid] for aid in ids])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(rows)
    return path
