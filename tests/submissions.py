"""Building test submissions: the reference (a perfect student), untouched stubs, extra cells."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from grading.build import BEGIN, END, add_solution_markers, cell_code, load_assignment, solution_source

STUB = re.compile(rf"^(\s*){re.escape(BEGIN)}\n.*?^\s*{re.escape(END)}\n", re.S | re.M)


def reference_source(assignment: str = "a1_mlp") -> str:
    return solution_source(assignment)


def stub_source(assignment: str = "a1_mlp") -> str:
    """What a student who wrote nothing submits: every body raises NotImplementedError."""
    info, cells = load_assignment(assignment)
    parts = []
    for cell in cells:
        if cell.kind in ("setup", "given"):
            parts.append(cell_code(info, cell))
        elif cell.kind == "solution":
            marked = add_solution_markers(cell_code(info, cell))
            parts.append(STUB.sub(lambda m: f"{m.group(1)}raise NotImplementedError()\n", marked))
    return "\n\n".join(parts) + "\n"


def write_notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
