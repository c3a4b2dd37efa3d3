"""Final grades against hand-computed fixtures; the arithmetic is in the comments."""
import copy
import math
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grading.compute import SubmissionScore, compute_grades, scores_from_gradebook
from grading.imports import Membership, Student
from grading.policy import load_policy, policy_from_dict

COURSES = Path(__file__).resolve().parents[1] / "courses"
UTC = timezone.utc
DUE = datetime(2026, 10, 9, 21, 59, tzinfo=UTC)  # 2026-10-09T23:59:00+02:00, every test assignment
COURSE_A = load_policy(COURSES / "course_a.toml")
COURSE_B = load_policy(COURSES / "course_b.toml")
ROSTER = [Student("s1", "Zoë", "de Vries, Jr.", "s1@uni.nl", "1001", "A"),
          Student("s2", "Ana", "García", "s2@uni.nl", "1002", "A"),
          Student("s3", "Bo", "Ng", "s3@uni.nl", "1003", "B")]


def at(hours: float) -> datetime:
    return DUE + timedelta(hours=hours)


def on_time(score: float, max_score: float = 10.0) -> SubmissionScore:
    return SubmissionScore(score, max_score, at(-3))


def small_policy(late=None, scheme=None):
    """a1 (individual), g1 (groups of 3), slot c = c_x | c_y (groups of 3); 10 points each, due DUE."""
    due = "2026-10-09T23:59:00+02:00"
    data = {
        "course": {"id": "t", "title": "Test"},
        "assignments": [{"id": "a1", "title": "A1", "points": 10, "due": due},
                        {"id": "g1", "title": "G1", "points": 10, "due": due, "group_size": 3},
                        {"id": "c_x", "title": "CX", "points": 10, "due": due, "group_size": 3},
                        {"id": "c_y", "title": "CY", "points": 10, "due": due, "group_size": 3}],
        "choices": {"c": ["c_x", "c_y"]},
        "late": late or {"unit": "day", "penalty": 2},
        "exam": {"max_points": 40, "source": "imported"},
        "scheme": scheme or tomllib.loads((COURSES / "course_b.toml").read_text(encoding="utf-8"))["scheme"],
    }
    return policy_from_dict(data)


def course_b_with(final_mode: str):
    data = tomllib.loads((COURSES / "course_b.toml").read_text(encoding="utf-8"))
    data["scheme"]["rounding"]["mode"] = final_mode
    return policy_from_dict(data)


def course_a_with(bonus_can_pass: bool):
    data = tomllib.loads((COURSES / "course_a.toml").read_text(encoding="utf-8"))
    data["scheme"]["bonus_can_pass"] = bonus_can_pass
    return policy_from_dict(data)


# --- course B: the weighted scheme ----------------------------------------------------------------

def test_course_b_seed_scheme_by_hand():
    scores = {("a1_mlp", "s1"): on_time(8), ("a2_autograd", "s1"): on_time(9),
              ("a3_cnn", "s1"): on_time(7), ("a4_rl", "s1"): on_time(6)}
    row = compute_grades(COURSE_B, scores, ROSTER, exams={"s1": 26}).row("s1")
    # assignments 8 + 9 + 7 + 6 = 30 -> 30 / 4 = 7.5 -> half even 8
    # exam 26 / 4 = 6.5 -> half even 6;  final 0.5 * 8 + 0.5 * 6 = 7.0 -> 7
    assert (row.assignments_total, row.assignments_max) == (30, 40)
    assert (row.assignments_grade, row.exam_grade) == (8, 6)
    assert (row.final_score, row.final_grade, row.passed, row.reason) == (7.0, 7.0, True, "")
    assert row.slot("a3").assignment == "a3_cnn" and row.slot("a4").assignment == "a4_rl"
    assert math.isnan(COURSE_B.scheme.parts[0].rounding.apply(float("nan")))


