"""Item analysis of a graded exam: how hard each question slot was, whether it separated strong
from weak students, how reliable the whole exam is, and whether a slot's alternative templates
(variants) were equally hard.

Input is one :class:`Response` per (student, slot); :func:`analyse` returns an :class:`ItemAnalysis`
of plain dataclasses, which :func:`to_text`, :func:`to_html` and :func:`to_json` render.

Notation: student i, slot j with maximum m_j, score x_ij (raw points), total T_i = Σ_j x_ij.

* facility        p_j = mean_i(x_ij) / m_j   (dichotomous items: the share correct)
* discrimination  D_j = p_j(U) − p_j(L), U and L the top and bottom 27 % of the students who took
                  slot j, ranked by T (Kelley); group size round(0.27·n); ties in T are ranked by
                  student id (ascending total, then ascending id: the lower group is the first g,
                  the upper the last g)
* item–rest r     r_j = corr(x_j, T − x_j)   (corrected item–total; None when either side is
                  constant, e.g. an item everyone got right)
* Cronbach's α    α = k/(k−1) · (1 − Σ_j σ²_j / σ²_T)
* KR-20           k/(k−1) · (1 − Σ_j p_j q_j / σ²_T)   (all slots 0/1 items; equals α there)
* SEM             s_T · √(1 − reliability)   (reliability = KR-20 when it applies, else α)
* weights         intended w_j = m_j / Σ m; effective e_j = cov(x_j, T) / σ²_T (Σ e_j = 1):
                  the share of the total's variance, i.e. of the ranking, a slot drives
* variant fairness  z = (p_v − p_s) / √(σ² · (1/n_v + 1/n_s)), p_s the facility of the slot's
                  other variants pooled, σ² the variance of x/m over the whole slot (for 0/1
                  items p̄(1 − p̄): the pooled two-proportion z test); flagged when |z| > 2 and
                  both sides have n ≥ 5

Missing data: a missing record means the slot was not taken, and the student is left out of that
slot's statistics; a blank (``answered=False``) scores 0 and counts; an ungraded response
(``points=None``) is left out and counted. Students with nothing scored are not counted at all.
α, KR-20, SEM and the effective weights need a score on every slot, so they use the students
scored on every slot (``ExamStats.complete``); variances there are population variances (ddof 0,
which α and KR-20 do not depend on as long as it is the same throughout), the reported SDs are
sample SDs (ddof 1).
"""
from __future__ import annotations

import math
import textwrap
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable

import numpy as np

# --- thresholds ----------------------------------------------------------------------------------
# Difficulty: the wide band. Blackboard flags facility outside 30–80 %, Rogō's F&D report outside
# 0.25–0.75; we flag only the extremes (the course's open numeric answers have a chance level near
# 0, so a hard item is not a guessing artefact), p > 0.90 and p < 0.20. At p = 0.2 a 0/1 item keeps
# 64 % of its largest possible variance p(1 − p).
EASY_ABOVE = 0.90
HARD_BELOW = 0.20
# Discrimination: corrected item–total r below 0.2 is weak (R performance::item_discrimination:
# |r| should exceed 0.2; Macmillan LaunchPad: ≥ 0.2 desired), and the same bar for the 27 % D
# (ParScore: 0.00–0.24 "room for improvement"); negative r or D is unacceptable (ParScore) and
# usually a miskeyed answer or an ambiguous question.
LOW_DISCRIMINATION = 0.20
# Kelley's upper and lower 27 % groups.
GROUP_SHARE = 0.27
# Variant fairness: facility more than 2 standard errors from the slot's other variants, each side
# with at least 5 scored responses (about a 5 % false alarm per variant when all are equal).
FAIRNESS_Z = 2.0
FAIRNESS_MIN_N = 5

OTHER_WRONG = "other wrong"

TOO_EASY, TOO_HARD = "too easy", "too hard"
LOW_DISC, NEGATIVE_DISC = "low discrimination", "negative discrimination"
HARDER, EASIER = "harder", "easier"


# --- data ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Response:
    """One student's answer to one slot.

    ``variant``: the template the student got for the slot. ``points``: None = not graded yet.
    ``distractor``: the named mistake a wrong answer matched (None: correct, or matched nothing).
    ``answered``: False = left blank (scores 0 whatever ``points`` says)."""

    student: str
    slot: str
    variant: str
    points: float | None
    max_points: float
    distractor: str | None = None
    answered: bool = True


