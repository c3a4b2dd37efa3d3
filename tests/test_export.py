"""grading.export: CSV, XLSX and Canvas exports of the grade table (GRADE_TABLE.md)."""
from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from grading.export import (CANVAS_HEADER, flatten, per_test_scores, read_grades_csv, write_canvas, write_csv,
                            write_xlsx)

CET = timezone(timedelta(hours=2))


# --- a small fake grade table (shared with test_report.py) --------------------------------------------

@dataclass(frozen=True)
class FakeAssignment:
    id: str
    title: str
    points: float
    due: datetime
    canvas_id: int | str | None = None


@dataclass(frozen=True)
class FakeSlot:
    id: str
    options: tuple[str, ...]
    points: float
    title: str


@dataclass
class FakePolicy:
    course_id: str
    title: str
    assignments: tuple[FakeAssignment, ...]
    slots: tuple[FakeSlot, ...]
    scheme: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        for a in data["assignments"]:
            a["due"] = a["due"].isoformat()
        return data


def make_policy() -> FakePolicy:
    assignments = (
        FakeAssignment("a1_mlp", "Assignment 1: MLP", 10, datetime(2026, 10, 9, 23, 59, tzinfo=CET), 1001),
        FakeAssignment("a2_cnn", "Assignment 2: CNN", 10, datetime(2026, 10, 23, 23, 59, tzinfo=CET), "1002"),
        FakeAssignment("a3_cnn", "Assignment 3: vision", 10, datetime(2026, 11, 6, 23, 59, tzinfo=CET), 1003),
        FakeAssignment("a3_rnn", "Assignment 3: sequences", 10, datetime(2026, 11, 6, 23, 59, tzinfo=CET)),
    )
    slots = (FakeSlot("a1_mlp", ("a1_mlp",), 10, "Assignment 1: MLP"),
             FakeSlot("a2_cnn", ("a2_cnn",), 10, "Assignment 2: CNN"),
             FakeSlot("a3", ("a3_cnn", "a3_rnn"), 10, "Assignment 3 (choice)"))
    scheme = {"type": "weighted", "parts": [{"name": "assignments", "weight": 0.5},
                                            {"name": "exam", "weight": 0.5, "min": 5.5}],
              "rounding": {"mode": "half_up", "step": 1}}
    return FakePolicy("dl101", "Deep Learning — Winter 2026", assignments, slots, scheme)


def _slot(assignment: str, raw: float, late: float = 0.0, penalty: float = 0.0, status: str = "graded") -> dict:
    return {"assignment": assignment, "raw": raw, "late_hours": late, "penalty": penalty,
            "score": max(0.0, raw - penalty) if status not in ("not submitted", "excused") else 0.0,
            "status": status}


NONE = _slot("", 0.0, status="not submitted")

STUDENTS = [
    # id, first, last, email, lms, section, {slot: slot dict}, exam, final score, final grade, passed, reason
    ("s001", "Jürgen", "Müller", "j.mueller@uni.example", "5001", "Group A",
     {"a1_mlp": _slot("a1_mlp", 9.5), "a2_cnn": _slot("a2_cnn", 8.75), "a3": _slot("a3_cnn", 10.0)},
     72.0, 8.1, 8.0, True, ""),
    ("s002", "Zoë", "O'Brien-Ñúñez", "zoe@uni.example", "5002", "Group B, Tuesday",
     {"a1_mlp": _slot("a1_mlp", 7.0), "a2_cnn": _slot("a2_cnn", 9.0, 30.0, 2.0, "late"),
      "a3": _slot("a3_rnn", 6.5)}, 60.0, 6.6, 7.0, True, ""),
    ("s003", 'Li "Lee"', "Wang, Jr.", "li@uni.example", "5003", "Group A",
     {"a1_mlp": _slot("a1_mlp", 4.0), "a2_cnn": NONE, "a3": NONE}, math.nan, 2.0, 2.0, False,
     "no exam result"),
    ("00123", "Ana", "García", "ana@uni.example", "", "Group B, Tuesday",
     {"a1_mlp": _slot("", 0.0, status="excused"), "a2_cnn": _slot("a2_cnn", 5.0),
      "a3": _slot("a3_cnn", 3.0, 80.0, 6.0, "past cap")}, 41.0, 5.2, 5.0, False, "exam part 5.2 < 5.5"),
    ("s005", "=HYPERLINK(\"x\")", "Ødegård", "oe@uni.example", "5005", "",
     {"a1_mlp": _slot("a1_mlp", 10.0), "a2_cnn": _slot("a2_cnn", 10.0), "a3": _slot("a3_rnn", 9.0)},
     95.0, 9.6, 10.0, True, ""),
]


