"""The ``playbook`` command line: one click group, every command registered below.

Commands import what they need when they run, so ``playbook --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from playbook.core.errors import UserError


def user_errors(func):
    """Turn a UserError into one clear message on stderr and exit code 2 (the code click gives usage errors)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)

    return wrapper


# The commands in the order an engagement meets them; the run's separate steps and the demo last.
ORDER = ("new", "invite", "serve", "status", "remind", "import", "run", "share", "report", "actions", "kpis",
         "export", "store", "demo", "plan", "snapshot", "assemble")


class EngagementOrder(click.Group):
    """``playbook --help`` lists the commands in the order of an engagement, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))


@click.group(cls=EngagementOrder)
@click.version_option(package_name="playbook")
def main() -> None:
    """Run sales-and-marketing alignment engagements: scaffold one (new), mail the questions (invite), serve the
    forms (serve), follow the answers (status, remind), write the report (run) and share it (share)."""


def engagement_arg(func):
    return click.argument("directory", type=click.Path(path_type=Path))(func)


def _set_store(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--store URL``: PLAYBOOK_STORE_URL for this command and every process it starts (serve's kernels)."""
    import os

    from playbook.core.store_url import ENV, configured_url

    if value:
        os.environ[ENV] = value
    try:
        configured_url()  # a URL that is no store: one message before anything is read or written
    except UserError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)


def store_option(func):
    """``--store URL`` on every command that touches the answer store (default: PLAYBOOK_STORE_URL, else the
    engagement folder's answers.sqlite)."""
    return click.option("--store", "store_url", default=None, metavar="URL", expose_value=False, is_eager=True,
                        callback=_set_store,
                        help="Answer store: postgresql://USER@HOST:PORT/DB (default: $PLAYBOOK_STORE_URL, else "
                             "the engagement folder's answers.sqlite).")(func)



def command_name() -> str:
    """How to call this command again as it is installed: ``playbook`` when that is on the PATH, else its full path
    (``.venv/bin/playbook`` after the README's first command, in a shell that has not activated the venv)."""
    import shutil

    here = Path(sys.executable).with_name("playbook")
    found = shutil.which("playbook")
    if found and (not here.exists() or Path(found).resolve() == here.resolve()):
        return "playbook"
    return str(here) if here.exists() else "playbook"


def _progress(msg: str) -> None:
    click.echo(msg, err=True)


@main.command()
@engagement_arg
@click.option("--client", required=True, help="The client company's name.")
@click.option("--id", "eid", default=None, help="Engagement id (slug); default: from the folder name.")
@click.option("--consultant", default="", help="Your name, shown on the report.")
@click.option("--period", default=None, help="The period assessed, such as 2026-Q4 (default: this quarter).")
@user_errors
def new(directory: Path, client: str, eid: str | None, consultant: str, period: str | None) -> None:
    """Scaffold a complete, commented engagement folder in DIRECTORY."""
    import shlex

    from playbook.core.scaffold import scaffold

    path = scaffold(directory, client, eid, consultant, period)
    here, cmd = shlex.quote(str(path)), command_name()
    click.echo(f"Created engagement in {path}. Next steps:")
    for n, step in enumerate((
            f"Edit {path / 'engagement.yaml'}: the respondents (names, sides, mail addresses), your mail address "
            "and the deadline.",
            f"Mail everyone their personal link: {cmd} invite {here} --all --send (with the mail settings of your "
            f"firm's profile; without them, {cmd} invite {here} --all writes the links to send yourself).",
            f"Keep the forms open while people answer (reminders go out by themselves): {cmd} serve {here} "
            "--public-url https://forms.example.org/survey/",
            f"See who has answered: {cmd} status {here}",
            f"Write the report: {cmd} run {here} --out {shlex.quote(str(path) + '-report')}",
            f"Give the client's executives their interactive report: {cmd} share {here}"), start=1):
        click.echo(f"  {n}. {step}")


@main.command()
@engagement_arg
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the report (for a folder of engagements: one sub-folder per engagement id).")
@click.option("--no-pdf", is_flag=True, help="Skip report.pdf.")
@click.option("--no-deck", is_flag=True, help="Skip report.pptx.")
@click.option("--jobs", default=1, show_default=True, type=int,
              help="For a folder of engagements: how many to run at once.")
