"""The lead funnel and follow-up (METHOD §14): the rules on plain data, reading leads.csv, a real run's page."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from playbook.cli import main
from playbook.core.engagement import load
from playbook.core.errors import UserError
from playbook.core.settings import resolve
from playbook.parts import take_snapshot
from playbook.parts.leads import files, hours, model, views, words

from .conftest import write_engagement, yes_no

HEADER = "lead_id,created,source,first_touch,status,disposition_at,reason"
NINE_TO_FIVE = hours.Calendar(9 * 3600, 17 * 3600)


def _minutes(start: str, end: str, cal: hours.Calendar = NINE_TO_FIVE) -> float:
    return float(hours.seconds(np.array([start], "datetime64[s]"), np.array([end], "datetime64[s]"), cal)[0]) / 60


def _leads(tmp_path, rows: list[str], **settings):
    """``rows`` parsed as a leads.csv with ``settings`` (resolved like an engagement's)."""
    path = tmp_path / "leads.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    merged = resolve(settings)
    return files.parse(path, merged), merged


def _refused(tmp_path, rows: list[str], **settings) -> str:
    with pytest.raises(UserError) as err:
        data, merged = _leads(tmp_path, rows, **settings)
        files._check_as_of(data, merged, "leads.csv")
    return err.value.message


# --- business hours --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, end, minutes", [
    ("2026-11-27T17:55", "2026-11-30T09:05", 5),  # Friday 17:55 -> Monday 09:05: five business minutes
    ("2026-11-27T10:00", "2026-11-27T11:30", 90),  # the same day
    ("2026-11-28T10:00", "2026-11-30T10:00", 60),  # created on a Saturday: counts from Monday's opening
    ("2026-11-30T07:00", "2026-11-30T08:30", 0),  # both before the opening
    ("2026-11-30T16:00", "2026-11-30T20:00", 60),  # touched after closing: stops at the closing
    ("2026-11-30T12:00", "2026-12-01T12:00", 480),  # one full business day
    ("2026-11-30T12:00", "2026-12-07T12:00", 5 * 480),  # a week
])
def test_business_minutes_between_two_times(start, end, minutes):
    assert _minutes(start, end) == minutes


def test_holidays_count_no_business_hours():
    cal = hours.Calendar(9 * 3600, 17 * 3600, ("2026-11-26", "2026-11-27"))  # Thanksgiving and the day after
    assert _minutes("2026-11-26T10:00", "2026-11-30T09:30", cal) == 30  # created on a holiday
    assert _minutes("2026-11-25T16:30", "2026-11-30T09:30", cal) == 60  # across two holidays and a weekend
    assert _minutes("2026-11-25T16:30", "2026-11-30T09:30") == 30 + 2 * 480 + 30  # without them


def test_offsets_in_the_file_are_read_against_the_engagements_zone(tmp_path):
    """The same two moments written on the Chicago clock, in UTC and with an offset give the same follow-up."""
    data, settings = _leads(tmp_path, [
        "a,2026-11-27 17:55,marketing,2026-11-30 09:05,open,,",  # Chicago wall clock
        "b,2026-11-27T23:55:00Z,marketing,2026-11-30T15:05Z,open,,",  # the same moments in UTC
        "c,2026-11-27 18:55-05:00,marketing,2026-11-30 10:05:00-05:00,open,,",  # and at an offset of -05:00
    ], timezone="America/Chicago")
    to_touch, _ = model.follow_up(data, settings)
    assert list(to_touch * 60) == pytest.approx([5, 5, 5])
    assert data.created[0] == data.created[1] == data.created[2] == np.datetime64("2026-11-27T23:55", "ns")


@pytest.mark.parametrize("zone, created, touched", [
    # Europe's clocks go back on Sunday 25 October 2026, America's on Sunday 1 November, forward on 8 March
    ("Europe/Berlin", "2026-10-23 16:00", "2026-10-26 10:00"),
    ("America/Chicago", "2026-10-30 16:00", "2026-11-02 10:00"),
    ("America/Chicago", "2026-03-06 16:00", "2026-03-09 10:00"),
])
def test_a_clock_change_over_the_weekend_moves_no_business_hour(tmp_path, zone, created, touched):
    data, settings = _leads(tmp_path, [f"a,{created},marketing,{touched},open,,"], timezone=zone)
    to_touch, _ = model.follow_up(data, settings)
    assert to_touch[0] == pytest.approx(2.0)  # Friday 16-17 and Monday 9-10, whatever the clock did on Sunday
    elapsed = (data.first_touch[0] - data.created[0]) / np.timedelta64(1, "h")
    assert elapsed in (65.0, 67.0)  # while the real time between them is an hour off the clock's 66