@pytest.mark.parametrize("mode, expected", [("half_even", 6.0), ("half_up", 7.0)])
def test_a_final_of_six_and_a_half_under_each_rounding(mode, expected):
    scores = {("a1_mlp", "s1"): on_time(10), ("a2_autograd", "s1"): on_time(10),
              ("a3_rnn", "s1"): on_time(4), ("a4_graph", "s1"): on_time(4)}
    row = compute_grades(course_b_with(mode), scores, ROSTER, exams={"s1": 24}).row("s1")
    # assignments 28 / 4 = 7.0 -> 7; exam 24 / 4 = 6.0 -> 6; 0.5 * 7 + 0.5 * 6 = 6.5
    assert (row.assignments_grade, row.exam_grade, row.final_score) == (7, 6, 6.5)
    assert row.final_grade == expected  # half even: 6; half up: 7


def test_course_b_minimums_apply_to_the_unrounded_part():
    scores = {("a1_mlp", "s1"): on_time(10), ("a2_autograd", "s1"): on_time(10),
              ("a3_cnn", "s1"): on_time(0.8),
              ("a1_mlp", "s2"): on_time(10), ("a2_autograd", "s2"): on_time(10),
              ("a3_cnn", "s2"): on_time(10), ("a4_rl", "s2"): on_time(10)}
    table = compute_grades(COURSE_B, scores, ROSTER, exams={"s1": 30, "s2": 21, "s3": 22})
    s1, s2, s3 = table.rows
    # s1: 20.8 / 4 = 5.2 -> rounds to 5, and 5.2 < 5.5 fails
    assert (s1.assignments_grade, s1.passed, s1.reason) == (5, False, "assignments part 5.2 < 5.5")
    # s2: exam 21 / 4 = 5.25 -> rounds to 5; 5.25 < 5.5 fails, although the final is fine
    assert (s2.exam_grade, s2.final_grade, s2.passed, s2.reason) == (5, 8.0, False, "exam part 5.25 < 5.5")
    # s3: nothing submitted (0 / 4 = 0); exam 22 / 4 = 5.5 is enough (5.5 rounds half even to 6)
    assert (s3.exam_grade, s3.reason) == (6, "assignments part 0 < 5.5")


@pytest.mark.parametrize("exam, shown", [
    (21.9996, "5.4999"),           # 5.4999 to 2 decimals is 5.50: more digits until it is below 5.5
    (21.98, "5.495"),              # 5.495 rounds half up to 5.50
    (21.999999996, "5.499999999"),  # the last digit the grade table keeps
    (21.96, "5.49"),
    (21.8, "5.45"),
])
def test_a_part_just_below_its_minimum_is_shown_below_it(exam, shown):
    row = compute_grades(COURSE_B, {}, ROSTER, exams={"s1": exam}).row("s1")
    assert row.reason == f"assignments part 0 < 5.5; exam part {shown} < 5.5"


def test_a_part_rounded_to_tenths_keeps_its_unrounded_value_in_the_reason():
    data = tomllib.loads((COURSES / "course_b.toml").read_text(encoding="utf-8"))
    for part in data["scheme"]["parts"]:
        part["rounding"] = {"mode": "half_up", "step": 0.1}
    data["scheme"]["parts"][1]["min"] = 5.555  # a threshold with more decimals than values are shown to
    policy = policy_from_dict(data)
    scores = {(aid, "s1"): on_time(10) for aid in ("a1_mlp", "a2_autograd", "a3_cnn", "a4_rl")}
    s1, s2 = compute_grades(policy, scores | {("a1_mlp", "s2"): on_time(1.8)}, ROSTER,
                            exams={"s1": 21.8, "s2": 22.216}).rows[:2]
    # s1: exam 21.8 / 4 = 5.45 rounds to 5.5 but misses the 5.555 minimum
    assert (s1.exam_grade, s1.passed, s1.reason) == (5.5, False, "exam part 5.45 < 5.555")
    # s2: assignments 1.8 / 4 = 0.45; exam 22.216 / 4 = 5.554: 5.55 is below the minimum, shown in full
    # (not "5.55 < 5.56")
    assert s2.reason == "assignments part 0.45 < 5.5; exam part 5.55 < 5.555"


