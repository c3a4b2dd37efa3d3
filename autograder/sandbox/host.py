"""Runs inside the sandbox: executes the student's cells and answers the grader's calls.

Started as ``python host.py CTRL_FD PREAMBLE`` it is the *zygote*: it runs the preamble once
(numpy, or torch with an optimizer built so torch._dynamo is imported), then, one submission at a
time, receives a fork request (the submission's resource limits, and two pipe fds) over the control
socket and forks a child that applies those limits and becomes a :class:`Host` serving the pipes. When the child ends,
or on a kill request, the zygote kills every other process of the sandbox and empties /tmp,
/dev/mqueue and SysV IPC, so a submission finds nothing of the one before. The zygote is the PID
namespace's init (bwrap --as-pid-1): the kernel drops SIGKILL and SIGSTOP sent to it from inside,
so a student's code can neither kill nor freeze it; it is not dumpable, so no ptrace, no
/proc/1/mem.

A Host sees no hidden test, no expected value and no caller frame: the grader sends a function
name and arguments, and gets plain data back (torch tensors as numpy copies). Standard output and
error go to /dev/null: nothing the student prints is ever read.
"""
import ctypes
import importlib.util
import inspect
import json
import operator
import os
import resource
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import types
import warnings

import numpy as np

try:
    from . import wire  # imported as autograder.sandbox.host (the unsandboxed path)
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import wire  # noqa: E402  (inside the sandbox, wire.py sits beside this file)

PREAMBLES = {
    "numpy": "",
    # Building an optimizer imports torch._dynamo (~1 s): paid once by the zygote, not per submission.
    "torch": "import torch\ntorch.set_num_threads(1)\ntorch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)\n",
}
HARNESS = "/sandbox/harness"
SCRATCH = ("/tmp", "/dev/shm", "/dev/mqueue")
BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul")
# What a handle's dunders ask for (student.operator_methods); evaluated here on the real objects.
OPERATORS = {name: getattr(operator, name)
             for name in BINARY + ("lt", "le", "gt", "ge", "neg", "pos", "abs", "getitem")}
OPERATORS.update(len=len, bool=operator.truth, float=float, int=int, iter=list)  # iter: all items in one reply
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4


class CellTimeout(BaseException):
    pass


class StudentRaised(Exception):
    """The student's code raised; the message says where and what."""


def tensor_as_array(value):
    """A torch tensor as a numpy copy of the same dtype; anything else unchanged. Never imports torch."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(value, torch.Tensor):
        return value
    tensor = value.detach().cpu()
    if tensor.dtype == torch.bfloat16:  # numpy has no bfloat16
        tensor = tensor.float()
    return tensor.numpy().copy()


def blame(exc: BaseException, label: str) -> str:
    """``Tensor.__radd__ raised ValueError: …``: the innermost student function in the traceback,
    else ``label`` (the harness function or operator that raised by itself)."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<cell "):
            label = code.co_qualname
        tb = tb.tb_next
    return f"{label} raised {type(exc).__name__}: {exc}"


class Harness:
    """The grader's harness modules (``<assignment>/harness/<name>.py``), each run once from its file.

    Loaded from the file rather than looked up in sys.modules, so a module the student planted
    under the same name is never the one called.
    """

    def __init__(self, folder: str | None):
        self.folder, self.modules = folder, {}

    def function(self, module: str, func: str):
        if not self.folder or not os.path.isdir(self.folder):
            raise LookupError("this assignment has no harness folder")
        if not module.isidentifier():
            raise LookupError(f"no harness module {module!r}")
        if module not in self.modules:
            spec = importlib.util.spec_from_file_location(module, os.path.join(self.folder, f"{module}.py"))
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[module] = loaded
            sys.path.insert(0, self.folder)  # only while it runs: for its imports of sibling modules
            try:
                spec.loader.exec_module(loaded)
            finally:
                sys.path.remove(self.folder)
            self.modules[module] = loaded
        return getattr(self.modules[module], func)