def make_frame(students=STUDENTS, policy: FakePolicy | None = None) -> pd.DataFrame:
    policy = policy or make_policy()
    rows = []
    for sid, first, last, email, lms, section, slots, exam, final, grade, passed, reason in students:
        row = {"student": sid, "first_name": first, "last_name": last, "email": email, "lms_id": lms,
               "section": section}
        total = top = 0.0
        for slot in policy.slots:
            values = slots.get(slot.id, NONE)
            for key in ("assignment", "raw", "late_hours", "penalty", "score", "status"):
                row[f"{slot.id}_{key}"] = values[key]
            total += values["score"]
            top += 0.0 if values["status"] == "excused" else slot.points
        row.update({"assignments_total": total, "assignments_max": top, "exam_points": exam, "exam_max": 100.0,
                    "bonus": 0.0, "assignments_grade": round(10 * total / top, 1) if top else math.nan, "exam_grade": exam / 10,
                    "final_score": final, "final_grade": grade, "passed": passed, "reason": reason})
        rows.append(row)
    if not rows:
        columns = ["student", "first_name", "last_name", "email", "lms_id", "section"]
        for slot in policy.slots:
            columns += [f"{slot.id}_{k}" for k in ("assignment", "raw", "late_hours", "penalty", "score", "status")]
        columns += ["assignments_total", "assignments_max", "exam_points", "exam_max", "bonus", "assignments_grade",
                    "exam_grade", "final_score", "final_grade", "passed", "reason"]
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)


def _test(name: str, passed: bool, points: float = 1.0, cell: str = "c1") -> dict:
    return {"name": name, "cell": cell, "points": points if passed else 0.0, "max_points": points,
            "passed": passed, "message": "" if passed else "AssertionError: shape mismatch"}


def make_course(root: Path, policy: FakePolicy | None = None) -> Path:
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
    return root


# --- CSV ----------------------------------------------------------------------------------------------

