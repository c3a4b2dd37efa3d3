"""The bubblewrap command line and resource limits for one sandboxed student process.

Inside: a read-only /usr, the Python runtime and its site-packages (with dlgrade's own packages
masked), this folder's host and wire modules, an empty size-capped /tmp, no network, its own PID
namespace, and an unprivileged uid of its own when we are root. Nothing else of the machine: not
the course directory, the reference solutions, the hidden graders or other submissions.
"""
from __future__ import annotations

import os
import resource
import shutil
import site
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTALL_HINT = ("bubblewrap (bwrap) is not installed: install it with `sudo apt-get install bubblewrap`, "
                "or pass --unsandboxed-i-trust-every-submission to grade without a sandbox")
MASKED_PACKAGES = ("reference", "autograder", "grading", "assignments")


class SandboxUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 << 30
    cpu_seconds: int = 300
    processes: int = 64
    file_bytes: int = 16 << 20
    open_files: int = 256
    tmp_bytes: int = 64 << 20


def find_bwrap() -> str:
    path = shutil.which("bwrap")
    if not path:
        raise SandboxUnavailable(INSTALL_HINT)
    return path


def _site_packages() -> list[str]:
    paths = [p for p in site.getsitepackages() if os.path.isdir(p)]
    return list(dict.fromkeys(os.path.realpath(p) for p in paths))


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("lib", "lib64", "lib32", "bin", "sbin"):
        path = f"/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    return args


def command(in_fd: int, out_fd: int, uid: int | None, limits: Limits = Limits()) -> list[str]:
    """argv for the sandboxed host; ``uid`` is the unprivileged uid to run as (root only)."""
    prefix = os.path.realpath(sys.base_prefix)
    args = [find_bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if uid is None:
        args += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    args += _system_binds()
    args += ["--perms", "0755", "--dir", "/sandbox", "--ro-bind", prefix, "/sandbox/python"]
    pythonpath = []
    for i, path in enumerate(_site_packages()):
        target = f"/sandbox/site{i}"
        args += ["--ro-bind", path, target]
        for name in MASKED_PACKAGES:
            if os.path.isdir(os.path.join(path, name)):
                args += ["--tmpfs", f"{target}/{name}"]
        pythonpath.append(target)
    args += ["--perms", "0755", "--dir", "/sandbox/host",
             "--ro-bind", str(HERE / "host.py"), "/sandbox/host/host.py",
             "--ro-bind", str(HERE / "wire.py"), "/sandbox/host/wire.py",
             "--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp", "--chdir", "/tmp",
             "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin:/bin",
             "--setenv", "PYTHONPATH", ":".join(pythonpath), "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
             "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
             "--setenv", "MKL_NUM_THREADS", "1", "--setenv", "MPLBACKEND", "Agg"]
    if uid is not None:
        args += [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
                 "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    python = f"/sandbox/python/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    return args + [python, "-s", "/sandbox/host/host.py", str(in_fd), str(out_fd), str(limits.processes)]


def sandbox_uid() -> int | None:
    """An unprivileged uid for this worker's sandboxes, so process limits are per worker."""
    if os.geteuid() != 0:
        return None
    return 61000 + os.getpid() % 4000


def apply_limits(limits: Limits) -> None:
    """preexec_fn: a session of its own (to kill the whole group) and the resource limits."""
    os.setsid()
    for res, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_CPU, limits.cpu_seconds),
                       (resource.RLIMIT_FSIZE, limits.file_bytes), (resource.RLIMIT_NOFILE, limits.open_files),
                       (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(res, (value, value))
    if os.geteuid() == 0:  # counted per uid: only meaningful once setpriv drops to the sandbox uid
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    # Not root (a hub's grader account): host.py sets it inside the sandbox's own user namespace,
    # where the count is per sandbox rather than for every process of the grading account.
