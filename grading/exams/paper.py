"""Paper exams: printable forms A, B, ... with a key each, and the TAs' per-question scores.

Release draws one set of variants per *form* (the manifest's "persons" are "A", "B", ...).
``write_forms`` then writes, in ``COURSE/exams/<exam>/forms/`` (staff only):

* ``form_A.html``: the printable paper. A4 print CSS; a cover page with the instructions and a
  score table for the graders; each zone starts on a new page; every page repeats the form letter
  and a box for the name and student number; every question has its points, its slot id (the id
  the TAs enter), room for working and an answer box. Browsers print it (Ctrl-P, A4, no
  headers/footers); ``pdf=True`` also prints it with a headless Chromium when one is on PATH.
* ``key_A.html``: for the graders, every question of form A in the same order with its answer
  (the kind's ``shown``), what to accept, the named mistakes (distractors) to recognise, the model
  solution of a hand-marked question, and any regrade the manifest records.
* ``scores_template.csv``: ``student,form,question,points,grader,comment``, one row per question
  per form in the printed order, to be copied per student.

``import_scores`` reads the TAs' file, long format, one row per (student, question)::

    student,form,question,points,grader,comment
    s001,B,q03,"7,5",JD,missed the +1

Optional ``exam_id`` and ``max_points`` columns are checked when present; ``student_id`` and
``question_id`` are read as ``student`` and ``question``. The file is read like every other CSV
import (:mod:`grading.imports`: UTF-8 with or without BOM, ';'-separated from Excel, decimal
comma, line 1 is the header). A blank points cell means *not graded yet*: the gradebook cell stays
without a score and flagged, and the student has no exam total until it is scored (never a 0).
Questions a file has no row for are left as they are, so TAs may import one question or one pile
at a time; a later row for the same (student, question) replaces the score.

Every problem is collected and raised together (:class:`~grading.imports.ImportProblems`, with
line numbers); nothing is written unless the whole file is right. Then the scores go into nbgrader's
gradebook as manual scores (assignment and notebook = the exam id, one grade cell per slot), each
student's form into ``forms.json`` (student -> form, for item analysis per variant), and the
graders and comments into ``paper_scores.json``.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
from difflib import get_close_matches
from pathlib import Path

from ..course import Course
from ..gradebook import CourseGradebook
from ..imports import ImportProblems, _done, _known, _number, _read, read_roster
from . import manifest as manifests
from .exam_file import Exam, ExamFileError
from .kinds import kind_from

FORMS_DIR = "forms"
FORMS_FILE = "forms.json"
SCORES_FILE = "paper_scores.json"
TEMPLATE_FILE = "scores_template.csv"
TEMPLATE_HEADER = ["student", "form", "question", "points", "grader", "comment"]
ALIASES = {"student_id": "student", "question_id": "question"}


# --- shared ---------------------------------------------------------------------------------------

def _paper_manifest(course_root: Path, exam: Exam) -> tuple[Path, dict, list[str]]:
    """(exam folder, manifest, form letters) of a released paper exam."""
    if exam.mode != "paper":
        raise ExamFileError(f"{exam.id} is an online exam (mode = {exam.mode!r}); printed forms and score "
                            "imports are for exams with mode = \"paper\" in exam.toml")
    folder = manifests.exam_dir(Path(course_root), exam.id)
    if not (folder / "manifest.json").is_file():
        raise ExamFileError(f"{exam.id} has not been released (no {folder / 'manifest.json'}): "
                            f"run `dlgrade exam release {exam.id} --course {course_root}` first; it draws the forms")
    manifest = manifests.read(folder)
    forms = sorted(manifest["variants"])
    if not forms or any(not (len(f) == 1 and f.isupper()) for f in forms):
        raise ExamFileError(f"{folder / 'manifest.json'} holds variants for {', '.join(forms[:5]) or 'nobody'}, "
                            "not forms A, B, ...: it was released as an online exam")
    return folder, manifest, forms


def _pts(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


# --- markdown, the little the templates use ---------------------------------------------------------

def _inline(text: str) -> str:
    """`code`, **bold**, *italic*; everything else escaped (math stays plain text)."""
    out = []
    for i, part in enumerate(re.split(r"(`[^`]*`)", text)):
        if i % 2:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part, quote=False)
        part = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"<strong>\1</strong>", part)
        part = re.sub(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", r"<em>\1</em>", part)
        out.append(part)
    return "".join(out)


def markdown_html(text: str) -> str:
    """Paragraphs, bullet and numbered lists, headings, fenced code and inline markup."""
    blocks, lines, i = [], str(text).replace("\r\n", "\n").split("\n"), 0
    para: list[str] = []

    def flush():
        if para:
            blocks.append("<p>" + " ".join(_inline(p.strip()) for p in para) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            flush()
            body, i = [], i + 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append("<pre>" + html.escape("\n".join(body)) + "</pre>")
        elif re.match(r"\s*[-*] ", line) or re.match(r"\s*\d+[.)] ", line):
            flush()
            tag = "ul" if re.match(r"\s*[-*] ", line) else "ol"
            items = []
            while i < len(lines) and re.match(r"\s*([-*]|\d+[.)]) ", lines[i]):
                items.append("<li>" + _inline(re.sub(r"^\s*([-*]|\d+[.)]) ", "", lines[i])) + "</li>")
                i += 1
            blocks.append(f"<{tag}>" + "".join(items) + f"</{tag}>")
            continue
        elif re.match(r"#{1,6} ", line):
            flush()
            blocks.append("<h4>" + _inline(line.lstrip("#").strip()) + "</h4>")
        elif not line.strip():
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return "\n".join(blocks)


# --- the forms and keys -----------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 14mm 16mm 16mm 16mm;
        @bottom-center { content: "__FOOTER__ · page " counter(page); font: 8pt sans-serif; color: #555; } }
* { box-sizing: border-box; }
body { font: 10.5pt/1.4 "DejaVu Serif", Georgia, serif; color: #000; margin: 0; }
code, pre { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 9.5pt; }
pre { white-space: pre-wrap; border-left: 2px solid #999; padding-left: 3mm; }
table.sheet { width: 100%; border-collapse: collapse; }
table.sheet > thead > tr > td, table.sheet > tbody > tr > td { padding: 0; }
section.page { break-before: page; page-break-before: always; }
section.page:first-of-type { break-before: auto; page-break-before: auto; }
.head { display: flex; align-items: stretch; gap: 3mm; border-bottom: 1.5pt solid #000;
        padding-bottom: 2mm; margin-bottom: 4mm; font: 9pt sans-serif; }
.head .letter { font: bold 20pt sans-serif; border: 1.5pt solid #000; padding: 0 3mm; display: flex;
                align-items: center; }
.head .title { flex: 1; display: flex; flex-direction: column; justify-content: center; }
.head .who { display: flex; gap: 2mm; }
.head .field { border: 1pt solid #000; width: 52mm; height: 11mm; padding: 0.5mm 1.5mm; font-size: 7pt; }
.head .field.number { width: 36mm; }
h1 { font: bold 17pt sans-serif; margin: 6mm 0 3mm; }
h2 { font: bold 13pt sans-serif; margin: 0 0 3mm; }
h4 { font: bold 10.5pt sans-serif; margin: 2mm 0 1mm; }
.big-letter { font: bold 64pt sans-serif; border: 3pt solid #000; width: 34mm; text-align: center; margin: 4mm 0; }
.question { break-inside: avoid; page-break-inside: avoid; margin-bottom: 6mm; }
.question .qhead { display: flex; justify-content: space-between; font: bold 11pt sans-serif;
                   border-bottom: 0.5pt solid #000; margin-bottom: 1.5mm; }
.question .qid { font: 8.5pt sans-serif; color: #333; }
.question p { margin: 1mm 0; }
.how { font-style: italic; font-size: 9.5pt; }
.working { border: 0.75pt dashed #777; margin-top: 2mm; padding: 1mm 2mm; font: 7.5pt sans-serif; color: #666; }
.answerbox { display: flex; align-items: center; gap: 3mm; margin-top: 2mm; font: bold 10pt sans-serif; }
.answerbox .box { border: 1.5pt solid #000; height: 12mm; flex: 1; max-width: 110mm; }
.answerbox .box.letter { flex: none; width: 30mm; }
.answerbox .scored { font: 8pt sans-serif; border: 1pt solid #000; width: 24mm; height: 12mm; padding: 0.5mm 1mm; }
table.scores { border-collapse: collapse; margin-top: 4mm; font: 9pt sans-serif; }
table.scores th, table.scores td { border: 0.75pt solid #000; padding: 1.5mm 3mm; text-align: left; }
table.scores td.blank { width: 24mm; }
ul, ol { margin: 1mm 0 1mm 6mm; padding-left: 4mm; }
.key .answer { font: bold 11pt sans-serif; margin: 1.5mm 0; }
.key .answer code, .key .answer pre { font-size: 10.5pt; }
.key .meta, .key .override { font: 8.5pt sans-serif; color: #333; }
.key .override { color: #000; border: 1pt solid #000; padding: 1mm 2mm; margin: 1mm 0; }
.key table.mistakes { border-collapse: collapse; font: 9pt sans-serif; margin: 1mm 0; }
.key table.mistakes td, .key table.mistakes th { border: 0.5pt solid #888; padding: 0.7mm 2mm; text-align: left; }
.noprint { font: 9pt sans-serif; background: #ffd; border: 1px solid #cc9; padding: 2mm 3mm; margin-bottom: 4mm; }
@media print { .noprint { display: none; } }
@media screen { body { max-width: 190mm; margin: 8mm auto; } section.page { border-top: 2px dashed #aaa;
                padding-top: 6mm; margin-top: 10mm; } }
"""

