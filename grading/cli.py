"""The ``dlgrade`` command."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder.errors import DlgradeError


def _grade_one(args) -> int:
    from autograder.runner import grade_notebook

    result = grade_notebook(args.assignment, args.notebook, limits=_limits(args), sandboxed=not args.unsandboxed)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
        return 0 if result.error is None else 1
    if result.error:
        print(f"{args.notebook}: not graded: {result.error}", file=sys.stderr)
        return 1
    from .feedback import render_text

    print(render_text(result), end="")  # what the student's feedback page says, in the same order
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
    import warnings

    from autograder.dask_security import InsecureSchedulerWarning, scheduler_connection
    from autograder.sandbox.bwrap import find_bwrap

    from .autograde import autograde
    from .course import Course

    scheduler, security = args.scheduler, None
    if scheduler:
        scheduler, security = scheduler_connection(scheduler, args.tls, args.insecure_scheduler)
        if security is None:
            print(f"warning: {scheduler} has no TLS: anyone who reaches it can run code on the workers that "
                  f"receive every submission", file=sys.stderr)
    elif args.tls is not None:
        print("warning: --tls is for a Dask scheduler (--scheduler tls://HOST:PORT); grading on this machine",
              file=sys.stderr)
    if not args.unsandboxed:
        find_bwrap()
    course = Course.open(args.course)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSchedulerWarning)  # said above, once
        summary = autograde(course, args.assignment, args.jobs, scheduler, args.force, _limits(args),
                            not args.unsandboxed,
                            progress=not args.json and sys.stderr.isatty(), security=security)
    if args.json:
        print(json.dumps(summary.to_dict(), indent=1))
        return 1 if summary.not_graded else 0
    scores = list(summary.scores.values())
    print(f"{args.assignment}: graded {len(summary.graded)}, skipped {len(summary.skipped)} already graded"
          + (" (--force regrades them)" if summary.skipped else ""))
    if scores:
        scores.sort()
        print(f"scores: median {scores[len(scores) // 2]:g}, min {scores[0]:g}, max {scores[-1]:g}")
    for student in summary.new_students:
        print(f"warning: {student} was not in the gradebook; added")
    for student, error in sorted(summary.errors.items()):
        print(f"scored 0: {student}: {error}")
    for student, note in sorted(summary.times.items()):
        print(f"check the time of {student}'s submission: {note}")
    for entry in summary.refused:
        print(f"refused at collect: {entry['folder']} is named for {entry['named_for']} but was written by "
              f"{entry['owner']}'s account (kept in the course's refused/ folder)")
    for student, reason in sorted(summary.not_graded.items()):
        print(f"{student}: {reason}; no score recorded, the next run grades it", file=sys.stderr)
    if summary.not_graded:
        print(f"{len(summary.not_graded)} submission(s) not graded: the grader failed, not the students; "
              f"re-run `dlgrade autograde {args.assignment} --course {args.course}`", file=sys.stderr)
        return 1
    return 0


def _dask_certs(args) -> int:
    from autograder.dask_security import make_certificates

    folder = make_certificates(args.folder, args.days, args.force).resolve()
    s, w = folder / "scheduler", folder / "worker"
    print(f"""the course's Dask certificates, valid {args.days} days, in {folder}:
  scheduler/  for the scheduler's machine; worker/  for every worker's; client/  for whoever runs autograde
