"""The progress report for a period: its figures and the text written from them.

The text is the quantitative follow-up an annual report publishes ("the average implementation
across all pillars stands at 41%, … 44% in pillar 1 …"), written in the active language from the
dashboard's figures (so from the progress engine): the printable page and the PDF share it.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding.selectors import report_funding
from indicators.selectors import country_indicators
from mirps.numbers import format_amount
from reports.cache import cached
from reports.dashboard import (
    LOW_COVERAGE,
    Selection,
    figures,
    is_low_coverage,
    lang,
    reference,
    settled_trend,
)
from reports.templatetags.monitor import percent


def pct(value: float | None) -> str:
    """41.04 -> '41.0%' (in Spanish too: mirps/numbers.py); None -> 'n/a'."""
    if value is None:
        return _("n/a")
    return f"{number_format(value, 1)}%"


def coverage_pct(stats: dict) -> str:
    """Coverage as the pages show it (whole percent, rounded the same way)."""
    return percent(stats["coverage"])


def updated_pct(stats: dict) -> str:
    """The share updated in the period itself, rounded as coverage is ('–' without a period)."""
    return "–" if stats.get("updated") is None else percent(stats["reporting_rate"])


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def report(sel: Selection) -> dict:
    """Figures and paragraphs of the progress report for ``sel`` (region or one country)."""
    ref = reference()
    data = figures(sel, ref["periods"])
    country_name = next((c["name"] for c in ref["countries"] if c["iso3"] == sel.country), None)
    context = context_section(sel.country, country_name)
    return {
        "selection": sel,
        "period": sel.period_code,
        "country": sel.country,
        "country_name": country_name,
        "data": data,
        "paragraphs": paragraphs(data, sel.period_code, country_name) + context["paragraphs"],
        "indicators": context["indicators"],
    }


# --- Context beside the commitments (issue 13): funding sentence, country indicators ---------


def usd(amount) -> str:
    return f"USD {format_amount(amount, 0)}"


def context_section(iso3: str | None, country_name: str | None) -> dict:
    """The funding paragraph and, for a country, its indicators (latest approved values);
    cached like the figures. Cold: 3 queries for the region, 4-5 for a country."""

    def build():
        return {
            "paragraphs": funding_paragraphs(report_funding(iso3), country_name),
            "indicators": country_indicators(iso3) if iso3 else [],
        }

    return cached("report-context", [lang(), iso3], build)


def funding_paragraphs(funding: dict | None, country_name: str | None) -> list[str]:
    """ "The quantification identified a requirement of USD …, of which USD … remains
    unfunded", for the country's recorded funding, or the regional quantification."""
    if funding is None:
        return []
    share = pct(funding["gap_share"])
    if funding["scope"] == "country":
        return [
            _(
                "The quantification of %(where)s's commitments (%(years)s) identified a "
                "requirement of %(requirement)s, of which %(gap)s (%(share)s) remains unfunded."
            )
            % {
                "where": country_name,
                "years": join([str(y) for y in funding["years"]]),
                "requirement": usd(funding["requirement"]),
                "gap": usd(funding["gap"]),
                "share": share,
            }
        ]
    text = [
        _(
            "The %(year)s quantification of MIRPS commitments identified a requirement of "
            "%(requirement)s, of which %(gap)s (%(share)s) remains unfunded."
        )
        % {
            "year": funding["year"],
            "requirement": usd(funding["requirement"]),
            "gap": usd(funding["gap"]),
            "share": share,
        }
    ]
    if country_name:
        text[0] += " " + _(
            "That figure is for the region: the source does not break it down by "
            "country, and no funding is recorded for %(where)s."
        ) % {"where": country_name}
    elif funding["requirement_difference"] or funding["gap_difference"]:
        text.append(
            _(
                "Its lines add up to a requirement of %(lines)s (%(diff)s against the stated "
                "total) and a gap of %(lines_gap)s (%(gap_diff)s)."
            )
            % {
                "lines": usd(funding["lines"]["requirement"]),
                "diff": signed(funding["requirement_difference"]),
                "lines_gap": usd(funding["lines"]["gap"]),
                "gap_diff": signed(funding["gap_difference"]),
            }
        )
    return text


def signed(amount) -> str:
    if not amount:
        return _("no difference")
    return ("+" if amount > 0 else "−") + format_amount(abs(amount), 0)


