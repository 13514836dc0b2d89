"""Exceptions shared by every layer.

`InputError` is the one exception a user can cause: malformed JSON, a number that is not a
number, mismatched dimensions, an unknown claim id.  The CLI turns it into one line on stderr
and exit code 2; everything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Bad user input.  ``str(err)`` is one line saying what is wrong and where."""

    def __init__(self, message: str, where: str | None = None):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class SoundnessError(RuntimeError):
    """Two independent evaluations of the same certified quantity disagree.

    Raised when a counterexample fails its independent re-verification.  It means a bug in
    relu-verify, never a property of the user's instance.
    """