def test_the_demo_course_grades_only_a1_and_the_exam_is_missing():
    scores = {("a1_mlp", "s1"): on_time(10), ("a1_mlp", "s2"): SubmissionScore(7, 10, at(27.5))}
    table = compute_grades(COURSE_B, scores, ROSTER)
    s1, s2, s3 = table.rows
    assert s1.slot("a1_mlp").score == 10 and s1.slot("a2_autograd").status == "not submitted"
    # 27.5 h late = 2 started days -> -4
    assert (s2.slot("a1_mlp").penalty, s2.slot("a1_mlp").score, s2.slot("a1_mlp").status) == (4, 3, "late")
    assert s3.assignments_total == 0 and s3.slot("a1_mlp").status == "not submitted"
    assert math.isnan(s1.exam_points) and math.isnan(s1.final_grade)
    # 10 / 4 = 2.5 < 5.5, and no exam yet: both reasons
    assert (s1.passed, s1.reason) == (False, "assignments part 2.5 < 5.5; no exam score")


# --- course A: the bonus scheme -------------------------------------------------------------------

def test_course_a_bonus_by_hand():
    scores = {("a1_mlp", "s1"): on_time(8), ("a2_autograd", "s1"): on_time(9),
              ("a3_rnn", "s1"): on_time(10)}
    row = compute_grades(COURSE_A, scores, ROSTER, exams={"s1": 61.3}).row("s1")
    # bonus = 27 / 30 * 10 = 9; final 61.3 + 9 = 70.3 -> half up to 0.5: 140.6 -> 141 -> 70.5
    assert (row.bonus, row.final_score, row.final_grade, row.passed) == (9.0, 70.3, 70.5, True)
    assert math.isnan(row.assignments_grade) and math.isnan(row.exam_grade)


@pytest.mark.parametrize("switch", [False, True])
def test_a_bonus_that_would_lift_a_failing_exam_follows_the_switch(switch):
    scores = {("a1_mlp", s): on_time(9) for s in ("s1", "s2")}
    scores |= {("a2_autograd", s): on_time(9) for s in ("s1", "s2")}
    scores |= {("a3_cnn", s): on_time(9) for s in ("s1", "s2")}
    table = compute_grades(course_a_with(switch), scores, ROSTER, exams={"s1": 45, "s2": 38})
    s1, s2 = table.rows[:2]
    # bonus 27 / 30 * 10 = 9; s1: exam 45 < 50 but 45 + 9 = 54 >= 50
    assert s1.final_score == 54 and s1.passed is switch
    if switch:
        assert s1.reason == "exam 45 < 50; passed with bonus: 45 + 9 >= 50"
    else:
        assert s1.reason == ("exam 45 < 50; the bonus (45 + 9 >= 50) does not count towards passing "
                             "(bonus_can_pass = false)")
    # s2: 38 + 9 = 47 < 50 fails either way
    assert (s2.passed, s2.reason) == (False, "exam 38 < 50")


