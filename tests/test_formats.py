"""Money and numbers in the client's currency and locale (METHOD 11): Babel formats, settings refuse what it cannot."""

from __future__ import annotations

import json
import math
import re

import pytest
import yaml
from click.testing import CliRunner

from playbook.cli import main
from playbook.core import formats
from playbook.core.formats import money, number, p_value, share

NBSP = "\u00a0"
EUR_DE = {"currency": "EUR", "locale": "de_DE"}
GBP_GB = {"currency": "GBP", "locale": "en_GB"}


# --- the formats ------------------------------------------------------------------------------------------------

def test_default_is_us_dollars_in_en_us():
    assert formats.active() == formats.Style("USD", "en_US")
    assert money(1234567) == "$1,234,567"
    assert money(1234567.4) == "$1,234,567"  # no cents from 100 up
    assert money(1.98) == "$1.98" and money(50) == "$50" and money(0) == "$0"
    assert share(0.256) == "26%" and share(0.256, signed=True) == "+26%" and share(-0.1, signed=True) == "-10%"
    assert number(1234.56) == "1,234.6" and number(3, 0) == "3"


@pytest.mark.parametrize("settings, full, cents, negative", [
    (EUR_DE, f"1.234.567{NBSP}€", f"1,98{NBSP}€", f"-1.234.567{NBSP}€"),
    (GBP_GB, "£1,234,567", "£1.98", "-£1,234,567"),
    ({"currency": "USD", "locale": "en_US"}, "$1,234,567", "$1.98", "-$1,234,567"),
    ({"currency": "CHF", "locale": "de_CH"}, f"CHF{NBSP}1’234’567", f"CHF{NBSP}1.98", "CHF-1’234’567"),
])
def test_money_in_full_follows_currency_and_locale(settings, full, cents, negative):
    with formats.use(settings):
        assert money(1234567) == full
        assert money(1.98) == cents
        assert money(-1234567) == negative
    assert money(1234567) == "$1,234,567"  # the block ended: the default is back


@pytest.mark.parametrize("settings, millions, thousands, small", [
    (EUR_DE, f"1,2{NBSP}Mio.{NBSP}€", f"160.000{NBSP}€", f"9.500{NBSP}€"),  # de abbreviates from a million only
    (GBP_GB, "£1.2M", "£160K", "£9,500"),
    ({}, "$1.2M", "$160K", "$9,500"),
    ({"currency": "JPY", "locale": "ja_JP"}, "￥123.5万", "￥16万", "￥9,500"),
])
def test_compact_amounts_follow_the_locale(settings, millions, thousands, small):
    with formats.use(settings):
        assert money(1234567, compact=True) == millions
        assert money(160000, compact=True) == thousands
        assert money(9500, compact=True) == small  # below 10,000 in full


@pytest.mark.parametrize("settings, plain, signed, one_decimal, decimal, p", [
    (EUR_DE, f"25{NBSP}%", f"+25{NBSP}%", f"12,3{NBSP}%", "1.234,6", "p = 0,012"),
    (GBP_GB, "25%", "+25%", "12.3%", "1,234.6", "p = 0.012"),
    ({"currency": "EUR", "locale": "fr_FR"}, f"25{NBSP}%", f"+25{NBSP}%", f"12,3{NBSP}%", "1\u202f234,6", "p = 0,012"),
])
def test_percentages_and_numbers_follow_the_locale(settings, plain, signed, one_decimal, decimal, p):
    with formats.use(settings):
        assert share(0.25) == plain
        assert share(0.25, signed=True) == signed
        assert share(0.1234, digits=1) == one_decimal
        assert number(1234.56) == decimal
        assert p_value(0.0123) == p


def test_missing_values_read_as_a_dash_in_every_locale():
    with formats.use(EUR_DE):
        for f in (money, share, number):
            assert f(None) == "–" and f(math.nan) == "–"
        assert money(None, compact=True) == "–"
        assert p_value(None) == "p not available"
        assert p_value(0.00004) == "p < 0,001"  # never "p = 0,000"


