"""Feedback for one submission, built from its results (never from the hidden tests' code).

What a student reads first is what to fix: the score, then every function that lost points with
each failing check's message, then each grade cell's functions with their scores; passed checks
stay folded away. The HTML page (what nbgrader releases and JupyterLab opens) and ``dlgrade
grade-one``'s text are two renderings of one :func:`outline`, so they say the same in the same
order; ``--json`` carries the same functions (``SubmissionResult.to_dict``).

Written where nbgrader's ``release_feedback`` looks: ``feedback/<student>/<assignment>/<notebook>.html``
beside the submission's ``timestamp.txt`` and ``submission_secret.txt``.
"""
from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path

from autograder.results import SubmissionResult
from autograder.scoring import RULE_WORDS, FunctionScore, split_name


@dataclass
class Part:
    """One grade cell: its score and its functions, in the assignment's order."""

    cell: str
    score: float
    max_score: float
    functions: list[FunctionScore]


@dataclass
class Outline:
    score: float
    max_score: float
    to_fix: list[FunctionScore]  # functions with a failing check, in the assignment's order
    parts: list[Part]
    checks: int
    checks_passed: int
    functions: int


def outline(result: SubmissionResult) -> Outline:
    functions = result.scored()
    cells = result.cell_scores()
    parts = [Part(cell, got, top, [f for f in functions if f.cell == cell]) for cell, (got, top) in cells.items()]
    # a submission that could not run has one reason, said once, not a failing check per test
    to_fix = [] if result.error else [f for f in functions if f.failures]
    return Outline(result.score, result.max_score, to_fix, parts, sum(f.total for f in functions),
                   sum(f.passed for f in functions), len(functions))


def check_name(test: str) -> str:
    """``test_activation_forward_matches_torch[sigmoid]`` → ``activation forward matches torch (sigmoid)``."""
    base, params = split_name(test)
    text = base.removeprefix("test_").replace("_", " ")
    return f"{text} ({params})" if params else text


def minus(points: float) -> str:
    """Points lost, with a real minus sign: −0.25."""
    return f"−{points:g}"


def rule_words(rule: str) -> str:
    return RULE_WORDS.get(rule, rule)


def summary_line(o: Outline) -> str:
    if not o.checks:
        return "no check ran"
    lost = sum(f.lost for f in o.to_fix)
    fixes = (f"{len(o.to_fix)} of {o.functions} functions lost points ({minus(lost)})" if o.to_fix
             else f"every function scored its points ({o.functions} functions)")
    return f"{fixes}; {o.checks_passed} of {o.checks} checks passed"


def _failed_checks(f: FunctionScore) -> str:
    return f"{len(f.failures)} of {f.total} check{'s' if f.total != 1 else ''} failed"


# ---------------------------------------------------------------------------------------------- text


def render_text(result: SubmissionResult) -> str:
    """The outline as plain text (``dlgrade grade-one``): score, what to fix, then every part."""
    o = outline(result)
    lines = [f"score: {o.score:g} / {o.max_score:g}", summary_line(o)]
    if result.error:
        lines.append(f"not graded: {result.error}")
    lines += [f"warning: {w}" for w in result.warnings]
    if o.to_fix:
        lines += ["", "to fix:"]
        for f in o.to_fix:
            lines.append(f"  ✗ {f.name}: {f.points:g} / {f.max_points:g} ({minus(f.lost)}), {rule_words(f.rule)}, "
                         f"{_failed_checks(f)}   [{f.cell}]")
            for failure in f.failures:
                lines.append(f"      ✗ {check_name(failure['test'])}")
                lines += [f"        {line}" for line in (failure["message"] or "failed").splitlines()]
    lines += ["", "by part:"]
    width = max((len(f.name) for p in o.parts for f in p.functions), default=0)
    for part in o.parts:
        lines.append(f"  {part.cell}: {part.score:g} / {part.max_score:g}")
        for f in part.functions:
            mark = "✗" if f.failures else "✓"
            lines.append(f"    {mark} {f.name:<{width}}  {f.points:>6g} / {f.max_points:<6g}  "
                         f"{rule_words(f.rule):<14}  {f.passed}/{f.total} checks")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- HTML

