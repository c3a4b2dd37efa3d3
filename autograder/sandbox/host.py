"""Runs inside the sandbox: executes the student's cells and answers the grader's calls.

Started as ``python host.py IN_FD OUT_FD``. It sees no hidden test, no expected value and no
caller frame: the grader sends a function name and arguments, and gets plain data back. Standard
output and error go to /dev/null: nothing the student prints is ever read.
"""
import os
import resource
import signal
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


class CellTimeout(BaseException):
    pass


class StudentRaised(Exception):
    """The student's code raised; the message says where and what."""


class Host:
    def __init__(self):
        self.pid = os.getpid()
        self.module = types.ModuleType("submission")
        sys.modules["submission"] = self.module
        self.objects = {}
        self.warned = []
        self.busy = 0.0  # seconds spent in the student's code: cells and calls

    # -- values out: plain data, or a handle for anything else --------------------------------
    def handle(self, obj):
        key = id(obj)
        self.objects[key] = obj
        return {"__obj__": [key, type(obj).__name__]}

    def incoming(self, tag, body):
        if tag == "__obj__":
            return self.objects[int(body[0])]
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
                wire.write_frame(out_fd, reply, self.handle)
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

    def dispatch(self, request):
        op = request["op"]
        if op == "load":
            return self.load(request["cells"], request["cell_timeout"])
        if op == "call":
            func, label = self.resolve(request["target"])
            try:
                # Floating-point warnings are part of the verdict (an overflowing sigmoid): record
                # them whatever np.seterr the student's code set, and send them along.
                with warnings.catch_warnings(record=True) as caught, \
                        np.errstate(over="warn", invalid="warn", divide="warn"):
                    warnings.simplefilter("always")
                    value = func(*request["args"], **request["kwargs"])
                self.warned = [f"{w.category.__name__}: {w.message}" for w in caught
                               if issubclass(w.category, RuntimeWarning)][:5]
                return value
            except Exception as exc:
                raise StudentRaised(f"{label} raised {type(exc).__name__}: {exc}") from None
            finally:
                self.leave_if_forked()
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


def main():
    in_fd, out_fd, processes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    # In bwrap's user namespace the process count is this sandbox's own (see bwrap.apply_limits).
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    Host().serve(in_fd, out_fd)
    os._exit(0)


if __name__ == "__main__":
    main()
