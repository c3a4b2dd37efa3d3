"""grading.report: the self-contained HTML grade report."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from test_export import PLAN, ROSTER, make_course, make_policy, make_table

from grading.compute import GradeTable
from grading.course import Course
from grading.collect import parse_time as parse_timestamp
from grading.report import failure_rates, load_results, load_timestamps, write_report

SECTIONS = ["Summary", "Final grades", "Assignment scores", "Hidden tests most often failed", "Submission times",
            "Submission times to check", "Not passed"]


def _sections(text: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", text)


def test_report_has_every_section_and_plot(tmp_path):
    course = make_course(tmp_path / "course")
    path = write_report(make_table(), course, tmp_path / "out")
    assert path == tmp_path / "out" / "report.html"
    text = path.read_text(encoding="utf-8")
    assert _sections(text) == SECTIONS
    # final grades, assignment scores, test failures, submission times: all inline
    assert text.count("<img") == 4
    assert text.count('src="data:image/png;base64,') == 4
    assert "http://" not in text and "https://" not in text  # self-contained
    assert list((tmp_path / "out").iterdir()) == [path]

    assert "Deep Learning — Winter 2026" in text
    assert "García, Ana" in text and "O&#x27;Brien-Ñúñez" not in text.split('id="not-passed"')[1]
    assert "Wang, Jr., Li &quot;Lee&quot;" in text and "exam part 5.2 &lt; 5.5" in text
    assert "Müller" not in text.split('id="not-passed"')[1]  # passed students are not listed
    summary = text.split('id="summary"')[1].split("</section>")[0]
    # final grades 8, 6, (none), 4, 10: median 7; s003's a2 and a3 are missing (00123's a1 is excused)
    for label, n in (("students", len(ROSTER)), ("passed", 3), ("not passed", 2), ("median final grade", "7"),
                     ("missing submissions", 2)):
        assert f'<div class="n">{n}</div><div class="l">{label}</div>' in summary
    assert "crashed before any test ran" in text  # 00123's a2 results file has an error and no tests


def test_failure_rates_worst_first(tmp_path):
    policy = make_policy()
    rows = failure_rates(load_results(make_course(tmp_path), policy.assignments))
    top = rows[0]
    assert (top["assignment"], top["test"], top["failed"], top["runs"]) == ("a1_mlp", "test_training_converges", 3, 4)
    assert [r["rate"] for r in rows] == sorted((r["rate"] for r in rows), reverse=True)
    assert {r["test"] for r in rows} >= {"test_accuracy, top-1", "test_conv_shape"}
    # the crashed a2 submission is not a run of any test
    assert next(r for r in rows if r["test"] == "test_conv_shape")["runs"] == 3


def test_timestamps_in_nbgrader_format(tmp_path):
    assert parse_timestamp("2026-10-08 21:59:00.000000 UTC") == datetime(2026, 10, 8, 21, 59, tzinfo=timezone.utc)
    assert parse_timestamp("2026-10-08T23:59:00+02:00") == datetime(2026, 10, 8, 21, 59, tzinfo=timezone.utc)
    assert parse_timestamp("garbage") is None and parse_timestamp("") is None
    policy = make_policy()
    stamps = load_timestamps(make_course(tmp_path), policy.assignments)
    late = stamps["a1_mlp"]["s003"] - policy.assignments[0].due
    assert late.total_seconds() == 3 * 3600
    assert stamps["a3_cnn"] == {}


def test_report_on_empty_inputs(tmp_path):
    table = make_table(roster=[])
    for course in (None, Course(tmp_path / "no-such-course"), Course(tmp_path)):
        path = write_report(table, course, tmp_path / "out")
        text = path.read_text(encoding="utf-8")
        assert _sections(text) == SECTIONS
        assert "No final grades yet." in text and "No students." in text
        assert "No autograder results found" in text and "No submission times found" in text
        assert text.count("<img") == 0


def test_report_with_an_assignment_nobody_submitted(tmp_path):
    course = make_course(tmp_path / "course")
    table = make_table(plan={key: value for key, value in PLAN.items() if not key[0].startswith("a3")})
    assert {g.slot("a3").status for g in table.rows} == {"not submitted"}
    text = write_report(table, course, tmp_path / "out").read_text(encoding="utf-8")
    assert _sections(text) == SECTIONS
    assert "Assignment 3: vision: no submissions." in text  # a note beside the other assignments' times
    assert text.count("<img") == 4


def test_report_with_no_policy_slots(tmp_path):
    # a policy file needs an assignment; a policy built in code need not, and the report still works
    table = make_table()
    bare = GradeTable(replace(table.policy, assignments=(), slots=()), [replace(g, slots=()) for g in table.rows])
    text = write_report(bare, Course(tmp_path), tmp_path / "out").read_text(encoding="utf-8")
    assert "The policy has no assignments." in text and text.count("<img") == 1  # final grades only
