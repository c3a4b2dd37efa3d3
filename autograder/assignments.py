"""What the autograder knows of an assignment: its hidden tests and its grade cells' points.

The points live with the authored assignment (``assignments/<id>/assignment.toml``), the one place
both the notebook build and the graders read them from.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUTHORED = ROOT / "assignments"
GRADERS = Path(__file__).resolve().parent


class UnknownAssignment(Exception):
    pass


@dataclass(frozen=True)
class AssignmentInfo:
    id: str
    title: str
    notebook: str
    cells: dict[str, float]  # grade cell id → points
    tests: Path  # folder of hidden pytest modules

    @property
    def max_score(self) -> float:
        return float(sum(self.cells.values()))


def known() -> list[str]:
    return sorted(p.parent.name for p in AUTHORED.glob("*/assignment.toml")
                  if (GRADERS / p.parent.name).is_dir())


def load(assignment_id: str) -> AssignmentInfo:
    spec = AUTHORED / assignment_id / "assignment.toml"
    if not spec.is_file() or not (GRADERS / assignment_id).is_dir():
        raise UnknownAssignment(
            f"unknown assignment '{assignment_id}': known are {', '.join(known()) or 'none'}"
        )
    data = tomllib.loads(spec.read_text(encoding="utf-8"))
    return AssignmentInfo(
        id=assignment_id,
        title=data.get("title", assignment_id),
        notebook=data.get("notebook", f"{assignment_id}.ipynb"),
        cells={k: float(v) for k, v in data["cells"].items()},
        tests=GRADERS / assignment_id,
    )
