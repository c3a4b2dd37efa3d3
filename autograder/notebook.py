"""Reading a submitted notebook: which cells are the student's code, and is it well formed."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .errors import DlgradeError


class NotebookError(DlgradeError):
    """The notebook cannot be graded; the message is the one-line reason shown to people."""


@dataclass
class StudentCode:
    """The code cells to execute, in order, and what looked wrong but is still gradable."""

    cells: list[str]
    warnings: list[str] = field(default_factory=list)


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell) -> bool:
    """nbgrader's "autograder tests" cell: graded, not a solution. Hidden tests replace it."""
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def strip_magics(source: str) -> str:
    """IPython magics and shell escapes mean nothing outside a kernel: comment them out."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(("# " + line) if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def read_student_code(path: str | Path, expected_cells: set[str] = frozenset()) -> StudentCode:
    """Parse ``path`` and return the code to run; raise NotebookError with a reason if it can't be."""
    path = Path(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise NotebookError(f"no notebook at {path}") from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{path.name} is not a readable notebook (not valid JSON: {exc})") from None
    except Exception as exc:  # nbformat raises several kinds for structurally broken files
        raise NotebookError(f"{path.name} is not a readable notebook ({type(exc).__name__}: {exc})") from None

    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{path.name} has no list of cells: re-download the assignment")

    ids = [_nbgrader(c).get("grade_id") for c in cells if _nbgrader(c).get("grade_id")]
    duplicated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicated:
        raise NotebookError(
            f"grade cell(s) {', '.join(duplicated)} appear more than once: keep one copy of each "
            "(a copied cell keeps its id; delete the copy)"
        )
    code = StudentCode(
        cells=[strip_magics(c.get("source", "")) for c in cells
               if c.get("cell_type") == "code" and not is_test_cell(c)],
    )
    missing = sorted(set(expected_cells) - set(ids))
    if missing:
        code.warnings.append(
            f"grade cell(s) {', '.join(missing)} were deleted from the notebook; "
            "the hidden tests grade them all the same"
        )
    return code
