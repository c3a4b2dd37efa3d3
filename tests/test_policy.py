"""Course policies: the shipped TOML files, rounding, and validation errors that name field and fix."""
import copy
import math
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grading.policy import (BonusScheme, PolicyError, Rounding, WeightedScheme, load_policy,
                            policy_from_dict)

COURSES = Path(__file__).resolve().parents[1] / "courses"


def course_b_data() -> dict:
    return tomllib.loads((COURSES / "course_b.toml").read_text(encoding="utf-8"))


def problems(data: dict) -> list[str]:
    with pytest.raises(PolicyError) as err:
        policy_from_dict(data)
    return err.value.problems


# --- the shipped policies --------------------------------------------------------------------------

def test_course_b_is_the_weighted_scheme_with_two_choice_slots():
    policy = load_policy(COURSES / "course_b.toml")
    assert policy.course_id == "dl101" and policy.title == "Deep learning"
    assert [s.id for s in policy.slots] == ["a1_mlp", "a2_autograd", "a3", "a4"]
    assert policy.slot("a3").options == ("a3_cnn", "a3_rnn")
    assert policy.slot("a4").options == ("a4_vae_gan", "a4_graph", "a4_rl")
    assert policy.max_assignment_points == 40  # 4 slots x 10
    assert [a.group_size for a in policy.assignments] == [1, 1, 3, 3, 3, 3, 3]
    # 23:59 Amsterdam summer time is 21:59 UTC.
    assert policy.assignment("a1_mlp").due == datetime(2026, 10, 9, 21, 59, tzinfo=timezone.utc)
    assert policy.assignment("a1_mlp").due.utcoffset() == timedelta(hours=2)
    assert (policy.late.unit, policy.late.penalty, policy.late.cap) == ("day", 2.0, None)
    assert policy.exam.max_points == 40
    scheme = policy.scheme
    assert isinstance(scheme, WeightedScheme)
    assert [(p.name, p.weight, p.divisor, p.min) for p in scheme.parts] == [
        ("assignments", 0.5, 4.0, 5.5), ("exam", 0.5, 4.0, 5.5)]
    assert scheme.rounding == Rounding("half_even", 1.0)
    assert all(p.rounding == Rounding("half_even", 1.0) for p in scheme.parts)


def test_course_a_is_the_bonus_scheme_with_teams_of_three():
    policy = load_policy(COURSES / "course_a.toml")
    assert policy.title == "Deep Learning Foundations"
    assert [s.id for s in policy.slots] == ["a1_mlp", "a2_autograd", "a3"]
    assert all(a.group_size == 3 for a in policy.assignments)
    scheme = policy.scheme
    assert isinstance(scheme, BonusScheme)
    assert (scheme.exam_max, scheme.bonus_max, scheme.pass_exam_min, scheme.bonus_can_pass) == (100, 10, 50, False)
    assert policy.exam.source == "imported"


def test_policy_is_frozen():
    policy = load_policy(COURSES / "course_b.toml")
    with pytest.raises(AttributeError):
        policy.course_id = "other"


# --- rounding --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, step, value, expected", [
    ("half_up", 1, 6.5, 7.0),      # 6.5 -> up
    ("half_even", 1, 6.5, 6.0),    # 6.5 -> the even neighbour 6, like Python's round(6.5)
    ("half_up", 1, 7.5, 8.0),
    ("half_even", 1, 7.5, 8.0),    # 8 is even
    ("half_even", 1, 6.51, 7.0),   # not a tie
    ("half_up", 0.5, 6.25, 6.5),   # 6.25 / 0.5 = 12.5 -> 13 -> 6.5
    ("half_even", 0.5, 6.25, 6.0),  # 12.5 -> 12 -> 6.0
    ("half_even", 0.5, 6.75, 7.0),  # 13.5 -> 14 -> 7.0
    ("half_up", 0.5, 6.7, 6.5),    # 13.4 -> 13 -> 6.5
    ("half_up", 0.1, 6.45, 6.5),   # the float 6.45 is 6.4500000000000001776..., read as decimal 6.45
    ("half_even", 0.1, 6.45, 6.4),
    ("half_up", 1, 6.4999999999, 7.0),  # float noise below 1e-9 is cleared first: a 6.5 tie
    ("none", 1, 6.5, 6.5),
])
def test_rounding_is_decimal_and_explicit(mode, step, value, expected):
    assert Rounding(mode, step).apply(value) == expected


def test_half_even_matches_pythons_round_and_nan_stays_nan():
    for value in (0.5, 1.5, 2.5, 6.5, 7.5, 8.5):
        assert Rounding("half_even", 1).apply(value) == round(value)
    assert math.isnan(Rounding("half_up", 1).apply(float("nan")))


# --- validation ------------------------------------------------------------------------------------

