"""The public pages: no account, approved statuses only, Spanish and English.

Views are thin: they read the selection (period and filters) from the query string and render
what ``dashboard``, ``narrative``, ``exports`` and ``pdf`` assemble from the progress engine.
"""

from __future__ import annotations

import re
from functools import wraps

from csp.decorators import csp_replace
from django.contrib.messages import get_messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from commitments.editions import lineage_of
from commitments.models import Commitment
from funding.selectors import country_funding
from indicators.selectors import commitment_indicators, country_indicators
from periods.models import ReportingPeriod
from reports import dashboard, exports, movement, narrative, pdf, progress
from reports.cache import cache_get, cache_set, cached, cached_demo_flag
from statuses.selectors import statuses_beside, with_carried
from workspace.tracker import stale_period_codes


def _context(request, country: str | None = None) -> dict:
    ref = dashboard.reference()
    sel = dashboard.selection(request.GET, ref, country=country)
    return {
        "ref": ref,
        "sel": sel,
        "levels": dashboard.legend(),
        "low_threshold": low_threshold(),
        # overrides the context processor's query: cached with the figures
        "demo": cached_demo_flag(),
    }


def low_threshold() -> int:
    return round(100 * dashboard.LOW_COVERAGE)


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_PLACEHOLDER = "@@csrf-token@@"


