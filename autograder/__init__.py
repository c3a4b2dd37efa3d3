"""Hidden graders and the runner that grades one submission at a time.

Imports go one way: ``grading`` uses ``autograder``, which uses ``reference``; never back up.
"""
