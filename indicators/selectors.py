"""Reads of indicator values for pages, API and exports. Each says what it returns and how many
queries it costs; public reads show approved values only.

A *trend* compares a value with the one before it of the same indicator and country, only when
the two periods can be compared: two figures at a date (stocks), or two periods of the same
length (within a few days). A January-September figure is never compared with a whole year.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.db.models.functions import Coalesce

from audit.models import ChangeEvent
from commitments.models import Commitment
from indicators.models import (
    CommitmentIndicator,
    IndicatorValue,
    Qualifier,
    ReviewState,
)

SAME_LENGTH_DAYS = 3


def value_dict(v: IndicatorValue) -> dict:
    """A value as pages and the cache keep it: plain data, labels in the active language."""
    return {
        "id": v.pk,
        "value": v.value,
        "qualifier": v.qualifier,
        "qualifier_label": str(Qualifier(v.qualifier).label) if v.qualifier else "",
        "as_written": v.value_as_written,
        "period": v.period_display,
        "period_start": v.period_start,
        "period_end": v.period_end,
        "period_note": v.period_note,
        "period_quote": v.period_quote,
        "document": v.source_document,
        "section": v.source_section,
        "url": v.source_url,
        "quote": v.source_quote,
        "note": v.note,
        "route": v.route,
        "route_label": str(v.get_route_display()),
    }


def comparable(a: dict, b: dict) -> bool:
    """Whether two values' periods can be compared (both stocks, or flows of equal length)."""
    starts, ends = (a["period_start"], b["period_start"]), (a["period_end"], b["period_end"])
    if None in starts or None in ends:
        return False
    length_a = (a["period_end"] - a["period_start"]).days
    length_b = (b["period_end"] - b["period_start"]).days
    if length_a == 0 or length_b == 0:
        return length_a == length_b
    return abs(length_a - length_b) <= SAME_LENGTH_DAYS


def trend(latest: dict, previous: dict | None, higher_is_better: bool | None) -> dict | None:
    """Direction from ``previous`` to ``latest`` ("up", "down", "same"), whether it can be read
    (comparable periods), and whether it is good news (None: no judgement)."""
    if previous is None:
        return None
    ok = comparable(latest, previous)
    if latest["value"] > previous["value"]:
        direction = "up"
    elif latest["value"] < previous["value"]:
        direction = "down"
    else:
        direction = "same"
    good = None
    if ok and higher_is_better is not None and direction != "same":
        good = (direction == "up") == higher_is_better
    return {"direction": direction, "comparable": ok, "good": good, "previous": previous}


def _chronological(values: list[IndicatorValue]) -> list[IndicatorValue]:
    return sorted(values, key=lambda v: (v.sort_date, v.period_start or v.sort_date, v.pk))


def _series_rows(values) -> list[dict]:
    """Approved values grouped by indicator (catalogue order), each with its series oldest first,
    its latest value and the trend to it."""
    by_indicator: dict[int, tuple] = {}
    for v in values:
        by_indicator.setdefault(v.indicator_id, (v.indicator, []))[1].append(v)
    rows = []
    for indicator, items in sorted(
        by_indicator.values(), key=lambda pair: (pair[0].order, pair[0].code)
    ):
        series = [value_dict(v) for v in _chronological(items)]
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "definition": indicator.definition,
                "unit": str(indicator.get_unit_display()),
                "focus_area": indicator.focus_area.code,
                "focus_area_name": indicator.focus_area.name,
                "pillar": indicator.pillar.number,
                "higher_is_better": indicator.higher_is_better,
                "series": series,
                "latest": series[-1],
                "trend": trend(
                    series[-1], series[-2] if len(series) > 1 else None, indicator.higher_is_better
                ),
            }
        )
    return rows


def country_indicators(iso3: str) -> list[dict]:
    """A country's indicators that have approved values: latest value, series and trend.
    One query (values with their indicator, focus area and pillar)."""
    values = IndicatorValue.objects.approved().filter(country__iso3=iso3)
    return _series_rows(values.select_related("indicator__focus_area", "indicator__pillar"))


