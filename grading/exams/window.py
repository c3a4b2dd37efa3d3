"""The exam window per student, the delivery of each student's notebook into their home, and the
server's copy of it when their time ends.

* Window: start (``exam.toml``'s ``start``, or the one recorded at delivery) + duration + the
  student's extra minutes (``COURSE/exams/<exam>/extensions.csv``: ``student, minutes``).
* Delivery (root on a hub): ``HOME/<exam>/<exam>.ipynb``, owned by the student, 0600 in a 0700
  folder, so no other student can read it. An existing copy (a student's work) is never replaced;
  on a hub, ``HOME`` is the folder nbgrader's Assignments tab submits from (``~/<course>`` there),
  and nbgrader's placeholder a student fetched before delivery is replaced.
* Snapshot (root on a hub, at each student's end): the home copy is copied into the course
  (``snapshots/<student>/``) with the server's time. That copy is the one graded; the student's
  clock, mtimes and notebook metadata play no part.
"""
from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import stat
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .exam_file import Exam, ExamFileError
from .manifest import exam_dir


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    extra_minutes: float = 0.0

    def contains(self, when: datetime) -> bool:
        return self.start <= when <= self.end


def recorded_start(folder: Path, exam: Exam) -> datetime:
    path = folder / "window.json"
    if path.is_file():
        return datetime.fromisoformat(json.loads(path.read_text())["start"])
    if exam.start is None:
        raise ExamFileError(f"{exam.id} has no start: set exam.start in {exam.source}, or deliver with --start")
    return exam.start


def extra_minutes(folder: Path) -> dict[str, float]:
    """``extensions.csv``: ``student, minutes``, read as every course import is (grading.imports)."""
    from ..imports import _done, _number, _read

    path = folder / "extensions.csv"
    if not path.is_file():
        return {}
    rows, problems = _read(path, required=("student", "minutes"))
    out = {}
    for line, row in rows:
        minutes = _number(row["minutes"])
        if not row["student"] or minutes is None or minutes < 0:
            problems.append(f"line {line}: needs student and minutes (a number >= 0), got "
                            f"{row['student']!r}, {row['minutes']!r}")
            continue
        out[row["student"]] = minutes
    return _done(path, problems, out)


def windows(folder: Path, exam: Exam, students: list[str]) -> dict[str, Window]:
    start, extra = recorded_start(folder, exam), extra_minutes(folder)
    return {s: Window(start, start + exam.duration + timedelta(minutes=extra.get(s, 0.0)), extra.get(s, 0.0))
            for s in students}


def home_copy(home_pattern: str, student: str, exam_id: str) -> Path:
    return Path(home_pattern.format(student=student)) / exam_id / f"{exam_id}.ipynb"


def _owner(student: str) -> tuple[int, int]:
    """The student's Unix account (uid, gid)."""
    try:
        entry = pwd.getpwnam(student)
    except KeyError:
        raise ExamFileError(f"no Unix account {student!r} to deliver to; provision the hub first") from None
    return entry.pw_uid, entry.pw_gid


def deliver(course_root: Path, exam: Exam, home_pattern: str, start: datetime | None = None,
            accounts: bool = False) -> list[str]:
    """Each released notebook into its student's home; returns who got one now. ``accounts``
    (root on a hub): the copy and its folder are given to the student's Unix account."""
    folder = exam_dir(course_root, exam.id)
    if start is not None or not (folder / "window.json").is_file():
        begin = start or exam.start or _now()
        (folder / "window.json").write_text(json.dumps({"start": begin.isoformat()}))
    delivered, failed = [], []
    for source in sorted((folder / "notebooks").glob(f"*/{exam.id}.ipynb")):
        student = source.parent.name
        target = home_copy(home_pattern, student, exam.id)
        if accounts:
            try:
                if place(source.read_bytes(), target, student):
                    delivered.append(student)
            except OSError as exc:
                failed.append(f"{student}: {target}: {exc.strerror or exc}")
            continue
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target.parent, 0o700)
        os.chmod(target, 0o600)
        delivered.append(student)
    if failed:
        raise ExamFileError(f"delivered to {len(delivered)}; not delivered (left as they are):\n  "
                            + "\n  ".join(failed))
    return delivered


