"""What moved since the previous period: commitments whose approved status went up, went down,
or was reported for the first time.

For a period P, the previous period is the one before P in chronological order (by end date,
then start date). Each commitment's status as of P is compared with its status as of the
previous period (both "the latest approved status reported in that period or before", from
``progress.history``): higher is *up*, lower is *down*, none before and one now is *first
report*. Unchanged statuses are not listed. With no previous period, every reported commitment
is a first report.
"""

from __future__ import annotations

from commitments.models import Commitment, ReportingPeriod

from . import progress

KINDS = ("up", "down", "first")


def compare(past: progress.History, period: ReportingPeriod | None) -> dict:
    """The movement into ``period`` from ``past`` (whose snapshots include it). One query."""
    codes = [snap.period.code for snap in past.snapshots]
    empty = {"period": None, "previous": None, "up": [], "down": [], "first": [], "count": 0}
    if period is None or period.code not in codes:
        return empty
    index = codes.index(period.code)
    now = past.snapshots[index]
    before = past.snapshots[index - 1] if index > 0 else None
    moved: dict[str, list[tuple[int, int | None, int]]] = {kind: [] for kind in KINDS}
    for commitment_id, value in now.status.items():
        old = before.status.get(commitment_id) if before else None
        if old is None:
            moved["first"].append((commitment_id, old, value))
        elif value > old:
            moved["up"].append((commitment_id, old, value))
        elif value < old:
            moved["down"].append((commitment_id, old, value))
    ids = [cid for items in moved.values() for cid, _old, _new in items]
    commitments = {
        c.pk: c
        for c in Commitment.objects.filter(pk__in=ids).select_related(
            "country", "focus_area", "pillar"
        )
    }
    result = {"period": period.code, "previous": before.period.code if before else None}
    for kind, items in moved.items():
        rows = []
        for commitment_id, old, new in items:
            c = commitments[commitment_id]
            reported_in, narrative = now.latest[commitment_id]
            rows.append(
                {
                    "code": c.code,
                    "text": c.localized_text,
                    "country": c.country.iso3,
                    "country_name": c.country.name,
                    "pillar": c.pillar.number,
                    "focus_area": c.focus_area.code,
                    "from": old,
                    "to": new,
                    "reported_in": reported_in,
                    "narrative": narrative,
                    "order": (c.country.iso3, c.focus_area.order, c.order),
                }
            )
        rows.sort(key=lambda r: r["order"])
        result[kind] = rows
    result["count"] = sum(len(result[kind]) for kind in KINDS)
    return result


def by_country(result: dict) -> list[dict]:
    """The movement grouped by country (for the regional page), countries in code order."""
    countries: dict[str, dict] = {}
    for kind in KINDS:
        for row in result[kind]:
            entry = countries.setdefault(
                row["country"],
                {"iso3": row["country"], "name": row["country_name"], **{k: [] for k in KINDS}},
            )
            entry[kind].append(row)
    return [countries[k] for k in sorted(countries)]