class Host:
    def __init__(self, harness: str | None = None):
        self.pid = os.getpid()
        self.module = types.ModuleType("submission")
        sys.modules["submission"] = self.module
        self.harness = Harness(harness)
        self.objects = {}
        self.warned = []
        self.busy = 0.0  # seconds spent in the student's code: cells and calls

    # -- values out: plain data, or a handle for anything else --------------------------------
    def handle(self, obj):
        """A handle names the methods its class defines, so the grader calls them without asking."""
        key = id(obj)
        self.objects[key] = obj
        return {"__obj__": [key, type(obj).__name__, methods_of(type(obj))]}

    def incoming(self, tag, body):
        if tag == "__obj__":
            return self.objects[int(body[0])]
        if tag == "__slice__":
            return slice(*body)
        raise wire.WireError(f"unexpected tag {tag!r}")

    # -- operations ---------------------------------------------------------------------------
    def load(self, cells, cell_timeout):
        def on_alarm(signum, frame):
            raise CellTimeout()

        problems = []
        for number, source in enumerate(cells, start=1):
            signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                exec(compile(source, f"<cell {number}>", "exec"), self.module.__dict__)
            except SystemExit:
                problems.append(f"cell {number} called sys.exit(); the cells after it were still run")
            except CellTimeout:
                problems.append(f"cell {number} was stopped after {cell_timeout:g} s (an endless loop, "
                                "or training left running?); the cells after it were still run")
            except BaseException as exc:  # noqa: BLE001 - every failure of student code is reported
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                where = f" (line {frame.lineno})" if frame.filename == f"<cell {number}>" else ""
                problems.append(f"cell {number} raised {type(exc).__name__}: {exc}{where}")
            finally:
                self.leave_if_forked()
                signal.setitimer(signal.ITIMER_REAL, 0)
        return problems

    def leave_if_forked(self):
        """A process the student's code forked must never answer the grader."""
        if os.getpid() != self.pid:
            os._exit(0)

    def resolve(self, target):
        if isinstance(target, str):
            value = self.module.__dict__.get(target)
            if value is None or not callable(value):
                raise StudentRaised(f"your notebook does not define `{target}`: "
                                  "check its spelling and that its cell runs")
            return value, target
        obj, name = self.objects[int(target[0])], target[1]
        return getattr(obj, name), f"{type(obj).__name__}.{name}"

    def serve(self, in_fd, out_fd):
        while True:
            try:
                request = wire.read_frame(in_fd, self.incoming)
            except EOFError:
                return
            started = time.perf_counter()
            try:
                self.warned = []
                value = self.dispatch(request)
                self.busy += time.perf_counter() - started
                reply = {"ok": True, "value": value, "busy": self.busy}
                if self.warned:
                    reply["warnings"] = self.warned
                wire.write_frame(out_fd, reply, self.handle, tensor_as_array)
                continue
            except SystemExit:
                reply = {"ok": False, "error": "called sys.exit()"}
            except StudentRaised as exc:
                reply = {"ok": False, "error": str(exc)[:2000]}
            except wire.WireError as exc:
                reply = {"ok": False, "error": f"returned something that is not plain data ({exc})"}
            except BaseException as exc:  # noqa: BLE001
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000]}
            if not reply["ok"]:
                self.busy += time.perf_counter() - started
                reply["busy"] = self.busy
            wire.write_frame(out_fd, reply)

    def run_student(self, thunk, describe):
        """Run student code (directly, through an operator or through the harness)."""
        try:
            # Floating-point warnings are part of the verdict (an overflowing sigmoid): record
            # them whatever np.seterr the student's code set, and send them along.
            with warnings.catch_warnings(record=True) as caught, \
                    np.errstate(over="warn", invalid="warn", divide="warn"):
                warnings.simplefilter("always")
                value = thunk()
            self.warned = [f"{w.category.__name__}: {w.message}" for w in caught
                           if issubclass(w.category, RuntimeWarning)][:5]
            return value
        except Exception as exc:
            raise StudentRaised(describe(exc)) from None
        finally:
            self.leave_if_forked()

    def dispatch(self, request):
        op = request["op"]
        if op == "load":
            return self.load(request["cells"], request["cell_timeout"])
        if op == "call":
            func, label = self.resolve(request["target"])
            args, kwargs = request["args"], request["kwargs"]
            return self.run_student(lambda: func(*args, **kwargs),
                                    lambda exc: f"{label} raised {type(exc).__name__}: {exc}")
        if op == "map":  # one request, one call per argument list: a schedule over t = 0..40
            func, label = self.resolve(request["target"])
            calls = request["calls"]
            return self.run_student(lambda: [func(*args) for args in calls],
                                    lambda exc: f"{label} raised {type(exc).__name__}: {exc}")
        if op == "operator":
            name, operands = request["name"], request["args"]
            return self.run_student(lambda: OPERATORS[name](*operands), lambda exc: blame(exc, f"operator {name}"))
        if op == "harness":
            label = f"{request['module']}.{request['func']}"
            func = self.harness.function(request["module"], request["func"])
            args, kwargs = request["args"], request["kwargs"]
            return self.run_student(lambda: func(self.module, *args, **kwargs), lambda exc: blame(exc, label))
        if op == "getattr":
            obj = self.objects[int(request["obj"])]
            value = getattr(obj, request["name"])
            if callable(value) and not isinstance(value, type) and not hasattr(value, "shape"):
                return {"__callable__": request["name"]}
            return value
        if op == "setattr":
            setattr(self.objects[int(request["obj"])], request["name"], request["value"])
            return None
        raise ValueError(f"unknown operation {op!r}")


def methods_of(cls) -> list[str]:
    """Public functions defined on ``cls`` and its bases (not their values: only the names)."""
    try:
        names = {n for klass in cls.__mro__[:-1] for n, v in vars(klass).items()
                 if not n.startswith("_") and inspect.isfunction(v)}
    except Exception:  # noqa: BLE001 - an exotic class: the grader asks per attribute instead
        return []
    return sorted(names)[:64]


