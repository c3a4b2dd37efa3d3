"""What the platform knows of an assignment: its three folders, grade cells, kind and limits.

An assignment is a set of folders under a root, and adding one edits nothing else::

    assignments/<id>/   SPEC.md, template.py, assignment.toml (grade cells, points, kind, limits,
                        optional [[functions]]: how the cells' tests are scored, autograder.scoring)
    reference/<id>/     reference solutions, one module per solution cell
    autograder/<id>/    hidden tests (test_*.py), variants.py (BUGGY / CORRECT), harness/ (optional)

The project's own root is always searched; ``DLGRADE_ASSIGNMENT_ROOTS`` (``os.pathsep``-separated)
adds more, e.g. a course's private assignments. Points live once, in ``assignment.toml``.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import DlgradeError
from .job import KINDS, Limits
from .scoring import RULES, Function

ROOT = Path(__file__).resolve().parents[1]
ROOTS_VARIABLE = "DLGRADE_ASSIGNMENT_ROOTS"
FIELDS = {"id", "title", "notebook", "kind", "cells", "limits", "functions"}
FUNCTION_FIELDS = {"name", "cell", "tests", "points", "rule"}
POINTS_TOLERANCE = 1e-9


class UnknownAssignment(DlgradeError):
    pass


@dataclass(frozen=True)
class AssignmentInfo:
    id: str
    title: str
    notebook: str
    cells: dict[str, float]  # grade cell id → points
    root: Path
    kind: str = "numpy"
    limits: Limits = Limits()
    functions: tuple[Function, ...] = ()  # empty: every hidden test's own points (autograder.scoring)

    @property
    def max_score(self) -> float:
        return float(sum(self.cells.values()))

    @property
    def folder(self) -> Path:
        return self.root / "assignments" / self.id

    @property
    def reference(self) -> Path:
        return self.root / "reference" / self.id

    @property
    def tests(self) -> Path:
        """The hidden tests (never released, never inside the sandbox)."""
        return self.root / "autograder" / self.id

    @property
    def harness(self) -> Path | None:
        """Grader-owned, non-secret modules bound read-only into the sandbox."""
        path = self.tests / "harness"
        return path if path.is_dir() else None


def roots() -> list[Path]:
    extra = [Path(p).resolve() for p in os.environ.get(ROOTS_VARIABLE, "").split(os.pathsep) if p]
    return list(dict.fromkeys([ROOT, *extra]))


def _find(assignment_id: str) -> Path | None:
    for root in roots():
        if (root / "assignments" / assignment_id / "assignment.toml").is_file() \
                and (root / "autograder" / assignment_id).is_dir():
            return root
    return None


def known() -> list[str]:
    ids = {p.parent.name for root in roots() for p in (root / "assignments").glob("*/assignment.toml")}
    return sorted(i for i in ids if _find(i))


def load(assignment_id: str) -> AssignmentInfo:
    return _load(assignment_id, tuple(roots()))


@functools.cache
def _load(assignment_id: str, _roots: tuple[Path, ...]) -> AssignmentInfo:
    root = _find(assignment_id) if assignment_id and "/" not in assignment_id else None
    if root is None:
        raise UnknownAssignment(
            f"unknown assignment '{assignment_id}': known are {', '.join(known()) or 'none'}"
        )
    spec = root / "assignments" / assignment_id / "assignment.toml"
    try:
        data = tomllib.loads(spec.read_text(encoding="utf-8"))
        unknown = sorted(set(data) - FIELDS)
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(unknown)}; known are {', '.join(sorted(FIELDS))}")
        kind = data.get("kind", "numpy")
        if kind not in KINDS:
            raise ValueError(f"kind = {kind!r}: use one of {', '.join(KINDS)}")
        if not isinstance(data.get("cells"), dict) or not data["cells"]:
            raise ValueError("[cells] must list each grade cell with its points")
        cells = {k: float(v) for k, v in data["cells"].items()}
        return AssignmentInfo(
            id=assignment_id,
            title=data.get("title", assignment_id),
            notebook=data.get("notebook", f"{assignment_id}.ipynb"),
            cells=cells,
            root=root,
            kind=kind,
            limits=Limits.from_dict(data.get("limits", {})),
            functions=functions_from_toml(data.get("functions", []), cells),
        )
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
        raise UnknownAssignment(f"{spec}: {exc}") from None


def functions_from_toml(entries, cells: dict[str, float]) -> tuple[Function, ...]:
    """``[[functions]]`` checked against ``[cells]``: every problem at once, each with its fix.

    Whether every hidden test belongs to exactly one function is checked where the tests are
    collected (``autograder.scoring.check_tests``, from the grading plugin)."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError("functions must be an array of tables: write each as [[functions]]")
    problems, functions = [], []
    for i, entry in enumerate(entries, start=1):
        where = f"[[functions]] #{i}" + (f" ({entry['name']!r})" if isinstance(entry.get("name"), str) else "")
        unknown = sorted(set(entry) - FUNCTION_FIELDS)
        missing = sorted({"name", "cell", "tests", "points"} - set(entry))
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; known are {', '.join(sorted(FUNCTION_FIELDS))}")
        if missing:
            problems.append(f"{where}: add {', '.join(missing)}")
            continue
        name, cell, tests, points, rule = (entry["name"], entry["cell"], entry["tests"], entry["points"],
                                           entry.get("rule", "partial"))
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: name must be a non-empty string")
        elif any(f.name == name for f in functions):
            problems.append(f"{where}: another function has this name; give each its own")
        if cell not in cells:
            problems.append(f"{where}: cell {cell!r} is not a grade cell of [cells]; use one of {', '.join(cells)}")
        if isinstance(tests, str):
            tests = [tests]
        if not isinstance(tests, list) or not tests or not all(isinstance(t, str) and t for t in tests):
            problems.append(f"{where}: tests must list the hidden tests' names or fnmatch patterns, "
                            'e.g. tests = ["test_linear_backward_*"]')
            tests = []
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            problems.append(f"{where}: points must be a positive number, not {points!r}")
            points = 0.0
        if rule not in RULES:
            problems.append(f"{where}: rule = {rule!r}; use {' or '.join(repr(r) for r in RULES)}")
        functions.append(Function(str(name), str(cell), tuple(tests), float(points), str(rule)))
    if functions and not problems:
        for cell, top in cells.items():
            got = sum(f.points for f in functions if f.cell == cell)
            if abs(got - top) > POINTS_TOLERANCE:
                named = [f"{f.name} {f.points:g}" for f in functions if f.cell == cell]
                problems.append(f"cell {cell}: its functions' points add up to {got:g} "
                                f"({', '.join(named) or 'no function names it'}) but [cells] gives it {top:g}: "
                                "make them add up to the cell's points")
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(functions)


def variants(info: AssignmentInfo):
    """The assignment's ``variants.py`` (``BUGGY``, ``CORRECT``), loaded by path."""
    path = info.tests / "variants.py"
    if not path.is_file():
        raise UnknownAssignment(f"{info.id} has no {path}: its graders cannot be proven right both ways")
    spec = importlib.util.spec_from_file_location(f"dlgrade_variants_{info.id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
