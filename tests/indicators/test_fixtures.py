"""The 2024 annual report's figures as loaded: every figure is in its quoted sentence, and
every quote is in the source text (fixtures/sources/, a copy of shared/seeds/003_…txt)."""

import datetime as dt
import json
import shutil
from decimal import Decimal

import pytest

from indicators.loading import FIXTURES_DIR, FixtureError, load_indicators
from indicators.models import CommitmentIndicator, Indicator, IndicatorValue, Qualifier
from mirps.numbers import parse_amount
from mirps.vocabulary import Route
from tests.plans import loaded_plans

SOURCE = (FIXTURES_DIR / "sources" / "003_c124b54610c4f88d.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.django_db


def test_every_loaded_figure_is_in_its_quote_and_every_quote_in_the_source(context_data):
    values = list(IndicatorValue.objects.select_related("indicator", "country"))
    assert len(values) == 128 and Indicator.objects.count() == 90
    for v in values:
        assert v.route == Route.SOURCE and v.counts
        assert v.source_quote in SOURCE, v
        assert v.value_as_written in v.source_quote, v
        assert parse_amount(v.value_as_written) == v.value, v
        if v.period_quote:
            assert v.period_quote in SOURCE, v
        assert v.source_document == "MIRPS Annual Report 2024" and v.source_section


def test_the_figures_the_issue_names(context_data):
    def value(indicator, iso3):
        return [
            (v.value, v.qualifier, v.period_start, v.period_end)
            for v in IndicatorValue.objects.filter(indicator__code=indicator, country__iso3=iso3)
        ]

    # Guatemala: the box says "in 2024"; the note under the boxes gives the period, kept as stated
    assert value("REF_RECOGNISED", "GTM") == [
        (Decimal(511), "", dt.date(2023, 9, 1), dt.date(2024, 9, 30))
    ]
    assert value("WORK_PERMITS_REFUGEES", "GTM")[0][0] == 56
    assert value("WORK_PERMITS_ASYLUM_SEEKERS", "GTM")[0][0] == 544
    # Costa Rica: a stock at a date, and "more than 31,000" permits from January to September
    assert value("PINIP", "CRI") == [
        (Decimal(226029), "", dt.date(2024, 9, 30), dt.date(2024, 9, 30))
    ]
    assert value("WORK_PERMITS_ASYLUM_SEEKERS", "CRI") == [
        (Decimal(31000), Qualifier.MORE_THAN, dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    ]
    # Belize: "approximately 171 applications, resulting in 40 approvals"; amnesty 12,800 / 1,855
    assert value("ASYLUM_APPLICATIONS", "BLZ")[0][:2] == (171, Qualifier.APPROXIMATELY)
    assert value("ASYLUM_APPROVALS", "BLZ")[0][0] == 40
    assert value("AMNESTY_APPLICATIONS", "BLZ")[0][0] == 12800
    assert value("AMNESTY_APPROVALS", "BLZ")[0][0] == 1855
    # Panama: "so far in 2024" has no end; "three work permits" is read as 3
    assert value("REF_RECOGNISED", "PAN")[0][2:] == (dt.date(2024, 1, 1), None)
    assert value("WORK_PERMITS_ASYLUM_SEEKERS", "PAN")[0][0] == 3


def test_loading_again_changes_nothing(context_data):
    before = list(IndicatorValue.objects.values_list("pk", "value", "review_state"))
    result = load_indicators()
    assert (result.values_created, result.values_updated, result.links_created) == (0, 0, 0)
    assert list(IndicatorValue.objects.values_list("pk", "value", "review_state")) == before
    assert CommitmentIndicator.objects.count() == 57


def test_a_figure_not_in_its_quote_is_refused_and_nothing_is_loaded(db, tmp_path):

    loaded_plans()
    for name in ("indicators_2024.json", "indicator_links.json"):
        shutil.copy(FIXTURES_DIR / name, tmp_path / name)
    data = json.loads((tmp_path / "indicators_2024.json").read_text(encoding="utf-8"))
    data["values"][-1].update(value="300", as_written="300")  # the quote says "three"
    (tmp_path / "indicators_2024.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FixtureError, match="not in its quote"):
        load_indicators(fixtures_dir=tmp_path)
    assert not IndicatorValue.objects.exists() and not Indicator.objects.exists()


# --- the fixture file itself (issue 22: the report's further country figures) -----------------

FIXTURE = json.loads((FIXTURES_DIR / "indicators_2024.json").read_text(encoding="utf-8"))
LINKS = json.loads((FIXTURES_DIR / "indicator_links.json").read_text(encoding="utf-8"))["links"]


@pytest.mark.parametrize("row", FIXTURE["values"], ids=lambda r: f"{r['indicator']}-{r['country']}")
def test_every_fixture_figure_is_in_its_sentence_and_the_sentence_in_the_source(row):
    assert row["quote"] in SOURCE
    assert row["as_written"] in row["quote"]
    assert parse_amount(row["as_written"]) == Decimal(row["value"])
    for text in [row.get("period_quote", ""), *row.get("also_stated_in", [])]:
        assert text in SOURCE, text


def test_one_figure_per_slot_and_no_indicator_without_a_figure():
    # one value per (indicator, country, period): two in a slot would make loading flip-flop
    slot = ("indicator", "country", "period_start", "period_end")
    slots = [tuple(r[k] for k in slot) for r in FIXTURE["values"]]
    assert len(slots) == len(set(slots)) == 128
    codes = [i["code"] for i in FIXTURE["indicators"]]
    assert len(codes) == len(set(codes)) == 90
    assert {r["indicator"] for r in FIXTURE["values"]} == set(codes)


def test_every_indicator_is_named_and_defined_in_both_languages():
    for i in FIXTURE["indicators"]:
        assert i["name_en"] and i["name_es"] and i["name_en"] != i["name_es"], i["code"]
        assert i["definition_en"] and i["definition_es"], i["code"]


def test_links_only_where_the_commitments_country_has_a_figure():
    with_figures = {(r["country"], r["indicator"]) for r in FIXTURE["values"]}
    for link in LINKS:
        assert (link["commitment"][:3], link["indicator"]) in with_figures, link
        assert link["rationale"]


def test_the_further_figures_the_issue_names(context_data):
    def value(indicator, iso3):
        return [
            (v.value, v.qualifier, v.period_start, v.period_end)
            for v in IndicatorValue.objects.filter(indicator__code=indicator, country__iso3=iso3)
        ]

    # El Salvador: Mi Primer Trabajo, "By September 2024" (no start stated)
    assert value("FORMAL_EMPLOYMENT_PLACEMENTS", "SLV") == [
        (Decimal(761), "", None, dt.date(2024, 9, 30))
    ]
    # Mexico: "some 10,980 refugees were relocated" from January to September 2024
    assert value("REFUGEES_RELOCATED", "MEX") == [
        (Decimal(10980), Qualifier.APPROXIMATELY, dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    ]
    # Guatemala: 19 agreements within Cities of Solidarity; 9 cities in 2023 became 19 in 2024
    assert value("LOCAL_AGREEMENTS_SIGNED", "GTM")[0][0] == 19
    assert [v[0] for v in value("LOCAL_GOVERNMENTS_COMMITTED", "GTM")] == [9, 19]
    # a percentage and a number printed in words
    assert value("RECOGNITION_RATE", "MEX")[0][0] == 80
    assert value("CONSULTATION_SESSIONS", "HND")[0][0] == 6
    new = Indicator.objects.get(code="LOCAL_AGREEMENTS_SIGNED")
    assert (new.unit, new.name_es) == ("agreements", "Convenios firmados con gobiernos locales")
