"""Loading the indicator catalogue, the 2024 annual report's figures and the commitment links
from ``fixtures/`` (``manage.py load_indicators``; idempotent).

Every figure is checked before anything is written: its number as printed (``as_written``,
in either separator style, or a number word) must read as the loaded value and appear in its
quoted sentence. A fixture that breaks this is refused whole (``FixtureError``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commitments.models import Commitment, FocusArea, Pillar
from countries.models import Country
from indicators.models import (
    CommitmentIndicator,
    Indicator,
    IndicatorValue,
    Qualifier,
    ReviewState,
    Route,
)
from mirps.numbers import parse_amount
from mirps.signals import announce_figures_changed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
INDICATORS_FILE = "indicators_2024.json"
LINKS_FILE = "indicator_links.json"
# the fixture's wording of a qualifier → ours
QUALIFIERS = {
    "": Qualifier.EXACT,
    "approximately": Qualifier.APPROXIMATELY,
    "more than": Qualifier.MORE_THAN,
}


class FixtureError(ValueError):
    """The fixture contradicts itself (a figure not in its quote, an unknown code, …)."""


@dataclass
class IndicatorLoad:
    indicators: int
    indicators_created: int
    values: int
    values_created: int
    values_updated: int
    links: int
    links_created: int


def check_figure(value: str, as_written: str, quote: str, where: str) -> Decimal:
    """The fixture's value, once it is shown to be the number printed in the quote."""
    number = Decimal(value)
    if parse_amount(as_written) != number:
        raise FixtureError(f"{where}: {as_written!r} does not read as {value}")
    if as_written not in quote:
        raise FixtureError(f"{where}: {as_written!r} is not in its quote")
    return number


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _section(row: dict) -> str:
    path = row.get("section_path") or []
    return " › ".join(path) if path else row.get("section", "")


@transaction.atomic
def load_indicators(*, fixtures_dir: Path = FIXTURES_DIR) -> IndicatorLoad:
    """Load the catalogue, the values and the links; running it again changes nothing.

    Indicators are matched by code and created when missing (an indicator edited in the admin
    is kept). Values loaded from the source are matched by slot (indicator, country, period)
    and kept equal to the fixture; a value a person approved later for the same slot stays the
    public one (the source's row is not brought back). Links are created when missing;
    commitments must be loaded first (``load_plans``).
    """
    data = json.loads((fixtures_dir / INDICATORS_FILE).read_text(encoding="utf-8"))
    links_data = json.loads((fixtures_dir / LINKS_FILE).read_text(encoding="utf-8"))
    areas = {a.code: a for a in FocusArea.objects.all()}
    pillars = {p.number: p for p in Pillar.objects.all()}
    countries = {c.iso3: c for c in Country.objects.all()}
    if not areas or not pillars or not countries:
        raise FixtureError("load the reference data first (manage.py load_plans)")

    # A constant number of queries: what exists is read once, what is missing created in bulk.
    indicators, indicators_created = _load_catalogue(data["indicators"], areas, pillars)
    values = _load_values(data, indicators, countries)
    links_created = _load_links(links_data["links"], indicators)
    if values.changed or links_created or indicators_created:
        announce_figures_changed(IndicatorValue)
    return IndicatorLoad(
        indicators=len(indicators),
        indicators_created=indicators_created,
        values=len(data["values"]),
        values_created=values.created,
        values_updated=values.updated,
        links=len(links_data["links"]),
        links_created=links_created,
    )


