"""Build an assignment's nbgrader *source* notebook from its template and its reference solutions.

The template (``assignments/<id>/template.py``) holds the teaching text and visible tests. Cells:

* ``# %% [solution MODULE]``: filled with ``reference/<id>/MODULE.py``, with nbgrader's solution
  markers around every function and method body (docstrings stay: they are the task);
* ``# %% [given OTHER.MODULE]``: code carried over from an earlier assignment
  (``reference/OTHER/MODULE.py``), locked and without markers, as minitorch's files_to_sync;
* ``# %% [setup]``, ``# %% [markdown]``, ``# %% [tests CELL]`` (a grade cell of assignment.toml).

``nbgrader generate_assignment`` then turns the marked bodies into stubs for the students.
One source of truth: the solution is never pasted into the notebook by hand.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import assignments
from autograder.assignments import AssignmentInfo
from autograder.errors import DlgradeError

HEADER = re.compile(r"^# %% \[(markdown|setup|solution|given|tests)(?: ([A-Za-z0-9_.]+))?\]\s*$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


class TemplateError(DlgradeError):
    pass


@dataclass
class TemplateCell:
    kind: str  # markdown | setup | solution | given | tests
    arg: str | None
    body: str


def parse_template(text: str) -> list[TemplateCell]:
    cells: list[TemplateCell] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADER.match(line)
        if match:
            cells.append(TemplateCell(match.group(1), match.group(2), ""))
        elif line.startswith("# %%"):
            raise TemplateError(f"template line {number}: unknown cell header {line!r}")
        elif cells:
            cells[-1].body += line + "\n"
        elif line.strip():
            raise TemplateError(f"template line {number}: text before the first cell header")
    for cell in cells:
        cell.body = cell.body.strip("\n")
        if cell.kind == "markdown":
            cell.body = "\n".join(re.sub(r"^# ?", "", l) for l in cell.body.splitlines())
    return cells


def module_code(info: AssignmentInfo, module: str) -> str:
    """A reference module's definitions without its imports and module docstring.

    ``module`` is one of this assignment's (``layers``) or an earlier one's (``a1_mlp.layers``)."""
    if "." in module:
        owner, module = module.split(".", 1)
        try:
            info = assignments.load(owner)
        except assignments.UnknownAssignment as exc:
            raise TemplateError(f"a given cell names '{owner}.{module}': {exc}") from None
    path = info.reference / f"{module}.py"
    if not path.is_file():
        raise TemplateError(f"{info.id}: a cell names reference module '{module}', but {path} does not exist")
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    drop: set[int] = set()
    tree = ast.parse(source)
    for i, node in enumerate(tree.body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_doc or isinstance(node, (ast.Import, ast.ImportFrom)):
            drop.update(range(node.lineno - 1, node.end_lineno))
    kept = [l for i, l in enumerate(lines) if i not in drop]
    return re.sub(r"\n{3,}", "\n\n\n", "\n".join(kept).strip("\n")) + "\n"


def add_solution_markers(code: str) -> str:
    """Wrap every function and method body after its docstring in nbgrader's solution markers.

    A function defined inside another (a backward closure) is part of the outer body: nbgrader
    refuses nested markers, and the student writes the closure as part of the method."""
    lines = code.splitlines()
    inserts: list[tuple[int, str]] = []  # (line index to insert before, text)
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    tree = ast.parse(code)
    nested = {id(inner) for outer in ast.walk(tree) if isinstance(outer, functions)
              for inner in ast.walk(outer) if inner is not outer}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or id(node) in nested:
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        if not body:
            continue
        indent = " " * body[0].col_offset
        inserts.append((body[0].lineno - 1, indent + BEGIN))
        inserts.append((body[-1].end_lineno, indent + END))
    for index, text in sorted(inserts, key=lambda p: p[0], reverse=True):
        lines.insert(index, text)
    return "\n".join(lines) + "\n"


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def load_assignment(assignment_id: str) -> tuple[AssignmentInfo, list[TemplateCell]]:
    info = assignments.load(assignment_id)
    cells = parse_template((info.folder / "template.py").read_text(encoding="utf-8"))
    test_ids = [c.arg for c in cells if c.kind == "tests"]
    if sorted(test_ids) != sorted(info.cells):
        raise TemplateError(
            f"{assignment_id}: the template's test cells {sorted(test_ids)} must match "
            f"assignment.toml's [cells] {sorted(info.cells)}, each exactly once"
        )
    for cell in cells:
        if cell.kind in ("solution", "given") and not cell.arg:
            raise TemplateError(f"{assignment_id}: a {cell.kind} cell must name its reference module")
        if cell.kind == "given" and "." not in cell.arg:
            raise TemplateError(f"{assignment_id}: [given {cell.arg}] must name ASSIGNMENT.MODULE, "
                                "e.g. [given a1_mlp.layers]")
    return info, cells


def cell_code(info: AssignmentInfo, cell: TemplateCell) -> str:
    """A code cell's source as a perfect student's notebook holds it."""
    if cell.kind in ("solution", "given"):
        return module_code(info, cell.arg)
    return cell.body


def build_source_notebook(assignment_id: str) -> nbformat.NotebookNode:
    info, cells = load_assignment(assignment_id)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if cell.kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell.body))
        elif cell.kind == "setup":
            nb.cells.append(nbformat.v4.new_code_cell(cell.body, metadata=_meta("setup", locked=True)))
        elif cell.kind == "given":
            nb.cells.append(nbformat.v4.new_code_cell(
                cell_code(info, cell), metadata=_meta(f"given_{cell.arg.replace('.', '_')}", locked=True)))
        elif cell.kind == "solution":
            code = add_solution_markers(cell_code(info, cell))
            nb.cells.append(nbformat.v4.new_code_cell(code, metadata=_meta(f"solution_{cell.arg}", solution=True)))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(
                cell.body, metadata=_meta(cell.arg, grade=True, locked=True, points=info.cells[cell.arg])))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def write_source_notebook(assignment_id: str, course_dir: Path) -> Path:
    info = assignments.load(assignment_id)
    out = Path(course_dir) / "source" / assignment_id / info.notebook
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build_source_notebook(assignment_id), str(out))
    return out


def solution_source(assignment_id: str) -> str:
    """The code a perfect student's notebook runs: setup, given and solution cells, in order."""
    info, cells = load_assignment(assignment_id)
    return "\n\n".join(cell_code(info, c) for c in cells if c.kind in ("setup", "given", "solution")) + "\n"