def paragraphs(data: dict, period: str | None, country_name: str | None) -> list[str]:
    """The narrative's sentences: the total, the breakdowns, low coverage, the trend and the
    movement since the period before."""
    total = data["total"]
    where = country_name or _("the region")
    if total["progress"] is None:
        return [
            _("As of period %(period)s, no commitment in %(where)s has an approved status yet.")
            % {"period": period or "–", "where": where}
        ]
    return [
        *_total_sentences(total, period, where),
        *_breakdown_sentences(data, country_name),
        *_low_coverage_sentences(data, country_name),
        *_trend_sentences(data["trend"]),
        *_movement_sentences(data["movement"]),
    ]


def _total_sentences(total: dict, period: str | None, where: str) -> list[str]:
    text = [
        _(
            "As of period %(period)s, the average implementation across all pillars in "
            "%(where)s stands at %(progress)s, over the %(reported)s of %(commitments)s "
            "commitments that have an approved status (coverage %(coverage)s)."
        )
        % {
            "period": period or "–",
            "where": where,
            "progress": pct(total["progress"]),
            "reported": total["reported"],
            "commitments": total["commitments"],
            "coverage": coverage_pct(total),
        }
    ]
    if total.get("updated") is not None:
        text.append(
            _(
                "In %(period)s itself, %(updated)s of the %(commitments)s commitments were "
                "updated (%(rate)s); the others carry a status from an earlier period or have "
                "none."
            )
            % {
                "period": period,
                "updated": total["updated"],
                "commitments": total["commitments"],
                "rate": updated_pct(total),
            }
        )
    return text


def _breakdown_sentences(data: dict, country_name: str | None) -> list[str]:
    """By pillar, by country (for the region only) and by focus area."""
    text = []
    pillars = [
        _("%(progress)s in pillar %(number)s (%(name)s)")
        % {"progress": pct(g["progress"]), "number": g["pillar"], "name": g["label"]}
        for g in data["pillar"]
        if g["commitments"]
    ]
    if pillars:
        text.append(_("By pillar, it stands at %(list)s.") % {"list": join(pillars)})
    if not country_name:
        countries = [
            f"{g['label']} {pct(g['progress'])}" for g in data["country"] if g["commitments"]
        ]
        if countries:
            text.append(_("By country: %(list)s.") % {"list": join(countries)})
    areas = [f"{g['label']} {pct(g['progress'])}" for g in data["focus_area"] if g["commitments"]]
    if areas:
        text.append(_("By focus area: %(list)s.") % {"list": join(areas)})
    return text


def _low_coverage_sentences(data: dict, country_name: str | None) -> list[str]:
    low = [
        g["label"]
        for key in ("pillar", "country", "focus_area")
        for g in data[key]
        if is_low_coverage(g) and not (country_name and key == "country")
    ]
    if not low:
        return []
    return [
        _(
            "Coverage is below %(threshold)s in %(list)s: these figures rest on few reports "
            "and should be read with care."
        )
        % {"threshold": f"{round(100 * LOW_COVERAGE)}%", "list": join(low)}
    ]


def _trend_sentences(trend_rows: list[dict]) -> list[str]:
    """The trend compares settled periods; the open one is said to be in progress."""
    trend = settled_trend(trend_rows)
    current = trend.current
    if len(trend.settled) >= 2:
        first, last = trend.settled[0], trend.settled[-1]
        sentence = _(
            "From %(first)s to %(last)s, the average went from %(a)s to %(b)s and coverage "
            "from %(ca)s to %(cb)s"
        ) % {
            "first": first["period"],
            "last": last["period"],
            "a": pct(first["progress"]),
            "b": pct(last["progress"]),
            "ca": coverage_pct(first),
            "cb": coverage_pct(last),
        }
        if current is not None:
            sentence += "; " + _("%(period)s is in progress") % {"period": current["period"]}
        return [sentence + "."]
    if current is not None:
        return [
            _("%(period)s is in progress: its reports are still coming in.")
            % {"period": current["period"]}
        ]
    return []


def _movement_sentences(moved: dict) -> list[str]:
    if not moved["previous"]:
        return []
    return [
        _("Since %(previous)s: %(up)s, %(down)s and %(first)s.")
        % {
            "previous": moved["previous"],
            "up": ngettext("%(n)s commitment moved up", "%(n)s commitments moved up", moved["up"])
            % {"n": moved["up"]},
            "down": ngettext("%(n)s moved down", "%(n)s moved down", moved["down"])
            % {"n": moved["down"]},
            "first": ngettext(
                "%(n)s was reported for the first time",
                "%(n)s were reported for the first time",
                moved["first"],
            )
            % {"n": moved["first"]},
        }
    ]