@store_option
@user_errors
def run(directory: Path, out: Path, no_pdf: bool, no_deck: bool, jobs: int) -> None:
    """Validate, import responses, run the notebooks and write the report, the deck and results.json.

    DIRECTORY is an engagement, or a folder of them (each its own run into OUT/<id>, one summary line each).
    """
    from playbook.run import batch
    from playbook.run.pipeline import RunFailed
    from playbook.run.pipeline import run as run_engagement

    batch.check_jobs(jobs)
    if directory.is_dir() and not (directory / "engagement.yaml").is_file():
        outcomes = batch.run_all(directory, out, jobs, _progress, click.echo, make_pdf=not no_pdf,
                                 make_deck=not no_deck)
        for o in outcomes:
            for note in o.notes:
                click.echo(f"note: {o.engagement}: {note}", err=True)
        sys.exit(batch.worst(outcomes))
    try:
        summary = run_engagement(directory, out, _progress, make_pdf=not no_pdf, make_deck=not no_deck)
    except RunFailed as exc:
        click.echo(f"error: {exc} (nothing was written to {out})", err=True)
        sys.exit(1)
    _done(summary)


@main.command()
@engagement_arg
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the run: the snapshot, the notebooks, then the report.")
@click.option("--no-pdf", is_flag=True, help="The assembly step skips report.pdf.")
@click.option("--no-deck", is_flag=True, help="The assembly step skips report.pptx.")
@store_option
@user_errors
def plan(directory: Path, out: Path, no_pdf: bool, no_deck: bool) -> None:
    """Write OUT/plan.json: the run's steps (snapshot, one papermill job per notebook, assemble) for an orchestrator."""
    from playbook.run.pipeline import plan as write_plan

    path = write_plan(directory, out, make_pdf=not no_pdf, make_deck=not no_deck)
    steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
    click.echo(f"Wrote {path}: {len(steps)} steps (snapshot, {len(steps) - 2} notebook(s), assemble).")


@main.command()
@engagement_arg
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the run.")
@store_option
@user_errors
def snapshot(directory: Path, out: Path) -> None:
    """Validate, import responses and write OUT/snapshot.pickle, the input of every notebook of the run."""
    from playbook.run.pipeline import snapshot as take

    path, parts = take(directory, out)
    click.echo(f"Wrote {path}; parts assessed: {', '.join(p.name for p in parts) or 'none'}.")


@main.command()
@engagement_arg
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder holding snapshot.pickle and the executed notebooks/.")
@click.option("--no-pdf", is_flag=True, help="Skip report.pdf.")
@click.option("--no-deck", is_flag=True, help="Skip report.pptx.")
@user_errors
def assemble(directory: Path, out: Path, no_pdf: bool, no_deck: bool) -> None:
    """Write results.json, the report, the deck and the PDF from OUT's snapshot and executed notebooks."""
    from playbook.run.pipeline import RunFailed
    from playbook.run.pipeline import assemble as assemble_run

    try:
        summary = assemble_run(directory, out, _progress, make_pdf=not no_pdf, make_deck=not no_deck)
    except RunFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    _done(summary)


def _done(summary) -> None:
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Report: {summary.out / 'report.html'}")
    if summary.pdf:
        click.echo(f"PDF:    {summary.pdf}")
    if summary.deck:
        click.echo(f"Deck:   {summary.deck}")
    click.echo(f"Data:   {summary.out / 'results.json'} ({summary.seconds:.1f} s)")


@main.command()
@click.option("--out", "out", default="demo-out", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the demo engagement and its report.")
@click.option("--no-pdf", is_flag=True, help="Skip report.pdf.")
@click.option("--no-deck", is_flag=True, help="Skip report.pptx.")
@user_errors
def demo(out: Path, no_pdf: bool, no_deck: bool) -> None:
    """Run the shipped sample engagement (a fictional company) end to end."""
    from playbook.run.pipeline import RunFailed
    from playbook.run.pipeline import demo as run_demo

    try:
        summary = run_demo(out, _progress, make_pdf=not no_pdf, make_deck=not no_deck)
    except RunFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    import shlex

    _done(summary)
    click.echo(f"Open {summary.out / 'report.html'} in a browser. Try the forms with: "
               f"{command_name()} serve {shlex.quote(str(summary.engagement.path))}")


@main.command()
@engagement_arg
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="File name without extension (default: DIRECTORY/answers-export).")
@store_option
@user_errors
def export(directory: Path, out: Path | None) -> None:
    """Write the current answers (and their history) to CSV and XLSX."""
    from playbook.core.engagement import load
    from playbook.core.export import export_answers

    eng = load(directory)
    csv_path, xlsx_path = export_answers(eng, out or eng.path / "answers-export")
    click.echo(f"Wrote {csv_path} and {xlsx_path}")


