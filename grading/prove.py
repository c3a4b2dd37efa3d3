"""``dlgrade prove ASSIGNMENT``: the proof that an assignment's graders are right both ways.

In one batch, through the same sandboxed engine as ``autograde``:

* the reference solution gets full marks, with no error and no warning;
* a blank solution (every function and method of the reference a stub that raises
  NotImplementedError, as the released notebook has them) gets nothing: a test that passes stubs
  cannot fail;
* every buggy variant (``autograder/<id>/variants.py: BUGGY``) loses points, and where it names its
  mistake, a failing test's message says so;
* every correct variant (``CORRECT``) gets full marks;
* ``--mutants N`` mutants of the reference (:mod:`autograder.variants.mutants`) lose points, or are
  listed as survivors for review. A survivor that is equivalent to the reference goes in
  ``autograder/<id>/equivalent_mutants.toml`` with its reason (``"relu:constant:2" = "why"``).

``ok`` is true only when all of these hold for everything not on the allow-list.
"""
from __future__ import annotations

import ast
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm import tqdm

from autograder import assignments
from autograder.batch import Submission, grade_all
from autograder.variants import apply_overrides
from autograder.variants.mutants import mutants as make_mutants

from .build import cell_code, load_assignment, solution_source

ALLOW_LIST = "equivalent_mutants.toml"


@dataclass
class Proof:
    assignment: str
    reference: dict = field(default_factory=dict)  # score, max_score, error, warnings
    blank_passes: list[str] = field(default_factory=list)  # hidden tests a stub-only solution passes
    missed: list[str] = field(default_factory=list)  # buggy variants that kept full marks
    unnamed: list[str] = field(default_factory=list)  # caught, but no message names the mistake
    false_failures: list[str] = field(default_factory=list)  # correct variants that lost points
    buggy: int = 0
    correct: int = 0
    mutants: int = 0
    killed: int = 0
    survivors: list[dict] = field(default_factory=list)  # id, description, allowed, reason

    @property
    def ok(self) -> bool:
        ref = self.reference
        return (ref.get("error") is None and not ref.get("warnings") and ref.get("score") == ref.get("max_score")
                and not self.blank_passes and not self.missed and not self.unnamed and not self.false_failures
                and all(s["allowed"] for s in self.survivors))

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "ok": self.ok, "reference": self.reference,
                "blank_passes": self.blank_passes,
                "buggy": {"total": self.buggy, "missed": self.missed, "unnamed": self.unnamed},
                "correct": {"total": self.correct, "false_failures": self.false_failures},
                "mutants": self.mutants, "killed": self.killed, "survivors": self.survivors}


def allow_list(info: assignments.AssignmentInfo) -> dict[str, str]:
    """Equivalent mutants of the reference and why each is equivalent."""
    path = info.tests / ALLOW_LIST
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    reasons = {str(k): v for k, v in data.get("equivalent", {}).items()}
    empty = sorted(k for k, v in reasons.items() if not isinstance(v, str) or not v.strip())
    if empty:
        raise assignments.UnknownAssignment(f"{path}: give each equivalent mutant its reason: {', '.join(empty)}")
    return reasons


def stubbed(source: str) -> str:
    """``source`` with every function and method body replaced by ``raise NotImplementedError``."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Raise(ast.Call(ast.Name("NotImplementedError", ast.Load()), [], []))]
    return ast.unparse(ast.fix_missing_locations(tree))


def solution_functions(assignment_id: str) -> set[str]:
    """Qualified names of the functions the student writes (solution cells, not given ones)."""
    info, cells = load_assignment(assignment_id)
    names: set[str] = set()
    for cell in cells:
        if cell.kind != "solution":
            continue
        for node in ast.parse(cell_code(info, cell)).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.add(node.name)
            elif isinstance(node, ast.ClassDef):
                names |= {f"{node.name}.{f.name}" for f in node.body if isinstance(f, ast.FunctionDef)}
    return names


def grade_programs(assignment_id: str, programs: dict[str, str], workers: int | None = None,
                   progress: bool = False) -> dict:
    """Grade each program (a whole solution's source) as a submission, in one sandboxed batch: name → result."""
    info = assignments.load(assignment_id)
    results = {}
    with tempfile.TemporaryDirectory(prefix="dlgrade-prove-") as tmp:
        subs = []
        grade_cells = [nbformat.v4.new_code_cell("", metadata={"nbgrader": {  # as a submission has them
            "grade": True, "solution": False, "grade_id": cell, "points": points}}) for cell, points in info.cells.items()]
        for i, (name, code) in enumerate(programs.items()):
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(code), *grade_cells]
            path = Path(tmp) / f"{i:05d}.ipynb"
            nbformat.write(nb, str(path))
            subs.append(Submission(name, path))
        for result in tqdm(grade_all(assignment_id, subs, workers), total=len(subs), disable=not progress,
                           unit="program", desc=f"prove {assignment_id}"):
            results[result.student] = result
    return results


