"""`dlgrade prove`: the proof that an assignment's graders are right both ways, as a command.

On the toy NumPy assignment (tests/toys.py) in a temporary root, with every mutant of its reference:
its hidden tests never call the helper `unit`, so that helper's mutants survive until they are
allow-listed with a reason."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from autograder import assignments
from autograder.variants.mutants import mutants
from grading.build import solution_source
from toys import write_numpy_toy

TOY = "toy_numpy"


@pytest.fixture
def root(tmp_path):
    write_numpy_toy(tmp_path, TOY)
    return tmp_path


def prove(root, *args) -> tuple[int, dict]:
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
               **{assignments.ROOTS_VARIABLE: str(root)})
    out = subprocess.run([sys.executable, "-m", "grading.cli", "prove", TOY, "--json", *args],
                         capture_output=True, text=True, env=env, timeout=600)
    return out.returncode, json.loads(out.stdout)


def test_mutants_change_one_place_compile_and_are_stable():
    source = "def f(x, k=2):\n    y = x * k + 1\n    return y.sum(axis=0) < 3\n"
    every = mutants(source, 100)
    assert len({m.id for m in every}) == len(every) > 5
    kinds = {m.id.split(":")[1] for m in every}
    assert {"binop", "constant", "axis", "compare", "argument", "drop"} <= kinds
    for m in every:
        assert ast.dump(ast.parse(m.source)) != ast.dump(ast.parse(source))
    assert [m.id for m in mutants(source, 4, seed=3)] == [m.id for m in mutants(source, 4, seed=3)]
    ignored = next(m for m in every if m.id == "f:argument:1")
    assert "x * 2 + 1" in ignored.source and "k" in ignored.description


def test_a_closure_is_mutated_as_part_of_the_method_that_defines_it():
    # An autograd operation's backward rule is a closure: its slips are the ones that matter most.
    source = ("class T:\n    def mul(self, o):\n        out = T()\n"
              "        def _backward():\n            self.g += o.v * out.g\n"
              "        out._backward = _backward\n        return out\n")
    ids = {m.id: m for m in mutants(source, 100, functions={"T.mul"})}
    assert "T.mul:binop:1" in ids and "o.v / out.g" in ids["T.mul:binop:1"].source
    assert not any(i.startswith("T._backward") for i in ids)


def test_prove_lists_survivors_and_an_allow_list_with_reasons_makes_it_ok(root):
    code, proof = prove(root, "--mutants", "50")
    assert code == 1 and proof["ok"] is False
    assert proof["reference"]["score"] == proof["reference"]["max_score"] == 2
    assert proof["buggy"] == {"total": 3, "missed": [], "unnamed": []}
    assert proof["correct"] == {"total": 1, "false_failures": []}
    assert proof["killed"] + len(proof["survivors"]) == proof["mutants"] >= 4
    survivors = {s["id"] for s in proof["survivors"]}
    assert survivors and all(s.startswith("unit:") for s in survivors)  # every other mutant is caught
    assert not any(m.startswith(("relu", "leaky_relu")) for m in survivors)  # given code is not mutated

    allow = root / "autograder" / TOY / "equivalent_mutants.toml"
    allow.write_text("[equivalent]\n" + "".join(f'"{s}" = "unit is a helper the graded API never exposes"\n'
                                                for s in sorted(survivors)), encoding="utf-8")
    code, proof = prove(root, "--mutants", "50")
    assert code == 0 and proof["ok"] is True
    assert all(s["allowed"] and s["reason"] for s in proof["survivors"])


def test_a_buggy_variant_that_keeps_full_marks_fails_the_proof(root):
    variants = root / "autograder" / TOY / "variants.py"
    variants.write_text(variants.read_text().replace(
        'BUGGY = {', 'BUGGY = {\n    "unit_unscaled": Variant({"unit": "def unit(x):\\n    return x\\n"}),'), encoding="utf-8")
    code, proof = prove(root)
    assert code == 1 and proof["buggy"]["missed"] == ["unit_unscaled"] and proof["mutants"] == 0


def test_a_hidden_test_that_passes_a_blank_solution_fails_the_proof(root):
    code, proof = prove(root)
    assert code == 0 and proof["blank_passes"] == []
    tests = root / "autograder" / TOY / "test_ops.py"
    tests.write_text(tests.read_text() + '''

@pytest.mark.grade(cell="test_norm", points=0.0)
def test_norm_never_mutates(student):
    try:
        student.norm(np.ones(2))
    except Exception:
        pass  # "its own test reports it": so this one passes stubs
''', encoding="utf-8")
    code, proof = prove(root)
    assert code == 1 and proof["blank_passes"] == ["test_norm_never_mutates"]


def test_the_reference_source_is_what_gets_mutated(root, monkeypatch):
    monkeypatch.setenv(assignments.ROOTS_VARIABLE, str(root))
    assert "def unit(" in solution_source(TOY)
