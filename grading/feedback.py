"""Feedback for one submission, built from its test results (never from the hidden tests' code).

Written where nbgrader's ``release_feedback`` looks: ``feedback/<student>/<assignment>/<notebook>.html``
beside the submission's ``timestamp.txt`` and ``submission_secret.txt``.
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path

from autograder.results import SubmissionResult

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #ddd;
padding:.35rem .5rem;text-align:left;vertical-align:top}.pass{color:#1a7f37}.fail{color:#b42318}
.msg{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.85rem;color:#444}
.score{font-size:1.4rem}.note{background:#fff4e5;padding:.5rem .75rem;border-radius:4px}
"""


def render(result: SubmissionResult, title: str) -> str:
    e = html.escape
    parts = [f"<!doctype html><meta charset='utf-8'><title>{e(title)} — feedback</title><style>{STYLE}</style>",
             f"<h1>{e(title)}</h1><p>Student: <b>{e(result.student or '')}</b></p>",
             f"<p class='score'>Score: <b>{result.score:g}</b> / {result.max_score:g}</p>"]
    if result.error:
        parts.append(f"<p class='note'><b>Not graded:</b> {e(result.error)}</p>")
    for warning in result.warnings:
        parts.append(f"<p class='note'>{e(warning)}</p>")
    for cell, (got, top) in result.cell_scores().items():
        parts.append(f"<h2>{e(cell)} — {got:g} / {top:g}</h2><table><tr><th>check</th><th>points</th><th>result</th></tr>")
        for t in (t for t in result.tests if t.cell == cell):
            verdict = "<span class='pass'>passed</span>" if t.passed else \
                f"<span class='fail'>failed</span><div class='msg'>{e(t.message)}</div>"
            parts.append(f"<tr><td>{e(t.name.replace('_', ' '))}</td><td>{t.points:g} / {t.max_points:g}</td>"
                         f"<td>{verdict}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"


def write_feedback(folder: Path, result: SubmissionResult, notebook: str, title: str, submitted: Path) -> Path:
    """The student's feedback page in ``folder`` (``Course.feedback_dir``), with the files nbgrader's
    release_feedback matches it by."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        if (submitted / name).is_file():
            shutil.copy(submitted / name, folder / name)
    out = folder / f"{Path(notebook).stem}.html"
    out.write_text(render(result, title), encoding="utf-8")
    return out
