"""Input that never passes silently: unknown keys in the YAML files, CSVs saved with another separator."""

from __future__ import annotations

import csv

import pytest
import yaml
from click.testing import CliRunner

from playbook import UserError, load
from playbook.cli import main
from playbook.core import schema
from playbook.core.files import csv_delimiter
from playbook.core.responses import current_answers, parse
from playbook.parts.economics import prospecting
from playbook.parts.kpis.files import csv_rows

from .conftest import RESPONDENTS


def engagement_yaml(folder, **changes) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"id": "typo", "client": "Typo Ltd", "period": "2026-Q1", "respondents": [dict(r) for r in RESPONDENTS]}
    data.update(changes)
    (folder / "engagement.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return data


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["respondents"][1].update(rol=d["respondents"][1].pop("role", "leader")),
     "'respondents[2].rol' is not a known key (did you mean 'role'?); allowed keys are id, name, side, role, email."),
    (lambda d: d.update(clinet=d.pop("client")),
     "'clinet' is not a known key (did you mean 'client'?); allowed keys are id, client, consultant, "
     "consultant_email, period, respondents, waves, settings."),
    (lambda d: d.update(waves={"1": {"deadlin": "2026-03-31"}}),
     "'waves.1.deadlin' is not a known key (did you mean 'deadline'?); allowed keys are deadline, reminders."),
    (lambda d: d.update(settings={"stage_treshold": 0.8}),
     "unknown setting 'settings.stage_treshold' (did you mean 'stage_threshold'?)"),
    (lambda d: d.update(notes="remember the workshop"), "'notes' is not a known key; allowed keys are id, client"),
    (lambda d: d.update(settings={"lead_sla_hour": 4}),  # the lead funnel's settings (issue 26) are declared too
     "unknown setting 'settings.lead_sla_hour' (did you mean 'lead_sla_hours'?)"),
])
def test_an_unknown_key_anywhere_in_engagement_yaml_is_refused_with_its_path(tmp_path, change, expected):
    data = engagement_yaml(tmp_path / "e")
    change(data)
    (tmp_path / "e" / "engagement.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(UserError) as err:
        load(tmp_path / "e")
    assert expected in err.value.message


def test_a_typo_stops_the_run_before_anything_is_written(tmp_path):
    """The new consultant's case: 'rol: leader' used to make the marketing leader a member, silently."""
    data = engagement_yaml(tmp_path / "e")
    leader = next(r for r in data["respondents"] if r.get("role") == "leader")
    leader["rol"] = leader.pop("role")
    (tmp_path / "e" / "engagement.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "e"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "rol' is not a known key (did you mean 'role'?)" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_prospecting_keys_get_the_closest_declared_key():
    base = yaml.safe_load(prospecting_text())
    base["prospecting_shares"] = base.pop("prospecting_share")
    with pytest.raises(UserError) as err:
        prospecting.parse(yaml.safe_dump(base))
    assert err.value.message.startswith("prospecting.yaml: prospecting_shares is not a known field (did you mean "
                                        "'prospecting_share'?); allowed fields are period, reps, cost_per_rep")
    base = yaml.safe_load(prospecting_text())
    base["categories"][0]["win_rte"] = base["categories"][0].pop("win_rate")
    with pytest.raises(UserError, match=r"categories\[1\]\.win_rte is not a known field \(did you mean 'win_rate'\?\)"):
        prospecting.parse(yaml.safe_dump(base))


def prospecting_text() -> str:
    from playbook.core.engagement import sample_path

    return (sample_path() / "prospecting.yaml").read_text(encoding="utf-8")


def test_every_mapping_a_schema_declares_is_closed():
    """The rule is general: a key another change declares is allowed, any other is refused, in every mapping."""
    for name in ("engagement", "prospecting"):
        seen = []

        def walk(node, name=name, seen=seen):
            if isinstance(node, dict):
                if isinstance(node.get("properties"), dict):
                    seen.append(node)
                    assert node.get("additionalProperties") is False, (name, list(node["properties"]))
                for key, value in node.items():
                    if key not in ("enum", "default"):
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(schema.load(name))
        assert len(seen) >= 3
    # An object declared open on purpose stays open.
    assert schema._closed({"properties": {"a": {}}, "additionalProperties": {"type": "number"}})[
        "additionalProperties"] == {"type": "number"}
    assert schema.suggestion("rol", ["id", "name", "side", "role"]) == "role"
    assert schema.suggestion("zzz", ["id", "name"]) is None


# -- CSV files saved by a spreadsheet in another language ------------------------------------------------------
@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_responses_file_saved_with_semicolons_or_tabs_is_read_as_it_is(make_engagement, sep):
    folder = make_engagement(rows=[])
    with (folder / "responses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=sep)
        w.writerow(["respondent", "item", "answer", "comment"])
        w.writerow(["mkt-lead", "MSE-1", "yes", "we plan together, mostly"])
        w.writerow(["sls-1", "CS1-1", "4", ""])
    eng = load(folder)
    rows = parse(eng, folder / "responses.csv")
    assert [r[:4] for r in rows] == [("mkt-lead", "MSE-1", "yes", "we plan together, mostly"),
                                     ("sls-1", "CS1-1", "4", "")]
    assert {(a["respondent"], a["item"]) for a in current_answers(eng)} == {("mkt-lead", "MSE-1"), ("sls-1", "CS1-1")}


def test_the_separator_is_taken_from_the_header_only_when_it_is_unambiguous():
    cols = ("respondent", "item", "answer")
    assert csv_delimiter("respondent,item,answer\n", cols) == ","
    assert csv_delimiter("\ufeffrespondent;item;answer;comment\nx;y;z;a,b\n", cols) == ";"
    assert csv_delimiter("respondent\titem\tanswer\n", cols) == "\t"
    assert csv_delimiter("respondent,item\n", cols) == ","  # no separator fits: the reader names the column
    assert csv_delimiter("", cols) == ","
    rows = csv_rows("metric;period;goal;actual\nrevenue;2026-Q1;100;90\n", "kpi_values.csv",
                    ("metric", "period", "goal", "actual"))
    assert rows == [("row 2", {"metric": "revenue", "period": "2026-Q1", "goal": "100", "actual": "90"})]


def test_a_header_no_separator_fits_still_names_the_missing_column(make_engagement):
    folder = make_engagement(rows=[])
    (folder / "responses.csv").write_text("respondent|item|answer\n", encoding="utf-8")
    with pytest.raises(UserError, match="column respondent, item, answer is missing"):
        parse(load(folder), folder / "responses.csv")


def test_experiment_and_deals_files_with_semicolons(tmp_path):
    from playbook.parts.economics import attribution, experiment

    lines = ["rep;group;revenue"] + [f"r{i};{'treatment' if i % 2 else 'control'};{1000 + i}" for i in range(20)]
    (tmp_path / "experiment.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    groups = experiment.parse(tmp_path / "experiment.csv")
    assert len(groups["treatment"]) == len(groups["control"]) == 10
    sample = (prospecting_sample_dir() / "deals.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "deals.csv").write_text("\n".join(";".join(next(csv.reader([line]))) for line in sample) + "\n",
                                        encoding="utf-8")
    assert len(attribution.parse(tmp_path / "deals.csv")) == len([line for line in sample[1:] if line.strip()])


def prospecting_sample_dir():
    from playbook.core.engagement import sample_path

    return sample_path()


@pytest.mark.parametrize(("profile", "expected"), [
    ({"nmae": "Northwind"}, "'nmae' is not a known key (did you mean 'name'?); allowed keys are name, colour"),
    ({"mail": {"host": "smtp.northwind.example", "from": "a@northwind.example", "pasword_env": "X"}},
     "'mail.pasword_env' is not a known key (did you mean 'password_env'?)"),
])
def test_a_typo_in_the_firms_profile_is_refused_with_the_closest_key(tmp_path, monkeypatch, profile, expected):
    engagement_yaml(tmp_path / "ws" / "e")
    (tmp_path / "ws" / "firm.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    with pytest.raises(UserError) as err:
        load(tmp_path / "ws" / "e")
    assert expected in err.value.message and "firm.yaml" in err.value.message


def test_the_lead_funnels_settings_are_known_keys(tmp_path):
    """Every lead setting main added (issue 26) is declared in the closed schema, so an engagement may set it."""
    engagement_yaml(tmp_path / "e", settings={"timezone": "Europe/Oslo", "lead_sla_hours": 4, "lead_feedback_days": 10,
                                              "holidays": ["2026-01-01"], "leads_as_of": "2026-03-31 17:00"})
    eng = load(tmp_path / "e")
    assert eng.settings["lead_sla_hours"] == 4 and eng.settings["timezone"] == "Europe/Oslo"


@pytest.mark.parametrize("sep", [";", "\t"], ids=["semicolons", "tabs"])
def test_a_leads_file_saved_with_semicolons_or_tabs_is_read_as_it_is(tmp_path, sep):
    """leads.csv (the lead funnel, issue 26) takes its separator from its header too, as responses.csv does."""
    from playbook.core.settings import resolve
    from playbook.parts.leads import files as leads_files

    rows = [["lead_id", "created", "source", "first_touch", "status", "disposition_at", "reason"],
            ["L-1", "2026-11-02 09:00", "marketing", "2026-11-02 10:30", "converted", "2026-11-20 12:00", ""],
            ["L-2", "2026-11-03 11:00", "sales", "", "open", "", ""]]
    (tmp_path / "leads.csv").write_text("# exported from the CRM\n" + "\n".join(sep.join(r) for r in rows) + "\n",
                                        encoding="utf-8")
    data = leads_files.parse(tmp_path / "leads.csv", resolve({}))
    assert len(data) == 2
