"""An exam as authored: ``assignments/<exam>/exam.toml``.

    [exam]
    id = "exam_b"
    title = "Deep learning: final exam"
    mode = "online"              # "online": per-student notebooks; "paper": printed forms
    start = 2027-01-25T09:00:00+01:00
    duration_minutes = 120
    feedback = "after_release"   # what students see: "none" | "after_release" (scores and keys
                                 # once staff release feedback); never anything during the exam
    forms = 4                    # paper: forms A, B, C, D

    [[zones]]
    title = "Activations and losses"
    shuffle = true               # the slots' order is shuffled per student inside the zone
    slots = [
        { id = "q01", points = 1, templates = ["sigmoid_derivative", "tanh_derivative"] },
        ...
    ]

Zones keep their order; a slot lists alternative templates, one drawn per student.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import get_close_matches
from pathlib import Path

from autograder.errors import DlgradeError

ASSIGNMENTS = Path(__file__).resolve().parents[2] / "assignments"
MODES = ("online", "paper")
FEEDBACK = ("none", "after_release")


class ExamFileError(DlgradeError):
    pass


@dataclass(frozen=True)
class Slot:
    id: str
    points: float
    templates: tuple[str, ...]
    zone: int


@dataclass(frozen=True)
class Zone:
    title: str
    shuffle: bool
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Exam:
    id: str
    title: str
    mode: str
    start: datetime | None
    duration: timedelta
    feedback: str
    forms: int
    zones: tuple[Zone, ...]
    source: Path

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(s for z in self.zones for s in z.slots)

    @property
    def max_points(self) -> float:
        return sum(s.points for s in self.slots)

    def slot(self, slot_id: str) -> Slot:
        for s in self.slots:
            if s.id == slot_id:
                return s
        raise ExamFileError(f"{self.id} has no slot {slot_id!r}; its slots are {', '.join(s.id for s in self.slots)}")


def exam_path(exam_id: str, root: Path = ASSIGNMENTS) -> Path:
    path = root / exam_id / "exam.toml"
    if not path.is_file():
        known = sorted(p.parent.name for p in root.glob("*/exam.toml"))
        raise ExamFileError(f"no exam {exam_id!r} (no {path}); exams: {', '.join(known) or 'none'}")
    return path


def load_exam(exam_id_or_path: str | Path, bank: dict | None = None) -> Exam:
    """The exam, checked: every problem at once, each with its fix."""
    path = Path(exam_id_or_path)
    if path.suffix != ".toml":
        path = exam_path(str(exam_id_or_path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ExamFileError(f"{path}: not valid TOML ({exc})") from None
    if bank is None:
        from .template import load_bank
        bank = load_bank()
    problems: list[str] = []
    head = data.get("exam")
    if not isinstance(head, dict):
        raise ExamFileError(f"{path}: no [exam] table; start with [exam] id = \"{path.parent.name}\"")
    exam_id = head.get("id", path.parent.name)
    if exam_id != path.parent.name:
        problems.append(f"exam.id {exam_id!r} differs from its folder {path.parent.name!r}; make them equal")
    mode = head.get("mode", "online")
    if mode not in MODES:
        problems.append(f"exam.mode {mode!r}: use one of {', '.join(MODES)}")
    feedback = head.get("feedback", "after_release")
    if feedback not in FEEDBACK:
        problems.append(f"exam.feedback {feedback!r}: use one of {', '.join(FEEDBACK)}")
    start = head.get("start")
    if start is not None and (not isinstance(start, datetime) or start.tzinfo is None):
        problems.append(f"exam.start {start!r} needs a date, time and zone, e.g. 2027-01-25T09:00:00+01:00")
        start = None
    minutes = head.get("duration_minutes", 120)
    if not isinstance(minutes, (int, float)) or minutes <= 0:
        problems.append(f"exam.duration_minutes {minutes!r}: a positive number of minutes")
        minutes = 120
    forms = head.get("forms", 4)
    if not isinstance(forms, int) or not 1 <= forms <= 26:
        problems.append(f"exam.forms {forms!r}: between 1 and 26 printed forms")
        forms = 4
    zones, seen = [], set()
    raw_zones = data.get("zones")
    if not isinstance(raw_zones, list) or not raw_zones:
        problems.append("no [[zones]]: add [[zones]] with title and slots = [{ id, points, templates }]")
        raw_zones = []
    for z, zone in enumerate(raw_zones):
        slots = []
        for raw in zone.get("slots", []):
            sid, points, names = raw.get("id"), raw.get("points"), raw.get("templates")
            where = f"zone {z + 1} ({zone.get('title', '')}), slot {sid!r}"
            if not isinstance(sid, str) or not sid.isidentifier():
                problems.append(f"{where}: id must be a Python name such as q07 (it is the answer's variable)")
                continue
            if sid in seen:
                problems.append(f"{where}: the id is used twice; give each slot its own")
            seen.add(sid)
            if not isinstance(points, (int, float)) or points <= 0:
                problems.append(f"{where}: points {points!r} must be a positive number")
                points = 0
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not names:
                problems.append(f"{where}: templates = [\"...\"] lists one or more alternative templates")
                names = []
            for name in names:
                if name not in bank:
                    near = get_close_matches(name, bank, n=3)
                    problems.append(f"{where}: unknown template {name!r}"
                                    + (f"; did you mean {', '.join(near)}?" if near else
                                       "; `dlgrade exam bank` lists them"))
            slots.append(Slot(sid, float(points), tuple(names), z))
        if not slots:
            problems.append(f"zone {z + 1} ({zone.get('title', '')}) has no slots")
        zones.append(Zone(str(zone.get("title", f"Part {z + 1}")), bool(zone.get("shuffle", False)), tuple(slots)))
    if problems:
        raise ExamFileError(f"{path}:\n  " + "\n  ".join(problems))
    return Exam(exam_id, str(head.get("title", exam_id)), mode, start, timedelta(minutes=minutes), feedback,
                forms, tuple(zones), path)