@main.command()
@engagement_arg
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder holding results.json and notebooks/ from 'playbook run'.")
@click.option("--no-pdf", is_flag=True, help="Skip report.pdf.")
@click.option("--no-deck", is_flag=True, help="Skip report.pptx.")
@user_errors
def report(directory: Path, out: Path, no_pdf: bool, no_deck: bool) -> None:
    """Rebuild report.html, report.pptx and report.pdf from an earlier run's results, notebooks and snapshot."""
    from playbook.core import snapshot
    from playbook.core.engagement import load
    from playbook.report import deck, document, pdf

    eng = load(directory)
    branding = None if no_deck else deck.brand(eng)  # the logo and the deck template checked before any work
    if not (out / "results.json").is_file():
        raise UserError(f"{out}: no results.json here; run 'playbook run {directory} --out {out}' first.")
    snap = snapshot.load(out / snapshot.FILE)
    if snap.engagement.id != eng.id:
        raise UserError(f"{out}: this run is of engagement '{snap.engagement.id}', not '{eng.id}'; give the folder "
                        f"that 'playbook run {directory}' wrote.")
    html_path = document.build(out, snap)
    click.echo(f"Report: {html_path}")
    if branding is not None:
        click.echo(f"Deck:   {deck.build(out, snap, branding)}")
    if not no_pdf:
        try:
            pdf_path = pdf.pdf(html_path, out / "report.pdf")
        except RuntimeError as exc:
            click.echo(f"error: report.pdf was not written: {exc}", err=True)
            sys.exit(1)
        click.echo(f"PDF:    {pdf_path}" if pdf_path else f"note: {pdf.CHROMIUM_HELP}", err=pdf_path is None)


@main.command("import")
@engagement_arg
@store_option
@user_errors
def import_(directory: Path) -> None:
    """Import DIRECTORY's responses.csv into its answer store (repeating it adds nothing)."""
    from playbook.core.engagement import load
    from playbook.core.responses import FILE, import_file

    eng = load(directory)
    counts = import_file(eng)
    if counts is None:
        raise UserError(f"{eng.path}: there is no {FILE} to import; its columns are respondent, item, answer and "
                        "optionally comment and wave (see 'playbook new').")
    added, unchanged = counts
    click.echo(f"Imported {FILE} into {eng.store_path.name}: {added} answer(s) added, {unchanged} unchanged.")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--idle-timeout", default=900, show_default=True, type=click.IntRange(2, 7 * 24 * 3600),
              help="Seconds after which the kernel of a closed page is stopped.")
@click.option("--base-url", default=None,
              help="Path the pages live under, such as /survey/ (default: the --public-url's path, else /).")
@click.option("--public-url", default=None,
              help="Address people reach the server at through a reverse proxy, such as "
                   "https://forms.example.org/survey/; printed links start with it.")
@click.option("--max-kernels", default=None, type=click.IntRange(min=1),
              help="Interactive report pages (kernels) open at once, the preheated ones included; past it "
                   "visitors are asked to try again in a minute (forms are not counted: they need no kernel). "
                   "Default: available memory / 260 MiB, at least 4.")
@click.option("--preheat", default=2, show_default=True, type=click.IntRange(min=0),
              help="Interactive report pages kept started, ready for the next viewers.")
@store_option
@user_errors
def serve(path: Path, port: int, host: str, idle_timeout: int, base_url: str | None, public_url: str | None,
          max_kernels: int | None, preheat: int) -> None:
    """Serve the forms and live views of PATH (an engagement, or a folder of them) with Voilà."""
    from playbook.core.firm import for_workspace
    from playbook.outreach.urls import address
    from playbook.serve.server import serve as run_server

    firm = for_workspace(path) if public_url is None and base_url is None else None
    where = address(host, port, base_url, public_url or (firm.public_url if firm is not None else None) or None)
    sys.exit(run_server(path, port=port, host=host, echo=click.echo, idle_timeout=idle_timeout, address=where,
                        max_kernels=max_kernels, preheat=preheat))


@main.command()
@engagement_arg
@click.argument("respondent", required=False)
@click.option("--public-url", default=None,
              help="Address people reach 'playbook serve' at, such as https://forms.example.org/survey/ "
                   "(default: http://127.0.0.1:8866 plus --base-url).")
