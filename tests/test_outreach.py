"""Reaching respondents (issue 25): the firm's profile, invitations and reminders by mail through a real SMTP
server on 127.0.0.1 (aiosmtpd), what is recorded, the deadline and the closed wave."""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml
from click.testing import CliRunner

from playbook.cli import main
from playbook.core import firm as firm_mod
from playbook.core import waves
from playbook.core.engagement import load
from playbook.core.errors import UserError
from playbook.core.store import open_store
from playbook.outreach import links, status

from .conftest import RESPONDENTS, reset_pg, system_tool, write_engagement
from .mailserver import PASSWORD, USER, MailServer, body, make_ca

PUBLIC = "https://forms.example.org/survey/"
LINK = re.compile(r"https://forms\.example\.org/survey/voila/render/respond\.ipynb\?e=[\w-]+&t=[\w-]+")
ADDRESSES = {"mkt-lead": "mara@testco.example", "mkt-1": "otto@testco.example", "sls-lead": "bea@testco.example",
             "sls-1": "ivo@testco.example"}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def workspace(tmp_path, mail=None, respondents=None, firm=None, **fields):
    """A folder of engagements with the firm's profile beside the engagement 'test-eng'."""
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    profile = {"name": "Northwind Consulting", "public_url": PUBLIC, **(firm or {})}
    if mail is not None:
        profile["mail"] = mail
    (ws / "firm.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    people = respondents if respondents is not None else [dict(r, email=ADDRESSES[r["id"]]) for r in RESPONDENTS]
    fields.setdefault("waves", {"2026-Q4": {"deadline": (date.today() + timedelta(days=14)).isoformat()}})
    return write_engagement(ws / "test-eng", respondents=people, **fields)


def plain(port: int) -> dict:
    return {"host": "127.0.0.1", "port": port, "security": "none", "from": "Northwind Consulting <forms@northwind.example>"}


def sent_to(smtp) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in smtp.messages:
        out.setdefault(m["To"].addresses[0].addr_spec, []).append(m)
    return out


# --- the firm's profile ---------------------------------------------------------------------------------------------
def test_settings_are_layered_defaults_then_firm_then_engagement(tmp_path):
    folder = workspace(tmp_path, firm={"colour": "#224466", "settings": {"min_group_size": 5, "currency": "EUR"}},
                       settings={"currency": "GBP"})
    eng = load(folder)
    assert eng.settings["firm_name"] == "Northwind Consulting" and eng.settings["brand_colour"] == "#224466"
    assert eng.settings["min_group_size"] == 5  # the firm's
    assert eng.settings["currency"] == "GBP"  # the engagement's own wins
    assert eng.settings["kpi_watch"] == 0.9  # the package's


def test_without_a_firm_profile_no_made_up_firm_appears(tmp_path):
    eng = load(write_engagement(tmp_path / "e"))
    assert eng.firm is None and eng.settings["firm_name"] == "Cy Consultant"  # the consultant's own name
    nobody = load(write_engagement(tmp_path / "n", consultant=""))
    assert nobody.settings["firm_name"] == ""
    res = invoke("new", tmp_path / "fresh", "--client", "Acme")
    assert res.exit_code == 0 and "Northbeam" not in (tmp_path / "fresh" / "engagement.yaml").read_text()
    assert load(tmp_path / "fresh").settings["firm_name"] == ""


def test_new_takes_the_firm_from_its_profile_and_playbook_firm_names_one_elsewhere(tmp_path, monkeypatch):
    ws = workspace(tmp_path).parent
    assert invoke("new", ws / "acme", "--client", "Acme", "--consultant", "Ana Ruiz").exit_code == 0
    text = (ws / "acme" / "engagement.yaml").read_text()
    assert "Northwind Consulting" in text and load(ws / "acme").settings["firm_name"] == "Northwind Consulting"
    elsewhere = write_engagement(tmp_path / "other" / "e")
    monkeypatch.setenv(firm_mod.ENV, str(ws / "firm.yaml"))
    assert load(elsewhere).settings["firm_name"] == "Northwind Consulting"
    monkeypatch.setenv(firm_mod.ENV, str(tmp_path / "missing.yaml"))
    with pytest.raises(UserError, match="PLAYBOOK_FIRM"):
        load(elsewhere)


@pytest.mark.parametrize("profile, words", [
    ({"nmae": "X"}, "'nmae' is not a known key"),
    ({"mail": {"host": "smtp.x.example", "port": "five", "from": "a@x.example"}}, "'mail.port' is 'five'"),
    ({"mail": {"host": "smtp.x.example", "security": "tls", "from": "a@x.example"}},
     "'mail.security' is 'tls'; it must be one of starttls, ssl, none"),
    ({"mail": {"host": "smtp.x.example", "from": "a@x.example", "pasword": "x"}}, "'mail.pasword' is not a known key"),
    ({"mail": {"host": "smtp.x.example", "from": "not an address"}}, "'mail.from'"),
    ({"settings": {"min_group_sise": 3}}, "settings.min_group_sise"),
    ({"logo": "logo.png"}, "'logo' names"),
])
def test_a_wrong_firm_profile_is_one_message_exit_2_and_nothing_written(tmp_path, profile, words):
    folder = write_engagement(tmp_path / "ws" / "test-eng")
    (tmp_path / "ws" / "firm.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    res = invoke("invite", folder, "--all")
    assert res.exit_code == 2 and words in res.output and "firm.yaml" in res.output, res.output
    assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert not (folder / "invites.csv").exists() and not (folder / "answers.sqlite").exists()


def test_a_wrong_respondent_address_is_refused_with_its_key_path(tmp_path):
    people = [dict(RESPONDENTS[0], email="mara at testco"), *RESPONDENTS[1:]]
    with pytest.raises(UserError, match=r"respondents\[1\]\.email.*'mara at testco'.*mail address"):
        load(write_engagement(tmp_path / "e", respondents=people))


def test_a_deadline_that_is_no_day_is_refused_and_yaml_dates_are_taken(tmp_path):
    with pytest.raises(UserError, match=r"waves\.2026-Q4\.deadline.*2026-02-30"):
        load(write_engagement(tmp_path / "a", waves={"2026-Q4": {"deadline": "2026-02-30"}}))
    folder = write_engagement(tmp_path / "b")
    text = (folder / "engagement.yaml").read_text() + "waves:\n  2026-Q4:\n    deadline: 2026-12-18\n"
    (folder / "engagement.yaml").write_text(text)
    assert load(folder).wave().deadline == date(2026, 12, 18)


# --- invitations --------------------------------------------------------------------------------------------------
def test_invitations_carry_each_respondents_own_link_and_nobody_is_sent_twice(tmp_path):
    people = [dict(r, email=ADDRESSES[r["id"]]) for r in RESPONDENTS]
    del people[1]["email"]  # Otto has no address
    with MailServer() as smtp:
        folder = workspace(tmp_path, plain(smtp.port), people, consultant_email="cy@northwind.example")
        res = invoke("invite", folder, "--all", "--send")
        assert res.exit_code == 0, res.output
        assert "Sent 3 invitation(s): Mara Quill, Bea Lorne, Ivo Strand." in res.output
        assert "No mail address for 1: Otto Fenn" in res.output
        eng = load(folder)
        mails = sent_to(smtp)
        assert sorted(mails) == ["bea@testco.example", "ivo@testco.example", "mara@testco.example"]
        for person in eng.respondents:
            if not person.email:
                continue
            (msg,) = mails[person.email]
            found = {LINK.search(body(msg)).group(0)} | set(LINK.findall(body(msg, "html").replace("&amp;", "&")))
            assert len(found) == 1  # one link, the same in both parts
            token = re.search(r"t=([\w-]+)", found.pop()).group(1)
            assert links.respondent_for(eng, token) == person.id  # their own, and no one else's
            assert msg["Date"] and msg["Message-ID"] and msg["Reply-To"] == "cy@northwind.example"
            assert msg["From"].addresses[0].display_name == "Northwind Consulting"
            text = body(msg)
            assert person.name in text and "Cy Consultant of Northwind Consulting" in text
            assert "Please answer by" in text and "Testco Ltd" in msg["Subject"]
        again = invoke("invite", folder, "--all", "--send")
        assert again.exit_code == 0 and "Not sent again (3 had theirs already" in again.output
        assert len(smtp.messages) == 3  # nobody twice
        one = invoke("invite", folder, "sls-1", "--send", "--resend")
        assert one.exit_code == 0 and "Sent 1 invitation(s): Ivo Strand." in one.output
        assert len(sent_to(smtp)["ivo@testco.example"]) == 2
    rows = {r.id: r for r in status.table(eng).rows}
    assert rows["sls-1"].invited_at and rows["mkt-1"].invited_text == "no address"
    res = invoke("status", folder)
    assert res.exit_code == 0 and "invited" in res.output and "no address" in res.output


def test_a_german_engagements_invitation_is_written_in_german_with_german_dates(tmp_path):
    """METHOD 15: the mail a respondent reads is in the engagement's language; the command line stays English."""
    from babel.dates import format_date

    deadline = date.today() + timedelta(days=14)
    with MailServer() as smtp:
        folder = workspace(tmp_path, plain(smtp.port), consultant_email="cy@northwind.example",
                           settings={"locale": "de_DE", "currency": "EUR"})
        res = invoke("invite", folder, "sls-1", "--send")
        assert res.exit_code == 0 and "Sent 1 invitation(s): Ivo Strand." in res.output  # the consultant's English
        (msg,) = sent_to(smtp)["ivo@testco.example"]
    day = format_date(deadline, "long", locale="de_DE")  # "17. Dezember 2026"
    assert msg["Subject"].strip() == f"Testco Ltd: Ihre Befragung zu Marketing und Vertrieb, bis zum {day}"
    text, html = body(msg), body(msg, "html")
    for words in ("Guten Tag Ivo Strand,", "Cy Consultant von Northwind Consulting unterstützt Testco Ltd",
                  "Bitte leiten Sie ihn nicht weiter", f"Bitte antworten Sie bis zum {day}.", "Zur Befragung:",
                  "Fragen? Schreiben Sie an cy@northwind.example.", "Vielen Dank für Ihre Zeit."):
        assert words in text, words
    assert "<html lang='de'>" in html and "Zur Befragung</a>" in html and "kopieren Sie diese Adresse" in html
    english = ("Dear", "Please", "Questions?", "Thank you", "your questions", "Open your questions", "December")
    assert not [w for w in english if w in text or w in html or w in msg["Subject"]]
    assert LINK.search(text)  # the respondent's own link, as in English


def test_a_refused_recipient_and_an_unreachable_server_are_reported_and_nothing_is_marked_sent(tmp_path):
    refuse = {"ivo@testco.example": "550 5.1.1 <ivo@testco.example>: mailbox unavailable"}
    with MailServer(refuse=refuse) as smtp:
        folder = workspace(tmp_path, plain(smtp.port))
        res = invoke("invite", folder, "--all", "--send")
        assert res.exit_code == 0, res.output
        assert "Sent 3 invitation(s)" in res.output
        assert "Failed for Ivo Strand <ivo@testco.example>: refused by the server: 550 5.1.1" in res.output
        assert "ivo@testco.example" not in sent_to(smtp)
    eng = load(folder)
    with open_store(eng, read_only=True) as store:
        ivo = [m for m in store.mailings() if m["respondent"] == "sls-1"][0]
        live = [t for t in store.tokens() if t["respondent"] == "sls-1" and links.live(t)]
    assert ivo["sent_at"] is None and "550" in ivo["error"] and live == []  # the unsent link was revoked
    row = {r.id: r for r in status.table(eng).rows}["sls-1"]
    assert row.invited_at is None and "550 5.1.1" in row.failure_text
    # The server is gone now: every mail fails with the reason, none is marked sent, the command says so.
    res = invoke("invite", folder, "sls-1", "--send")
    assert res.exit_code == 0 and f"could not reach 127.0.0.1:{smtp.port}" in res.output, res.output
    with open_store(eng, read_only=True) as store:
        assert [m["sent_at"] for m in store.mailings() if m["respondent"] == "sls-1"] == [None]


def test_starttls_with_the_firms_certificate_and_a_login(tmp_path, monkeypatch):
    system_tool("openssl", "openssl")
    ca, cert, key = make_ca(tmp_path / "ca")
    with MailServer(tls=(cert, key)) as smtp:
        mail = {**plain(smtp.port), "security": "starttls", "username": USER, "password_env": "NORTHWIND_SMTP"}
        folder = workspace(tmp_path, mail)
        before = invoke("invite", folder, "mkt-lead", "--send")  # the password's variable is not set
        assert before.exit_code == 2 and "NORTHWIND_SMTP is not set" in before.output and not smtp.messages
        monkeypatch.setenv("NORTHWIND_SMTP", PASSWORD)
        untrusted = invoke("invite", folder, "mkt-lead", "--send")  # the test authority is not trusted yet
        assert untrusted.exit_code == 0 and "certificate" in untrusted.output and not smtp.messages
        monkeypatch.setenv("SSL_CERT_FILE", str(ca))
        res = invoke("invite", folder, "mkt-lead", "--send")
        assert res.exit_code == 0 and "Sent 1 invitation(s): Mara Quill." in res.output, res.output
        assert [m["To"].addresses[0].addr_spec for m in smtp.messages] == ["mara@testco.example"]
        monkeypatch.setenv("NORTHWIND_SMTP", "wrong")
        wrong = invoke("invite", folder, "mkt-1", "--send")
        assert "Failed for Otto Fenn" in wrong.output and "535" in wrong.output and len(smtp.messages) == 1


def test_sending_needs_an_address_people_can_open(tmp_path):
    with MailServer() as smtp:
        folder = workspace(tmp_path, plain(smtp.port), firm={"public_url": None})
        profile = yaml.safe_load((folder.parent / "firm.yaml").read_text())
        profile.pop("public_url")
        (folder.parent / "firm.yaml").write_text(yaml.safe_dump(profile))
        res = invoke("invite", folder, "--all", "--send")
        assert res.exit_code == 2 and "opens only on this machine" in res.output and not smtp.messages
        printed = invoke("invite", folder, "mkt-1")
        assert printed.exit_code == 0 and printed.output.count("\n") == 2 and "note: these links" in printed.output


# --- deadlines and reminders --------------------------------------------------------------------------------------
def test_the_reminder_due_is_the_latest_whose_day_has_come(tmp_path):
    eng = load(write_engagement(tmp_path / "e", waves={"2026-Q4": {"deadline": "2026-12-18"}}))
    at = lambda day: datetime(2026, 12, day, 12, tzinfo=UTC)  # noqa: E731
    assert [waves.due(eng, at=at(d)) for d in (10, 11, 15, 16, 17, 18, 19)] == [None, 7, 7, 2, 2, 2, None]
    assert waves.closed(eng, at=at(18)) is None and waves.closed(eng, at=at(19)) == date(2026, 12, 18)
    own = load(write_engagement(tmp_path / "f", waves={"2026-Q4": {"deadline": "2026-12-18", "reminders": [1]}},
                                settings={"reminders": []}))
    assert waves.due(own, at=at(16)) is None and waves.due(own, at=at(17)) == 1


def test_remind_sends_the_due_reminder_to_those_who_have_not_submitted_once(tmp_path):
    soon = (date.today() + timedelta(days=2)).isoformat()
    with MailServer() as smtp:
        folder = workspace(tmp_path, plain(smtp.port), waves={"2026-Q4": {"deadline": soon}})
        eng = load(folder)
        with open_store(eng) as store:
            store.submit("sls-lead", eng.period)
        dry = invoke("remind", folder)
        assert dry.exit_code == 0 and "2 day(s) before the deadline" in dry.output and not smtp.messages
        res = invoke("remind", folder, "--send")
        assert res.exit_code == 0 and "Sent 3 reminder(s): Mara Quill, Otto Fenn, Ivo Strand." in res.output
        assert "bea@testco.example" not in sent_to(smtp)  # submitted
        text = body(sent_to(smtp)["otto@testco.example"][0])
        assert "A reminder" in text and LINK.search(text)
        again = invoke("remind", folder, "--send")
        assert "Not sent again (3 had theirs already)" in again.output and len(smtp.messages) == 3
    row = {r.id: r for r in status.table(eng).rows}["mkt-1"]
    assert row.reminders == 1 and row.reminded_text.startswith("1x, last ")


def test_a_deadline_before_the_first_answer_is_a_warning_not_an_error(tmp_path):
    folder = workspace(tmp_path, waves={"2026-Q4": {"deadline": "2026-01-05"}})
    res = invoke("status", folder)
    assert res.exit_code == 0, res.output
    eng = load(folder)
    with open_store(eng) as store:
        store.save("mkt-1", "MSE-1", "yes", eng.period)
    res = invoke("status", folder)
    assert res.exit_code == 0 and "note: wave 2026-Q4 closed on" in res.output and "before its first answer" in res.output


def test_the_closed_wave_keeps_its_answers_and_takes_no_new_ones(tmp_path):
    from playbook.serve.forms.page import FormPage
    from playbook.serve.forms.questions import app_model

    folder = write_engagement(tmp_path / "e", waves={"2026-Q4": {"deadline": "2026-12-31"}})
    eng = load(folder)
    page = FormPage(app_model(eng, "mkt-1"))
    assert page.handle({"op": "answer", "item": "MSE-1", "value": "yes"})["op"] == "saved"
    assert "Please answer by December 31, 2026" in page.html() and not page.closed
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    write_engagement(folder, waves={"2026-Q4": {"deadline": yesterday}})
    eng = load(folder)
    page = FormPage(app_model(eng, "mkt-1"))
    html = page.html()
    assert page.closed and "This questionnaire closed on" in html and "disabled" in html
    assert "mod-active" in html  # the saved answer is shown
    reply = page.handle({"op": "answer", "item": "MSE-2", "value": "no"})
    assert reply["op"] == "closed" and "closed on" in reply["text"]
    assert page.handle({"op": "submit"})["op"] in ("closed", "missing")
    with open_store(eng, read_only=True) as store:
        assert [a["item"] for a in store.current(respondent="mkt-1")] == ["MSE-1"]
    later = (date.today() + timedelta(days=3)).isoformat()  # the consultant extends it: answers again
    write_engagement(folder, waves={"2026-Q4": {"deadline": later}})
    assert FormPage(app_model(load(folder), "mkt-1")).handle(
        {"op": "answer", "item": "MSE-2", "value": "no"})["op"] == "saved"


# --- the store ------------------------------------------------------------------------------------------------------
def test_a_store_of_the_first_version_is_upgraded_keeping_every_row(tmp_path):
    from alembic import command
    from alembic.config import Config

    from playbook.core.store_schema import MIGRATIONS

    folder = write_engagement(tmp_path / "e")
    eng = load(folder)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{folder / 'answers.sqlite'}")
    with engine.begin() as conn:
        cfg.attributes.update(connection=conn, engagement=eng.id)
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql("INSERT INTO submissions (engagement, respondent, wave, submitted_at) "
                             "VALUES ('test-eng', 'mkt-1', '2026-Q4', '2026-12-01T00:00:00+00:00')")
    engine.dispose()
    res = invoke("store", "upgrade", folder)
    assert res.exit_code == 0 and "from schema 0001 to 0003" in res.output, res.output
    with sqlite3.connect(folder / "answers.sqlite") as c:
        assert c.execute("SELECT count(*) FROM submissions").fetchone() == (1,)
        assert c.execute("SELECT count(*) FROM mailings").fetchone() == (0,)
        assert c.execute("SELECT count(*) FROM imports").fetchone() == (0,)


@pytest.mark.slow
def test_two_servers_on_one_postgresql_send_the_scheduled_reminder_once(tmp_path, pg_url):
    import time

    from .browser import served

    reset_pg(pg_url)
    soon = (date.today() + timedelta(days=2)).isoformat()
    with MailServer() as smtp:
        folder = workspace(tmp_path, plain(smtp.port), waves={"2026-Q4": {"deadline": soon}})
        env = {"PLAYBOOK_STORE_URL": pg_url, "PLAYBOOK_REMINDER_SECONDS": "1"}
        with served(folder.parent, "--preheat", "0", env=env) as (_, one), \
                served(folder.parent, "--preheat", "0", env=env) as (_, two):
            deadline = time.monotonic() + 60
            while len(smtp.messages) < 4 and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(4)  # several more rounds on both servers: nothing more may go
            logs = one.log_path.read_text() + two.log_path.read_text()
        assert sorted(sent_to(smtp)) == sorted(ADDRESSES.values()), logs
        assert all(len(m) == 1 for m in sent_to(smtp).values()), logs  # once each, whichever server sent it
        assert "Reminders are mailed through 127.0.0.1" in logs and "sent to" in logs
    import os

    os.environ["PLAYBOOK_STORE_URL"] = pg_url
    try:
        with open_store(load(folder), read_only=True) as store:
            rows = store.mailings()
    finally:
        del os.environ["PLAYBOOK_STORE_URL"]
    assert len(rows) == 4 and all(r["kind"] == "reminder" and r["days"] == 2 and r["sends"] == 1 for r in rows)


def test_copying_a_store_takes_the_record_of_mails_along(tmp_path, pg_url):
    reset_pg(pg_url)
    with MailServer() as smtp:
        folder = workspace(tmp_path, plain(smtp.port))
        assert invoke("invite", folder, "mkt-lead", "--send").exit_code == 0
    res = invoke("store", "copy", folder, "--to", pg_url)
    assert res.exit_code == 0 and "mailings: 1 added" in res.output, res.output


def test_ssl_from_the_first_byte_with_the_firms_certificate(tmp_path, monkeypatch):
    system_tool("openssl", "openssl")
    ca, cert, key = make_ca(tmp_path / "ca")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    with MailServer(tls=(cert, key), implicit=True) as smtp:
        folder = workspace(tmp_path, {**plain(smtp.port), "security": "ssl"})
        res = invoke("invite", folder, "sls-lead", "--send")
        assert res.exit_code == 0 and "Sent 1 invitation(s): Bea Lorne." in res.output, res.output
        assert [m["To"].addresses[0].addr_spec for m in smtp.messages] == ["bea@testco.example"]


def test_the_firms_logo_public_address_and_template_serve_its_engagements(tmp_path):
    from PIL import Image

    from playbook.core.html import logo_uri
    from playbook.report import brand

    ws = tmp_path / "ws"
    ws.mkdir()
    Image.new("RGB", (40, 20), "#224466").save(ws / "northwind.png")
    png = (ws / "northwind.png").read_bytes()
    shutil.copy(sample_deck_template(tmp_path), ws / "northwind.pptx")
    folder = workspace(tmp_path, firm={"logo": "northwind.png", "deck_template": "northwind.pptx"})
    eng = load(folder)
    assert logo_uri(eng).startswith("data:image/png;base64,")
    b = brand.brand(eng)
    assert b.logo == png and b.template is not None and b.firm == "Northwind Consulting"
    printed = invoke("invite", folder, "mkt-1")  # the firm's public address, no note about this machine
    assert printed.exit_code == 0 and printed.output.startswith(PUBLIC) and "note:" not in printed.output


def sample_deck_template(tmp_path):
    from pptx import Presentation

    path = tmp_path / "template.pptx"
    Presentation().save(str(path))
    return path
