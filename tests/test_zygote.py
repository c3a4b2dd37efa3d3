"""The warm sandbox: one zygote per kind of assignment, a fresh forked process per submission.

Real bwrap throughout. Wall times are printed (run with -s), never asserted: the assertions are
about behaviour and isolation.
"""
import contextlib
import os
import signal
import threading
import time

import pytest

from autograder.sandbox import proxy
from autograder.sandbox.bwrap import Limits
from autograder.sandbox.proxy import Sandbox, SandboxDied, SandboxStudent, prestart
from autograder.student import StudentError

TORCH_PROBE = '''
import sys
LOADED_BEFORE_ANY_CELL = "torch" in sys.modules   # the student's first cell has not imported it

def torch_was_loaded():
    return LOADED_BEFORE_ANY_CELL

def train():
    import torch
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(16, 3, dtype=torch.float64)
    for _ in range(3):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
    return {"loss": loss, "weight": model.weight}
'''

LITTER = '''
import ctypes, os, subprocess
import numpy as np

def litter():
    open("/tmp/x", "w").write("left for the next submission")
    os.makedirs("/tmp/locked/inner")
    open("/tmp/locked/inner/y", "w").write("y")
    os.chmod("/tmp/locked/inner", 0)
    os.chmod("/tmp/locked", 0)
    daemon = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    orphan = subprocess.run(["sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True)
    libc = ctypes.CDLL(None, use_errno=True)
    shm = libc.shmget(0, 4096, 0o1600)   # IPC_PRIVATE, IPC_CREAT | 0600
    open("/dev/mqueue/q", "w").close()   # a POSIX message queue
    return [daemon.pid, int(orphan.stdout)], shm

def look(pids):
    with open("/proc/sysvipc/shm") as fh:
        segments = fh.readlines()[1:]
    alive = [p for p in pids if os.path.exists(f"/proc/{p}")]
    return {"tmp": os.listdir("/tmp"), "mqueue": os.listdir("/dev/mqueue"), "shm": len(segments),
            "alive": alive, "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}

def draw():
    return float(np.random.rand())

def hang():
    while True:
        pass

def ping():
    return os.getpid()
'''

SPY = '''
import ctypes, os, signal

def spy():
    out = {"ppid": os.getppid()}
    for what in ("mem", "environ", "maps"):
        try:
            with open(f"/proc/{os.getppid()}/{what}", "rb") as fh:
                fh.read(1)
            out[what] = "read"
        except OSError as exc:
            out[what] = type(exc).__name__
    libc = ctypes.CDLL(None, use_errno=True)
    out["ptrace_attach"] = libc.ptrace(16, os.getppid(), None, None)   # PTRACE_ATTACH
    out["ptrace_seize"] = libc.ptrace(0x4206, os.getppid(), None, None)  # PTRACE_SEIZE
    return out

def kill_zygote():
    for sig in (signal.SIGSTOP, signal.SIGKILL, signal.SIGTERM):
        for pid in (os.getppid(), 1):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    return "still here"

def ping():
    return os.getpid()
'''


def started(cells, **kwargs):
    sandbox = Sandbox(cells, cell_timeout=30, **kwargs)
    sandbox.start()
    return sandbox, SandboxStudent(sandbox)


def zygote_pid(sandbox) -> int:
    """The zygote's pid on this machine: bwrap's only child (it is pid 1 inside)."""
    bwrap_pid = sandbox.zygote.proc.pid
    with open(f"/proc/{bwrap_pid}/task/{bwrap_pid}/children") as fh:
        (child,) = fh.read().split()
    return int(child)


class Alarm(BaseException):
    pass


@contextlib.contextmanager
def abandoned_after(seconds: float):
    """The grader's per-test time limit: the call inside is interrupted after ``seconds``."""
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with pytest.raises(Alarm):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def on_alarm(signum, frame):
    raise Alarm()


def test_torch_preamble_is_loaded_before_the_first_cell_and_a_warm_start_is_a_fork():
    prestart(preamble="torch")
    started_at = time.perf_counter()
    first, student = started([TORCH_PROBE], preamble="torch")
    cold = time.perf_counter() - started_at
    assert student.torch_was_loaded() is True
    result = student.train()
    assert result["loss"].dtype == "float64" and result["weight"].shape == (1, 3)
    first.stop()
    warm, zygotes = [], set()
    for _ in range(5):
        started_at = time.perf_counter()
        sandbox, student = started(["def ready():\n    return 1\n"], preamble="torch")
        assert student.ready() == 1
        warm.append(time.perf_counter() - started_at)
        zygotes.add(sandbox.zygote.proc.pid)
        sandbox.stop()
    assert len(zygotes) == 1
    print(f"\ntorch sandbox: first (zygote warming) {cold * 1000:.0f} ms, "
          f"warm start + trivial call {sorted(warm)[2] * 1000:.1f} ms (median of 5)")


