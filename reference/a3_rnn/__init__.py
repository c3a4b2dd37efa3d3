"""Assignment 3-RNN (recurrent networks in NumPy): reference solutions; the API is fixed by
assignments/a3_rnn/SPEC.md."""