def test_a_due_date_that_is_not_a_date_names_the_field_and_the_fix():
    data = course_b_data()
    data["assignments"][2]["due"] = "2026-13-01"
    assert problems(data) == ["assignments[2].due: '2026-13-01' is not a date with time zone; "
                              "write e.g. due = 2026-10-09T23:59:00+02:00"]


def test_a_due_date_without_time_zone_is_refused(tmp_path):
    text = (COURSES / "course_b.toml").read_text(encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text.replace("due = 2026-11-28T23:59:00+01:00", "due = 2026-11-28T23:59:00"), encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.problems == ["assignments[1].due: 2026-11-28T23:59:00 has no time zone; "
                                  "write e.g. due = 2026-10-09T23:59:00+02:00"]
    assert str(path) in str(err.value)
    path.write_text(text.replace("due = 2026-11-28T23:59:00+01:00", "due = 2026-11-28"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"assignments\[1\].due: 2026-11-28 is a date without a time"):
        load_policy(path)


def test_unknown_keys_suggest_the_right_name():
    data = course_b_data()
    data["late"]["grace"] = 10
    data["schem"] = {}
    data["assignments"][0]["group"] = 1
    found = problems(data)
    assert "late.grace: unknown key; did you mean 'grace_minutes'?" in found
    assert "schem: unknown key; did you mean 'scheme'?" in found
    assert "assignments[0].group: unknown key; did you mean 'group_size'?" in found
    assert len(found) == 3  # all reported at once


def test_wrong_values_name_the_field_and_the_fix():
    data = course_b_data()
    del data["assignments"][0]["points"]
    data["assignments"][1]["points"] = "10"
    data["late"]["unit"] = "days"
    data["late"]["penalty"] = -2
    data["exam"]["source"] = "paper"
    data["scheme"]["rounding"]["mode"] = "half-up"
    found = problems(data)
    assert found == [
        "assignments[0].points: missing; write e.g. points = 10",
        "assignments[1].points: '10' is not a number; write e.g. points = 10",
        "late.unit: 'days' is not allowed; did you mean 'day'? use one of: 'day', 'hour'",
        "late.penalty: -2 must not be negative",
        "exam.source: 'paper' is not allowed; use one of: 'online', 'imported'",
        "scheme.rounding.mode: 'half-up' is not allowed; did you mean 'half_up'? "
        "use one of: 'half_up', 'half_even', 'none'",
    ]


def test_choices_must_name_assignments_of_equal_points():
    data = course_b_data()
    data["choices"]["a3"] = ["a3_cnn", "a3_rn"]
    data["assignments"][6]["points"] = 12  # a4_rl
    found = problems(data)
    assert "choices.a3: 'a3_rn' is not an assignment; did you mean 'a3_rnn'?" in found
    assert ("choices.a4: options have different points (a4_vae_gan 10, a4_graph 10, a4_rl 12); "
            "give them the same points") in found


def test_duplicate_ids_weights_and_scheme_fields():
    data = course_b_data()
    data["assignments"][1]["id"] = "a1_mlp"
    data["scheme"]["parts"][1]["weight"] = 0.4
    found = problems(data)
    assert "assignments[1].id: 'a1_mlp' appears twice; every assignment needs its own id" in found
    assert "scheme.parts: weights add up to 0.9; make them add up to 1" in found


def test_bonus_scheme_fields_are_checked():
    data = tomllib.loads((COURSES / "course_a.toml").read_text(encoding="utf-8"))
    data["scheme"]["pass_exam_min"] = 120
    data["scheme"]["bonus_can_pass"] = "yes"
    del data["scheme"]["rounding"]
    data["late"].pop("cap")
    found = problems(data)
    assert found == [
        "late.after_cap: has no effect without late.cap; add e.g. cap = 6, or remove after_cap",
        "scheme.rounding: missing; write e.g. rounding = {mode = \"half_even\", step = 1}",
        "scheme.bonus_can_pass: 'yes' must be true or false",
        "scheme.pass_exam_min: 120 is above exam_max 100; lower it",
    ]


def test_missing_sections_and_bad_toml(tmp_path):
    data = course_b_data()
    del data["exam"], data["scheme"]["type"]
    assert problems(data) == ["exam: missing; add an [exam] table with max_points and source",
                              'scheme.type: missing; write type = "bonus" (course A) or type = "weighted" (course B)']
    path = tmp_path / "broken.toml"
    path.write_text("[course\nid = 1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)


def test_a_string_due_with_offset_is_accepted():
    data = course_b_data()
    data["assignments"][0]["due"] = "2026-10-09T23:59:00+02:00"
    policy = policy_from_dict(copy.deepcopy(data))
    assert policy.assignment("a1_mlp").due == datetime(2026, 10, 9, 21, 59, tzinfo=timezone.utc)
