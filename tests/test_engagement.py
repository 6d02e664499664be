import pytest
import yaml

from playbook import UserError, load
from playbook.core import schema
from playbook.core.engagement import SLUG
from playbook.core.settings import declared, defaults, resolve

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
    assert list(defaults()) == list(declared())
    # the defaults pass their own schema; an empty language becomes the locale's
    assert resolve(defaults()) == {**defaults(), "language": "en"}
    assert all(rule.get("x-allowed") for rule in declared().values())


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
        ({"name": ""}, r"'respondents\[1\].name' is ''; it must be one line of text of at most 200 characters"),
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


def _nodes(node):
    """Every schema node that declares what a key accepts (properties, items and $defs, recursively)."""
    yield node
    for key in ("properties", "$defs"):
        for child in node.get(key, {}).values():
            yield from _nodes(child)
    if isinstance(node.get("items"), dict):
        yield from _nodes(node["items"])


@pytest.mark.parametrize("name", ["engagement", "prospecting", "firm"])
def test_schemas_are_valid_and_say_what_each_key_accepts(name):
    from jsonschema import Draft202012Validator

    root = schema.load(name)
    Draft202012Validator.check_schema(root)
    for node in _nodes(root):
        assert "$ref" in node or node.get("x-allowed"), node


def test_schema_ids_are_the_slugs_of_the_code():
    root = schema.load("engagement")
    assert root["properties"]["id"]["pattern"] == SLUG.pattern
    assert root["$defs"]["respondent"]["properties"]["id"]["pattern"] == SLUG.pattern


def test_new_engagement_lists_every_setting_with_what_it_accepts():
    from playbook.core.scaffold import _settings_block

    block = _settings_block()
    for key, rule in declared().items():
        line = next(x for x in block.splitlines() if x.startswith(f"  # {key}: "))
        assert line.endswith(f"# {rule['x-allowed']}")
    assert yaml.safe_load("settings:\n" + block) == {"settings": None}


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"client": None}, "engagement.yaml: 'client' is missing; it must be one line of text of at most 200 "
                           "characters."),
        ({"client": "a\nb"}, "'client' is 'a\\nb'; it must be one line of text"),
        ({"client": True}, "'client' is True; it must be one line of text"),
        ({"period": "2026/Q4"}, "'period' is '2026/Q4'; it must be one line of at most 40 letters, digits"),
        ({"respondents": []}, "'respondents' must be a non-empty list of respondents (id, name, side, role, email)."),
        ({"respondents": [*RESPONDENTS, "x"]}, "'respondents[5]' is 'x'; it must be a mapping with id, name, side, "
                                               "role and email."),
        ({"respondents": [*RESPONDENTS[:2], dict(RESPONDENTS[2], side="hr")]},
         "respondents[3].side 'hr' is unknown; allowed: marketing, sales."),
        ({"settings": {"kpi_watch": True}}, "'settings.kpi_watch' is True; it must be a number between 0 and 1"),
        ({"settings": {"symptoms_low_max": 2.0}}, "'settings.symptoms_low_max' is 2.0; it must be a whole number"),
        ({"settings": {"stage_threshold": float("nan")}}, "'settings.stage_threshold' is nan; it must be a number"),
        ({"settings": {"paper_size": "A3"}}, "'settings.paper_size' is 'A3'; it must be A4 or Letter."),
        ({"settings": {"target_stage": 4}}, "'settings.target_stage' is 4; it must be a whole number from 1 to 3."),
        ({"settings": {"target_stage": 0}}, "'settings.target_stage' is 0; it must be a whole number from 1 to 3."),
        ({"settings": {"min_group_size": 0}}, "'settings.min_group_size' is 0; it must be a whole number of 1 or more."),
        ({"settings": {"dont_know_flag": 0}}, "'settings.dont_know_flag' is 0; it must be a number greater than 0 and "
                                              "at most 1."),
        ({"settings": {"dont_know_flag": 1.2}}, "'settings.dont_know_flag' is 1.2; it must be a number greater than 0 "
                                                "and at most 1."),
        ({"settings": {"colour": "red"}}, "unknown setting 'settings.colour'; allowed settings are symptoms_low_max, "
                                          "symptoms_moderate_max, stage_threshold, perception_gap_flag, target_stage, "),
        # several problems: the first in the file's order of keys is reported
        ({"id": "Bad", "client": None, "settings": {"colour": "red"}}, "engagement.yaml: id 'Bad' is not allowed"),
    ],
)
def test_messages_name_the_key_path_the_value_and_what_is_allowed(tmp_path, fields, expected):
    data = {"id": "x", "client": "C", "period": "2026-Q1", "respondents": RESPONDENTS, **fields}
    with pytest.raises(UserError) as err:
        load(write(tmp_path / "e", yaml.safe_dump(data)))
    assert expected in err.value.message
    assert err.value.message.startswith(str(tmp_path / "e" / "engagement.yaml"))


def test_text_fields_are_trimmed_and_numbers_read_as_text(make_engagement):
    eng = load(make_engagement(client="  Acme  ", consultant=None, period=2026))
    assert (eng.client, eng.consultant, eng.period) == ("Acme", "", "2026")
    assert eng.respondent("mkt-1").role == "member"