@dataclass
class ItemStats:
    """Statistics of one slot pooled over its variants (``variant`` None) or of one variant."""

    slot: str
    variant: str | None
    n: int                      # scored responses: graded ones and blanks
    max_points: float
    facility: float | None      # p = mean(points) / max
    discrimination: float | None  # D, upper − lower 27 %
    item_rest_r: float | None   # corr(item, total − item)
    blanks: int
    ungraded: int
    distractors: dict[str, int] = field(default_factory=dict)  # named mistake (or OTHER_WRONG) → count
    fairness_z: float | None = None  # variants: z against the slot's other variants
    flags: list[str] = field(default_factory=list)

    @property
    def top_distractor(self) -> tuple[str, int] | None:
        """The most frequent named mistake (ties: by name), else None."""
        named = [(-c, name) for name, c in self.distractors.items() if name != OTHER_WRONG and c]
        if not named:
            return None
        count, name = min(named)
        return name, -count


@dataclass
class SlotAnalysis:
    slot: str
    max_points: float
    dichotomous: bool           # max 1 and every scored response 0 or 1
    pooled: ItemStats
    variants: list[ItemStats]
    intended_weight: float      # max / Σ max
    effective_weight: float | None  # cov(item, total) / var(total), students scored on every slot


@dataclass
class ExamStats:
    students: int               # students with at least one scored response
    complete: int               # of these, scored on every slot (α, KR-20, SEM, weights)
    items: int
    max_total: float
    mean: float | None          # totals of all counted students
    sd: float | None
    dichotomous: bool
    kr20: float | None          # all-dichotomous exams only
    alpha: float | None
    sem: float | None
    blanks: int
    ungraded: int

    @property
    def reliability(self) -> float | None:
        return self.kr20 if self.kr20 is not None else self.alpha


@dataclass
class ItemAnalysis:
    exam: ExamStats
    slots: list[SlotAnalysis]


# --- statistics ----------------------------------------------------------------------------------

def _score(r: Response) -> float | None:
    """Points that count: 0 for a blank, None when not graded."""
    if not r.answered:
        return 0.0
    return None if r.points is None else float(r.points)


def _check(responses: Iterable[Response]) -> list[Response]:
    records, seen, maxima = [], set(), {}
    for r in responses:
        if (r.student, r.slot) in seen:
            raise ValueError(f"two responses of {r.student!r} to slot {r.slot!r}")
        seen.add((r.student, r.slot))
        if not (math.isfinite(r.max_points) and r.max_points > 0):
            raise ValueError(f"slot {r.slot!r}: max points must be positive, not {r.max_points!r}")
        if maxima.setdefault(r.slot, r.max_points) != r.max_points:
            raise ValueError(f"slot {r.slot!r} is worth {maxima[r.slot]:g} and {r.max_points:g} points")
        if r.answered and r.points is not None and not math.isfinite(r.points):
            raise ValueError(f"{r.student!r}, slot {r.slot!r}: points {r.points!r}")
        records.append(r)
    return records


def corrected_r(item: np.ndarray, total: np.ndarray) -> float | None:
    """corr(x, T − x) over the students given; None with fewer than 2 or when x or T − x is constant."""
    item, rest = np.asarray(item, float), np.asarray(total, float) - np.asarray(item, float)
    if len(item) < 2 or np.ptp(item) == 0 or np.ptp(rest) == 0:
        return None
    a, b = item - item.mean(), rest - rest.mean()
    return float(np.sum(a * b) / math.sqrt(np.sum(a * a) * np.sum(b * b)))


def upper_lower(students: list[str], share: np.ndarray, total: np.ndarray) -> float | None:
    """D = mean share of max in the top 27 % by total − that in the bottom 27 %; g = round(0.27·n)
    students a group, ranked by (total, student id). None when n < 2."""
    n = len(students)
    g = math.floor(GROUP_SHARE * n + 0.5)
    if g < 1 or 2 * g > n:
        return None
    order = sorted(range(n), key=lambda i: (total[i], students[i]))
    share = np.asarray(share, float)
    return float(share[order[-g:]].mean() - share[order[:g]].mean())