@click.option("--base-url", default=None, help="Path the pages live under, such as /survey/ (as given to serve).")
@click.option("--revoke", is_flag=True, help="End every link of RESPONDENT (or of --consultant NAME).")
@click.option("--all", "everyone", is_flag=True, help="A new link for every respondent, written to a CSV.")
@click.option("--consultant", default=None, metavar="NAME",
              help="Lasting links to the live views for consultant NAME, valid across server restarts.")
@click.option("--remind", is_flag=True, help="A new link for everyone who has not submitted this wave, to a CSV.")
@click.option("--expires", default=None, metavar="DAYS", help="New links stop working after DAYS days.")
@click.option("--wave", default=None, help="With --remind: the wave (default: the engagement's period).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="With --all or --remind: where to write the CSV (default: DIRECTORY/invites.csv or "
                   "DIRECTORY/reminders.csv).")
@click.option("--send", is_flag=True,
              help="Mail RESPONDENT (or, with --all, everyone with an address) their personal link through the "
                   "firm's mail server (firm.yaml); nobody is sent it twice.")
@click.option("--resend", is_flag=True, help="With --send: mail those who had their invitation already again.")
@store_option
@user_errors
def invite(directory: Path, respondent: str | None, public_url: str | None, base_url: str | None, revoke: bool,
           everyone: bool, consultant: str | None, remind: bool, expires: str | None, wave: str | None,
           csv_path: Path | None, send: bool, resend: bool) -> None:
    """Mail or print respondents' personal links (or revoke them, write them for a mail merge, or link a consultant)."""
    from playbook.outreach.invitations import Request
    from playbook.outreach.invitations import invite as do_invite

    req = Request(respondent, public_url, base_url, revoke, everyone, csv_path, consultant, expires, remind, wave,
                  send, resend)
    for line in do_invite(directory, req):
        click.echo(line)


@main.command()
@engagement_arg
@click.option("--send", is_flag=True, help="Send the reminder that is due (without it: only say who would get it).")
@click.option("--wave", default=None, help="The wave (default: the engagement's period).")
@click.option("--public-url", default=None,
              help="Address people reach 'playbook serve' at (default: the firm's public_url).")
@click.option("--base-url", default=None, help="Path the pages live under, such as /survey/ (as given to serve).")
@store_option
@user_errors
def remind(directory: Path, send: bool, wave: str | None, public_url: str | None, base_url: str | None) -> None:
    """Mail the reminder that is due to everyone who has not submitted (a running 'playbook serve' does it too)."""
    from playbook.outreach.invitations import remind_lines

    for line in remind_lines(directory, send, wave, public_url, base_url):
        click.echo(line)


@main.command()
@engagement_arg
@click.option("--public-url", default=None,
              help="Address people reach 'playbook serve' at, such as https://forms.example.org/survey/ "
                   "(default: http://127.0.0.1:8866 plus --base-url).")
@click.option("--base-url", default=None, help="Path the pages live under, such as /survey/ (as given to serve).")
@click.option("--expires", default=None, metavar="DAYS", help="The new link stops working after DAYS days.")
@click.option("--revoke", is_flag=True, help="End every viewer link of the engagement.")
@store_option
@user_errors
def share(directory: Path, public_url: str | None, base_url: str | None, expires: str | None, revoke: bool) -> None:
    """Print a read-only link to the client's interactive report for its executives (or end them all).

    The report shows the latest 'playbook run' of DIRECTORY; the link is printed on the last line.
    """
    from playbook.outreach.share import share as do_share

    for line in do_share(directory, public_url, base_url, expires, revoke):
        click.echo(line)


@main.command()
@engagement_arg
@click.option("--wave", default=None, help="The wave (default: the engagement's period).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="Also write the table to this CSV file (readable by you only).")
@store_option
@user_errors
def status(directory: Path, wave: str | None, csv_path: Path | None) -> None:
    """Who has answered: one line per respondent (link, opened, answered, submitted) and the rate per side."""
    from playbook.core import formats
    from playbook.core.engagement import load
    from playbook.outreach import status as st
    from playbook.outreach.invitations import csv_target
    from playbook.outreach.reminders import deadline_notes

    eng = load(directory)
    target = csv_target(csv_path, Path("status.csv")) if csv_path else None
    for note in deadline_notes(eng):
        click.echo(f"note: {note}", err=True)
    with formats.use(eng.settings):
        table = st.table(eng, wave)
        for line in st.lines(eng, table):
            click.echo(line)
    if target:
        st.write_csv(table, target)
        click.echo(f"Wrote the table to {target}, readable by you only.")



@main.command()
@engagement_arg
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), default=None,
              help="Also write the plan to this .xlsx workbook, to assign owners and dates in Excel.")
