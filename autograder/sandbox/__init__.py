"""The sandbox: student code runs in bubblewrap, the trusted grader talks to it in plain data."""