# room for working, and the answer area, by kind (millimetres)
WORKING = {"exact": 40, "relabs": 45, "sigfigs": 45, "shape": 40, "vector": 50, "choice": 20, "choiceset": 25}
WRITE_AREA = {"code": 90, "manual": 110}


def _head(exam: Exam, form: str, what: str = "") -> str:
    """The band on top of every printed page: form letter, exam, name and student number."""
    return (f'<div class="head"><div class="letter">{form}</div>'
            f'<div class="title"><b>{html.escape(exam.title)}</b><span>Form {form}{what}</span></div>'
            '<div class="who"><div class="field">Name</div><div class="field number">Student number</div></div></div>')


def _page(head: str, body: str) -> str:
    """A page group whose header repeats on every printed page it spans (a table's thead does)."""
    return (f'<section class="page"><table class="sheet"><thead><tr><td>{head}</td></tr></thead>'
            f'<tbody><tr><td>{body}</td></tr></tbody></table></section>')


def _document(title: str, footer: str, pages: list[str], note: str, body_class: str = "form") -> str:
    css = CSS.replace("__FOOTER__", footer.replace('"', "'"))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{css}</style></head><body class=\"{body_class}\">\n"
            f'<div class="noprint">{note}</div>\n' + "\n".join(pages) + "\n</body></html>\n")