def test_the_hour_a_clock_skips_and_the_hour_it_repeats_are_read_as_zoneinfo_reads_them(tmp_path):
    data, _ = _leads(tmp_path, [
        "gap,2026-03-29 02:30,marketing,,open,,",  # Berlin skips 02:00-03:00: read with the winter offset
        "twice,2026-10-25 02:30,marketing,,open,,",  # Berlin has 02:30 twice: the first (summer) one
    ], timezone="Europe/Berlin")
    assert data.created[0] == np.datetime64("2026-03-29T01:30", "ns")
    assert data.created[1] == np.datetime64("2026-10-25T00:30", "ns")


# --- the rules on a handful of leads ---------------------------------------------------------------------------
def _small(tmp_path, **settings):
    rows = [
        # marketing: on a Monday 2026-11-02, SLA 8 business hours, as of Monday 2026-11-30 17:00
        "m1,2026-11-02 09:00,marketing,2026-11-02 09:30,accepted,2026-11-03 10:00,",  # 0.5 h
        "m2,2026-11-02 09:00,marketing,2026-11-02 17:00,converted,2026-11-05 10:00,",  # 8 h: exactly the SLA, met
        "m3,2026-11-02 09:00,marketing,2026-11-03 09:30,rejected,2026-11-04 10:00,Student",  # 8.5 h: late
        "m4,2026-11-02 09:00,marketing,2026-11-02 11:00,rejected,2026-11-04 10:00,Competitor",  # 2 h
        "m5,2026-11-02 09:00,marketing,,open,,",  # never touched, long past the SLA: breached
        "m6,2026-11-30 12:00,marketing,,open,,Calls back Tuesday",  # untouched, 5 h so far: not yet breached
        "m7,2026-11-16 17:00,marketing,2026-11-17 09:00,recycled,2026-11-20 10:00,",  # 0 h; 14 days before as of
        "s1,2026-11-02 09:00,sales,2026-11-02 09:10,accepted,2026-11-02 12:00,",
        "x1,2026-11-30 17:00,other,2026-11-30 17:00,open,,",  # the latest time in the file
    ]
    return _leads(tmp_path, rows, **settings)


def test_sla_buckets_dispositions_and_shares_per_source(tmp_path):
    data, settings = _small(tmp_path)
    result = model.score(data, settings)
    m = result["sources"]["marketing"]
    assert (m["leads"], m["followed_up"]) == (7, 5)
    assert m["median_hours"] == pytest.approx(2.0) and m["p90_hours"] == pytest.approx(8.3)  # numpy's linear
    assert (m["sla_met"], m["sla_breached"], m["sla_breached_untouched"]) == (4, 2, 1)  # m6 waits 5 h: not yet
    assert m["sla_compliance"] == pytest.approx(4 / 6)
    assert m["buckets"] == {"within_1h": 2, "within_sla": 2, "over_sla": 1, "not_followed_up": 2}
    assert m["dispositions"] == {"open": 2, "accepted": 1, "rejected": 2, "recycled": 1, "converted": 1}
    assert m["acceptance_rate"] == pytest.approx(2 / 5) and m["conversion_rate"] == pytest.approx(1 / 7)
    # 14 days = 24-hour periods before as of: m7 (created 14 days before, to the minute) counts, m6 does not
    assert (m["feedback_due"], m["feedback_given"]) == (6, 5) and m["feedback_share"] == pytest.approx(5 / 6)
    assert result["as_of"] == "2026-11-30T17:00:00+00:00" and result["as_of_from"] == "file"
    assert result["sources"]["all"]["leads"] == 9
    partner = result["sources"]["partner"]
    assert partner["leads"] == 0 and partner["buckets"]["not_followed_up"] == 0
    assert [partner[k] for k in ("median_hours", "p90_hours", "sla_compliance", "acceptance_rate", "conversion_rate",
                                 "feedback_share")] == [None] * 6
    assert result["reasons"] == [{"reason": "Competitor", "count": 1}, {"reason": "Student", "count": 1},
                                 {"reason": "none given", "count": 1}]  # ties by reason; the open lead's is kept
    assert "Calls back Tuesday" in data.reasons
    assert words.findings(result)[0].startswith("Nobody has said yet whether leads are a problem")
    assert set(words.VERDICTS) == set(model.VERDICTS)