def _item(slot: str, variant: str | None, records: list[Response], top: float,
          totals: dict[str, float]) -> ItemStats:
    scored = [(r.student, s) for r in records if (s := _score(r)) is not None]
    students = [who for who, _ in scored]
    x = np.array([s for _, s in scored], float)
    t = np.array([totals[who] for who in students], float)
    distractors: Counter[str] = Counter()
    for r in records:
        if not r.answered or r.points is None:
            continue
        if r.distractor is not None:
            distractors[r.distractor] += 1
        elif r.points < r.max_points:
            distractors[OTHER_WRONG] += 1
    return ItemStats(
        slot=slot, variant=variant, n=len(scored), max_points=top,
        facility=float(x.mean() / top) if len(x) else None,
        discrimination=upper_lower(students, x / top, t),
        item_rest_r=corrected_r(x, t),
        blanks=sum(not r.answered for r in records),
        ungraded=sum(r.answered and r.points is None for r in records),
        distractors=dict(sorted(distractors.items(), key=lambda kv: (kv[0] == OTHER_WRONG, -kv[1], kv[0]))))


def _flags(item: ItemStats) -> list[str]:
    flags = []
    if item.facility is not None and item.facility > EASY_ABOVE:
        flags.append(TOO_EASY)
    elif item.facility is not None and item.facility < HARD_BELOW:
        flags.append(TOO_HARD)
    found = [v for v in (item.item_rest_r, item.discrimination) if v is not None]
    if any(v < 0 for v in found):
        flags.append(NEGATIVE_DISC)
    elif any(v < LOW_DISCRIMINATION for v in found):
        flags.append(LOW_DISC)
    return flags


def fairness_z(variant: np.ndarray, siblings: np.ndarray) -> float | None:
    """z of a variant's facility against its siblings' pooled facility (shares of max given):
    (p_v − p_s) / √(σ²(1/n_v + 1/n_s)), σ² the population variance of both together. None when a
    side has fewer than FAIRNESS_MIN_N responses; 0 when every response scored the same."""
    if len(variant) < FAIRNESS_MIN_N or len(siblings) < FAIRNESS_MIN_N:
        return None
    both = np.concatenate([variant, siblings])
    var = float(both.var())
    if np.ptp(both) == 0:
        return 0.0
    return float((variant.mean() - siblings.mean()) / math.sqrt(var * (1 / len(variant) + 1 / len(siblings))))


def _cronbach(x: np.ndarray) -> float | None:
    """α of a complete students × slots matrix (population variances)."""
    n, k = x.shape
    var_t = float(x.sum(axis=1).var()) if n else 0.0
    if n < 2 or k < 2 or var_t == 0:
        return None
    return k / (k - 1) * (1 - float(x.var(axis=0).sum()) / var_t)


def _kr20(x: np.ndarray) -> float | None:
    n, k = x.shape
    var_t = float(x.sum(axis=1).var()) if n else 0.0
    if n < 2 or k < 2 or var_t == 0:
        return None
    p = x.mean(axis=0)
    return k / (k - 1) * (1 - float((p * (1 - p)).sum()) / var_t)