def _zones_in_order(exam: Exam, entry: dict) -> list[tuple[int, list[tuple[int, str]]]]:
    """[(zone index, [(question number, slot id), ...]), ...] in the form's printed order."""
    zone_of = {s.id: s.zone for s in exam.slots}
    groups: list[tuple[int, list[tuple[int, str]]]] = []
    for number, slot in enumerate(entry["order"], start=1):
        if not groups or groups[-1][0] != zone_of[slot]:
            groups.append((zone_of[slot], []))
        groups[-1][1].append((number, slot))
    return groups


def _paper_how(v: dict) -> str:
    kind = kind_from(v["kind"])
    name = v["kind"]["kind"]
    if name == "choice":
        return "Write the letter of the one right option in the box."
    if name == "choiceset":
        return "Write the letters of every true statement in the box (e.g. AC)."
    if name == "manual":
        return "Write your derivation or explanation in the space below."
    if name == "code":
        return f"Write the Python function <code>{html.escape(kind.function)}</code> in the space below (NumPy is np)."
    return f"Answer with {_inline(kind.how())}; show your working."


def _question_html(number: int, slot: str, v: dict) -> str:
    name = v["kind"]["kind"]
    parts = [f'<div class="question"><div class="qhead"><span>Question {number}</span>'
             f'<span>{_pts(v["points"])} <span class="qid">· {slot}</span></span></div>',
             markdown_html(v["text"]), f'<p class="how">{_paper_how(v)}</p>']
    if name in WRITE_AREA:
        parts.append(f'<div class="working" style="height:{WRITE_AREA[name]}mm"></div>')
    else:
        parts.append(f'<div class="working" style="height:{WORKING.get(name, 40)}mm">working</div>')
        letter = " letter" if name in ("choice", "choiceset") else ""
        parts.append(f'<div class="answerbox">Answer <div class="box{letter}"></div></div>')
    parts.append("</div>")
    return "".join(parts)