(each: ca.pem, cert.pem, key.pem; keep key.pem readable by that account only; the CA's key was not kept)
  dask scheduler --port 8786 --dashboard-address 127.0.0.1:8787 \\
      --tls-ca-file {s}/ca.pem --tls-cert {s}/cert.pem --tls-key {s}/key.pem
  dask worker tls://SCHEDULER:8786 --nthreads CORES --dashboard-address 127.0.0.1:0 \\
      --tls-ca-file {w}/ca.pem --tls-cert {w}/cert.pem --tls-key {w}/key.pem
  dlgrade autograde ASSIGNMENT --course COURSE --scheduler tls://SCHEDULER:8786 --tls {folder}""")
    return 0


def _export(args) -> int:
    from .course import Course
    from .export import per_test_scores, write_canvas, write_csv, write_xlsx
    from .grades import course_grade_table

    course = Course.open(args.course)
    table = course_grade_table(course, args.policy)
    if args.format == "csv":
        per_test = per_test_scores(course, table.policy.assignments) if args.per_test else None
        out = write_csv(table, args.out, per_test)
    elif args.format == "xlsx":
        out = write_xlsx(table, args.out)
    else:
        out = write_canvas(table, args.out)
    print(out)
    for student in table.unlisted:
        print(f"warning: {student} has submissions but is not on the roster", file=sys.stderr)
    return 0


def _report(args) -> int:
    from .course import Course
    from .grades import course_grade_table
    from .report import write_report

    course = Course.open(args.course)
    table = course_grade_table(course, args.policy)
    print(write_report(table, course, args.out or course.root / "report"))
    return 0


def _demo(args) -> int:
    from .demo import run_demo

    run_demo(Path(args.dir), size=args.students, workers=args.jobs, timeout=args.timeout, db_url=args.db,
             course=args.course)
    return 0


def _watch(args) -> int:
    from .course import Course
    from .grades import POLICY
    from .on_submit import watch

    course = Course.open(args.course)
    policy = Path(args.policy) if args.policy else course.root / POLICY
    watch(course, policy, poll=args.poll, rounds=1 if args.once else None, log=lambda m: print(m, flush=True))
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
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address (tls://host:port; see README, 'Scaling out with Dask')")
    p.add_argument("--tls", default=None, metavar="DIR",
                   help="the course's Dask certificates: the folder `dlgrade dask-certs` wrote, or its client/ "
                        "(ca.pem, cert.pem, key.pem); default: Dask's own distributed.comm.tls settings")
    p.add_argument("--insecure-scheduler-i-trust-its-network", dest="insecure_scheduler", action="store_true",
                   help="allow a scheduler without TLS (tcp://): anyone who reaches it can run code on the workers")
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

    p = sub.add_parser("dask-certs", help="create the course's Dask CA and its scheduler, worker and client "
                                             "certificates (TLS: a cluster only the course can use)")
    p.add_argument("folder")
    p.add_argument("--days", type=int, default=365, help="how long the certificates are valid (default: 365)")
    p.add_argument("--force", action="store_true", help="replace the certificates already in FOLDER")
    p.set_defaults(run=_dask_certs)

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
    p.add_argument("--course", choices=("a", "b"), default="a",
                   help="a: course A's bonus scheme (courses/course_a.toml); b: course B's weighted scheme with "
                        "four assignments, teams and an exam (courses/course_b.toml)")
    p.add_argument("--students", type=int, default=32)
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds per submission (default: each assignment's, from its assignment.toml)")
    p.add_argument("--db", default=None, metavar="URL",
                   help="the gradebook's SQLAlchemy URL, an empty database, e.g. "
                        "postgresql+psycopg://ROLE:PASSWORD@HOST:PORT/DATABASE (default: DIR/gradebook.db, SQLite)")
    p.set_defaults(run=_demo)

    p = sub.add_parser("watch", help="grade submissions as they arrive, for assignments whose policy says "
                                        "on_submit, and release each student's feedback (a hub service)")
    p.add_argument("--course", required=True)
    p.add_argument("--policy", default=None, help="policy TOML (default: COURSE/policy.toml, read each round)")
    p.add_argument("--poll", type=float, default=3.0, help="seconds between looks at the exchange (default: 3)")
    p.add_argument("--once", action="store_true", help="one round, then stop")
    p.set_defaults(run=_watch)

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

    from .exams.cli import add_commands

    add_commands(sub)

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
    except (DlgradeError, FileNotFoundError) as exc:  # a clear one-line reason, not a traceback
        print(f"dlgrade: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