STYLE = """
:root{--fail:#b42318;--fail-bg:#fef3f2;--pass:#1a7f37;--muted:#5f6368;--line:#e4e4e7}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:58rem;margin:2rem auto;padding:0 1rem;
color:#1f2328;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .75rem;border-bottom:1px solid var(--line);
padding-bottom:.3rem}h3{font-size:1rem;margin:1.25rem 0 .4rem}
.who{color:var(--muted);margin:0 0 1rem}.score{font-size:2.2rem;margin:.25rem 0}.score b{font-weight:700}
.summary{margin:.25rem 0;color:var(--muted)}.rules{font-size:.9rem;color:var(--muted);margin:.5rem 0 0}
.note{background:#fff4e5;border-left:4px solid #f79009;padding:.5rem .75rem;border-radius:4px}
.fn{border:1px solid #fecdca;background:var(--fail-bg);border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}
.fn h3{margin:0;display:flex;gap:.75rem;align-items:baseline;flex-wrap:wrap}
.fn .lost{color:var(--fail);font-weight:700}.fn .pts{color:var(--muted);font-weight:400}
.meta{color:var(--muted);font-size:.88rem;margin:.2rem 0 .5rem}
.check{margin:.5rem 0 0}.check .name{font-weight:600;color:var(--fail)}
.msg{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.83rem;
background:#fff;border:1px solid var(--line);border-radius:6px;padding:.5rem .65rem;margin:.3rem 0 0;color:#333}
details{margin:.5rem 0 0}summary{cursor:pointer;color:var(--muted);font-size:.9rem}
details ul{margin:.3rem 0 0;padding-left:1.2rem;font-size:.9rem}
.ok{color:var(--pass)}.bad{color:var(--fail)}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem;font-size:.93rem;table-layout:fixed}
col.c1{width:58%}col.c2{width:16%}col.c3{width:10%}col.c4{width:16%}
th{color:var(--muted);font-weight:600;font-size:.82rem;text-transform:uppercase;letter-spacing:.02em}
td,th{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.failed td:first-child{border-left:3px solid var(--fail)}tr.failed .num{color:var(--fail);font-weight:600}
td details{margin:0}td summary{color:inherit;font-size:inherit}
"""


def _checks_list(f: FunctionScore, passed_only: bool = False) -> str:
    """A function's checks, each marked passed or failed (``passed_only``: the passed ones)."""
    e = html.escape
    failed = {x["test"] for x in f.failures}
    items = [f"<li><span class='{'bad' if t in failed else 'ok'}'>{'✗' if t in failed else '✓'}</span> "
             f"{e(check_name(t))}</li>" for t in f.tests if not (passed_only and t in failed)]
    return f"<ul>{''.join(items)}</ul>"


