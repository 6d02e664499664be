"""What every ``playbook`` command shares: exit code 2 and one clear message for user errors
(the code click gives usage errors too).

Kept apart from ``cli.py`` so command modules can import it in any order.
"""

from __future__ import annotations

import functools
import sys

import click

from .errors import UserError


def user_errors(func):
    """Turn a UserError into one clear message on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)

    return wrapper
