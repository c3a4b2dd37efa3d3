"""`dlgrade grade-one`: the JSON contract, and a clear one-line reason for bad input."""
import json
import subprocess
import sys

import nbformat
import pytest

from autograder import assignments
from grading.build import build_source_notebook

GRADE_ONE = [sys.executable, "-m", "grading.cli", "grade-one"]


@pytest.fixture(scope="module")
def perfect(tmp_path_factory):
    """The source notebook: every solution cell holds the reference, i.e. a perfect submission."""
    path = tmp_path_factory.mktemp("nb") / "a1_mlp.ipynb"
    nbformat.write(build_source_notebook("a1_mlp"), str(path))
    return path


def _variant(perfect, tmp_path, edit):
    nb = nbformat.read(str(perfect), as_version=4)
    edit(nb)
    path = tmp_path / "a1_mlp.ipynb"
    nbformat.write(nb, str(path))
    return path


def _grade(*args):
    proc = subprocess.run([*GRADE_ONE, *map(str, args)], capture_output=True, text=True, timeout=300)
    return proc


def test_json_output_has_the_documented_fields(perfect):
    proc = _grade("a1_mlp", perfect, "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert {"assignment", "score", "max_score", "error", "tests"} <= set(data)
    assert data["assignment"] == "a1_mlp" and data["error"] is None
    assert data["score"] == data["max_score"] == 10
    assert data["tests"] and set(data["tests"][0]) == {"name", "cell", "points", "max_points", "passed", "message"}
    assert {"cells", "functions"} <= set(data)
    info = assignments.load("a1_mlp")
    assert [f["name"] for f in data["functions"]] == [f.name for f in info.functions]
    assert set(data["functions"][0]) == {"name", "cell", "points", "max_points", "rule", "passed", "total", "tests",
                                         "failures"}
    assert {c["cell"]: c["max_score"] for c in data["cells"]} == info.cells


def test_text_output_gives_the_score_then_what_to_fix_by_function(perfect, tmp_path):
    """The demo's student with three bugs: what the student's feedback page says, in the terminal."""
    from grading.demo.cohort import fill_solutions

    info = assignments.load("a1_mlp")
    catalogue = assignments.variants(info)
    overrides = {k: v for bug in catalogue.DEMO_BUGS[0] for k, v in catalogue.BUGGY[bug].overrides.items()}
    proc = _grade("a1_mlp", _variant(perfect, tmp_path, lambda nb: fill_solutions(info, nb.cells, overrides)))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "score: 8.875 / 10"
    assert lines[1] == "4 of 56 functions lost points (−1.125); 94 of 99 checks passed"
    to_fix = proc.stdout[proc.stdout.index("to fix:"):proc.stdout.index("by part:")]
    names = ["softmax and log_softmax: 0 / 0.25 (−0.25), all or nothing", "bce and bce_grad: 0 / 0.25",
             "softmax_cross_entropy and softmax_cross_entropy_grad: 0 / 0.375", "AdamW: 0 / 0.25"]
    assert [to_fix.index(n) for n in names] == sorted(to_fix.index(n) for n in names)
    assert "a sign flip" in to_fix and "after the Adam update" in to_fix and "overflow" in to_fix
    assert "✓" not in to_fix, "passed checks and functions stay out of what to fix"
    assert "  test_losses: 0.875 / 1.5" in proc.stdout


@pytest.mark.parametrize("assignment_id", [a for a in assignments.known() if a != "a1_mlp"])
def test_every_assignments_reference_notebook_scores_full_marks(assignment_id, tmp_path):
    path = tmp_path / assignments.load(assignment_id).notebook
    nbformat.write(build_source_notebook(assignment_id), str(path))
    proc = _grade(assignment_id, path, "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0 and data["error"] is None, proc.stderr
    assert data["score"] == data["max_score"] == 10, [t for t in data["tests"] if not t["passed"]]


def test_unreadable_notebook_is_one_line_reason(tmp_path):
    bad = tmp_path / "a1_mlp.ipynb"
    bad.write_text("{ not json")
    proc = _grade("a1_mlp", bad)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "not a readable notebook" in proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(_grade("a1_mlp", bad, "--json").stdout)
    assert data["score"] == 0 and "not a readable notebook" in data["error"]


def test_unknown_assignment_names_the_known_ones(perfect):
    proc = _grade("a9_nope", perfect)
    assert proc.returncode == 1 and "unknown assignment 'a9_nope'" in proc.stderr and "a1_mlp" in proc.stderr


def test_duplicated_grade_cell_is_refused_with_the_fix(perfect, tmp_path):
    def duplicate(nb):
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_linear")
        nb.cells.append(nbformat.from_dict(dict(cell, id="copy")))
    proc = _grade("a1_mlp", _variant(perfect, tmp_path, duplicate))
    assert proc.returncode == 1 and "test_linear appear more than once" in proc.stderr


def test_deleted_grade_cell_is_still_graded_and_reported(perfect, tmp_path):
    def delete(nb):
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_losses"]
    data = json.loads(_grade("a1_mlp", _variant(perfect, tmp_path, delete), "--json").stdout)
    assert data["error"] is None and data["score"] == 10
    assert any("test_losses were deleted" in w for w in data["warnings"])


def test_endless_cell_is_stopped_and_the_rest_still_graded(perfect, tmp_path):
    def hang(nb):
        nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    data = json.loads(_grade("a1_mlp", _variant(perfect, tmp_path, hang), "--json", "--test-timeout", "1",
                             "--cell-timeout", "2").stdout)
    assert data["error"] is None and data["score"] == 10
    assert any("was stopped after 2 s" in w for w in data["warnings"])


def test_notebook_that_defeats_the_cell_limit_costs_only_itself(perfect, tmp_path):
    def hang(nb):
        nb.cells.insert(3, nbformat.v4.new_code_cell(
            "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"))
    data = json.loads(_grade("a1_mlp", _variant(perfect, tmp_path, hang), "--json", "--timeout", "8").stdout)
    assert data["score"] == 0 and "did not finish loading" in data["error"]  # its fault, within its budget