def test_csv_round_trips_through_pandas(tmp_path):
    frame = make_frame()
    path = write_csv(frame, tmp_path / "grades.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 without BOM"
    assert "Müller" in raw.decode("utf-8")

    back = pd.read_csv(path)
    assert list(back.columns) == list(frame.columns)
    assert back["last_name"].tolist() == frame["last_name"].tolist()  # commas, quotes, accents
    assert back["first_name"].tolist() == frame["first_name"].tolist()
    assert back.loc[1, "section"] == "Group B, Tuesday"
    assert back.loc[2, "first_name"] == 'Li "Lee"'
    assert math.isnan(back.loc[2, "exam_points"])
    assert back["passed"].dtype == bool and back["passed"].tolist() == frame["passed"].tolist()
    assert back.loc[3, "reason"] == "exam part 5.2 < 5.5"
    assert back.loc[1, "a2_cnn_late_hours"] == 30.0 and back.loc[0, "a2_cnn_score"] == 8.75

    typed = read_grades_csv(path)
    assert typed.loc[3, "student"] == "00123"  # leading zeros kept
    pd.testing.assert_frame_equal(typed, frame, check_dtype=False)


def test_csv_hides_float_noise(tmp_path):
    frame = make_frame()
    frame.loc[0, "final_score"] = 0.1 + 0.2
    text = write_csv(frame, tmp_path / "grades.csv").read_text(encoding="utf-8")
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

    frame = make_frame()
    back = read_grades_csv(write_csv(frame, tmp_path / "grades.csv", per_test=per_test))
    assert list(back.columns) == list(frame.columns) + columns
    row = back.set_index("student")
    assert row.loc["s001", "a2_cnn:test_conv_shape"] == 5.0
    assert row.loc["s002", "a1_mlp:test_training_converges"] == 0.0
    assert math.isnan(row.loc["00123", "a2_cnn:test_conv_shape"])  # crashed: no tests ran


def test_per_test_scores_without_results_and_with_a_broken_file(tmp_path):
    assert per_test_scores(tmp_path, ["a1_mlp"]) == {}
    bad = tmp_path / "autograded" / "s001" / "a1_mlp"
    bad.mkdir(parents=True)
    (bad / "results.json").write_text("{not json", encoding="utf-8")
    with pytest.warns(UserWarning, match="unreadable"):
        assert per_test_scores(tmp_path, ["a1_mlp"]) == {}


# --- XLSX ---------------------------------------------------------------------------------------------

def test_xlsx_grades_and_policy_sheets(tmp_path):
    from openpyxl import load_workbook

    frame, policy = make_frame(), make_policy()
    book = load_workbook(write_xlsx(frame, policy, tmp_path / "grades.xlsx"))
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
    assert rows["assignments[3].canvas_id"] in ("", None)
    assert rows["slots[2].options"] == "a3_cnn, a3_rnn"
    assert rows["scheme.parts[1].min"] == 5.5


def test_flatten():
    assert flatten({"a": {"b": [1, 2], "c": [{"d": None}]}, "e": []}) == [("a.b", "1, 2"), ("a.c[0].d", ""),
                                                                          ("e", "")]


# --- Canvas -------------------------------------------------------------------------------------------

def _canvas_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_canvas_header_and_points_rows(tmp_path):
    path = write_canvas(make_frame(), make_policy(), tmp_path / "canvas.csv")
    rows = _canvas_rows(path)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Assignment 1: MLP (1001)",
                       "Assignment 2: CNN (1002)", "Assignment 3: vision (1003)", "Assignment 3: sequences"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10", "10", "10", "10"]
    assert path.read_text(encoding="utf-8").splitlines()[:2] == [
        "Student,ID,SIS User ID,SIS Login ID,Section,Assignment 1: MLP (1001),Assignment 2: CNN (1002),"
        "Assignment 3: vision (1003),Assignment 3: sequences",
        "    Points Possible,,,,,10,10,10,10"]
    assert rows[0][:5] == CANVAS_HEADER


def test_canvas_student_rows(tmp_path):
    rows = _canvas_rows(write_canvas(make_frame(), make_policy(), tmp_path / "canvas.csv"))[2:]
    assert len(rows) == len(STUDENTS)
    by_id = {r[2]: r for r in rows}
    assert by_id["s001"] == ["Müller, Jürgen", "5001", "s001", "j.mueller@uni.example", "Group A",
                             "9.5", "8.75", "10", ""]
    # late: the score after the penalty; choice slot: the option that counted, the other blank
    assert by_id["s002"] == ["O'Brien-Ñúñez, Zoë", "5002", "s002", "zoe@uni.example", "Group B, Tuesday",
                             "7", "7", "", "6.5"]
    # not submitted: 0 for a one-assignment slot, blank for a choice slot
    assert by_id["s003"] == ['Wang, Jr., Li "Lee"', "5003", "s003", "li@uni.example", "Group A", "4", "0", "", ""]
    # excused -> EX; past cap keeps its S_score; no lms id -> empty ID
    assert by_id["00123"] == ["García, Ana", "", "00123", "ana@uni.example", "Group B, Tuesday", "EX", "5", "0", ""]
    assert pd.read_csv(tmp_path / "canvas.csv", skiprows=[1], dtype=str)["Student"].tolist()[1] == \
        "O'Brien-Ñúñez, Zoë"


def test_exports_of_an_empty_table(tmp_path):
    from openpyxl import load_workbook

    frame, policy = make_frame([]), make_policy()
    assert pd.read_csv(write_csv(frame, tmp_path / "g.csv")).empty
    assert load_workbook(write_xlsx(frame, policy, tmp_path / "g.xlsx"))["grades"].max_row == 1
    assert len(_canvas_rows(write_canvas(frame, policy, tmp_path / "c.csv"))) == 2
