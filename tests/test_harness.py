"""The grader's harness: non-secret modules that drive student code from inside the sandbox.

``student.harness("graphs").run_program(program, inputs)`` runs ``graphs.run_program(submission,
program, inputs)`` next to the student's code, in one round trip, and only plain data comes back.
"""
import textwrap

import numpy as np
import pytest

from autograder.sandbox.host import Host
from autograder.sandbox.proxy import Sandbox, SandboxStudent
from autograder.student import Student, StudentError

GRAPHS = '''
"""Evaluate a small expression program with the student's Tensor, operators and all."""
import operator

OPS = {"add": operator.add, "radd": operator.add, "mul": operator.mul, "rmul": operator.mul}


def run_program(submission, program, inputs):
    env = {name: submission.Tensor(value) for name, value in inputs.items()}

    def value(v):
        return env[v] if isinstance(v, str) else v

    for out, op, x, y in program:
        env[out] = OPS[op](value(x), value(y))
    result = env[program[-1][0]]
    result.backward()
    return {"value": result.data, "grads": {name: env[name].grad for name in inputs}}


def torch_forward(submission, x):
    import torch
    model = submission.make_model()
    out = model(torch.as_tensor(x))
    return {"out": out, "weight": model.weight, "bias": model.bias, "norm": out.norm(), "dims": out.shape}
'''

TENSOR = '''
import numpy as np
CALLS = []

class Tensor:
    def __init__(self, data, parents=()):
        self.data = np.asarray(data, dtype=float)
        self.grad = np.zeros_like(self.data)
        self._parents, self._back = parents, lambda g: None

    def _wrap(self, other):
        return other if isinstance(other, Tensor) else Tensor(other)

    def _add(self, other):
        other = self._wrap(other)
        out = Tensor(self.data + other.data, (self, other))
        def back(g):
            self.grad = self.grad + g
            other.grad = other.grad + g
        out._back = back
        return out

    def _mul(self, other):
        other = self._wrap(other)
        out = Tensor(self.data * other.data, (self, other))
        def back(g):
            self.grad = self.grad + g * other.data
            other.grad = other.grad + g * self.data
        out._back = back
        return out

    def __add__(self, other):
        CALLS.append("__add__")
        return self._add(other)

    def __radd__(self, other):
        CALLS.append("__radd__")
        return self._add(other)

    def __mul__(self, other):
        CALLS.append("__mul__")
        return self._mul(other)

    def __rmul__(self, other):
        CALLS.append("__rmul__")
        return self._mul(other)

    def backward(self):
        order, seen = [], set()
        def visit(t):
            if id(t) not in seen:
                seen.add(id(t))
                for p in t._parents:
                    visit(p)
                order.append(t)
        visit(self)
        self.grad = np.ones_like(self.data)
        for t in reversed(order):
            t._back(t.grad)

def calls():
    return list(CALLS)
'''

TORCH_MODEL = '''
import torch

def make_model():
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2).double()
'''

# 3a * 2 + 1, then times 3: one program, one round trip.
PROGRAM = [("t0", "mul", "a", 2.0), ("t1", "radd", 1.0, "t0"), ("t2", "rmul", 3.0, "t1")]


@pytest.fixture
def harness(tmp_path):
    folder = tmp_path / "a9_autograd" / "harness"
    folder.mkdir(parents=True)
    (folder / "graphs.py").write_text(GRAPHS)
    (tmp_path / "a9_autograd" / "test_hidden.py").write_text("EXPECTED = 42\n")  # beside it, never bound
    return folder


def started(cells, harness, **kwargs):
    sandbox = Sandbox(cells, cell_timeout=30, harness=harness, **kwargs)
    sandbox.start()
    return sandbox, SandboxStudent(sandbox)


def counted(sandbox):
    """Count the requests a sandbox is sent (round trips)."""
    sent = []
    request = sandbox.request
    sandbox.request = lambda message: (sent.append(message["op"]), request(message))[1]
    return sent


def test_one_round_trip_evaluates_a_program_through_the_students_operators(harness):
    sandbox, student = started([TENSOR], harness)
    try:
        sent = counted(sandbox)
        out = student.harness("graphs").run_program(PROGRAM, {"a": 1.5})
        assert sent == ["harness"]
        assert type(out["value"]) is np.ndarray and out["value"] == pytest.approx(3 * (2 * 1.5 + 1))
        assert out["grads"]["a"] == pytest.approx(6.0)
        assert student.calls() == ["__mul__", "__radd__", "__rmul__"]  # 1.0 + t0 is t0.__radd__(1.0)
    finally:
        sandbox.stop()


def test_the_in_process_twin_has_the_same_face(harness):
    host = Host()
    assert host.load([TENSOR], cell_timeout=10) == []
    student = Student(host.module, harness=harness)
    out = student.harness("graphs").run_program(PROGRAM, {"a": 1.5})
    assert out["value"] == pytest.approx(12.0) and out["grads"]["a"] == pytest.approx(6.0)
    assert student.calls() == ["__mul__", "__radd__", "__rmul__"]


