"""A warm grading process serves jobs of several assignments in turn; a broken one costs only its own."""
from autograder import assignments, worker
from autograder.assignments import AssignmentInfo
from submissions import reference_source


def test_an_assignment_whose_tests_do_not_collect_answers_only_its_own_jobs(tmp_path, monkeypatch):
    (tmp_path / "test_broken.py").write_text("def test_x(:\n    pass\n")  # a syntax error
    real = assignments.load

    def load(assignment_id):
        if assignment_id == "broken":
            return AssignmentInfo("broken", "Broken", "broken.ipynb", {"cell": 1.0}, tmp_path)
        return real(assignment_id)

    monkeypatch.setattr(assignments, "load", load)
    jobs = [{"assignment": "broken", "student": "s1", "cells": ["x = 1"]},
            {"assignment": "a1_mlp", "student": "s2", "cells": [reference_source()]}]
    results = []
    worker.serve(iter({**job, "test_timeout": 5.0, "sandboxed": False, "budget": None} for job in jobs),
                 results.append)
    assert [(r.assignment, r.student) for r in results] == [("broken", "s1"), ("a1_mlp", "s2")]
    assert results[0].error == "the hidden tests could not be collected"
    assert results[1].error is None and results[1].score == results[1].max_score == 10


def test_a_missing_notebook_costs_its_submission_not_the_batch(tmp_path):
    from autograder.batch import Job, Settings, grade_all
    from submissions import write_notebook

    present = write_notebook(tmp_path / "s2.ipynb", [reference_source()])
    jobs = [Job("s1", tmp_path / "renamed-by-the-student.ipynb"), Job("s2", present)]
    results = {r.student: r for r in grade_all("a1_mlp", jobs, workers=1, settings=Settings(sandboxed=False))}
    assert results["s1"].error == f"no notebook at {tmp_path / 'renamed-by-the-student.ipynb'}"
    assert results["s2"].error is None and results["s2"].score == 10
