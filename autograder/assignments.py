"""What the platform knows of an assignment: its three folders, grade cells, kind and limits.

An assignment is a set of folders under a root, and adding one edits nothing else::

    assignments/<id>/   SPEC.md, template.py, assignment.toml (grade cells, points, kind, limits)
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

ROOT = Path(__file__).resolve().parents[1]
ROOTS_VARIABLE = "DLGRADE_ASSIGNMENT_ROOTS"
FIELDS = {"id", "title", "notebook", "kind", "cells", "limits"}


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
        return AssignmentInfo(
            id=assignment_id,
            title=data.get("title", assignment_id),
            notebook=data.get("notebook", f"{assignment_id}.ipynb"),
            cells={k: float(v) for k, v in data["cells"].items()},
            root=root,
            kind=kind,
            limits=Limits.from_dict(data.get("limits", {})),
        )
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
        raise UnknownAssignment(f"{spec}: {exc}") from None


def variants(info: AssignmentInfo):
    """The assignment's ``variants.py`` (``BUGGY``, ``CORRECT``), loaded by path."""
    path = info.tests / "variants.py"
    if not path.is_file():
        raise UnknownAssignment(f"{info.id} has no {path}: its graders cannot be proven right both ways")
    spec = importlib.util.spec_from_file_location(f"dlgrade_variants_{info.id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