def prove(assignment_id: str, mutants: int = 0, seed: int = 0, workers: int | None = None,
          progress: bool = False) -> Proof:
    info = assignments.load(assignment_id)
    catalogue = assignments.variants(info)
    source = solution_source(assignment_id)
    programs = {"reference": source, "blank": stubbed(source)}
    programs |= {f"buggy:{name}": apply_overrides(source, v.overrides) for name, v in catalogue.BUGGY.items()}
    programs |= {f"correct:{name}": apply_overrides(source, o) for name, o in catalogue.CORRECT.items()}
    sample = make_mutants(source, mutants, seed, solution_functions(assignment_id)) if mutants else []
    programs |= {f"mutant:{m.id}": m.source for m in sample}

    results = grade_programs(assignment_id, programs, workers, progress)
    ref = results["reference"]
    proof = Proof(assignment_id, reference={"score": ref.score, "max_score": ref.max_score, "error": ref.error,
                                            "warnings": ref.warnings},
                  buggy=len(catalogue.BUGGY), correct=len(catalogue.CORRECT), mutants=len(sample))
    proof.blank_passes = sorted(t.name for t in results["blank"].tests if t.passed)
    for name, variant in sorted(catalogue.BUGGY.items()):
        r = results[f"buggy:{name}"]
        failing = [t.message.lower() for t in r.tests if not t.passed]
        if r.error is None and not failing:
            proof.missed.append(name)
        elif variant.mistake and r.error is None and not any(variant.mistake.lower() in m for m in failing):
            proof.unnamed.append(name)
    for name in sorted(catalogue.CORRECT):
        r = results[f"correct:{name}"]
        if r.error is not None or r.score != r.max_score:
            proof.false_failures.append(name)
    allowed = allow_list(info)
    for m in sample:
        r = results[f"mutant:{m.id}"]
        if r.error is not None or r.score < r.max_score:
            proof.killed += 1
        else:
            proof.survivors.append({"id": m.id, "description": m.description, "allowed": m.id in allowed,
                                    "reason": allowed.get(m.id)})
    return proof


def report(proof: Proof) -> str:
    """The proof for people: what holds, and what to look at."""
    ref = proof.reference
    lines = [f"{proof.assignment}: reference {ref['score']:g}/{ref['max_score']:g}"
             + (f" (error: {ref['error']})" if ref["error"] else "")
             + (f" (warnings: {'; '.join(ref['warnings'])})" if ref["warnings"] else ""),
             "blank solution: nothing passes" if not proof.blank_passes else
             f"BLANK SOLUTION PASSES (a test that cannot fail): {', '.join(proof.blank_passes)}",
             f"buggy variants caught: {proof.buggy - len(proof.missed)}/{proof.buggy}"
             + (f"; NOT CAUGHT: {', '.join(proof.missed)}" if proof.missed else "")
             + (f"; no message names the mistake: {', '.join(proof.unnamed)}" if proof.unnamed else ""),
             f"correct variants with full marks: {proof.correct - len(proof.false_failures)}/{proof.correct}"
             + (f"; FALSE FAILURES: {', '.join(proof.false_failures)}" if proof.false_failures else "")]
    if proof.mutants:
        rate = proof.killed / proof.mutants
        lines.append(f"mutants killed: {proof.killed}/{proof.mutants} ({rate:.0%})")
        for s in proof.survivors:
            why = f"equivalent: {s['reason']}" if s["allowed"] else "survived: add a check, or allow-list it with a reason"
            lines.append(f"  {s['id']}  {s['description']}  [{why}]")
    lines.append("ok" if proof.ok else f"NOT ok: see above; equivalent mutants go in autograder/{proof.assignment}/"
                                       f"{ALLOW_LIST} with a reason each")
    return "\n".join(lines)