def analyse(responses: Iterable[Response]) -> ItemAnalysis:
    """Item analysis of ``responses`` (one per student and slot; slots in order of first
    appearance, variants by id). Raises ValueError on a repeated (student, slot), a slot with
    two different maxima, or non-positive maxima."""
    records = _check(responses)
    slot_ids = list(dict.fromkeys(r.slot for r in records))
    maxima = {r.slot: float(r.max_points) for r in records}
    scores: dict[str, dict[str, float]] = {}
    for r in records:
        if (s := _score(r)) is not None:
            scores.setdefault(r.student, {})[r.slot] = s
    totals = {who: sum(by.values()) for who, by in scores.items()}
    students = sorted(scores)
    complete = [who for who in students if len(scores[who]) == len(slot_ids)]
    matrix = np.array([[scores[who][s] for s in slot_ids] for who in complete], float).reshape(
        len(complete), len(slot_ids))
    t_complete = matrix.sum(axis=1)
    var_t = float(t_complete.var()) if len(complete) else 0.0
    max_total = sum(maxima.values())

    slots = []
    for j, slot in enumerate(slot_ids):
        mine = [r for r in records if r.slot == slot]
        top = maxima[slot]
        pooled = _item(slot, None, mine, top, totals)
        pooled.flags = _flags(pooled)
        variants = []
        for v in sorted({r.variant for r in mine}):
            item = _item(slot, v, [r for r in mine if r.variant == v], top, totals)
            inside = np.array([s / top for r in mine if r.variant == v and (s := _score(r)) is not None])
            others = np.array([s / top for r in mine if r.variant != v and (s := _score(r)) is not None])
            item.fairness_z = fairness_z(inside, others)
            if item.fairness_z is not None and abs(item.fairness_z) > FAIRNESS_Z:
                item.flags.append(HARDER if item.fairness_z < 0 else EASIER)
            variants.append(item)
        # the slot names its harder variants (with two, the other is then "easier"); its easier
        # ones only when none is harder (one easy variant among several)
        for direction in (HARDER, EASIER):
            named = [v.variant for v in variants if direction in v.flags]
            if named:
                pooled.flags.append(f"variant {', '.join(named)} {direction}")
                break
        dichotomous = top == 1 and all(_score(r) in (0.0, 1.0) for r in mine if _score(r) is not None)
        effective = None
        if len(complete) >= 2 and var_t > 0:
            column = matrix[:, j]
            effective = float(np.mean((column - column.mean()) * (t_complete - t_complete.mean())) / var_t)
        slots.append(SlotAnalysis(slot=slot, max_points=top, dichotomous=dichotomous, pooled=pooled,
                                  variants=variants, intended_weight=top / max_total,
                                  effective_weight=effective))

    dichotomous = bool(slots) and all(s.dichotomous for s in slots)
    alpha = _cronbach(matrix)
    kr20 = _kr20(matrix) if dichotomous else None
    reliability = kr20 if kr20 is not None else alpha
    sem = None
    if reliability is not None and len(complete) >= 2:
        sem = float(t_complete.std(ddof=1)) * math.sqrt(max(0.0, 1 - reliability))
    all_totals = np.array([totals[who] for who in students], float)
    exam = ExamStats(
        students=len(students), complete=len(complete), items=len(slot_ids), max_total=max_total,
        mean=float(all_totals.mean()) if len(students) else None,
        sd=float(all_totals.std(ddof=1)) if len(students) >= 2 else None,
        dichotomous=dichotomous, kr20=kr20, alpha=alpha, sem=sem,
        blanks=sum(not r.answered for r in records),
        ungraded=sum(r.answered and r.points is None for r in records))
    return ItemAnalysis(exam=exam, slots=slots)


# --- rendering -----------------------------------------------------------------------------------

