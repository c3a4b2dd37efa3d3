"""CSV imports: every problem reported with its line (header = line 1), all at once, nothing half-imported."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grading.imports import (ImportProblems, Membership, Student, read_exam_scores, read_extensions,
                             read_roster, read_teams)
from grading.policy import load_policy

COURSES = Path(__file__).resolve().parents[1] / "courses"
COURSE_B = load_policy(COURSES / "course_b.toml")
UTC = timezone.utc
ROSTER = [Student("s1", "A", "B"), Student("s2", "C", "D"), Student("s3", "E", "F"), Student("s4", "G", "H")]


def write(tmp_path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def problems_of(read, *args) -> list[str]:
    with pytest.raises(ImportProblems) as err:
        read(*args)
    return err.value.problems


# --- roster ---------------------------------------------------------------------------------------

def test_roster_keeps_commas_and_accents_and_reads_an_excel_bom(tmp_path):
    path = write(tmp_path, 'id,first_name,last_name,email,lms_id,section\n'
                           's1,"Zoë","de Vries, Jr.",z@uni.nl,1001,A\n'
                           '\n'
                           's2,François,Çelik,,1002,B\n', encoding="utf-8-sig")
    assert read_roster(path) == [Student("s1", "Zoë", "de Vries, Jr.", "z@uni.nl", "1001", "A"),
                                 Student("s2", "François", "Çelik", "", "1002", "B")]


def test_roster_with_semicolons_and_optional_columns(tmp_path):
    path = write(tmp_path, "ID;First_Name;Last_Name\ns1;Jan;Jansen, de\n")
    assert read_roster(path) == [Student("s1", "Jan", "Jansen, de")]


def test_roster_problems_come_together_with_line_numbers(tmp_path):
    path = write(tmp_path, "id,first_name,last_name,email\n"
                           "s1,A,B,a@x\n"           # line 2 fine
                           ",C,D,\n"                # line 3 empty id
                           "s1,E,F,\n"              # line 4 duplicate
                           "s2,G,de Vries, Jr.,\n"  # line 5 unquoted comma: 5 fields
                           "s3,H,I,no-at\n")        # line 6 bad email
    assert problems_of(read_roster, path) == [
        "line 3: id is empty; every student needs nbgrader's student id",
        "line 4: duplicate id 's1' (first on line 2)",
        "line 5: 5 fields but the header has 4 (a name with a comma needs quotes)",
        "line 6: email 'no-at' has no '@'",
    ]


def test_a_missing_column_is_reported_on_line_one(tmp_path):
    path = write(tmp_path, "id,name\ns1,A\n")
    assert problems_of(read_roster, path) == [
        "line 1: missing column(s) first_name, last_name; the header has id, name"]


# --- exam scores ----------------------------------------------------------------------------------

def test_exam_problems_line_by_line_and_nothing_returned(tmp_path):
    path = write(tmp_path, "student,total\n"
                           "s1,30\n"     # line 2 fine
                           "zz9,20\n"    # line 3 unknown id
                           "s1,31\n"     # line 4 duplicate
                           "s2,45\n"     # line 5 out of range (max 40)
                           "s3,abc\n")   # line 6 not a number
    err = pytest.raises(ImportProblems, read_exam_scores, path, ROSTER, COURSE_B).value
    assert err.problems == [
        "line 3: unknown student 'zz9' (not in the roster)",
        "line 4: duplicate student 's1' (first on line 2)",
        "line 5: total 45 is out of range 0-40 (exam.max_points in the policy)",
        "line 6: total 'abc' is not a number of points (0 or more)",
    ]
    assert "nothing imported" in str(err) and str(path) in str(err)


def test_exam_totals_and_question_columns(tmp_path):
    totals = write(tmp_path, "student,name,total\ns1,\"B, A\",\"30,5\"\ns2,X,\ns3,Y,0\n", "t.csv")
    # s1 "30,5" is a decimal comma; s2 blank = absent
    assert read_exam_scores(totals, ROSTER, COURSE_B) == {"s1": 30.5, "s3": 0.0}
    questions = write(tmp_path, "student,q1,q2,q10\ns1,1,1,0.5\ns2,,,\ns3,1,,1\n", "q.csv")
    # s1: 1 + 1 + 0.5; s2: all blank = absent; s3: a blank question is 0 -> 2
    assert read_exam_scores(questions, ROSTER, COURSE_B) == {"s1": 2.5, "s3": 2.0}


def test_exam_question_sums_out_of_range(tmp_path):
    path = write(tmp_path, "student,q1,q2\ns1,30,11\ns2,-1,3\n")
    assert problems_of(read_exam_scores, path, ROSTER, COURSE_B) == [
        "line 2: sum of q1..q2 41 is out of range 0-40 (exam.max_points in the policy)",
        "line 3: q1 '-1' is not a number of points (0 or more)",
    ]


def test_exam_file_without_points_columns(tmp_path):
    path = write(tmp_path, "student,points\ns1,3\n")
    assert problems_of(read_exam_scores, path, ROSTER, COURSE_B) == [
        "line 1: no 'total' column and no question columns q1, q2, ...; add one of them"]


# --- teams ----------------------------------------------------------------------------------------

def test_teams_with_a_student_who_left(tmp_path):
    path = write(tmp_path, "team,student,left\nT1,s1,\nT1,s2,\nT1,s3,2026-11-20\nT2,s3,\nT2,s4,\n")
    assert read_teams(path, ROSTER, COURSE_B) == [
        Membership("T1", "s1"), Membership("T1", "s2"),
        Membership("T1", "s3", datetime(2026, 11, 20, tzinfo=UTC)),  # a date: 00:00 UTC
        Membership("T2", "s3"), Membership("T2", "s4")]


def test_team_problems_line_by_line(tmp_path):
    path = write(tmp_path, "team,student,left\n"
                           "T1,s1,\n"             # 2
                           "T1,zz,\n"             # 3 unknown
                           "T1,s1,\n"             # 4 duplicate
                           "T1,s2,soon\n"         # 5 bad date
                           "T2,s1,\n"             # 6 s1 current in two teams
                           "T3,s2,\nT3,s3,\nT3,s4,\nT4,s4,\n")
    found = problems_of(read_teams, path, ROSTER + [Student("s5", "I", "J")], COURSE_B)
    assert found == [
        "line 3: unknown student 'zz' (not in the roster)",
        "line 4: duplicate: 's1' is in team 'T1' already (line 2)",
        "line 5: left 'soon' is not a date; write e.g. 2026-11-20",
        "line 6: 's1' is a current member of team 'T1' (line 2) too; give the old membership a 'left' date",
        "line 10: 's4' is a current member of team 'T3' (line 9) too; give the old membership a 'left' date",
    ]


def test_a_team_larger_than_the_policy_allows(tmp_path):
    roster = ROSTER + [Student("s5", "I", "J")]
    path = write(tmp_path, "team,student\nT,s1\nT,s2\nT,s3\nT,s4\n")
    assert problems_of(read_teams, path, roster, COURSE_B) == [
        "line 5: team 'T' has more than 3 current members (the policy's largest group size)"]


# --- extensions -----------------------------------------------------------------------------------

def test_extensions_by_hours_by_new_due_and_by_slot(tmp_path):
    path = write(tmp_path, "student,assignment,hours,due\n"
                           "s1,a1_mlp,48,\n"
                           "s2,a1_mlp,,2026-10-12T12:00:00+02:00\n"
                           "s1,a3,24,\n")
    a1, a3 = COURSE_B.assignment("a1_mlp").due, COURSE_B.assignment("a3_cnn").due
    assert read_extensions(path, ROSTER, COURSE_B) == {
        ("s1", "a1_mlp"): a1 + timedelta(hours=48),
        ("s2", "a1_mlp"): datetime(2026, 10, 12, 10, 0, tzinfo=UTC),
        ("s1", "a3_cnn"): a3 + timedelta(hours=24),  # the slot extends both options
        ("s1", "a3_rnn"): a3 + timedelta(hours=24),
    }


def test_extension_problems_line_by_line(tmp_path):
    path = write(tmp_path, "student,assignment,hours,due\n"
                           "s1,a1_mlp,48,\n"                          # 2 fine
                           "zz,a1_mlp,48,\n"                          # 3 unknown student
                           "s1,a1_mlp,24,\n"                          # 4 duplicate
                           "s2,a9,24,\n"                              # 5 unknown assignment
                           "s2,a1_mlp,24,2026-10-12T12:00:00+02:00\n"  # 6 both
                           "s3,a1_mlp,,2026-10-12\n"                  # 7 no time zone
                           "s4,a1_mlp,-3,\n"                          # 8 not positive
                           "s4,a2_autograd,,2026-11-01T12:00:00+01:00\n")  # 9 before the due
    found = problems_of(read_extensions, path, ROSTER, COURSE_B)
    assert found == [
        "line 3: unknown student 'zz' (not in the roster)",
        "line 4: duplicate extension for 's1' on 'a1_mlp' (line 2)",
        "line 5: unknown assignment 'a9'; use one of a1_mlp, a2_autograd, a3_cnn, a3_rnn, a4_vae_gan, "
        "a4_graph, a4_rl, a3, a4",
        "line 6: give either hours (extra hours) or due (a new due date), not both",
        "line 7: due '2026-10-12' is not a date with time zone; write e.g. 2026-10-12T23:59:00+02:00",
        "line 8: hours '-3' is not a positive number of hours",
        "line 9: due 2026-11-01T12:00:00+01:00 is not after a2_autograd's due 2026-11-28T23:59:00+01:00",
    ]