# -- the zygote ------------------------------------------------------------------------------
def zygote(ctrl: socket.socket, preamble: str) -> None:
    """Run the preamble, then fork one child per request, cleaning the sandbox after each."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # children may not ptrace us or read /proc/1/mem
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with bwrap (setpriv's uid change cleared it)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    defaults = {}  # Python's own handlers, for the children; the zygote shrugs off children's signals
    for sig in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD}:
        try:
            defaults[sig] = signal.signal(sig, signal.SIG_IGN)
        except (OSError, ValueError):
            pass
    exec(PREAMBLES[preamble], {"__name__": "preamble"})
    while True:
        message, fds, _, _ = socket.recv_fds(ctrl, 4096, 2)
        if not message:
            return  # the grader is gone
        if not message.startswith(b"fork ") or len(fds) != 2:  # a late kill: its child is already gone
            for fd in fds:
                os.close(fd)
            continue
        rlimits = json.loads(message[5:])
        pid = os.fork()
        if pid == 0:
            child(ctrl, fds, rlimits, defaults, libc)
        for fd in fds:
            os.close(fd)
        ctrl.send(json.dumps({"forked": pid}).encode())
        ctrl.send(json.dumps({"done": wait_for(ctrl, pid)}).encode())
        try:  # before the next fork request is even read
            sweep()
            wipe(libc)
        except BaseException:  # noqa: BLE001 - a sandbox we cannot clean is not reused
            os._exit(1)


def child(ctrl, fds, rlimits, defaults, libc) -> None:
    """In the forked child: one submission's process, with its pipes and nothing else of the zygote's."""
    try:
        in_fd, out_fd = fds
        ctrl.close()
        for name in os.listdir("/proc/self/fd"):
            if int(name) not in (0, 1, 2, in_fd, out_fd):
                try:
                    os.close(int(name))
                except OSError:
                    pass
        os.setsid()
        for sig, handler in defaults.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        for name, value in rlimits.items():
            resource.setrlimit(getattr(resource, name), (value, value))
        for name in ("random", "numpy.random"):  # fresh entropy, as a new process would have
            if name in sys.modules:
                sys.modules[name].seed()
        Host(HARNESS if os.path.isdir(HARNESS) else None).serve(in_fd, out_fd)
    finally:
        os._exit(0)


def wait_for(ctrl: socket.socket, pid: int) -> int:
    """The child's exit code once it ends, or -SIGKILL at once on a kill request (sweep reaps it:
    the grader need not wait while the kernel tears down a big process)."""
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            if ctrl in select.select([ctrl, pidfd], [], [], 1.0)[0]:
                message, fds, _, _ = socket.recv_fds(ctrl, 64, 2)
                for fd in fds:
                    os.close(fd)
                os.kill(pid, signal.SIGKILL)
                if not message:  # the grader is gone; it kills the whole sandbox
                    os._exit(0)
                return -signal.SIGKILL
            while True:  # as init we also reap the student's orphans, every second at least
                reaped, status = os.waitpid(-1, os.WNOHANG)
                if reaped == pid:
                    return os.waitstatus_to_exitcode(status)
                if reaped == 0:
                    break
    finally:
        os.close(pidfd)


def sweep() -> None:
    """Kill every process of the sandbox but this one (its init), and reap them all."""
    for _ in range(100):
        try:
            os.kill(-1, signal.SIGKILL)  # forks are held off while this runs: nothing slips through
        except ProcessLookupError:
            return
        try:
            while True:
                os.waitpid(-1, 0)  # as init, every process left is ours to reap
        except ChildProcessError:
            pass
    raise RuntimeError("processes survive SIGKILL")


def wipe(libc) -> None:
    """Empty the writable folders and SysV IPC, whatever modes the student gave its files."""
    for top in SCRATCH:
        if not os.access(top, os.W_OK):
            continue
        for path, dirs, _ in os.walk(top):  # os.walk lists each folder after we made it ours again
            for name in dirs:
                if not os.path.islink(os.path.join(path, name)):
                    os.chmod(os.path.join(path, name), 0o700)
        for name in os.listdir(top):
            path = os.path.join(top, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        if os.listdir(top):
            raise RuntimeError(f"{top} is not empty")
    for kind, remove in (("shm", libc.shmctl), ("msg", libc.msgctl), ("sem", lambda i, cmd, _: libc.semctl(i, 0, cmd))):
        with open(f"/proc/sysvipc/{kind}") as listing:
            for line in listing.readlines()[1:]:
                remove(int(line.split()[1]), 0, None)  # 0 = IPC_RMID
        with open(f"/proc/sysvipc/{kind}") as listing:
            if len(listing.readlines()) > 1:
                raise RuntimeError(f"SysV {kind} left")


def main():
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    zygote(ctrl, sys.argv[2])
    os._exit(0)


if __name__ == "__main__":
    main()