def _load_catalogue(rows: list[dict], areas: dict, pillars: dict) -> tuple[dict, int]:
    """The fixture's indicators by code, those missing created; and how many were created."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[r["code"] for r in rows])}
    missing = [
        Indicator(
            code=row["code"],
            name_en=row["name_en"],
            name_es=row["name_es"],
            unit=row["unit"],
            definition_en=row["definition_en"],
            definition_es=row["definition_es"],
            focus_area=areas[row["focus_area"]],
            pillar=pillars[row["pillar"]],
            pillar_rationale=row.get("pillar_rationale", ""),
            higher_is_better=row["higher_is_better"],
            order=order,
        )
        for order, row in enumerate(rows, start=1)
        if row["code"] not in indicators
    ]
    for indicator in Indicator.objects.bulk_create(missing):
        indicators[indicator.code] = indicator
    return indicators, len(missing)


@dataclass(frozen=True)
class _ValuesLoaded:
    created: int
    updated: int
    changed: bool  # whether a public figure changed (new rows, or edits of counted ones)


def _load_values(data: dict, indicators: dict, countries: dict) -> _ValuesLoaded:
    """Create the fixture's values missing from their slot, bring the source's rows back to
    the fixture; a person's approved value for the slot stays the public one."""
    rows = IndicatorValue.objects.filter(indicator__in=indicators.values())
    slot_fields = ("indicator_id", "country_id", "period_start", "period_end")
    sourced = {
        tuple(r[:4]): r[4] for r in rows.filter(route=Route.SOURCE).values_list(*slot_fields, "pk")
    }
    taken = set(rows.approved().exclude(route=Route.SOURCE).values_list(*slot_fields))
    existing = IndicatorValue.objects.in_bulk(sourced.values())
    now = timezone.now()
    new_values, changed_values = [], []
    for row in data["values"]:
        where = f"{row['indicator']} {row['country']} {row['as_written']}"
        if row["indicator"] not in indicators or row["country"] not in countries:
            raise FixtureError(f"{where}: unknown indicator or country")
        fields = _value_fields(row, data["source"], where)
        indicator, country = indicators[row["indicator"]], countries[row["country"]]
        start, end = _date(row["period_start"]), _date(row["period_end"])
        key = (indicator.pk, country.pk, start, end)
        current = existing.get(sourced.get(key))
        if current is None:
            new_values.append(
                IndicatorValue(
                    indicator=indicator,
                    country=country,
                    period_start=start,
                    period_end=end,
                    route=Route.SOURCE,
                    # a person's approved value for the slot stays the public one
                    review_state=ReviewState.SUPERSEDED if key in taken else ReviewState.APPROVED,
                    reviewed_at=now,
                    **fields,
                )
            )
        elif any(getattr(current, k) != v for k, v in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            changed_values.append(current)
    IndicatorValue.objects.bulk_create(new_values)
    if changed_values:
        IndicatorValue.objects.bulk_update(changed_values, list(fields))
    return _ValuesLoaded(
        created=len(new_values),
        updated=len(changed_values),
        changed=bool(new_values) or any(v.counts for v in changed_values),
    )


def _value_fields(row: dict, source: dict, where: str) -> dict:
    """A fixture value's fields (its figure checked against its quote)."""
    number = check_figure(row["value"], row["as_written"], row["quote"], where)
    qualifier = QUALIFIERS.get(row.get("qualifier", ""))
    if qualifier is None:
        raise FixtureError(f"{where}: unknown qualifier {row['qualifier']!r}")
    return {
        "value": number,
        "qualifier": qualifier,
        "value_as_written": row["as_written"],
        "period_label_en": row["period_label_en"],
        "period_label_es": row["period_label_es"],
        "period_note": row.get("period_note", ""),
        "period_quote": row.get("period_quote", ""),
        "source_document": source["title_en"],
        "source_file": source["file"],
        "source_section": _section(row),
        "source_quote": row["quote"],
        "note": row.get("note", ""),
    }


def _load_links(rows: list[dict], indicators: dict) -> int:
    """Create the commitment–indicator links missing; how many were created."""
    commitments = {
        c.code: c for c in Commitment.objects.filter(code__in={r["commitment"] for r in rows})
    }
    linked = set(
        CommitmentIndicator.objects.filter(indicator__in=indicators.values()).values_list(
            "commitment_id", "indicator_id"
        )
    )
    new_links = []
    for row in rows:
        if row["commitment"] not in commitments or row["indicator"] not in indicators:
            raise FixtureError(f"link {row['commitment']} ↔ {row['indicator']}: unknown code")
        commitment, indicator = commitments[row["commitment"]], indicators[row["indicator"]]
        if (commitment.pk, indicator.pk) not in linked:
            linked.add((commitment.pk, indicator.pk))
            new_links.append(
                CommitmentIndicator(
                    commitment=commitment, indicator=indicator, rationale=row["rationale"]
                )
            )
    CommitmentIndicator.objects.bulk_create(new_links)
    return len(new_links)
