"""The bubblewrap command line for a sandbox, and the resource limits of each student process.

Inside: a read-only /usr, the Python runtime and its site-packages (with dlgrade's own packages
masked), this folder's host and wire modules, the assignment's harness folder (read-only, when it
has one), an empty size-capped /tmp, no network, its own PID namespace, and an unprivileged uid of
its own when we are root. Nothing else of the machine: not the course directory, the reference
solutions, the hidden graders or other submissions. The sandbox runs host.py's zygote, which forks
one child per submission; the child applies :func:`rlimits` to itself.
"""
from __future__ import annotations

import os
import shutil
import site
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import DlgradeError

HERE = Path(__file__).resolve().parent
INSTALL_HINT = ("bubblewrap (bwrap) is not installed: install it with `sudo apt-get install bubblewrap`, "
                "or pass --unsandboxed-i-trust-every-submission to grade without a sandbox")
MASKED_PACKAGES = ("reference", "autograder", "grading", "assignments")


class SandboxUnavailable(DlgradeError):
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


def command(ctrl_fd: int, uid: int | None, tmp_bytes: int = Limits.tmp_bytes, preamble: str = "numpy",
            harness: Path | None = None) -> list[str]:
    """argv for the sandboxed zygote; ``uid`` is the unprivileged uid to run as (root only)."""
    prefix = os.path.realpath(sys.base_prefix)
    # --as-pid-1: the zygote is the namespace's init, which its children's signals cannot reach.
    args = [find_bwrap(), "--unshare-pid", "--as-pid-1", "--unshare-net", "--unshare-ipc", "--unshare-uts",
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
             "--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue",
             "--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp", "--chdir", "/tmp",
             "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin:/bin",
             "--setenv", "PYTHONPATH", ":".join(pythonpath), "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
             "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
             "--setenv", "MKL_NUM_THREADS", "1", "--setenv", "MPLBACKEND", "Agg"]
    if harness is not None:
        args += ["--ro-bind", str(harness), "/sandbox/harness"]
    if uid is not None:
        args += [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
                 "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    python = f"/sandbox/python/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    return args + [python, "-s", "/sandbox/host/host.py", str(ctrl_fd), preamble]


def sandbox_uid() -> int | None:
    """An unprivileged uid for this worker's sandboxes, so process limits are per worker."""
    if os.geteuid() != 0:
        return None
    return 61000 + os.getpid() % 4000


def rlimits(limits: Limits) -> dict[str, int]:
    """The limits each submission's process sets on itself right after the zygote forks it.

    RLIMIT_NPROC counts per uid: the sandbox uid of this worker when we are root, else the uid of
    the sandbox's own user namespace, so either way it caps this sandbox's processes only.
    """
    return {"RLIMIT_AS": limits.memory_bytes, "RLIMIT_CPU": limits.cpu_seconds, "RLIMIT_FSIZE": limits.file_bytes,
            "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0, "RLIMIT_NPROC": limits.processes}
