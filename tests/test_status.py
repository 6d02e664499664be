"""Who has answered: ``playbook status``, its CSV, the live view, and ``invite --remind`` after some answers."""

from __future__ import annotations

import asyncio
import csv
import stat
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from playbook.cli import main
from playbook.core import formats
from playbook.core.engagement import load
from playbook.core.instruments import DONT_KNOW
from playbook.core.store import Store
from playbook.outreach import links, status
from playbook.outreach.links import Visitor

WAVE = "2026-Q4"
MARKETING_REQUIRED = 6 + 8 + 8 + 6 + 6  # MSE, SYM, CS1, CS2, CS3
SALES_REQUIRED = 3 + 8 + 8 + 6 + 6  # SSE instead of MSE


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def eng(make_engagement):
    """Four respondents after some answers: one submitted, two part-way (with don't know), one silent."""
    e = load(make_engagement())
    with Store(e.store_path) as store:
        # mkt-lead: everything required, three of them "don't know", submitted
        for item in status.required_items("marketing"):
            store.save("mkt-lead", item, DONT_KNOW if item in ("MSE-2", "SYM-3", "CS2-4") else "yes"
                       if item.startswith(("MSE", "SYM")) else 4, WAVE)
        store.submit("mkt-lead", WAVE)
        # mkt-1: two required answers (one don't know) and an optional peer answer (SSE is not required for marketing)
        store.save("mkt-1", "MSE-1", "no", WAVE)
        store.save("mkt-1", "MSE-1", DONT_KNOW, WAVE)  # changed: still one answered item
        store.save("mkt-1", "CS1-1", 2, WAVE)
        store.save("mkt-1", "SSE-2", "yes", WAVE)
        # sls-1: answers only in an earlier wave, none in this one
        store.save("sls-1", "SSE-1", "yes", "2026-Q2")
        store.submit("sls-1", "2026-Q2")
        # sls-lead: a file answer this wave (paper counts like a form)
        store.import_file_answers([("sls-lead", "SSE-1", DONT_KNOW, "", WAVE)])
    return e


def by_id(table):
    return {r.id: r for r in table.rows}


def test_answered_counts_own_required_items_of_the_wave_with_dont_know(eng):
    t = status.table(eng)
    rows = by_id(t)
    assert t.wave == WAVE
    assert [r.id for r in t.rows] == ["mkt-lead", "mkt-1", "sls-lead", "sls-1"]
    assert (rows["mkt-lead"].answered, rows["mkt-lead"].required) == (MARKETING_REQUIRED, MARKETING_REQUIRED)
    assert rows["mkt-1"].answered_text == f"2 of {MARKETING_REQUIRED}"  # the peer view is asked, not required
    assert rows["sls-lead"].answered_text == f"1 of {SALES_REQUIRED}" and rows["sls-lead"].answered_any
    assert rows["sls-1"].answered_text == f"0 of {SALES_REQUIRED}" and not rows["sls-1"].answered_any
    assert rows["mkt-lead"].submitted_at and not rows["sls-1"].submitted_at  # an earlier wave's submission is not this
    earlier = by_id(status.table(eng, "2026-Q2"))
    assert earlier["sls-1"].answered_text == f"1 of {SALES_REQUIRED}" and earlier["sls-1"].submitted_at


def test_response_rate_per_side(eng):
    rates = {r.side: r for r in status.table(eng).rates}
    assert (rates["marketing"].respondents, rates["marketing"].submitted, rates["marketing"].answered_any) == (2, 1, 2)
    assert (rates["sales"].respondents, rates["sales"].submitted, rates["sales"].answered_any) == (2, 0, 1)
    text = status.rate_lines(status.table(eng))
    assert text == ["Marketing: 1 of 2 submitted (50%), 2 of 2 answered something (100%).",
                    "Sales: 0 of 2 submitted (0%), 1 of 2 answered something (50%)."]


def test_links_issued_live_and_first_opened(eng):
    a, b = links.issue(eng, "mkt-1"), links.issue(eng, "mkt-1", expires_days=2)
    links.issue(eng, "sls-lead")
    links.revoke(eng, "sls-lead")
    links.issue_consultant(eng, "Ana Ruiz")  # a consultant's link is nobody's respondent link
    links.opened(eng, links.digest(b), at="2026-10-03T09:30:00+00:00")
    links.opened(eng, links.digest(a), at="2026-10-02T16:05:00+00:00")
    rows = by_id(status.table(eng))
    assert (rows["mkt-1"].links, rows["mkt-1"].live, rows["mkt-1"].link_text) == (2, 2, "yes, 2 live")
    assert status.when(rows["mkt-1"].opened) == "2026-10-02 16:05 UTC"  # the earliest of their links
    assert rows["sls-lead"].link_text == "yes, none live" and rows["mkt-lead"].link_text == "no"
    assert status.when(rows["sls-lead"].opened) == "not yet"
    later = by_id(status.table(eng, at=datetime.now(UTC) + timedelta(days=3)))
    assert later["mkt-1"].link_text == "yes, 1 live"  # the 2-day link has expired


