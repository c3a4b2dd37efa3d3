"""An exam on this hub: the root steps between release and grading. Run as root, like provision.py.

    python hub_config/exam.py release  EXAM                # as the grader account: draw, freeze, write
    python hub_config/exam.py deliver  EXAM [--start now]  # root, at the start: each copy into its home
    python hub_config/exam.py snapshot EXAM [--wait]       # root, at each end: the copies into the course
    python hub_config/exam.py grade    EXAM                # as the grader account, after `nbgrader collect`

EXAM is an exam folder under the staff copy's ``assignments/`` or a path to an ``exam.toml`` that both
root and the grader account can read. ``--settings course.toml`` as for provision.py.

- Release and grading run as the course's grader account through the staff copy of dlgrade, as
  provision.py releases assignments: the manifest, the secret and every student's notebook stay in
  ``COURSE/exams/<exam>/`` (the grader account and the staff group, nobody else).
- Delivery writes each student's notebook into ``HOME/<course>/<exam>/``, the folder nbgrader's
  Assignments tab submits from (``Exchange.path_includes_course``), owned by the student, 0600 in
  a 0700 folder; it records the window's start.
- The snapshot copies each student's home notebook into ``COURSE/exams/<exam>/snapshots/`` when
  their window ends (start + duration + ``extensions.csv``), with the server's time, and hands the
  copies to the grader account and the staff group. ``--wait`` keeps going until every window has
  ended; without it, one pass (for a systemd timer).
"""
from __future__ import annotations

import argparse
import grp
import os
import pwd
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autograder.errors import DlgradeError  # noqa: E402
from grading.exams import manifest as manifests  # noqa: E402
from grading.exams import window  # noqa: E402
from grading.exams.exam_file import Exam, ExamFileError, load_exam  # noqa: E402
from hub_config.provision import _chown_tree, as_user  # noqa: E402
from hub_config.settings import HubSettings, SettingsError, load  # noqa: E402


def home_pattern(s: HubSettings) -> str:
    """Where a student's copy goes: nbgrader's folder for the course in their home."""
    return str(s.homes / "{student}" / s.course_id)


def _staff_dlgrade(s: HubSettings, *args: str) -> None:
    as_user(s.grader_account, [str(s.staff_bin / "dlgrade"), "exam", *args, "--course", str(s.course_dir)],
            s, cwd=s.course_dir)


def release(s: HubSettings, exam: str | Path) -> None:
    _staff_dlgrade(s, "release", str(exam))


def grade(s: HubSettings, exam: str | Path) -> None:
    _staff_dlgrade(s, "grade", str(exam))


def _exam(exam: str | Path | Exam) -> Exam:
    return exam if isinstance(exam, Exam) else load_exam(exam)


def _released(s: HubSettings, exam: Exam) -> Path:
    folder = manifests.exam_dir(s.course_dir, exam.id)
    if not (folder / "manifest.json").is_file():
        raise ExamFileError(f"{exam.id} is not released in {s.course_dir}: run `hub_config/exam.py release` first")
    return folder


def _hand_over(s: HubSettings, path: Path) -> None:
    """What root wrote into the course goes to the grader account and the staff group, as provision
    gives the other course files (folders 2770, files 0660; nothing for anyone else)."""
    if path.is_dir():
        _chown_tree(path, s.grader_account, s.staff_unix_group, 0o2770, 0o660)
    elif path.is_file():
        os.chown(path, pwd.getpwnam(s.grader_account).pw_uid, grp.getgrnam(s.staff_unix_group).gr_gid)
        os.chmod(path, 0o660)


def deliver(s: HubSettings, exam: str | Path | Exam, start: datetime | None = None) -> list[str]:
    """Each student's released notebook into their home (root); returns who got one now."""
    exam = _exam(exam)
    folder = _released(s, exam)
    try:
        return window.deliver(s.course_dir, exam, home_pattern(s), start, accounts=True)
    finally:  # the start is recorded even when a home refused its copy
        _hand_over(s, folder / "window.json")


def snapshot(s: HubSettings, exam: str | Path | Exam, wait: bool = False, poll: float = 5.0) -> list[str]:
    """Copy each home notebook whose window has ended (root); with ``wait``, until every one is taken."""
    exam = _exam(exam)
    folder = _released(s, exam)
    students = sorted(manifests.read(folder)["variants"])
    taken = []
    while True:
        taken += window.snapshot(s.course_dir, exam, home_pattern(s), students, accounts=True)
        _hand_over(s, folder / "snapshots")
        left = [who for who in students
                if not (window.snapshot_dir(s.course_dir, exam.id, who) / "taken.json").is_file()]
        if not wait or not left:
            return taken
        ends = window.windows(folder, exam, left)  # read again: extensions.csv may have grown
        until = min(w.end for w in ends.values()) - datetime.now(timezone.utc)
        time.sleep(max(0.2, min(poll, until.total_seconds())))


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    if text == "now":
        return datetime.now(timezone.utc)
    stamp = datetime.fromisoformat(text)
    if stamp.tzinfo is None:
        raise ExamFileError(f"--start {text!r} needs a time zone, e.g. 2027-01-25T09:00:00+01:00")
    return stamp


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("release", "deliver", "snapshot", "grade"))
    parser.add_argument("exam", help="the exam's folder under assignments/, or a path to its exam.toml")
    parser.add_argument("--settings", default=None, help="course.toml (default: $DLGRADE_HUB_SETTINGS or "
                                                         "hub_config/course.toml)")
    parser.add_argument("--start", default=None, help="deliver: the window's start, 'now' or an ISO time with "
                                                      "zone (default: exam.start, else now)")
    parser.add_argument("--wait", action="store_true", help="snapshot: keep going until every window has ended")
    args = parser.parse_args(argv)
    try:
        s = load(args.settings)
        if os.geteuid() != 0:
            raise ExamFileError("exam steps write into students' homes and run as the grader account: run as root")
        if args.step == "release":
            release(s, args.exam)
        elif args.step == "grade":
            grade(s, args.exam)
        elif args.step == "deliver":
            done = deliver(s, args.exam, _when(args.start))
            print(f"[exam] delivered to {len(done)} home folders: {', '.join(done) or 'none new'}", flush=True)
        else:
            taken = snapshot(s, args.exam, wait=args.wait)
            print(f"[exam] copies taken for {len(taken)} students: {', '.join(taken) or 'none whose time has ended'}",
                  flush=True)
    except (DlgradeError, SettingsError, subprocess.CalledProcessError) as err:
        print(f"exam: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
