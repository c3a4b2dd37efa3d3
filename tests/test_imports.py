"""CSV imports: every problem reported with its line (header = line 1), all at once, nothing half-imported."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grading.compute import SubmissionScore, compute_grades
from grading.imports import (ImportProblems, Membership, Student, read_excused, read_exam_scores, read_extensions,
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
        "line 3: unknown student 'zz9' (not in the roster); correct the id, or add the student to the roster first",
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


def test_teams_formed_mid_term_have_a_joined_date(tmp_path):
    path = write(tmp_path, "team,student,joined,left\nT1,s1,2026-12-05,\nT1,s2,2026-12-05T12:00:00+01:00,\n"
                           "T0,s3,,2026-12-01\nT1,s3,2026-12-01,\n")
    assert read_teams(path, ROSTER, COURSE_B) == [
        Membership("T1", "s1", None, datetime(2026, 12, 5, tzinfo=UTC)),
        Membership("T1", "s2", None, datetime(2026, 12, 5, 11, tzinfo=UTC)),
        Membership("T0", "s3", datetime(2026, 12, 1, tzinfo=UTC)),
        Membership("T1", "s3", None, datetime(2026, 12, 1, tzinfo=UTC))]
    bad = write(tmp_path, "team,student,joined,left\nT1,s1,2026-12-05,2026-12-01\nT1,s2,someday,\n")
    assert problems_of(read_teams, bad, ROSTER, COURSE_B) == [
        "line 2: 's1' left team 'T1' (2026-12-01) before joining it (2026-12-05); swap the dates or leave one empty",
        "line 3: joined 'someday' is not a date; write e.g. 2026-11-20"]


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
        "line 3: unknown student 'zz' (not in the roster); correct the id, or add the student to the roster first",
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
        "line 3: unknown student 'zz' (not in the roster); correct the id, or add the student to the roster first",
        "line 4: duplicate extension for 's1' on 'a1_mlp' (line 2)",
        "line 5: unknown assignment 'a9'; use one of a1_mlp, a2_autograd, a3_cnn, a3_rnn, a4_vae_gan, "
        "a4_graph, a4_rl, a3, a4",
        "line 6: give either hours (extra hours) or due (a new due date), not both",
        "line 7: due '2026-10-12' is not a date with time zone; write e.g. 2026-10-12T23:59:00+02:00",
        "line 8: hours '-3' is not a positive number of hours",
        "line 9: due 2026-11-01T12:00:00+01:00 is not after a2_autograd's due 2026-11-28T23:59:00+01:00",
    ]


# --- excused work ---------------------------------------------------------------------------------

def test_excused_by_slot_or_by_assignment_with_a_bom_semicolons_and_blank_lines(tmp_path):
    path = write(tmp_path, "Student;Slot;Reason;Note\n"
                           "s1;a2_autograd;medical;\n"
                           "\n"
                           "s2;a3_rnn;;x\n"    # an option of choice slot a3 stands for the slot
                           "s2;a4;\"family; see mail\";\n", encoding="utf-8-sig")
    excused = read_excused(path, ROSTER, COURSE_B)
    assert excused == {("s1", "a2_autograd"): "medical", ("s2", "a3"): "", ("s2", "a4"): "family; see mail"}
    table = compute_grades(COURSE_B, {("a2_autograd", "s1"): SubmissionScore(9, 10, None)}, ROSTER, excused=excused)
    s1 = table.row("s1")
    # excused although submitted: 0, "excused", and the slot leaves the maximum (40 - 10)
    assert (s1.slot("a2_autograd").score, s1.slot("a2_autograd").status, s1.assignments_max) == (0, "excused", 30)
    assert [r.status for r in table.row("s2").slots] == ["not submitted", "not submitted", "excused", "excused"]


def test_excused_problems_line_by_line(tmp_path):
    path = write(tmp_path, "student,slot,reason\n"
                           "s1,a1_mlp,ill\n"       # 2 fine
                           "zz,a1_mlp,\n"          # 3 unknown student
                           "s2,a9,\n"              # 4 unknown slot
                           "s1,a1_mlp,again\n"     # 5 duplicate
                           "s3,a3_cnn,\n"          # 6 fine: slot a3
                           "s3,a3,\n"              # 7 the same slot again
                           "s4,,\n"                # 8 no slot
                           ",a1_mlp,\n")           # 9 no student
    err = pytest.raises(ImportProblems, read_excused, path, ROSTER, COURSE_B).value
    slots = "use one of the slots a1_mlp, a2_autograd, a3, a4 (or an assignment id of one)"
    assert err.problems == [
        "line 3: unknown student 'zz' (not in the roster); correct the id, or add the student to the roster first",
        f"line 4: unknown slot 'a9'; {slots}",
        "line 5: duplicate: 's1' is excused from slot 'a1_mlp' already (line 2)",
        "line 7: duplicate: 's3' is excused from slot 'a3' already (line 6)",
        f"line 8: slot is empty; {slots}",
        "line 9: student is empty",
    ]
    assert "nothing imported" in str(err) and str(path) in str(err)


def test_excused_file_without_a_slot_column(tmp_path):
    path = write(tmp_path, "student,assignment\ns1,a1_mlp\n")
    assert problems_of(read_excused, path, ROSTER, COURSE_B) == [
        "line 1: missing column(s) slot; the header has student, assignment"]


def test_course_grade_table_reads_excused_csv(tmp_path, monkeypatch):
    import grading.grades as grades
    from grading.course import Course

    class Gradebook:  # the gradebook as course_grade_table reads it; no nbgrader database needed
        def __init__(self, db_url, course_id):
            pass

        def assignment_scores(self, assignment):
            return []

    monkeypatch.setattr(grades, "CourseGradebook", Gradebook)
    (tmp_path / "policy.toml").write_text((COURSES / "course_b.toml").read_text(encoding="utf-8"), encoding="utf-8")
    write(tmp_path, "id,first_name,last_name\ns1,A,B\ns2,C,D\n", "roster.csv")
    course = Course(tmp_path)
    assert [r.slot("a3").status for r in grades.course_grade_table(course).rows] == ["not submitted"] * 2
    write(tmp_path, "student,slot,reason\ns2,a3_cnn,medical\n", "excused.csv")
    s1, s2 = grades.course_grade_table(course).rows
    assert (s1.slot("a3").status, s1.assignments_max) == ("not submitted", 40)
    assert (s2.slot("a3").status, s2.assignments_max) == ("excused", 30)
    write(tmp_path, "student,slot\ns3,a3\n", "excused.csv")
    with pytest.raises(ImportProblems, match="excused.csv.*\n.*line 2: unknown student 's3'"):
        grades.course_grade_table(course)
