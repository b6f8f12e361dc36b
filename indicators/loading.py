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
from commitments.signals import announce_figures_changed
from countries.models import Country
from mirps.numbers import parse_amount

from .models import CommitmentIndicator, Indicator, IndicatorValue, Qualifier, ReviewState, Route

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
    document = data["source"]["title_en"]
    source_file = data["source"]["file"]
    areas = {a.code: a for a in FocusArea.objects.all()}
    pillars = {p.number: p for p in Pillar.objects.all()}
    countries = {c.iso3: c for c in Country.objects.all()}
    if not areas or not pillars or not countries:
        raise FixtureError("load the reference data first (manage.py load_plans)")

    indicators: dict[str, Indicator] = {}
    indicators_created = 0
    for order, row in enumerate(data["indicators"], start=1):
        indicators[row["code"]], created = Indicator.objects.get_or_create(
            code=row["code"],
            defaults={
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "unit": row["unit"],
                "definition_en": row["definition_en"],
                "definition_es": row["definition_es"],
                "focus_area": areas[row["focus_area"]],
                "pillar": pillars[row["pillar"]],
                "pillar_rationale": row.get("pillar_rationale", ""),
                "higher_is_better": row["higher_is_better"],
                "order": order,
            },
        )
        indicators_created += created

    values_created = values_updated = 0
    now = timezone.now()
    changed = False
    for row in data["values"]:
        where = f"{row['indicator']} {row['country']} {row['as_written']}"
        if row["indicator"] not in indicators or row["country"] not in countries:
            raise FixtureError(f"{where}: unknown indicator or country")
        number = check_figure(row["value"], row["as_written"], row["quote"], where)
        qualifier = QUALIFIERS.get(row.get("qualifier", ""))
        if qualifier is None:
            raise FixtureError(f"{where}: unknown qualifier {row['qualifier']!r}")
        fields = {
            "value": number,
            "qualifier": qualifier,
            "value_as_written": row["as_written"],
            "period_label_en": row["period_label_en"],
            "period_label_es": row["period_label_es"],
            "period_note": row.get("period_note", ""),
            "period_quote": row.get("period_quote", ""),
            "source_document": document,
            "source_file": source_file,
            "source_section": _section(row),
            "source_quote": row["quote"],
            "note": row.get("note", ""),
        }
        slot = IndicatorValue.objects.in_slot(
            indicator_id=indicators[row["indicator"]].pk,
            country_id=countries[row["country"]].pk,
            period_start=_date(row["period_start"]),
            period_end=_date(row["period_end"]),
        )
        existing = slot.filter(route=Route.SOURCE).first()
        if existing is None:
            taken = slot.approved().exists()
            IndicatorValue.objects.create(
                indicator=indicators[row["indicator"]],
                country=countries[row["country"]],
                period_start=_date(row["period_start"]),
                period_end=_date(row["period_end"]),
                route=Route.SOURCE,
                review_state=ReviewState.SUPERSEDED if taken else ReviewState.APPROVED,
                reviewed_at=now,
                **fields,
            )
            values_created += 1
            changed = True
        elif any(getattr(existing, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save(update_fields=list(fields))
            values_updated += 1
            changed = changed or existing.review_state == ReviewState.APPROVED

    commitments = {
        c.code: c
        for c in Commitment.objects.filter(code__in={r["commitment"] for r in links_data["links"]})
    }
    links_created = 0
    for row in links_data["links"]:
        if row["commitment"] not in commitments or row["indicator"] not in indicators:
            raise FixtureError(f"link {row['commitment']} ↔ {row['indicator']}: unknown code")
        _link, created = CommitmentIndicator.objects.get_or_create(
            commitment=commitments[row["commitment"]],
            indicator=indicators[row["indicator"]],
            defaults={"rationale": row["rationale"]},
        )
        links_created += created
    if changed or links_created or indicators_created:
        announce_figures_changed(IndicatorValue)
    return IndicatorLoad(
        indicators=len(indicators),
        indicators_created=indicators_created,
        values=len(data["values"]),
        values_created=values_created,
        values_updated=values_updated,
        links=len(links_data["links"]),
        links_created=links_created,
    )
