"""Marketing-sourced and -influenced revenue from deals.csv (METHOD 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playbook.core.engagement import Engagement, sample_path
from playbook.core.errors import UserError
from playbook.parts.economics import attribution, views, words

HEADER = "deal_id,rep,amount,won,source,marketing_touches\n"
DEALS = HEADER + (
    "D1,ann,100,yes,marketing,0\n"  # won, sourced (and so influenced)
    "D2,bob,200,Yes,sales,2\n"  # won, influenced by two touches
    "D3,bob,50,no,partner,1\n"  # lost: counts for nothing
    "D4,cy,70,YES,other,0\n"  # won, no marketing at all
    "D5,cy,30,no,MARKETING,3\n"  # lost
)


def write(tmp_path: Path, text: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_computed_shares(tmp_path):
    deals = attribution.parse(write(tmp_path, DEALS))
    r = attribution.evaluate(deals)
    # won: 100 + 200 + 70 = 370; sourced: 100; influenced: 100 + 200 = 300
    assert r["won_revenue"] == 370 and r["sourced_revenue"] == 100 and r["influenced_revenue"] == 300
    assert r["sourced_share"] == 100 / 370  # 0.27027..., kept at full precision
    assert r["influenced_share"] == 300 / 370
    assert (r["deals"], r["won_deals"]) == (5, 3)
    assert r["by_source"] == {"marketing": 100, "sales": 200, "partner": 0, "other": 70}
    json.dumps(r, allow_nan=False)
    assert list(deals["won"]) == [True, True, False, True, False]
    assert list(deals["source"]) == ["marketing", "sales", "partner", "other", "marketing"]


def test_header_case_extra_columns_and_blank_lines(tmp_path):
    text = " Deal_ID ,REP,Amount,Won,Source,Marketing_Touches,notes\nD1,ann,10,yes,sales,1,x\n\nD2,bob,5,no,sales,0,\n"
    r = attribution.evaluate(attribution.parse(write(tmp_path, text)))
    assert r["influenced_revenue"] == 10 and r["sourced_revenue"] == 0 and r["sourced_share"] == 0


def test_no_won_revenue_gives_none(tmp_path):
    r = attribution.evaluate(attribution.parse(write(tmp_path, HEADER + "D1,ann,10,no,marketing,1\n")))
    assert r["sourced_share"] is None and r["influenced_share"] is None and r["won_revenue"] == 0
    assert "None of the 1 deals in the deal list" in words.attribution_findings(r)[0]


def test_findings_and_table(tmp_path):
    r = attribution.evaluate(attribution.parse(write(tmp_path, DEALS)))
    lines = words.attribution_findings(r)
    assert "$100 sourced by marketing (27%), $200 by sales, $0 by partners and $70 from other sources" in lines[0]
    assert "(81% of won revenue)" in lines[1]
    assert "not proof" in lines[2]
    assert words.attribution_findings(None) == ["Not assessed: sourced and influenced revenue, because no deal list "
                                                "was provided."]
    t = views.attribution_frame(r)
    assert list(t["amount"]) == [370, 300, 100]
    assert list(views.attribution_table(r)["Share of won revenue"]) == ["100%", "81%", "27%"]


BAD = [
    ("D1,ann,100,yes,marketing,0\nD1,bob,5,no,sales,0\n",
     "deals.csv, row 3, column deal_id: deal_id 'D1' is used twice; ids must be unique (first used in row 2)."),
    ("D1,ann,-5,yes,marketing,0\n",
     "deals.csv, row 2, column amount: amount '-5' is negative; it must be a number of 0 or more."),
    ("D1,ann,12k,yes,marketing,0\n",
     "deals.csv, row 2, column amount: amount '12k' is not a number; it must be a number of 0 or more."),
    ("D1,ann,,yes,marketing,0\n",
     "deals.csv, row 2, column amount: amount '' is not a number; it must be a number of 0 or more."),
    ("D1,ann,5,won,marketing,0\n",
     "deals.csv, row 2, column won: won 'won' is not allowed; it must be yes or no."),
    ("D1,ann,5,yes,webinar,0\n",
     "deals.csv, row 2, column source: source 'webinar' is unknown; allowed: marketing, sales, partner, other."),
    ("D1,ann,5,yes,sales,-1\n",
     "deals.csv, row 2, column marketing_touches: marketing_touches '-1' is not allowed; it must be a whole number "
     "of 0 or more."),
    ("D1,ann,5,yes,sales,1.5\n",
     "deals.csv, row 2, column marketing_touches: marketing_touches '1.5' is not allowed; it must be a whole number "
     "of 0 or more."),
    (",ann,5,yes,sales,1\n", "deals.csv, row 2, column deal_id: deal_id is empty; every deal needs an id."),
    ("D1,,5,yes,sales,1\n", "deals.csv, row 2, column rep: rep is empty; name the rep who owns the deal."),
    # the first bad row wins, whatever its column: row 3 (touches) comes before row 4 (source)
    ("D1,ann,5,yes,sales,1\nD2,ann,5,yes,sales,x\nD3,ann,5,yes,web,1\n",
     "deals.csv, row 3, column marketing_touches: marketing_touches 'x'"),
    # blank lines still count as rows, as in a spreadsheet
    ("D1,ann,5,yes,sales,1\n\nD2,ann,5,maybe,sales,1\n", "deals.csv, row 4, column won: won 'maybe'"),
    ("D1,ann,5,yes,sales,1,extra\n", "deals.csv: not a valid CSV file"),
]


@pytest.mark.parametrize(("rows", "message"), BAD)
def test_bad_rows_name_file_row_and_column(tmp_path, rows, message):
    with pytest.raises(UserError) as exc:
        attribution.parse(write(tmp_path, HEADER + rows))
    assert exc.value.message.startswith(message)


@pytest.mark.parametrize(("text", "message"), [
    ("", "deals.csv: the file is empty; it needs a header row with deal_id, rep, amount, won, source, "
         "marketing_touches."),
    (HEADER, "deals.csv: the file has a header but no deals"),
    ("deal_id,rep,amount,won,source\nD1,a,1,yes,sales\n", "deals.csv: column marketing_touches is missing; the "
                                                          "columns are deal_id, rep, amount, won, source, "
                                                          "marketing_touches."),
    (HEADER.strip() + ",amount\nD1,a,1,yes,sales,0,2\n", "deals.csv: column amount appears twice in the header"),
])
def test_bad_files(tmp_path, text, message):
    with pytest.raises(UserError) as exc:
        attribution.parse(write(tmp_path, text))
    assert exc.value.message.startswith(message)


def test_not_utf8(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes((HEADER + "D1,Jos\xe9,5,yes,sales,0\n").encode("latin-1"))
    with pytest.raises(UserError, match=r"^deals.csv: the file is not UTF-8 text"):
        attribution.parse(path)


def test_large_file_reports_the_first_bad_row(tmp_path):
    rows = [f"D{i},rep-{i % 20},{1000 + i},{'yes' if i % 3 else 'no'},sales,{i % 4}" for i in range(50_000)]
    rows[40_000] = "D40000,rep-0,100,yes,sales,-2"
    rows[45_000] = "D45000,rep-0,100,maybe,sales,1"
    with pytest.raises(UserError, match=r"^deals.csv, row 40002, column marketing_touches"):
        attribution.parse(write(tmp_path, HEADER + "\n".join(rows) + "\n"))


def test_load_absent_and_sample(tmp_path):
    eng = Engagement(path=tmp_path, id="t", client="c", consultant="", period="p", respondents=[])
    assert attribution.load(eng) is None
    r = attribution.evaluate(attribution.parse(sample_path() / "deals.csv"))
    assert r["deals"] >= 300
    assert r["sourced_share"] < 0.5 and r["influenced_share"] > r["sourced_share"]


def test_attribution_chart_has_three_bars_whatever_the_deal_count(tmp_path):
    from playbook.parts.charts import to_svg
    from playbook.parts.economics import views as charts

    r = attribution.evaluate(attribution.parse(sample_path() / "deals.csv"))
    spec = charts.attribution(r).to_dict()
    assert sum(len(v) for v in spec["datasets"].values()) == 3
    assert to_svg(charts.attribution(r)).startswith("<svg")
