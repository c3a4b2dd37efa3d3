"""What sandboxed student code can see and do, asked from inside the sandbox itself."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox.proxy import Sandbox, SandboxStudent
from autograder.sandbox.wire import WireError, decode, encode
from autograder.student import StudentError

REPO = Path(__file__).resolve().parents[1]

PROBE = '''
import os, socket, resource

def visible(paths):
    return [p for p in paths if os.path.exists(p)]

def readable(paths):
    out = []
    for p in paths:
        try:
            open(p).read(1)
            out.append(p)
        except Exception:
            pass
    return out

def can_write(path):
    try:
        with open(path, "w") as fh:
            fh.write("x")
        return True
    except OSError:
        return False

def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return "connected"
    except OSError as exc:
        return type(exc).__name__

def identity():
    return [os.getuid(), os.getgid(), os.getpid()]

def processes():
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())

def limit(name):
    return list(resource.getrlimit(getattr(resource, name)))

def big_file(n):
    with open("/tmp/big", "wb") as fh:
        fh.write(b"x" * n)
    return os.path.getsize("/tmp/big")
'''

SECRETS = [str(REPO / "reference" / "a1_mlp" / "activations.py"), str(REPO / "autograder" / "a1_mlp" / "test_linear.py"),
           str(REPO / "grading" / "gradebook.py"), "/work", "/root", "/etc/shadow", "/etc/passwd"]


@pytest.fixture(scope="module")
def probe():
    sandbox = Sandbox([PROBE], cell_timeout=10)
    sandbox.start()
    yield SandboxStudent(sandbox)
    sandbox.stop()


def test_instructor_files_are_invisible(probe):
    assert probe.visible(SECRETS) == []
    assert probe.readable(SECRETS) == []


def test_system_is_read_only_and_scratch_is_writable(probe):
    assert probe.can_write("/usr/lib/evil") is False
    assert probe.can_write("/sandbox/host/host.py") is False
    assert probe.can_write("/tmp/scratch") is True


def test_runs_as_an_unprivileged_user_in_its_own_pid_namespace(probe):
    uid, gid, pid = probe.identity()
    assert uid != 0 and gid != 0
    assert probe.processes() == [1, pid]  # its own PID namespace: the zygote (pid 1) and itself


def test_no_network(probe):
    with socket_listener() as port:
        assert probe.connect("127.0.0.1", port) != "connected"


def test_resource_limits_are_set(probe):
    assert probe.limit("RLIMIT_AS")[0] <= 4 << 30
    assert probe.limit("RLIMIT_NPROC")[0] <= 256
    assert probe.limit("RLIMIT_FSIZE")[0] <= 64 << 20
    with pytest.raises(StudentError, match="big_file raised"):
        probe.big_file(100 << 20)


def test_objects_stay_inside_and_only_data_comes_out():
    sandbox = Sandbox(["import numpy as np\nclass Box:\n    def __init__(self):\n        self.W = np.eye(2)\n"
                       "    def double(self):\n        return self.W * 2\n"], cell_timeout=10)
    sandbox.start()
    try:
        box = SandboxStudent(sandbox).Box()
        assert type(box.W) is np.ndarray and np.array_equal(box.double(), 2 * np.eye(2))
        box.W = np.ones((2, 2))
        assert np.array_equal(box.double(), 2 * np.ones((2, 2)))
    finally:
        sandbox.stop()


VALUE = """
import numpy as np
CALLS = []

class Value:
    def __init__(self, x):
        self.x = x
    def _of(self, o):
        return o.x if isinstance(o, Value) else o
    def __add__(self, o):
        CALLS.append("__add__"); return Value(self.x + self._of(o))
    def __radd__(self, o):
        CALLS.append("__radd__"); return Value(self._of(o) + self.x)
    def __mul__(self, o):
        CALLS.append("__mul__"); return Value(self.x * self._of(o))
    def __rmul__(self, o):
        CALLS.append("__rmul__"); return Value(self._of(o) * self.x)
    def __rsub__(self, o):
        CALLS.append("__rsub__"); return Value(self._of(o) - self.x)
    def __matmul__(self, o):
        return float(np.sum(self.x * o))
    def __neg__(self):
        return Value(-self.x)
    def __lt__(self, o):
        return self.x < self._of(o)
    def __float__(self):
        return float(self.x)
    def __len__(self):
        return 3
    def __iter__(self):
        return iter([1, 2.5, Value(7.0)])
    def __getitem__(self, key):
        return np.arange(10)[key]
    def __bool__(self):
        return self.x != 0
    def __call__(self, y):
        return self.x * y

