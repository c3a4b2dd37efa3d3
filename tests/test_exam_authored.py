"""The shipped exams and the bank: they load, they match the course policies, and a broken exam
file is refused with every problem named."""
import pytest

from grading.exams.exam_file import ExamFileError, load_exam
from grading.exams.template import load_bank
from grading.policy import load_policy
from grading.demo.run import COURSES

TOPICS = {"activations", "losses", "backprop", "optimizers", "schedules", "initialisation", "normalisation",
          "regularisation", "cnn", "rnn", "attention", "vae", "gan"}


def test_the_bank_covers_the_curriculum_and_every_template_states_its_maths():
    bank = load_bank()
    assert len(bank) >= 40
    assert {t.topic for t in bank.values()} == TOPICS
    kinds = {t.kind.name for t in bank.values()}
    assert kinds >= {"exact", "relabs", "sigfigs", "shape", "vector", "choice", "choiceset", "code", "manual"}
    for t in bank.values():
        assert (type(t).__doc__ or "").strip() and t.title, t.id


@pytest.mark.parametrize("course, exam_id, mode", [("a", "exam_a", "paper"), ("b", "exam_b", "online")])
def test_each_course_ships_its_exam_with_the_policys_points(course, exam_id, mode):
    policy = load_policy(COURSES[course])
    exam = load_exam(exam_id)
    assert policy.exam.id == exam_id and exam.mode == mode
    assert exam.max_points == policy.exam.max_points
    if exam_id == "exam_b":
        assert len(exam.slots) == 40 and all(s.points == 1 for s in exam.slots)
        assert not any(not load_bank()[t].kind.auto for s in exam.slots for t in s.templates)


def test_a_broken_exam_file_names_every_problem_and_its_fix(tmp_path):
    folder = tmp_path / "exam_x"
    folder.mkdir()
    (folder / "exam.toml").write_text('''
[exam]
id = "exam_y"
mode = "oral"
[[zones]]
title = "One"
slots = [ { id = "q1", points = 1, templates = ["conv_output_sise"] },
          { id = "q1", points = 0, templates = ["mlp_param_count"] },
          { id = "q 2", points = 1, templates = ["mlp_param_count"] } ]
''')
    message = str(pytest.raises(ExamFileError, load_exam, folder / "exam.toml").value)
    for expected in ("differs from its folder", "exam.mode 'oral'", "did you mean conv_output_size",
                     "the id is used twice", "points 0", "must be a Python name"):
        assert expected in message, expected
