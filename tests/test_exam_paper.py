"""Paper exams: printable forms and keys from the manifest, and the TAs' long-format score import
into the gradebook (a blank is "not graded", never 0; every problem at once, nothing half-written)."""
import csv
import json
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grading.course import Course
from grading.exams import manifest as manifests
from grading.exams.exam_file import ExamFileError, load_exam
from grading.exams.paper import import_scores, markdown_html, write_forms
from grading.exams.release import release_exam
from grading.exams.seeds import SECRET_ENV
from grading.gradebook import CourseGradebook
from grading.grades import exam_totals
from grading.imports import ImportProblems

EXAM = """\
[exam]
id = "{id}"
title = "Deep learning: paper exam"
mode = "{mode}"
forms = 3
duration_minutes = 90

[[zones]]
title = "Convolutions"
shuffle = true
slots = [
    {{ id = "q1", points = 12.5, templates = ["conv_output_size"] }},
    {{ id = "q2", points = 7.5, templates = ["conv_output_size"] }},
]

[[zones]]
title = "Pooling and strides"
slots = [{{ id = "q3", points = 10, templates = ["conv_output_size"] }}]
"""
POINTS = {"q1": 12.5, "q2": 7.5, "q3": 10.0}


def exam_file(tmp_path: Path, exam_id: str = "exam_p", mode: str = "paper") -> Path:
    path = tmp_path / "assignments" / exam_id / "exam.toml"
    path.parent.mkdir(parents=True)
    path.write_text(EXAM.format(id=exam_id, mode=mode), encoding="utf-8")
    return path


@pytest.fixture
def released(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "5e" * 32)  # the same forms on every run
    course = Course(tmp_path / "course")
    course.setup()
    (course.root / "roster.csv").write_text("id,first_name,last_name\n"
                                            "s001,Ada,Lovelace\ns002,Alan,Turing\ns003,Grace,Hopper\n"
                                            "0042,Edsger,Dijkstra\ns005,Absent,Student\n", encoding="utf-8")
    exam = load_exam(exam_file(tmp_path))
    release_exam(course, exam)
    return course, exam


def manifest_of(course, exam) -> dict:
    return manifests.read(manifests.exam_dir(course.root, exam.id))


