"""What the public pages show, assembled from the progress engine and cached.

Views stay thin: they parse a ``Selection`` from the query string and ask this module for the
figures. Every number here comes from ``progress.compute`` (or ``progress.trend``/``history``,
which reuse its ``Stats``); nothing recomputes a percentage. Results are plain dicts (the API's
``as_dict`` shapes), cached per figures version, selection and language (labels are localized).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commitments.models import Commitment, FocusArea, NationalPlan, Pillar
from commitments.selectors import data_quality
from countries.models import Country
from periods.models import ReportingPeriod, open_period_among
from reports import editions, movement, progress
from reports.cache import cached
from statuses.models import StatusUpdate, status_legend
from statuses.selectors import filter_by_status, latest_period_with_data, with_carried

# Below this coverage (reported ÷ commitments) a group's progress is flagged as resting on few
# reports: the one place the threshold is set.
LOW_COVERAGE = 0.5

DIMENSIONS = ["pillar", "country", "focus_area"]


def is_low_coverage(stats: dict) -> bool:
    """True when fewer than LOW_COVERAGE of the group's commitments are reported."""
    return stats["commitments"] > 0 and stats["reported"] < LOW_COVERAGE * stats["commitments"]


def lang() -> str:
    return (get_language() or "es")[:2]


# --- Reference data and the selection (period and filters) ---------------------------------


def reference() -> dict:
    """Periods (chronological), the latest with data, the filters' choices, and where the
    edition a period counts changed (``editions.changes``: no query of its own unless an
    edition started after the first period). Five queries."""

    def build():
        periods = list(editions.with_editions_started(ReportingPeriod.objects.chronological()))
        return {
            "periods": periods,
            "editions": editions.changes(periods),
            "latest": getattr(latest_period_with_data(), "code", None),
            "countries": [{"iso3": c.iso3, "name": c.name} for c in Country.objects.all()],
            "pillars": [{"number": p.number, "name": p.name} for p in Pillar.objects.all()],
            "focus_areas": [{"code": f.code, "name": f.name} for f in FocusArea.objects.all()],
        }

    return cached("reference", [lang()], build)