def calls():
    return list(CALLS)
"""


@pytest.mark.parametrize("face", ["sandbox", "in-process"])
def test_operators_len_and_iteration_reach_the_students_objects(face):
    if face == "sandbox":
        sandbox = Sandbox([VALUE], cell_timeout=10)
        sandbox.start()
        student = SandboxStudent(sandbox)
    else:
        from autograder.sandbox.host import Host
        from autograder.student import Student
        host = Host()
        host.load([VALUE], cell_timeout=10)
        student, sandbox = Student(host.module), None
    try:
        a, b = student.Value(2.0), student.Value(3.0)
        assert (2 * a + b).x == 7.0 and (10 - a).x == 8.0 and (np.float64(2.0) * a).x == 4.0
        assert student.calls() == ["__rmul__", "__add__", "__rsub__", "__rmul__"]
        assert sum([a, b]).x == 5.0  # 0 + a is a.__radd__(0)
        assert (-a).x == -2.0 and (a < b) is True and float(a) == 2.0 and bool(student.Value(0.0)) is False
        assert a @ np.ones(3) == 6.0 and a(4.0) == 8.0
        assert len(a) == 3 and np.array_equal(a[2:5], [2, 3, 4]) and a[3] == 3
        items = list(a)
        assert items[:2] == [1, 2.5] and items[2].x == 7.0
        with pytest.raises(StudentError, match="operator truediv raised TypeError"):
            a / 2
    finally:
        if sandbox is not None:
            sandbox.stop()


def test_iteration_is_one_round_trip():
    sandbox = Sandbox([VALUE], cell_timeout=10)
    sandbox.start()
    try:
        value = SandboxStudent(sandbox).Value(1.0)
        sent = []
        request = sandbox.request
        sandbox.request = lambda message: (sent.append(message["op"]), request(message))[1]
        assert len([item for item in value]) == 3 and sent == ["operator"]  # (list() asks len() first)
    finally:
        sandbox.stop()


def test_wire_refuses_anything_but_numeric_data():
    header_and_blob = encode({"a": np.arange(3.0), "b": (1, 2.5, None, "s")})
    head = int.from_bytes(header_and_blob[:4], "big")
    value = decode(header_and_blob[8:8 + head], header_and_blob[8 + head:])
    assert np.array_equal(value["a"], [0, 1, 2]) and value["b"] == (1, 2.5, None, "s")
    with pytest.raises(WireError, match="not a plain numeric dtype"):
        decode(b'{"__nd__": ["|O", [1], 0, 8]}', b"\0" * 8)
    with pytest.raises(WireError, match="does not match"):
        decode(b'{"__nd__": ["<f8", [4], 0, 8]}', b"\0" * 8)
    with pytest.raises(WireError, match="out of bounds"):
        decode(b'{"__nd__": ["<f8", [1], 8, 8]}', b"\0" * 8)
    with pytest.raises(WireError):
        encode(object())


def test_without_bwrap_the_command_refuses_and_says_how_to_install(tmp_path):
    notebook = tmp_path / "a1_mlp.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))  # no /usr/bin: no bwrap
    proc = subprocess.run([sys.executable, "-m", "grading.cli", "grade-one", "a1_mlp", str(notebook)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 2
    assert "apt-get install bubblewrap" in proc.stderr and "--unsandboxed-i-trust-every-submission" in proc.stderr
    assert "Traceback" not in proc.stderr


class socket_listener:
    def __enter__(self):
        import socket
        self.sock = socket.create_server(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()
