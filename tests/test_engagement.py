import pytest
import yaml

from playbook import UserError, load
from playbook.core.settings import RULES, defaults

from .conftest import RESPONDENTS


def write(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "engagement.yaml").write_text(text, encoding="utf-8")
    return folder


def test_sample_engagement_loads_with_defaults():
    eng = load("")
    assert eng.id == "halvorsen-2026"
    assert eng.leader("marketing").id == "mkt-lead"
    assert eng.settings["stage_threshold"] == 0.75
    assert eng.settings["firm_name"] == "Northbeam Advisory"


def test_defaults_file_lists_exactly_the_declared_settings():
    assert set(defaults()) == set(RULES)


def test_settings_override(make_engagement):
    eng = load(make_engagement(settings={"stage_threshold": 0.8, "kpi_watch": 0.85}))
    assert eng.settings["stage_threshold"] == 0.8
    assert eng.settings["kpi_watch"] == 0.85
    assert eng.settings["perception_gap_flag"] == 1.0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("id: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("", "must be a mapping"),
    ],
)
def test_unreadable_yaml(tmp_path, text, expected):
    with pytest.raises(UserError, match=expected) as err:
        load(write(tmp_path / "e", text))
    assert "engagement.yaml" in err.value.message


def test_missing_folder_and_file(tmp_path):
    with pytest.raises(UserError, match="no such engagement folder"):
        load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="engagement.yaml: file not found"):
        load(tmp_path / "empty")


def test_not_utf8(tmp_path):
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "engagement.yaml").write_bytes(b"client: Caf\xe9\n")
    with pytest.raises(UserError, match="not UTF-8"):
        load(tmp_path / "e")


@pytest.mark.parametrize("eid", ["Acme", "acme_2026", "../escape", "a/b", "", "-lead", 42])
def test_id_must_be_a_slug(make_engagement, eid):
    with pytest.raises(UserError, match="id .* is not allowed; use lowercase letters, digits and hyphens"):
        load(make_engagement(id=eid))


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"side": "finance"}, "side 'finance' is unknown; allowed: marketing, sales"),
        ({"role": "boss"}, "role 'boss' is unknown; allowed: leader, manager, member"),
        ({"id": "../../etc"}, "id '../../etc' is not allowed"),
        ({"name": ""}, "field 'name' is missing"),
    ],
)
def test_bad_respondent(make_engagement, change, expected):
    people = [dict(RESPONDENTS[0], **change), *RESPONDENTS[1:]]
    with pytest.raises(UserError, match=expected) as err:
        load(make_engagement(respondents=people))
    assert "respondents[1]" in err.value.message


def test_duplicate_respondent_and_two_leaders(make_engagement):
    with pytest.raises(UserError, match="'mkt-1' is used twice"):
        load(make_engagement(respondents=RESPONDENTS + [RESPONDENTS[1]]))
    second = {"id": "mkt-boss", "name": "Z", "side": "marketing", "role": "leader"}
    with pytest.raises(UserError, match="marketing side has 2 leaders"):
        load(make_engagement(respondents=RESPONDENTS + [second], name="two"))


@pytest.mark.parametrize(
    "settings, expected",
    [
        ({"stage_threshold": 0}, "'settings.stage_threshold' is 0; it must be a number greater than 0 and at most 1"),
        ({"stage_threshold": 1.5}, "stage_threshold"),
        ({"perception_gap_flag": -0.5}, "'settings.perception_gap_flag' is -0.5; it must be a number of 0 or more"),
        ({"kpi_watch": 1}, "kpi_watch"),
        ({"symptoms_low_max": 9}, "symptoms_low_max"),
        ({"symptoms_low_max": 5, "symptoms_moderate_max": 3}, "must be at least"),
        ({"stage_threshold": "high"}, "stage_threshold"),
        ({"stage_treshold": 0.8}, "unknown setting 'settings.stage_treshold'"),
        ({"show_individual_answers": "yes"}, "true or false"),
        ({"paper_size": "A3"}, "A4 or Letter"),
    ],
)
def test_settings_out_of_range(make_engagement, settings, expected):
    with pytest.raises(UserError, match=expected):
        load(make_engagement(settings=settings))


def test_settings_must_be_mapping(tmp_path):
    data = {"id": "x", "client": "C", "period": "2026-Q1", "respondents": RESPONDENTS, "settings": [1, 2]}
    with pytest.raises(UserError, match="'settings' must be a mapping"):
        load(write(tmp_path / "e", yaml.safe_dump(data)))
