"""The trusted side of the sandbox: the hidden tests' ``student`` object, backed by bwrap.

``student.relu(x)`` sends the name and the arguments to the sandboxed process and brings back
plain data (torch tensors as numpy arrays); other objects stay inside and are reached through
handles, whose operators (``2 * a``, ``len(a)``, ``a[i]``, ``for x in a``) run the student's
dunders inside. A call that hangs is cut off by the test's own time limit, a call that kills the
process costs that test: the process is started again (the notebook re-run) for the next test, a
bounded number of times.

For graders::

    sandbox = Sandbox(cells, cell_timeout, preamble="torch", harness=ROOT / "a2_autograd" / "harness")
    sandbox.start()
    student = SandboxStudent(sandbox)
    student.relu(x)
    student.harness("graphs").run_program(program, inputs)  # graphs.run_program(submission, program, inputs)
    sandbox.stop()
    prestart(preamble="torch", harness=...)  # while this process waits for its next job

``preamble`` is "numpy" (the default) or "torch" (torch imported, one thread, an optimizer built);
``harness`` is the assignment's harness folder, bound read-only at /sandbox/harness (a missing
folder is the same as none).

Each (preamble, harness, /tmp size) has a warm zygote: one long-lived bwrap sandbox whose host has
run the preamble and forks a fresh child per submission, which sets that submission's limits on
itself (host.py). A submission pays the fork (a few ms) instead of bwrap, Python, numpy and torch.
"""
from __future__ import annotations

import json
import operator
import os
import select
import signal
import socket
import subprocess
import warnings
from pathlib import Path

from ..student import StudentError, operator_methods
from . import bwrap, wire
from .host import PREAMBLES

MAX_RESTARTS = 24  # the budget bounds the time; this stops only a process that dies again and again
START_TIMEOUT = 120.0  # a cold zygote runs its preamble first (torch: seconds on a loaded machine)
KILL_TIMEOUT = 2.0  # a zygote slower than this to end its child is killed with its whole sandbox
MAX_IDLE = 2  # warm zygotes kept per worker process, for that many kinds of assignment
_idle: dict[tuple, Zygote] = {}


class SandboxDied(StudentError):
    """The sandboxed process ended while it was working for us."""


class ZygoteGone(Exception):
    pass