def render(result: SubmissionResult, title: str) -> str:
    e = html.escape
    o = outline(result)
    parts = [f"<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
             f"<title>{e(title)} — feedback</title><style>{STYLE}</style>",
             f"<h1>{e(title)}</h1><p class='who'>Feedback for <b>{e(result.student or '')}</b></p>",
             f"<p class='score'>Score: <b>{o.score:g}</b> / {o.max_score:g}</p>",
             f"<p class='summary'>{e(summary_line(o))}</p>"]
    if result.error:
        parts.append(f"<p class='note'><b>Not graded:</b> {e(result.error)}</p>")
    for warning in result.warnings:
        parts.append(f"<p class='note'>{e(warning)}</p>")
    if any(f.rule == "all_or_nothing" for p in o.parts for f in p.functions):
        parts.append("<p class='rules'>Each function's points are <b>all or nothing</b> (one failing check and "
                     "it scores 0) or <b>partial</b> (the share of its checks that passed), as each part of the "
                     "notebook states.</p>")
    if o.to_fix:
        parts.append(f"<h2>To fix ({len(o.to_fix)})</h2>")
        for f in o.to_fix:
            passed = f.total - len(f.failures)
            parts.append(
                f"<section class='fn'><h3><span>{e(f.name)}</span><span class='lost'>{minus(f.lost)}</span>"
                f"<span class='pts'>{f.points:g} / {f.max_points:g}</span></h3>"
                f"<p class='meta'>{e(f.cell)} · {rule_words(f.rule)} · {_failed_checks(f)}</p>")
            for failure in f.failures:
                parts.append(f"<div class='check'><div class='name'>✗ {e(check_name(failure['test']))}</div>"
                             f"<div class='msg'>{e(failure['message'] or 'failed')}</div></div>")
            if passed:
                parts.append(f"<details><summary>{passed} check{'s' if passed != 1 else ''} passed</summary>"
                             f"{_checks_list(f, passed_only=True)}</details>")
            parts.append("</section>")
    parts.append("<h2>Score by part</h2>")
    for part in o.parts:
        parts.append(f"<h3>{e(part.cell)} — {part.score:g} / {part.max_score:g}</h3>"
                     "<table><colgroup><col class='c1'><col class='c2'><col class='c3'><col class='c4'>"
                     "</colgroup><tr><th>function</th><th>scored</th><th class='num'>checks</th>"
                     "<th class='num'>points</th></tr>")
        for f in part.functions:
            parts.append(f"<tr class='{'failed' if f.failures else 'passed'}'>"
                         f"<td><details><summary>{e(f.name)}</summary>{_checks_list(f)}</details></td>"
                         f"<td>{rule_words(f.rule)}</td><td class='num'>{f.passed} / {f.total}</td>"
                         f"<td class='num'>{f.points:g} / {f.max_points:g}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"


LEVELS = ("nothing", "pass_fail", "scores", "messages")  # what a student may see before the deadline


def render_limited(result: SubmissionResult, title: str, show: str, kept: float | None = None) -> str:
    """Before the deadline, what the course lets a student see of a graded submission: ``nothing``
    (received and graded), ``pass_fail`` per function, ``scores`` (points, no messages), or
    ``messages`` (the whole page). ``kept``: a better earlier score that still counts."""
    if show == "messages":
        page = render(result, title)
    else:
        e = html.escape
        o = outline(result)
        parts = [f"<!doctype html><meta charset='utf-8'><title>{e(title)} — feedback</title><style>{STYLE}</style>",
                 f"<h1>{e(title)}</h1><p class='who'>Feedback for <b>{e(result.student or '')}</b></p>"]
        if show == "nothing" or result.error:
            parts.append("<p class='summary'>Your submission was received and graded. "
                         + ("It could not be run to the end: check that every cell runs. " if result.error else "")
                         + "Its results come after the deadline.</p>")
        else:
            if show == "scores":
                parts.append(f"<p class='score'>Score: <b>{o.score:g}</b> / {o.max_score:g}</p>")
            parts.append("<p class='summary'>Before the deadline the course shows "
                         + ("each function's points" if show == "scores" else "which functions pass")
                         + ", not the checks' messages.</p><table><tr><th>function</th><th></th>"
                         + ("<th class='num'>points</th>" if show == "scores" else "") + "</tr>")
            for part in o.parts:
                for f in part.functions:
                    verdict = "<span class='bad'>✗ failed</span>" if f.failures else "<span class='ok'>✓ passed</span>"
                    points = f"<td class='num'>{f.points:g} / {f.max_points:g}</td>" if show == "scores" else ""
                    parts.append(f"<tr><td>{e(f.name)}</td><td>{verdict}</td>{points}</tr>")
            parts.append("</table>")
        page = "\n".join(parts) + "\n"
    if kept is not None:
        note = (f"<p class='note'>Your best submission so far scored {kept:g} and still counts"
                + (f"; this one scored {result.score:g}." if show in ("scores", "messages") else ".") + "</p>")
        page = page.replace("</h1>", "</h1>" + note, 1)
    return page


def write_feedback(folder: Path, result: SubmissionResult, notebook: str, title: str, submitted: Path,
                   show: str = "messages", kept: float | None = None) -> Path:
    """The student's feedback page in ``folder`` (``Course.feedback_dir``), with the files nbgrader's
    release_feedback matches it by; ``show`` and ``kept`` as in :func:`render_limited`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        if (submitted / name).is_file():
            shutil.copy(submitted / name, folder / name)
    out = folder / f"{Path(notebook).stem}.html"
    out.write_text(render_limited(result, title, show, kept), encoding="utf-8")
    return out
