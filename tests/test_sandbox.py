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
    assert pid < 10  # a fresh PID namespace: the host's processes are not there


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
