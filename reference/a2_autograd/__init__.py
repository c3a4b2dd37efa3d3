"""Assignment 2 (an autograd engine in NumPy): reference solutions; the API is fixed by assignments/a2_autograd/SPEC.md."""
