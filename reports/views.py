"""The public pages: no account, approved statuses only, Spanish and English.

Views are thin: they read the selection (period and filters) from the query string and render
what ``dashboard``, ``narrative``, ``exports`` and ``pdf`` assemble from the progress engine.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from commitments.models import Commitment
from commitments.services import demo_data_present
from funding.selectors import country_funding
from indicators.selectors import commitment_indicators, country_indicators

from . import dashboard, exports, movement, narrative, pdf, progress
from .cache import cached


def _context(request, country: str | None = None) -> dict:
    ref = dashboard.reference()
    sel = dashboard.selection(request.GET, ref, country=country)
    return {"ref": ref, "sel": sel, "levels": dashboard.legend(), "low_threshold": low_threshold()}


def low_threshold() -> int:
    return round(100 * dashboard.LOW_COVERAGE)


def home(request):
    """The regional dashboard: every panel follows the period and filters in the URL."""
    context = _context(request)
    sel, ref, levels = context["sel"], context["ref"], context["levels"]
    data = dashboard.figures(sel, ref["periods"])
    quality = dashboard.quality()
    context.update(
        {
            "data": data,
            "total": data["total"],
            "total_low": dashboard.is_low_coverage(data["total"]),
            "pillar_rows": dashboard.bar_rows(data["pillar"], levels),
            "country_rows": dashboard.bar_rows(data["country"], levels),
            "area_rows": dashboard.bar_rows(data["focus_area"], levels),
            "heatmap": data["heatmap"],
            "trend": data["trend"],
            "moved": data["movement"],
            "chart": dashboard.chart_data(data["country"], data["trend"]),
            "quality": quality,
            "embed_path": reverse("embed") + (f"?{sel.query()}" if sel.query() else ""),
        }
    )
    return render(request, "reports/home.html", context)


def country(request, iso3: str):
    context = _context(request, country=iso3.upper())
    sel, ref, levels = context["sel"], context["ref"], context["levels"]
    if sel.country is None:
        raise Http404(_("Unknown country"))
    page = dashboard.country_page(sel.country, sel, ref["periods"])
    context.update(
        {
            "page": page,
            "total": page["total"],
            "total_low": dashboard.is_low_coverage(page["total"]),
            "pillar_rows": dashboard.bar_rows(page["pillar"], levels),
            "area_rows": dashboard.bar_rows(page["focus_area"], levels),
            "trend": page["trend"],
            "moved": page["movement"],
            "chart": dashboard.chart_data(page["pillar"], page["trend"]),
            "quality": page["quality"],
            "embed_path": reverse("embed-country", args=[sel.country])
            + (f"?period={sel.period_code}" if sel.period_code else ""),
        }
    )
    context.update(context_panels(sel.country))
    return render(request, "reports/country.html", context)


def context_panels(iso3: str) -> dict:
    """Indicators and funding beside a country's commitments (issue 13), cached like the
    figures (the indicators and funding services announce figures_changed). Cold: 1 query for
    the indicators, 2 for funding when the country has none recorded (6 when it has)."""

    def build():
        return {"indicator_rows": country_indicators(iso3), "funding": country_funding(iso3)}

    return cached("country-context", [dashboard.lang(), iso3], build)


STATUS_CHOICES = ["5", "4", "3", "2", "1", "0", "not_reported", "reported"]


def commitment_list(request):
    """The list of commitments behind any figure (same period and filters, and a level)."""
    context = _context(request)
    sel = context["sel"]
    status = request.GET.get("status") or None
    if status not in STATUS_CHOICES:
        status = None
    rows = dashboard.commitment_list(sel, status)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _table_response(exports.commitments_table(rows, sel.period_code), fmt, sel)
    rows = list(rows)
    status_label = None
    if status:
        status_label = next(
            (lv["label"] for lv in context["levels"] if lv["key"] == status), _("Reported")
        )
    context.update(
        {
            "rows": rows,
            "status": status,
            "status_label": status_label,
            "status_choices": [lv for lv in context["levels"]],
        }
    )
    return render(request, "reports/commitment_list.html", context)


def commitment_detail(request, code: str):
    """A commitment's public page: text, classification, approved history and narratives."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("country", "focus_area", "pillar", "plan"),
        code=code.upper(),
    )
    history = list(dashboard.commitment_history(commitment))
    return render(
        request,
        "reports/commitment_detail.html",
        {
            "c": commitment,
            "history": history,
            "current": history[-1] if history else None,
            # linked indicators' approved values over time (issue 13): 1 query, 2 with links
            "linked_indicators": commitment_indicators(commitment),
        },
    )


