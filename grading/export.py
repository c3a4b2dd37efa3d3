"""Exports of the grade table (see ``GRADE_TABLE.md``): a plain CSV, an XLSX workbook and a
Canvas gradebook import file.

Every writer takes the typed `GradeTable` (its ``policy`` and its `StudentGrade` rows with their
`SlotResult` slots) and flattens it only at the edge: the plain CSV and the XLSX have exactly the
columns of ``GradeTable.columns()`` in order, the XLSX's policy sheet is ``Policy.to_dict()``
flattened to key/value rows.

Choices that hold for all files:

* UTF-8 **without** a byte-order mark. pandas, Python's csv module, LibreOffice and Canvas read it
  as is; Excel on Windows guesses the code page of a BOM-less CSV and garbles accents, but
  Excel users get the XLSX, which has no encoding question at all.
* Missing numbers (a missing exam, a test that never ran) are empty cells. An empty string is
  also an empty cell, so a reader sees both as missing: ``read_grades_csv`` reads the file back
  with the contract's types (text columns as text, "" for empty; ids keep leading zeros).
* Numbers are written with up to 10 significant digits, which hides float noise
  (0.30000000000000004 -> 0.3) and is exact for any score a course can hand out.
* Quoting is minimal (a field with a comma, a double quote or a line break is quoted, quotes
  doubled), plus every field that was defused (below); ``\\n`` line ends.

Formula injection (OWASP "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection):
names, emails, sections, reasons, ids, assignment titles and test names come from people, and a
spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). So in both CSVs every TEXT cell, header cells
included, is defused (`defuse`): a single quote ``'`` goes in front of

* a formula start: ``=`` ``+`` ``-`` ``@``, tab, carriage return, line feed (OWASP's list) and the
  full-width ``＝`` ``＋`` ``－`` ``＠`` that some spreadsheets take for them; also when only
  quotes (``'``, ``"``) stand before it, so that a value which already looks defused stays
  distinguishable;
* at the start of the cell and after every character a spreadsheet may split cells on instead
  of this file's commas (``,`` ``;`` tab, CR, LF: Excel with a ";" list separator, an import
  dialog with several separators ticked), as OWASP asks;

and the field is quoted. Numbers are never touched: -2.5 is written ``-2.5`` and stays a number.
``|`` and ``%`` are not defused: neither starts a formula. Spreadsheets show the quote (Excel and
LibreOffice as a visible ``'``, Google Sheets hides it); Canvas matches students by the ID
columns, which hold no formula starts unless the roster is itself an attack.
`read_grades_csv` undoes it exactly (`undefuse` drops one quote wherever `defuse` put one, and
nowhere else), so a written file reads back to the table it came from, for every text value.

The XLSX needs none of this: it stores every text cell as text, never as a formula.
"""
from __future__ import annotations

import json
import math
import re
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .compute import GradeTable
from .course import Course
from .imports import Student
from .policy import Assignment

STRING_COLUMNS = ("student", "first_name", "last_name", "email", "lms_id", "section", "reason")
STRING_SUFFIXES = ("_assignment", "_status", "_note")
FLOAT_FORMAT = "%.10g"
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_LABEL = "    Points Possible"


# --- formula injection ------------------------------------------------------------------------------

FORMULA_STARTS = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"  # the last four: ＝ ＋ － ＠
CELL_BREAKS = ",;\t\r\n"  # where a spreadsheet may start a new cell inside one of our fields
_AT_CELL_START = f"(?<![^{re.escape(CELL_BREAKS)}])"  # the start of the text, or just after a cell break
_BEFORE_FORMULA = f"(?=['\"]*[{re.escape(FORMULA_STARTS)}])"  # quotes at most, then a formula start
_DEFUSE = re.compile(_AT_CELL_START + _BEFORE_FORMULA)
_UNDEFUSE = re.compile(_AT_CELL_START + "'" + _BEFORE_FORMULA)


def defuse(text: str) -> str:
    """``text`` with a ``'`` before each formula start at the start of a cell (see the module
    docstring): ``=SUM(A1)`` -> ``'=SUM(A1)``, ``x;@cmd`` -> ``x;'@cmd``, ``Müller`` unchanged."""
    return _DEFUSE.sub("'", text)


