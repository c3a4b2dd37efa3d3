"""grading.export: CSV, XLSX and Canvas exports of the grade table (GRADE_TABLE.md)."""
from __future__ import annotations

import copy
import csv
import json
import math
import random
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from grading.compute import GradeTable, SubmissionScore, compute_grades
from grading.course import Course
from grading.export import (CANVAS_HEADER, defuse, flatten, per_test_scores, read_grades_csv, undefuse, write_canvas,
                            write_csv, write_xlsx)
from grading.imports import Student
from grading.policy import Policy, policy_from_dict

# --- a small real grade table (shared with test_report.py) -------------------------------------------

HALF_EVEN = {"mode": "half_even", "step": 1}
POLICY_DATA = {
    "course": {"id": "dl101", "title": "Deep Learning — Winter 2026"},
    "assignments": [
        {"id": "a1_mlp", "title": "Assignment 1: MLP", "points": 10, "due": "2026-10-09T23:59:00+02:00",
         "canvas_id": 1001},
        {"id": "a2_cnn", "title": "Assignment 2: CNN", "points": 10, "due": "2026-10-23T23:59:00+02:00",
         "canvas_id": "1002"},
        {"id": "a3_cnn", "title": "Assignment 3: vision", "points": 10, "due": "2026-11-06T23:59:00+01:00",
         "canvas_id": 1003},
        {"id": "a3_rnn", "title": "Assignment 3: sequences", "points": 10, "due": "2026-11-06T23:59:00+01:00"},
    ],
    "choices": {"a3": ["a3_cnn", "a3_rnn"]},
    # a started day late costs 1 point; more than 3 and the submission counts 0 ("past cap")
    "late": {"unit": "day", "penalty": 1, "cap": 3, "after_cap": "zero"},
    "exam": {"max_points": 100, "source": "imported"},
    # partial grades: assignments round(total / 3), exam round(points / 10), exam needs 5.5;
    # final round(0.5 a + 0.5 e); every rounding half to even
    "scheme": {"type": "weighted", "rounding": HALF_EVEN,
               "parts": [{"name": "assignments", "weight": 0.5, "divisor": 3, "rounding": HALF_EVEN},
                         {"name": "exam", "weight": 0.5, "divisor": 10, "min": 5.5, "rounding": HALF_EVEN}]},
}


def make_policy(**changes) -> Policy:
    """The policy of ``POLICY_DATA`` through the project's own loader; ``changes``: assignment
    id -> {field: value} to override (e.g. a title)."""
    data = copy.deepcopy(POLICY_DATA)
    for a in data["assignments"]:
        a.update(changes.get(a["id"], {}))
    return policy_from_dict(data)


ROSTER = [
    Student("s001", "Jürgen", "Müller", "j.mueller@uni.example", "5001", "Group A"),
    Student("s002", "Zoë", "O'Brien-Ñúñez", "zoe@uni.example", "5002", "Group B, Tuesday"),
    Student("s003", 'Li "Lee"', "Wang, Jr.", "li@uni.example", "5003", "Group A"),
    Student("00123", "Ana", "García", "ana@uni.example", "", "Group B, Tuesday"),
    Student("s005", '=HYPERLINK("x")', "Ødegård", "oe@uni.example", "5005", ""),
]
# (assignment, student): (score of 10, hours after the due date)
PLAN = {
    ("a1_mlp", "s001"): (9.5, -30), ("a2_cnn", "s001"): (8.75, -10), ("a3_cnn", "s001"): (10, -5),
    ("a1_mlp", "s002"): (7, -2), ("a2_cnn", "s002"): (9, 30), ("a3_rnn", "s002"): (6.5, -1),  # a2: 2 days late
    ("a1_mlp", "s003"): (4, -1),  # then nothing, and no exam
    ("a1_mlp", "00123"): (6, -4), ("a2_cnn", "00123"): (5, -1), ("a3_cnn", "00123"): (3, 80),  # a1 excused; a3 past cap
    ("a1_mlp", "s005"): (10, -100), ("a2_cnn", "s005"): (10, -50), ("a3_rnn", "s005"): (9, -20),
}
EXAMS = {"s001": 72, "s002": 60, "00123": 52, "s005": 95}
EXCUSED = [("00123", "a1_mlp")]
STUDENTS = ROSTER  # shared name with test_report.py


