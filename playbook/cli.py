"""The ``playbook`` command line."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
@click.version_option(package_name="playbook")
def main() -> None:
    """Run sales-and-marketing alignment engagements."""


def engagement_arg(func):
    return click.argument("directory", type=click.Path(path_type=Path))(func)


from . import cli_commands  # noqa: E402,F401  (registers the commands)
from .cli_kpis import kpis  # noqa: E402

main.add_command(kpis)
