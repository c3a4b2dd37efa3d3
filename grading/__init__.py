"""Instructor-side tooling: building assignments, the gradebook, the demo course and the CLI."""
