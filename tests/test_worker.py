"""A warm grading process serves jobs of several assignments in turn; a broken one costs only its own."""
from autograder import worker
from autograder.assignments import ROOTS_VARIABLE
from autograder.batch import Submission, grade_all
from autograder.job import GradingJob, Limits
from submissions import reference_source, write_notebook

# These tests are about which tests run for which job, not about time: a loaded machine must not fail them.
UNHURRIED = Limits(test_timeout=60, budget=900)


def test_an_assignment_whose_tests_do_not_collect_answers_only_its_own_jobs(tmp_path, monkeypatch):
    (tmp_path / "assignments" / "broken").mkdir(parents=True)
    (tmp_path / "assignments" / "broken" / "assignment.toml").write_text('[cells]\ncell = 1\n')
    (tmp_path / "autograder" / "broken").mkdir(parents=True)
    (tmp_path / "autograder" / "broken" / "test_broken.py").write_text("def test_x(:\n    pass\n")  # syntax error
    monkeypatch.setenv(ROOTS_VARIABLE, str(tmp_path))
    jobs = [GradingJob("broken", ["x = 1"], "s1", sandboxed=False),
            GradingJob("a1_mlp", [reference_source()], "s2", limits=UNHURRIED, sandboxed=False)]
    results = []
    worker.serve(iter(jobs), results.append)
    assert [(r.assignment, r.student) for r in results] == [("broken", "s1"), ("a1_mlp", "s2")]
    assert results[0].error == "not graded: the hidden tests could not be collected" and not results[0].graded
    assert results[1].error is None and results[1].score == results[1].max_score == 10, [(t.name, t.message) for t in results[1].tests if not t.passed]


def test_a_missing_notebook_costs_its_submission_not_the_batch(tmp_path):
    present = write_notebook(tmp_path / "s2.ipynb", [reference_source()])
    subs = [Submission("s1", tmp_path / "renamed-by-the-student.ipynb"), Submission("s2", present)]
    results = {r.student: r for r in grade_all("a1_mlp", subs, workers=1, sandboxed=False)}
    assert results["s1"].error == f"no notebook at {tmp_path / 'renamed-by-the-student.ipynb'}"
    assert results["s2"].error is None and results["s2"].score == 10


def test_one_process_grades_a1_then_a2_with_each_its_own_same_named_test_modules():
    # Both assignments have a hidden test_mlp.py and test_losses.py; a cached module of the first
    # must never run for the second (nor the second's for a later first).
    jobs = [GradingJob(aid, [reference_source(aid)], f"s{i}", limits=UNHURRIED, sandboxed=False)
            for i, aid in enumerate(["a1_mlp", "a2_autograd", "a1_mlp"])]
    results = []
    worker.serve(iter(jobs), results.append)
    assert [r.assignment for r in results] == ["a1_mlp", "a2_autograd", "a1_mlp"]
    for r in results:
        assert r.error is None and r.score == r.max_score == 10, (r.assignment, r.error, [(t.name, t.message) for t in r.tests if not t.passed])
    a2_tests = {t.name for t in results[1].tests}
    assert a2_tests and not a2_tests & {t.name for t in results[0].tests}