class Zygote:
    """A sandbox whose host forks one child per submission; at most one child at a time."""

    def __init__(self, key: tuple):
        self.key = key
        preamble, harness, tmp_bytes = key
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = bwrap.command(theirs.fileno(), bwrap.sandbox_uid(), tmp_bytes, preamble, harness)
        self.proc = subprocess.Popen(cmd, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)  # a group of its own, to kill it whole
        theirs.close()
        self.running = False  # a child is running
        self.broken = False  # the zygote died or talked nonsense: its sandbox is killed, never reused
        self.exit_code: int | None = None

    def fork(self, limits: bwrap.Limits) -> tuple[int, int]:
        """A fresh child under ``limits``: our ends of its request and reply pipes."""
        to_host, from_us = os.pipe()
        to_us, from_host = os.pipe()
        try:
            socket.send_fds(self.sock, [b"fork " + json.dumps(bwrap.rlimits(limits)).encode()], [to_host, from_host])
        except OSError:
            self.broken = True
        finally:
            os.close(to_host)
            os.close(from_host)
        message = None if self.broken else self._read(START_TIMEOUT)
        if not message or "forked" not in message:
            os.close(from_us)
            os.close(to_us)
            raise ZygoteGone()
        self.running, self.exit_code = True, None
        return from_us, to_us

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether the child has ended (its exit code then in ``exit_code``), waiting up to ``timeout``."""
        if self.running and not self.broken:
            message = self._read(timeout)
            if message and "done" in message:
                self.running, self.exit_code = False, message["done"]
        return not self.running

    def end_child(self) -> bool:
        """Kill the child if it still runs; whether the zygote answered that all is clean."""
        if self.running and not self.broken:
            try:
                self.sock.send(b"kill")
            except OSError:
                self.broken = True
            self.poll(KILL_TIMEOUT)
        return not self.running and not self.broken

    def _read(self, timeout: float) -> dict | None:
        if not select.select([self.sock], [], [], timeout)[0]:
            return None
        try:
            message = json.loads(self.sock.recv(256))  # any fds it sends along are dropped unopened
        except (OSError, ValueError):
            message = None
        if not (isinstance(message, dict) and len(message) == 1 and type(next(iter(message.values()))) is int):
            self.broken = True  # EOF (it died) or not one of its messages
            return None
        return message

    def alive(self) -> bool:
        return not self.broken and self.proc.poll() is None

    def close(self) -> None:
        self.sock.close()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


def _key(limits: bwrap.Limits, preamble: str, harness) -> tuple:
    """What a zygote's bwrap fixes at its start; the other limits are the child's, per submission."""
    if preamble not in PREAMBLES:
        raise ValueError(f"unknown preamble {preamble!r}: one of {', '.join(PREAMBLES)}")
    harness = Path(harness).resolve() if harness is not None and Path(harness).is_dir() else None
    return preamble, harness, limits.tmp_bytes


def _take(key: tuple) -> Zygote:
    zygote = _idle.pop(key, None)
    if zygote is not None and zygote.alive():
        return zygote
    if zygote is not None:
        zygote.close()
    return Zygote(key)


def _keep(zygote: Zygote) -> None:
    old = _idle.pop(zygote.key, None)
    if old is not None:
        old.close()
    _idle[zygote.key] = zygote
    while len(_idle) > MAX_IDLE:
        _idle.pop(next(iter(_idle))).close()


def prestart(limits: bwrap.Limits = bwrap.Limits(), preamble: str = "numpy", harness: Path | None = None) -> None:
    """Have a warm zygote for this kind of sandbox ready, while this process waits for its next job."""
    key = _key(limits, preamble, harness)
    if key not in _idle or not _idle[key].alive():
        _keep(Zygote(key))


class Sandbox:
    """One sandboxed student process that has run the notebook's cells."""

    def __init__(self, cells: list[str], cell_timeout: float, limits: bwrap.Limits = bwrap.Limits(),
                 preamble: str = "numpy", harness: Path | None = None):
        self.cells, self.cell_timeout, self.limits = cells, cell_timeout, limits
        self.key = _key(limits, preamble, harness)
        self.zygote: Zygote | None = None
        self.starts = 0
        self.load_problems: list[str] = []
        self.fatal: str | None = None  # set when the notebook cannot even be loaded
        self.student_seconds = 0.0  # time spent in the student's code, over every restart
        self._busy = 0.0

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.fatal:
            raise SandboxDied(self.fatal)
        if self.starts > MAX_RESTARTS:
            raise SandboxDied(f"the submission's process was stopped or crashed {MAX_RESTARTS} times; "
                              "no further tests are run")
        self.starts += 1
        self._busy = 0.0
        for _ in range(2):  # a zygote that died since its last child costs a fresh one, not the submission
            zygote = _take(self.key)
            try:
                self.wfd, self.rfd = zygote.fork(self.limits)
                self.zygote = zygote
                break
            except ZygoteGone:
                zygote.close()
            except BaseException:  # the time limit, while a cold zygote ran its preamble
                zygote.close()
                raise
        else:
            raise SandboxDied("the sandbox could not be started")
        try:
            problems = self._request({"op": "load", "cells": self.cells, "cell_timeout": self.cell_timeout})
        except SandboxDied as exc:
            self.fatal = f"the notebook's code ended its own process while loading ({exc})"
            raise SandboxDied(self.fatal) from None
        if self.starts == 1:
            self.load_problems = [str(p) for p in problems] if isinstance(problems, list) else []

    def stop(self) -> None:
        """End the child: its zygote goes back to the pool clean, or is killed with its sandbox."""
        zygote, self.zygote = self.zygote, None
        if zygote is None:
            return
        for fd in (self.wfd, self.rfd):
            os.close(fd)
        if zygote.end_child():
            _keep(zygote)
        else:  # the student killed or stopped it: this sandbox goes, a fresh one warms up for the next
            zygote.close()
            _keep(Zygote(zygote.key))

    def alive(self) -> bool:
        # A zygote that stopped answering may still have a serving child: the pipes will tell.
        return self.zygote is not None and self.zygote.proc.poll() is None and not self.zygote.poll()

    # -- requests -----------------------------------------------------------------------------
    def request(self, message: dict):
        if not self.alive():
            self.stop()
            self.start()
        return self._request(message)

    def _request(self, message: dict):
        frame = wire.encode(message, self._outgoing)  # the grader's own mistake: nothing sent, nothing lost
        try:
            wire.write_all(self.wfd, frame)
            reply = wire.read_frame(self.rfd, self._incoming)
        except (EOFError, BrokenPipeError, OSError):
            raise SandboxDied(self._death()) from None
        except wire.WireError as exc:
            self.stop()
            raise StudentError(f"sent something that is not plain data ({exc})") from None
        except BaseException:
            self.stop()  # interrupted mid-call (the test's time limit): the process is unusable
            raise
        if not isinstance(reply, dict) or "ok" not in reply:
            raise StudentError("the student process answered out of turn")
        busy = reply.get("busy")
        if isinstance(busy, float) and busy >= self._busy:
            self.student_seconds += busy - self._busy
            self._busy = busy
        if not reply["ok"]:
            raise StudentError(str(reply.get("error", "failed")))
        for text in reply.get("warnings") or []:
            # Re-raised here so that checks.call_without_fp_warnings sees them as in-process ones.
            warnings.warn(str(text).split(": ", 1)[-1], RuntimeWarning, stacklevel=2)
        return reply.get("value")

    def _death(self) -> str:
        code = self.zygote.exit_code if self.zygote is not None and self.zygote.poll(2.0) else None
        self.stop()
        if code is not None and -code in signal.valid_signals():
            return f"the student process was killed by {signal.Signals(-code).name} (out of memory or a crash?)"
        return f"the student process ended (exit status {code})"

    def _outgoing(self, value):
        if isinstance(value, RemoteObject):
            if (object.__getattribute__(value, "_sandbox") is not self
                    or object.__getattribute__(value, "_gen") != self.starts):
                raise StudentError("this object was lost when the student process crashed")
            return {"__obj__": [object.__getattribute__(value, "_key"), ""]}
        if isinstance(value, slice):
            parts = (value.start, value.stop, value.step)
            return {"__slice__": [None if v is None else operator.index(v) for v in parts]}
        raise wire.WireError(f"cannot send a {type(value).__name__} to student code")

    def _incoming(self, tag, body):
        if tag == "__obj__":
            handle = RemoteObject(self, int(body[0]), str(body[1]), self.starts)
            methods = object.__getattribute__(handle, "_methods")
            for name in (body[2] if len(body) > 2 and isinstance(body[2], list) else [])[:64]:
                if isinstance(name, str) and name.isidentifier():
                    methods[name] = RemoteFunction(self, [int(body[0]), name], f"{body[1]}.{name}")
            return handle
        raise wire.WireError(f"unexpected tag {tag!r}")