def changes(request):
    """What moved since the previous period, for the region (or the filtered selection)."""
    context = _context(request)
    sel, ref = context["sel"], context["ref"]
    data = dashboard.figures(sel, ref["periods"])
    context.update({"moved": data["movement"], "countries": movement.by_country(data["movement"])})
    return render(request, "reports/changes.html", context)


def _table_response(table, fmt: str, sel, name: str | None = None) -> HttpResponse:
    title, header, rows = table
    stem = "-".join(
        str(part) for part in ["mirps", name or "commitments", *sel.params().values()] if part
    )
    if fmt == "csv":
        response = HttpResponse(exports.rows_to_csv(header, rows), exports.CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(
            exports.rows_to_xlsx([(title, header, rows)]), exports.XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def export(request, panel: str, fmt: str):
    """A panel's figures (or every panel: ``all``, .xlsx only) for the period and filters."""
    context = _context(request)
    sel, ref = context["sel"], context["ref"]
    if panel in exports.CONTEXT_TABLES:  # indicators, funding (issue 13): no progress figures
        return _table_response(exports.CONTEXT_TABLES[panel](sel.country), fmt, sel, panel)
    data = dashboard.figures(sel, ref["periods"])
    if panel == "all" and fmt == "xlsx":
        sheets = [exports.panel_table(name, data, sel.period_code) for name in exports.PANELS]
        sheets += [table(sel.country) for table in exports.CONTEXT_TABLES.values()]
        response = HttpResponse(exports.rows_to_xlsx(sheets), exports.XLSX_CONTENT_TYPE)
        stem = "-".join(["mirps", "dashboard", *map(str, sel.params().values())])
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    if panel not in exports.PANELS:
        raise Http404(_("Unknown panel"))
    return _table_response(exports.panel_table(panel, data, sel.period_code), fmt, sel, panel)


def _report(request):
    context = _context(request)
    sel = context["sel"]
    # a report is for the region or one country; other filters do not apply
    sel = sel.with_(pillar=None, focus_area=None)
    return context, sel, narrative.report(sel)


def report(request):
    """The progress report as a printable page (print CSS; charts with tables beside them)."""
    context, sel, rep = _report(request)
    levels = context["levels"]
    data = rep["data"]
    context.update(
        {
            "sel": sel,
            "report": rep,
            "total": data["total"],
            "pillar_rows": dashboard.bar_rows(data["pillar"], levels),
            "country_rows": dashboard.bar_rows(data["country"], levels),
            "area_rows": dashboard.bar_rows(data["focus_area"], levels),
            "trend": data["trend"],
            "chart": dashboard.chart_data(data["pillar"], data["trend"]),
        }
    )
    return render(request, "reports/report.html", context)


def report_pdf(request):
    """The same report as a PDF."""
    _context_, sel, rep = _report(request)
    content = pdf.build(rep, demo=demo_data_present())
    response = HttpResponse(content, content_type="application/pdf")
    stem = "-".join(["mirps-report", *map(str, sel.params().values())])
    response["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
    return response


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request, iso3: str | None = None):
    """A minimal view of the region's or a country's progress, meant for another site's iframe.

    Frameable from any site (no X-Frame-Options, CSP frame-ancestors *); ``?lang=en|es``.
    """
    language = request.GET.get("lang")
    if language not in ("en", "es"):
        language = translation.get_language()
    with translation.override(language):
        ref = dashboard.reference()
        sel = dashboard.selection(request.GET, ref, country=iso3.upper() if iso3 else None)
        sel = sel.with_(pillar=None, focus_area=None)
        if iso3 and sel.country is None:
            raise Http404(_("Unknown country"))
        if not iso3:
            sel = sel.with_(country=None)
        data = dashboard.figures(sel, ref["periods"])
        levels = dashboard.legend()
        name = next((c["name"] for c in ref["countries"] if c["iso3"] == sel.country), None)
        full = (
            reverse("country", args=[sel.country]) if sel.country else reverse("home")
        ) + f"?{sel.query()}"
        return render(
            request,
            "reports/embed.html",
            {
                "sel": sel,
                "name": name,
                "total": data["total"],
                "total_low": dashboard.is_low_coverage(data["total"]),
                "pillar_rows": dashboard.bar_rows(data["pillar"], levels),
                "levels": levels,
                "full_url": request.build_absolute_uri(full),
                "low_threshold": low_threshold(),
                "embed_language": language,
            },
        )


def methodology(request):
    """How every figure is computed, in full (each panel's "How is this computed?" links here)."""
    context = _context(request)
    context["example"] = progress.explain(
        dashboard.figures(context["sel"], context["ref"]["periods"])["total"]
    )
    return render(request, "reports/methodology.html", context)