@click.option("--import", "import_path", type=click.Path(path_type=Path), default=None,
              help="Replace actions.csv with the plan in this .xlsx (or .csv) file, once it is valid.")
@click.option("--no-propose", is_flag=True, help="Leave the plan as it is (with --xlsx: only export it).")
@store_option
@user_errors
def actions(directory: Path, xlsx: Path | None, import_path: Path | None, no_propose: bool) -> None:
    """Propose actions from the next steps and off-track managed KPIs into DIRECTORY's actions.csv."""
    from playbook.core.engagement import load
    from playbook.parts import take_snapshot
    from playbook.parts.actions import excel, model

    eng = load(directory)
    if import_path is not None:
        if xlsx is not None:
            raise UserError("--import and --xlsx do not go together: import the edited workbook first, then export.")
        plan = excel.import_file(eng, import_path)
        click.echo(f"imported {len(plan)} action(s) into {eng.path / 'actions.csv'}")
        return
    if xlsx is not None:
        excel.check_target(xlsx)
    snap = take_snapshot(eng)  # validates every file (actions.csv included) and writes nothing
    plan, added = (snap.data.get("actions") or [], []) if no_propose else model.propose(snap)
    if added:
        model.save(eng, plan)
        click.echo(f"Added {len(added)} action(s) to {eng.path / 'actions.csv'}; each is open, due in "
                   f"{model.PROPOSED_DUE_DAYS} days, owned by a leader: reassign as needed.")
        for a in added:
            click.echo(f"  {a.action_id}  {a.item:<28} {a.owner:<14} due {a.due}  {a.action}")
    elif not no_propose:
        click.echo("Nothing to add: no next step or off-track managed KPI is without an open action.")
    if xlsx is not None:
        click.echo(f"wrote {excel.export_xlsx(eng, plan, xlsx)}")


@click.group("kpis")
def kpis() -> None:
    """Shared KPIs: export to and import from a spreadsheet."""


@kpis.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("file", type=click.Path(path_type=Path))
@user_errors
def export_cmd(directory: Path, file: Path) -> None:
    """Write DIRECTORY's KPI definitions and values to FILE.xlsx (sheets kpis and kpi_values)."""
    from playbook.core.engagement import load
    from playbook.parts.kpis.excel import export_xlsx

    eng = load(directory)
    out = export_xlsx(eng, file)
    click.echo(f"wrote {out}")


@kpis.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("file", type=click.Path(path_type=Path))
@user_errors
def import_cmd(directory: Path, file: Path) -> None:
    """Validate FILE (.xlsx with both sheets, or one .csv) and write it into DIRECTORY's KPI files."""
    from playbook.core.engagement import load
    from playbook.parts.kpis.excel import import_file

    eng = load(directory)
    data = import_file(eng, file)
    click.echo(f"imported {len(data.metrics)} metrics and {len(data.values)} values into {eng.path}")


main.add_command(kpis)


@main.group()
def store() -> None:
    """The answer store: bring its schema up to date, or copy an engagement's answers into PostgreSQL."""


@store.command("upgrade")
@engagement_arg
@store_option
@user_errors
def store_upgrade(directory: Path) -> None:
    """Bring DIRECTORY's answer store to this version's schema (every row kept; repeating it changes nothing)."""
    from playbook.core.engagement import load
    from playbook.core.store_admin import upgrade_store

    eng = load(directory)
    where, before, after = upgrade_store(eng)
    if before == after:
        click.echo(f"{where}: the store of '{eng.id}' is up to date (schema {after}).")
    else:
        click.echo(f"{where}: the store of '{eng.id}' upgraded from schema {before or 'before versions'} to {after}.")


@store.command("copy")
@engagement_arg
@click.option("--to", "to", required=True, metavar="URL", help="The store to copy into: postgresql://USER@HOST:PORT/DB.")
@user_errors
def store_copy(directory: Path, to: str) -> None:
    """Copy DIRECTORY's answers, links, submissions and kept comments (with history) from its answers.sqlite
    into the store at URL; repeating it adds nothing."""
    from playbook.core.engagement import load
    from playbook.core.store_admin import copy_into
    from playbook.core.store_url import parse_url

    eng = load(directory)
    counts = copy_into(eng, to)
    click.echo(f"Copied engagement '{eng.id}' from {eng.store_path} into "
               f"{parse_url(to).render_as_string(hide_password=True)}:")
    for name, (added, there) in counts.items():
        click.echo(f"  {name}: {added} added, {there} already there")
