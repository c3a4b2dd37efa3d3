"""Set up (and tear down) one course's hub on this machine. Run as root; safe to run again.

    python hub_config/provision.py [--settings course.toml] [--remove]

What it makes, from the settings (course.toml):
- the Python environment of the hub and of every user server (``paths.env``; no dlgrade code in
  it) and configurable-http-proxy from npm;
- Unix accounts for everyone listed, each with a private home, plus the course's grader account;
  instructors, TAs and the grader account share the Unix group ``<course>-staff``;
- ``root/staff`` (0750, staff only): a copy of dlgrade with its hidden graders and reference
  solutions, and ``staff/bin/dlgrade``, the command TAs run from a hub terminal;
- ``root/courses/<course>`` (2770, grader account and staff): nbgrader's course directory and
  gradebook, with the course policy and a roster;
- ``root/exchange`` (1777): nbgrader's exchange, the only course place students can write to;
- ``root/etc/{student,staff,formgrader}``: Jupyter and nbgrader configuration per role;
- the course's assignments built from reference/ and released, as the grader account.
"""
from __future__ import annotations

import argparse
import csv
import grp
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hub_config.settings import HubSettings, SettingsError, load  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3.11"  # every user must be able to run it (pyenv builds live under /root)
HUB_PACKAGES = ["jupyterhub==6.1.1", "jupyterhub-idle-culler==2.0.0", "jupyterlab>=4.2,<5"]
PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
STAFF_CODE = ("autograder", "reference", "grading", "assignments", "courses", "hub_config", "pyproject.toml")
# Per role: nbgrader's server extensions switched off, and lab plugins hidden (the news pop-up for all).
ROLES = {
    "student": (("formgrader", "course_list"),
                ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list")),
    "staff": (("formgrader",), ("@jupyter/nbgrader:formgrader",)),  # staff use the formgrader service
    "formgrader": ((), ()),
}
NBGRADER_EXTENSIONS = ("formgrader", "course_list", "assignment_list", "validate_assignment")


class ProvisionError(Exception):
    pass


def say(message: str) -> None:
    print(f"[provision] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


def as_user(user: str, cmd: list[str], s: HubSettings, cwd: Path | None = None) -> None:
    """Run ``cmd`` as ``user`` with a clean environment and the user's groups (runuser does initgroups)."""
    env = ["env", "-i", f"HOME={s.homes / user}", f"USER={user}", "LANG=C.UTF-8",
           f"PATH={s.staff_bin}:{s.env / 'bin'}:/usr/bin:/bin"]
    run(["runuser", "-u", user, "--", *env, *cmd], cwd=cwd)


# -- the shared runtime ------------------------------------------------------------------------
def env_packages() -> list[str]:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return sorted(set(deps) | set(HUB_PACKAGES))


def ensure_runtime(s: HubSettings) -> None:
    packages = env_packages()
    stamp = s.env / f".dlgrade-{hashlib.sha256(' '.join(packages).encode()).hexdigest()[:12]}"
    if not stamp.exists():
        if not os.access(SYSTEM_PYTHON, os.X_OK):
            raise ProvisionError(f"{SYSTEM_PYTHON} is missing: apt-get install python3.11 python3.11-venv")
        say(f"building the hub's Python environment in {s.env} (about a minute)")
        if not (s.env / "bin" / "python").exists():
            run([SYSTEM_PYTHON, "-m", "venv", str(s.env)])
        pip = [str(s.env / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        torch = [p for p in packages if p.startswith("torch")]
        run(pip + torch)  # first and pinned: its CPU wheel is local; a range would fetch a CUDA build
        run(pip + [p for p in packages if p not in torch])
        for old in s.env.glob(".dlgrade-*"):
            old.unlink()
        stamp.touch()
    if not s.proxy.exists():
        if not shutil.which("npm"):
            raise ProvisionError("npm is missing (configurable-http-proxy is an npm package): apt-get install npm")
        say(f"installing {PROXY_PACKAGE} under {s.proxy.parents[2]}")
        run(["npm", "install", "--silent", "--no-fund", "--no-audit", "--prefix", str(s.proxy.parents[2]),
             PROXY_PACKAGE], stdout=subprocess.DEVNULL)


# -- accounts ----------------------------------------------------------------------------------
def _exists(user: str) -> bool:
    return _known(pwd.getpwnam, user)


def _group_exists(name: str) -> bool:
    return _known(grp.getgrnam, name)


def _known(lookup, name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def ensure_accounts(s: HubSettings) -> None:
    if not _group_exists(s.staff_unix_group):
        run(["groupadd", s.staff_unix_group])
    s.homes.mkdir(parents=True, exist_ok=True)
    os.chmod(s.homes, 0o755)
    for user in (s.grader_account, *s.people):
        home = s.homes / user
        if not _exists(user):
            run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash", "--user-group", user])
        elif pwd.getpwnam(user).pw_dir != str(home):  # an account kept from another deployment
            run(["usermod", "--home", str(home), user])
        if not home.is_dir():
            home.mkdir()
            os.chown(home, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
        os.chmod(home, 0o700)  # nobody reads anyone else's work
    for user in (s.grader_account, *s.staff):
        run(["usermod", "--append", "--groups", s.staff_unix_group, user])


# -- directories, code and configuration ------------------------------------------------------
def _chown_tree(path: Path, user: str, group: str, dir_mode: int, file_mode: int) -> None:
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    for folder, dirs, files in os.walk(path):
        os.chown(folder, uid, gid)
        os.chmod(folder, dir_mode)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid)
            os.chmod(os.path.join(folder, name), file_mode)


def install_staff_code(s: HubSettings) -> None:
    """A staff-only copy of dlgrade: the hidden graders and reference solutions never sit where
    students can read them, and the staff's ``dlgrade`` imports from here."""
    s.staff_dir.mkdir(parents=True, exist_ok=True)
    if s.staff_code.exists():
        shutil.rmtree(s.staff_code)
    s.staff_code.mkdir()
    for name in STAFF_CODE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, s.staff_code / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, s.staff_code / name)
    s.staff_bin.mkdir(exist_ok=True)
    wrapper = s.staff_bin / "dlgrade"
    wrapper.write_text("#!/bin/sh\n# dlgrade for the course staff: code from the staff-only folder beside this one.\n"
                       f"PYTHONPATH={s.staff_code}${{PYTHONPATH:+:$PYTHONPATH}} "
                       f"exec {s.env / 'bin' / 'python'} -m grading.cli \"$@\"\n")
    _chown_tree(s.staff_dir, "root", s.staff_unix_group, 0o750, 0o640)
    os.chmod(wrapper, 0o750)


def _nbgrader_config(s: HubSettings, course_root: bool, hub_courses: bool = True) -> str:
    """``hub_courses``: a person's courses are their hub groups (nbgrader's JupyterHub auth plugin);
    not for the formgrader service, whose grader account is not a hub user."""
    lines = ["c = get_config()  # noqa: F821",
             f"c.Exchange.root = {str(s.exchange)!r}",
             "c.Exchange.path_includes_course = True"]
    if hub_courses:
        lines.append("c.Authenticator.plugin_class = 'nbgrader.auth.JupyterHubAuthPlugin'")
    if course_root:
        lines += [f"c.CourseDirectory.root = {str(s.course_dir)!r}",
                  f"c.CourseDirectory.course_id = {s.course_id!r}",
                  # collect records arrival times and refuses folders written by another account
                  # (grading/collect.py, imported from the staff-only code on PYTHONPATH)
                  "c.ExchangeFactory.collect = 'grading.collect.TrustedCollect'"]
    return "\n".join(lines) + "\n"


def write_jupyter_configs(s: HubSettings) -> None:
    for role, (off, hidden) in ROLES.items():
        folder = s.jupyter_config(role)
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        (folder / "nbgrader_config.py").write_text(
            _nbgrader_config(s, course_root=role != "student", hub_courses=role != "formgrader"))
        extensions = {f"nbgrader.server_extensions.{name}": name not in off for name in NBGRADER_EXTENSIONS}
        # A non-login shell keeps the hub's PATH: the course's Python first (and `dlgrade` for staff).
        server = {"jpserver_extensions": extensions, "terminado_settings": {"shell_command": ["/bin/bash"]}}
        (folder / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": server}, indent=1))
        hidden += ("@jupyterlab/apputils-extension:announcements",)  # no news pop-up, no calls out
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {name: True for name in hidden}}, indent=1))
        _chown_tree(folder, "root", "root", 0o755, 0o644)


def ensure_directories(s: HubSettings) -> None:
    for folder, mode in ((s.root, 0o755), (s.root / "courses", 0o755), (s.root / "etc", 0o755),
                         (s.hub_state, 0o700)):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
    s.exchange.mkdir(exist_ok=True)
    os.chmod(s.exchange, 0o1777)  # everyone writes their submissions; the sticky bit guards the rest
    s.course_dir.mkdir(exist_ok=True)
    os.chown(s.course_dir, pwd.getpwnam(s.grader_account).pw_uid, grp.getgrnam(s.staff_unix_group).gr_gid)
    os.chmod(s.course_dir, 0o2770)


def trial_policy(s: HubSettings) -> str:
    """Course A's policy as a starting point, its deadlines moved so the first is two weeks away;
    the instructor edits ``policy.toml`` in the course directory from there."""
    text = (REPO / "courses" / "course_a.toml").read_text(encoding="utf-8")
    first = min(datetime.fromisoformat(m) for m in re.findall(r"^due = (\S+)", text, flags=re.M))
    shift = timedelta(days=(datetime.now(timezone.utc) + timedelta(days=14) - first).days)  # whole days
    text = re.sub(r"^due = (\S+)", lambda m: f"due = {(datetime.fromisoformat(m[1]) + shift).isoformat()}",
                  text, flags=re.M)
    return re.sub(r'^id = "[^"]*"', f'id = "{s.course_id}"', text, count=1, flags=re.M)


def setup_course(s: HubSettings) -> None:
    course = s.course_dir
    files = {"nbgrader_config.py": _nbgrader_config(s, course_root=True, hub_courses=False)}
    if not (course / "policy.toml").exists():
        files["policy.toml"] = trial_policy(s)
    for name, text in files.items():
        (course / name).write_text(text, encoding="utf-8")
    roster = course / "roster.csv"
    if not roster.exists():  # a placeholder the instructor replaces with the real one
        with open(roster, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["id", "first_name", "last_name", "email"])
            for student in s.students:
                out.writerow([student, student, "(from the hub)", ""])
    uid, gid = pwd.getpwnam(s.grader_account).pw_uid, grp.getgrnam(s.staff_unix_group).gr_gid
    for name in (*files, "roster.csv"):
        os.chown(course / name, uid, gid)
        os.chmod(course / name, 0o660)
    for assignment in s.assignments:
        as_user(s.grader_account, [str(s.staff_bin / "dlgrade"), "release", assignment, "--course", str(course)],
                s, cwd=course)


def provision(s: HubSettings) -> None:
    if os.geteuid() != 0:
        raise ProvisionError("provisioning creates Unix accounts: run it as root (sudo make hub)")
    ensure_runtime(s)
    ensure_accounts(s)
    ensure_directories(s)
    install_staff_code(s)
    write_jupyter_configs(s)
    setup_course(s)
    say(f"course {s.course_id} ready in {s.course_dir}")
    if _world_readable(REPO / "autograder"):
        say(f"warning: {REPO} (this checkout, hidden graders included) is readable by every account; the hub "
            f"uses the staff-only copy, so close this one: chmod o-rwx {REPO}")


def _world_readable(path: Path) -> bool:
    """Could any account list ``path``: every folder on the way searchable, the last readable too."""
    chain = [*reversed(path.parents), path]
    return all(os.stat(p).st_mode & 0o001 for p in chain) and bool(os.stat(path).st_mode & 0o004)


def _kill_all_of(user: str, timeout: float = 10) -> None:
    """SIGKILL every process of ``user`` and wait until they are gone (userdel refuses before)."""
    deadline = time.monotonic() + timeout
    while subprocess.run(["pgrep", "-u", user], capture_output=True).returncode == 0:
        if time.monotonic() > deadline:
            raise ProvisionError(f"processes of {user} survive SIGKILL; remove the account by hand")
        subprocess.run(["pkill", "-KILL", "-u", user], check=False)
        time.sleep(0.1)


def remove(s: HubSettings) -> None:
    """Undo ``provision``: the accounts, their homes and ``root``; the shared runtime stays."""
    for user in (*s.people, s.grader_account):
        if _exists(user):
            _kill_all_of(user)
            done = subprocess.run(["userdel", "--remove", user], check=False, capture_output=True, text=True)
            if _exists(user):
                raise ProvisionError(f"could not remove account {user}: {done.stderr.strip()}")
    if _group_exists(s.staff_unix_group):
        run(["groupdel", s.staff_unix_group])
    shutil.rmtree(s.root, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=None, help="course.toml (default: $DLGRADE_HUB_SETTINGS or "
                                                         "hub_config/course.toml)")
    parser.add_argument("--remove", action="store_true", help="remove the accounts and the deployment")
    args = parser.parse_args(argv)
    try:
        s = load(args.settings)
        remove(s) if args.remove else provision(s)
    except (ProvisionError, SettingsError, subprocess.CalledProcessError) as err:
        print(f"provision: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
