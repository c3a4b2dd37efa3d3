"""Time the grade table (`compute_grades`) for a course B cohort with teams: median of 5 runs.

    .venv/bin/python bench/grade_table.py [--students 240]

A synthetic cohort: each student submits each assignment with probability 0.4 (timestamps from
50 h early to 80 h late, some missing), sits in a team of three, and one in five also joined
another team for a while (a `left` date)."""
import argparse
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

from grading.compute import SubmissionScore, compute_grades
from grading.imports import Membership, Student
from grading.policy import load_policy

POLICY = Path(__file__).resolve().parents[1] / "courses" / "course_b.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=240)
    n = parser.parse_args().students
    policy, rng = load_policy(POLICY), random.Random(1)
    roster = [Student(f"s{i:03d}", "First", "Last") for i in range(n)]
    teams = []
    for i in range(n):
        if rng.random() < 0.2:
            left = policy.assignment("a3_cnn").due - timedelta(days=rng.randrange(-3, 3))
            teams.append(Membership(f"T{rng.randrange(n // 3)}", f"s{i:03d}", left))
        teams.append(Membership(f"U{i // 3}", f"s{i:03d}"))
    scores = {}
    for a in policy.assignments:
        for i in range(n):
            if rng.random() < 0.4:
                when = a.due + timedelta(hours=rng.randrange(-50, 80)) if rng.random() < 0.9 else None
                scores[a.id, f"s{i:03d}"] = SubmissionScore(rng.randrange(11), 10, when)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        compute_grades(policy, scores, roster, teams=teams).to_frame()
        times.append(time.perf_counter() - start)
    print(f"{n} students, {len(scores)} submissions, {len(teams)} memberships: "
          f"median of 5 {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