def make_scores(policy: Policy, plan: dict = PLAN) -> dict[tuple[str, str], SubmissionScore]:
    return {(aid, sid): SubmissionScore(score, 10.0, policy.assignment(aid).due + timedelta(hours=hours))
            for (aid, sid), (score, hours) in plan.items()}


def make_table(roster=ROSTER, policy: Policy | None = None, plan: dict = PLAN) -> GradeTable:
    """What the fixture works out to, row by row (assignments a / 3 and exam e / 10, half even):
    s001 28.25 -> 9, 72 -> 7, final 8, passed; s002 20.5 -> 7, 60 -> 6, final 6.5 -> 6, passed;
    s003 no exam: NaN, "no exam score"; 00123 5 of 20 (a1 excused) = 7.5 of 30 -> 2, 52 -> 5,
    final 3.5 -> 4, "exam part 5.2 < 5.5"; s005 29 -> 10, 95 -> 10, final 10, passed."""
    policy = policy or make_policy()
    return compute_grades(policy, make_scores(policy, plan), roster, EXAMS, excused=EXCUSED)


def _test(name: str, passed: bool, points: float = 1.0, cell: str = "c1") -> dict:
    return {"name": name, "cell": cell, "points": points if passed else 0.0, "max_points": points,
            "passed": passed, "message": "" if passed else "AssertionError: shape mismatch"}