def test_use_is_active_from_the_call_and_a_block_restores_the_previous_style():
    with formats.use(GBP_GB):
        formats.use(EUR_DE)  # a plain call, as pages.start makes it, stays in force ...
        assert money(5000) == f"5.000{NBSP}€"
        with formats.use({}) as style:  # ... until a block sets another, which it undoes at its end
            assert style == formats.Style("USD", "en_US") and money(5000) == "$5,000"
        assert money(5000) == f"5.000{NBSP}€"
    assert formats.active() == formats.Style()


def test_unit_names_the_currency_for_per_unit_figures():
    assert formats.unit() == "dollar"
    with formats.use(EUR_DE):
        assert formats.unit() == "Euro"  # de_DE speaks German by default: the German noun
    with formats.use({**EUR_DE, "language": "en"}):
        assert formats.unit() == "euro"
    with formats.use(GBP_GB):
        assert formats.unit() == "pound"


def test_charts_get_the_locale_and_amount_axes_in_the_currency():
    """An amount axis is labelled by the compact rule of the text ($200K beside $742K, never $200k), with the
    locale's minus sign; the d3 locale carries the same separators and sign for every other axis."""
    from playbook.parts.charts import base, money_axis, to_svg

    alt = base()
    import pandas as pd

    def labels():
        axis, scale = money_axis(-200_000.0, 1_200_000.0)
        chart = alt.Chart(pd.DataFrame({"x": [1_200_000.0, -200_000.0]})).mark_bar().encode(
            x=alt.X("x:Q", axis=axis, scale=scale))
        spec = chart.to_dict()
        return spec["config"]["locale"]["number"], re.findall(r"<text[^>]*>([^<]*)</text>", to_svg(chart))

    locale, texts = labels()
    assert locale["currency"] == ["$", ""] and locale["minus"] == "-"
    assert {"-$500K", "$0", "$500K", "$1M", "$1.5M"} <= set(texts)
    assert money(-500_000, compact=True) == "-$500K" and money(1_500_000, compact=True) == "$1.5M"
    assert not any(t.endswith("k") for t in texts)
    with formats.use(EUR_DE):
        locale, texts = labels()
    assert locale == {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", f"{NBSP}€"],
                      "percent": f"{NBSP}%", "minus": "-"}
    assert f"1,5{NBSP}Mio.{NBSP}€" in texts and f"-500.000{NBSP}€" in texts and not any("$" in t for t in texts)
    with formats.use({"currency": "SEK", "locale": "sv_SE"}):
        locale, texts = labels()
    assert locale["minus"] == "\u2212" and any(t.startswith("\u2212") for t in texts)  # CLDR's minus for Swedish


def test_economics_and_kpi_words_use_the_active_currency():
    from playbook.parts.economics import words
    from playbook.parts.kpis.words import fmt, pct

    result = {"treatment": {"n": 12, "mean": 468942.0}, "control": {"n": 12, "mean": 421383.0}, "lift": 47559.0,
              "relative_lift": 0.1129, "p_value": 0.137, "significant": False, "ci_low": -16547.0,
              "ci_high": 111664.0}
    with formats.use(EUR_DE):
        text = " ".join(words.experiment_findings(result))
        assert "$" not in text and f"47.559{NBSP}€" in text and f"+11,3{NBSP}%" in text and "p = 0,137" in text
        assert words.per_dollar(1.98) == f"1,98{NBSP}€ pro Euro"  # de_DE: German words by default (METHOD 15)
        assert fmt(1_500_000, "currency") == f"1,5{NBSP}Mio.{NBSP}€"
        assert fmt(0.7, "percent") == f"70,0{NBSP}%" and pct(0.917) == f"92{NBSP}%"
        assert fmt(2.5, "ratio") == "2,50×" and fmt(1234.0, "count") == "1.234"


