"""Exams: question templates and their bank, authored exams (exam.toml), per-student variants
frozen in a manifest, grading against it, paper forms, and item analysis."""
