"""``dlgrade exam ...``: bank, release, deliver, snapshot, grade, regrade, report, forms, import."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path


def _course_and_exam(args):
    from ..course import Course
    from .exam_file import load_exam

    return Course.open(args.course), load_exam(args.exam)


def _bank(args) -> int:
    from .template import load_bank

    rows = [{"id": t.id, "topic": t.topic, "kind": t.kind.name, "version": t.version, "title": t.title}
            for t in sorted(load_bank().values(), key=lambda t: (t.topic, t.id))
            if args.topic in (None, t.topic)]
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            print(f"{r['topic']:15s} {r['id']:32s} {r['kind']:10s} {r['title']}")
        print(f"{len(rows)} templates")
    return 0


def _release(args) -> int:
    from .release import release_exam

    course, exam = _course_and_exam(args)
    done = release_exam(course, exam, args.students.split(",") if args.students else None)
    if args.json:
        print(json.dumps({"exam": done.exam, "new": done.new, "kept": done.kept, "folder": str(done.folder)}))
        return 0
    print(f"{exam.id}: variants drawn and checked for {len(done.new)} "
          + ("forms" if exam.mode == "paper" else "students") + (f" ({len(done.kept)} kept as they were)" if done.kept else ""))
    print(f"manifest, notebooks and sample variants with keys (samples.md) in {done.folder} (staff only)")
    if exam.mode == "paper":
        print(f"next: dlgrade exam forms {exam.id} --course {args.course} (printable forms and keys)")
    if exam.mode == "online":
        print(f"next: dlgrade exam deliver {exam.id} --course {args.course} --homes 'HOMES/{{student}}/COURSE' "
              "(on the course's hub: sudo python hub_config/exam.py deliver EXAM --start now)")
    return 0


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    if text == "now":
        return datetime.now(timezone.utc)
    stamp = datetime.fromisoformat(text)
    if stamp.tzinfo is None:
        raise SystemExit(f"dlgrade: --start {text!r} needs a time zone, e.g. 2027-01-25T09:00:00+01:00")
    return stamp


def _deliver(args) -> int:
    from .window import deliver

    course, exam = _course_and_exam(args)
    done = deliver(course.root, exam, args.homes, _when(args.start), accounts=args.accounts)
    print(f"{exam.id}: delivered to {len(done)} home folders" + (f" ({', '.join(done[:5])}...)" if done else ""))
    return 0


def _snapshot(args) -> int:
    from . import manifest as manifests
    from .window import snapshot, snapshot_until_done

    course, exam = _course_and_exam(args)
    students = sorted(manifests.read(manifests.exam_dir(course.root, exam.id))["variants"])
    run = snapshot_until_done if args.wait else snapshot
    taken = run(course.root, exam, args.homes, students, accounts=args.accounts)
    print(f"{exam.id}: copies taken for {len(taken)} students whose time has ended")
    return 0


def _grade(args) -> int:
    from .grade import grade_exam

    course, exam = _course_and_exam(args)
    results = grade_exam(course, exam, sandboxed=not args.unsandboxed, progress=not args.json)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=1))
        return 0
    for r in results:
        line = f"{r.student:12s} {r.total:6g} / {exam.max_points:g}  ({r.copy})"
        if r.error:
            line = f"{r.student:12s} not graded: {r.error}"
        print(line + "".join(f"\n    ! {f}" for f in r.flags))
    return 0


def _regrade(args) -> int:
    from . import manifest as manifests
    from .grade import grade_exam
    from .notebooks import render, write
    from .seeds import load_secret
    from .template import load_bank

    course, exam = _course_and_exam(args)
    folder = manifests.exam_dir(course.root, exam.id)
    action = "reroll" if args.reroll else "full_marks" if args.full_marks else "accept"
    m = manifests.change(folder, exam, load_secret(folder), load_bank(), action, args.slot,
                         student=args.reroll, accept=args.accept, reason=args.reason)
    print(f"{exam.id} revision {m['revision']}: {action} on {args.slot}" + (f" for {args.reroll}" if args.reroll else ""))
    if action == "reroll":
        write(render(exam, args.reroll, m["variants"][args.reroll]), folder / "notebooks" / args.reroll / f"{exam.id}.ipynb")
        print(f"{args.reroll}'s notebook is written again; deliver it before the exam starts "
              f"(remove their home copy first: delivery never replaces a student's work)")
        return 0
    results = grade_exam(course, exam, sandboxed=not args.unsandboxed, progress=True)
    print(f"regraded {sum(r.error is None for r in results)} students")
    return 0


def _report(args) -> int:
    from .report import exam_report

    course, exam = _course_and_exam(args)
    analysis, text, path = exam_report(course, exam, Path(args.out) if args.out else None)
    if args.json:
        from .analysis import to_json
        print(json.dumps(to_json(analysis), indent=1))
    else:
        print(text)
        print(f"\nwritten: {path}")
    return 0


def _feedback(args) -> int:
    from .feedback import write_feedback

    course, exam = _course_and_exam(args)
    pages = write_feedback(course, exam, args.homes, accounts=args.accounts)
    print(f"{exam.id}: feedback for {len(pages)} students in {pages[0].parent if pages else '-'}"
          + (" and in their home folders" if args.homes else ""))
    return 0


def _forms(args) -> int:
    from .paper import write_forms

    course, exam = _course_and_exam(args)
    for path in write_forms(course.root, exam):
        print(path)
    return 0


def _import(args) -> int:
    from .paper import import_scores

    course, exam = _course_and_exam(args)
    summary = import_scores(course, exam, Path(args.file))
    print(json.dumps(summary, indent=1) if args.json else summary["message"])
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("exam", help="exams: randomised per-student exams and paper exams (dlgrade exam -h)")
    cmds = p.add_subparsers(dest="exam_command", required=True)

    def command(name, run, help_text, course=True):
        c = cmds.add_parser(name, help=help_text)
        if course:
            c.add_argument("exam", help="the exam's folder under assignments/ (holds exam.toml)")
            c.add_argument("--course", required=True, help="course directory (holds nbgrader_config.py)")
        c.set_defaults(run=run)
        return c

    c = command("bank", _bank, "list the question templates", course=False)
    c.add_argument("--topic", default=None)
    c.add_argument("--json", action="store_true")
    c = command("release", _release, "draw, check and freeze every student's variants; write their notebooks")
    c.add_argument("--students", default=None, help="comma-separated ids (default: the course roster)")
    c.add_argument("--json", action="store_true")
    for name, run, text in (("deliver", _deliver, "put each student's notebook into their home (root on a hub)"),
                            ("snapshot", _snapshot, "copy each notebook into the course when its window ends")):
        c = command(name, run, text)
        c.add_argument("--homes", required=True, help="home folder pattern, e.g. '/home/{student}'")
        c.add_argument("--accounts", action="store_true",
                       help="students have Unix accounts: give each copy to its student, and take only "
                            "files the student owns (as root)")
        if name == "deliver":
            c.add_argument("--start", default=None, help="the window's start: 'now' or an ISO time with zone "
                                                         "(default: exam.start)")
        else:
            c.add_argument("--wait", action="store_true", help="keep going until every window has ended")
    c = command("grade", _grade, "grade every student's copy against the manifest, per question")
    c.add_argument("--json", action="store_true")
    c = command("regrade", _regrade, "a new manifest revision for one slot, logged; then grade again")
    c.add_argument("--slot", required=True)
    what = c.add_mutually_exclusive_group(required=True)
    what.add_argument("--full-marks", action="store_true", help="everyone gets the slot's points (a broken question)")
    what.add_argument("--accept", nargs="+", metavar="DISTRACTOR", help="count these named mistakes as right")
    what.add_argument("--reroll", metavar="STUDENT", help="draw this student's variant of the slot again")
    c.add_argument("--reason", required=True, help="why, for the log")
    c = command("report", _report, "item analysis: facility, discrimination, reliability, distractors, fairness")
    c.add_argument("--out", default=None, help="folder for exam_report.html (default: COURSE/exams/EXAM)")
    c.add_argument("--json", action="store_true")
    c = command("feedback", _feedback, "after grading: each student's questions, answers, keys and points "
                                       "(exam.toml's feedback = \"after_release\")")
    c.add_argument("--homes", default=None, help="also into each home's exam folder, e.g. '/home/{student}'")
    c.add_argument("--accounts", action="store_true", help="give each copy to its student's account (root)")
    command("forms", _forms, "paper exams: printable forms and a key per form")
    c = command("import", _import, "paper exams: per-question scores in long format (student, form, question, points, grader)")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    for name in ("grade", "regrade"):
        cmds.choices[name].add_argument("--unsandboxed-i-trust-every-submission", dest="unsandboxed",
                                        action="store_true", help="run answers WITHOUT the sandbox (trusted code only)")
