from django.shortcuts import render

from commitments import selectors
from commitments.models import (
    NOT_REPORTED_COLOUR,
    NOT_REPORTED_LABEL,
    STATUS_COLOUR_NAMES,
    STATUS_COLOURS,
    ReportingPeriod,
    Status,
)
from commitments.services import demo_data_present

from . import progress


def legend() -> list[dict]:
    """The traffic-light levels, highest first, with colour, number and label."""
    levels = [
        {
            "key": str(int(s)),
            "number": int(s),
            "label": s.label,
            # shown beside the label unless the label already says it ("… (60%)")
            "percent": None if "%" in str(s.label) else int(s) * 20,
            "colour": STATUS_COLOURS[int(s)],
            "colour_name": STATUS_COLOUR_NAMES[int(s)],
            "dark": int(s) in (5, 0, 3),
        }
        for s in reversed(Status)
    ]
    levels.append(
        {
            "key": "not_reported",
            "number": None,
            "label": NOT_REPORTED_LABEL,
            "percent": None,
            "colour": NOT_REPORTED_COLOUR,
            "colour_name": "",
            "dark": False,
        }
    )
    return levels


def bar_rows(result: progress.Progress, levels: list[dict]) -> list[dict]:
    """Each group's stats with its bar segments (share of commitments at each level)."""
    rows = []
    for group in result.groups:
        stats = group.stats.as_dict()
        segments = []
        for level in levels:
            count = stats["levels"][level["key"]]
            if count:
                width = 100 * count / stats["commitments"]
                # too narrow to hold "n: count" legibly: the text row below the bar has it
                segments.append({**level, "count": count, "width": width, "roomy": width >= 8})
        rows.append(
            {"label": group.label, "keys": group.keys, "stats": stats, "segments": segments}
        )
    return rows


def home(request):
    """The region at a glance: progress by pillar and by country, and the data-quality line."""
    periods = list(ReportingPeriod.objects.all())
    code = request.GET.get("period", "")
    period = next((p for p in periods if p.code == code), None)
    if period is None:
        period = selectors.latest_period_with_data()
    levels = legend()
    by_pillar = progress.compute(by=["pillar"], period=period)
    by_country = progress.compute(by=["country"], period=period)
    quality = selectors.data_quality()
    mismatches = [
        {
            "country": q.plan.country,
            "focus_area": a.focus_area,
            "stated": a.stated,
            "loaded": a.loaded,
        }
        for q in quality
        for a in q.by_focus_area
        if not a.matches
    ]
    context = {
        "periods": periods,
        "period": period,
        "levels": levels,
        "total": by_pillar.total.as_dict(),
        "pillar_rows": bar_rows(by_pillar, levels),
        "country_rows": bar_rows(by_country, levels),
        "quality": quality,
        "stated_total": sum(q.stated_total or 0 for q in quality),
        "loaded_total": sum(q.loaded_total for q in quality),
        "mismatches": mismatches,
        "demo": demo_data_present(),
    }
    return render(request, "reports/home.html", context)
