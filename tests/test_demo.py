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
    # The first buggy student's three slips, scored by function as A1 ships it; their feedback says what to fix.
    assert cohort["s007"]["bugs"] == ["bce_grad_sign_flip", "softmax_no_max_subtraction", "adamw_decay_after_update"]
    assert table.loc["s007", "score"] == 8.875
    page = (course_dir / "feedback" / "s007" / "a1_mlp" / "a1_mlp.html").read_text(encoding="utf-8")
    assert page.index("<b>8.875</b> / 10") < page.index("To fix (4)") < page.index("AdamW") < page.index("Score by part")

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


def test_course_b_demo_grades_four_slots_teams_and_the_exam_by_its_weighted_rules(tmp_path):
    course_dir = run_demo(tmp_path / "course-b", size=12, workers=2, timeout=120, quiet=True, course="b")
    grades = read_grades_csv(course_dir / "grades.csv").set_index("student")
    everyone = json.loads((course_dir / "cohort.json").read_text())
    assert {p["assignment"] for p in everyone} >= {"a1_mlp", "a2_autograd", "a3_cnn", "a3_rnn", "a4_vae_gan"}

    # Course B by hand: partial grade = round(points / 4) half to even, each part needs 5.5 unrounded,
    # final = round(0.5 a + 0.5 e); a late day (started) costs 2 points.
    # The exam on the platform: the middle student did not sit it, the second handed in the first's
    # notebook (held for review, so no total yet), the third ran out of time and submitted late.
    sat = {p["student"]: p["kind"] for p in everyone if p["assignment"] == "exam_b"}
    results = {r["student"]: r for r in json.loads((course_dir / "exams" / "exam_b" / "results.json").read_text())["students"]}
    assert sat["s007"] == "absent" and results["s007"]["error"] == "no answer in the copy: the exam was not sat"
    assert sat["s002"] == "copied s001's notebook"
    assert any(f.startswith("copied: this is s001's notebook") for f in results["s002"]["flags"])
    assert sat["s003"] == "late" and results["s003"]["copy"] == "snapshot"
    assert any("after the window ended" in f for f in results["s003"]["flags"])
    absent = grades.index[grades["exam_points"].isna()]
    assert sorted(absent) == ["s002", "s007"]
    for sid in absent:
        assert not grades.loc[sid, "passed"] and "no exam score" in grades.loc[sid, "reason"]
    for sid, result in results.items():
        if sid not in absent:
            assert grades.loc[sid, "exam_points"] == result["total"], sid
    for sid, row in grades.drop(index=absent).iterrows():
        a = sum(row[f"{slot}_score"] for slot in ("a1_mlp", "a2_autograd", "a3", "a4")) / 4
        e = row["exam_points"] / 4
        assert (row["assignments_grade"], row["exam_grade"]) == (round(a), round(e)), sid
        assert row["final_grade"] == round(0.5 * round(a) + 0.5 * round(e)), sid
        assert row["passed"] == (a >= 5.5 and e >= 5.5), sid
        assert ("assignments part" in str(row["reason"])) == (a < 5.5), sid
        assert ("exam part" in str(row["reason"])) == (e < 5.5), sid
    for sid, row in grades.iterrows():
        for slot in ("a3", "a4"):
            days = -(-max(row[f"{slot}_late_hours"], 0) // 24)
            assert row[f"{slot}_penalty"] == min(2 * days, row[f"{slot}_raw"]), (sid, slot)
    reasons = grades["reason"].fillna("")
    assert grades["passed"].any() and reasons.str.contains("assignments part").any()
    assert reasons.str.contains("exam part").any()

    # A1 and A2 are each student's own; A3 and A4 are the team's, late for all but the member with an extension.
    with open(course_dir / "teams.csv", encoding="utf-8") as fh:
        teams = {}
        for row in csv.DictReader(fh):
            teams.setdefault(row["team"], []).append(row["student"])
    for members in teams.values():
        for slot in ("a3", "a4"):
            assert len(set(grades.loc[members, f"{slot}_raw"])) == 1
    assert len(set(grades.loc[teams["T01"], "a1_mlp_raw"])) > 1
    with open(course_dir / "extensions.csv", encoding="utf-8") as fh:
        extended = list(csv.DictReader(fh))
    assert {row["assignment"] for row in extended} >= {"a4_vae_gan"}
    for row in extended:
        slot = "a4" if row["assignment"].startswith("a4") else "a3"
        team = next(m for m in teams.values() if row["student"] in m)
        penalties = grades.loc[team, f"{slot}_penalty"]
        assert penalties[row["student"]] == 0 and (penalties.drop(row["student"]) > 0).all()

    # Canvas: each slot's score in the column of the option that counted.
    with open(course_dir / "canvas.csv", encoding="utf-8") as fh:
        canvas = list(csv.reader(fh))
    header = canvas[0]
    by_id = {r[2]: dict(zip(header, r)) for r in canvas[2:]}
    column = {c.split(" (")[0]: c for c in header[5:]}
    titles = {"a1_mlp": "Assignment 1: MLP", "a4_vae_gan": "Assignment 4a: VAEs and GANs"}
    for sid, row in grades.iterrows():
        for aid, title in titles.items():
            slot = "a4" if aid == "a4_vae_gan" else aid
            assert float(by_id[sid][column[title]]) == row[f"{slot}_score"], (sid, aid)
        exam = by_id[sid]["Exam: exam_b"]  # the exam's per-question total, blank without one
        assert (exam == "" if pd.isna(row["exam_points"]) else float(exam) == row["exam_points"]), sid