def test_torch_outputs_come_back_as_float64_arrays(harness):
    sandbox, student = started([TORCH_MODEL], harness, preamble="torch")
    try:
        x = np.arange(12.0).reshape(4, 3)
        out = student.harness("graphs").torch_forward(x)
        for name in ("out", "weight", "bias"):
            assert type(out[name]) is np.ndarray and out[name].dtype == np.float64
        assert np.allclose(out["out"], x @ out["weight"].T + out["bias"])
        assert out["norm"].shape == () and out["norm"] == pytest.approx(np.linalg.norm(out["out"]))
        assert out["dims"] == (4, 2)
    finally:
        sandbox.stop()


def test_a_student_error_inside_the_harness_names_the_students_function(harness):
    broken = TENSOR.replace("        CALLS.append(\"__radd__\")\n", "        CALLS.append(\"__radd__\")\n"
                                                                    "        raise ValueError(\"no radd yet\")\n")
    sandbox, student = started([broken], harness)
    try:
        with pytest.raises(StudentError, match=r"Tensor\.__radd__ raised ValueError: no radd yet"):
            student.harness("graphs").run_program(PROGRAM, {"a": 1.0})
        with pytest.raises(StudentError, match=r"graphs\.run_program raised KeyError"):
            student.harness("graphs").run_program([("t0", "pow", "a", 2.0)], {"a": 1.0})
        assert student.calls()[-1] == "__radd__"  # the process survived both
    finally:
        sandbox.stop()


HOSTILE = TENSOR + textwrap.dedent('''
    import os, sys, types

    # Plant a fake harness before the grader's first call, and try to change the real one.
    fake = types.ModuleType("graphs")
    fake.run_program = lambda *a, **k: {"value": 12.0, "grads": {"a": 6.0}}
    sys.modules["graphs"] = fake

    def tamper(hidden):
        found = {"listing": sorted(os.listdir("/sandbox/harness")),
                 "beside": os.path.exists(hidden) or os.path.exists("/sandbox/test_hidden.py")}
        for what, attempt in (
                ("write", lambda: open("/sandbox/harness/graphs.py", "w").write("def run_program(*a): return 0")),
                ("plant", lambda: open("/sandbox/harness/extra.py", "w").write("x = 1")),
                ("delete", lambda: os.remove("/sandbox/harness/graphs.py"))):
            try:
                attempt()
                found[what] = "done"
            except OSError as exc:
                found[what] = type(exc).__name__
        # The loaded harness is replaced in this process: later calls get the fake.
        sys.modules["graphs"].run_program = lambda *a, **k: {"value": 12.0, "grads": {"a": 6.0}}
        return found
''')


def test_a_submission_that_tampers_with_the_harness_only_fools_itself(harness):
    sandbox, student = started([HOSTILE], harness)
    try:
        first = student.harness("graphs").run_program(PROGRAM, {"a": 0.5})
        assert first["value"] == pytest.approx(6.0)  # the real harness ran, not the planted one
        found = student.tamper(str(harness.parent / "test_hidden.py"))
        assert found["listing"] == ["graphs.py"] and found["beside"] is False
        assert found["write"] == found["plant"] == found["delete"] == "OSError"  # EROFS: a read-only bind
        faked = student.harness("graphs").run_program(PROGRAM, {"a": 0.5})
        assert faked["value"] == 12.0  # fooled itself: graded against the trusted side's expectation
        zygote = sandbox.zygote.proc.pid
    finally:
        sandbox.stop()
    assert (harness / "graphs.py").read_text() == GRAPHS

    honest, student = started([TENSOR], harness)
    try:
        assert honest.zygote.proc.pid == zygote  # the same warm sandbox, a fresh child
        out = student.harness("graphs").run_program(PROGRAM, {"a": 0.5})
        assert out["value"] == pytest.approx(6.0) and out["grads"]["a"] == pytest.approx(6.0)
    finally:
        honest.stop()


MAPPED = "def halve(t, lr0):\n    if t < 0:\n        raise ValueError('t < 0')\n    return lr0 / 2 ** t\n"


def test_map_calls_one_function_over_many_argument_lists_in_both_faces(harness):
    sandbox, remote = started([MAPPED], harness)
    sent = counted(sandbox)
    try:
        host = Host()
        host.load([MAPPED], 5)
        for student in (remote, Student(host.module)):
            assert student.halve.map([(t, 1.0) for t in range(4)]) == [1.0, 0.5, 0.25, 0.125]
            with pytest.raises(StudentError, match="halve raised ValueError: t < 0"):
                student.halve.map([(0, 1.0), (-1, 1.0)])
        assert sent == ["map", "map"]  # one round trip for each list of calls
    finally:
        sandbox.stop()


def test_methods_come_with_the_handle_and_other_callables_are_looked_up_once(harness):
    source = ("import numpy as np\nclass Base:\n    def forward(self, x):\n        return 2 * x\n"
              "class Layer(Base):\n    def __init__(self):\n        self.act = np.tanh\n        self.W = 3.0\n")
    sandbox, student = started([source], harness)
    try:
        layer = student.Layer()
        sent = counted(sandbox)
        assert [layer.forward(k) for k in range(3)] == [0, 2, 4]  # a method of its class (a base's)
        assert sent == ["call", "call", "call"]
        assert [layer.act(0.0), layer.act(0.0)] == [0.0, 0.0] and layer.W == 3.0
        assert sent[3:] == ["getattr", "call", "call", "getattr"]
    finally:
        sandbox.stop()
