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

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.fatal:
            raise SandboxDied(self.fatal)
        if self.starts > MAX_RESTARTS:
            raise SandboxDied(f"the submission's process crashed {MAX_RESTARTS} times; no further tests are run")
        self.starts += 1
        to_host, from_us = os.pipe()
        to_us, from_host = os.pipe()
        cmd = bwrap.command(to_host, from_host, bwrap.sandbox_uid(), self.limits)
        self.proc = subprocess.Popen(cmd, pass_fds=(to_host, from_host), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=lambda: bwrap.apply_limits(self.limits))
        os.close(to_host)
        os.close(from_host)
        self.wfd, self.rfd = from_us, to_us
        try:
            problems = self._request({"op": "load", "cells": self.cells, "cell_timeout": self.cell_timeout})
        except SandboxDied as exc:
            self.fatal = f"the notebook's code ended its own process while loading ({exc})"
            raise SandboxDied(self.fatal) from None
        if self.starts == 1:
            self.load_problems = [str(p) for p in problems] if isinstance(problems, list) else []

    def stop(self) -> None:
        if self.proc is None:
            return
        for fd in (self.wfd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.proc = None

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
