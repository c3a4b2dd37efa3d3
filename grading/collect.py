"""nbgrader's collect, trusting only what a student's account cannot set.

A student's own server writes the submission into the exchange: its folder name and its
``timestamp.txt`` carry the time the *student* claims (nbgrader #943), and any account can write a
folder named for another student. ``TrustedCollect`` is nbgrader's ``ExchangeCollect`` plus two rules,
used wherever nbgrader collects (the formgrader's button, ``nbgrader collect``, ``Course.collect``)
through ``c.ExchangeFactory.collect`` in the course's ``nbgrader_config.py``:

* **Identity.** With ``check_owner`` on (nbgrader's default; a one-account demo turns it off), a
  folder whose Unix owner is not the student it is named for is refused: never collected, copied
  for the record into ``<course>/refused/<assignment>/`` (staff only; the exchange's sticky bit
  keeps the grader from removing it) and listed in ``refused.json`` there. nbgrader itself only
  logs a warning and collects it.
* **Arrival.** Beside each collected submission, ``dlgrade_arrival.json`` records when it arrived:
  the latest inode change time (ctime) in its exchange folder. No unprivileged account can set a
  ctime back (``touch`` sets mtime; any change moves ctime forward), so the arrival is never earlier
  than the real one. The claimed time is kept beside it; lateness is computed from the arrival.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect

ARRIVAL = "dlgrade_arrival.json"
REFUSED = "refused"
AGREE = timedelta(minutes=5)  # claimed and arrival times further apart than this are flagged


@dataclass(frozen=True)
class Arrival:
    """When a collected submission arrived (trusted) and when it says it was made (the student's word)."""

    arrived: datetime | None  # aware UTC; None: collected without TrustedCollect
    claimed: datetime | None

    @property
    def trusted(self) -> datetime | None:
        return self.arrived

    def disagreement(self) -> str:
        """A note for people when the two times disagree (or there is no trusted time); else ""."""
        if self.arrived is None:
            return "no trusted arrival time (collected without dlgrade's collect): lateness uses the claimed time"
        if self.claimed is not None and abs(self.arrived - self.claimed) > AGREE:
            return (f"arrived {self.arrived:%Y-%m-%d %H:%M} UTC but claims {self.claimed:%Y-%m-%d %H:%M} UTC: "
                    "lateness uses the arrival")
        return ""


def parse_time(text: str | None) -> datetime | None:
    """nbgrader's ``2026-10-08 21:59:00.000000 UTC`` (or any ISO time) -> aware UTC; None if unreadable.
    The one parser of submission times."""
    if not text:
        return None
    from nbgrader.utils import parse_utc

    try:
        stamp = parse_utc(text.strip())
    except (ValueError, TypeError, OverflowError):
        return None
    return stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp.astimezone(timezone.utc)


def read_arrival(folder: Path) -> Arrival:
    """The arrival of the submission collected into ``folder`` (``submitted/<student>/<assignment>``)."""
    claimed_file = folder / "timestamp.txt"
    claimed = parse_time(claimed_file.read_text(encoding="utf-8")) if claimed_file.is_file() else None
    record = folder / ARRIVAL
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        return Arrival(parse_time(data["arrived"]), claimed)
    except (OSError, ValueError, KeyError, TypeError):
        return Arrival(None, claimed)


def last_change(folder: Path) -> datetime:
    """The latest inode change time of ``folder`` and everything in it."""
    latest = os.lstat(folder).st_ctime_ns
    for parent, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            latest = max(latest, os.lstat(os.path.join(parent, name)).st_ctime_ns)
    return datetime.fromtimestamp(latest / 1e9, tz=timezone.utc)


def _owner(path: str) -> str:
    import pwd

    uid = os.lstat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


class TrustedCollect(ExchangeCollect):
    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        record["forged"] = self.check_owner and _owner(path) != record["username"]
        return record

    def _sort_by_timestamp(self, records):
        """nbgrader picks each student's latest folder from this list: refused ones are not in it (a
        student with nothing else gets a placeholder, dropped in ``init_src``)."""
        kept = []
        for record in records:
            if record["forged"]:
                self._refuse(record)
            else:
                kept.append(record)
        return super()._sort_by_timestamp(kept) or [{"username": None, "timestamp": datetime.min}]

    def init_src(self):
        self.refused = []
        super().init_src()
        self.src_records = [r for r in self.src_records if r["username"] is not None]
        if self.refused:
            aside = Path(self.coursedir.root) / REFUSED / self.coursedir.assignment_id
            report = aside / "refused.json"
            earlier = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else []
            seen = {e["folder"] for e in earlier}
            report.write_text(json.dumps(earlier + [e for e in self.refused if e["folder"] not in seen], indent=1),
                              encoding="utf-8")

    def _refuse(self, record: dict) -> None:
        if any(e["folder"] == record["filename"] for e in self.refused):
            return
        path = os.path.join(self.inbound_path, record["filename"])
        owner = _owner(path)
        aside = Path(self.coursedir.root) / REFUSED / self.coursedir.assignment_id
        aside.mkdir(parents=True, exist_ok=True)
        try:
            if not (aside / record["filename"]).exists():
                shutil.copytree(path, aside / record["filename"])
        except OSError as exc:  # the record below still says what was refused
            self.log.warning("could not keep a copy of %s: %s", record["filename"], exc)
        self.refused.append({"folder": record["filename"], "named_for": record["username"], "owner": owner,
                             "refused_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        self.log.error("refused %s: named for %s but written by %s's account (a copy is in %s)",
                       record["filename"], record["username"], owner, aside)

    def do_copy(self, src, dest, log=None):
        arrived = last_change(Path(src))  # before the copy: reading does not change a ctime
        super().do_copy(src, dest, log)
        record = {"arrived": arrived.isoformat(), "inbound": os.path.basename(src), "owner": _owner(src),
                  "collected": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        Path(dest, ARRIVAL).write_text(json.dumps(record, indent=1), encoding="utf-8")
