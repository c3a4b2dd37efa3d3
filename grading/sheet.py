"""One assignment's grade sheet, read back from the gradebook (manual scores win over automatic)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .gradebook import CourseGradebook


def grade_table(gradebook: CourseGradebook, assignment: str, results_dir: Path | None = None,
                due: datetime | None = None) -> pd.DataFrame:
    rows = []
    for sub in sorted(gradebook.assignment_scores(assignment), key=lambda s: s.student):
        row = {"student": sub.student, "score": round(sub.score, 3), "max_score": sub.max_score}
        late = None
        if due is not None and sub.timestamp is not None:
            stamp = sub.timestamp.replace(tzinfo=timezone.utc)
            late = max(0.0, (stamp - due).total_seconds() / 3600)
        row["late_hours"] = round(late, 2) if late is not None else None
        row["note"] = _note(results_dir, sub.student, assignment)
        for cell in sub.cells:
            row[cell.cell] = round(cell.score, 3)
        rows.append(row)
    return pd.DataFrame(rows)


def _note(results_dir: Path | None, student: str, assignment: str) -> str:
    """The grader's one-line reason (error, or the first warning), for people reading the sheet."""
    if results_dir is None:
        return ""
    path = Path(results_dir) / student / assignment / "results.json"
    if not path.is_file():
        return ""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("error"):
        return f"error: {data['error']}"
    warnings = data.get("warnings") or []
    return warnings[0] if warnings else ""
