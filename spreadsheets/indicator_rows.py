"""The indicators sheet of an uploaded matrix: its rows read, judged and turned into the
``indicators.services.ValueChange``s that ``importer.apply`` writes beside the statuses.

A row names an indicator (by code, or by its name in either language) and a country (a
country column, else the one country the file or the person stands for), the period as the
source states it (dates, and the wording), a new value and its source. Each row ends as the
status sheet's rows do: *changed*, *unchanged* (no new value, or the value already recorded),
*problem* (each a message code with its sheet, row and column) or *ignored with a reason*.
The rules are the indicators app's (``services.check_values``); what can be said more
precisely about a cell is said here first, as a code, in both languages (``messages``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.translation import get_language
from openpyxl.utils.datetime import from_excel

from countries.models import Country
from countries.permissions import member_country_ids, works_for
from indicators.models import Indicator, IndicatorValue, period_from_dates
from indicators.services import ValueChange, check_values
from mirps.numbers import parse_amount
from spreadsheets.formats import INDICATOR_USED, normalise, whole_number
from spreadsheets.messages import entry, grouped_problem
from spreadsheets.reading import Formula

MAX_FIGURE = Decimal("999999999999")
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


@dataclass
class IndicatorLine:
    """One row with data below the indicators sheet's header, as read and then judged."""

    sheet: str
    row: int
    hidden: bool
    indicator: object | None = None
    country: object | None = None
    value: Decimal | None = None
    as_written: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    label: str = ""
    source_document: str = ""
    source_section: str = ""
    source_url: str = ""
    source_quote: str = ""
    note: str = ""
    version: int | None = None
    foreign: bool = False
    current: object | None = None  # the newest row of the slot (any review state)
    problems: list[dict] = field(default_factory=list)
    outcome: str = ""

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.row}"

    @property
    def slot(self) -> tuple:
        return (self.indicator.pk, self.country.pk, self.period_start, self.period_end)

    def problem(self, column: str, what: str, **params) -> None:
        self.problems.append(
            {"sheet": self.sheet, "row": self.row, "column": column, "code": what,
             "params": params}
        )  # fmt: skip


def _figure(value: Decimal) -> str:
    """A figure as plain digits ("600", "12.5"), never in exponent form."""
    return format(value.normalize(), "f")


def _text(value) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_figure(value) -> Decimal | None:
    """A figure from a cell: a number, or text in either style (``1,234.5``, ``1.234,5``,
    ``12 800``), read by the parser of the funding and indicator forms. A leading minus is
    kept (so the row can be told "cannot be negative"). None for an empty cell; ValueError
    for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ValueError(value)
        return number
    text = str(value).strip().replace("\u2212", "-")
    if text.startswith("-"):
        return -parse_amount(text[1:])
    return parse_amount(text)


def parse_date(value) -> dt.date | None:
    """A date from a cell: a date cell, ``2024-09-30`` or ``30/09/2024``. None when empty;
    ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 120000:
        return from_excel(value).date()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    raise ValueError(value)


def _name_key(name: str) -> str:
    """A name without its note in brackets: "Solicitudes de asilo (de la condición…)"."""
    return normalise(re.sub(r"\([^)]*\)", " ", name))


def _indicator_key(value) -> str:
    return re.sub(r"[\s\-–—.]+", "_", normalise(_text(value)).upper()).strip("_")


class IndicatorMatcher:
    """Indicators by code and name, countries by ISO code and name; the country a row without
    one stands for (the file's only country, else the person's only country). Two queries."""

    def __init__(self, user, meta: dict):
        self.user = user
        indicators = list(Indicator.objects.all())
        self.by_code = {i.code: i for i in indicators}
        # names in either language, with or without their note in brackets
        self.by_name = {}
        for i in indicators:
            for name in (i.name_en, i.name_es):
                self.by_name.setdefault(normalise(name), i)
                self.by_name.setdefault(_name_key(name), i)
        countries = list(Country.objects.all())
        self.countries = {c.iso3: c for c in countries}
        for c in countries:
            for name in (c.name_en, c.name_es):
                self.countries.setdefault(normalise(name).upper(), c)
        in_file = [c for c in (meta.get("countries") or "").split(",") if c]
        own = [c for c in countries if c.pk in member_country_ids(user)]
        self.default = None
        if len(in_file) == 1:
            self.default = self.countries.get(in_file[0])
        elif not in_file and len(own) == 1:
            self.default = own[0]
        self.language = (meta.get("language") or get_language() or "es")[:2]

    def country(self, value):
        text = _text(value)
        return self.countries.get(text.upper()) or self.countries.get(normalise(text).upper())