def _cover(exam: Exam, form: str, entry: dict, revision: int) -> str:
    minutes = int(exam.duration.total_seconds() // 60)
    when = f"{exam.start:%A %d %B %Y, %H:%M}, " if exam.start else ""
    rows = "".join(f"<tr><td>{n}</td><td>{slot}</td><td>{entry['slots'][slot]['points']:g}</td>"
                   f'<td class="blank"></td><td class="blank"></td></tr>'
                   for n, slot in enumerate(entry["order"], start=1))
    body = (f"<h1>{html.escape(exam.title)}</h1><div class=\"big-letter\">{form}</div>"
            f"<p>{when}{minutes} minutes. {len(entry['order'])} questions, {exam.max_points:g} points in all.</p>"
            "<ul><li>Write your name and student number in the boxes at the top of <b>every</b> page.</li>"
            "<li>Answer each question in its box; show your working in the space above it. Only the box is "
            "marked for a numeric answer, but working can earn partial marks.</li>"
            "<li>Fractions such as 4/7 are fine; round other answers to at least 3 significant figures.</li>"
            f"<li>Hand in every page of this form (form {form}).</li></ul>"
            "<h2>For the graders</h2>"
            "<table class=\"scores\"><tr><th>Question</th><th>Id</th><th>Max</th><th>Points</th><th>Grader</th></tr>"
            f"{rows}<tr><td colspan=\"2\"><b>Total</b></td><td>{exam.max_points:g}</td>"
            "<td class=\"blank\"></td><td class=\"blank\"></td></tr></table>")
    return _page(_head(exam, form, f" · revision {revision}"), body)


def form_html(exam: Exam, form: str, entry: dict, revision: int) -> str:
    pages = [_cover(exam, form, entry, revision)]
    for zone, questions in _zones_in_order(exam, entry):
        body = f"<h2>{html.escape(exam.zones[zone].title)}</h2>" + "".join(
            _question_html(n, slot, entry["slots"][slot]) for n, slot in questions)
        pages.append(_page(_head(exam, form), body))
    note = (f"Form {form} of {html.escape(exam.title)} ({exam.id}, manifest revision {revision}). Print on A4 "
            "with the browser's headers and footers off; this note is not printed.")
    return _document(f"{exam.id} form {form}", f"{exam.id} · form {form}", pages, note)


def _shown(kind, value) -> str:
    try:
        return kind.shown(value)
    except Exception:  # a distractor that is not of the answer's form
        return repr(value)


def _key_question(number: int, slot: str, v: dict, override: dict | None) -> str:
    kind = kind_from(v["kind"])
    name = v["kind"]["kind"]
    parts = [f'<div class="question"><div class="qhead"><span>Question {number}</span>'
             f'<span>{_pts(v["points"])} <span class="qid">· {slot}</span></span></div>',
             f'<div class="meta">template {html.escape(v["template"])} v{v["version"]}; parameters: '
             + html.escape(", ".join(f"{k} = {p}" for k, p in v["params"].items()) or "none") + "</div>",
             markdown_html(v["text"])]
    if name == "manual":
        parts.append('<div class="answer">Model solution:</div>' + markdown_html(kind.shown(v["answer"])))
    elif name == "code":
        parts.append(f'<div class="answer">Reference solution:</div><pre>{html.escape(v["key"])}</pre>')
        if v.get("cases"):
            parts.append('<div class="meta">Checks: ' + html.escape("; ".join(
                f"{kind.function}{tuple(c)!r} = {o!r}" for c, o in zip(v["cases"], v["answer"]))) + "</div>")
    else:
        parts.append(f'<div class="answer">Answer: <code>{html.escape(_shown(kind, v["answer"]))}</code></div>')
        if name not in ("choice", "choiceset"):
            parts.append(f'<div class="meta">Accept {html.escape(kind.how())}.</div>')
    if v.get("distractors"):
        rows = "".join(f"<tr><td>{html.escape(n)}</td><td><code>"
                       + (html.escape(_shown(kind, d)) if name != "code" else "other outputs")
                       + "</code></td></tr>" for n, d in v["distractors"].items())
        parts.append('<table class="mistakes"><tr><th>Named mistake</th><th>gives</th></tr>' + rows + "</table>")
    if override:
        what = ("everyone gets the full points" if override["action"] == "full_marks" else
                "also accept as right: " + ", ".join(override.get("distractors", [])))
        parts.append(f'<div class="override">Regrade (revision {override.get("revision", "?")}): {html.escape(what)}'
                     + (f" — {html.escape(override['reason'])}" if override.get("reason") else "") + "</div>")
    parts.append("</div>")
    return "".join(parts)


def key_html(exam: Exam, form: str, entry: dict, manifest: dict) -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{slot}</td><td>{entry['slots'][slot]['points']:g}</td>"
                   f"<td><code>{html.escape(_short_key(entry['slots'][slot]))}</code></td></tr>"
                   for n, slot in enumerate(entry["order"], start=1))
    pages = [_page(_head(exam, form, " · KEY, staff only"),
                   f"<h1>Key to form {form}</h1><p>{html.escape(exam.title)} ({exam.id}), manifest revision "
                   f"{manifest['revision']}. In the score file, <b>question</b> is the id (second column), "
                   "<b>points</b> a number from 0 to the maximum; leave points blank for a question not yet "
                   "marked (a blank is not a 0).</p><table class=\"scores\"><tr><th>Question</th><th>Id</th>"
                   f"<th>Max</th><th>Answer</th></tr>{rows}</table>")]
    for zone, questions in _zones_in_order(exam, entry):
        body = f"<h2>{html.escape(exam.zones[zone].title)}</h2>" + "".join(
            _key_question(n, slot, entry["slots"][slot], manifest.get("overrides", {}).get(slot))
            for n, slot in questions)
        pages.append(_page(_head(exam, form, " · KEY"), body))
    note = f"Key to form {form} of {exam.id}: staff only, never hand it out."
    return _document(f"{exam.id} key {form}", f"{exam.id} · KEY form {form}", pages, note, "key")


