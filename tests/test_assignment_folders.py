"""An assignment is its three folders: a toy one in a temporary root is built, graded and autograded
by the platform with nothing else edited, under its own limits from assignment.toml."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from autograder import assignments
from autograder.job import GradingJob
from autograder.runner import GradingProcess, grade_source
from autograder.variants import apply_overrides
from grading.build import build_source_notebook, solution_source
from grading.demo.cohort import Persona, answer_notebook
from grading.course import Course
from grading.gradebook import CourseGradebook
from submissions import write_notebook
from toys import write_numpy_toy, write_torch_toy

TOY, TORCH_TOY = "toy_numpy", "toy_torch"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("roots")
    write_numpy_toy(root, TOY)
    write_torch_toy(root, TORCH_TOY)
    saved = os.environ.get(assignments.ROOTS_VARIABLE)
    os.environ[assignments.ROOTS_VARIABLE] = str(root)
    yield root
    if saved is None:
        os.environ.pop(assignments.ROOTS_VARIABLE)
    else:
        os.environ[assignments.ROOTS_VARIABLE] = saved


@pytest.fixture(scope="module")
def process(root):
    with GradingProcess() as warm:
        yield warm


def test_the_toy_is_known_with_its_kind_and_limits(root):
    assert {"a1_mlp", TOY} <= set(assignments.known())
    info = assignments.load(TOY)
    assert info.root == root and info.kind == "numpy" and info.max_score == 2
    assert (info.limits.test_timeout, info.limits.cell_timeout) == (3, 5)
    assert info.limits.budget == assignments.load("a1_mlp").limits.budget  # the default


def test_a_bad_assignment_toml_is_named(tmp_path, monkeypatch):
    write_numpy_toy(tmp_path, "toy_bad")
    toml = tmp_path / "assignments" / "toy_bad" / "assignment.toml"
    toml.write_text(toml.read_text() + "tests_timeout = 4\n")  # misspelt, in [limits]
    monkeypatch.setenv(assignments.ROOTS_VARIABLE, str(tmp_path))
    with pytest.raises(assignments.UnknownAssignment, match=r"\[limits\]: unknown limit\(s\) tests_timeout"):
        assignments.load("toy_bad")


def test_a_given_cell_carries_a1_code_locked_and_without_markers(root):
    nb = build_source_notebook(TOY)
    given = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("given_")]
    assert len(given) == 1 and "def relu(" in given[0].source
    meta = given[0].metadata["nbgrader"]
    assert meta["locked"] and not meta["solution"] and not meta["grade"]
    assert "### BEGIN SOLUTION" not in given[0].source
    assert "def relu(" in solution_source(TOY) and "def relu_norm(" in solution_source(TOY)


def test_the_torch_toy_is_a_torch_kind_with_a_harness(root):
    info = assignments.load(TORCH_TOY)
    assert info.kind == "torch" and info.harness == root / "autograder" / TORCH_TOY / "harness"


@pytest.mark.parametrize("aid", [TOY, TORCH_TOY])
def test_reference_full_marks_every_buggy_variant_loses_every_correct_one_full(root, process, aid):
    catalogue = assignments.variants(assignments.load(aid))
    source = solution_source(aid)
    reference = grade_source(aid, source, process=process)
    assert reference.error is None and reference.warnings == [], reference
    assert reference.score == reference.max_score == 2, reference
    for name, variant in catalogue.BUGGY.items():
        r = grade_source(aid, apply_overrides(source, variant.overrides), process=process)
        assert r.error is None and r.score < 2, (name, r)
    for name, overrides in catalogue.CORRECT.items():
        r = grade_source(aid, apply_overrides(source, overrides), process=process)
        assert r.score == 2, (name, r)


def test_limits_come_from_assignment_toml_and_the_grade_marker(root, process):
    source = solution_source(TOY)
    slow = "import time\ntime.sleep(4)\n"
    slow_scale = apply_overrides(source, {"scale": "def scale(x, k):\n" + "    " + slow.replace("\n", "\n    ")
                                          + "return k * x\n"})
    slow_relu_norm = apply_overrides(source, {"relu_norm": "def relu_norm(x):\n" + "    "
                                              + slow.replace("\n", "\n    ") + "return norm(relu(x))\n"})
    r = grade_source(TOY, slow_scale, process=process)
    assert [t.message for t in r.tests if not t.passed] == ["took longer than 3 s (an endless loop, or far too slow)"]
    r = grade_source(TOY, slow_relu_norm, process=process)  # its marker allows 10 s
    assert r.score == 2, r
    r = process.grade(GradingJob(
        TOY, [source, "while True:\n    pass\n"], limits=assignments.load(TOY).limits), 2.0)
    assert r.score == 2 and any("stopped after 5 s" in w for w in r.warnings), r


def test_a_slow_reload_after_a_timeout_never_eats_the_next_tests_time(root, process):
    """A notebook that takes longer to load (3.5 s) than a test may run (3 s), and one endless function:
    the sandbox killed by that test's limit reloads before the next test starts its clock."""
    source = "import time\ntime.sleep(3.5)\n" + apply_overrides(
        solution_source(TOY), {"scale": "def scale(x, k):\n    while True:\n        pass\n"})
    r = process.grade(GradingJob(TOY, [source], limits=assignments.load(TOY).limits), 30.0)
    verdicts = {t.name: (t.passed, t.message) for t in r.tests}
    assert verdicts["test_scale"] == (False, "took longer than 3 s (an endless loop, or far too slow)"), r
    assert verdicts["test_norm"][0] and verdicts["test_relu_norm"][0], r
    assert r.score == 1.0, r