def cached_page(view):
    """Serve the whole page from the figures cache to readers without an account.

    A public page is the same for every anonymous reader of one address in one language, but
    for the CSRF token of the language form: the page is kept with a placeholder for it, and
    each reader gets its own token. Readers signed in, with messages to show, or asking for
    anything but a 200 HTML page get the view itself (its content is still cached, see
    ``cached_content``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or len(get_messages(request)):
            return view(request, *args, **kwargs)
        key = [dashboard.lang(), request.scheme, request.get_host(), request.get_full_path()]
        html = cache_get("html:" + view.__name__, key)
        if html is not None:
            return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
        ):
            page = CSRF_FIELD.sub(
                f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"',
                response.content.decode(response.charset),
            )
            cache_set("html:" + view.__name__, key, page)
        return response

    return wrapper


def cached_content(request, name: str, parts: list, template: str, build) -> str:
    """The page's content (``template`` rendered with ``build()``'s context), cached under the
    figures version for this selection, language and address, so a warm page renders only its
    frame (header, language form with its CSRF token, messages) around it. Content templates
    depend on nothing personal (no user, no token)."""
    key = [dashboard.lang(), request.scheme, request.get_host(), request.path, *parts]
    html = cached("page:" + name, key, lambda: render_to_string(template, build(), request))
    return mark_safe(html)  # noqa: S308 - our own template's output, cached


@cached_page
def home(request):
    """The regional dashboard: every panel follows the period and filters in the URL."""
    context = _context(request)
    sel, ref, levels = context["sel"], context["ref"], context["levels"]

    def build():
        data = dashboard.figures(sel, ref["periods"])
        return {
            **context,
            "data": data,
            "total": data["total"],
            "total_low": dashboard.is_low_coverage(data["total"]),
            "pillar_rows": dashboard.bar_rows(data["pillar"], levels),
            "country_rows": dashboard.bar_rows(data["country"], levels),
            "area_rows": dashboard.bar_rows(data["focus_area"], levels),
            "heatmap": data["heatmap"],
            "trend": data["trend"],
            "earlier": data.get("earlier"),
            "moved": data["movement"],
            "chart": dashboard.chart_data(data["country"], data["trend"]),
            "quality": dashboard.quality(),
            "embed_path": reverse("embed") + (f"?{sel.query()}" if sel.query() else ""),
        }

    context["content"] = cached_content(
        request, "home", list(sel.key()), "reports/_home_content.html", build
    )
    return render(request, "reports/home.html", context)


@cached_page
def country(request, iso3: str):
    context = _context(request, country=iso3.upper())
    sel, ref, levels = context["sel"], context["ref"], context["levels"]
    if sel.country is None:
        raise Http404(_("Unknown country"))
    number = dashboard.page_number(request.GET)

    def build():
        page = dashboard.country_page(sel.country, sel, ref["periods"])
        rows = dashboard.commitment_list(sel, None)  # the same filters as the figures
        commitments = dashboard.commitments_page(
            rows, number, sel.period, page["total"]["commitments"]
        )
        return {
            **context,
            "page": page,
            "total": page["total"],
            "total_low": dashboard.is_low_coverage(page["total"]),
            "pillar_rows": dashboard.bar_rows(page["pillar"], levels),
            "area_rows": dashboard.bar_rows(page["focus_area"], levels),
            "trend": page["trend"],
            "moved": page["movement"],
            "chart": dashboard.chart_data(page["pillar"], page["trend"]),
            "quality": page["quality"],
            "commitments": commitments,
            # the statuses older than the period before the one shown (no query)
            "stale": stale_period_codes(ref["periods"], sel.period),
            "pager": dashboard.pager(
                request.GET,
                commitments.number,
                commitments.paginator.count,
                anchor="#h-commitments",
            ),
            "embed_path": reverse("embed-country", args=[sel.country])
            + (f"?period={sel.period_code}" if sel.period_code else ""),
            **context_panels(sel.country),
        }

    context["content"] = cached_content(
        request, "country", [*sel.key(), number], "reports/_country_content.html", build
    )
    context["country_name"] = next(c["name"] for c in ref["countries"] if c["iso3"] == sel.country)
    return render(request, "reports/country.html", context)


def context_panels(iso3: str) -> dict:
    """Indicators and funding beside a country's commitments (issue 13), cached like the
    figures (the indicators and funding services announce figures_changed). Cold: 1 query for
    the indicators, 2 for funding when the country has none recorded (6 when it has)."""

    def build():
        return {"indicator_rows": country_indicators(iso3), "funding": country_funding(iso3)}

    return cached("country-context", [dashboard.lang(), iso3], build)


STATUS_CHOICES = ["5", "4", "3", "2", "1", "0", "not_reported", "reported"]


@cached_page
def commitment_list(request):
    """The list of commitments behind any figure (same period and filters, and a level), a page
    at a time; the CSV and Excel downloads have every row."""
    context = _context(request)
    sel = context["sel"]
    status = request.GET.get("status") or None
    if status not in STATUS_CHOICES:
        status = None
    # the search (both languages, any case and accents): CommitmentQuerySet.search
    q = (request.GET.get("q") or "").strip()[:200]
    rows = dashboard.commitment_list(sel, status).search(q)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = with_carried(rows, sel.period)
        return _table_response(
            exports.commitments_table(rows, sel.period_code), fmt, sel, demo=context["demo"]
        )
    number = dashboard.page_number(request.GET)

    def build():
        # the cached figures know the count of a filter, not of a search: then it is counted
        count = None if q else dashboard.list_count(sel, context["ref"]["periods"], status)
        page = dashboard.commitments_page(rows, number, sel.period, count)
        status_label = None
        if status:
            status_label = next(
                (lv["label"] for lv in context["levels"] if lv["key"] == status), _("Reported")
            )
        return {
            **context,
            "rows": page,
            "count": page.paginator.count,
            "pager": dashboard.pager(request.GET, page.number, page.paginator.count),
            "status": status,
            "status_label": status_label,
            "q": q,
            "status_choices": list(context["levels"]),
            # the statuses older than the period before the one shown (no query)
            "stale": stale_period_codes(context["ref"]["periods"], sel.period),
        }

    context["content"] = cached_content(
        request,
        "list",
        [*sel.key(), status, number, q],
        "reports/_commitment_list_content.html",
        build,
    )
    return render(request, "reports/commitment_list.html", context)


@cached_page
def commitment_detail(request, code: str):
    """A commitment's public page: text, classification, approved history and narratives."""
    commitment = get_object_or_404(
        # with the status it carries from the commitment it continues, if any (issue 22)
        with_carried(Commitment.objects.select_related("country", "focus_area", "pillar", "plan")),
        code=code.upper(),
    )
    history = list(dashboard.commitment_history(commitment))
    current = history[-1] if history else None
    lineage = lineage_of(commitment)
    # split or merged, with no status of its own: its predecessors' beside it (display only)
    beside = statuses_beside(lineage, None, reported=current is not None)
    # stale: the latest approved status is older than the period before the newest one
    stale = current is not None and current.period.code in stale_period_codes(
        list(ReportingPeriod.objects.all()), None
    )
    return render(
        request,
        "reports/commitment_detail.html",
        {
            "c": commitment,
            "history": history,
            "current": current,
            "stale": stale,
            "demo": cached_demo_flag(),
            # linked indicators' approved values over time (issue 13): 1 query, 2 with links
            "linked_indicators": commitment_indicators(commitment),
            # its history across plan editions (issue 22): 3 queries
            "lineage": lineage,
            "predecessor_statuses": beside,
        },
    )