def _f(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _rows(analysis: ItemAnalysis) -> list[list[str]]:
    """Table rows: slot, variant, n, p, D, r, blanks, top distractor, flags (one per slot, and one
    per variant after it when the slot has several)."""
    rows = []
    for s in analysis.slots:
        several = len(s.variants) > 1
        for item in [s.pooled] + (s.variants if several else []):
            top = item.top_distractor
            label = ("(all)" if several else (s.variants[0].variant if s.variants else "")) \
                if item.variant is None else "  " + item.variant
            rows.append([s.slot if item.variant is None else "", label, str(item.n), _f(item.facility),
                         _f(item.discrimination), _f(item.item_rest_r), str(item.blanks),
                         f"{top[0]} ({top[1]})" if top else "–", ", ".join(item.flags)])
    return rows


NOTE_WIDTH = 100
HEADERS = ["slot", "variant", "n", "p", "D", "r", "blanks", "top distractor", "flags"]


def _exam_lines(e: ExamStats) -> list[str]:
    lines = [f"students {e.students}" + (f" ({e.complete} scored on every slot)" if e.complete != e.students else "")
             + f" · slots {e.items} · total out of {e.max_total:g}",
             f"total: mean {_f(e.mean)} · sd {_f(e.sd)}"]
    if e.kr20 is not None:
        lines.append(f"KR-20 {_f(e.kr20, 3)} (= Cronbach's α) · SEM {_f(e.sem)}")
    else:
        lines.append(f"Cronbach's α {_f(e.alpha, 3)} · SEM {_f(e.sem)}")
    lines.append(f"blank answers {e.blanks} (scored 0) · ungraded responses {e.ungraded} (left out)")
    return lines


def _notes(analysis: ItemAnalysis) -> list[str]:
    e = analysis.exam
    notes = [
        "p = mean points / max; D = p in the top 27 % by total − p in the bottom 27 %; "
        "r = corr(item, total − item), – when either side is constant.",
        f"Flags: too easy p > {EASY_ABOVE:.2f}, too hard p < {HARD_BELOW:.2f}; low discrimination r or D < "
        f"{LOW_DISCRIMINATION:.2f}, negative r or D < 0; a variant harder or easier than the slot's other "
        f"variants by more than {FAIRNESS_Z:g} SE (n ≥ {FAIRNESS_MIN_N} on each side).",
        "A missing response means the slot was not taken (left out); a blank scores 0; ungraded responses "
        "are left out.",
    ]
    if e.complete != e.students:
        notes.append(f"Reliability, SEM and effective weights use the {e.complete} students scored on every slot.")
    if e.students >= 2:
        notes.append(f"With {e.students} students the SE of r is about 1/√N = {1 / math.sqrt(e.students):.2f}: "
                     "flags are prompts to review an item (miskeyed answer, ambiguous wording), not verdicts.")
    return notes


def to_text(analysis: ItemAnalysis) -> str:
    """A fixed-width table for the terminal, the exam-level lines, weights (when not every slot is
    0/1) and notes."""
    rows = [HEADERS] + _rows(analysis)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    right = {2, 3, 4, 5, 6}
    lines = []
    for k, row in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [""] + _exam_lines(analysis.exam)
    if not analysis.exam.dichotomous and analysis.slots:
        lines += ["", "weight per slot (intended → effective, share of the total's variance):"]
        width = max(len(s.slot) for s in analysis.slots)
        lines += [f"  {s.slot.ljust(width)}  {s.intended_weight:.2f} → {_f(s.effective_weight)}"
                  for s in analysis.slots]
    lines += [""] + [textwrap.fill(n, NOTE_WIDTH, initial_indent="note: ", subsequent_indent="      ")
                     for n in _notes(analysis)]
    return "\n".join(lines) + "\n"


def _clean(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def to_json(analysis: ItemAnalysis) -> dict:
    """The analysis as JSON-able data (non-finite numbers → None), with the thresholds used."""
    data = _clean(asdict(analysis))
    data["exam"]["reliability"] = _clean(analysis.exam.reliability)
    data["thresholds"] = {"easy_above": EASY_ABOVE, "hard_below": HARD_BELOW,
                          "low_discrimination": LOW_DISCRIMINATION, "group_share": GROUP_SHARE,
                          "fairness_z": FAIRNESS_Z, "fairness_min_n": FAIRNESS_MIN_N}
    return data


def plot_facility_discrimination(analysis: ItemAnalysis) -> str | None:
    """Scatter of facility against corrected r per slot, review zones shaded, flagged slots red, as
    an inline ``<img>`` (the course report's PNG embedding)."""
    from matplotlib.figure import Figure

    from ..report import BLUE, FAIL, GREY, _img, _style

    items = [s.pooled for s in analysis.slots if s.pooled.facility is not None]
    if not items:
        return None
    fig = Figure(figsize=(7, 4.2))
    ax = fig.add_subplot()
    r_values = [i.item_rest_r for i in items if i.item_rest_r is not None]
    low = min([-0.2] + [v - 0.08 for v in r_values])
    right = max([1.0] + [i.facility + 0.02 for i in items])
    zone = dict(color="#fde8e8", linewidth=0, zorder=0)
    ax.axvspan(min(0.0, min(i.facility for i in items)) - 0.02, HARD_BELOW, **zone)
    ax.axvspan(EASY_ABOVE, right + 0.02, **zone)
    ax.axhspan(low, LOW_DISCRIMINATION, **zone)
    ax.axhline(0, color="#a0aec0", linewidth=0.8)
    for item in items:
        undefined = item.item_rest_r is None
        y = 0.0 if undefined else item.item_rest_r
        color = FAIL if item.flags else BLUE
        ax.scatter([item.facility], [y], s=36, zorder=3, facecolors="white" if undefined else color,
                   edgecolors=GREY if undefined else color, linewidths=1.2)
        ax.annotate(item.slot, (item.facility, y), xytext=(4, 3), textcoords="offset points", fontsize=8,
                    color="#2d3748")
    ax.set_xlim(min(0.0, min(i.facility for i in items)) - 0.02, right + 0.02)
    ax.set_ylim(low, 1.0)
    caption = (f"shaded: flag zones (p < {HARD_BELOW:g}, p > {EASY_ABOVE:g}, r < {LOW_DISCRIMINATION:g}) · "
               "red: a flagged slot")
    if any(i.item_rest_r is None for i in items):
        caption += "\nopen circles: r undefined (everyone scored the same), drawn at 0"
    ax.set_xlabel(f"facility p (mean points / max)\n{caption}", fontsize=9, linespacing=1.6)
    ax.set_ylabel("corrected item–total r", fontsize=9)
    _style(ax)
    return _img(fig, "facility against discrimination per slot")


def to_html(analysis: ItemAnalysis) -> str:
    """An HTML ``<section>`` in the course report's markup (its CSS styles it): exam-level cards,
    the item table (with weights when not every slot is 0/1), the facility–discrimination plot,
    the distractor table and the notes."""
    from ..report import _e, _note, _section, _table

    e = analysis.exam
    reliability = ("KR-20", e.kr20) if e.kr20 is not None else ("Cronbach's α", e.alpha)
    cards = [("students", e.students), ("mean total", f"{_f(e.mean)} / {e.max_total:g}"), ("sd", _f(e.sd)),
             reliability, ("SEM", _f(e.sem))]
    body = '<div class="cards">' + "".join(
        f'<div class="card"><div class="n">{_e(v if isinstance(v, (str, int)) else _f(v, 3))}</div>'
        f'<div class="l">{_e(label)}</div></div>' for label, v in cards) + "</div>"

    if not analysis.slots:
        return _section("item-analysis", "Item analysis", "", body + _note("No responses."))
    headers, rows = list(HEADERS), [[row[0], row[1].strip(), *row[2:]] for row in _rows(analysis)]
    if not e.dichotomous:
        weights = {s.slot: s for s in analysis.slots}
        headers[-1:-1] = ["intended weight", "effective weight"]
        for row in rows:
            s = weights.get(row[0])
            row[-1:-1] = [f"{s.intended_weight:.2f}", _f(s.effective_weight)] if s else ["", ""]
    numeric = {2, 3, 4, 5, 6} | ({8, 9} if not e.dichotomous else set())
    body += _table(headers, rows, numeric=numeric, bad={len(headers) - 1})

    plot = plot_facility_discrimination(analysis)
    if plot:
        body += f'<div class="plot">{plot}</div>'

    distractor_rows = []
    for s in analysis.slots:
        for item in (s.variants if len(s.variants) > 1 else [s.pooled]):
            for name, count in item.distractors.items():
                distractor_rows.append([s.slot, item.variant or (s.variants[0].variant if s.variants else ""),
                                        name, count, f"{100 * count / item.n:.0f}%" if item.n else "–"])
    body += "<h3>Wrong answers by named mistake</h3>"
    body += (_table(["slot", "variant", "mistake", "count", "share of responses"], distractor_rows, numeric={3, 4})
             if distractor_rows else _note("No wrong answers recorded."))
    body += "".join(_note(n) for n in _exam_lines(e)[3:] + _notes(analysis))
    lead = ("Per slot pooled over its variants, then per variant: facility p, upper–lower 27 % "
            "discrimination D, corrected item–total r; flagged slots in red on the plot.")
    return _section("item-analysis", "Item analysis", lead, body)


__all__ = ["Response", "ItemStats", "SlotAnalysis", "ExamStats", "ItemAnalysis", "analyse", "to_text",
           "to_html", "to_json", "corrected_r", "upper_lower", "fairness_z", "plot_facility_discrimination",
           "EASY_ABOVE", "HARD_BELOW", "LOW_DISCRIMINATION", "GROUP_SHARE", "FAIRNESS_Z", "FAIRNESS_MIN_N",
           "OTHER_WRONG"]