def test_grade_one_and_autograde_grade_the_toy(root, tmp_path):
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}")
    notebook = write_notebook(tmp_path / f"{TOY}.ipynb", [solution_source(TOY)])
    out = subprocess.run([sys.executable, "-m", "grading.cli", "grade-one", TOY, str(notebook), "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    data = json.loads(out.stdout)
    assert data["error"] is None and data["score"] == data["max_score"] == 2

    course = Course(tmp_path / "course")
    course.setup()
    course.generate(TOY)
    course.release(TOY)
    info = assignments.load(TOY)
    bug = assignments.variants(info).BUGGY["norm_squared"].overrides
    for student, persona in (("ada", Persona("ada", "reference")), ("bob", Persona("bob", "buggy", dict(bug)))):
        home = tmp_path / "home" / student
        folder = course.fetch(TOY, student, home)
        answer_notebook(info, folder / info.notebook, persona)
        nbformat.read(str(folder / info.notebook), as_version=4)  # still a notebook
        course.submit(TOY, student, home)
    course.collect(TOY)
    out = subprocess.run([sys.executable, "-m", "grading.cli", "autograde", TOY, "--course", str(course.root),
                          "--json"], capture_output=True, text=True, env=env, timeout=300)
    summary = json.loads(out.stdout)
    assert summary["graded"] == 2 and summary["errors"] == {}
    assert summary["scores"] == {"ada": 2.0, "bob": 1.0}  # relu_norm uses the squared norm too


def _toy_course(tmp_path, students):
    course = Course(tmp_path / "course")
    course.setup()
    course.generate(TOY)
    course.release(TOY)
    info = assignments.load(TOY)
    for student in students:
        home = tmp_path / "home" / student
        answer_notebook(info, course.fetch(TOY, student, home) / info.notebook, Persona(student, "reference"))
        course.submit(TOY, student, home)
    course.collect(TOY)
    return course


def _autograde(course, *flags):
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}")
    out = subprocess.run([sys.executable, "-m", "grading.cli", "autograde", TOY, "--course", str(course.root),
                          "--json", *flags], capture_output=True, text=True, env=env, timeout=300)
    return out.returncode, json.loads(out.stdout)


def test_a_grader_failure_is_never_a_score_and_the_next_run_grades_it(root, tmp_path):
    course = _toy_course(tmp_path, ["ada"])
    code, summary = _autograde(course)
    assert code == 0 and summary["scores"] == {"ada": 2.0}
    gradebook = CourseGradebook(course.db_url, course.course_id)
    info = assignments.load(TOY)
    home = tmp_path / "home" / "cy"  # a late submission, collected after the first run
    answer_notebook(info, course.fetch(TOY, "cy", home) / info.notebook, Persona("cy", "reference"))
    course.submit(TOY, "cy", home)
    course.collect(TOY)
    broken = root / "autograder" / TOY / "test_broken.py"
    broken.write_text("def test_x(:\n    pass\n")  # the graders' own fault: they do not collect
    try:
        code, summary = _autograde(course, "--force")
    finally:
        broken.unlink()
    assert code == 1
    assert set(summary["not_graded"]) == {"ada", "cy"} and summary["scores"] == {}
    assert all(r.startswith("not graded: the hidden tests could not be collected")
               for r in summary["not_graded"].values())
    assert gradebook.submission_scores(TOY, "ada").score == 2.0  # the earlier grade is kept, not zeroed
    cy = gradebook.submission_scores(TOY, "cy")
    assert cy is None or not cy.graded
    assert not (course.root / "autograded" / "cy").exists()  # no results file, no feedback
    code, summary = _autograde(course)
    assert code == 0 and summary["scores"] == {"cy": 2.0} and summary["skipped"] == 1 and summary["not_graded"] == {}


HOSTILE_TORCH = {
    # a loop in the training step costs only the step's test
    "step_hangs": ({"step": "def step(w, x, y, lr):\n    while True:\n        pass\n"}, [],
                   lambda r: r.score == 1 and any("took longer" in t.message for t in r.tests)),
    "step_eats_memory": ({"step": "def step(w, x, y, lr):\n    return torch.ones(1 << 36)\n"}, [],
                         lambda r: r.score == 1 and any("MemoryError" in t.message or "memory" in t.message
                                                        for t in r.tests if not t.passed)),
    # the harness is read-only, and the next submission loads it afresh
    "rewrites_harness": ({}, ["import sys\ntry:\n    open('/sandbox/harness/train.py', 'w').write('x')\n"
                              "except OSError:\n    pass\nsys.modules['train'] = None\n"],
                         lambda r: r.score == 2),
    # a daemon that outlives its submission, poisons /tmp and signals pid 1 (the zygote)
    "leaves_a_daemon": ({}, ["import os, signal, time\nif os.fork() == 0:\n    os.setsid()\n"
                             "    if os.fork() == 0:\n        for _ in range(600):\n"
                             "            open('/tmp/poison', 'w').write('x')\n"
                             "            try:\n                os.kill(1, signal.SIGKILL)\n"
                             "            except OSError:\n                pass\n            time.sleep(0.05)\n"
                             "    os._exit(0)\n"],
                        lambda r: r.score == 2),
    "ends_its_process": ({}, ["import os\nos._exit(3)\n"], lambda r: r.score == 0 and "ended its own process" in r.error),
}


def test_hostile_torch_submissions_cost_only_themselves_through_one_warm_zygote(root, tmp_path):
    """One worker, so every submission is a child of the same warm torch zygote, each hostile one
    followed by an honest one that must still get full marks (tests/test_zygote.py checks /tmp)."""
    from autograder.batch import Submission, grade_all

    source = solution_source(TORCH_TOY)
    subs = []
    for name, (overrides, extra, _) in HOSTILE_TORCH.items():
        code = apply_overrides(source, overrides) if overrides else source
        subs.append(Submission(name, write_notebook(tmp_path / name / "nb.ipynb", [code, *extra])))
        subs.append(Submission(f"honest_after_{name}", write_notebook(tmp_path / f"h_{name}" / "nb.ipynb", [source])))
    results = {r.student: r for r in grade_all(TORCH_TOY, subs, workers=1)}
    for name, (_, _, verdict) in HOSTILE_TORCH.items():
        r = results[name]
        assert verdict(r), (name, r.score, r.error, [(t.name, t.message[:100]) for t in r.tests if not t.passed])
        honest = results[f"honest_after_{name}"]
        assert honest.error is None and honest.score == 2, (name, honest)