@pytest.mark.parametrize("switch", [False, True])
def test_an_exam_just_below_the_pass_mark_and_a_tiny_bonus_are_shown_so_the_reason_adds_up(switch):
    # s1: bonus 0.0147 / 30 * 10 = 0.0049; exam 49.9951 + 0.0049 = 50 reaches the pass mark
    # s2: no bonus; exam 49.996 is not "50 < 50"
    scores = {("a1_mlp", "s1"): on_time(0.0147)}
    s1, s2 = compute_grades(course_a_with(switch), scores, ROSTER, exams={"s1": 49.9951, "s2": 49.996}).rows[:2]
    assert (s1.bonus, s1.final_score, s1.passed) == (0.0049, 50, switch)
    lifted = "49.995 + 0.005 >= 50"  # 0.0049 to 3 decimals, so that the sum as written reaches 50 too
    if switch:
        assert s1.reason == f"exam 49.995 < 50; passed with bonus: {lifted}"
    else:
        assert s1.reason == (f"exam 49.995 < 50; the bonus ({lifted}) does not count towards passing "
                             "(bonus_can_pass = false)")
    assert (s2.passed, s2.reason) == (False, "exam 49.996 < 50")


def test_course_a_excused_slot_leaves_the_bonus_maximum():
    scores = {("a1_mlp", "s1"): on_time(8), ("a3_cnn", "s1"): on_time(8)}
    row = compute_grades(COURSE_A, scores, ROSTER, exams={"s1": 50}, excused={("s1", "a2_autograd")}).row("s1")
    # max 30 - 10 = 20; bonus 16 / 20 * 10 = 8; exam 50 is exactly the pass mark
    assert (row.assignments_max, row.bonus, row.final_score, row.passed) == (20, 8, 58, True)
    assert row.slot("a2_autograd").status == "excused"


def test_course_b_excused_slot_is_rescaled_to_the_full_maximum():
    scores = {("a1_mlp", "s1"): on_time(8), ("a3_rnn", "s1"): on_time(8), ("a4_rl", "s1"): on_time(8)}
    row = compute_grades(COURSE_B, scores, ROSTER, exams={"s1": 32}, excused={("s1", "a2_autograd")}).row("s1")
    # 24 of 30 -> 24 * 40 / 30 = 32 -> 32 / 4 = 8
    assert (row.assignments_total, row.assignments_max, row.assignments_grade) == (24, 30, 8)


# --- lateness -------------------------------------------------------------------------------------

def slot_of(policy, sub, extensions=None, slot="a1", student="s1"):
    return compute_grades(policy, {("a1", student): sub}, ROSTER, extensions=extensions).row(student).slot(slot)


@pytest.mark.parametrize("hours, late_hours, penalty, status", [
    (0, 0, 0, "graded"),          # exactly at the deadline is on time
    (1 / 60, 1 / 60, 2, "late"),  # a minute late: a started day
    (24, 24, 2, "late"),          # exactly one day
    (25, 25, 4, "late"),          # 25 h = 2 started days
])
def test_each_started_day_costs_two_points(hours, late_hours, penalty, status):
    result = slot_of(small_policy(), SubmissionScore(9, 10, at(hours)))
    assert (result.late_hours, result.penalty, result.score, result.status) == (
        pytest.approx(late_hours), penalty, 9 - penalty, status)


def test_a_penalty_never_makes_a_score_negative():
    # raw 3, 3 days late: -6 would be -3; the penalty taken is 3 and the score 0
    result = slot_of(small_policy(), SubmissionScore(3, 10, at(60)))
    assert (result.raw, result.penalty, result.score, result.status) == (3, 3, 0, "late")


def test_raw_scores_are_scaled_to_the_slot_points():
    assert slot_of(small_policy(), on_time(7, max_score=8)).raw == 8.75  # 7 / 8 * 10


def test_grace_period_moves_the_deadline():
    policy = small_policy(late={"unit": "day", "penalty": 2, "grace_minutes": 15})
    assert slot_of(policy, SubmissionScore(9, 10, at(10 / 60))).status == "graded"  # 10 min < 15 grace
    late = slot_of(policy, SubmissionScore(9, 10, at(20 / 60)))
    # 20 min after due = 5 min after grace: 1 day
    assert (late.late_hours, late.penalty) == (pytest.approx(5 / 60), 2)