def test_as_of_from_the_settings_and_an_sla_shorter_than_an_hour(tmp_path):
    data, settings = _small(tmp_path, leads_as_of="2026-12-01 12:00", lead_sla_hours=0.25, lead_feedback_days=0)
    result = model.score(data, settings)
    m = result["sources"]["marketing"]
    assert result["as_of_from"] == "setting" and result["as_of"].startswith("2026-12-01T12:00")
    # within 1 hour means within the SLA when the SLA is shorter: the buckets still add up to the leads
    assert m["buckets"] == {"within_1h": 1, "within_sla": 0, "over_sla": 4, "not_followed_up": 2}
    assert (m["sla_met"], m["sla_breached"], m["sla_breached_untouched"]) == (1, 6, 2)  # m6 has waited 8 h now
    assert m["feedback_due"] == 7


def test_sla_compliance_is_null_when_no_lead_has_met_or_breached_it(tmp_path):
    data, settings = _leads(tmp_path, ["a,2026-11-30 10:00,marketing,,open,,"])
    m = model.score(data, settings)["sources"]["marketing"]
    assert (m["sla_met"], m["sla_breached"], m["sla_compliance"]) == (0, 0, None)
    assert m["acceptance_rate"] is None and m["feedback_share"] is None


@pytest.mark.parametrize("share, value, verdict", [
    (0.71, 0.72, "not_borne_out"),  # reported, healthy
    (0.71, 0.41, "confirmed"),  # reported, not healthy
    (0.2, 0.41, "unseen"),  # not reported, not healthy
    (0.2, 0.72, "fine"),  # neither
    (0.5, 0.6, "not_borne_out"),  # half is reported; the threshold itself is healthy
    (None, 0.41, "no_data"),  # nobody judged the symptom
    (0.71, None, "no_data"),  # the record has no figure
])
def test_the_perception_verdicts(share, value, verdict):
    assert model.verdict(share, value, 0.6)[1] == verdict


def test_perception_sets_marketings_leads_against_the_latest_waves_symptoms(tmp_path):
    eng = write_engagement(tmp_path / "e", rows=yes_no("sls-1", "SYM", {2, 5}, 8) + yes_no("sls-lead", "SYM", {2}, 8)
                           + yes_no("mkt-1", "SYM", set(), 8))
    (eng / "leads.csv").write_text("\n".join([
        HEADER,
        "m1,2026-11-02 09:00,marketing,2026-11-02 09:30,accepted,,",
        "m2,2026-11-02 09:00,marketing,2026-11-02 10:30,rejected,,No budget",
        "m4,2026-11-02 09:00,marketing,2026-11-02 10:00,open,,",
        "s1,2026-11-02 09:00,sales,2026-11-02 09:30,rejected,,",
        "m3,2026-11-30 09:00,marketing,,open,,",  # the latest time: it has not waited at all
    ]) + "\n")
    result = model.evaluate_snapshot(take_snapshot(load(eng)))["leads"]
    rows = {r["symptom"]: r for r in result["perception"]}
    assert result["symptoms_wave"] == "2026-Q4"
    assert rows["SYM-2"]["symptom_share"] == pytest.approx(2 / 3) and rows["SYM-2"]["value"] == 0.5
    assert rows["SYM-2"]["verdict"] == "confirmed"  # 2 of 3 complain; sales accepted 1 of 2 marketing leads
    assert rows["SYM-4"]["verdict"] == "fine" and rows["SYM-4"]["value"] == 1.0  # nobody worries; all in time
    assert rows["SYM-5"]["verdict"] == "unseen" and rows["SYM-5"]["value"] == pytest.approx(2 / 3)  # 1 of 3 say
    lines = words.findings(result)
    assert lines[0].startswith("Sales complains about lead quality (67% say so), and accepted only 50%")


def test_findings_and_tables_are_in_words(tmp_path):
    data, settings = _small(tmp_path)
    result = model.score(data, settings, {"SYM-2": 0.71, "SYM-4": 0.29, "SYM-5": None}, "2026-Q4")
    lines = words.findings(result)
    assert lines[0] == ("Sales complains about lead quality (71% say so), and accepted only 40% of the marketing "
                        "leads it decided on: the record bears this out.")
    assert ("Against the SLA of 8 business hours, 4 marketing leads were followed up in time, 1 late, and 1 is still "
            "waiting past it. Leads sales found itself met the SLA 100% of the time.") in lines
    assert "Sales gave its verdict on 83% of the 6 marketing leads older than 14 days." in lines  # SYM-5 unjudged
    assert len(lines) == 9
    assert lines[-1] == ("Figures as of Nov 30, 2026, 5:00\u202fPM UTC; business hours 9:00\u202fAM\u20135:00\u202fPM, "
                         "Monday to Friday, UTC.")
    sec = views.report_section({"leads": result})
    table = sec["tables"]["perception"][1]
    assert list(table["Verdict"]) == ["Borne out by the record", "A problem nobody names", "Nothing to compare yet"]
    assert list(table["Say so"]) == ["71%", "29%", "–"]
    assert set(sec["figures"]) == {"funnel", "follow_up"}
    assert views.stages(result["sources"]["marketing"]) == [7, 5, 5, 2, 1]
    text = json.dumps(sec["figures"]["follow_up"][1].to_dict())
    assert "Follow-up against the SLA of 8 business hours, by source" in text and "Partners" not in text