def test_the_summary_writes_amounts_and_rules_in_the_client_currency():
    from playbook.report import summary

    results = {"prospecting": {"marketing": {"revenue": 950000.0, "cost": 480000.0, "revenue_per_dollar": 1.98},
                               "hire_alternative": {"extra_reps": 3.0, "revenue": 167125.0,
                                                    "marketing_beats_hiring": True}},
               "settings": {}}
    with formats.use(GBP_GB):
        hire = next(p for p in summary.executive(results) if p.part == "economics")
        assert "£950K" in hire.text and "£480K" in hire.text and "$" not in hire.text
        test = next(d for d in summary.decisions(results) if d.what == "Test marketing leads before moving budget")
        assert "£480K brings £950K" in test.evidence and "$" not in test.evidence
        rules = {r["setting"]: r["value"] for r in summary.rules(GBP_GB) if r["setting"]}
        assert rules == {"currency": "British Pound", "locale": "English (United Kingdom)"}  # words, not codes


# --- the settings: refused at load ----------------------------------------------------------------------------

@pytest.mark.parametrize("settings, expected", [
    ({"currency": "EUR0"}, "'settings.currency' is 'EUR0'; it must be an ISO 4217 currency code in capitals, "
                           "such as USD, EUR or GBP."),
    ({"currency": "eur"}, "'settings.currency' is 'eur'; it must be an ISO 4217 currency code"),
    ({"currency": "ABC"}, "'settings.currency' is 'ABC', which is not a known ISO 4217 currency code; it must be "
                          "an ISO 4217 currency code in capitals, such as USD, EUR or GBP."),
    ({"currency": 978}, "'settings.currency' is 978; it must be an ISO 4217 currency code"),
    ({"locale": "xx_YY"}, "'settings.locale' is 'xx_YY', which is not a known locale; it must be a locale such as "
                          "en_US, en_GB, de_DE or fr_FR."),
    ({"locale": "German"}, "'settings.locale' is 'German'; it must be a locale such as en_US"),
    ({"locale": "de_XX"}, "'settings.locale' is 'de_XX', which is not a known locale"),
    ({"locale": ""}, "'settings.locale' is ''; it must be a locale such as en_US"),
])
def test_run_refuses_an_unknown_currency_or_locale_with_exit_2_and_writes_nothing(make_engagement, tmp_path,
                                                                                  settings, expected):
    folder = make_engagement(settings=settings)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 2, res.output
    assert expected in res.output
    assert str(folder / "engagement.yaml") in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_a_locale_is_read_in_either_spelling(make_engagement):
    from playbook.core.engagement import load

    eng = load(make_engagement(settings={"currency": "EUR", "locale": "de-de"}))
    assert (eng.settings["currency"], eng.settings["locale"]) == ("EUR", "de_DE")


# --- one run, end to end --------------------------------------------------------------------------------------

@pytest.mark.parametrize("settings, symbol, cost, unit", [
    ({"currency": "EUR", "locale": "de_DE"}, "€", "480.000\u00a0€", "pro Euro"),
    ({"currency": "GBP", "locale": "en_GB"}, "£", "£480K", "per pound"),
], ids=["EUR-de_DE", "GBP-en_GB"])
def test_a_run_in_another_currency_writes_it_in_the_report_deck_and_pages(sample_copy, tmp_path, settings, symbol,
                                                                          cost, unit):
    from pptx import Presentation

    from playbook.run.pipeline import run

    path = sample_copy / "engagement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("settings", {}).update(settings)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    run(sample_copy, out, make_pdf=False)

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert isinstance(results["prospecting"]["marketing"]["cost"], float | int)  # numbers, not text
    html = (out / "report.html").read_text(encoding="utf-8")
    economics = html.split('<section class="part" id="economics"', 1)[1].split("</section>", 1)[0]
    assert symbol in economics and "$" not in economics
    assert unit in economics and "per dollar" not in economics
    assert cost in economics  # the marketing program's cost, in the sources table
    if settings["locale"] == "de_DE":
        assert re.search(r"\d,\d", economics)  # decimal commas
        # The PDF's page footer, "Seite 2 von 22": the message's placeholders become the page counters.
        assert 'content: "Seite " counter(page) " von " counter(pages);' in html
    else:
        assert 'content: "Page " counter(page) " of " counter(pages);' in html
    summary = html.split('<section class="part" id="economics"', 1)[0]
    assert symbol in summary and not re.search(r"\$\d", summary)
    # the pages: the executed notebook the report was made from
    page = (out / "notebooks" / "prospecting_economics.ipynb").read_text(encoding="utf-8")
    assert symbol in page and not re.search(r"\$\d", page)
    # the deck
    deck = " ".join(shape.text_frame.text for slide in Presentation(str(out / "report.pptx")).slides
                    for shape in slide.shapes if shape.has_text_frame)
    assert symbol in deck and not re.search(r"\$\d", deck)


