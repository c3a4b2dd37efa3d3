"""The demo course end to end on a small cohort: the grade sheet shows the expected spread."""
import json

import pandas as pd

from grading.demo import run_demo
from grading.gradebook import CourseGradebook


def test_demo_grades_a_small_cohort_into_the_gradebook_and_a_sheet(tmp_path):
    sheet = run_demo(tmp_path / "course", size=10, workers=2, timeout=60, quiet=True)
    table = pd.read_csv(sheet).set_index("student")
    cohort = {p["student"]: p for p in json.loads((tmp_path / "course" / "cohort.json").read_text())}
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
    assert table.loc[late, "late_hours"].tolist() == [27.5]
    assert (table.drop(index=late)["late_hours"] == 0).all()

    # The sheet reads back what the gradebook holds, per grade cell.
    gradebook = CourseGradebook(f"sqlite:///{tmp_path / 'course' / 'gradebook.db'}", "dl101")
    scores = {s.student: s.score for s in gradebook.assignment_scores("a1_mlp")}
    assert scores == table["score"].to_dict()
