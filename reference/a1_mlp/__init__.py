"""Assignment 1 (MLP in NumPy): reference solutions; the API is fixed by assignments/a1_mlp/SPEC.md."""
