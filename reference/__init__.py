"""NumPy reference solutions for Assignment 1 (MLP); the API is fixed by assignments/a1_mlp/SPEC.md."""
