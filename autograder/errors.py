"""The one base of every error dlgrade explains to a person in one line (the CLI catches only it)."""


class DlgradeError(Exception):
    """A problem with the input, the course or the machine that the message alone explains."""