def read_line(plan, row, matcher: IndicatorMatcher, period) -> IndicatorLine:
    """A row judged on its own: which indicator and country, what it asks for, and its own
    problems (or why it is ignored)."""
    columns = plan.columns
    cells = {
        key: (row.values[m.index] if m.index < len(row.values) else None)
        for key, m in columns.items()
    }
    line = IndicatorLine(plan.sheet.name, row.number, row.hidden)
    same = [
        k for k, m in columns.items()
        if cells.get(k) is not None and normalise(cells[k]) == normalise(m.header)
    ]  # fmt: skip
    if len(same) >= 2:
        line.outcome, line.problems = "ignored", [entry("header_repeated")]
        return line
    for key in INDICATOR_USED:
        if key in columns and isinstance(cells.get(key), Formula):
            line.problem(plan.letter(key), "formula", value=str(cells[key])[:40])
    wants = _asks_for(line, plan.letter, cells.get("new_value"))
    if not _which_indicator(line, plan, cells, matcher, wants):
        line.outcome, line.problems = "ignored", [entry("nothing_to_record")]
        return line
    _which_country(line, plan.letter, cells.get("country"), matcher, wants)
    _period_of(line, plan.letter, cells, period)
    _source_of(line, plan.letter, cells, wants)
    version = cells.get("version")
    if version is not None and not isinstance(version, Formula) and str(version).strip():
        try:
            line.version = whole_number(version)
        except (ValueError, OverflowError):
            line.problem(plan.letter("version"), "version_unreadable", value=_text(version)[:20])
    return line


def _asks_for(line: IndicatorLine, letter, raw) -> bool:
    """The new value the row asks for, read into ``line`` (a problem when it is not a figure,
    negative or too large); whether it asks for one."""
    line.as_written = _text(raw)[:50]
    try:
        line.value = parse_figure(raw) if not isinstance(raw, Formula) else None
    except (ValueError, InvalidOperation):
        line.problem(letter("new_value"), "indicator_value_unreadable", value=line.as_written)
        line.value = Decimal(-1)  # something is there, unreadable (not a figure to write)
    else:
        if line.value is not None and line.value < 0:
            line.problem(letter("new_value"), "indicator_value_negative", value=line.as_written)
        elif line.value is not None and (
            line.value > MAX_FIGURE or line.value != round(line.value, 2)
        ):
            line.problem(letter("new_value"), "indicator_value_too_large", value=line.as_written)
    return line.value is not None


def _which_indicator(line: IndicatorLine, plan, cells, matcher: IndicatorMatcher, wants) -> bool:
    """The row's indicator, by code or by name (a problem when it names none, or an unknown
    one); False when it names none and asks for nothing (ignored)."""
    letter = plan.letter
    code_cell, name_cell = cells.get("indicator"), cells.get("indicator_name")
    code = _indicator_key(code_cell) if "indicator" in plan.columns else ""
    if code:
        line.indicator = matcher.by_code.get(code)
    if line.indicator is None and _text(name_cell):
        name = _text(name_cell)
        line.indicator = matcher.by_name.get(normalise(name)) or matcher.by_name.get(
            _name_key(name)
        )
    if line.indicator is None:
        if not wants and not line.problems:
            return False
        if code or _text(name_cell):
            column = letter("indicator") if code else letter("indicator_name")
            line.problem(column, "indicator_unknown", value=(code or _text(name_cell))[:40])
        else:
            line.problem(letter("indicator") or letter("indicator_name"), "indicator_missing")
    return True


def _which_country(line: IndicatorLine, letter, cell, matcher: IndicatorMatcher, wants) -> None:
    """The row's country: its country column, else the one the file or the person stands for."""
    if _text(cell):
        line.country = matcher.country(cell)
        if line.country is None:
            line.problem(letter("country"), "indicator_country_unknown", value=_text(cell)[:40])
    else:
        line.country = matcher.default
        if line.country is None and wants:
            line.problem(letter("indicator") or letter("indicator_name"),
                         "indicator_country_missing")  # fmt: skip
    line.foreign = line.country is not None and not works_for(matcher.user, line.country.pk)


