"""The demo course end to end on a small cohort: autograde spread, policy sheets, report."""
import csv
import json

import pandas as pd

from grading.demo import run_demo
from grading.export import read_grades_csv
from grading.gradebook import CourseGradebook


def test_demo_grades_a_small_cohort_into_the_gradebook_sheets_and_report(tmp_path):
    course_dir = run_demo(tmp_path / "course", size=10, workers=2, timeout=60, quiet=True)
    table = pd.read_csv(course_dir / "autograde_a1_mlp.csv").set_index("student")
    everyone = json.loads((course_dir / "cohort.json").read_text())
    cohort = {p["student"]: p for p in everyone if p["assignment"] == "a1_mlp"}
    assert set(table.index) == set(cohort)

    kinds = {sid: p["kind"] for sid, p in cohort.items()}
    by_kind = lambda kind: table.loc[[s for s, k in kinds.items() if k == kind]]
    assert (by_kind("reference")["score"] == 10).all()
    assert (by_kind("correct")["score"] == 10).all()
    assert (by_kind("buggy")["score"] < 10).all()
    assert (by_kind("blank")["score"] == 0).all()
    corrupted = by_kind("corrupted").iloc[0]
    assert corrupted["score"] == 0 and "not a readable notebook" in corrupted["note"]
    assert "appear more than once" in by_kind("duplicated_cell").iloc[0]["note"]
    endless = by_kind("endless").iloc[0]
    assert endless["score"] == 10 and "was stopped after" in endless["note"]
    assert "were deleted" in by_kind("deleted_cell").iloc[0]["note"]

    late = [sid for sid, p in cohort.items() if p["late_hours"]]
    assert table.loc[late, "late_hours"].tolist() == [27.25]  # 27.5 h after due, less 15 min of grace
    assert (table.drop(index=late)["late_hours"] == 0).all()

    # The sheet reads back what the gradebook holds, per grade cell.
    gradebook = CourseGradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "dlf")
    scores = {s.student: s.score for s in gradebook.assignment_scores("a1_mlp")}
    assert scores == table["score"].to_dict()

    # Course A's policy: 27.5 h late with 15 min grace = 2 started days at 1 point each.
    grades = read_grades_csv(course_dir / "grades.csv").set_index("student")
    assert grades.loc[late[0], "a1_mlp_penalty"] == 2 and grades.loc[late[0], "a1_mlp_score"] == 8
    assert grades.loc[late[0], "a1_mlp_status"] == "late"
    assert any(":" in c for c in grades.columns), "per-test columns"
    assert set(grades.index) == set(cohort)
    assert (course_dir / "grades.xlsx").stat().st_size > 0
    with open(course_dir / "canvas.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip() == "Points Possible" and len(rows) == 2 + len(cohort)
    report = (course_dir / "report" / "report.html").read_text()
    assert report.count("<img") >= 3

    # The choice slot is team work: one member hands in, every member gets it, the first team both options.
    team_work = {p["assignment"] for p in everyone} & {"a3_cnn", "a3_rnn"}
    if team_work:
        with open(course_dir / "teams.csv", encoding="utf-8") as fh:
            teams = {}
            for row in csv.DictReader(fh):
                teams.setdefault(row["team"], []).append(row["student"])
        handed_in = {(p["assignment"], p["student"]) for p in everyone if p["assignment"] in team_work}
        for members in teams.values():
            assert len(set(grades.loc[members, "a3_raw"])) == 1  # the team's score, for every member
            assert {s for _, s in handed_in} & set(members) <= {members[0]}
        first = teams["T01"]
        own = {aid: gradebook_score(course_dir, aid, first[0]) for aid in team_work}
        assert grades.loc[first[0], "a3_raw"] == max(own.values()) and len(own) == len(team_work)
        # The late team: late for its members, except the one with an extension.
        with open(course_dir / "extensions.csv", encoding="utf-8") as fh:
            extended = list(csv.DictReader(fh))
        for row in extended:
            team = next(m for m in teams.values() if row["student"] in m)
            penalties = grades.loc[team, "a3_penalty"]
            assert penalties[row["student"]] == 0 and (penalties.drop(row["student"]) > 0).all()
        assert extended


def gradebook_score(course_dir, assignment, student):
    gradebook = CourseGradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "dlf")
    return next(s.score for s in gradebook.assignment_scores(assignment) if s.student == student)