def test_an_extension_moves_the_deadline_for_that_student_only():
    extensions = {("s1", "a1"): DUE + timedelta(hours=48)}
    sub = SubmissionScore(9, 10, at(30))
    assert slot_of(small_policy(), sub, extensions).status == "graded"        # due + 48 h
    result = slot_of(small_policy(), SubmissionScore(9, 10, at(50)), extensions)
    assert (result.late_hours, result.penalty) == (2, 2)                        # 2 h after the new due
    assert slot_of(small_policy(), sub, extensions, student="s2").penalty == 4  # s2: 30 h = 2 days


def test_per_hour_rule():
    policy = small_policy(late={"unit": "hour", "penalty": 0.5})
    result = slot_of(policy, SubmissionScore(9, 10, at(2.5)))
    assert (result.penalty, result.score) == (1.5, 7.5)  # 3 started hours x 0.5


@pytest.mark.parametrize("after_cap, hours, penalty, score, status", [
    ("keep_capped", 72, 6, 3, "late"),      # 3 days: 6 = cap, not past it
    ("zero", 72, 6, 3, "late"),
    ("keep_capped", 96, 6, 3, "late"),      # 4 days: 8 > cap 6 -> capped at 6, 9 - 6 = 3
    ("zero", 96, 9, 0, "past cap"),         # 4 days: past the cap -> counts 0 (all 9 taken)
])
def test_cap_with_after_cap_both_ways(after_cap, hours, penalty, score, status):
    policy = small_policy(late={"unit": "day", "penalty": 2, "cap": 6, "after_cap": after_cap})
    result = slot_of(policy, SubmissionScore(9, 10, at(hours)))
    assert (result.penalty, result.score, result.status) == (penalty, score, status)


# --- teams and choice slots -----------------------------------------------------------------------

TEAM = [Membership("T", "s1"), Membership("T", "s2"), Membership("T", "s3")]


def test_a_late_group_submission_is_penalised_for_every_member():
    scores = {("g1", "s1"): SubmissionScore(8, 10, at(26))}  # 26 h = 2 days -> -4
    table = compute_grades(small_policy(), scores, ROSTER, teams=TEAM)
    assert [(r.slot("g1").score, r.slot("g1").status) for r in table.rows] == [(4, "late")] * 3
    # with s2's extension of 48 h the same submission is on time for s2 only
    table = compute_grades(small_policy(), scores, ROSTER, teams=TEAM,
                           extensions={("s2", "g1"): DUE + timedelta(hours=48)})
    assert [r.slot("g1").score for r in table.rows] == [4, 8, 4]


def test_a_student_who_left_the_team_gets_only_submissions_from_before():
    team = TEAM[:2] + [Membership("T", "s3", left=datetime(2026, 10, 1, tzinfo=UTC))]
    table = compute_grades(small_policy(), {("g1", "s1"): on_time(8)}, ROSTER, teams=team)
    assert [r.slot("g1").status for r in table.rows] == ["graded", "graded", "not submitted"]
    before = {("g1", "s1"): SubmissionScore(8, 10, datetime(2026, 9, 30, tzinfo=UTC))}
    table = compute_grades(small_policy(), before, ROSTER, teams=team)
    assert [r.slot("g1").score for r in table.rows] == [8, 8, 8]


def test_a_team_formed_mid_term_shares_only_what_was_submitted_after():
    joined = datetime(2026, 10, 1, tzinfo=UTC)
    team = [Membership("T", s, joined=joined) for s in ("s1", "s2", "s3")]
    before = {("g1", "s1"): SubmissionScore(8, 10, datetime(2026, 9, 30, tzinfo=UTC))}
    table = compute_grades(small_policy(), before, ROSTER, teams=team)
    assert [r.slot("g1").status for r in table.rows] == ["graded", "not submitted", "not submitted"]
    table = compute_grades(small_policy(), {("g1", "s1"): on_time(8)}, ROSTER, teams=team)
    assert [r.slot("g1").score for r in table.rows] == [8, 8, 8]