def test_not_assessed_without_a_file_or_with_its_header_only(tmp_path):
    eng = write_engagement(tmp_path / "e")
    assert model.read(load(eng)) is None
    (eng / "leads.csv").write_text("# the scaffold's comment\n" + HEADER + "\n\n")
    assert model.read(load(eng)) is None
    assert words.findings(None)[0].startswith("Not assessed")


# --- reading leads.csv: one message naming the file, row and column --------------------------------------------
@pytest.mark.parametrize("rows, message", [
    (["a,2026-13-01 09:00,marketing,,open,,"],
     "leads.csv, row 2, column created: created '2026-13-01 09:00' is not a real date and time"),
    (["a,2026-11-02 9:00,marketing,,open,,"], "row 2, column created: created '2026-11-02 9:00' is not a real"),
    (["a,2026-11-02 09:00:00.5,marketing,,open,,"], "row 2, column created"),
    (["a,2026-11-02 09:00+25:00,marketing,,open,,"], "row 2, column created"),
    (["a,,marketing,,open,,"], "row 2, column created: created is empty"),
    (["a,2026-11-02 09:00,marketing,,open,,", "b,2026-11-02 09:00,Webinar,,open,,"],
     "row 3, column source: source 'Webinar' is unknown; allowed: marketing, sales, partner, other"),
    (["a,2026-11-02 09:00,marketing,,won,,"],
     "row 2, column status: status 'won' is unknown; allowed: open, accepted, rejected, recycled, converted"),
    (["a,2026-11-02 09:00,marketing,,open,,", "b,2026-11-02 09:00,marketing,,open,,", "a,2026-11-02 09:00,sales,,open,,"],
     "row 4, column lead_id: lead_id 'a' is used twice; ids must be unique (first used in row 2)"),
    (["a,2026-11-02 09:00,marketing,2026-11-01 17:00,open,,"],
     "row 2, column first_touch: first_touch '2026-11-01 17:00' is before the lead was created (2026-11-02 09:00)"),
    (["a,2026-11-02 09:00,marketing,2026-11-02 10:00,rejected,2026-11-02 08:00,"],
     "row 2, column disposition_at: disposition_at '2026-11-02 08:00' is before the lead was created"),
    (["a,2026-11-02 09:00,marketing,2026-11-02 10:00,open,,,extra"], "not a valid CSV file"),
])
def test_bad_rows_are_one_clear_message(tmp_path, rows, message):
    assert message in _refused(tmp_path, rows)