def write(tmp_path: Path, text: str, name: str = "scores.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def manual_scores(course, exam) -> dict:
    gb = CourseGradebook(course.db_url, course.course_id)
    return {s.student: {c.cell: c.manual for c in s.cells} for s in gb.assignment_scores(exam.id)}


def forms_json(course, exam):
    path = manifests.exam_dir(course.root, exam.id) / "forms.json"
    return json.loads(path.read_text()) if path.exists() else None


# --- forms and keys -------------------------------------------------------------------------------

def test_forms_need_a_release_and_a_paper_exam(tmp_path):
    course = Course(tmp_path / "course")
    course.setup()
    paper = load_exam(exam_file(tmp_path))
    with pytest.raises(ExamFileError, match="release"):
        write_forms(course.root, paper)
    online = load_exam(exam_file(tmp_path, "exam_o", mode="online"))
    with pytest.raises(ExamFileError, match="mode = \"paper\""):
        write_forms(course.root, online)


def test_release_makes_the_gradebook_assignment_with_a_cell_per_slot(released):
    course, exam = released
    gb = Gradebook(course.db_url, course_id=course.course_id)
    try:
        cells = {c.name: c.max_score for c in gb.find_notebook(exam.id, exam.id).grade_cells}
    finally:
        gb.close()
    assert cells == POINTS


def test_a_form_and_a_key_per_form_with_each_forms_own_variants(released):
    course, exam = released
    paths = write_forms(course.root, exam)
    out = course.root / "exams" / exam.id / "forms"
    assert sorted(p.name for p in paths) == ["form_A.html", "form_B.html", "form_C.html", "key_A.html",
                                             "key_B.html", "key_C.html", "scores_template.csv"]
    assert all(p.parent == out and p.stat().st_mode & 0o077 == 0 for p in paths)  # staff only
    variants = manifest_of(course, exam)["variants"]
    assert sorted(variants) == ["A", "B", "C"]
    # the forms differ: no two forms have the same parameters for every slot
    params = {f: [variants[f]["slots"][s]["params"] for s in POINTS] for f in variants}
    assert len({json.dumps(p, sort_keys=True) for p in params.values()}) == 3
    for form, entry in variants.items():
        page = (out / f"form_{form}.html").read_text()
        key = (out / f"key_{form}.html").read_text()
        assert "size: A4" in page and "break-before: page" in page
        # the form letter and the name / student number box on every page: the cover and one per zone
        assert page.count('<div class="field number">Student number</div>') == 1 + len(exam.zones)
        assert page.count(f'<div class="letter">{form}</div>') == 1 + len(exam.zones)
        # questions in the form's own order, with its parameters, and their points
        at = [page.index(f"· {slot}</span>") for slot in entry["order"]]
        assert at == sorted(at)
        for slot, v in entry["slots"].items():
            p = v["params"]
            assert f"kernel_size={p['k']}, stride={p['s']}, padding={p['p']}" in page
            assert f"3 × {p['H']} × {p['H']} image" in page
            assert f"{POINTS[slot]:g} points" in page
            # the key has the manifest's answer (as the kind shows it) and names the mistakes
            assert f"Answer: <code>{v['answer']}</code>" in key
            assert f"3 × {p['H']} × {p['H']} image" in key
            for name in v["distractors"]:
                assert name in key
        assert "Answer: <code>" not in page and "Named mistake" not in page  # no key on the paper
        others = [o for o in variants if o != form]
        assert any(f"3 × {variants[o]['slots'][s]['params']['H']} × " not in page for o in others for s in POINTS)
    with open(out / "scores_template.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["student", "form", "question", "points", "grader", "comment"]
    assert [(r[1], r[2]) for r in rows[1:]] == [(f, s) for f in "ABC" for s in variants[f]["order"]]


def test_markdown_is_rendered_and_escaped():
    out = markdown_html("Compute `x < y` for **all** *i*:\n\n- **A.** 2 * 3 * 4\n- B\n\n"
                        "```\nfor i in x:\n    pass\n```")
    assert "<code>x &lt; y</code>" in out and "<strong>all</strong>" in out and "<em>i</em>" in out
    assert "<ul><li><strong>A.</strong> 2 * 3 * 4</li><li>B</li></ul>" in out
    assert "<pre>for i in x:\n    pass</pre>" in out


# --- the import -----------------------------------------------------------------------------------

def test_import_semicolons_decimal_commas_and_blanks(released, tmp_path):
    course, exam = released
    # Excel in Dutch: ';' separated, decimal comma, a BOM; s002's q2 is not marked yet (blank)
    first = write(tmp_path, "student;form;question;points;grader;comment\n"
                            "s001;a;q1;12,5;JD;\n"
                            "s001;A;q2;3,25;JD;sign error\n"
                            "s001;A;q3;10;KM;\n"
                            "\n"
                            "s002;B;q1;0;JD;nothing written\n"
                            "s002;B;q2;;;\n"
                            "s002;B;q3;4;KM;\n"
                            ";C;q1;;;\n", encoding="utf-8-sig")  # an unfilled template row
    summary = import_scores(course, exam, first)
    assert manual_scores(course, exam) == {"s001": {"q1": 12.5, "q2": 3.25, "q3": 10.0},
                                           "s002": {"q1": 0.0, "q2": None, "q3": 4.0}}
    assert summary["students_imported"] == 2 and summary["questions_graded"] == 5
    assert summary["blank"] == [{"student": "s002", "question": "q2", "line": 7}]
    assert summary["still_to_grade"] == {"s002": ["q2"]} and summary["complete"] == ["s001"]
    assert summary["skipped_rows"] == 1
    assert "s002 q2 (line 7)" in summary["message"] and "not 0" in summary["message"]
    gb = CourseGradebook(course.db_url, course.course_id)
    assert exam_totals(gb, exam.id) == {"s001": 25.75}  # s002 has a blank question: no total yet, not 4
    assert forms_json(course, exam) == {"s001": "A", "s002": "B"}

    # the design's long format: student_id / question_id, exam_id and max_points checked, commas,
    # a quoted decimal comma; s002's q2 is marked now and s003 (form C) comes in
    second = write(tmp_path, "student_id,exam_id,form,question_id,points,max_points,grader,comment\n"
                             "s002,exam_p,B,q2,\"7,5\",7.5,JD,\"full marks, neat\"\n"
                             "s003,exam_p,C,q1,6,12.5,JD,\n"
                             "s003,exam_p,C,q2,0.5,\"7,5\",JD,\n"
                             "0042,exam_p,C,q3,9,10,KM,\n", name="second.csv")
    summary = import_scores(course, exam, second)
    assert manual_scores(course, exam) == {"s001": {"q1": 12.5, "q2": 3.25, "q3": 10.0},
                                           "s002": {"q1": 0.0, "q2": 7.5, "q3": 4.0},
                                           "s003": {"q1": 6.0, "q2": 0.5, "q3": None},
                                           "0042": {"q1": None, "q2": None, "q3": 9.0}}
    assert exam_totals(gb, exam.id) == {"s001": 25.75, "s002": 11.5}
    assert summary["still_to_grade"] == {"s003": ["q3"], "0042": ["q1", "q2"]}
    assert summary["roster_without_scores"] == ["s005"]
    assert forms_json(course, exam) == {"0042": "C", "s001": "A", "s002": "B", "s003": "C"}
    kept = json.loads((manifests.exam_dir(course.root, exam.id) / "paper_scores.json").read_text())
    assert kept["s002"]["q2"] == {"points": 7.5, "grader": "JD", "comment": "full marks, neat", "line": 2,
                                  "file": "second.csv"}
    assert kept["s001"]["q2"]["comment"] == "sign error"


def test_a_bad_file_names_every_problem_and_writes_nothing(released, tmp_path):
    course, exam = released
    import_scores(course, exam, write(tmp_path, "student,form,question,points,grader\ns001,A,q1,10,JD\n",
                                      name="good.csv"))
    before_scores, before_forms = manual_scores(course, exam), forms_json(course, exam)
    bad = write(tmp_path, "student,form,question,points,grader,comment\n"
                          "s999,A,q1,1,JD,\n"          # 2 unknown student
                          "s002,B,q9,1,JD,\n"          # 3 unknown question
                          "s002,E,q1,1,JD,\n"          # 4 not a form of this exam
                          "s003,C,q1,13,JD,\n"         # 5 above q1's 12.5
                          "s003,C,q2,2,JD,\n"          # 6
                          "s003,C,q2,3,JD,\n"          # 7 duplicate of line 6
                          "s003,A,q3,1,JD,\n"          # 8 a second form for s003
                          "s002,B,q2,lots,JD,\n"       # 9 not a number
                          "s002,B,q3,-1,JD,\n"         # 10 negative
                          "s002,B,1,2,,\n"             # 11 a question number, no grader
                          "42,C,q1,1,JD,\n"            # 12 leading zeros dropped by a spreadsheet
                          "s001,B,q2,1,JD,\n")         # 13 s001 wrote form A in the earlier import
    with pytest.raises(ImportProblems) as err:
        import_scores(course, exam, bad)
    problems = err.value.problems
    assert [int(p.split(":")[0].split()[1]) for p in problems] == [2, 3, 4, 5, 7, 8, 9, 10, 11, 11, 12, 13]
    text = "\n".join(problems)
    assert "line 2: unknown student 's999'" in text
    assert "line 3: unknown question 'q9'" in text
    assert "line 4: form 'E' is not one of this exam's forms (A, B, C)" in text
    assert "line 5: points 13 is out of range 0-12.5 for q1" in text
    assert "line 7: duplicate: s003 q2 is on line 6 too" in text
    assert "line 8: s003 has form A here but form C on line 5" in text
    assert "line 9: points 'lots' is not a number" in text
    assert "line 10: points -1 is out of range" in text
    assert "question 1 of form B is " + manifest_of(course, exam)["variants"]["B"]["order"][0] in text
    assert "line 11: grader is empty" in text
    assert "line 12: unknown student '42'; the roster has '0042'" in text
    assert "line 13: s001 has form B here, but an earlier import recorded form A" in text
    assert "nothing imported" in str(err.value)
    assert manual_scores(course, exam) == before_scores and forms_json(course, exam) == before_forms


def test_a_file_for_another_exam_or_version_and_missing_columns(released, tmp_path):
    course, exam = released
    with pytest.raises(ImportProblems) as err:
        import_scores(course, exam, write(tmp_path, "student,exam_id,form,question,points,max_points,grader\n"
                                                    "s001,exam_q,A,q1,1,12.5,JD\n"
                                                    "s001,exam_p,A,q2,1,10,JD\n"))
    assert err.value.problems == [
        "line 2: exam_id 'exam_q' is not this exam (exam_p); is this another exam's file?",
        "line 3: max_points '10' for q2, but q2 is worth 7.5 in exam.toml; "
        "is the file for another version of the exam?"]
    with pytest.raises(ImportProblems, match="line 1: missing column.s. form, grader"):
        import_scores(course, exam, write(tmp_path, "student,question,points\ns001,q1,1\n", name="short.csv"))
    assert manual_scores(course, exam) == {} and forms_json(course, exam) is None