def place(data: bytes, target: Path, student: str, replace=None) -> bool:
    """As root, into a home the student controls: every folder below the home is opened without
    following links (a planted ``~/exam -> /etc`` fails here instead of being written through and
    chowned), folders made on the way and the copy are the student's, the copy 0600 in a 0700
    folder. ``replace(name, folder_fd, uid)`` says whether what is there may go (default: nothing
    but nbgrader's placeholder, fetched from the Assignments tab before delivery, no dlgrade tag:
    an exam copy is never replaced). False: it stays, the student has their copy already."""
    uid, gid = _owner(student)
    home = Path(pwd.getpwnam(student).pw_dir)
    if not target.is_relative_to(home):
        raise ExamFileError(f"{target} is outside {student}'s home {home}: check --homes")
    fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for name in target.relative_to(home).parts[:-1]:
            try:
                os.mkdir(name, 0o700, dir_fd=fd)
                made = True
            except FileExistsError:
                made = False
            try:
                inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:  # ENOTDIR or ELOOP
                raise OSError(exc.errno, f"{name!r} is a link or not a folder") from None
            os.close(fd)
            fd = inner
            if made:
                os.fchown(fd, uid, gid)
        os.fchown(fd, uid, gid)
        os.fchmod(fd, 0o700)
        if not (replace or _replaceable)(target.name, fd, uid):
            return False
        tmp = f".{target.name}.{os.getpid()}.delivery"
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=fd)
        with os.fdopen(out, "wb") as fh:
            fh.write(data)
            os.fchown(fh.fileno(), uid, gid)
            os.fchmod(fh.fileno(), 0o600)
        os.replace(tmp, target.name, src_dir_fd=fd, dst_dir_fd=fd)
        return True
    finally:
        os.close(fd)


def _replaceable(name: str, folder_fd: int, uid: int) -> bool:
    """Nothing there yet, or the student's own notebook without a dlgrade tag (the placeholder)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except FileNotFoundError:
        return True
    except OSError:  # a link or worse: left alone
        return False
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != uid or info.st_size > MAX_NOTEBOOK:
            return False
        try:
            nb = json.loads(fh.read())
            return isinstance(nb, dict) and "cells" in nb and not (nb.get("metadata") or {}).get("dlgrade")
        except ValueError:
            return False


def snapshot_dir(course_root: Path, exam_id: str, student: str) -> Path:
    return exam_dir(course_root, exam_id) / "snapshots" / student


MAX_NOTEBOOK = 20 << 20


def read_own(path: Path, student: str, accounts: bool = False) -> tuple[bytes | None, str]:
    """The student's own regular file, read without following links (as root, a link could point
    at anyone's file); with ``accounts``, owned by the student's account; (None, why) otherwise."""
    home = path.parent.parent
    try:
        if path.parent.resolve() != home.resolve() / path.parent.name:
            return None, "the exam folder is a link"
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, "no notebook in the home folder"
    except OSError as exc:
        return None, f"unreadable ({exc.strerror})"
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        owner = _owner(student) if accounts else None
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if owner and info.st_uid != owner[0]:
            return None, "not owned by the student"
        if info.st_size > MAX_NOTEBOOK:
            return None, f"larger than {MAX_NOTEBOOK >> 20} MB"
        return fh.read(MAX_NOTEBOOK + 1), ""


def snapshot(course_root: Path, exam: Exam, home_pattern: str, students: list[str],
             now: datetime | None = None, accounts: bool = False) -> list[str]:
    """Copy every home notebook whose window has ended and has no copy yet; returns who."""
    folder = exam_dir(course_root, exam.id)
    now = now or _now()
    taken = []
    for student, window in windows(folder, exam, students).items():
        target = snapshot_dir(course_root, exam.id, student)
        if (target / "taken.json").is_file() or now < window.end:
            continue
        target.mkdir(parents=True, exist_ok=True)
        source = home_copy(home_pattern, student, exam.id)
        record = {"taken_at": now.isoformat(), "window_end": window.end.isoformat(), "source": str(source)}
        data, why = read_own(source, student, accounts)
        if data is not None:
            (target / f"{exam.id}.ipynb").write_bytes(data)
            record["sha256"] = hashlib.sha256(data).hexdigest()
        else:
            record["missing"] = why
        (target / "taken.json").write_text(json.dumps(record, indent=1))
        taken.append(student)
    return taken


def snapshot_until_done(course_root: Path, exam: Exam, home_pattern: str, students: list[str],
                        poll: float = 5.0, accounts: bool = False) -> list[str]:
    """Keep taking copies as windows end, until every student's has been taken."""
    folder = exam_dir(course_root, exam.id)
    ends = windows(folder, exam, students)
    taken = []
    while True:
        taken += snapshot(course_root, exam, home_pattern, students, accounts=accounts)
        left = [s for s in students if not (snapshot_dir(course_root, exam.id, s) / "taken.json").is_file()]
        if not left:
            return taken
        wait = min(ends[s].end for s in left) - _now()
        time.sleep(max(0.2, min(poll, wait.total_seconds())))