def _short_key(v: dict) -> str:
    name = v["kind"]["kind"]
    if name == "manual":
        return "by hand (model solution below)"
    if name == "code":
        return "by hand (reference below)"
    return _shown(kind_from(v["kind"]), v["answer"])


def scores_template(exam: Exam, manifest: dict, forms: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(["", form, slot, "", "", ""] for form in forms for slot in manifest["variants"][form]["order"])
    return out.getvalue()


def write_forms(course_root: Path, exam: Exam, pdf: bool = False) -> list[Path]:
    """``forms/form_X.html`` and ``forms/key_X.html`` for every form, and ``forms/scores_template.csv``;
    with ``pdf``, also a PDF of each (needs ``chromium`` on PATH). Returns the written paths."""
    folder, manifest, forms = _paper_manifest(Path(course_root), exam)
    out = folder / FORMS_DIR
    written = []
    for form in forms:
        entry = manifest["variants"][form]
        written.append(manifests.write_private(out / f"form_{form}.html", form_html(exam, form, entry, manifest["revision"])))
        written.append(manifests.write_private(out / f"key_{form}.html", key_html(exam, form, entry, manifest)))
    written.append(manifests.write_private(out / TEMPLATE_FILE, scores_template(exam, manifest, forms), encoding="utf-8-sig"))
    if pdf:
        written += [_pdf(p) for p in written if p.suffix == ".html"]
    manifests.log(folder, {"action": "forms", "revision": manifest["revision"], "forms": forms})
    return written


def _pdf(page: Path) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise ExamFileError("no chromium on PATH to print PDFs: open the HTML files in a browser and print "
                            "them (A4, headers and footers off)")
    target = page.with_suffix(".pdf")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", page.as_uri()], check=True, capture_output=True, timeout=120)
    target.chmod(0o600)
    return target


# --- the scores import ----------------------------------------------------------------------------

def _student_problem(sid: str, known: set[str], line: int, problems: list[str]) -> bool:
    if sid and sid not in known:
        padded = sorted(k for k in known if k.lstrip("0") == sid.lstrip("0") and k != sid)
        if padded:
            problems.append(f"line {line}: unknown student {sid!r}; the roster has {padded[0]!r} (a spreadsheet "
                            "may have dropped its leading zeros: format the column as text)")
            return False
    return _known(sid, known, line, problems)


def _read_forms(folder: Path) -> dict:
    path = folder / FORMS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def read_scores(course: Course, exam: Exam, path: str | Path) -> dict:
    """The file checked against the roster, the exam and earlier imports, without writing anything:
    ``{"scores": {student: {slot: points | None}}, "forms": {student: form}, "rows": {student: {slot:
    {points, grader, comment, line}}}, "blank": [(student, slot, line)], "skipped": n}``."""
    folder, manifest, forms = _paper_manifest(course.root, exam)
    roster_file = course.root / "roster.csv"
    if not roster_file.is_file():
        raise ExamFileError(f"no roster at {roster_file}: scores are imported for the roster's students")
    known = {s.id for s in read_roster(roster_file)}
    rows, problems = _read(path, required=())
    header = [ALIASES.get(h, h) for h in rows.header]
    missing = [c for c in ("student", "form", "question", "points", "grader") if c not in header]
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}; the header needs "
                        f"{','.join(TEMPLATE_HEADER)} (as in forms/{TEMPLATE_FILE}) and has "
                        f"{', '.join(rows.header) or 'nothing'}")
        return _done(path, problems, {})
    slots = {s.id: s for s in exam.slots}
    earlier = _read_forms(folder)
    scores: dict[str, dict] = {}
    detail: dict[str, dict] = {}
    form_of: dict[str, tuple[str, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    blank, skipped = [], 0
    for line, raw in rows:
        row = {ALIASES.get(k, k): v for k, v in raw.items()}
        sid, form, slot_id = row["student"], row["form"].upper(), row["question"]
        points_text, grader = row["points"], row["grader"]
        if not sid and not points_text and not grader and not row.get("comment"):
            skipped += 1  # a template row nobody filled in
            continue
        ok = _student_problem(sid, known, line, problems)
        exam_id = row.get("exam_id", "")
        if exam_id and exam_id != exam.id:
            problems.append(f"line {line}: exam_id {exam_id!r} is not this exam ({exam.id}); "
                            "is this another exam's file?")
            ok = False
        if form not in forms:
            problems.append(f"line {line}: " + (f"form {row['form']!r} is not one of this exam's forms"
                                                if form else "form is empty; write the letter on the paper")
                            + f" ({', '.join(forms)})")
            ok = False
        slot = slots.get(slot_id)
        if slot is None:
            hint = ""
            if slot_id.isdigit() and form in forms and 1 <= int(slot_id) <= len(manifest["variants"][form]["order"]):
                meant = manifest["variants"][form]["order"][int(slot_id) - 1]
                hint = f"; question {slot_id} of form {form} is {meant} (the id printed beside the points)"
            else:
                near = get_close_matches(slot_id, list(slots), n=1)
                hint = f"; did you mean {near[0]}?" if near else ""
            problems.append(f"line {line}: " + (f"unknown question {slot_id!r}" if slot_id else "question is empty")
                            + f"; the questions are {', '.join(slots)}" + hint)
            ok = False
        top = slot.points if slot else None
        given_max = row.get("max_points", "")
        if slot and given_max:
            value = _number(given_max)
            if value is None or abs(value - top) > 1e-9:
                problems.append(f"line {line}: max_points {given_max!r} for {slot.id}, but {slot.id} is worth "
                                f"{top:g} in exam.toml; is the file for another version of the exam?")
                ok = False
        points = None
        if points_text:
            points = _number(points_text)
            if points is None:
                problems.append(f"line {line}: points {points_text!r} is not a number (7.5 or 7,5; leave it "
                                "blank if the question is not marked yet)")
                ok = False
            elif top is not None and not 0 <= points <= top + 1e-9:
                problems.append(f"line {line}: points {points_text} is out of range 0-{top:g} for {slot_id}")
                ok = False
            if not grader:
                problems.append(f"line {line}: grader is empty; write who marked {slot_id or 'it'} (initials are fine)")
                ok = False
        if sid and slot:
            if (sid, slot.id) in seen:
                problems.append(f"line {line}: duplicate: {sid} {slot.id} is on line {seen[sid, slot.id]} too; "
                                "keep one of the two rows")
                ok = False
            else:
                seen[sid, slot.id] = line
        if sid and form in forms:
            first = form_of.setdefault(sid, (form, line))
            if first[0] != form:
                problems.append(f"line {line}: {sid} has form {form} here but form {first[0]} on line {first[1]}; "
                                "a student writes one form: check the letter on their paper")
                ok = False
            elif sid in earlier and earlier[sid] != form and first[1] == line:
                problems.append(f"line {line}: {sid} has form {form} here, but an earlier import recorded form "
                                f"{earlier[sid]} ({folder / FORMS_FILE}); check the paper, and if form {form} is "
                                f"right, remove {sid} from {FORMS_FILE} and import again")
                ok = False
        if not ok:
            continue
        scores.setdefault(sid, {})[slot.id] = points
        detail.setdefault(sid, {})[slot.id] = {"points": points, "grader": grader,
                                               "comment": row.get("comment", ""), "line": line}
        if points is None:
            blank.append((sid, slot.id, line))
    if not rows and not problems:
        problems.append(f"line 2: no scores: add one row per student and question ({','.join(TEMPLATE_HEADER)})")
    if not scores and not problems:
        problems.append(f"line 2: every row is an unfilled template row ({skipped}); "
                        "fill in student, points and grader")
    return _done(path, problems, {"scores": scores, "forms": {s: form_of[s][0] for s in scores},
                                  "rows": detail, "blank": blank, "skipped": skipped})


def import_scores(course: Course, exam: Exam, path: str | Path) -> dict:
    """Check the whole file (:func:`read_scores`), then write the manual scores per question into the
    gradebook and the forms and graders beside the manifest. Returns a summary with ``message``."""
    path = Path(path)
    checked = read_scores(course, exam, path)
    folder = manifests.exam_dir(course.root, exam.id)
    from .release import _gradebook
    _gradebook(course, exam)  # the exam's assignment, one grade cell per slot (release made it too)
    scores = checked["scores"]
    with CourseGradebook(course.db_url, course.course_id) as gradebook:
        for student in sorted(scores):
            gradebook.set_manual(exam.id, student, scores[student])
        after = {s: gradebook.submission_scores(exam.id, s) for s in scores}
    forms = _read_forms(folder) | checked["forms"]
    manifests.write_private(folder / FORMS_FILE, json.dumps(dict(sorted(forms.items())), indent=1) + "\n")
    kept = json.loads((folder / SCORES_FILE).read_text(encoding="utf-8")) if (folder / SCORES_FILE).is_file() else {}
    for student, rows in checked["rows"].items():
        kept.setdefault(student, {}).update({slot: r | {"file": path.name} for slot, r in rows.items()})
    manifests.write_private(folder / SCORES_FILE, json.dumps(dict(sorted(kept.items())), indent=1, sort_keys=True) + "\n")
    manifests.log(folder, {"action": "import", "file": str(path),
                           "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "students": sorted(scores),
                           "graded": sum(p is not None for s in scores.values() for p in s.values()),
                           "blank": [f"{s} {q}" for s, q, _ in checked["blank"]]})
    return _summary(course, exam, path, checked, after)


def _summary(course: Course, exam: Exam, path: Path, checked: dict, after: dict) -> dict:
    scores = checked["scores"]
    graded = sum(p is not None for s in scores.values() for p in s.values())
    to_grade = {s: [c.cell for c in sub.cells if c.manual is None] for s, sub in after.items() if sub is not None}
    to_grade = {s: cells for s, cells in to_grade.items() if cells}
    complete = sorted(s for s in scores if s not in to_grade)
    totals = {s: after[s].score for s in complete}
    by_form: dict[str, int] = {}
    for form in checked["forms"].values():
        by_form[form] = by_form.get(form, 0) + 1
    try:
        roster = [s.id for s in read_roster(course.root / "roster.csv")]
    except ImportProblems:
        roster = []
    known = set(_read_forms(manifests.exam_dir(course.root, exam.id)))
    no_rows = [s for s in roster if s not in known]
    blank = [{"student": s, "question": q, "line": line} for s, q, line in checked["blank"]]
    parts = [f"{exam.id}: imported {graded} question score{'s' if graded != 1 else ''} for {len(scores)} "
             f"student{'s' if len(scores) != 1 else ''} from {path.name} (forms "
             + ", ".join(f"{f}: {n}" for f, n in sorted(by_form.items())) + ")."]
    if blank:
        parts.append(f"{len(blank)} left blank, so not graded yet (not 0): "
                     + ", ".join(f"{b['student']} {b['question']} (line {b['line']})" for b in blank[:10])
                     + (" ..." if len(blank) > 10 else "") + ".")
    if checked["skipped"]:
        parts.append(f"{checked['skipped']} unfilled template row(s) skipped.")
    parts.append(f"{'All' if len(complete) == len(scores) else len(complete)} of them "
                 f"{'have' if len(complete) != 1 else 'has'} every question marked and an exam total (out of "
                 f"{exam.max_points:g})." if complete else "None of them has every question marked yet.")
    if to_grade:
        parts.append("Still to mark: " + "; ".join(f"{s} {', '.join(c)}" for s, c in sorted(to_grade.items())[:10])
                     + ("; ..." if len(to_grade) > 10 else "") + "; they have no exam total until then.")
    if no_rows:
        parts.append(f"{len(no_rows)} roster student(s) have no scores for {exam.id} yet (absent, or on "
                     f"another pile): {', '.join(no_rows[:10])}{' ...' if len(no_rows) > 10 else ''}.")
    return {"exam": exam.id, "file": str(path), "students": sorted(scores), "students_imported": len(scores),
            "questions_graded": graded, "questions_blank": len(blank), "blank": blank, "forms": checked["forms"],
            "still_to_grade": to_grade, "complete": complete, "totals": totals, "skipped_rows": checked["skipped"],
            "roster_without_scores": no_rows, "message": " ".join(parts)}
