"""Hostile submissions, graded together in one batch beside honest ones.

Each entry is a notebook and the verdict it must get: zero, or only what it honestly earned, with a
clear reason; and the honest submissions in the same batch are unaffected.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from autograder.batch import Submission, grade_all
from autograder.job import Limits
from submissions import reference_source, stub_source, write_notebook
from autograder.variants import apply_overrides

REPO = Path(__file__).resolve().parents[1]
R, S = reference_source(), stub_source()


def override(base: str, name: str, body: str) -> str:
    return apply_overrides(base, {name: body})


def failing(result, fragment: str) -> list:
    return [t for t in result.tests if not t.passed and fragment in t.message]


class Listener:
    """A trusted TCP listener on the host's loopback: sandboxed code must never reach it."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def corpus(port: int) -> dict[str, list[str]]:
    return {
        "honest_1": [R],
        "endless_function": [override(R, "sigmoid", "def sigmoid(x):\n    while True:\n        pass\n")],
        "endless_top_level": [R, "while True:\n    pass\n"],
        "sleep_past_limit": [override(R, "relu", "def relu(x):\n    import time\n    time.sleep(3600)\n")],
        "memory_bomb_cell": [R, "blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 28))\n"],
        "memory_bomb_call": [override(R, "tanh", "def tanh(x):\n    return np.ones(1 << 38) + x.sum()\n")],
        "fork_bomb": [R, "import os\nwhile True:\n    os.fork()\n"],
        "sys_exit": ["import sys\nsys.exit(0)\n", S],
        "os_exit": ["import os\nos._exit(0)\n", R],
        "segfault": [override(R, "relu", "def relu(x):\n    import ctypes\n    return ctypes.string_at(0)\n")],
        "monkeypatch": [S, "import builtins, numpy as np\nnp.allclose = lambda *a, **k: True\n"
                           "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                           "np.testing.assert_allclose = lambda *a, **k: None\n"
                           "builtins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"],
        "read_graders": [S, "import glob, os\nstolen = {}\n"
                            "for pattern in ['/**/reference/**/*.py', '/**/autograder/**/*.py', '/**/gradebook.db',"
                            " '/work/**/*.py', '/root/**']:\n"
                            "    for path in glob.glob(pattern, recursive=True)[:50]:\n"
                            "        try:\n            stolen[path] = open(path).read()\n"
                            "        except Exception:\n            pass\n"
                            "for source in stolen.values():\n"
                            "    try:\n        exec(source)\n    except Exception:\n        pass\n"],
        "fake_results": [S, "import json\nfake = {'score': 10, 'max_score': 10, 'error': None, 'tests': []}\n"
                            "print(json.dumps(fake))\nopen('results.json', 'w').write(json.dumps(fake))\n"
                            "open('/tmp/result.json', 'w').write(json.dumps(fake))\n"],
        "network": [override(R, "relu", f"def relu(x):\n    import socket\n"
                                         f"    socket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"
                                         f"    return np.maximum(x, 0.0)\n")],
        "always_equal": [override(S, "sigmoid", "class AlwaysEqual:\n    def __eq__(self, o): return True\n"
                                              "    def __ne__(self, o): return False\n"
                                              "def sigmoid(x):\n    return AlwaysEqual()\n")],
        "ndarray_subclass": [override(S, "sigmoid", "class Liar(np.ndarray):\n"
                                                  "    def __eq__(self, o): return np.ones(np.shape(o), bool)\n"
                                                  "    def __sub__(self, o): return np.zeros(np.shape(o))\n"
                                                  "def sigmoid(x):\n    return np.zeros(np.shape(x)).view(Liar)\n")],
        "output_flood": [R, "import sys, os\nchunk = 'x' * (1 << 24)\nfor _ in range(64):\n"
                            "    sys.stdout.write(chunk)\n    os.write(2, chunk.encode())\n"],
        "delete_files": [R, "import shutil, os\nfor top in ['/sandbox', '/usr', '/tmp', '/work', os.path.expanduser('~')]:\n"
                            "    shutil.rmtree(top, ignore_errors=True)\n"],
        "kill_parent": [R, "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n"
                           "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"],
        "kill_own_group_in_call": [override(R, "relu", "def relu(x):\n    import os, signal\n"
                                                      "    os.killpg(0, signal.SIGKILL)\n")],
        "honest_2": [R],
    }


EXPECTATIONS = {
    "honest_1": lambda r: r.score == 10,
    "honest_2": lambda r: r.score == 10,
    "endless_function": lambda r: failing(r, "took longer") and 5 < r.score < 10,
    "endless_top_level": lambda r: r.score == 10 and any("was stopped after" in w for w in r.warnings),
    "sleep_past_limit": lambda r: failing(r, "took longer") and 5 < r.score < 10,
    # Stopped by the memory limit, or (on a loaded machine) by the cell's time limit first.
    "memory_bomb_cell": lambda r: r.score == 10 and any("MemoryError" in w or "was stopped" in w
                                                        for w in r.warnings),
    "memory_bomb_call": lambda r: failing(r, "MemoryError") and 5 < r.score < 10,
    "fork_bomb": lambda r: r.score == 10 and r.error is None,
    "sys_exit": lambda r: r.score == 0 and any("sys.exit" in w for w in r.warnings),
    "os_exit": lambda r: r.score == 0 and "ended its own process" in r.error,
    "segfault": lambda r: failing(r, "SIGSEGV") and 8 < r.score < 10,
    "monkeypatch": lambda r: r.score == 0,
    "read_graders": lambda r: r.score == 0,
    "fake_results": lambda r: r.score == 0,
    "network": lambda r: failing(r, "relu raised") and r.score < 10,
    "always_equal": lambda r: r.score == 0 and failing(r, "sigmoid"),
    "ndarray_subclass": lambda r: r.score == 0,
    "output_flood": lambda r: r.score == 10,
    "delete_files": lambda r: r.score == 10 and (REPO / "reference" / "a1_mlp" / "activations.py").is_file(),
    "kill_parent": lambda r: r.score == 10,
    "kill_own_group_in_call": lambda r: failing(r, "killed by") and 8 < r.score < 10,
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    listener = Listener()
    try:
        folder = tmp_path_factory.mktemp("hostile")
        entries = corpus(listener.port)
        jobs = [Submission(name, write_notebook(folder / name / "a1_mlp.ipynb", cells)) for name, cells in entries.items()]
        results = {r.student: r for r in grade_all("a1_mlp", jobs, workers=2,
                                                   limits=Limits(budget=120, test_timeout=5))}
    finally:
        listener.close()
    return results, listener.connections


def test_corpus_is_large_enough():
    assert len([n for n in EXPECTATIONS if not n.startswith("honest")]) >= 15
    assert set(EXPECTATIONS) == set(corpus(1))


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_hostile_submission_gets_its_verdict(verdicts, name):
    results, _ = verdicts
    result = results[name]
    failed = [(t.name, t.message[:120]) for t in result.tests if not t.passed][:8]
    assert EXPECTATIONS[name](result), (
        f"{name}: score {result.score}, error {result.error!r}, warnings {result.warnings}, failing {failed}")


def test_no_sandboxed_code_reached_the_hosts_network(verdicts):
    _, connections = verdicts
    assert connections == 0