def make_course(root: Path, policy: Policy | None = None) -> Course:
    """results.json and timestamp.txt files like dlgrade/nbgrader write them."""
    policy = policy or make_policy()
    due = {a.id: a.due for a in policy.assignments}
    plan = {  # (student, assignment): (tests, hours relative to due)
        ("s001", "a1_mlp"): ([_test("test_forward", True, 2), _test("test_backward", True, 3),
                              _test("test_training_converges", False, 5)], -30),
        ("s002", "a1_mlp"): ([_test("test_forward", True, 2), _test("test_backward", False, 3),
                              _test("test_training_converges", False, 5)], -2),
        ("s003", "a1_mlp"): ([_test("test_forward", False, 2), _test("test_backward", False, 3),
                              _test("test_training_converges", False, 5)], 3),
        ("s005", "a1_mlp"): ([_test("test_forward", True, 2), _test("test_backward", True, 3),
                              _test("test_training_converges", True, 5)], -100),
        ("s001", "a2_cnn"): ([_test("test_conv_shape", True, 5), _test("test_accuracy, top-1", False, 5)], -10),
        ("s002", "a2_cnn"): ([_test("test_conv_shape", True, 5), _test("test_accuracy, top-1", True, 5)], 30),
        ("00123", "a2_cnn"): ([], -1),
        ("s005", "a2_cnn"): ([_test("test_conv_shape", True, 5), _test("test_accuracy, top-1", True, 5)], -50),
    }
    for (student, aid), (tests, hours) in plan.items():
        out = root / "autograded" / student / aid
        out.mkdir(parents=True, exist_ok=True)
        error = None if tests else "NameError: name 'model' is not defined"
        out.joinpath("results.json").write_text(json.dumps({
            "assignment": aid, "student": student, "score": sum(t["points"] for t in tests),
            "max_score": 10.0, "error": error, "warnings": [], "tests": tests}), encoding="utf-8")
        sub = root / "submitted" / student / aid
        sub.mkdir(parents=True, exist_ok=True)
        stamp = (due[aid] + timedelta(hours=hours)).astimezone(timezone.utc)
        sub.joinpath("timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    return Course(root)


def test_the_fixture_is_what_the_tests_below_assume():
    table = make_table()
    assert [g.student.id for g in table.rows] == ["s001", "s002", "s003", "00123", "s005"]
    grades = [g.final_grade for g in table.rows]
    assert grades[:2] + grades[3:] == [8, 6, 4, 10] and math.isnan(grades[2])
    assert [g.passed for g in table.rows] == [True, True, False, False, True]
    assert table.row("00123").reason == "exam part 5.2 < 5.5" and table.row("s003").reason == "no exam score"
    assert [r.status for r in table.row("00123").slots] == ["excused", "graded", "past cap"]
    assert (table.row("s002").slot("a2_cnn").late_hours, table.row("s002").slot("a2_cnn").penalty) == (30, 2)


# --- CSV ----------------------------------------------------------------------------------------------

def test_csv_round_trips_through_pandas(tmp_path):
    table = make_table()
    frame = table.to_frame()
    path = write_csv(table, tmp_path / "grades.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 without BOM"
    assert "Müller" in raw.decode("utf-8")

    back = pd.read_csv(path)
    assert list(back.columns) == list(frame.columns) == table.columns()
    assert back["last_name"].tolist() == frame["last_name"].tolist()  # commas, quotes, accents
    assert back["first_name"].tolist()[:4] == frame["first_name"].tolist()[:4]
    assert back.loc[4, "first_name"] == "'=HYPERLINK(\"x\")"  # defused for spreadsheets; read_grades_csv undoes it
    assert back.loc[1, "section"] == "Group B, Tuesday"
    assert back.loc[2, "first_name"] == 'Li "Lee"'
    assert math.isnan(back.loc[2, "exam_points"])
    assert back["passed"].dtype == bool and back["passed"].tolist() == frame["passed"].tolist()
    assert back.loc[3, "reason"] == "exam part 5.2 < 5.5"
    assert back.loc[1, "a2_cnn_late_hours"] == 30.0 and back.loc[0, "a2_cnn_score"] == 8.75

    typed = read_grades_csv(path)
    assert typed.loc[3, "student"] == "00123"  # leading zeros kept
    assert typed.loc[4, "first_name"] == '=HYPERLINK("x")'
    pd.testing.assert_frame_equal(typed, frame, check_dtype=False)


def test_csv_hides_float_noise(tmp_path):
    table = make_table()
    table.rows[0] = replace(table.rows[0], final_score=0.1 + 0.2)
    text = write_csv(table, tmp_path / "grades.csv").read_text(encoding="utf-8")
    assert "0.30000000000000004" not in text and ",0.3," in text


def test_per_test_columns(tmp_path):
    course = make_course(tmp_path / "course")
    per_test = per_test_scores(course, ["a1_mlp", "a2_cnn", "a3_cnn"])
    assert set(per_test) == {"s001", "s002", "s003", "s005", "00123"}
    columns = list(per_test["s001"])
    assert columns == ["a1_mlp:test_forward", "a1_mlp:test_backward", "a1_mlp:test_training_converges",
                       "a2_cnn:test_conv_shape", "a2_cnn:test_accuracy, top-1"]
    assert per_test["s002"]["a1_mlp:test_backward"] == 0.0 and per_test["s001"]["a1_mlp:test_backward"] == 3.0
    assert math.isnan(per_test["s003"]["a2_cnn:test_conv_shape"])  # no a2 results

    table = make_table()
    back = read_grades_csv(write_csv(table, tmp_path / "grades.csv", per_test=per_test))
    assert list(back.columns) == table.columns() + columns
    row = back.set_index("student")
    assert row.loc["s001", "a2_cnn:test_conv_shape"] == 5.0
    assert row.loc["s002", "a1_mlp:test_training_converges"] == 0.0
    assert math.isnan(row.loc["00123", "a2_cnn:test_conv_shape"])  # crashed: no tests ran


def test_per_test_scores_without_results_and_with_a_broken_file(tmp_path):
    assert per_test_scores(Course(tmp_path), ["a1_mlp"]) == {}
    bad = tmp_path / "autograded" / "s001" / "a1_mlp"
    bad.mkdir(parents=True)
    (bad / "results.json").write_text("{not json", encoding="utf-8")
    with pytest.warns(UserWarning, match="unreadable"):
        assert per_test_scores(Course(tmp_path), ["a1_mlp"]) == {}


# --- formula injection ----------------------------------------------------------------------------------

# OWASP's formula starts (=, +, -, @, tab, CR, LF) and the full-width ＝ ＋ － ＠
FORMULA_STARTS = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
PAYLOADS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"]
TAB_SECTION = "\tGroup C"


def hostile_table(policy: Policy | None = None) -> GradeTable:
    """One student per payload (as first and last name), one with a tab-led section; x0's final
    score and a1 score are a genuine negative number, which must stay a number."""
    roster = [Student(f"x{i}", p, p, f"x{i}@uni.example", f"90{i}", "Group A") for i, p in enumerate(PAYLOADS)]
    roster.append(Student("x9", "Tab", "Led", "x9@uni.example", "909", TAB_SECTION))
    plan = {("a1_mlp", s.id): (7, -1) for s in roster}
    table = make_table(roster, policy, plan)
    first = table.rows[0]
    table.rows[0] = replace(first, final_score=-2.5, slots=(replace(first.slots[0], score=-2.5),) + first.slots[1:])
    return table


def _formula_cells(path: Path) -> list[str]:
    """Cells a spreadsheet would run: starting with a formula start and not a number, whether the
    file is split on its commas (csv) or on ";" or tab (Excel with a ";" list separator, an
    import dialog with those ticked)."""
    def runs(cell: str) -> bool:
        if not cell or cell[0] not in FORMULA_STARTS:
            return False
        try:
            float(cell)
        except ValueError:
            return True
        return False

    text = path.read_text(encoding="utf-8")
    cells = [c for row in csv.reader(text.splitlines(keepends=True)) for c in row]
    for line in text.split("\n"):
        for sep in (";", "\t"):
            cells += line.split(sep)[1:]
    return [c for c in cells if runs(c)]


def test_formula_looking_text_is_defused_in_the_csv_and_numbers_stay_numbers(tmp_path):
    table = hostile_table()
    per_test = {"x0": {"a1_mlp:check;=1+1": 1.0, "a1_mlp:-2": -2.5}}
    path = write_csv(table, tmp_path / "grades.csv", per_test=per_test)
    assert _formula_cells(path) == []
    text = path.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in text  # quote prefixed, the field quoted (OWASP)
    assert "\"'+cmd|' /C calc'!A0\"" in text and "\"'-2+3\"" in text and "\"'@SUM(1)\"" in text
    assert f"\"'{TAB_SECTION}\"" in text
    assert "\"a1_mlp:check;'=1+1\"" in text.split("\n")[0]  # a test name in a per-test header
    assert ",-2.5," in text and text.split("\n")[1].endswith(",-2.5")  # numbers are not touched

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, payload in zip(rows, PAYLOADS):
        assert row["first_name"] == row["last_name"] == "'" + payload
    assert rows[-1]["section"] == "'" + TAB_SECTION
    assert rows[0]["final_score"] == rows[0]["a1_mlp_score"] == "-2.5"

    back = read_grades_csv(path)  # the exact table again
    assert list(back.columns)[-2:] == ["a1_mlp:check;=1+1", "a1_mlp:-2"]
    pd.testing.assert_frame_equal(back[table.columns()], table.to_frame(), check_dtype=False)
    assert back.loc[0, "final_score"] == -2.5 and back.loc[0, "a1_mlp:-2"] == -2.5
    assert back["last_name"].tolist()[:4] == PAYLOADS and back.loc[4, "section"] == TAB_SECTION


def test_formula_looking_text_is_defused_in_canvas(tmp_path):
    policy = make_policy(a3_rnn={"title": "=cmd|' /C calc'!A0"})
    path = write_canvas(hostile_table(policy), tmp_path / "canvas.csv")
    assert _formula_cells(path) == []
    rows = _canvas_rows(path)
    assert rows[0][-2] == "'=cmd|' /C calc'!A0"  # an assignment title in the header (the exam's column is last)
    by_id = {r[2]: r for r in rows[2:]}
    for i, payload in enumerate(PAYLOADS):
        assert by_id[f"x{i}"][0] == f"'{payload}, {payload}"
    assert by_id["x9"][4] == "'" + TAB_SECTION
    assert by_id["x0"][5] == "-2.5" and "\n\"'=HYPERLINK(" in path.read_text(encoding="utf-8")
    assert ",-2.5," in path.read_text(encoding="utf-8")


def test_defuse_and_undefuse():
    assert defuse("=1+2\";=1+2") == "'=1+2\";'=1+2"  # OWASP's example, and the cell after ";"
    assert defuse("Müller") == "Müller" and defuse("") == ""
    assert defuse("'t Hooft") == "'t Hooft"  # a leading apostrophe alone is left alone
    assert defuse("'=x") == "''=x" and undefuse("''=x") == "'=x"  # already looks defused: kept apart
    assert defuse("Group A, =x") == "Group A, =x"  # a space before it: no cell starts with "="
    assert defuse("＝1+1") == "'＝1+1"  # full-width
    assert defuse("a|b%c") == "a|b%c"
    rng = random.Random(7)
    alphabet = "ab '\"=+-@\t\r\n,;＝＠"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        safe = defuse(text)
        assert undefuse(safe) == text
        starts = [0] + [i + 1 for i, c in enumerate(safe) if c in ",;\t\r\n"]
        assert not any(p < len(safe) and safe[p] in FORMULA_STARTS for p in starts), (text, safe)


# --- XLSX ---------------------------------------------------------------------------------------------

def test_xlsx_grades_and_policy_sheets(tmp_path):
    from openpyxl import load_workbook

    table = make_table()
    frame = table.to_frame()
    book = load_workbook(write_xlsx(table, tmp_path / "grades.xlsx"))
    assert book.sheetnames == ["grades", "policy"]
    sheet = book["grades"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == list(frame.columns)
    assert all(c.font.b for c in sheet[1])
    col = {name: i + 1 for i, name in enumerate(header)}

    assert sheet.cell(2, col["a2_cnn_score"]).value == 8.75
    assert sheet.cell(2, col["a2_cnn_score"]).number_format == "0.00"
    assert sheet.cell(2, col["final_score"]).number_format == "0.00"
    assert sheet.cell(3, col["a2_cnn_late_hours"]).number_format == "0.0"
    assert sheet.cell(2, col["final_grade"]).number_format == "0"  # whole-number grades
    assert sheet.cell(2, col["passed"]).value is True and sheet.cell(4, col["passed"]).value is False
    assert sheet.cell(2, col["passed"]).data_type == "b"
    assert sheet.cell(4, col["exam_points"]).value is None  # NaN -> empty
    assert sheet.cell(3, col["last_name"]).value == "O'Brien-Ñúñez"
    formula_like = sheet.cell(6, col["first_name"])
    assert formula_like.value == '=HYPERLINK("x")' and formula_like.data_type == "s"  # text, not a formula
    assert sheet.column_dimensions["B"].width >= 8

    rows = {r[0]: r[1] for r in book["policy"].iter_rows(min_row=2, values_only=True)}
    assert book["policy"]["A1"].value == "key" and book["policy"]["B1"].value == "value"
    assert rows["course_id"] == "dl101" and rows["title"] == "Deep Learning — Winter 2026"
    assert rows["assignments[0].id"] == "a1_mlp" and rows["assignments[0].canvas_id"] == 1001
    assert rows["assignments[0].due"] == "2026-10-09T23:59:00+02:00"
    assert rows["assignments[3].canvas_id"] in ("", None)
    assert rows["slots[2].options"] == "a3_cnn, a3_rnn"
    assert rows["scheme.parts[1].min"] == 5.5 and rows["late.after_cap"] == "zero"


def test_xlsx_keeps_formula_looking_text_as_text(tmp_path):
    from openpyxl import load_workbook

    policy = make_policy(a3_rnn={"title": "=cmd|' /C calc'!A0"})
    book = load_workbook(write_xlsx(hostile_table(policy), tmp_path / "grades.xlsx"))
    sheet = book["grades"]
    col = {c.value: c.column for c in sheet[1]}
    for i, payload in enumerate(PAYLOADS, start=2):
        for name in ("first_name", "last_name"):
            cell = sheet.cell(i, col[name])
            assert (cell.value, cell.data_type) == (payload, "s")  # stored as is, as a string
    assert sheet.cell(2, col["final_score"]).value == -2.5
    assert sheet.cell(6, col["section"]).value == TAB_SECTION
    titles = [r for r in book["policy"].iter_rows(min_row=2) if r[0].value == "assignments[3].title"]
    assert titles[0][1].value == "=cmd|' /C calc'!A0" and titles[0][1].data_type == "s"


def test_policy_to_dict_is_plain_data():
    data = make_policy().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["assignments"][1]["canvas_id"] == "1002" and data["assignments"][3]["canvas_id"] is None
    assert data["slots"][2] == {"id": "a3", "options": ["a3_cnn", "a3_rnn"], "points": 10.0,
                                "title": "Assignment 3: vision / Assignment 3: sequences"}
    assert data["scheme"]["type"] == "weighted" and data["scheme"]["parts"][1]["min"] == 5.5


def test_flatten():
    assert flatten({"a": {"b": [1, 2], "c": [{"d": None}]}, "e": []}) == [("a.b", "1, 2"), ("a.c[0].d", ""),
                                                                          ("e", "")]


# --- Canvas -------------------------------------------------------------------------------------------

def _canvas_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_canvas_header_and_points_rows(tmp_path):
    path = write_canvas(make_table(), tmp_path / "canvas.csv")
    rows = _canvas_rows(path)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Assignment 1: MLP (1001)",
                       "Assignment 2: CNN (1002)", "Assignment 3: vision (1003)", "Assignment 3: sequences", "Exam"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10", "10", "10", "10", "100"]
    assert path.read_text(encoding="utf-8").splitlines()[:2] == [
        "Student,ID,SIS User ID,SIS Login ID,Section,Assignment 1: MLP (1001),Assignment 2: CNN (1002),"
        "Assignment 3: vision (1003),Assignment 3: sequences,Exam",
        "    Points Possible,,,,,10,10,10,10,100"]
    assert rows[0][:5] == CANVAS_HEADER


def test_canvas_student_rows(tmp_path):
    rows = _canvas_rows(write_canvas(make_table(), tmp_path / "canvas.csv"))[2:]
    assert len(rows) == len(ROSTER)
    by_id = {r[2]: r for r in rows}
    assert by_id["s001"] == ["Müller, Jürgen", "5001", "s001", "j.mueller@uni.example", "Group A",
                             "9.5", "8.75", "10", "", "72"]
    # late: the score after the penalty; choice slot: the option that counted, the other blank
    assert by_id["s002"] == ["O'Brien-Ñúñez, Zoë", "5002", "s002", "zoe@uni.example", "Group B, Tuesday",
                             "7", "7", "", "6.5", "60"]
    # not submitted: 0 for a one-assignment slot, blank for a choice slot
    assert by_id["s003"] == ['Wang, Jr., Li "Lee"', "5003", "s003", "li@uni.example", "Group A", "4", "0", "", "", ""]
    # excused -> EX (although a1 was submitted); past cap keeps its score (0); no lms id -> empty ID
    assert by_id["00123"] == ["García, Ana", "", "00123", "ana@uni.example", "Group B, Tuesday", "EX", "5", "0", "", "52"]
    # a first name that looks like a formula comes second in "Last, First": no cell starts with it
    assert by_id["s005"][0] == 'Ødegård, =HYPERLINK("x")'
    assert pd.read_csv(tmp_path / "canvas.csv", skiprows=[1], dtype=str)["Student"].tolist()[1] == \
        "O'Brien-Ñúñez, Zoë"


def test_canvas_excuses_every_option_of_a_choice_slot_and_names_a_student_without_a_name(tmp_path):
    roster = [Student("s9", "", "", "s9@uni.example", "5009", "")]
    table = compute_grades(make_policy(), {}, roster, excused=[("s9", "a3")])
    row = _canvas_rows(write_canvas(table, tmp_path / "canvas.csv"))[2]
    assert row == ["s9", "5009", "s9", "s9@uni.example", "", "0", "0", "EX", "EX", ""]


def test_exports_of_an_empty_table(tmp_path):
    from openpyxl import load_workbook

    table = compute_grades(make_policy(), {}, [])
    assert pd.read_csv(write_csv(table, tmp_path / "g.csv")).empty
    assert list(read_grades_csv(tmp_path / "g.csv").columns) == table.columns()
    assert load_workbook(write_xlsx(table, tmp_path / "g.xlsx"))["grades"].max_row == 1
    assert len(_canvas_rows(write_canvas(table, tmp_path / "c.csv"))) == 2
