"""What the public pages say about plan editions (issue 22), beside the figures.

* ``changes``: where the edition a period counts changed, per period and country (the trend
  marks them);
* ``earlier_row``: the figures of the plans before 2021 (2017-2018), the first row of the
  regional and pillar trends, marked as not comparable commitment by commitment;
* ``closing_figure``: on a country's page, the previous edition's last figure: its
  commitments as of the last period that ended before the new edition started;
* ``period_note``: a period in which a country's edition changed says what it counted and
  why: the edition in force at its end, the statuses carried (and from which commitments),
  the split, merged and new commitments not reported yet, the closed ones no longer counted.

The figures themselves come from ``reports.progress`` (whose base is the edition in force at a
period's end); nothing here recomputes one.
"""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery

from commitments.editions import lineage_codes
from commitments.history import earlier_plan_figures
from commitments.models import Commitment, LineageKind, NationalPlan, lineage_kind
from commitments.selectors import edition_changes
from periods.models import ReportingPeriod, chronological
from reports import progress
from statuses.selectors import with_carried


def with_editions_started(periods: QuerySet) -> QuerySet:
    """``periods`` annotated with ``editions_started``: how many editions (of any country)
    had started by the period's end. Where it is the same for two consecutive periods, no
    edition changed between them: ``changes`` asks for the editions only when it is not."""
    started = (
        NationalPlan.objects.filter(starts_on__lte=OuterRef("end_date"))
        .order_by()
        .values(n=Func(F("id"), function="COUNT", output_field=IntegerField()))
    )
    return periods.annotate(editions_started=Subquery(started))


def changes(periods: list[ReportingPeriod]) -> list[dict]:
    """``commitments.selectors.edition_changes`` over ``periods`` (chronological), as plain
    dicts (cached with the reference data). One query, none when the periods read
    ``with_editions_started`` show no edition starting between two of them (the 2021 plans
    alone)."""
    ordered = chronological(periods)
    started = [getattr(p, "editions_started", None) for p in ordered]
    if None not in started and len(set(started)) <= 1:
        return []
    return [
        {"period": c.period, "country": c.country, "before": c.before, "after": c.after}
        for c in edition_changes(ordered)
    ]


def marks(rows: list[dict], changed: list[dict], country: str | None = None) -> list[dict]:
    """The trend ``rows`` with ``editions``: the edition changes counted from each period on
    (of ``country`` only, when the trend is one country's). No query."""
    for row in rows:
        row["editions"] = [
            c
            for c in changed
            if c["period"] == row["period"] and (country is None or c["country"] == country)
        ]
    return rows


def earlier_row(*, country=None, pillar=None, focus_area=None) -> dict | None:
    """The 2017-2018 figure that starts a trend: the region's, or a pillar's; none for a
    country or a focus area (the source gives none). Marked ``earlier_plans``, not
    comparable; no coverage. No query."""
    if country or focus_area:
        return None
    figures = earlier_plan_figures()
    figure = figures.pillar(int(pillar)) if pillar else figures.region
    if figure is None:
        return None
    return {**figure.as_trend_row(figures), "title": figures.title, "note": figures.note}


def closing_figure(
    plan: NationalPlan | None, editions: list[NationalPlan], periods: list[ReportingPeriod]
) -> dict | None:
    """The previous edition's closing figure, on a country's page: the edition in force before
    ``plan`` (among ``editions``, the country's) as of the last period that ended before
    ``plan`` started (the engine counts that period with that edition). One query (the
    aggregate); None when there is no previous edition or no such period."""
    if plan is None:
        return None
    earlier = [p for p in editions if p.starts_on < plan.starts_on]
    ended = [p for p in chronological(periods) if p.end_date < plan.starts_on]
    if not earlier or not ended:
        return None
    previous, last = max(earlier, key=lambda p: p.starts_on), ended[-1]
    total = progress.compute(period=last, country=plan.country.iso3, periods=periods).total
    return {"edition": previous.edition, "period": last.code, **total.as_dict()}


def period_note(
    plan: NationalPlan | None,
    editions: list[NationalPlan],
    period: ReportingPeriod | None,
    periods: list[ReportingPeriod],
) -> dict | None:
    """For a period whose edition (``plan``, in force at its end) differs from the previous
    period's: what was counted and why. None for any other period (no query then); else
    three queries (the commitments with their statuses, their lineage, the closed ones)."""
    if plan is None or period is None:
        return None
    before = [p for p in chronological(periods) if p.end_date < period.end_date]
    if not before:
        return None
    ended = before[-1].end_date
    counted_before = [p for p in editions if p.starts_on <= ended]
    old = max(counted_before, key=lambda p: p.starts_on) if counted_before else None
    if old is not None and old.pk == plan.pk:
        return None
    rows = list(with_carried(Commitment.objects.filter(plan=plan), period).order_by("code"))
    lineage = lineage_codes([c.pk for c in rows])
    carried, waiting = [], {k: [] for k in ("split", "merged", "new", "continued")}
    for c in rows:
        if c.current_status is None and c.carried_status is not None:
            carried.append({"code": c.code, "from": c.carried_from, "period": c.carried_period})
        elif c.current_status is None:
            kind = _kind(lineage.get(c.pk, {}).get("predecessors", []), lineage)
            # continued or reworded with nothing to carry: listed as "continued"
            waiting.get(kind, waiting["continued"]).append(c.code)
    closed = (
        list(Commitment.objects.filter(plan=old).closed().order_by("code").values_list("code"))
        if old is not None
        else []
    )
    return {
        "period": period.code,
        "edition": plan.edition,
        "starts_on": plan.starts_on,
        "previous": old.edition if old else None,
        "commitments": len(rows),
        "carried": carried,
        **waiting,
        "closed": [code for (code,) in closed],
    }


def _kind(predecessors: list[str], lineage: dict) -> str:
    """split, merged or new (a one-to-one successor with nothing to carry: continued)."""
    if len(predecessors) > 1:
        return LineageKind.MERGED.value
    if not predecessors:
        return LineageKind.NEW.value
    # several successors of its one predecessor: among the page's commitments, count them
    siblings = sum(1 for links in lineage.values() if links["predecessors"] == predecessors)
    return lineage_kind(predecessors=1, siblings=siblings).value
