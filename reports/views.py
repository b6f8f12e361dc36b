from django.shortcuts import render

from commitments import selectors
from commitments.models import ReportingPeriod, status_legend

from . import progress


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
    levels = status_legend()
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
    }
    return render(request, "reports/home.html", context)
