"""Build an assignment's nbgrader *source* notebook from its template and ``reference/``.

The template (``assignments/<id>/template.py``) holds the teaching text and visible tests; each
``# %% [solution MODULE]`` cell is filled with that reference module's code, with nbgrader's
solution markers around every function and method body (docstrings stay: they are the task).
``nbgrader generate_assignment`` then turns the marked bodies into stubs for the students.
One source of truth: the solution is never pasted into the notebook by hand.
"""
from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
REFERENCE = ROOT / "reference"
HEADER = re.compile(r"^# %% \[(markdown|setup|solution|tests)(?: ([A-Za-z0-9_]+))?\]\s*$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


class TemplateError(Exception):
    pass


@dataclass
class TemplateCell:
    kind: str  # markdown | setup | solution | tests
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


def module_code(module: str) -> str:
    """A reference module's definitions without its imports and module docstring."""
    path = REFERENCE / f"{module}.py"
    if not path.is_file():
        raise TemplateError(f"solution cell names reference module '{module}', but {path} does not exist")
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
    """Wrap every function and method body after its docstring in nbgrader's solution markers."""
    lines = code.splitlines()
    inserts: list[tuple[int, str]] = []  # (line index to insert before, text)
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
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


def load_assignment(assignment_id: str) -> tuple[dict, list[TemplateCell]]:
    folder = ASSIGNMENTS / assignment_id
    if not (folder / "assignment.toml").is_file():
        known = sorted(p.parent.name for p in ASSIGNMENTS.glob("*/assignment.toml"))
        raise TemplateError(f"unknown assignment '{assignment_id}': known are {', '.join(known)}")
    spec = tomllib.loads((folder / "assignment.toml").read_text(encoding="utf-8"))
    cells = parse_template((folder / "template.py").read_text(encoding="utf-8"))
    test_ids = [c.arg for c in cells if c.kind == "tests"]
    if sorted(test_ids) != sorted(spec["cells"]):
        raise TemplateError(
            f"{assignment_id}: the template's test cells {sorted(test_ids)} must match "
            f"assignment.toml's [cells] {sorted(spec['cells'])}, each exactly once"
        )
    return spec, cells


def build_source_notebook(assignment_id: str) -> nbformat.NotebookNode:
    spec, cells = load_assignment(assignment_id)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if cell.kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell.body))
        elif cell.kind == "setup":
            nb.cells.append(nbformat.v4.new_code_cell(cell.body, metadata=_meta("setup", locked=True)))
        elif cell.kind == "solution":
            code = add_solution_markers(module_code(cell.arg))
            nb.cells.append(nbformat.v4.new_code_cell(code, metadata=_meta(f"solution_{cell.arg}", solution=True)))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(
                cell.body, metadata=_meta(cell.arg, grade=True, locked=True, points=spec["cells"][cell.arg])))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def write_source_notebook(assignment_id: str, course_dir: Path) -> Path:
    spec, _ = load_assignment(assignment_id)
    out = Path(course_dir) / "source" / assignment_id / spec.get("notebook", f"{assignment_id}.ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build_source_notebook(assignment_id), str(out))
    return out


def solution_modules(assignment_id: str) -> list[str]:
    return [c.arg for c in load_assignment(assignment_id)[1] if c.kind == "solution"]


def solution_source(assignment_id: str) -> str:
    """The code a perfect student's notebook runs: setup plus every solution cell, in order."""
    _, cells = load_assignment(assignment_id)
    parts = [c.body for c in cells if c.kind == "setup"]
    parts += [module_code(c.arg) for c in cells if c.kind == "solution"]
    return "\n\n".join(parts) + "\n"