@dataclass(frozen=True)
class Selection:
    period: ReportingPeriod | None = None
    country: str | None = None
    pillar: int | None = None
    focus_area: str | None = None

    @property
    def period_code(self) -> str | None:
        return self.period.code if self.period else None

    @property
    def filtered(self) -> bool:
        return bool(self.country or self.pillar or self.focus_area)

    def engine_filters(self) -> dict:
        return {"country": self.country, "pillar": self.pillar, "focus_area": self.focus_area}

    def params(self, **overrides) -> dict:
        """Query parameters for this selection (with overrides; None drops a parameter)."""
        values = {
            "period": self.period_code,
            "country": self.country,
            "pillar": self.pillar,
            "focus_area": self.focus_area,
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def query(self, **overrides) -> str:
        return urlencode(self.params(**overrides))

    def key(self) -> tuple:
        return (self.period_code, self.country, self.pillar, self.focus_area)

    def with_(self, **changes) -> Selection:
        return replace(self, **changes)


def selection(params, ref: dict, country: str | None = None) -> Selection:
    """The period and filters of a query string; unknown values are ignored (never an error).

    The period defaults to the latest period with an approved status.
    """
    periods = {p.code: p for p in ref["periods"]}
    period = periods.get(params.get("period", "")) or periods.get(ref["latest"] or "")
    if period is None and ref["periods"]:
        period = ref["periods"][-1]
    iso3s = {c["iso3"] for c in ref["countries"]}
    raw_country = (country or params.get("country") or "").upper()
    try:
        pillar = int(params.get("pillar") or 0)
    except ValueError:
        pillar = 0
    focus_area = (params.get("focus_area") or "").upper()
    return Selection(
        period=period,
        country=raw_country if raw_country in iso3s else None,
        pillar=pillar if pillar in {p["number"] for p in ref["pillars"]} else None,
        focus_area=focus_area if focus_area in {f["code"] for f in ref["focus_areas"]} else None,
    )


# --- Figures ------------------------------------------------------------------------------


def _groups(result: progress.Progress) -> list[dict]:
    return result.as_dict()["groups"]


def numbers(sel: Selection, periods: list[ReportingPeriod]) -> dict:
    """The language-free numbers behind every panel of a selection, cached: the commitment
    counts by (country, pillar, focus area, status) as of the period, and the timeline of statuses
    over the periods (trend and what moved). Cold: 1 query (``progress.numbers``)."""

    def build():
        counts, timeline = progress.numbers(sel.period, periods, **sel.engine_filters())
        return {"counts": counts, "timeline": timeline}

    return cached("numbers", [*sel.key(), *(p.code for p in periods)], build)


def figures(sel: Selection, periods: list[ReportingPeriod]) -> dict:
    """Every panel of the dashboard for a selection, cached per language. Cold: 4 queries.

    The numbers (1: ``numbers``) grouped by pillar, by country, by focus area and country ×
    pillar from that one count (``progress.assemble``; 3 queries listing the members, in the
    active language); trend and what moved (counts) from the timeline, no query.
    """

    def build():
        data = numbers(sel, periods)
        by_pillar, by_country, by_area, cells = progress.assemble(
            data["counts"],
            [["pillar"], ["country"], ["focus_area"], ["country", "pillar"]],
            sel.period,
            **sel.engine_filters(),
        )
        return {
            "total": by_pillar.total.as_dict(),
            "pillar": _groups(by_pillar),
            "country": _groups(by_country),
            "focus_area": _groups(by_area),
            "heatmap": _heatmap(_groups(cells)),
            "trend": editions.marks(
                trend_rows(data["timeline"]), reference()["editions"], sel.country
            ),
            # the 2017-2018 figure of the earlier plans, before the trend (not comparable)
            "earlier": editions.earlier_row(**sel.engine_filters()),
            "movement": movement.summary(data["timeline"], sel.period),
        }

    return cached("figures", [lang(), *sel.key()], build)


def warm() -> None:
    """The default dashboard's figures (latest period, no filter) computed into the cache in
    both languages (``reports.cache.warm`` calls it after the figures changed)."""
    for language in ("es", "en"):
        with translation.override(language):
            ref = reference()
            figures(selection({}, ref), ref["periods"])


def trend_rows(timeline: progress.Timeline) -> list[dict]:
    """The trend, oldest first; ``in_progress`` marks the open period (``open_period_among``):
    its few updates so far are a period under way, not a fall."""
    open_period = open_period_among(timeline.periods)
    return [
        {
            "period": period.code,
            "kind": period.kind,
            "in_progress": open_period is not None and period.code == open_period.code,
            **stats.as_dict(),
        }
        for period, stats in timeline.trend()
    ]


class SettledTrend(NamedTuple):
    settled: list[dict]  # the periods with figures that are no longer in progress
    current: dict | None  # the period in progress, when it has figures


def settled_trend(trend: list[dict]) -> SettledTrend:
    """The trend's periods with figures, split into the settled ones and the period in progress
    (None if none has figures): what "from 2021 to 2024" compares."""
    rows = [t for t in trend if t["progress"] is not None]
    settled = [t for t in rows if not t.get("in_progress")]
    current = next((t for t in rows if t.get("in_progress")), None)
    return SettledTrend(settled, current)


def _heatmap(groups: list[dict]) -> dict:
    """country × pillar groups as rows (countries) of cells (pillars)."""
    rows: dict[str, dict] = {}
    pillars: dict[int, str] = {}
    for group in groups:
        row = rows.setdefault(
            group["country"], {"country": group["country"], "label": "", "cells": []}
        )
        country_label, _sep, pillar_label = group["label"].partition(" · ")
        row["label"] = country_label
        pillars[group["pillar"]] = pillar_label
        row["cells"].append(group)
    return {
        "pillars": [{"number": n, "label": label} for n, label in pillars.items()],
        "rows": list(rows.values()),
    }


def quality() -> dict:
    """The data-quality line (stated vs loaded commitment counts). Three queries, cached."""

    def build():
        plans = data_quality()
        return _quality_dict(plans)

    return cached("quality", [lang()], build)


def _quality_dict(plans) -> dict:
    return {
        "plans": [
            {
                "country": q.plan.country.iso3,
                "country_name": q.plan.country.name,
                "stated": q.stated_total,
                "loaded": q.loaded_total,
                "matches": q.matches,
                "areas": [
                    {"focus_area": a.focus_area, "stated": a.stated, "loaded": a.loaded}
                    for a in q.by_focus_area
                ],
            }
            for q in plans
        ],
        "stated_total": sum(q.stated_total or 0 for q in plans),
        "loaded_total": sum(q.loaded_total for q in plans),
        "mismatches": [
            {
                "country": q.plan.country.iso3,
                "focus_area": a.focus_area,
                "stated": a.stated,
                "loaded": a.loaded,
            }
            for q in plans
            for a in q.by_focus_area
            if not a.matches
        ],
    }


def with_commitments(groups: list[dict]) -> list[dict]:
    """The groups that hold at least one commitment: a country with no commitment in a focus
    area (or pillar) gets no row for it ("n/a 0% (0/0)" says nothing), on its page, in its
    exports and in its report."""
    return [g for g in groups if g["commitments"]]


def _previous_edition(plan, editions) -> str:
    """The name of the edition in force before ``plan`` among ``editions`` ('' if none)."""
    earlier = [p for p in editions if plan and p.starts_on < plan.starts_on]
    return max(earlier, key=lambda p: p.starts_on).edition if earlier else ""


def country_page(iso3: str, sel: Selection, periods: list[ReportingPeriod]) -> dict | None:
    """A country's page: plan, figures by pillar and focus area, trend, what moved (counts),
    data quality. The figures follow the selection's pillar and focus area too (the same
    numbers as the page's exports, ``figures(sel)``); only groups with commitments are listed.
    Cold: 2 queries (country, plan) + the numbers (1) + members (2) + data quality (4); cached.
    Its commitments come a page at a time (``commitments_page``)."""

    def build():
        country = Country.objects.filter(iso3=iso3).first()
        if country is None:
            return None
        # the edition in force at the end of the period shown (today without one), issue 22
        on = sel.period.end_date if sel.period else timezone.localdate()
        plan = (
            NationalPlan.objects.filter(country=country).in_force(on).first()
            or NationalPlan.objects.filter(country=country).order_by("starts_on").first()
        )
        country_sel = sel.with_(country=iso3)
        data = numbers(country_sel, periods)
        by_pillar, by_area = progress.assemble(
            data["counts"], [["pillar"], ["focus_area"]], sel.period, **country_sel.engine_filters()
        )
        plans = data_quality(NationalPlan.objects.filter(country=country))
        return {
            "iso3": country.iso3,
            "name": country.name,
            "plan": {
                "title": plan.title if plan else "",
                "summary": plan.summary if plan else "",
                # both languages, the reader's first (the Spanish is our working translation)
                "title_texts": plan.title_texts if plan else None,
                "summary_texts": plan.summary_texts if plan else None,
                "edition": plan.edition if plan else "",
                "starts_on": plan.starts_on if plan else None,
                # the edition before it, from the plans data quality read (no query)
                "previous": _previous_edition(plan, [q.plan for q in plans]),
                # its closing figure (1 query, only when there is one)
                "closing": editions.closing_figure(plan, [q.plan for q in plans], periods),
            },
            # the period shown counts another edition than the period before (3 queries then)
            "edition_note": editions.period_note(
                plan, [q.plan for q in plans], sel.period, periods
            ),
            "total": by_pillar.total.as_dict(),
            "pillar": with_commitments(_groups(by_pillar)),
            "focus_area": with_commitments(_groups(by_area)),
            "trend": editions.marks(
                trend_rows(data["timeline"]), reference()["editions"], country.iso3
            ),
            "movement": movement.summary(data["timeline"], sel.period),
            "quality": _quality_dict(plans),
        }

    return cached("country", [lang(), *sel.with_(country=iso3).key()], build)


# Commitments listed per page on the public pages (the CSV and Excel downloads have them all).
PAGE_SIZE = 100


class _Counted(Paginator):
    """A paginator told its count (from the cached figures) instead of counting again."""

    def __init__(self, rows, per_page, count):
        super().__init__(rows, per_page)
        self._known = count

    @property
    def count(self):
        return self._known


def commitments_page(rows, number, period: ReportingPeriod | None, count: int | None = None):
    """One page of ``commitment_list`` (``PAGE_SIZE`` rows), each with its status as of
    ``period``: the page's commitments first (ordered and cut in the database), then their
    statuses, looked up for those rows only. 2 queries when the ``count`` is known (the figures
    have it), else 3. A page number out of range gives the last page."""
    paginator = Paginator(rows, PAGE_SIZE) if count is None else _Counted(rows, PAGE_SIZE, count)
    page = paginator.get_page(number)
    ids = [c.pk for c in page.object_list]
    shown = {
        c.pk: c
        for c in with_carried(
            Commitment.objects.filter(pk__in=ids).select_related("country", "focus_area", "pillar"),
            period,
        )
    }
    page.object_list = [shown[pk] for pk in ids]
    return page


def list_count(sel: Selection, periods: list[ReportingPeriod], status: str | None) -> int:
    """How many commitments ``commitment_list(sel, status)`` holds, from the cached figures."""
    total = figures(sel, periods)["total"]
    if status in (None, ""):
        return total["commitments"]
    if status == "reported":
        return total["reported"]
    return total["levels"][status]


def page_number(params) -> int:
    """The ``page`` of a query string (1 when absent or not a positive number)."""
    try:
        return max(int(params.get("page") or 1), 1)
    except ValueError:
        return 1


def pager(params, number: int, count: int, per_page: int | None = None, anchor: str = "") -> dict:
    """What ``_pager.html`` shows: rows start-end of count, page links keeping ``params``."""
    per_page = per_page or PAGE_SIZE
    pages = max((count + per_page - 1) // per_page, 1)
    number = min(max(number, 1), pages)

    def url(n: int) -> str:
        query = params.copy()
        query["page"] = n
        return f"?{query.urlencode()}{anchor}"

    return {
        "number": number,
        "num_pages": pages,
        "count": count,
        "start": (number - 1) * per_page + 1 if count else 0,
        "end": min(number * per_page, count),
        "previous_url": url(number - 1) if number > 1 else "",
        "next_url": url(number + 1) if number < pages else "",
    }


def commitment_list(sel: Selection, status: str | None):
    """The public list behind a figure, filtered, in plan order: the commitments at ``status``
    as of the period (a level, ``reported`` or ``not_reported``), found with the set of
    statuses (``filter_by_status``). Add ``with_status`` to read each one's status
    (``commitments_page`` does it for a page)."""
    # the commitments the figure counts: the editions in force at the period's end (issue 22)
    rows = (
        Commitment.objects.in_force(progress.base_date(sel.period))
        .select_related("country", "focus_area", "pillar")
        .order_by("country__iso3", "focus_area__order", "order")
    )
    if sel.country:
        rows = rows.filter(country__iso3=sel.country)
    if sel.pillar:
        rows = rows.filter(pillar__number=sel.pillar)
    if sel.focus_area:
        rows = rows.filter(focus_area__code=sel.focus_area)
    if status not in {*(str(level) for level in progress.LEVELS), "reported", "not_reported"}:
        status = None
    return filter_by_status(rows, sel.period, status)


def commitment_history(commitment: Commitment):
    """A commitment's approved statuses, oldest first, with their narratives. 1 query."""
    return (
        StatusUpdate.objects.counted()
        .filter(commitment=commitment)
        .select_related("period")
        .order_by(*StatusUpdate.LATEST_FIRST)
        .reverse()  # oldest first, in the order that decides the status as of a period
    )


# --- Decoration for templates -------------------------------------------------------------

DARK_INK, LIGHT_INK = "#1d2733", "#ffffff"


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink(background: str, dark_ink: str = DARK_INK) -> str:
    """The text colour (``dark_ink`` or white) with the higher WCAG contrast on ``background``.

    With black as ``dark_ink`` the better of the two always reaches 4.5:1 (AA), whatever the
    background."""
    lum = _luminance(background)
    dark = (lum + 0.05) / (_luminance(dark_ink) + 0.05)
    light = 1.05 / (lum + 0.05)
    return dark_ink if dark >= light else LIGHT_INK


def legend() -> list[dict]:
    """``status_legend()`` with ``dark`` (white text) only where white reads best (WCAG)."""
    return [{**level, "dark": ink(level["colour"]) == LIGHT_INK} for level in status_legend()]


def bar_rows(groups: list[dict], levels: list[dict]) -> list[dict]:
    """Each group's stats with its bar segments (share of commitments at each level)."""
    rows = []
    for group in groups:
        segments = []
        for level in levels:
            count = group["levels"][level["key"]]
            if count:
                width = 100 * count / group["commitments"]
                # too narrow to hold "n: count" legibly: the text row below the bar has it
                segments.append({**level, "count": count, "width": width, "roomy": width >= 8})
        keys = {k: group[k] for k in DIMENSIONS if k in group}
        rows.append(
            {
                **group,
                "keys": keys,
                "stats": group,
                "segments": segments,
                "low": is_low_coverage(group),
            }
        )
    return rows


def chart_data(groups: list[dict], trend: list[dict]) -> dict:
    """What static/js/dashboard.js draws: level counts per group, and the trend."""
    levels = legend()
    return {
        "text": {
            "commitments": _("Commitments"),
            "progress": _("Progress (%)"),
            "coverage": _("Coverage (%)"),
            "updated": _("Updated in the period (%)"),
            "in_progress": _("in progress: reports are still coming in"),
        },
        "levels": [
            {
                "key": lv["key"],
                "label": (f"{lv['number']} · " if lv["number"] is not None else "– · ")
                + str(lv["label"]),
                "colour": lv["colour"],
            }
            for lv in levels
        ],
        "distribution": {
            "labels": [g["label"] for g in groups],
            "counts": {lv["key"]: [g["levels"][lv["key"]] for g in groups] for lv in levels},
        },
        "trend": {
            # the open period is labelled as such and drawn lighter, its line dashed
            "labels": [
                _("%(period)s (in progress)") % {"period": t["period"]}
                if t.get("in_progress")
                else t["period"]
                for t in trend
            ],
            "in_progress": [bool(t.get("in_progress")) for t in trend],
            "progress": [t["progress"] for t in trend],
            "coverage": [round(100 * t["coverage"], 1) for t in trend],
            "updated": [
                None if t["reporting_rate"] is None else round(100 * t["reporting_rate"], 1)
                for t in trend
            ],
        },
    }
