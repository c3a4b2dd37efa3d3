"""A synthetic cohort for the demo course: who submits what.

Students answer with the reference solution, a correct rewrite, or the reference with one to three
realistic bugs from the variant catalogue (the first buggy ones with the catalogue's ``DEMO_BUGS``,
if it has them); a few submissions are broken on purpose (corrupted file, endless loop, duplicated
or deleted grade cell, untouched stubs, late).
"""
from __future__ import annotations

import ast
import random
from dataclasses import dataclass, field

import nbformat

from autograder import assignments
from autograder.assignments import AssignmentInfo
from autograder.variants import apply_overrides

from ..build import module_code


@dataclass
class Persona:
    student: str
    kind: str  # reference | correct | buggy | blank | corrupted | endless | duplicated_cell | deleted_cell
    overrides: dict[str, str] = field(default_factory=dict)
    bugs: list[str] = field(default_factory=list)
    late_hours: float = 0.0


def make_cohort(info: AssignmentInfo, size: int = 32, seed: int = 7) -> list[Persona]:
    """``size`` students of ``info``'s assignment, drawing on its variant catalogue."""
    catalogue = assignments.variants(info)
    rng = random.Random(seed)
    specials = ["blank", "corrupted", "endless", "duplicated_cell", "deleted_cell"]
    correct_names = sorted(catalogue.CORRECT)
    buggy_names = sorted(catalogue.BUGGY)
    featured = [list(bugs) for bugs in getattr(catalogue, "DEMO_BUGS", [])]  # optional: named combinations
    people: list[Persona] = []
    for i in range(size):
        sid = f"s{i + 1:03d}"
        if i < len(specials):
            people.append(Persona(sid, specials[i]))
        elif i % 4 == 0:
            name = correct_names[i % len(correct_names)]
            people.append(Persona(sid, "correct", dict(catalogue.CORRECT[name]), [name]))
        elif i % 4 == 1:
            people.append(Persona(sid, "reference"))
        else:
            bugs = rng.sample(buggy_names, k=rng.choice([1, 1, 2, 3]))
            if featured:  # drawn all the same, so the rest of the cohort does not change
                bugs = featured.pop(0)
            overrides: dict[str, str] = {}
            for bug in bugs:
                overrides.update(catalogue.BUGGY[bug].overrides)
            people.append(Persona(sid, "buggy", overrides, bugs))
    people[-1].late_hours = 27.5  # one honest but late submission
    people[-1].kind, people[-1].overrides, people[-1].bugs = "reference", {}, []
    return people


def _defined_names(code: str) -> set[str]:
    return {n.name for n in ast.parse(code).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def answer_code(info: AssignmentInfo, module: str, overrides: dict[str, str]) -> str:
    """The code this student writes in the solution cell of ``module``."""
    code = module_code(info, module)
    names = _defined_names(code)
    mine = {k: v for k, v in overrides.items() if k.split(".")[0] in names}
    return apply_overrides(code, mine) if mine else code


def fill_solutions(info: AssignmentInfo, cells: list[dict], overrides: dict[str, str]) -> None:
    """Write this student's code into every solution cell (``grade_id`` ``solution_<module>``)."""
    for cell in cells:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("solution_"):
            cell["source"] = answer_code(info, grade_id.removeprefix("solution_"), overrides)


def answer_notebook(info: AssignmentInfo, path, persona: Persona) -> None:
    """Turn the fetched student notebook at ``path`` into this persona's submission."""
    if persona.kind == "corrupted":
        path.write_text('{"cells": [ this is not json', encoding="utf-8")
        return
    nb = nbformat.read(str(path), as_version=4)
    if persona.kind != "blank":
        fill_solutions(info, nb["cells"], persona.overrides)
    if persona.kind == "endless":
        nb.cells.append(nbformat.v4.new_code_cell("# keep training forever\nwhile True:\n    pass\n"))
    first, last = list(info.cells)[0], list(info.cells)[-1]
    if persona.kind == "duplicated_cell":
        copy = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == first)
        nb.cells.append(nbformat.from_dict(dict(copy, id="copied-cell")))
    if persona.kind == "deleted_cell":
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != last]
    nbformat.write(nb, str(path))
