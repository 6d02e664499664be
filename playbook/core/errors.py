"""The one exception type for mistakes a user can make and fix."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from a user: a file, a field, a parameter or a form value.

    The message is one sentence that names what is wrong (file, row, field) and
    what is allowed. The CLI prints it without a traceback and exits with 2.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

