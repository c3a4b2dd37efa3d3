"""The demo courses, graded end to end on the embedded defaults (`dlgrade demo [--course a|b]`).

``run``: release, submit, collect, autograde, sheets and report; ``cohort``: who submits what;
``people``: roster, exam scores, teams and an extension.
"""
from .run import COURSES, build_demo_course, demo_assignments, demo_policy, run_demo

__all__ = ["COURSES", "build_demo_course", "demo_assignments", "demo_policy", "run_demo"]
