"""The trusted side of the sandbox: the hidden tests' ``student`` object, backed by bwrap.

``student.relu(x)`` sends the name and the arguments to the sandboxed process and brings back
plain data; objects stay inside and are reached through handles. A call that hangs is cut off by
the test's own time limit, a call that kills the process costs that test: the process is started
again (the notebook re-run) for the next test, a bounded number of times.
"""
from __future__ import annotations

import os
import signal
import subprocess
import warnings

from ..student import StudentError
from . import bwrap, wire

MAX_RESTARTS = 8
_spare: tuple[subprocess.Popen, int, int] | None = None  # a started, not yet loaded, sandbox


def _spawn(limits: bwrap.Limits) -> tuple[subprocess.Popen, int, int]:
    """Start a sandboxed host (bwrap, Python, numpy imported); returns it with our pipe ends."""
    to_host, from_us = os.pipe()
    to_us, from_host = os.pipe()
    cmd = bwrap.command(to_host, from_host, bwrap.sandbox_uid(), limits)
    proc = subprocess.Popen(cmd, pass_fds=(to_host, from_host), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=lambda: bwrap.apply_limits(limits))
    os.close(to_host)
    os.close(from_host)
    return proc, from_us, to_us


def prestart(limits: bwrap.Limits = bwrap.Limits()) -> None:
    """Start the next submission's sandbox now, while this process waits for its next job."""
    global _spare
    if _spare is None or _spare[0].poll() is not None:
        _spare = _spawn(limits)


def _take_spare(limits: bwrap.Limits) -> tuple[subprocess.Popen, int, int]:
    global _spare
    spare, _spare = _spare, None
    if spare is not None and spare[0].poll() is None and limits == bwrap.Limits():
        return spare
    if spare is not None:
        Sandbox._kill(*spare)
    return _spawn(limits)


class SandboxDied(StudentError):
    """The sandboxed process ended while it was working for us."""


class Sandbox:
    """One sandboxed student process that has run the notebook's cells."""

    def __init__(self, cells: list[str], cell_timeout: float, limits: bwrap.Limits = bwrap.Limits()):
        self.cells, self.cell_timeout, self.limits = cells, cell_timeout, limits
        self.proc: subprocess.Popen | None = None
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
            raise SandboxDied(f"the submission's process crashed {MAX_RESTARTS} times; no further tests are run")
        self.starts += 1
        self._busy = 0.0
        self.proc, self.wfd, self.rfd = _take_spare(self.limits)
        try:
            problems = self._request({"op": "load", "cells": self.cells, "cell_timeout": self.cell_timeout})
        except SandboxDied as exc:
            self.fatal = f"the notebook's code ended its own process while loading ({exc})"
            raise SandboxDied(self.fatal) from None
        if self.starts == 1:
            self.load_problems = [str(p) for p in problems] if isinstance(problems, list) else []

    def stop(self) -> None:
        if self.proc is not None:
            self._kill(self.proc, self.wfd, self.rfd)
            self.proc = None

    @staticmethod
    def _kill(proc: subprocess.Popen, *fds: int) -> None:
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- requests -----------------------------------------------------------------------------
    def request(self, message: dict):
        if not self.alive():
            self.stop()
            self.start()
        return self._request(message)

    def _request(self, message: dict):
        try:
            wire.write_frame(self.wfd, message, self._outgoing)
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
        proc = self.proc
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
        self.stop()
        if code is not None and code < 0:
            return f"the student process was killed by {signal.Signals(-code).name}"
        if code is not None and code > 128 and code - 128 in signal.valid_signals():
            return f"the student process was killed by {signal.Signals(code - 128).name} (out of memory or a crash?)"
        return f"the student process ended (exit status {code})"

    def _outgoing(self, value):
        if isinstance(value, RemoteObject):
            return {"__obj__": [object.__getattribute__(value, "_key"), ""]}
        raise wire.WireError(f"cannot send a {type(value).__name__} to student code")

    def _incoming(self, tag, body):
        if tag == "__obj__":
            return RemoteObject(self, int(body[0]), str(body[1]), self.starts)
        raise wire.WireError(f"unexpected tag {tag!r}")


class RemoteFunction:
    def __init__(self, sandbox: Sandbox, target, label: str):
        self._sandbox, self._target, self._label = sandbox, target, label

    def __call__(self, *args, **kwargs):
        return self._sandbox.request({"op": "call", "target": self._target, "args": list(args), "kwargs": kwargs})


class RemoteObject:
    """A handle on an object inside the sandbox (a student's ``Linear``)."""

    def __init__(self, sandbox: Sandbox, key: int, type_name: str, generation: int):
        for name, value in (("_sandbox", sandbox), ("_key", key), ("_type", type_name), ("_gen", generation)):
            object.__setattr__(self, name, value)

    def _check(self):
        sandbox = object.__getattribute__(self, "_sandbox")
        if sandbox.starts != object.__getattribute__(self, "_gen") or not sandbox.alive():
            raise StudentError("this object was lost when the student process crashed")
        return sandbox

    def __getattr__(self, name):
        sandbox = self._check()
        key, type_name = object.__getattribute__(self, "_key"), object.__getattribute__(self, "_type")
        value = sandbox.request({"op": "getattr", "obj": key, "name": name})
        if isinstance(value, dict) and set(value) == {"__callable__"}:
            return RemoteFunction(sandbox, [key, name], f"{type_name}.{name}")
        return value

    def __setattr__(self, name, value):
        self._check().request({"op": "setattr", "obj": object.__getattribute__(self, "_key"),
                               "name": name, "value": value})

    def __repr__(self):
        return f"<student object {object.__getattribute__(self, '_type')}>"


class SandboxStudent:
    """Same face as :class:`autograder.student.Student`, with the code in a sandbox."""

    def __init__(self, sandbox: Sandbox):
        self._sandbox = sandbox

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._sandbox, name, name)
