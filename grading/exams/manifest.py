"""The manifest: every student's frozen variants, written once at release and read by grading.

``COURSE/exams/<exam>/manifest.json`` (0600, staff only, never in the exchange)::

    {"exam": "exam_b", "revision": 3, "exam_sha256": ..., "created": ...,
     "variants": {"s001": {"tag": "9f0c...", "order": ["q02", "q01", ...],
                           "slots": {"q01": {template, version, source_sha256, seed_hex, reroll,
                                             params, text, answer, kind, distractors, ...}}}},
     "overrides": {"q07": {"action": "full_marks", "reason": "...", "revision": 2},
                   "q12": {"action": "accept", "distractors": ["no +1"], ...}}}

Grading reads it and never draws again (NumPy promises the same stream only on the same build).
Every change (a re-drawn variant, a slot given full marks, or regraded accepting a named
mistake as right because the question was ambiguous) is a new revision and a line in ``log.jsonl`` beside it.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from .exam_file import Exam, ExamFileError
from .seeds import notebook_tag, params_digest, stream
from .template import freeze

ACTIONS = ("full_marks", "accept", "reroll")


def exam_dir(course_root: Path, exam_id: str) -> Path:
    return course_root / "exams" / exam_id


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def draw_slot(exam: Exam, slot, secret: bytes, who: str, bank: dict, reroll: int = 0) -> dict:
    """One student's variant of one slot: which alternative, then its own stream."""
    choose, _ = stream(secret, exam.id, who, slot.id, "choice", 0, reroll)
    name = slot.templates[int(choose.integers(len(slot.templates)))]
    t = bank[name]
    rng, seed_hex = stream(secret, exam.id, who, slot.id, name, t.version, reroll)
    row = freeze(t, rng).to_dict()
    return row | {"slot": slot.id, "points": slot.points, "source_sha256": t.source_sha256,
                  "seed_hex": seed_hex, "reroll": reroll}


def slot_order(exam: Exam, secret: bytes, who: str) -> list[str]:
    order = []
    for z, zone in enumerate(exam.zones):
        ids = [s.id for s in zone.slots]
        if zone.shuffle:
            rng, _ = stream(secret, exam.id, who, f"zone{z}", "order")
            ids = [ids[i] for i in rng.permutation(len(ids))]
        order += ids
    return order


def draw(exam: Exam, secret: bytes, people: list[str], bank: dict) -> dict:
    """Every person's variants (students online, forms "A".."D" on paper)."""
    variants = {}
    for who in people:
        slots = {s.id: draw_slot(exam, s, secret, who, bank) for s in exam.slots}
        variants[who] = {"tag": notebook_tag(secret, exam.id, who, params_digest(slots)),
                         "order": slot_order(exam, secret, who), "slots": slots}
    return {"exam": exam.id, "revision": 1, "created": _now(),
            "exam_sha256": hashlib.sha256(exam.source.read_bytes()).hexdigest(),
            "variants": variants, "overrides": {}}


def write_private(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write atomically, readable by the grader account only (an exam's files are secret until it ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return path


def write(folder: Path, manifest: dict) -> Path:
    return write_private(folder / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))


def read(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not path.is_file():
        raise ExamFileError(f"no manifest at {path}: release the exam first (dlgrade exam release)")
    return json.loads(path.read_text())


def digest(manifest: dict) -> str:
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def log(folder: Path, entry: dict) -> None:
    entry = {"time": _now(), "by": _who()} | entry
    with open(folder / "log.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def change(folder: Path, exam: Exam, secret: bytes, bank: dict, action: str, slot: str, *,
           student: str | None = None, accept: list | None = None, reason: str = "") -> dict:
    """A new revision: ``reroll`` one student's slot, give a slot ``full_marks``, or ``accept`` a
    named distractor of it as right in every variant; logged with who, when and why."""
    if action not in ACTIONS:
        raise ExamFileError(f"unknown change {action!r}: one of {', '.join(ACTIONS)}")
    manifest = read(folder)
    exam.slot(slot)
    revision = manifest["revision"] + 1
    if action == "reroll":
        if student not in manifest["variants"]:
            raise ExamFileError(f"{student!r} has no variant of {exam.id}; students: "
                                f"{', '.join(list(manifest['variants'])[:5])}...")
        entry = manifest["variants"][student]
        old = entry["slots"][slot]
        entry["slots"][slot] = draw_slot(exam, exam.slot(slot), secret, student, bank, old["reroll"] + 1)
        entry["tag"] = notebook_tag(secret, exam.id, student, params_digest(entry["slots"]))
        detail = {"from": old["params"], "to": entry["slots"][slot]["params"]}
    elif action == "full_marks":
        manifest["overrides"][slot] = {"action": action, "reason": reason, "revision": revision}
        detail = {}
    else:
        names = {n for v in manifest["variants"].values() for n in v["slots"][slot]["distractors"]}
        unknown = [a for a in accept or [] if a not in names]
        if not accept or unknown:
            raise ExamFileError(f"accept names the slot's distractors to count as right: "
                                f"{', '.join(sorted(names)) or 'it has none'}")
        current = manifest["overrides"].get(slot, {})
        manifest["overrides"][slot] = {"action": "accept",
                                       "distractors": sorted(set(current.get("distractors", [])) | set(accept)),
                                       "reason": reason, "revision": revision}
        detail = {"distractors": accept}
    manifest["revision"] = revision
    write(folder, manifest)
    log(folder, {"revision": revision, "action": action, "slot": slot, "student": student, "reason": reason} | detail)
    return manifest