def commitment_indicators(commitment: Commitment) -> list[dict]:
    """The indicators linked to a commitment, each with the approved values of the
    commitment's country over time (possibly none). One query without links, two with."""
    links = list(
        CommitmentIndicator.objects.filter(commitment=commitment).select_related(
            "indicator__focus_area", "indicator__pillar"
        )
    )
    if not links:
        return []
    values = IndicatorValue.objects.approved().filter(
        country_id=commitment.country_id, indicator_id__in=[link.indicator_id for link in links]
    )
    values = values.select_related("indicator__focus_area", "indicator__pillar")
    rows = {row["code"]: row for row in _series_rows(values)}
    result = []
    for link in links:
        row = rows.get(link.indicator.code) or {
            "code": link.indicator.code,
            "name": link.indicator.name,
            "definition": link.indicator.definition,
            "unit": str(link.indicator.get_unit_display()),
            "series": [],
            "latest": None,
            "trend": None,
        }
        result.append({**row, "rationale": link.rationale})
    return result


def export_values(country_iso3: str | None = None):
    """Approved values for the exports, by indicator, country and period. One query."""
    values = IndicatorValue.objects.approved().select_related("indicator", "country")
    if country_iso3:
        values = values.filter(country__iso3=country_iso3)
    return values.chronological()


@dataclass
class QueueRow:
    """A submitted value beside the approved value of its slot it would replace (if any), and
    the returned row it answers (``earlier_return``: the slot's newest earlier row, superseded
    ones aside, when that row was returned: who returned it, when and why)."""

    value: IndicatorValue
    approved: IndicatorValue | None
    earlier_return: IndicatorValue | None = None


def _slot(v: IndicatorValue) -> tuple:
    return (v.indicator_id, v.country_id, v.period_start, v.period_end)


def pending_values(*, country=None, period=None, focus_area=None):
    """Values awaiting review, of one country and focus area (the indicator's) when given, and
    of one reporting period: those whose period ends (or, without an end, starts) within it.
    By country, then oldest first. A query set (the review queue pages it)."""
    queue = IndicatorValue.objects.pending()
    if country is not None:
        queue = queue.filter(country=country)
    if focus_area is not None:
        queue = queue.filter(indicator__focus_area=focus_area)
    if period is not None:
        when = Coalesce("period_end", "period_start")
        queue = queue.alias(_when=when).filter(
            _when__gte=period.start_date, _when__lte=period.end_date
        )
    return queue.select_related("indicator", "country", "created_by").order_by(
        "country__name_en", "created_at", "id"
    )


def queue_rows(pending) -> list[QueueRow]:
    """Each pending value with the approved value of its slot and the return it answers. One
    query (the approved and returned rows of the same indicators and countries), none when
    ``pending`` is empty."""
    pending = list(pending)
    if not pending:
        return []
    history = (
        IndicatorValue.objects.filter(
            indicator_id__in={v.indicator_id for v in pending},
            country_id__in={v.country_id for v in pending},
            review_state__in=[ReviewState.APPROVED, ReviewState.RETURNED],
        )
        .select_related("reviewed_by")
        .order_by("created_at", "id")
    )
    by_slot: dict[tuple, list[IndicatorValue]] = {}
    for row in history:
        by_slot.setdefault(_slot(row), []).append(row)
    rows = []
    for v in pending:
        slot = by_slot.get(_slot(v), [])
        earlier = [r for r in slot if (r.created_at, r.pk) < (v.created_at, v.pk)]
        approved = next((r for r in reversed(slot) if r.counts), None)
        last = earlier[-1] if earlier else None
        returned = last if last is not None and last.review_state == ReviewState.RETURNED else None
        rows.append(QueueRow(v, approved, returned))
    return rows


def review_queue(*, country=None, period=None, focus_area=None) -> list[QueueRow]:
    """Values awaiting review (``pending_values``) with the approved value each would replace
    and the return it answers. Two queries (the queue; the slots' approved and returned rows)."""
    return queue_rows(pending_values(country=country, period=period, focus_area=focus_area))


def workspace_values(user, country_ids):
    """Every row (any review state) of the given countries, newest first, with its events:
    what a national team sees of its own countries. Two queries."""
    return (
        IndicatorValue.objects.visible_to(user)
        .filter(country_id__in=country_ids)
        .exclude(review_state=ReviewState.SUPERSEDED)
        .select_related("indicator", "country", "created_by", "reviewed_by")
        .prefetch_related(Prefetch("events", queryset=ChangeEvent.objects.select_related("user")))
        .order_by("country__iso3", "indicator__order", "-created_at", "-id")
    )
