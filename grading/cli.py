"""The ``dlgrade`` command."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _grade_one(args) -> int:
    from autograder.runner import grade_notebook

    result = grade_notebook(args.assignment, args.notebook, limits=_limits(args), sandboxed=not args.unsandboxed)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
        return 0 if result.error is None else 1
    if result.error:
        print(f"{args.notebook}: not graded: {result.error}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}")
    for test in result.tests:
        mark = "PASS" if test.passed else "FAIL"
        print(f"{mark} {test.points:5.3g}/{test.max_points:<5.3g} {test.cell:20s} {test.name}")
        if not test.passed:
            print("      " + test.message.replace("\n", "\n      "))
    print(f"score: {result.score:g} / {result.max_score:g}")
    return 0


def _limits(args):
    """The assignment's limits with the command line's overrides (None for an unknown assignment)."""
    from autograder import assignments

    try:
        info = assignments.load(args.assignment)
    except assignments.UnknownAssignment:
        return None
    return info.limits.with_overrides(budget=args.timeout, test_timeout=args.test_timeout,
                                      cell_timeout=args.cell_timeout)


def _autograde(args) -> int:
    from autograder.sandbox.bwrap import find_bwrap

    from .autograde import autograde
    from .course import Course

    if not args.unsandboxed:
        find_bwrap()
    course = Course.open(args.course)
    summary = autograde(course, args.assignment, args.jobs, args.scheduler, args.force, _limits(args),
                        not args.unsandboxed,
                        progress=not args.json and sys.stderr.isatty())
    if args.json:
        print(json.dumps(summary.to_dict(), indent=1))
        return 0
    scores = list(summary.scores.values())
    print(f"{args.assignment}: graded {len(summary.graded)}, skipped {len(summary.skipped)} already graded"
          + (" (--force regrades them)" if summary.skipped else ""))
    if scores:
        scores.sort()
        print(f"scores: median {scores[len(scores) // 2]:g}, min {scores[0]:g}, max {scores[-1]:g}")
    for student in summary.new_students:
        print(f"warning: {student} was not in the gradebook; added")
    for student, error in sorted(summary.errors.items()):
        print(f"not graded: {student}: {error}")
    return 0


def _export(args) -> int:
    from .course import Course
    from .export import per_test_scores, write_canvas, write_csv, write_xlsx
    from .grades import course_grade_table

    course = Course.open(args.course)
    table = course_grade_table(course, args.policy)
    frame = table.to_frame()
    if args.format == "csv":
        per_test = per_test_scores(course.root, table.policy.assignments) if args.per_test else None
        out = write_csv(frame, args.out, per_test)
    elif args.format == "xlsx":
        out = write_xlsx(frame, table.policy, args.out)
    else:
        out = write_canvas(frame, table.policy, args.out)
    print(out)
    for student in getattr(table, "unlisted", ()):
        print(f"warning: {student} has submissions but is not on the roster", file=sys.stderr)
    return 0


def _report(args) -> int:
    from .course import Course
    from .grades import course_grade_table
    from .report import write_report

    course = Course.open(args.course)
    table = course_grade_table(course, args.policy)
    print(write_report(table.to_frame(), table.policy, course.root, args.out or course.root / "report"))
    return 0


def _demo(args) -> int:
    from .demo import run_demo

    run_demo(Path(args.dir), size=args.students, workers=args.jobs, timeout=args.timeout)
    return 0


def _build(args) -> int:
    from .build import write_source_notebook

    print(write_source_notebook(args.assignment, Path(args.course)))
    return 0


def _release(args) -> int:
    from .course import Course

    course = Course.open(args.course)
    if course.is_released(args.assignment) and not args.force:
        print(f"{args.assignment} is already released in {course.exchange} (--force releases it again)")
        return 0
    course.generate(args.assignment)
    policy_file = course.root / "policy.toml"
    if policy_file.is_file():  # show the policy's deadline in nbgrader's formgrader too
        from .policy import load_policy

        policy = load_policy(policy_file)
        if any(a.id == args.assignment for a in policy.assignments):
            course.set_due_date(args.assignment, policy.assignment(args.assignment).due)
    course.release(args.assignment, force=args.force)
    print(f"released {args.assignment} to {course.exchange / course.course_id / 'outbound' / args.assignment}")
    return 0


def _prove(args) -> int:
    from .prove import prove, report

    proof = prove(args.assignment, args.mutants, args.seed, args.jobs, progress=not args.json and sys.stderr.isatty())
    print(json.dumps(proof.to_dict(), indent=1) if args.json else report(proof))
    return 0 if proof.ok else 1


def _limit_arguments(p) -> None:
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds for the whole submission (default: the assignment's, from its assignment.toml)")
    p.add_argument("--test-timeout", type=float, default=None,
                   help="seconds per hidden test (default: the assignment's; a test's marker may allow more)")
    p.add_argument("--cell-timeout", type=float, default=None,
                   help="seconds per notebook cell while loading the submission (default: the assignment's)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="dlgrade", description="Autograde deep-learning assignments.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("grade-one", help="grade one submitted notebook")
    p.add_argument("assignment")
    p.add_argument("notebook")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _limit_arguments(p)
    p.set_defaults(run=_grade_one)

    p = sub.add_parser("autograde", help="grade every collected submission into the gradebook")
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory (holds nbgrader_config.py)")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (tcp://host:port)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    _limit_arguments(p)
    p.set_defaults(run=_autograde)

    p = sub.add_parser("prove", help="prove an assignment's graders right both ways: reference, variants, mutants")
    p.add_argument("assignment")
    p.add_argument("--mutants", type=int, default=0, help="mutants of the reference to grade (a sample)")
    p.add_argument("--seed", type=int, default=0, help="which sample of mutants")
    p.add_argument("--jobs", type=int, default=None, help="programs graded at once (default: cores)")
    p.add_argument("--json", action="store_true", help="print ok, mutants, killed, survivors, ... as JSON")
    p.set_defaults(run=_prove)

    p = sub.add_parser("export", help="the grade sheet under the course policy: CSV, XLSX or Canvas CSV")
    p.add_argument("--course", required=True)
    p.add_argument("--format", choices=("csv", "xlsx", "canvas"), required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--policy", default=None, help="policy TOML (default: COURSE/policy.toml)")
    p.add_argument("--per-test", action="store_true", help="CSV: add a column per hidden test")
    p.set_defaults(run=_export)

    p = sub.add_parser("report", help="an HTML report with plots of grades, failures and lateness")
    p.add_argument("--course", required=True)
    p.add_argument("--out", default=None, help="folder for report.html (default: COURSE/report)")
    p.add_argument("--policy", default=None)
    p.set_defaults(run=_report)

    p = sub.add_parser("demo", help="build, submit, collect and grade a demo course")
    p.add_argument("--dir", default="demo-course", help="course directory (replaced)")
    p.add_argument("--students", type=int, default=32)
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds per submission (default: each assignment's, from its assignment.toml)")
    p.set_defaults(run=_demo)

    p = sub.add_parser("build", help="write an assignment's nbgrader source notebook into a course")
    p.add_argument("assignment")
    p.add_argument("--course", required=True)
    p.set_defaults(run=_build)

    p = sub.add_parser("release", help="build an assignment from reference/, generate the student version "
                                          "and release it to the course's exchange (nbgrader)")
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory (holds nbgrader_config.py)")
    p.add_argument("--force", action="store_true", help="release again even if already released")
    p.set_defaults(run=_release)

    for name, p in sub.choices.items():
        if name in ("grade-one", "autograde"):
            p.add_argument("--unsandboxed-i-trust-every-submission", dest="unsandboxed", action="store_true",
                           help="run student code WITHOUT the bubblewrap sandbox (trusted code only)")
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a clear one-line reason, not a traceback
        from autograder.assignments import UnknownAssignment
        from autograder.sandbox.bwrap import SandboxUnavailable

        from .build import TemplateError
        from .course import CourseError
        from .imports import ImportProblems
        from .policy import PolicyError

        if isinstance(exc, (TemplateError, CourseError, FileNotFoundError, SandboxUnavailable, UnknownAssignment,
                            PolicyError, ImportProblems)):
            print(f"dlgrade: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