def _period_of(line: IndicatorLine, letter, cells, period) -> None:
    """The period as the source states it (the reporting period's when the row says none)."""
    dates = {}
    for key in ("period_start", "period_end"):
        try:
            dates[key] = parse_date(cells.get(key))
        except (ValueError, OverflowError):
            dates[key] = None
            line.problem(letter(key), "indicator_date_unreadable",
                         value=_text(cells.get(key))[:30])  # fmt: skip
    line.period_start, line.period_end = dates["period_start"], dates["period_end"]
    if (
        line.period_start is None
        and line.period_end is None
        and "period_start" not in [p["column"] for p in line.problems]
    ):
        line.period_start, line.period_end = period.start_date, period.end_date
    if line.period_start and line.period_end and line.period_end < line.period_start:
        line.problem(letter("period_end"), "indicator_period_order")
    line.label = _text(cells.get("period"))[:120]


def _source_of(line: IndicatorLine, letter, cells, wants) -> None:
    """The value's source: document, page or section (or link), sentence and comment; a new
    value without a document or a place in it is a problem."""
    line.source_document = _text(cells.get("source_document"))[:300]
    where = _text(cells.get("source_section"))
    if re.match(r"^https?://\S+$", where):
        line.source_url = where[:500]
    else:
        line.source_section = where[:300]
    line.source_quote = _text(cells.get("source_quote"))
    line.note = _text(cells.get("comment"))
    if wants and not line.problems:
        if not line.source_document:
            line.problem(letter("source_document") or letter("new_value"),
                         "indicator_source_missing")  # fmt: skip
        if not (line.source_section or line.source_url):
            line.problem(letter("source_section") or letter("new_value"),
                         "indicator_section_missing")  # fmt: skip


def duplicates(lines: list[IndicatorLine], plans: dict) -> None:
    """Two rows or more with a new value for one indicator, country and period: all are a
    problem (one, naming the rows), and none is written."""
    groups: dict[tuple, list[IndicatorLine]] = {}
    for line in lines:
        if (
            not line.outcome
            and line.value is not None
            and line.indicator is not None
            and line.country is not None
        ):
            groups.setdefault(line.slot, []).append(line)
    for group in groups.values():
        if len(group) < 2:
            continue
        plan = plans[group[0].sheet]
        shared = grouped_problem(
            group,
            plan.letter("indicator") or plan.letter("indicator_name"),
            "indicator_duplicate_rows",
            code=group[0].indicator.code,
        )
        for line in group:
            line.problems.append(shared)


def newest_of_slots(lines: list[IndicatorLine]) -> dict[tuple, object]:
    """Slot -> its newest row (any review state), for the lines' indicators and countries.
    One query."""
    known = [ln for ln in lines if ln.indicator is not None and ln.country is not None]
    if not known:
        return {}
    rows = IndicatorValue.objects.filter(
        indicator_id__in={ln.indicator.pk for ln in known},
        country_id__in={ln.country.pk for ln in known},
    ).select_related("created_by")
    newest = {}
    for row in rows.order_by("created_at", "id"):
        newest[(row.indicator_id, row.country_id, row.period_start, row.period_end)] = row
    return newest