def test_a_submission_finds_nothing_of_the_one_before():
    one, student = started([LITTER])
    pids, shm = student.litter()
    assert shm >= 0
    assert student.look(pids)["alive"] == pids  # the daemons run while their submission does
    draw_one = student.draw()
    zygote = one.zygote.proc.pid
    one.stop()

    two, student = started([LITTER])
    assert two.zygote.proc.pid == zygote  # the same warm sandbox, a new child
    seen = student.look(pids)
    assert seen["tmp"] == [] and seen["mqueue"] == [] and seen["shm"] == 0
    assert seen["alive"] == [] and seen["processes"] == [1, student.ping()]
    assert student.draw() != draw_one  # fresh entropy, not the zygote's random state
    two.stop()


def test_a_child_cannot_trace_read_or_kill_its_zygote():
    sandbox, student = started([SPY])
    zygote = sandbox.zygote.proc.pid
    found = student.spy()
    assert found["ppid"] == 1
    assert found["mem"] == found["environ"] == found["maps"] == "PermissionError"
    assert found["ptrace_attach"] == -1 and found["ptrace_seize"] == -1
    assert student.kill_zygote() == "still here"
    pid = student.ping()
    sandbox.stop()
    again, student = started([SPY])
    assert again.zygote.proc.pid == zygote and student.ping() != pid
    again.stop()


def test_a_hung_call_abandoned_by_its_time_limit_costs_only_that_call():
    sandbox, student = started([LITTER])
    zygote, before = sandbox.zygote.proc.pid, student.ping()
    with abandoned_after(0.5):
        student.hang()
    assert not sandbox.alive()
    assert student.ping() != before  # the notebook re-run in a fresh child of the same zygote
    assert sandbox.zygote.proc.pid == zygote and sandbox.starts == 2
    sandbox.stop()


def test_a_zygote_that_dies_or_freezes_costs_only_the_submission_it_served():
    # Students cannot reach it (see above); a crash or a wedged zygote still must not spread.
    sandbox, student = started([LITTER])
    threading.Timer(0.3, os.kill, (zygote_pid(sandbox), signal.SIGKILL)).start()
    with pytest.raises(SandboxDied):
        student.hang()  # the call it was serving fails
    assert isinstance(student.ping(), int)  # the next test of that submission gets a new sandbox
    assert sandbox.starts == 2
    os.kill(zygote_pid(sandbox), signal.SIGKILL)
    sandbox.zygote.proc.wait(timeout=10)
    assert isinstance(student.ping(), int) and sandbox.starts == 3  # between calls: a quiet restart
    sandbox.stop()

    sandbox, student = started([LITTER])
    os.kill(zygote_pid(sandbox), signal.SIGSTOP)
    stopped_at = time.perf_counter()
    sandbox.stop()  # no answer to the kill request: the whole bwrap sandbox is killed
    assert time.perf_counter() - stopped_at < proxy.KILL_TIMEOUT + 2

    after, student = started([LITTER])
    assert isinstance(student.ping(), int)
    after.stop()


def test_objects_of_a_child_that_died_are_lost_not_confused_with_the_next():
    sandbox, student = started(["class Box:\n    pass\n", LITTER])
    box = student.Box()
    with abandoned_after(0.3):
        student.hang()
    with pytest.raises(StudentError, match="lost"):
        box.anything
    sandbox.stop()


def test_each_submission_gets_its_own_limits_from_the_same_zygote():
    probe = "import resource\ndef memory():\n    return resource.getrlimit(resource.RLIMIT_AS)[0]\n"
    small, student = started([probe], limits=Limits(memory_bytes=1 << 30))
    zygote = small.zygote.proc.pid
    assert student.memory() == 1 << 30
    small.stop()
    large, student = started([probe], limits=Limits(memory_bytes=3 << 30))
    assert large.zygote.proc.pid == zygote and student.memory() == 3 << 30
    large.stop()
