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
