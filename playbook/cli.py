"""The ``playbook`` command line."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import UserError


class Group(click.Group):
    """Click group whose usage errors, like user errors, exit with 2 and no traceback."""


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


@click.group(cls=Group)
@click.version_option(package_name="playbook")
def main() -> None:
    """Run sales-and-marketing alignment engagements."""


def engagement_arg(func):
    return click.argument("directory", type=click.Path(path_type=Path))(func)


from . import cli_commands  # noqa: E402,F401  (registers the commands)
from .cli_kpis import kpis  # noqa: E402

main.add_command(kpis)