def test_status_prints_the_table_and_writes_the_same_csv_for_the_owner_only(eng, tmp_path):
    links.issue(eng, "mkt-1")
    target = tmp_path / "status.csv"
    res = invoke("status", eng.path, "--csv", target)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("id "))
    assert lines[head].split() == ["id", "name", "side", "role", "link", "issued", "invited", "reminded", "opened",
                                   "answered", "submitted", "last", "failure"]
    mkt1 = next(line for line in lines if line.startswith("mkt-1 "))
    assert "Otto Fenn" in mkt1 and "yes, 1 live" in mkt1 and f"2 of {MARKETING_REQUIRED}" in mkt1
    assert "Marketing: 1 of 2 submitted (50%), 2 of 2 answered something (100%)." in lines
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["mkt-lead", "mkt-1", "sls-lead", "sls-1"]
    assert (rows[1]["link_issued"], rows[1]["live_links"], rows[1]["opened"], rows[1]["answered"],
            rows[1]["required"], rows[1]["submitted_at"]) == ("yes", "1", "not yet", "2", str(MARKETING_REQUIRED),
                                                              "not yet")
    assert rows[0]["submitted_at"].endswith(" UTC")


def test_status_csv_cells_never_run_as_formulas(make_engagement, tmp_path):
    eng = load(make_engagement(respondents=[{"id": "m-1", "name": "=HYPERLINK(\"x\")", "side": "marketing",
                                             "role": "leader"}]))
    assert invoke("status", eng.path, "--csv", tmp_path / "s.csv").exit_code == 0
    assert next(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8")))["name"].startswith("'=")


def test_status_without_a_store_writes_nothing_and_says_no_one_has_answered(make_engagement):
    folder = make_engagement()
    res = invoke("status", folder, "--wave", "2027-Q1")
    assert res.exit_code == 0, res.output
    assert "wave 2027-Q1" in res.output and "Sales: 0 of 2 submitted (0%)" in res.output
    assert not (folder / "answers.sqlite").exists()


def test_status_csv_into_a_missing_folder_is_one_message_and_exit_2(eng, tmp_path):
    res = invoke("status", eng.path, "--csv", tmp_path / "nowhere" / "s.csv")
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [f"error: --csv {tmp_path / 'nowhere' / 's.csv'}: the folder "
                                               f"{tmp_path / 'nowhere'} does not exist."]
    assert not (tmp_path / "nowhere").exists()


# --- reminders ----------------------------------------------------------------------------------------------------
def test_remind_lists_only_those_who_have_not_submitted_with_new_working_links(eng):
    first = {p.id: links.issue(eng, p.id) for p in eng.respondents}
    res = invoke("invite", eng.path, "--remind", "--expires", "7", "--public-url", "https://forms.example.org/")
    assert res.exit_code == 0, res.output
    assert "new link" in res.output and "only hashes" in res.output
    target = eng.path / "reminders.csv"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Otto Fenn", "Bea Lorne", "Ivo Strand"]  # Mara Quill has submitted
    assert [r["answered"] for r in rows] == [f"2 of {MARKETING_REQUIRED}", f"1 of {SALES_REQUIRED}",
                                             f"0 of {SALES_REQUIRED}"]
    for row, rid in zip(rows, ["mkt-1", "sls-lead", "sls-1"]):
        assert row["link"].startswith("https://forms.example.org/voila/render/respond.ipynb?")
        token = parse_qs(urlsplit(row["link"]).query)["t"][0]
        assert links.check(eng, {"e": eng.id, "t": token}).respondent == rid
        assert isinstance(links.check(eng, {"e": eng.id, "t": first[rid]}), Visitor)  # the first link still works
    assert by_id(status.table(eng))["sls-1"].live == 2


def test_remind_for_an_earlier_wave_and_to_a_chosen_file(eng, tmp_path):
    links.issue(eng, "sls-1")
    res = invoke("invite", eng.path, "--remind", "--wave", "2026-Q2", "--csv", tmp_path / "r.csv")
    assert res.exit_code == 0, res.output
    names = [r["name"] for r in csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8"))]
    assert names == ["Mara Quill", "Otto Fenn", "Bea Lorne"]  # sls-1 submitted in 2026-Q2


def test_remind_before_any_link_is_one_message_and_writes_nothing(eng):
    before = {p.name: p.stat().st_mtime_ns for p in eng.path.iterdir()}
    res = invoke("invite", eng.path, "--remind")
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1 and "no links have been issued" in res.output
    assert {p.name: p.stat().st_mtime_ns for p in eng.path.iterdir()} == before
    with Store(eng.store_path) as store:
        assert store.tokens() == []


# --- the live view ------------------------------------------------------------------------------------------------
def test_live_view_shows_the_same_table_and_changes_only_when_something_did(eng):
    view = status.StatusView(eng, interval=0.05)
    assert "Otto Fenn" in view.table.value and f"2 of {MARKETING_REQUIRED}" in view.table.value
    assert "Marketing: 1 of 2 submitted (50%)" in view.rates.value
    note, table = view.note.value, view.table.value
    view.refresh()
    assert (view.note.value, view.table.value) == (note, table)  # nothing new: nothing sent to the page
    with Store(eng.store_path) as store:
        store.save("sls-1", "SSE-1", "no", WAVE)
    view.button.click()
    assert f"1 of {SALES_REQUIRED}" in view.table.value and "Sales: 0 of 2 submitted (0%), 2 of 2" in view.rates.value


def test_live_view_refreshes_itself_in_the_kernels_loop(eng):
    """Run in a thread of its own: a browser test's Playwright may have left a loop running in the main thread."""
    view = status.StatusView(eng, interval=0.05)
    seen = {}

    async def scenario():
        seen["in_loop"] = view.start()
        with Store(eng.store_path) as store:
            store.submit("sls-lead", WAVE)
        for _ in range(500):  # up to 10 s on a busy machine
            await asyncio.sleep(0.02)
            if "Sales: 1 of 2 submitted" in view.rates.value:
                break
        view.task.cancel()

    def headless_then_loop():
        seen["headless"] = view.start()  # no running loop: no timer
        asyncio.run(scenario())

    worker = threading.Thread(target=headless_then_loop)
    worker.start()
    worker.join()
    assert seen == {"headless": False, "in_loop": True}
    assert "Sales: 1 of 2 submitted (50%)" in view.rates.value


def test_the_live_table_speaks_the_engagements_language_and_the_command_line_stays_english(eng, make_engagement):
    """METHOD 15: on the report page the table is German for a German engagement (heads, states, roles, moments
    in the locale's form and the engagement's time zone); ``playbook status`` stays English."""
    links.opened(eng, links.digest(links.issue(eng, "mkt-1")), at="2026-10-02T16:05:00+00:00")
    german = load(make_engagement(settings={"locale": "de_DE", "currency": "EUR", "timezone": "Europe/Berlin"}))
    t = status.table(german)
    with formats.use(german.settings):
        shown = status.frame(t, "Europe/Berlin")
    assert list(shown.columns) == ["Name", "Funktion", "Link", "Eingeladen", "Erinnert", "Geöffnet", "Beantwortet",
                                   "Abgeschickt", "Letzter Fehler"]
    otto = shown.set_index("Name").loc["Otto Fenn"]
    assert (otto["Funktion"], otto["Link"], otto["Eingeladen"], otto["Erinnert"]) == (
        "Marketingteam", "ja, 1 gültig", "keine Adresse", "nein")
    assert otto["Geöffnet"] == "02.10.2026, 18:05"  # 16:05 UTC is 18:05 in Berlin
    assert otto["Beantwortet"] == f"2 von {MARKETING_REQUIRED}" and otto["Abgeschickt"] == "noch nicht"
    view = status.StatusView(german, interval=30)  # as the page draws it: its own words, wherever it is refreshed
    assert "Wer hat geantwortet – Q4 2026" in view.table.value and "Letzter Fehler" in view.table.value
    assert "Marketing: 1 von 2 haben abgeschickt (50\u00a0%)" in view.rates.value
    assert "alle 30 Sekunden" in view.note.value and view.button.description == "Aktualisieren"
    printed = invoke("status", german.path).output
    assert "Marketing: 1 of 2 submitted (50\u00a0%), 2 of 2 answered something (100\u00a0%)." in printed
    assert "yes, 1 live" in printed and "2026-10-02 16:05 UTC" in printed and "noch" not in printed