def test_comment_lines_count_as_rows_and_cells_are_trimmed_and_case_insensitive(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("# exported from the CRM\n# second comment\n" + HEADER + "\n"
                    " a , 2026-11-02 09:00 ,Marketing,, Open ,,\nb,2026-11-02,sales,,open,,\n")
    with pytest.raises(UserError) as err:
        files.parse(path, resolve({}))
    assert err.value.message.startswith("leads.csv, row 5, column created:")


@pytest.mark.parametrize("header, message", [
    ("lead_id,created,source,status", "column 'first_touch' is missing"),
    (HEADER + ",owner", "column 'owner' is not known; the columns are lead_id, created, source, first_touch, status "
                        "and optionally disposition_at, reason"),
    ("lead_id,created,source,first_touch,status,status", "column 'status' appears twice"),
])
def test_bad_headers_are_refused(tmp_path, header, message):
    (tmp_path / "leads.csv").write_text(header + "\n")
    with pytest.raises(UserError, match=message):
        files.parse(tmp_path / "leads.csv", resolve({}))


def test_the_optional_columns_may_be_left_out(tmp_path):
    (tmp_path / "leads.csv").write_text("lead_id,created,source,first_touch,status\na,2026-11-02 09:00,sales,,open\n")
    data = files.parse(tmp_path / "leads.csv", resolve({}))
    assert len(data) == 1 and data.reasons == [] and data.reason[0] == -1


def test_an_export_cannot_hold_a_time_after_it_was_taken(tmp_path):
    message = _refused(tmp_path, ["a,2026-11-02 09:00,marketing,2026-12-02 10:00,open,,"],
                       leads_as_of="2026-12-01 18:00")
    assert message.startswith("leads.csv, row 2, column first_touch: the time is after 'settings.leads_as_of'")


@pytest.mark.parametrize("settings, message", [
    ({"timezone": "Europe/Berln"}, "'settings.timezone' is 'Europe/Berln', which is not a known time zone"),
    ({"business_hours": "17:00-09:00"}, "'settings.business_hours' is '17:00-09:00', which is not an opening"),
    ({"holidays": ["2026-02-30"]}, "'settings.holidays[1]' is '2026-02-30', which is not a real date"),
    ({"leads_as_of": "2026-11-30"}, "'settings.leads_as_of' is '2026-11-30'; it must be a date and time"),
    ({"lead_sla_hours": 0}, "'settings.lead_sla_hours' is 0; it must be a number of business hours greater than 0"),
    ({"lead_acceptance_ok": 60}, "'settings.lead_acceptance_ok' is 60; it must be a number from 0 to 1"),
])
def test_bad_lead_settings_are_refused(settings, message):
    with pytest.raises(UserError) as err:
        resolve(settings)
    assert message in err.value.message


def test_holidays_written_as_unquoted_dates_are_taken(tmp_path):
    eng = write_engagement(tmp_path / "e")
    text = (eng / "engagement.yaml").read_text() + "settings:\n  holidays: [2026-12-24, 2026-12-25]\n"
    (eng / "engagement.yaml").write_text(text)
    assert load(eng).settings["holidays"] == ["2026-12-24", "2026-12-25"]


def test_a_bad_leads_file_stops_the_run_before_any_work(tmp_path):
    eng = write_engagement(tmp_path / "e", rows=yes_no("mkt-lead", "MSE", {1}, 6))
    (eng / "leads.csv").write_text(HEADER + "\na,2026-11-02 09:00,marketing,,open,,\na,2026-11-03 09:00,sales,,open,,\n")
    res = CliRunner().invoke(main, ["run", str(eng), "--out", str(tmp_path / "out"), "--no-pdf", "--no-deck"])
    assert res.exit_code == 2
    assert "leads.csv, row 3, column lead_id: lead_id 'a' is used twice" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "out").exists()


# --- the sample and the page -----------------------------------------------------------------------------------
def test_the_sample_shows_every_verdict_but_fine_and_no_data():
    """Three symptoms give three verdicts: the sample's answers and leads make them three different ones."""
    result = model.evaluate_snapshot(take_snapshot(load("")))["leads"]
    assert [r["verdict"] for r in result["perception"]] == ["not_borne_out", "unseen", "confirmed"]
    assert result["timezone"] == "America/Chicago" and result["as_of"] == "2026-11-30T18:00:00-06:00"
    assert 300 <= result["sources"]["all"]["leads"] <= 600


def test_the_page_redraws_the_follow_up_for_another_sla_and_the_funnel_for_another_source(sample_copy):
    from playbook.serve.report_page import viewer

    report = viewer.Report.computed(take_snapshot(load(sample_copy)))
    run = {b["name"]: b for b in report.section("leads")["content"]["blocks"]}
    choice = viewer.Choice(report.wave, sla_hours=24.0)
    assert viewer.changed(report, "leads", choice) and not viewer.changed(report, "leads", viewer.Choice(report.wave))
    sla = viewer.redraw(report, "leads", choice)
    blocks = {b["name"]: b for b in sla["content"]["blocks"]}
    assert "SLA of 24 business hours" in blocks["follow_up"]["svg"] and blocks["follow_up"]["label"] == "Figure 7.2"
    assert blocks["funnel"]["svg"] == run["funnel"]["svg"]  # the funnel does not depend on the SLA
    assert "an SLA of 24 business hours" in viewer.note(report, "leads", choice)
    partners = viewer.redraw(report, "leads", viewer.Choice(report.wave, lead_source="partner"))
    blocks = {b["name"]: b for b in partners["content"]["blocks"]}
    assert blocks["funnel"]["title"] == "Partners' leads, from created to converted"
    assert blocks["reasons"]["title"] == "Why partners' leads were rejected or recycled"
    data = report.snapshot().data["leads"]
    assert sum(r["count"] for r in model.reasons(data, "partner")) < sum(r["count"] for r in model.reasons(data))


def test_the_scaffold_has_a_commented_leads_header_that_reads_as_no_leads(tmp_path):
    from playbook.core.scaffold import scaffold

    folder = scaffold(tmp_path / "acme", "Acme Ltd")
    text = (folder / "leads.csv").read_text()
    assert text.startswith("#") and HEADER in text
    assert model.read(load(folder)) is None
    shutil.rmtree(folder)
