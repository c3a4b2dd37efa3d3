"""Reference solutions, one package per assignment (``reference/<id>/``), the maths in the docstrings.

Each assignment's API is fixed by its ``assignments/<id>/SPEC.md``. The build reads these files to
fill the notebook's solution (and "given") cells; nothing here is ever released or run by graders.
"""
