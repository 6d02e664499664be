"""``playbook kpis``: move an engagement's KPI definitions and values to and from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_support import user_errors


@click.group("kpis")
def kpis() -> None:
    """Shared KPIs: export to and import from a spreadsheet."""


@kpis.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("file", type=click.Path(path_type=Path))
@user_errors
def export_cmd(directory: Path, file: Path) -> None:
    """Write DIRECTORY's KPI definitions and values to FILE.xlsx (sheets kpis and kpi_values)."""
    from .engagement import load
    from .kpi_excel import export_xlsx

    eng = load(directory)
    out = export_xlsx(eng, file)
    click.echo(f"wrote {out}")


@kpis.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("file", type=click.Path(path_type=Path))
@user_errors
def import_cmd(directory: Path, file: Path) -> None:
    """Validate FILE (.xlsx with both sheets, or one .csv) and write it into DIRECTORY's KPI files."""
    from .engagement import load
    from .kpi_excel import import_file

    eng = load(directory)
    data = import_file(eng, file)
    click.echo(f"imported {len(data.metrics)} metrics and {len(data.values)} values into {eng.path}")
