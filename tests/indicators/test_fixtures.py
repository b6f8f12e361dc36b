"""The 2024 annual report's figures as loaded: every figure is in its quoted sentence, and
every quote is in the source text (fixtures/sources/, a copy of shared/seeds/003_…txt)."""

import datetime as dt
import json
import shutil
from decimal import Decimal

import pytest

from indicators.loading import FIXTURES_DIR, FixtureError, load_indicators
from indicators.models import CommitmentIndicator, Indicator, IndicatorValue, Qualifier, Route
from mirps.numbers import parse_amount

SOURCE = (FIXTURES_DIR / "sources" / "003_c124b54610c4f88d.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.django_db


def test_every_loaded_figure_is_in_its_quote_and_every_quote_in_the_source(context_data):
    values = list(IndicatorValue.objects.select_related("indicator", "country"))
    assert len(values) == 23 and Indicator.objects.count() == 12
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
    assert CommitmentIndicator.objects.count() == 16


def test_a_figure_not_in_its_quote_is_refused_and_nothing_is_loaded(db, tmp_path):
    from commitments.services import load_plans

    load_plans()
    for name in ("indicators_2024.json", "indicator_links.json"):
        shutil.copy(FIXTURES_DIR / name, tmp_path / name)
    data = json.loads((tmp_path / "indicators_2024.json").read_text(encoding="utf-8"))
    data["values"][-1].update(value="300", as_written="300")  # the quote says "three"
    (tmp_path / "indicators_2024.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FixtureError, match="not in its quote"):
        load_indicators(fixtures_dir=tmp_path)
    assert not IndicatorValue.objects.exists() and not Indicator.objects.exists()