def judge(lines: list[IndicatorLine], plans: dict, *, user, language: str, blocked: bool):
    """Each line's outcome: compared with the newest value of its slot, its version cell
    checked, then the indicators app's rules for every row that changes something."""
    newest = newest_of_slots(lines)
    candidates = []
    for line in lines:
        if line.outcome:
            continue
        if line.problems:
            line.outcome = "problem"
            continue
        plan = plans[line.sheet]
        current = newest.get(line.slot) if line.indicator and line.country else None
        line.current = current
        if line.value is None or (
            current is not None
            and line.value == current.value
            and (not line.source_document or line.source_document == current.source_document)
        ):
            line.outcome = "unchanged"
            continue
        if line.foreign:
            line.problem(
                plan.letter("country") or plan.letter("indicator"),
                "indicator_other_country",
                code=line.indicator.code,
                country={"en": line.country.name_en, "es": line.country.name_es},
            )
        if line.hidden:
            line.problem(plan.letter("new_value"), "hidden_row")
        expected = current.pk if current else 0
        if line.version is not None and line.version != expected and not blocked:
            if current is not None:
                line.problem(
                    plan.letter("version"), "indicator_changed_since_download",
                    who=current.created_by.get_username() if current.created_by else "?",
                    value=_figure(current.value), code=line.indicator.code,
                    country=line.country.iso3,
                    when=timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M"),
                )  # fmt: skip
            else:
                line.problem(plan.letter("version"), "indicator_version_mismatch",
                             value=line.version, code=line.indicator.code)  # fmt: skip
        if line.problems:
            line.outcome = "problem"
            continue
        line.version = expected
        candidates.append(line)
    if candidates and not blocked:
        indicators = {line.indicator.code: line.indicator for line in candidates}
        countries = {line.country.iso3: line.country for line in candidates}
        changes = [
            value_change(change_dict(line, language), indicators, countries) for line in candidates
        ]
        errors, _conflicts, _newest = check_values(changes, user=user)
        for line in candidates:
            for field_name, messages in errors.get(line.ref, {}).items():
                column = {
                    "value": "new_value", "source_document": "source_document",
                    "source_section": "source_section", "period_end": "period_end",
                    "country": "country",
                }.get(field_name, "new_value")  # fmt: skip
                for message in messages:
                    line.problem(plans[line.sheet].letter(column) or plans[line.sheet].letter(
                        "new_value"), "indicator_rule", text=str(message))  # fmt: skip
    for line in candidates:
        line.outcome = "problem" if line.problems else "changed"


def _labels(line: IndicatorLine, language: str) -> tuple[str, str]:
    """The period's wording in English and Spanish: the slot's own when the row repeats it,
    else the row's wording in the file's language (none when it is the dates written out)."""
    current = line.current
    if current is not None and line.label in ("", current.period_label_en,
                                              current.period_label_es):  # fmt: skip
        return current.period_label_en, current.period_label_es
    with translation.override(language):
        generated = period_from_dates(line.period_start, line.period_end)
        shown = current.period_display if current is not None else generated
    if not line.label or line.label in (generated, shown):
        if current is not None:
            return current.period_label_en, current.period_label_es
        return "", ""
    return (line.label, "") if language == "en" else ("", line.label)


def change_dict(line: IndicatorLine, language: str) -> dict:
    """A change as the preview keeps it (plain JSON) and ``apply`` reads it back."""
    label_en, label_es = _labels(line, language)
    current = line.current
    return {
        "sheet": line.sheet,
        "row": line.row,
        "ref": line.ref,
        "indicator": line.indicator.code,
        "name": {"en": line.indicator.name_en, "es": line.indicator.name_es},
        "country": line.country.iso3,
        "period_start": line.period_start.isoformat() if line.period_start else None,
        "period_end": line.period_end.isoformat() if line.period_end else None,
        "period_label_en": label_en,
        "period_label_es": label_es,
        "old": _figure(current.value) if current is not None else None,
        "old_state": current.review_state if current is not None else None,
        "new": _figure(line.value) if line.value is not None else None,
        "as_written": line.as_written,
        "source_document": line.source_document,
        "source_section": line.source_section,
        "source_url": line.source_url,
        "source_quote": line.source_quote,
        "note": line.note,
        "base_version": line.version,
    }


def value_change(change: dict, indicators: dict | None = None, countries: dict | None = None):
    """The ``ValueChange`` of a preview's change (``indicators``/``countries`` by code, or the
    line's own objects when judging)."""
    indicator = (indicators or {}).get(change["indicator"]) or Indicator.objects.get(
        code=change["indicator"]
    )
    country = (countries or {}).get(change["country"]) or Country.objects.get(
        iso3=change["country"]
    )
    return ValueChange(
        indicator=indicator,
        country=country,
        value=Decimal(change["new"]),
        period_start=dt.date.fromisoformat(change["period_start"])
        if change["period_start"] else None,
        period_end=dt.date.fromisoformat(change["period_end"]) if change["period_end"] else None,
        source_document=change["source_document"],
        source_section=change["source_section"],
        source_url=change["source_url"],
        source_quote=change["source_quote"],
        value_as_written=change.get("as_written", "")[:50],
        period_label_en=change["period_label_en"],
        period_label_es=change["period_label_es"],
        note=change["note"],
        base_version=change["base_version"],
        key=change["ref"],
    )  # fmt: skip
