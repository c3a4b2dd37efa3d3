"""The course report: ONE self-contained ``report.html`` (plots are inline base64 PNGs, the CSS is
inline), for the people who run the course to read at a glance.

Sections: Summary (students, passed, failed, median grade, per-slot counts), Final grades
(histogram coloured by pass/fail), Assignment scores (one panel per slot), Hidden tests most often
failed (top 15 tests by failure rate, from the autograder's results files), Submission times
(relative to each assignment's due date, from nbgrader's ``timestamp.txt``), Not passed (who and
why). Missing data gives a note in its section, never an exception.

Plots are drawn on ``matplotlib.figure.Figure`` objects (Agg canvas), so neither pyplot's global
state nor the process's backend is touched.
"""
from __future__ import annotations

import base64
import html
import io
import math
import struct
import textwrap
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .compute import GradeTable, SlotResult
from .course import Course
from .export import load_results, student_name
from .policy import Slot

PASS, FAIL, BLUE, LATE, DUE, GREY = "#2f855a", "#c53030", "#3f6ea6", "#dd8a1e", "#b83232", "#718096"
DPI = 144
TOP_TESTS = 15
OFF_CLOCK_DAYS = 14  # submission times further than this from the due date are drawn at the edge


# --- data ----------------------------------------------------------------------------------------------

def load_timestamps(course: Course, assignments) -> dict[str, dict[str, datetime]]:
    """``{assignment: {student: submission time}}``: when each collected submission arrived in the
    exchange (``Course.submission_time``), or its claimed time where no arrival was recorded."""
    found: dict[str, dict[str, datetime]] = {}
    for a in assignments:
        aid = a if isinstance(a, str) else a.id
        found[aid] = {}
        for student in course.submitted(aid):
            arrival = course.submission_time(student, aid)
            if arrival.trusted or arrival.claimed:
                found[aid][student] = arrival.trusted or arrival.claimed
    return found


def _time_notes(table: GradeTable) -> str:
    rows = [[r.student.id, s.slot, s.status, _num(s.late_hours, 1), s.note]
            for r in table.rows for s in r.slots if s.note]
    if not rows:
        return _note("Every collected submission's claimed time agrees with when it arrived in the exchange.")
    return _table(["student", "slot", "status", "late (h)", "times"], rows, numeric={3}, bad={4})


def failure_rates(results: dict[str, dict[str, dict]]) -> list[dict]:
    """Per hidden test: ``{assignment, test, runs, failed, rate}``, worst first.

    A submission counts for a test when its results file lists the test; a submission that crashed
    before any test ran (``error`` and no tests) is not counted against the tests."""
    runs: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for aid, by_student in results.items():
        for data in by_student.values():
            for test in data.get("tests") or []:
                key = (aid, str(test.get("name", "?")))
                runs[key][0] += 1
                runs[key][1] += 0 if test.get("passed") else 1
    rows = [{"assignment": a, "test": t, "runs": n, "failed": f, "rate": f / n}
            for (a, t), (n, f) in runs.items() if n]
    return sorted(rows, key=lambda r: (-r["rate"], -r["failed"], r["assignment"], r["test"]))


def _results(table: GradeTable, slot: Slot) -> list[SlotResult]:
    """Every student's result for ``slot``, in the table's order."""
    return [grade.slot(slot.id) for grade in table.rows]


def _handed_in(result: SlotResult) -> bool:
    return result.status not in ("not submitted", "excused")


def _finite(values) -> np.ndarray:
    values = np.asarray(list(values), dtype=float)
    return values[np.isfinite(values)]


# --- plots -------------------------------------------------------------------------------------------

def _png(fig: Figure) -> tuple[int, str]:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    data = buffer.getvalue()
    width = struct.unpack(">I", data[16:20])[0]  # PNG IHDR
    css_width = round(width * 96 / DPI)
    encoded = base64.b64encode(data).decode("ascii")
    return css_width, encoded


def _img(fig: Figure, alt: str) -> str:
    width, encoded = _png(fig)
    return (f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}" '
            f'style="width:{width}px">')


