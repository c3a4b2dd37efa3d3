"""The assignment build: one source of truth (reference/), nbgrader makes the student version."""
import ast
import tomllib
import warnings

import nbformat
import pytest

from autograder import assignments
from autograder.assignments import ROOT
from grading.build import TemplateError, add_solution_markers, build_source_notebook, parse_template, solution_source
from grading.course import Course


def test_markers_wrap_each_body_after_its_docstring():
    code = 'def f(x):\n    """Doc."""\n    y = x + 1\n    return y\n\n\nclass A:\n    """A."""\n\n    def g(self):\n        """G."""\n        return 2\n'
    marked = add_solution_markers(code)
    assert marked.splitlines()[:6] == ['def f(x):', '    """Doc."""', "    ### BEGIN SOLUTION",
                                       "    y = x + 1", "    return y", "    ### END SOLUTION"]
    assert "        ### BEGIN SOLUTION\n        return 2\n        ### END SOLUTION" in marked
    ast.parse(marked)


def test_a_closure_is_part_of_its_outer_body():
    code = ('class T:\n    def __add__(self, other):\n        """Doc."""\n        out = T()\n\n'
            '        def _backward():\n            """Closure."""\n            self.grad += out.grad\n'
            '        out._backward = _backward\n        return out\n')
    marked = add_solution_markers(code)
    assert marked.count("### BEGIN SOLUTION") == 1 and marked.count("### END SOLUTION") == 1  # nbgrader refuses nesting
    assert marked.splitlines()[3:5] == ["        ### BEGIN SOLUTION", "        out = T()"]
    assert marked.splitlines()[-1] == "        ### END SOLUTION"
    ast.parse(marked)


def test_template_errors_are_clear():
    with pytest.raises(TemplateError, match="unknown cell header"):
        parse_template("# %% [markdown]\n# hi\n# %% [oops]\n")
    with pytest.raises(TemplateError, match="text before the first cell header"):
        parse_template("x = 1\n# %% [setup]\n")


@pytest.mark.parametrize("assignment_id", assignments.known())
def test_source_notebook_has_every_grade_cell_once_with_its_points(assignment_id):
    nb = build_source_notebook(assignment_id)
    spec = tomllib.loads((ROOT / "assignments" / assignment_id / "assignment.toml").read_text())
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert graded == spec["cells"]
    assert sum(graded.values()) == 10
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert solutions and all("### BEGIN SOLUTION" in c.source for c in solutions)
    nbformat.validate(nb)


def test_solution_source_is_the_reference_and_runs():
    namespace = {}
    exec(compile(solution_source("a1_mlp"), "<solution>", "exec"), namespace)
    assert abs(namespace["sigmoid"](0.0) - 0.5) < 1e-12


@pytest.mark.parametrize("assignment_id", assignments.known())
def test_the_reference_passes_its_visible_tests(assignment_id):
    """Every code cell of the source notebook, visible tests included, runs without error or warning."""
    nb = build_source_notebook(assignment_id)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, cell.metadata["nbgrader"]["grade_id"], "exec"), namespace)


def test_nbgrader_release_keeps_docstrings_and_removes_solutions(tmp_path):
    course = Course(tmp_path / "course")
    course.setup()
    release = course.generate("a1_mlp")
    nb = nbformat.read(str(release / "a1_mlp.ipynb"), as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert "### BEGIN SOLUTION" not in code and "raise NotImplementedError" in code
    namespace = {}
    setup = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    exec(setup + "\n" + code, namespace)
    assert "σ" in namespace["sigmoid"].__doc__ or "sigm" in namespace["sigmoid"].__doc__.lower()
    with pytest.raises(NotImplementedError):
        namespace["sigmoid"](0.0)


def test_nbgrader_release_of_a2_stubs_each_method_with_its_closure(tmp_path):
    course = Course(tmp_path / "course")
    course.setup()
    release = course.generate("a2_autograd")
    nb = nbformat.read(str(release / "a2_autograd.ipynb"), as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert "### BEGIN SOLUTION" not in code and "_backward():" not in code
    namespace = {}
    setup = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    exec(setup + "\n" + code, namespace)
    assert "unbroadcast" in namespace["Tensor"].__add__.__doc__
    with pytest.raises(NotImplementedError):
        namespace["Tensor"](1.0)
