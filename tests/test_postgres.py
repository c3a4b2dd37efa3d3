"""The demo course on a real PostgreSQL server grades exactly as on SQLite.

The fixture starts a throwaway PostgreSQL server of its own (Debian's ``postgresql`` package:
initdb and pg_ctl into a temporary folder, TCP on 127.0.0.1 only, password authentication, as
``nobody`` when the tests run as root, since PostgreSQL refuses to run as root), creates a role
and a database for the course as hub_config/README.md tells an instructor to, and stops the
server afterwards whatever happened. `make setup` installs the server when run as root, so as
root (CI) a missing server fails the test; elsewhere it skips, saying how to install it.
"""
from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from grading.cli import main as dlgrade
from grading.course import Course
from grading.gradebook import CourseGradebook

ASSIGNMENT = "a1_mlp"
SIZE = 10  # every kind of demo submission: each broken one, correct rewrites, bugs, one late


def _unavailable(reason: str):
    if os.geteuid() == 0:
        pytest.fail(f"{reason}; `make setup` as root installs it")
    pytest.skip(f"{reason} (sudo apt-get install postgresql, or run `make setup` as root)")


def _server_bin() -> Path | None:
    """Debian's newest PostgreSQL, else an initdb on PATH."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                    key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    found = debian[-1] if debian else shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, reachable on 127.0.0.1:port only."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.superuser_password = secrets.token_hex(16)
        self.port: int | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="dlgrade-pg-"))  # not under pytest's root-only tmp
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.as_user: dict = {}
        if os.geteuid() == 0:
            try:
                nobody = pwd.getpwnam("nobody")
            except KeyError:
                _unavailable("no `nobody` account to run PostgreSQL as (it refuses to run as root)")
            self.as_user = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)

    def _run(self, *cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin / cmd[0]), *cmd[1:]], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout, cwd=self.folder, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
                              **self.as_user)

    def start(self) -> None:
        pwfile = self.folder / "superuser-password"
        pwfile.write_text(self.superuser_password + "\n")
        if self.as_user:
            os.chown(pwfile, self.as_user["user"], self.as_user["group"])
        done = self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=scram-sha-256",
                         f"--pwfile={pwfile}", "-E", "UTF8", "--no-locale", "--no-sync")
        pwfile.unlink()
        if done.returncode:
            pytest.fail(f"initdb failed: {done.stderr.strip()}")
        for _ in range(3):  # another process may take the free port before the server binds it
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories=''"
            done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30",
                             "start")
            if done.returncode == 0:
                return
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        pytest.fail(f"PostgreSQL did not start: {done.stdout.strip()} {done.stderr.strip()}\n{log}")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "20", "stop", timeout=30)
        except subprocess.TimeoutExpired:
            pass
        finally:
            self._kill_leftover()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _kill_leftover(self) -> None:
        """The postmaster this fixture started, if a clean stop did not end it (first line of its pid file)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=self.superuser_password,
                               dbname=dbname, autocommit=True)

    def create_course_database(self, role: str, database: str) -> str:
        """What an instructor does once per course: a login role and a database it owns; returns the URL."""
        password = secrets.token_hex(16)
        with self.connect() as conn:
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
            conn.execute(f"CREATE DATABASE {database} OWNER {role}")
        return f"postgresql+psycopg://{role}:{password}@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def postgres():
    bin_dir = _server_bin()
    if bin_dir is None:
        _unavailable("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed (pip install 'dlgrade[postgres]')")
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _demo(course_dir: Path, *db: str) -> Path:
    assert dlgrade(["demo", "--dir", str(course_dir), "--students", str(SIZE), "--jobs", "2", "--timeout", "60",
                    *db]) == 0
    return course_dir


def _export(course_dir: Path) -> str:
    out = course_dir.parent / f"{course_dir.name}-grades.csv"
    assert dlgrade(["export", "--course", str(course_dir), "--format", "csv", "--out", str(out), "--per-test"]) == 0
    return out.read_text(encoding="utf-8")


def _cell_scores(course: Course) -> dict:
    scores = CourseGradebook(course.db_url, course.course_id).assignment_scores(ASSIGNMENT)
    return {(s.student, c.cell): (c.auto, c.manual, c.max_score) for s in scores for c in s.cells}


def test_the_demo_on_postgresql_gives_the_same_grade_sheet_as_on_sqlite(postgres, tmp_path, capsys):
    url = postgres.create_course_database("dlf_grader", "dlf_gradebook")
    on_pg = Course.open(_demo(tmp_path / "on-postgres", "--db", url))
    # The course's nbgrader_config.py names the server, so every dlgrade command and nbgrader's
    # formgrader use it; no SQLite file appears beside it.
    assert on_pg.db_url == url
    assert not (on_pg.root / "gradebook.db").exists()
    on_sqlite = Course.open(_demo(tmp_path / "on-sqlite"))
    assert on_sqlite.db_url.startswith("sqlite:///")

    pg_scores = _cell_scores(on_pg)
    assert len({student for student, _ in pg_scores}) == SIZE
    assert pg_scores == _cell_scores(on_sqlite)
    sheet = _export(on_pg.root)
    assert sheet == _export(on_sqlite.root)
    assert sheet.count("\n") == SIZE + 1

    # The scores really are in PostgreSQL: nbgrader's tables in the course's database.
    with postgres.connect("dlf_gradebook") as conn:
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'submitted_assignment'").fetchone()
        submitted = conn.execute("SELECT count(*) FROM submitted_assignment").fetchone()
    # every assignment's submissions and every paper exam that was marked (not the absent student's)
    handed_in = sum(p["kind"] != "absent" for p in json.loads((on_pg.root / "cohort.json").read_text()))
    assert owner == ("dlf_grader",) and submitted == (handed_in,)

    # The demo replaces its folder but never a database's grades: a second run on it is refused,
    # in one line, without the password.
    capsys.readouterr()
    assert dlgrade(["demo", "--dir", str(tmp_path / "again"), "--db", url]) == 2
    err = capsys.readouterr().err
    password = url.split("@")[0].rsplit(":", 1)[1]
    assert "already holds tables" in err and ":***@" in err and password not in err
    with postgres.connect("dlf_gradebook") as conn:
        assert conn.execute("SELECT count(*) FROM submitted_assignment").fetchone() == (handed_in,)