def undefuse(text: str) -> str:
    """The inverse of `defuse`: ``undefuse(defuse(t)) == t`` for every string ``t``. (A ``'`` that
    `defuse` would have put there is dropped; a value that already began with ``'=`` was written
    as ``''=``, so it comes back with its quote.)"""
    return _UNDEFUSE.sub("", text)


def _number_text(value: Any) -> str:
    """A number as the CSVs write it: "" when missing, ``True``/``False``, else ``%.10g``."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return ""
    return "0" if number == 0 else FLOAT_FORMAT % number


def _field(value: Any) -> str:
    """One CSV field: text (a ``str``) defused, anything else as a number; quoted when defused or
    when it holds a comma, a double quote or a line break."""
    if isinstance(value, str):
        text = defuse(value)
        quote = text != value
    else:
        text, quote = _number_text(value), False
    if quote or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_rows(path: str | Path, rows: Iterable[list]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(",".join(_field(value) for value in row) + "\n")
    return path


def student_name(student: Student) -> str:
    """``"Last, First"``, or the one of them the roster has ("" for neither)."""
    last, first = student.last_name.strip(), student.first_name.strip()
    return f"{last}, {first}" if last and first else (last or first)


# --- the policy sheet ---------------------------------------------------------------------------------

def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Plain nested dicts/lists (``Policy.to_dict()``) -> ``[("scheme.parts[0].weight", 0.5), ...]``
    with scalar values; a list of scalars is one row, ``"a3_cnn, a3_rnn"``; None is ""."""
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
        if not any(isinstance(v, (dict, list, tuple)) for v in value):
            return [(prefix, ", ".join(f"{v:g}" if isinstance(v, float) else str(_scalar(v)) for v in value))]
        rows = []
        for i, item in enumerate(value):
            rows += flatten(item, f"{prefix}[{i}]")
        return rows
    return [(prefix, _scalar(value))]


def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, (bool, int, float, str)) else str(value)


# --- results files ----------------------------------------------------------------------------------

def _assignment_ids(assignments: Iterable) -> list[str]:
    return [a if isinstance(a, str) else a.id for a in assignments]


def load_results(course: Course, assignments: Iterable) -> dict[str, dict[str, dict]]:
    """``{assignment: {student: results file as a dict}}`` (``Course.results``).

    An unreadable results file is skipped with a warning; none is no results."""
    found: dict[str, dict[str, dict]] = {}
    for aid in _assignment_ids(assignments):
        found[aid] = {}
        for student, path in course.results(aid).items():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                warnings.warn(f"skipping unreadable {path}: {err}")
                continue
            if isinstance(data, dict):
                found[aid][student] = data
    return found


def per_test_scores(course: Course, assignments: Iterable) -> dict[str, dict[str, float]]:
    """``{student: {"<assignment>:<test name>": points earned}}`` from the results files.

    Every student with any results file gets every column (NaN where that student has no result
    for the assignment, or the test did not appear), and the keys are in one order for everyone:
    assignments in the given order, tests in the order they first appear."""
    results = load_results(course, assignments)
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

def write_csv(table: GradeTable, path: str | Path, per_test: dict[str, dict[str, float]] | None = None) -> Path:
    """One row per student, every column of the grade table in its order (``table.columns()``),
    then the optional per-test columns ``"<assignment>:<test name>"`` (points earned; from
    ``per_test_scores``; NaN, an empty cell, for a student without that result).

    Text cells are defused against formula injection (module docstring), numbers are not;
    ``passed`` is ``True``/``False``; missing numbers are empty; UTF-8 without BOM."""
    columns = table.columns()
    tests: list[str] = []
    for scores in (per_test or {}).values():
        tests += [c for c in scores if c not in tests and c not in columns]
    rows: list[list] = [columns + tests]
    for grade in table.rows:
        row = grade.as_row()
        earned = (per_test or {}).get(grade.student.id, {})
        rows.append([row[c] for c in columns] + [float(earned.get(c, math.nan)) for c in tests])
    return _write_rows(path, rows)


