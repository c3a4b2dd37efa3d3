"""Per-student exam notebooks: written from the manifest, read back for grading.

Each answer is a cell of its own: ``q07 = ...`` (code, nbgrader grade cell ``q07``), a function
for a code question, or a markdown cell scored by hand in the formgrader. The notebook's metadata
carries the keyed tag binding it to its student; grading trusts only who collected it."""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.notebook import NotebookError, strip_magics

from .exam_file import Exam
from .kinds import kind_from

CHECK = """\
# Checks that each answer is set and readable. It does not say whether an answer is right.
for _slot in {slots!r}:
    _value = globals().get(_slot)
    print(f"{{_slot}}: {{'not answered yet' if _value is None else type(_value).__name__}}")
"""


def _meta(slot: str, points: float, kind: dict) -> dict:
    return {"nbgrader": {"grade": True, "solution": True, "locked": False, "grade_id": slot,
                         "points": points, "schema_version": 3},
            "dlgrade": {"slot": slot, "kind": kind["kind"]}}


def render(exam: Exam, who: str, entry: dict, heading: str = "") -> nbformat.NotebookNode:
    """The notebook of one student (or one printed form)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["dlgrade"] = {"exam": exam.id, "student": who, "tag": entry["tag"]}
    minutes = int(exam.duration.total_seconds() // 60)
    intro = heading or (
        f"# {exam.title}\n\nThis copy was made for **{who}** and is bound to you: answering in anyone "
        f"else's copy is detected. You have {minutes} minutes; the server takes your notebook when your "
        f"time ends (you may also submit earlier from the Assignments tab).\n\nAnswer each question by "
        f"setting its variable in the cell below it, e.g. `q07 = 0.25`; fractions as text are fine "
        f"(`q07 = \"4/7\"`). The first cell imports NumPy as `np` for you to calculate with. Run the last cell to check "
        f"that every answer is set. {exam.max_points:g} points in all.")
    cells = [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell("import math\n\nimport numpy as np")]
    zone_of = {s.id: s.zone for s in exam.slots}
    shown_zone = None
    for number, slot_id in enumerate(entry["order"], start=1):
        v = entry["slots"][slot_id]
        if zone_of[slot_id] != shown_zone:
            shown_zone = zone_of[slot_id]
            cells.append(nbformat.v4.new_markdown_cell(f"## {exam.zones[shown_zone].title}"))
        kind = kind_from(v["kind"])
        points = f"{v['points']:g} point" + ("" if v["points"] == 1 else "s")
        cells.append(nbformat.v4.new_markdown_cell(
            f"### Question {number} ({points})\n\n{v['text']}\n\n*Answer with {kind.how()}*"
            + ("." if v["kind"]["kind"] in ("manual", "code") else f", as `{slot_id}`.")))
        if v["kind"]["kind"] == "manual":
            cell = nbformat.v4.new_markdown_cell("YOUR ANSWER HERE")
        elif v["kind"]["kind"] == "code":
            fn = v["kind"]["function"]
            cell = nbformat.v4.new_code_cell(f"def {fn}({_parameters(v['key'], fn)}):\n    # your code here\n"
                                             "    raise NotImplementedError")
        else:
            cell = nbformat.v4.new_code_cell(f"{slot_id} = None  # your answer")
        cell.metadata.update(_meta(slot_id, v["points"], v["kind"]))
        cells.append(cell)
    check = nbformat.v4.new_code_cell(CHECK.format(slots=[s for s in entry["order"]
                                                          if entry["slots"][s]["kind"]["kind"] not in ("manual", "code")]))
    check.metadata["dlgrade"] = {"check": True}
    cells.append(check)
    nb.cells = cells
    return nb


def _parameters(solution: str, function: str) -> str:
    """The reference solution's parameter list, for the student's stub (never its body)."""
    import ast

    try:
        for node in ast.walk(ast.parse(solution)):
            if isinstance(node, ast.FunctionDef) and node.name == function:
                return ast.unparse(node.args)
    except SyntaxError:
        pass
    return "*args"


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    """A student's notebook in the course: staff only until it is delivered."""
    from .manifest import write_private

    text = nbformat.writes(nb)
    return write_private(path, text if text.endswith("\n") else text + "\n")  # as nbformat.write ends it


class Answers:
    """What grading needs from a collected copy: its code, its hand-written answers, its tag."""

    def __init__(self, code: list[str], manual: dict[str, str], tag: str | None, claimed: str | None):
        self.code, self.manual, self.tag, self.claimed = code, manual, tag, claimed


def read_answers(path: Path) -> Answers:
    try:
        nb = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise NotebookError(f"no notebook at {path}") from None
    except Exception as exc:  # broken JSON, wrong structure: one line
        raise NotebookError(f"{path.name} is not a readable notebook ({type(exc).__name__}: {exc})") from None
    code, manual = [], {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("dlgrade", {}) or {}
        if cell.get("cell_type") == "code" and not meta.get("check"):
            code.append(strip_magics(cell.get("source", "")))
        elif cell.get("cell_type") == "markdown" and meta.get("slot"):
            manual[meta["slot"]] = cell.get("source", "")
    own = nb.get("metadata", {}).get("dlgrade", {}) or {}
    return Answers(code, manual, own.get("tag"), own.get("student"))


def fill(path: Path, sources: dict[str, str]) -> None:
    """Write answers into a notebook's answer cells (the demo's students, and tests): slot -> cell
    source (``q07 = 0.25``, a function's code, or a markdown answer)."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        slot = cell.get("metadata", {}).get("dlgrade", {}).get("slot")
        if slot in sources:
            cell.source = sources[slot]
    nbformat.write(nb, str(path))