class RemoteFunction:
    def __init__(self, sandbox: Sandbox, target, label: str):
        self._sandbox, self._target, self._label = sandbox, target, label

    def __call__(self, *args, **kwargs):
        return self._sandbox.request({"op": "call", "target": self._target, "args": list(args), "kwargs": kwargs})

    def map(self, calls) -> list:
        """``[f(*args) for args in calls]`` in one round trip (a schedule over many t, say)."""
        return self._sandbox.request({"op": "map", "target": self._target, "calls": [list(a) for a in calls]})


class RemoteObject:
    """A handle on an object inside the sandbox (a student's ``Linear``)."""

    def __init__(self, sandbox: Sandbox, key: int, type_name: str, generation: int):
        for name, value in (("_sandbox", sandbox), ("_key", key), ("_type", type_name), ("_gen", generation),
                            ("_methods", {})):
            object.__setattr__(self, name, value)

    def _check(self):
        sandbox = object.__getattribute__(self, "_sandbox")
        if sandbox.starts != object.__getattribute__(self, "_gen") or not sandbox.alive():
            raise StudentError("this object was lost when the student process crashed")
        return sandbox

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # numpy's and copy's probes stay here
        sandbox = self._check()
        methods = object.__getattribute__(self, "_methods")
        if name in methods:  # the host resolves the name again at each call: a stale entry fails there
            return methods[name]
        key, type_name = object.__getattribute__(self, "_key"), object.__getattribute__(self, "_type")
        value = sandbox.request({"op": "getattr", "obj": key, "name": name})
        if isinstance(value, dict) and set(value) == {"__callable__"}:
            methods[name] = RemoteFunction(sandbox, [key, name], f"{type_name}.{name}")
            return methods[name]
        return value

    def __setattr__(self, name, value):
        object.__getattribute__(self, "_methods").pop(name, None)
        self._check().request({"op": "setattr", "obj": object.__getattribute__(self, "_key"),
                               "name": name, "value": value})

    def __call__(self, *args, **kwargs):
        sandbox, key = self._check(), object.__getattribute__(self, "_key")
        return RemoteFunction(sandbox, [key, "__call__"], "__call__")(*args, **kwargs)

    def __repr__(self):
        return f"<student object {object.__getattribute__(self, '_type')}>"


def _operator(handle: RemoteObject, name: str, operands: tuple):
    return handle._check().request({"op": "operator", "name": name, "args": list(operands)})


for _name, _method in operator_methods(_operator).items():
    setattr(RemoteObject, _name, _method)


class RemoteHarness:
    """``student.harness("graphs")``: its functions run inside the sandbox, the student's module first."""

    def __init__(self, sandbox: Sandbox, module: str):
        self._sandbox, self._module = sandbox, module

    def __getattr__(self, func):
        if func.startswith("__"):
            raise AttributeError(func)
        sandbox, module = self._sandbox, self._module
        return lambda *args, **kwargs: sandbox.request({"op": "harness", "module": module, "func": func,
                                                        "args": list(args), "kwargs": kwargs})


class SandboxStudent:
    """Same face as :class:`autograder.student.Student`, with the code in a sandbox."""

    def __init__(self, sandbox: Sandbox):
        self._sandbox = sandbox

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._sandbox, name, name)

    def harness(self, module: str) -> RemoteHarness:
        """The grader's ``harness/<module>.py`` inside the sandbox (see the module docstring)."""
        return RemoteHarness(self._sandbox, module)
