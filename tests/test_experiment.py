"""The lead experiment (METHOD 4): Welch analysis against scipy, design helpers, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path
from urllib.parse import unquote

import pytest
from scipy import stats

from playbook.core.engagement import Engagement, sample_path
from playbook.core.errors import UserError
from playbook.parts.economics import experiment, views, words

TREATMENT = [10.0, 12.0, 14.0]  # mean 12, variance 4
CONTROL = [8.0, 9.0, 10.0]  # mean 9, variance 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "experiment.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_computed_welch():
    r = experiment.evaluate({"treatment": TREATMENT, "control": CONTROL})
    assert r["lift"] == pytest.approx(3) and r["relative_lift"] == pytest.approx(1 / 3)  # 12 - 9; 3 / 9
    # se^2 = 4/3 + 1/3 = 5/3; df = (5/3)^2 / ((4/3)^2 / 2 + (1/3)^2 / 2) = (25/9) / (17/18) = 50/17
    assert r["df"] == pytest.approx(50 / 17)
    half = stats.t.ppf(0.975, 50 / 17) * math.sqrt(5 / 3)
    assert r["ci_low"] == pytest.approx(3 - half) and r["ci_high"] == pytest.approx(3 + half)
    # t = 3 / sqrt(5/3); two-sided p from the t distribution with 50/17 degrees of freedom
    assert r["p_value"] == pytest.approx(2 * stats.t.sf(3 / math.sqrt(5 / 3), 50 / 17))
    assert r["treatment"] == pytest.approx({"n": 3, "mean": 12, "sd": 2})
    assert r["control"] == pytest.approx({"n": 3, "mean": 9, "sd": 1})


def test_matches_scipy_on_the_sample(tmp_path):
    groups = experiment.parse(sample_path() / "experiment.csv")
    r = experiment.evaluate(groups)
    ref = stats.ttest_ind(groups["treatment"], groups["control"], equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert r["p_value"] == pytest.approx(ref.pvalue)
    assert r["ci_low"] == pytest.approx(ci.low) and r["ci_high"] == pytest.approx(ci.high)
    assert r["df"] == pytest.approx(ref.df)
    # the sample's story: a positive lift whose interval is wide and includes zero
    assert r["lift"] > 0 and r["ci_low"] < 0 < r["ci_high"] and r["significant"] is False
    assert (r["treatment"]["n"], r["control"]["n"]) == (12, 12)
    json.dumps(r, allow_nan=False)


def test_relative_lift_none_when_control_mean_is_zero():
    r = experiment.evaluate({"treatment": [1.0, 3.0], "control": [-5.0, 5.0]})
    assert r["lift"] == 2 and r["relative_lift"] is None


def test_no_spread_gives_no_interval():
    r = experiment.evaluate({"treatment": [5.0, 5.0], "control": [3.0, 3.0]})
    assert r["lift"] == 2 and r["ci_low"] is None and r["p_value"] is None and r["significant"] is None
    json.dumps(r, allow_nan=False)
    assert "no interval" in words.experiment_findings(r)[1]


def test_findings():
    lines = words.experiment_findings(experiment.evaluate({"treatment": [10.0, 11.0, 12.0],
                                                           "control": [1.0, 2.0, 3.0]}))
    assert "the leads made a difference" in lines[1]
    lines = words.experiment_findings(experiment.evaluate({"treatment": TREATMENT, "control": CONTROL}))
    assert "includes zero" in lines[1]
    assert words.experiment_findings(None) == ["Not assessed: the lead experiment, because no experiment with two "
                                               "groups of reps was run."]


def test_parse_and_load(tmp_path):
    text = "Rep,Group,Revenue\nann,Treatment,10\nbob,treatment, 12\n\ncy,CONTROL,8\ndi,control,9\n"
    assert experiment.parse(write(tmp_path, text)) == {"treatment": [10, 12], "control": [8, 9]}
    eng = Engagement(path=tmp_path, id="t", client="c", consultant="", period="p", respondents=[])
    assert experiment.load(eng) == {"treatment": [10, 12], "control": [8, 9]}
    (tmp_path / "experiment.csv").unlink()
    assert experiment.load(eng) is None


OK = "a,treatment,1\nb,treatment,2\nc,control,3\nd,control,4\n"
BAD = [
    ("a,treatment,1\nb,test,2\n", "experiment.csv, row 3, column group: group 'test' is not allowed; it must be "
                                  "treatment or control."),
    ("a,treatment,1\nb,treatment,2\n", "experiment.csv: every rep is in the treatment group; the experiment needs "
                                       "both a treatment and a control group."),
    ("a,treatment,1\nb,treatment,2\nc,control,3\n", "experiment.csv: the control group has 1 rep; each group needs "
                                                    "at least 2 reps."),
    ("a,treatment,1\nb,treatment,\n", "experiment.csv, row 3, column revenue: the revenue of rep 'b' is missing; it "
                                      "must be a number."),
    ("a,treatment,1\nb,treatment,lots\n", "experiment.csv, row 3, column revenue: the revenue of rep 'b' is 'lots', "
                                          "not a number; it must be a number."),
    (OK + "a,control,5\n", "experiment.csv, row 6, column rep: rep 'a' appears twice (first in row 2)"),
    (",treatment,1\n", "experiment.csv, row 2, column rep: the rep is empty"),
    ("a,control,1\nb,control,2\n", "experiment.csv: every rep is in the control group"),
]


@pytest.mark.parametrize(("rows", "message"), BAD)
def test_bad_rows(tmp_path, rows, message):
    with pytest.raises(UserError) as exc:
        experiment.parse(write(tmp_path, "rep,group,revenue\n" + rows))
    assert exc.value.message.startswith(message)


@pytest.mark.parametrize(("text", "message"), [
    ("", "experiment.csv: the file is empty; it needs a header row with rep, group, revenue."),
    ("rep,group\na,treatment\n", "experiment.csv: column revenue is missing"),
    ("rep,group,revenue\n\n", "experiment.csv: the file has a header but no reps"),
])
def test_bad_files(tmp_path, text, message):
    with pytest.raises(UserError) as exc:
        experiment.parse(write(tmp_path, text))
    assert exc.value.message.startswith(message)


def test_not_utf8(tmp_path):
    path = tmp_path / "experiment.csv"
    path.write_bytes("rep,group,revenue\nJos\xe9,treatment,1\n".encode("latin-1"))
    with pytest.raises(UserError, match=r"^experiment.csv: the file is not UTF-8 text"):
        experiment.parse(path)


REPS = [f"rep-{i:02d}" for i in range(1, 25)]


def test_assign_is_balanced_reproducible_and_keeps_order():
    a = experiment.assign(REPS, seed=7)
    assert list(a.columns) == ["rep", "group"] and list(a["rep"]) == REPS
    assert a["group"].value_counts().to_dict() == {"treatment": 12, "control": 12}
    assert a.equals(experiment.assign(REPS, seed=7))
    assert not a.equals(experiment.assign(REPS, seed=8))
    odd = experiment.assign("ann, bob ,cy,di,ed", seed=1)
    assert list(odd["rep"]) == ["ann", "bob", "cy", "di", "ed"]
    assert odd["group"].value_counts().to_dict() == {"control": 3, "treatment": 2}


@pytest.mark.parametrize(("reps", "seed", "message"), [
    ("a,b,c", 1, "reps: 3 reps given; an experiment needs at least 4 reps"),
    ("a,b,a,c,d", 1, "reps: 'a' is listed twice"),
    ("a,b,c,d", "x", "seed: 'x' is not allowed; it must be a whole number."),
])
def test_assign_bad_input(reps, seed, message):
    with pytest.raises(UserError) as exc:
        experiment.assign(reps, seed)
    assert exc.value.message.startswith(message)


def test_reps_per_group_by_hand():
    z = 1.959964 + 0.841621  # z_0.975 + z_0.8 = 2.801585; squared 7.848879
    # mean 400,000, sd 90,000, lift 15%: delta 60,000; n = 2 x 7.848879 x 90,000^2 / 60,000^2 = 35.32 -> 36
    assert 2 * z**2 * 90000**2 / 60000**2 == pytest.approx(35.32, abs=0.01)
    assert experiment.reps_per_group(400000, 90000, 0.15) == 36
    # mean 100, sd 10, lift 10%: delta 10; n = 2 x 7.848879 = 15.70 -> 16
    assert experiment.reps_per_group(100, 10, 0.10) == 16
    assert experiment.reps_per_group(100, 0, 0.10) == 2  # no spread: the two-rep minimum


@pytest.mark.parametrize(("args", "message"), [
    ((100, -1, 0.1), "control_sd is -1; it must be a number of 0 or more."),
    ((100, 10, 0), "relative_lift is 0; it must be a number greater than 0"),
    ((0, 10, 0.1), "control_mean is 0; it must be a number greater than 0."),
    ((100, 10, 0.1, 1.5), "alpha is 1.5; it must be a number between 0 and 1."),
    ((100, "ten", 0.1), "control_sd is 'ten'"),
])
def test_reps_per_group_bad_input(args, message):
    with pytest.raises(UserError) as exc:
        experiment.reps_per_group(*args)
    assert exc.value.message.startswith(message)


def test_caveats_cover_the_known_risks():
    text = " ".join(words.caveats()).lower()
    for word in ("apart", "territor", "sales cycle", "seasonal", "attribution", "too few reps"):
        assert word in text


def test_experiment_planner_and_download_link():
    from playbook.parts.economics import whatif

    reps = ["Ann", "=HYPERLINK(\"x\")", "<b>Bo</b>", "Cy & Di", "Ed", "Flo"]
    plan = whatif.experiment_planner(reps, 0.15, 400000, 90000, seed=3)
    assert plan["reps_per_group"] == 36
    assert "each group needs 36 reps" in plan["findings"][0] and "33 short" in plan["findings"][1]
    assert list(plan["tables"]) == ["assignment"] and plan["figures"] == {}
    assert plan["tables"]["assignment"][1].equals(experiment.assign(reps, 3))
    link = plan["download"]
    assert "<b>" not in link and "&" not in link.replace("&quot;", "").replace("&amp;", "")
    csv = unquote(link.split("charset=utf-8,", 1)[1].split('"', 1)[0])
    assert csv.splitlines()[0] == "rep,group" and "'=HYPERLINK" in csv and "<b>Bo</b>" in csv
    assert plan["caveats"]["findings"] == words.caveats()
    with pytest.raises(UserError, match="parameter 'target_lift' is -0.1"):
        whatif.experiment_planner(reps, -0.1, 400000, 90000, seed=3)


def test_planner_panel_recomputes():
    from playbook.parts.economics import whatif

    panel = whatif.planner_panel(None, "a,b,c,d", 0.1, 100, 10, 1)
    _, names, lift, *_, out = panel.children
    assert "needs 16 reps" in out.value
    lift.value = 20  # the lift as a percentage; delta 20: n = 2 x 7.848879 x 100 / 400 = 3.92 -> 4
    assert "needs 4 reps" in out.value and "2 per group, 2 short" in out.value
    names.value = "a,b"
    assert "at least 4 reps" in out.value


def test_a_clients_planner_has_no_seed_and_starts_from_whole_amounts():
    """The consultant can fix which reps go in which group; a client's planner shows no such box, and no amount
    like 421383.3333333333 (issue 21, point 6)."""
    from playbook.parts.economics import whatif

    client = whatif.planner_panel(None, "a,b,c,d", 0.15, 421383.3333333333, 87199.25, 2026, split=False)
    labels = [c.description for c in client.children if hasattr(c, "description")]
    assert not any("seed" in label.lower() or "split" in label.lower() for label in labels)
    assert [c.value for c in client.children[2:5]] == [15.0, 421383.0, 87199.0]
    consultant = whatif.planner_panel(None, "a,b,c,d", 0.15, 421383.3333333333, 87199.25, 2026)
    assert any("Split" in c.description for c in consultant.children if hasattr(c, "description"))
    assert "seed" not in consultant.children[-1].value.lower()  # the plan says "which reps get the leads"


def test_experiment_chart_renders():
    from playbook.parts.charts import to_svg
    from playbook.parts.economics import views as charts

    r = experiment.evaluate({"treatment": TREATMENT, "control": CONTROL})
    assert to_svg(charts.experiment(r)).startswith("<svg")
    flat = experiment.evaluate({"treatment": [5.0, 5.0], "control": [3.0, 3.0]})
    assert charts.experiment(flat).to_dict()["mark"]["type"] == "text"


def test_a_small_p_value_is_kept_at_full_precision():
    r = experiment.evaluate({"treatment": [100.0, 101.0, 102.0, 100.5], "control": [1.0, 2.0, 3.0, 1.5]})
    assert 0 < r["p_value"] < 1e-4  # rounding to 4 places would make it 0.0
    table = views.experiment_table(r)
    assert list(table["Mean recorded revenue"]) == ["$101", "$1.88"]  # amounts under 100 keep their cents


def test_a_tiny_p_value_reads_as_below_a_thousandth():
    from playbook.parts.economics.words import experiment_findings

    groups = {"treatment": [500.0 + i for i in range(40)], "control": [100.0 + i for i in range(40)]}
    r = experiment.evaluate(groups)
    text = " ".join(experiment_findings(r))
    assert r["p_value"] < 1e-6 and "p < 0.001" in text and "p = 0.000" not in text


def test_the_planner_starts_from_the_engagements_own_figures(tmp_path):
    """METHOD 12: the planner's inputs default to the engagement's experiment, else its team and recorded deals."""
    import shutil

    from playbook.core.engagement import Engagement
    from playbook.parts.economics import model, whatif

    eng = Engagement(path=tmp_path, id="t", client="C", consultant="", period="2026-Q4", respondents=[])
    # nothing to start from: the planner's own starting values
    assert whatif.own_figures(eng, "", 0.0, 0.0, 0.0)[1:] == (0.15, 420000.0, 87000.0)
    for name in ("prospecting.yaml", "deals.csv"):
        shutil.copy(sample_path() / name, tmp_path / name)
    res = model.evaluate(eng)
    reps, lift, mean, sd = whatif.own_figures(eng, "", 0.0, 0.0, 0.0)
    # no experiment: the team's 24 reps, the recorded won revenue per rep, the planner's spread for that size
    assert reps == ", ".join(f"rep-{i:02d}" for i in range(1, 25)) and lift == experiment.TARGET_LIFT
    assert mean == pytest.approx(res["attribution"]["won_revenue"] / 24)
    assert sd == pytest.approx(mean * 87000 / 420000)
    shutil.copy(sample_path() / "experiment.csv", tmp_path / "experiment.csv")
    e = model.evaluate(eng)["experiment"]
    reps, lift, mean, sd = whatif.own_figures(eng, "", 0.0, 0.0, 0.0)
    assert len(reps.split(", ")) == e["treatment"]["n"] + e["control"]["n"]
    assert (lift, mean, sd) == (round(e["relative_lift"], 3), e["control"]["mean"], e["control"]["sd"])
    # what the consultant gave is kept
    assert whatif.own_figures(eng, "a, b, c, d", 0.2, 100.0, 10.0) == ("a, b, c, d", 0.2, 100.0, 10.0)
    plan = whatif.experiment_planner(reps, lift, mean, sd, seed=1)
    assert plan["reps_per_group"] == e["needed_per_group"]