@cached_page
def changes(request):
    """What moved since the previous period, for the region (or the filtered selection): the
    counts, and the commitments that moved a page at a time (the export has them all)."""
    context = _context(request)
    sel, ref = context["sel"], context["ref"]
    number = dashboard.page_number(request.GET)

    def build():
        summary = dashboard.figures(sel, ref["periods"])["movement"]
        size = movement.PAGE_SIZE
        listed = movement.page(
            sel.period,
            ref["periods"],
            limit=size,
            offset=(number - 1) * size,
            **sel.engine_filters(),
        )
        return {
            **context,
            "moved": summary,
            "countries": movement.by_country(listed["rows"]),
            "pager": dashboard.pager(request.GET, number, summary["count"], size),
        }

    context["content"] = cached_content(
        request, "changes", [*sel.key(), number], "reports/_changes_content.html", build
    )
    return render(request, "reports/changes.html", context)


def _table_response(
    table: exports.Table, fmt: str, sel, name: str | None = None, *, demo: bool = False
) -> HttpResponse:
    table = exports.flag_demo(table, demo)
    stem = "-".join(
        str(part) for part in ["mirps", name or "commitments", *sel.params().values()] if part
    )
    if fmt == "csv":
        response = HttpResponse(
            exports.rows_to_csv(table.header, table.rows), exports.CSV_CONTENT_TYPE
        )
    else:
        response = HttpResponse(exports.rows_to_xlsx([table]), exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def export(request, panel: str, fmt: str):
    """A panel's figures (or every panel: ``all``, .xlsx only) for the period and filters."""
    context = _context(request)
    sel, ref = context["sel"], context["ref"]
    if panel in exports.CONTEXT_TABLES:  # indicators, funding (issue 13): no progress figures
        # no status in these tables: nothing synthetic to flag
        return _table_response(exports.CONTEXT_TABLES[panel](sel.country), fmt, sel, panel)
    data = dict(dashboard.figures(sel, ref["periods"]))
    if panel in ("all", "movement"):  # every commitment that moved (the pages show a page)
        data["movement"] = movement.page(
            sel.period, ref["periods"], limit=None, **sel.engine_filters()
        )
    if panel == "all" and fmt == "xlsx":
        sheets = [
            exports.flag_demo(exports.panel_table(name, data, sel.period_code), context["demo"])
            for name in exports.PANELS
        ]
        sheets += [table(sel.country) for table in exports.CONTEXT_TABLES.values()]
        response = HttpResponse(exports.rows_to_xlsx(sheets), exports.XLSX_CONTENT_TYPE)
        stem = "-".join(["mirps", "dashboard", *map(str, sel.params().values())])
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    if panel not in exports.PANELS:
        raise Http404(_("Unknown panel"))
    return _table_response(
        exports.panel_table(panel, data, sel.period_code), fmt, sel, panel, demo=context["demo"]
    )


def _report(request):
    context = _context(request)
    sel = context["sel"]
    # a report is for the region or one country; other filters do not apply
    sel = sel.with_(pillar=None, focus_area=None)
    return context, sel, narrative.report(sel)


@cached_page
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
            "pillar_rows": dashboard.bar_rows(dashboard.with_commitments(data["pillar"]), levels),
            "country_rows": dashboard.bar_rows(dashboard.with_commitments(data["country"]), levels),
            "area_rows": dashboard.bar_rows(dashboard.with_commitments(data["focus_area"]), levels),
            "trend": data["trend"],
            "chart": dashboard.chart_data(
                dashboard.with_commitments(data["pillar"]), data["trend"]
            ),
        }
    )
    return render(request, "reports/report.html", context)


def report_pdf(request):
    """The same report as a PDF."""
    _context_, sel, rep = _report(request)
    content = pdf.build(rep, demo=cached_demo_flag())
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
                "pillar_rows": dashboard.bar_rows(
                    dashboard.with_commitments(data["pillar"]), levels
                ),
                "levels": levels,
                "full_url": request.build_absolute_uri(full),
                "low_threshold": low_threshold(),
                "embed_language": language,
                "demo": cached_demo_flag(),
            },
        )


@cached_page
def methodology(request):
    """How every figure is computed, in full (each panel's "How is this computed?" links here)."""
    context = _context(request)
    context["example"] = progress.explain(
        dashboard.figures(context["sel"], context["ref"]["periods"])["total"]
    )
    return render(request, "reports/methodology.html", context)