def test_teams_do_not_share_individual_assignments():
    table = compute_grades(small_policy(), {("a1", "s1"): on_time(8)}, ROSTER, teams=TEAM)
    assert [r.slot("a1").status for r in table.rows] == ["graded", "not submitted", "not submitted"]


def test_several_team_submissions_the_best_counts_for_all():
    scores = {("g1", "s1"): on_time(6), ("g1", "s2"): on_time(9)}
    table = compute_grades(small_policy(), scores, ROSTER, teams=TEAM)
    assert [r.slot("g1").raw for r in table.rows] == [9, 9, 9]


def test_a_choice_slot_with_both_options_counts_the_better():
    scores = {("c_x", "s1"): on_time(6), ("c_y", "s1"): on_time(8),
              ("c_x", "s2"): on_time(6), ("c_y", "s2"): SubmissionScore(9, 10, at(60))}
    table = compute_grades(small_policy(), scores, ROSTER)
    assert (table.row("s1").slot("c").assignment, table.row("s1").slot("c").score) == ("c_y", 8)
    # s2: c_y 9 but 3 days late -> 9 - 6 = 3 < c_x 6
    assert (table.row("s2").slot("c").assignment, table.row("s2").slot("c").score) == ("c_x", 6)


# --- the table ------------------------------------------------------------------------------------

def test_to_frame_has_exactly_the_contract_columns_in_roster_order():
    scores = {("a1_mlp", "s2"): on_time(10), ("a1_mlp", "stranger"): on_time(3)}
    table = compute_grades(COURSE_B, scores, ROSTER, exams={"s2": 40})
    frame = table.to_frame()
    slots = [f"{s}_{c}" for s in ("a1_mlp", "a2_autograd", "a3", "a4")
             for c in ("assignment", "raw", "late_hours", "penalty", "score", "status", "note")]
    assert list(frame.columns) == (["student", "first_name", "last_name", "email", "lms_id", "section"] + slots
                                   + ["assignments_total", "assignments_max", "exam_points", "exam_max", "bonus",
                                      "assignments_grade", "exam_grade", "final_score", "final_grade", "passed",
                                      "reason"])
    assert frame["student"].tolist() == ["s1", "s2", "s3"]
    assert frame.loc[0, "last_name"] == "de Vries, Jr."
    assert frame["passed"].dtype == bool and frame["final_grade"].dtype == float
    assert table.unlisted == ("stranger",)
    # s2: 10 / 4 = 2.5 -> 2 (half even); exam 10; final 0.5 * 2 + 0.5 * 10 = 6
    assert frame.loc[1, ["assignments_grade", "exam_grade", "final_grade"]].tolist() == [2, 10, 6]


def test_naive_timestamps_and_unknown_excused_slots_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        compute_grades(COURSE_B, {("a1_mlp", "s1"): SubmissionScore(1, 10, datetime(2026, 10, 1))}, ROSTER)
    with pytest.raises(ValueError, match="not a slot"):
        compute_grades(COURSE_B, {}, ROSTER, excused={("s1", "a3_cnn")})


def test_scores_from_gradebook_makes_timestamps_aware_and_keeps_manual_overrides():
    from grading.gradebook import CellScore, SubmissionScores

    class FakeGradebook:
        def assignment_scores(self, assignment):
            if assignment != "a1_mlp":
                return []
            cells = [CellScore("c1", 1.0, 2.0, 2.0, score=2.0), CellScore("c2", 3.0, None, 8.0, score=3.0)]
            return [SubmissionScores("s1", "a1_mlp", datetime(2026, 10, 9, 20, 0), copy.deepcopy(cells))]

    scores = scores_from_gradebook(FakeGradebook(), COURSE_B)
    assert scores == {("a1_mlp", "s1"): SubmissionScore(5.0, 10.0, datetime(2026, 10, 9, 20, 0, tzinfo=UTC))}