def _style(ax, title: str | None = None) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=10.5, fontweight="bold", color="#1a202c")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#a0aec0")
    ax.tick_params(colors="#4a5568", labelsize=8.5)
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.8)
    ax.set_axisbelow(True)


def _grade_bins(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """One bar per possible grade when grades sit on a coarse step (1, 0.5, 0.25, 0.1) and there
    are at most 30 of them (the bars then get a tick each); else 20 bars over the range."""
    low, high = float(values.min()), float(values.max())
    for step in (1.0, 0.5, 0.25, 0.1):
        if np.allclose(values / step, np.round(values / step), atol=1e-6) and (high - low) / step <= 30:
            return np.arange(low - step / 2, high + step, step), True
    if high == low:
        return np.array([low - 0.5, high + 0.5]), True
    return np.linspace(low, high, 21), False


def plot_final_grades(table: GradeTable) -> str | None:
    ok = _finite(g.final_grade for g in table.rows if g.passed)
    bad = _finite(g.final_grade for g in table.rows if not g.passed)
    values = np.concatenate([ok, bad])
    if not len(values):
        return None
    fig = Figure(figsize=(9, 3.3))
    ax = fig.add_subplot()
    bins, stepped = _grade_bins(values)
    ax.hist([ok, bad], bins=bins, stacked=True, color=[PASS, FAIL], edgecolor="white", linewidth=0.6,
            label=[f"passed ({len(ok)})", f"not passed ({len(bad)})"])
    median = float(np.median(values))
    ax.axvline(median, color="#1a202c", linestyle="--", linewidth=1)
    ax.annotate(f"median {median:g}", (median, 1), xycoords=("data", "axes fraction"), xytext=(4, -2),
                textcoords="offset points", va="top", fontsize=8.5, color="#1a202c")
    ax.set_xlabel("final grade", fontsize=9)
    ax.set_ylabel("students", fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if stepped and len(bins) <= 21:
        ax.set_xticks((bins[:-1] + bins[1:]) / 2)
    _style(ax)
    ax.legend(frameon=False, fontsize=8.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _img(fig, "histogram of final grades")


def plot_slot_scores(table: GradeTable) -> str | None:
    slots = table.policy.slots
    if not slots:
        return None
    ncols = min(3, len(slots))
    nrows = math.ceil(len(slots) / ncols)
    fig = Figure(figsize=(3.4 * ncols, 0.4 + 2.6 * nrows), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.1, w_pad=0.1)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, slot in zip(axes, slots):
        results = _results(table, slot)
        counted = [r for r in results if _handed_in(r) and math.isfinite(r.score)]
        values = np.array([r.score for r in counted], dtype=float)
        top = slot.points
        _style(ax, _wrap(slot.title, 36))
        missing = sum(r.status == "not submitted" for r in results)
        if not len(values):
            ax.text(0.5, 0.5, "no submissions", ha="center", va="center", transform=ax.transAxes,
                    color=GREY, fontsize=10)
            ax.set_xlim(0, top)
            ax.set_yticks([])
            stats = "nothing submitted"
        else:
            late = np.array([r.status in ("late", "past cap") for r in counted], dtype=bool)
            bins = np.linspace(0, top, 11)
            ax.hist([values[~late], values[late]], bins=bins, stacked=True, color=[BLUE, LATE],
                    edgecolor="white", linewidth=0.5, label=["on time", "late"])
            ax.set_xlim(0, top)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            stats = f"{len(values)} submitted · median {np.median(values):.2f}"
        if missing:
            stats += f" · {missing} missing"
        ax.set_xlabel(f"score (of {top:g})\n{stats}", fontsize=8.5, linespacing=1.5)
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel("students", fontsize=8.5)
    for ax in axes[len(slots):]:
        ax.set_visible(False)
    if any(ax.get_legend_handles_labels()[0] for ax in axes[:len(slots)]):
        fig.legend(handles=[_patch(BLUE, "on time"), _patch(LATE, "late / past cap")], loc="outside lower center",
                   ncols=2, frameon=False, fontsize=8.5)
    return _img(fig, "score distribution per assignment")


def _patch(color: str, label: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=color, label=label)


def plot_test_failures(rows: list[dict]) -> str | None:
    rows = [r for r in rows if r["failed"]][:TOP_TESTS]
    if not rows:
        return None
    rows = rows[::-1]  # worst at the top
    fig = Figure(figsize=(9.5, 0.8 + 0.3 * len(rows)))
    ax = fig.add_subplot()
    labels = [f"{_short(r['assignment'], 18)} · {_short(r['test'], 46)}" for r in rows]
    rates = [100 * r["rate"] for r in rows]
    colors = [FAIL if r["rate"] >= 0.5 else LATE if r["rate"] >= 0.2 else BLUE for r in rows]
    bars = ax.barh(range(len(rows)), rates, color=colors, height=0.68)
    ax.set_yticks(range(len(rows)), labels, fontsize=8.5)
    for bar, r in zip(bars, rows):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2,
                f"{100 * r['rate']:.0f}%  ({r['failed']}/{r['runs']})", va="center", fontsize=8, color="#2d3748")
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("submissions failing the test (%)", fontsize=9)
    _style(ax)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#e2e8f0", linewidth=0.8)
    return _img(fig, "hidden tests by failure rate")


def plot_submission_times(assignments, timestamps: dict[str, dict[str, datetime]]) -> tuple[str | None, list[str]]:
    """Small multiples: submissions per assignment by days relative to its due date."""
    panels, notes = [], []
    for a in assignments:
        due = getattr(a, "due", None)
        stamps = list(timestamps.get(a.id, {}).values())
        if not stamps:
            notes.append(f"{a.title}: no submissions.")
            continue
        if due is None:
            notes.append(f"{a.title}: no due date in the policy.")
            continue
        if due.tzinfo is None:
            due = due.replace(tzinfo=timezone.utc)
        days = np.array([(s - due).total_seconds() / 86400 for s in stamps])
        panels.append((a, days))
    if not panels:
        return None, notes
    span = max(max(float(np.clip(d, -OFF_CLOCK_DAYS, OFF_CLOCK_DAYS).max()), 0.25)
               - min(float(np.clip(d, -OFF_CLOCK_DAYS, OFF_CLOCK_DAYS).min()), -0.25) for _, d in panels)
    # one bin width for all panels (3 h, 6 h, 12 h, 1 d or 2 d), the finest giving at most 30 bars
    width = next((w for w in (0.125, 0.25, 0.5, 1.0) if span / w <= 30), 2.0)
    ncols = min(2, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig = Figure(figsize=(5.0 * ncols, 2.5 * nrows), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.1, w_pad=0.1)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (a, days) in zip(axes, panels):
        late = int((days > 0).sum())
        clipped = np.clip(days, -OFF_CLOCK_DAYS, OFF_CLOCK_DAYS)
        low, high = min(float(clipped.min()), -0.25), max(float(clipped.max()), 0.25)
        edges = np.arange(math.floor(low / width) * width, math.ceil(high / width) * width + width, width)
        ax.hist([clipped[clipped <= 0], clipped[clipped > 0]], bins=edges, stacked=True, color=[BLUE, LATE],
                edgecolor="white", linewidth=0.5)
        ax.axvline(0, color=DUE, linewidth=1.4)
        ax.annotate("due", (0, 1), xycoords=("data", "axes fraction"), xytext=(3, -2), textcoords="offset points",
                    va="top", fontsize=8, color=DUE, fontweight="bold")
        _style(ax, _wrap(f"{a.title} — {late} of {len(days)} after due", 52))
        ax.set_xlabel(f"days relative to the due date (bars of {_duration(width)})", fontsize=8.5)
        ax.set_ylabel("submissions", fontsize=8.5)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if (np.abs(days) > OFF_CLOCK_DAYS).any():
            notes.append(f"{a.title}: submissions more than {OFF_CLOCK_DAYS} days from the due date are drawn at "
                         "the edge of the plot.")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.legend(handles=[_patch(BLUE, "before the due date"), _patch(LATE, "after the due date")],
               loc="outside lower center", ncols=2, frameon=False, fontsize=8.5)
    return _img(fig, "submission times relative to the due date"), notes


def _duration(days: float) -> str:
    return f"{days:g} day" + ("s" if days > 1 else "") if days >= 1 else f"{days * 24:g} hours"


def _wrap(text: str, width: int) -> str:
    """At most two lines of ``width`` characters (a plot title), the rest cut with an ellipsis."""
    lines = textwrap.wrap(str(text), width) or [""]
    if len(lines) > 2:
        lines = [lines[0], _short(" ".join(lines[1:]), width)]
    return "\n".join(lines)


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- HTML ----------------------------------------------------------------------------------------------

CSS = """
:root { --ink:#1a202c; --muted:#5a6779; --line:#e2e8f0; --bg:#f7f9fb; --pass:#2f855a; --fail:#c53030; }
* { box-sizing:border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
main { max-width:1080px; margin:0 auto; padding:28px 32px 48px; }
header { border-bottom:2px solid var(--ink); margin-bottom:20px; padding-bottom:10px; }
h1 { font-size:24px; margin:0; letter-spacing:-.01em; }
.sub { color:var(--muted); font-size:13px; margin-top:2px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px 22px; margin:18px 0; }
h2 { font-size:16px; margin:0 0 4px; }
p.lead { color:var(--muted); margin:0 0 12px; font-size:13px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin:6px 0 16px; }
.card { border:1px solid var(--line); border-radius:6px; padding:10px 14px; background:#fbfcfd; }
.card .n { font-size:26px; font-weight:650; font-variant-numeric:tabular-nums; line-height:1.2; }
.card .l { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card.pass .n { color:var(--pass); } .card.fail .n { color:var(--fail); }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:5px 10px; border-bottom:1px solid var(--line); }
th { white-space:nowrap; font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em;
  border-bottom:1.5px solid #cbd5e0; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
tbody tr:nth-child(even) { background:#fafbfc; }
td.bad { color:var(--fail); font-weight:600; }
.note { color:var(--muted); font-style:italic; margin:6px 0; }
.plot { margin:8px 0 4px; overflow-x:auto; }
.plot img { max-width:100%; height:auto; display:block; }
footer { color:var(--muted); font-size:12px; text-align:center; margin-top:24px; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _num(value, digits: int | None = 2) -> str:
    """Fixed decimals for table columns; ``digits=None``: as short as exact (grades: 7, 6.5)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(value):
        return "–"
    return f"{value:g}" if digits is None else f"{value:.{digits}f}"


def _table(headers: list[str], rows: list[list], numeric: set[int] = frozenset(), bad: set[int] = frozenset()) -> str:
    head = "".join(f'<th class="num">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            classes = " ".join(c for c, on in (("num", i in numeric), ("bad", i in bad and value not in (0, "0", "")))
                               if on)
            cells.append(f'<td class="{classes}">{_e(value)}</td>' if classes else f"<td>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(anchor: str, title: str, lead: str, body: str) -> str:
    lead_html = f'<p class="lead">{lead}</p>' if lead else ""
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{lead_html}{body}</section>'


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


def _summary(table: GradeTable) -> str:
    passed = sum(g.passed for g in table.rows)
    grades = _finite(g.final_grade for g in table.rows)
    missing_total = 0
    rows = []
    for slot in table.policy.slots:
        results = _results(table, slot)
        status = [r.status for r in results]
        scores = _finite(r.score for r in results if _handed_in(r))
        missing = status.count("not submitted")
        missing_total += missing
        rows.append([slot.title, _num(slot.points, None), sum(map(_handed_in, results)), status.count("late"),
                     status.count("past cap"), missing, status.count("excused"),
                     _num(np.median(scores) if len(scores) else None), _num(scores.mean() if len(scores) else None)])
    cards = [("students", len(table.rows), ""), ("passed", passed, "pass"),
             ("not passed", len(table.rows) - passed, "fail"),
             ("median final grade", _num(np.median(grades), None) if len(grades) else "–", ""),
             ("missing submissions", missing_total, "fail" if missing_total else "")]
    html_cards = "".join(f'<div class="card {cls}"><div class="n">{_e(n)}</div><div class="l">{_e(label)}</div></div>'
                         for label, n, cls in cards)
    listing = (_table(["assignment", "points", "submitted", "late", "past cap", "not submitted", "excused",
                       "median score", "mean score"], rows, numeric=set(range(1, 9)), bad={5})
               if rows else _note("The policy has no assignments."))
    return f'<div class="cards">{html_cards}</div>' + listing


def _failed_list(table: GradeTable) -> str:
    failed = [g for g in table.rows if not g.passed]
    if not table.rows:
        return _note("No students.")
    if not failed:
        return _note("Everyone passed.")
    rows = [[g.student.id, student_name(g.student), _num(g.final_score), _num(g.final_grade, None), g.reason]
            for g in failed]
    rows.sort(key=lambda r: (str(r[1]).casefold(), str(r[0])))
    return _table(["student", "name", "final score", "final grade", "reason"], rows, numeric={2, 3})


def write_report(table: GradeTable, course: Course | None, out_dir: str | Path) -> Path:
    """Write ``<out_dir>/report.html`` (self-contained) for the grade table (its policy's slots and
    assignments, its students' results), with test results and submission times from ``course``
    (None: no course files), and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    policy = table.policy
    slots = policy.slots
    assignments = list(policy.assignments)
    results = load_results(course, assignments) if course is not None else {}
    timestamps = load_timestamps(course, assignments) if course is not None else {}

    parts = [_section("summary", "Summary", "", _summary(table))]

    grades = plot_final_grades(table)
    parts.append(_section("final-grades", "Final grades",
                          "Final grade after the policy's rounding; green passed, red did not.",
                          f'<div class="plot">{grades}</div>' if grades else _note("No final grades yet.")))

    scores = plot_slot_scores(table) if table.rows else None
    parts.append(_section("assignment-scores", "Assignment scores",
                          "Score per assignment slot after late penalties, submitted work only.",
                          f'<div class="plot">{scores}</div>' if scores else
                          _note("The policy has no assignments." if not slots else "No students.")))

    failures = failure_rates(results)
    tests = plot_test_failures(failures)
    if tests:
        body = f'<div class="plot">{tests}</div>'
    elif failures:
        body = _note("Every hidden test passed for every graded submission.")
    else:
        body = _note("No autograder results found (autograded/<student>/<assignment>/results.json).")
    crashed = sum(1 for by in results.values() for d in by.values() if d.get("error") and not d.get("tests"))
    if crashed:
        body += _note(f"{crashed} submission(s) crashed before any test ran; they are not counted above.")
    parts.append(_section("tests", "Hidden tests most often failed",
                          f"Top {TOP_TESTS} tests by the share of graded submissions that fail them "
                          "(red: half or more fail, orange: a fifth or more).", body))

    times, notes = plot_submission_times(assignments, timestamps)
    body = (f'<div class="plot">{times}</div>' if times else
            _note("No submission times found (collected submissions under submitted/<student>/<assignment>)."))
    body += "".join(_note(n) for n in notes if times or "no due date" in n)
    parts.append(_section("submission-times", "Submission times",
                          "Latest submission per student, relative to the due date as written in the policy "
                          "(before grace periods and extensions, which the grade table applies).", body))

    parts.append(_section("submission-checks", "Submission times to check",
                          "Lateness counts from when a submission arrived in the exchange, which a student "
                          "cannot set; listed here where the time the submission claims differs by more "
                          "than 5 minutes.", _time_notes(table)))
    parts.append(_section("not-passed", "Not passed", "Students who did not pass, and why.", _failed_list(table)))
    if course is not None and policy.exam is not None and policy.exam.id:
        from .exams.exam_file import load_exam
        from .exams.report import exam_section

        parts.append(exam_section(course, load_exam(policy.exam.id)))

    title = policy.title or policy.course_id
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} — grade report</title>
<style>{CSS}</style></head>
<body><main>
<header><h1>{_e(title)} — grade report</h1>
<div class="sub">course {_e(policy.course_id)} · {len(table.rows)} students · generated {_e(generated)}</div>
</header>
{"".join(parts)}
<footer>dlgrade</footer>
</main></body></html>
"""
    path = out_dir / "report.html"
    path.write_text(document, encoding="utf-8")
    return path