# --- numbers for people (METHOD 13) -------------------------------------------------------------------------------

def test_a_shown_change_is_the_difference_of_the_shown_figures():
    """46 % → 77 % is up 31 points, although 0.4583 → 0.7708 is 31.25 points (rounded alone: 31; the issue's 32)."""
    assert formats.change(0.4583, 0.7708) == "46% → 77%, up 31 points"
    assert formats.change(0.2135, 0.3454) == "21% → 35%, up 14 points"  # 13.19 points, shown as 35 - 21
    assert formats.difference(0.5, 0.5) == "no change" and formats.difference(0.41, 0.4) == "down 1 point"
    assert formats.difference(0.8, 0.43, signed=True) == "-37 points"  # a table's column: signed, in points
    assert formats.change(2.33, 4.26, formats.RATING) == "2.3 → 4.3, up 2.0"  # never "+1.9"
    assert formats.change(421383, 468942, formats.MONEY) == "$421K → $469K, up $48K"
    assert formats.difference(None, 0.5) == "–"
    with formats.use(EUR_DE):
        assert formats.change(0.4583, 0.7708) == f"46{NBSP}% → 77{NBSP}%, um 31 Prozentpunkte gestiegen"
    with formats.use({**EUR_DE, "language": "en"}):  # German numbers, English words
        assert formats.change(0.4583, 0.7708) == f"46{NBSP}% → 77{NBSP}%, up 31 points"
    with pytest.raises(ValueError):
        formats.figure(1, "percentage")


@pytest.mark.parametrize("locale, sign", [("en_US", "-"), ("de_DE", "-"), ("sv_SE", "\u2212"), ("fi_FI", "\u2212")])
def test_negative_numbers_carry_the_minus_sign_of_the_locale_and_never_read_minus_zero(locale, sign):
    with formats.use({"currency": "EUR", "locale": locale}):
        assert formats.minus() == sign
        for text in (number(-1.5), share(-0.25), money(-17_000), money(-170_000, compact=True),
                     formats.difference(0.5, 0.2, signed=True)):
            assert text.startswith(sign) and (sign == "-" or "-" not in text), text
        assert number(-0.04, 1) == number(0, 1) and share(-0.001) == share(0) and not money(-0.001).startswith(sign)
        assert formats.d3_locale()["minus"] == sign


def test_compact_money_rounds_into_the_next_size_and_axes_use_the_same_rule():
    assert money(999_600, compact=True) == "$1M"  # never "$1000K"
    assert money(741_600, compact=True) == "$742K" and money(2_395_000, compact=True) == "$2.4M"
    assert formats.money_ticks([0, 5_000, 10_000, 15_000]) == ["$0", "$5K", "$10K", "$15K"]  # one rule per axis
    assert formats.money_ticks([0, 250, 500]) == ["$0", "$250", "$500"]
    assert formats.money_ticks([0, 500_000, 1_000_000, 1_500_000]) == ["$0", "$500K", "$1M", "$1.5M"]


def test_dates_and_periods_in_the_locale_long_or_medium_form():
    from datetime import date

    assert formats.day(date(2026, 12, 3)) == "December 3, 2026"
    assert formats.day("2026-09-30", "medium") == "Sep 30, 2026"
    assert formats.day("2026-12-03T11:29:26+00:00") == "December 3, 2026"  # a timestamp: its day, never ISO
    assert (formats.period("2026-12"), formats.period("2026-Q4"), formats.period("Spring survey")) == (
        "Dec 2026", "Q4 2026", "Spring survey")
    with formats.use({"locale": "en_GB"}):
        assert formats.day(date(2026, 12, 3)) == "3 December 2026"
    with formats.use(EUR_DE):
        assert formats.day(date(2026, 12, 3)) == "3. Dezember 2026" and formats.period("2026-12") == "Dez. 2026"