def read_grades_csv(path: str | Path) -> pd.DataFrame:
    """Read a ``write_csv`` file back with the contract's types: text columns stay text ("" when
    empty, ids keep leading zeros) with the defusing undone (`undefuse`, header included), numbers
    are floats (NaN when empty), ``passed`` is bool. For a file ``write_csv`` wrote from a table,
    ``read_grades_csv(path)`` equals ``table.to_frame()`` (plus the per-test columns)."""
    header = pd.read_csv(path, nrows=0, encoding="utf-8").columns
    text = [c for c in header if c in STRING_COLUMNS or (":" not in c and c.endswith(STRING_SUFFIXES))]
    frame = pd.read_csv(path, encoding="utf-8", dtype={c: str for c in text}, keep_default_na=False,
                        na_values={c: [""] for c in header if c not in text})
    for column in text:
        frame[column] = frame[column].map(undefuse)
    frame.columns = [undefuse(str(c)) for c in frame.columns]
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


def write_xlsx(table: GradeTable, path: str | Path) -> Path:
    """Workbook with sheet ``grades`` (the grade table, ``table.to_frame()``: bold frozen header,
    autofilter, widths to fit, ``0.00`` on scores, ``0.0`` on late hours, ``0`` on whole-number
    grades and integer columns, ``passed`` as an Excel boolean TRUE/FALSE with failed rows' cell
    tinted) and sheet ``policy`` (``table.policy.to_dict()`` flattened to ``key``/``value`` rows).
    Text is stored as text, never as a formula, so nothing needs defusing here."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = table.to_frame()
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
    for i, (key, value) in enumerate(flatten(table.policy.to_dict()), start=2):
        _set(info.cell(row=i, column=1), key)
        _set(info.cell(row=i, column=2), value)
    info.freeze_panes = "A2"
    _fit_widths(info, maximum=80)
    book.save(path)
    return path


# --- Canvas -------------------------------------------------------------------------------------------

def canvas_column(assignment: Assignment) -> str:
    """``"<title> (<canvas_id>)"`` as Canvas names an assignment column; just the title without id."""
    canvas_id = assignment.canvas_id
    return f"{assignment.title} ({canvas_id})" if canvas_id not in (None, "") else str(assignment.title)


def write_canvas(table: GradeTable, path: str | Path) -> Path:
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
    * Then, when the policy has an exam, one column ``Exam`` (``Exam: <id>`` for an exam on the
      platform) with its points; a student without an exam score is blank.
    * Scores: each slot's score (after late penalty) goes to the column of the assignment that
      counted (`SlotResult.assignment`); the other options of a choice slot stay blank (blank
      cells leave Canvas's grade unchanged). An excused slot is ``EX`` (Canvas's excused mark) in
      every one of its options. A one-assignment slot with nothing submitted gets its score (0); a
      choice slot with nothing submitted stays blank, since no option counted.
    * Text cells defused against formula injection (module docstring; the title of an assignment
      too), numbers not; UTF-8 without BOM, minimal quoting (names with commas are quoted),
      ``\\n`` line ends.
    """
    policy = table.policy
    ids = [a.id for a in policy.assignments]
    exam = [f"Exam: {policy.exam.id}" if policy.exam.id else "Exam"] if policy.exam is not None else []
    rows: list[list] = [CANVAS_HEADER + [canvas_column(a) for a in policy.assignments] + exam,
                        [CANVAS_POINTS_LABEL, "", "", "", ""] + [a.points for a in policy.assignments]
                        + ([policy.exam.max_points] if exam else [])]
    for grade in table.rows:
        student = grade.student
        scores: dict[str, Any] = {aid: "" for aid in ids}
        for slot in policy.slots:
            result = grade.slot(slot.id)
            if result.status == "excused":
                scores.update({option: "EX" for option in slot.options})
            elif result.assignment in scores:
                scores[result.assignment] = result.score
            elif len(slot.options) == 1:
                scores[slot.options[0]] = result.score
        points = grade.exam_points
        rows.append([student_name(student) or student.id, student.lms_id, student.id, student.email,
                     student.section] + [scores[aid] for aid in ids]
                    + (["" if points is None or math.isnan(points) else points] if exam else []))
    return _write_rows(path, rows)
