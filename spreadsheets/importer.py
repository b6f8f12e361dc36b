"""Preview and apply an uploaded monitoring matrix.

``preview`` reads the file (see ``reading``) and accounts for all of it: every sheet gets a
role (data, the matrix's instructions or metadata, hidden, no header, empty) and every row with
data below a header ends in exactly one of *changed*, *unchanged*, *problem* or *ignored with a
reason*, so the tally adds up. Headers are recognised as people write them (``formats``); the
preview says which column was taken for what and the person may correct it (``columns``), which
reads the kept file again. Rows are matched by code (or, without codes, by their text, exactly
or closely) and checked against the same rules as the browser (``check_changes``). Where
someone recorded since the download, a row is compared three ways (``_since_download``): a
row the team left as downloaded is unchanged and the newer row stands (``newer_on_server``, a
line of the preview); a row changed on both sides is a conflict and nothing of it is written.
Every message is a code with parameters (``messages``), rendered in the reader's language.

``apply`` is all or nothing: it refuses while the preview lists any problem, unless the person
chooses to apply the valid rows and skip the listed ones (recorded on the upload). It writes
through ``record_many`` in one transaction.
"""

from __future__ import annotations

import difflib
import functools
import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl.utils import get_column_letter, range_boundaries

from commitments.models import Commitment, CommitmentLink, NationalPlan
from countries.models import Country
from countries.permissions import countries_worked_for, is_secretariat
from indicators.models import Indicator
from indicators.services import ValueChange, ValuesRefused, submit_indicator_values
from mirps.collecting import cycles_collected_after
from mirps.sql import ids_in
from mirps.vocabulary import Route
from periods.models import ReportingPeriod
from spreadsheets import indicator_rows
from spreadsheets.formats import (
    INDICATOR_SHEET,
    INDICATOR_TABLE,
    INDICATOR_USED,
    INSTRUCTIONS_SHEET,
    MAX_HEADER,
    META_SHEET,
    USED,
    Mapped,
    StatusUnreadable,
    fold_header,
    header_period,
    header_years,
    holds_fractions,
    holds_whole_percents,
    is_header,
    is_indicator_header,
    is_totals_label,
    map_columns,
    normalise,
    parse_status,
    whole_number,
)
from spreadsheets.messages import entry, grouped_problem, render
from spreadsheets.models import Encoded, SpreadsheetUpload
from spreadsheets.reading import MAX_BYTES, Formula, Rejected, Row, Sheet, read
from statuses.models import StatusUpdate
from statuses.selectors import Carried, carried_as_of
from statuses.services import (
    ChangesRefused,
    PeriodLocked,
    PeriodRows,
    StatusChange,
    check_changes,
    clean_link,
    link_problem,
    period_rows,
    record_many,
)

logger = logging.getLogger(__name__)

PREVIEW_FORMAT = 3  # 3: duplicates grouped per commitment, long lists cut (``listed``)
HEADER_SEARCH_ROWS = 30  # rows with data searched for the header, per sheet
# What a preview keeps of its lists of problems, ignored and unchanged rows: the first entries
# up to a number and a size each (the tally counts every row; ``listed`` says what was cut).
# The changes are kept whole: "apply" writes them.
MAX_LISTED = 500
MAX_LISTED_BYTES = 200_000
MAX_META_ROWS = 50  # rows of the matrix's hidden "_mirps" sheet read
CLOSE_MATCH = 0.85  # similarity (0-1) from which a text is offered as a close match
# Between a code's parts: spaces, "_", ".", and any dash (a hyphen, the non-breaking hyphen
# U+2011 that a word processor puts in, the figure dash, en and em dashes, the minus sign)
_CODE_SEPARATOR = r"[\s_.\-\u2010-\u2015\u2212]*"
_CODE = re.compile(rf"^([A-Z]{{3}}){_CODE_SEPARATOR}([A-Z]{{3}}){_CODE_SEPARATOR}(\d{{1,3}})$")
# A code written at the start of the commitment's text ("GTM-PRO-10. Fortalecer…")
_CODE_FIRST = re.compile(
    rf"^([A-Z]{{3}}{_CODE_SEPARATOR}[A-Z]{{3}}{_CODE_SEPARATOR}\d{{1,3}})(?=$|[^\w])"
)


# --------------------------------------------------------------------------------------------
# The period's rows: who recorded them and when, and what a version cell names


def _by(row: StatusUpdate) -> str:
    """Who recorded ``row``, as the messages name them."""
    return row.created_by.get_username() if row.created_by else "?"


def _at(row: StatusUpdate) -> str:
    """When ``row`` was recorded, on the reader's clock."""
    return timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Downloaded:
    """A row a version cell names: what the sheet showed at download (in the new-status
    column), read back from the history, which is never rewritten."""

    pk: int
    commitment_id: int
    status: int
    narrative: str
    evidence_url: str


def downloaded_rows(versions: set[int], period) -> dict[int, Downloaded]:
    """Status-update id -> the row it names, for the ids written in version cells that belong
    to ``period``: what each row of the sheet held when it was downloaded (the base of the
    three-way comparison in ``_judge``). One query, none without versions."""
    if not versions:
        return {}
    rows = StatusUpdate.objects.filter(pk__in=versions, period=period).values_list(
        "pk", "commitment_id", "status", "narrative", "evidence_url"
    )
    return {row[0]: Downloaded(*row) for row in rows}


# --------------------------------------------------------------------------------------------
# Sheets and columns


@dataclass
class SheetPlan:
    sheet: Sheet
    role: str  # data, indicators, meta, instructions, hidden, no_header, empty, chart
    header_row: int | None = None
    headers: list = field(default_factory=list)
    columns: dict[str, Mapped] = field(default_factory=dict)
    kind: str = "statuses"  # or "indicators": which columns the sheet is read for

    def letter(self, key: str) -> str:
        return get_column_letter(self.columns[key].index + 1) if key in self.columns else ""

    @functools.cached_property
    def normal_headers(self) -> list[tuple[str, str]]:
        """Each recognised column's key and its header as ``normalise`` writes it (computed
        once per sheet, for the rows that repeat the header)."""
        return [(key, normalise(m.header)) for key, m in self.columns.items()]

    @functools.cached_property
    def fractions(self) -> bool:
        """Whether the status column writes percentages as fractions (``holds_fractions``)."""
        return "status" in self.columns and holds_fractions(self._statuses())

    @functools.cached_property
    def whole_percents(self) -> bool:
        """Whether the status column writes percentages as whole numbers ("% de avance": 60,
        ``holds_whole_percents``)."""
        return "status" in self.columns and holds_whole_percents(
            self.columns["status"].header, self._statuses()
        )

    def _statuses(self):
        """The status column's cells below the header."""
        index = self.columns["status"].index
        return (
            row.values[index]
            for row in self.sheet.rows
            if row.number > (self.header_row or 0) and index < len(row.values)
        )

    @functools.cached_property
    def used_columns(self) -> list[tuple[str, int]]:
        """The columns read for statuses (``USED``), as keys and 1-based column numbers."""
        return [(key, self.columns[key].index + 1) for key in USED if key in self.columns]


def _header_candidate(sheet: Sheet, table=None, found_when=is_header):
    """The header row of a sheet: the first of its first rows that names a status column
    beside a code or text column (with ``table`` and ``found_when``: the indicators sheet's
    columns); else the row naming most columns (for the person to complete), else the first
    row with two texts. A status beside a text with no code ("Nivel", "Descripción": a
    scale's legend above the matrix) gives way to a row below it that names as many columns,
    a code among them by its very name ("Código"); below such a row that names no status, a
    status-and-text row is data (``_below_a_fuller_header``)."""
    best, fallback, first = None, None, None
    known: dict = {}  # each text's guesses, once per search
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        if first is not None and _has_long_text(row):
            continue  # below a header, a row with a long text is data (never compared)
        mapped = map_columns(row.values, table, known)
        if found_when(mapped):
            if first is None and (table is not None or "code" in mapped):
                return row, mapped, True
            if first is None and best is not None and _below_a_fuller_header(best[1], mapped):
                continue  # a data row ("Texto", "Avance uno") under a header lacking a status
            if first is not None and _names_code(mapped) and len(mapped) >= len(first[1]):
                return row, mapped, True
            first = first or (row, mapped)
        elif first is None:
            if mapped and (best is None or len(mapped) > len(best[1])):
                best = (row, mapped)
            if fallback is None and sum(isinstance(v, str) for v in row.values) >= 2:
                fallback = (row, mapped)
    found = first or best or fallback
    if found is None:
        return None, {}, False
    return found[0], found[1], found is first


def _below_a_fuller_header(above: dict[str, Mapped], mapped: dict[str, Mapped]) -> bool:
    """Whether a status-and-text row with no code lies below a row naming a code by its very
    name and at least as many columns ("Código", "Compromiso", "Ejecución", "Narrativa", whose
    status header is not known): that row is the header, for the person to complete, and this
    one its first data row ("Texto" read as a text, "Avance uno" as a status)."""
    return _names_code(above) and len(above) >= len(mapped)


def _has_long_text(row: Row) -> bool:
    return any(isinstance(v, str) and len(v) > MAX_HEADER for v in row.values)


def _names_code(mapped: dict[str, Mapped]) -> bool:
    return "code" in mapped and mapped["code"].how == "name"


def _corrected(row: Row, mapped: dict[str, Mapped], choice: dict, used=USED) -> dict[str, Mapped]:
    """The mapping with the person's choices: ``{key: column index or None}``."""
    mapped = dict(mapped)
    for key, index in choice.items():
        if key not in used:
            continue
        mapped.pop(key, None)
        if index is None or not isinstance(index, int) or index < 0:
            continue
        for other in [k for k, m in mapped.items() if m.index == index]:
            del mapped[other]
        header = row.values[index] if index < len(row.values) else None
        mapped[key] = Mapped(key, index, "" if header is None else str(header), "chosen", 1.0)
    return mapped


def _is_instructions(sheet: Sheet) -> bool:
    return sheet.name in INSTRUCTIONS_SHEET.values() and all(
        len([v for v in row.values if v is not None]) <= 1 for row in sheet.rows
    )


def plan_sheets(sheets: list[Sheet], columns: dict | None) -> list[SheetPlan]:
    plans = []
    for sheet in sheets:
        if sheet.kind == "chart":
            plans.append(SheetPlan(sheet, "chart"))
        elif sheet.name == META_SHEET:
            plans.append(SheetPlan(sheet, "meta"))
        elif sheet.hidden:
            plans.append(SheetPlan(sheet, "hidden"))
        elif not sheet.rows:
            plans.append(SheetPlan(sheet, "empty"))
        elif _is_instructions(sheet):
            plans.append(SheetPlan(sheet, "instructions"))
        else:
            choice = (columns or {}).get(sheet.name)
            plan = _indicator_plan(sheet, choice)
            if plan is not None:
                plans.append(plan)
                continue
            row, mapped, found = _header_candidate(sheet)
            if row is not None and choice:
                mapped = _corrected(row, mapped, choice)
                found = is_header(mapped)
            plan = SheetPlan(sheet, "data" if found else "no_header")
            if row is not None:
                plan.header_row, plan.headers, plan.columns = row.number, row.values, mapped
            plans.append(plan)
    return plans


def _indicator_plan(sheet: Sheet, choice: dict | None) -> SheetPlan | None:
    """The plan of an indicators sheet, or None when the sheet is not one: it names a new
    value beside an indicator (code or name), and it is not better read as statuses (a
    status header naming as many columns, in a sheet not called "Indicators"). A sheet called
    so, or naming more indicator columns than status ones, whose header lacks a column is an
    indicators sheet without a header: the person may choose its columns."""
    row, mapped, found = _header_candidate(sheet, INDICATOR_TABLE, is_indicator_header)
    if row is None:
        return None
    _row, status_mapped, status_found = _header_candidate(sheet)
    named = normalise(sheet.name).startswith(
        tuple(normalise(n)[:9] for n in INDICATOR_SHEET.values())
    )
    more = len(mapped) > len(status_mapped) and len(mapped) >= 3
    if found and status_found and not named and not more:
        return None
    if not found and not (named or (more and not status_found)):
        return None
    if choice:
        mapped = _corrected(row, mapped, choice, INDICATOR_USED)
    plan = SheetPlan(sheet, "indicators" if is_indicator_header(mapped) else "no_header")
    plan.kind = "indicators"
    plan.header_row, plan.headers, plan.columns = row.number, row.values, mapped
    return plan


def _meta(sheets: list[Sheet]) -> dict:
    """What the matrix's hidden sheet says (period, countries, language): its first rows, short
    keys and values only (it is kept in the preview)."""
    for sheet in sheets:
        if sheet.name == META_SHEET:
            return {
                str(r.values[0])[:40]: str(r.values[1])[:200]
                for r in sheet.rows[:MAX_META_ROWS]
                if len(r.values) >= 2 and r.values[0] and r.values[1] is not None
            }
    return {}


# --------------------------------------------------------------------------------------------
# Rows


@dataclass
class Line:
    """One row with data below a header, as read and then judged."""

    sheet: str
    row: int
    hidden: bool
    commitment: Known | None = None
    match: str = "code"  # or "text", "close"
    score: float = 1.0
    status: int | None = None
    narrative: str = ""
    evidence: str = ""
    version: int | None = None  # None: no version cell (or an empty one)
    raw: tuple = ()  # (status, narrative, evidence) as written, to compare duplicates
    shown: int | None = None  # the approved status shown before: the "old" of old → new
    carried: Carried | None = None  # with none of its own: the status it carries (issue 22)
    newer: StatusUpdate | None = None  # left as downloaded; the server's newer row stands
    foreign: bool = False  # another country's commitment (the person may not record it)
    problems: list[dict] = field(default_factory=list)
    outcome: str = ""  # changed, unchanged, problem, ignored

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.row}"

    def problem(self, column: str, what: str, **params) -> None:
        self.problems.append(
            {"sheet": self.sheet, "row": self.row, "column": column, "code": what,
             "params": params}
        )  # fmt: skip


def _clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # an export neutralises text that could start a formula with an apostrophe: undo it
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def normal_code(value) -> str:
    """A code as written ("gtm pro 1", "GTM_PRO_01") as the plans spell it ("GTM-PRO-01")."""
    text = normalise(_clean_text(value)).upper()
    match = _CODE.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}-{int(match.group(3)):02d}"
    return text


def _as_code(value, matcher) -> str:
    """``normal_code(value)``; a cell that is already a code of the catalogue is its own
    normal form (every code is written as ``normal_code`` writes it: ``ABC-PRO-01``), so it is
    taken as it is."""
    if isinstance(value, str) and value in matcher.by_code:
        return value
    return normal_code(value)


def _shorten(value, length: int = 60) -> str:
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


class Place(NamedTuple):
    """A commitment's country, as the preview names it."""

    iso3: str
    name_en: str
    name_es: str


class Known(NamedTuple):
    """A commitment of the catalogue as the importer needs it (a plain tuple: 10,000 model
    instances cost more than reading the whole file): its country (one ``Place`` shared by
    the country's commitments), whether its edition is in force at the end of the upload's
    period (``Commitment.objects.in_force``) and whether it continues one commitment of the
    previous edition (``CommitmentLink.objects.one_to_one``: it may carry its status)."""

    pk: int
    code: str
    country_id: int
    plan_id: int
    text: str
    text_es: str
    in_force: bool
    continues: bool
    country: Place


_KNOWN = ("pk", "code", "country_id", "plan_id", "text", "text_es", "in_force", "continues")
_PLACE = ("country__iso3", "country__name_en", "country__name_es")


class _Matcher:
    """Commitments by code and by text (the user's countries only, for texts). One query:
    the catalogue, each commitment with its country, whether it is of the edition in force
    at the end of ``period`` and whether it continues one of the previous edition."""

    def __init__(self, user, period):
        self.user = user
        in_force = Q(plan__in=NationalPlan.objects.in_force(period.end_date))  # its one rule
        continues = CommitmentLink.objects.one_to_one().filter(successor=OuterRef("pk"))
        rows = Commitment.objects.annotate(
            in_force=ExpressionWrapper(in_force, output_field=BooleanField()),
            continues=Exists(continues),
        ).values_list(*_KNOWN, *_PLACE)  # in the catalogue's order
        places: dict[int, Place] = {}
        self.by_code = {}
        for row in rows:
            place = places.get(row[2]) or places.setdefault(row[2], Place(*row[8:]))
            self.by_code[row[1]] = Known(*row[:6], bool(row[6]), bool(row[7]), place)
        # ``works_for`` as a set, asked once (None: every country, the secretariat)
        self.worked_for = countries_worked_for(user)

    def works_for(self, country_id: int) -> bool:
        """``countries.permissions.works_for`` for this matcher's user, without a query."""
        return self.worked_for is None or country_id in self.worked_for

    @functools.cached_property
    def by_text(self) -> dict[str, Known]:
        """The user's countries' commitments by their normalised texts, English and Spanish
        (made when a row first needs it: a file with codes never does)."""
        allowed = [c for c in self.by_code.values() if self.works_for(c.country_id)]
        by_text = {normalise(c.text): c for c in allowed}
        by_text.update({normalise(c.text_es): c for c in allowed if c.text_es})
        return by_text

    @functools.cached_property
    def texts(self) -> list[str]:
        return list(self.by_text)


def _cells(plan: SheetPlan, row: Row) -> dict:
    """The row's value in each recognised column, by key (None past the row's end)."""
    return {
        key: (row.values[m.index] if m.index < len(row.values) else None)
        for key, m in plan.columns.items()
    }


def _header_repeated(plan: SheetPlan, cells: dict) -> bool:
    """Whether the row repeats the header (two cells or more read as their column's name)."""
    same, left = 0, len(plan.normal_headers)
    for key, normal in plan.normal_headers:
        left -= 1
        value = cells.get(key)
        if value is not None and _reads_as(value, normal):
            same += 1
            if same >= 2:
                return True
        elif same + left < 2:  # too few cells left to make two
            return False
    return False


def _reads_as(value, normal: str) -> bool:
    """``normalise(value) == normal``; an ASCII text shorter than ``normal`` is ruled out at
    once (``normalise`` only shortens ASCII), the rest normalised without a call."""
    kind = type(value)
    if kind is str and value.isascii():
        return len(value) >= len(normal) and " ".join(value.split()).lower() == normal
    if kind is int:  # ``normalise`` writes a whole number as its digits, 0 as ""
        return (str(value) if value else "") == normal
    return normalise(value) == normal


def _ignored(line, what: str):
    """``line`` ignored with a reason (not a problem): returned, for ``return _ignored(...)``."""
    line.outcome, line.problems = "ignored", [entry(what)]
    return line


def _read_line(plan: SheetPlan, row: Row, merged, matcher: _Matcher) -> Line:
    """A row judged on its own: what it asks for, which commitment, its own problems (or why
    it is ignored). What the database says about it is judged later, for all rows at once."""
    cells = _cells(plan, row)
    line = Line(plan.sheet.name, row.number, row.hidden)
    if row.cut and all(v is None for v in row.values):
        return _ignored(line, "row_beyond_columns")
    if _header_repeated(plan, cells):
        return _ignored(line, "header_repeated")
    if _totals_row(row, cells, matcher):
        return _ignored(line, "totals_row")
    _formula_problems(line, plan, cells)
    wants = _asks_for(line, plan, cells)
    if not _find_commitment(line, plan, cells, matcher, wants):
        return _ignored(line, "nothing_to_record")  # merged or not: a heading or a note
    _merged_problem(line, plan, merged)
    # another country's row is a problem only if it would change something (a list export of
    # every country, uploaded back as it is, changes nothing): see ``_judge``
    line.foreign = line.commitment is not None and not matcher.works_for(line.commitment.country_id)
    if line.status is None and (line.narrative or line.evidence):
        column = plan.letter("narrative") if line.narrative else plan.letter("evidence_url")
        line.problem(column, "narrative_without_status")
    return line


def _totals_row(row: Row, cells: dict, matcher: _Matcher) -> bool:
    """Whether the row totals or averages the rows above ("Total", "Promedio" as its first
    cell with data, ``formats.is_totals_label``) and names no commitment by its code."""
    first = next((v for v in row.values if v is not None and str(v).strip()), None)
    if not is_totals_label(first):
        return False
    code = cells.get("code")
    if code is None or isinstance(code, Formula):
        return True
    return _as_code(code, matcher) not in matcher.by_code


def _formula_problems(line: Line, plan: SheetPlan, cells: dict) -> None:
    """Formulas in the columns read."""
    for key, _number in plan.used_columns:
        if isinstance(cells.get(key), Formula):
            line.problem(plan.letter(key), "formula", value=_shorten(cells[key], 40))


def _merged_problem(line: Line, plan: SheetPlan, merged) -> None:
    """Merged cells across the columns read, in a row that names a commitment or asks for
    something (``merged``: the sheet's merged ranges as ``((min_col, min_row, max_col,
    max_row), ref)``); a heading or a note merged across the sheet is ignored as such."""
    if not merged:
        return
    used = [number for _key, number in plan.used_columns]
    for (min_col, min_row, max_col, max_row), ref in merged:
        if min_row <= line.row <= max_row:
            inside = [c for c in used if min_col <= c <= max_col]
            if inside and (max_row > min_row or len(inside) > 1):
                line.problem(get_column_letter(inside[0]), "merged", range=ref)
                break


def _asks_for(line: Line, plan: SheetPlan, cells: dict) -> bool:
    """What the row asks for (status, narrative, evidence link) and its version cell, read
    into ``line``; whether it asks for anything."""
    raw_status = cells.get("status")
    if isinstance(raw_status, Formula):
        line.status = -1  # something is there (reported above), not a status
    else:
        try:
            line.status = parse_status(raw_status, plan.fractions, plan.whole_percents)
        except StatusUnreadable as exc:
            line.problem(plan.letter("status"), exc.code, value=_shorten(raw_status, 40))
            line.status = -1  # something is there, unreadable
    narrative = cells.get("narrative")
    line.narrative = "" if isinstance(narrative, Formula) else _clean_text(narrative)
    evidence = cells.get("evidence_url")
    line.evidence = "" if isinstance(evidence, Formula) else _clean_text(evidence)
    # what two rows for one commitment are compared by ("3" and "3 - 60%" are the same)
    readable = line.status is not None and line.status >= 0
    line.raw = (line.status if readable else _clean_text(raw_status), line.narrative, line.evidence)
    if line.evidence:  # the evidence link's one rule, as on every route (mirps/links.py)
        problem = link_problem(line.evidence)
        if problem is None:
            line.evidence = clean_link(line.evidence)
        else:
            line.problem(plan.letter("evidence_url"), problem.code, **problem.params)
    line.version = _version_cell(line, plan, cells.get("version"))
    return bool(line.status is not None or line.narrative or line.evidence)


def _code_first(text: str, matcher: _Matcher):
    """The commitment whose code a text starts with ("gtm-pro-10. fortalecer la oficina", as a
    team writes code and text in one cell), or None."""
    match = _CODE_FIRST.match(text.upper())
    return matcher.by_code.get(normal_code(match.group(1))) if match else None


def _version_cell(line, plan: SheetPlan, value) -> int | None:
    """The row id a version cell names; None for none (or an empty cell). A cell that is not
    a whole number is a problem of ``line``."""
    if value is None or isinstance(value, Formula) or not str(value).strip():
        return None
    try:
        return whole_number(value)
    except (ValueError, OverflowError):
        line.problem(plan.letter("version"), "version_unreadable", value=_shorten(value, 20))
        return None


def _find_commitment(line: Line, plan: SheetPlan, cells: dict, matcher: _Matcher, wants) -> bool:
    """Which commitment the row is for: by code, else by its text (exactly, or closely); a
    problem when it names none. False when the row names none and asks for nothing (a heading
    or a note: ignored)."""
    code_cell, text_value = cells.get("code"), cells.get("text")
    quiet = not wants and not line.problems  # nothing asked: a row naming nothing is a note
    if (
        "code" in plan.columns
        and (code := _as_code(code_cell, matcher))
        and not isinstance(code_cell, Formula)
    ):
        line.commitment = matcher.by_code.get(code)
        if line.commitment is None:
            if quiet:
                return False
            line.problem(plan.letter("code"), "unknown_code", value=_shorten(code, 30))
    elif "text" in plan.columns and text_value is not None and not isinstance(text_value, Formula):
        text = normalise(_clean_text(text_value))
        if text in matcher.by_text:
            line.commitment, line.match = matcher.by_text[text], "text"
        elif known := _code_first(text, matcher):
            line.commitment, line.match = known, "code"
        elif text and (close := difflib.get_close_matches(
            text, matcher.texts, n=1, cutoff=CLOSE_MATCH
        )):  # fmt: skip
            line.commitment, line.match = matcher.by_text[close[0]], "close"
            line.score = difflib.SequenceMatcher(None, text, close[0]).ratio()
        elif text:
            if quiet:
                return False
            line.problem(plan.letter("text"), "no_text_match", value=_shorten(text_value))
    elif not isinstance(code_cell, Formula) and not isinstance(text_value, Formula):
        if quiet:
            return False
        line.problem(plan.letter("code") or plan.letter("text"), "no_code_or_text")
    return True


def _duplicates(lines: list[Line], plans: dict[str, SheetPlan]) -> None:
    """Two rows or more for one commitment: the same values count once; different values are
    all a problem (one, naming the rows), and none of them is written."""
    by_commitment: dict[int, list[Line]] = {}
    for line in lines:
        if line.commitment is not None and not line.outcome:
            by_commitment.setdefault(line.commitment.pk, []).append(line)
    for group in by_commitment.values():
        if len(group) < 2:
            continue
        if len({line.raw for line in group}) == 1:
            first = group[0]
            for line in group[1:]:
                line.outcome = "ignored"
                line.problems = [
                    entry("duplicate_same", at=[[first.sheet, first.row]], sheet=line.sheet)
                ]
            continue
        plan = plans[group[0].sheet]
        shared = grouped_problem(
            group,
            plan.letter("code") or plan.letter("text"),
            "duplicate_rows",
            code=group[0].commitment.code,
        )
        for line in group:
            line.problems.append(shared)


# --------------------------------------------------------------------------------------------
# The preview


def preview(data: bytes, *, user, period: ReportingPeriod, columns: dict | None = None) -> dict:
    """What applying the file would do, and every problem with its sheet, row and column.

    ``columns`` are the person's corrections of the column mapping: ``{sheet name: {key:
    column index (0-based) or None}}``. Returns a JSON-able dict: ``sheets`` (each with its
    role and notes), ``columns`` (per sheet, which column was taken for what and how),
    ``changes``, ``unchanged``, ``newer_on_server`` (rows left as downloaded whose newer row on
    the server stands, as messages), ``problems`` (sheet, row, column, code, params),
    ``ignored`` (sheet, row, code), ``file_problems``, ``meta`` and the ``tally``. Raises
    ``Rejected`` for a file that cannot be read.
    """
    sheets = [fold_header(sheet) for sheet in read(data)]  # a two-row header: one
    meta = _meta(sheets)
    plans = plan_sheets(sheets, columns)
    by_name = {plan.sheet.name: plan for plan in plans}
    result = _outline(plans, meta, period)
    blocked = bool(result["file_problems"])
    lines = _status_lines(plans, user, period, blocked)
    values = _indicator_lines(plans, user, meta, period, blocked)
    counts = {"changed": 0, "unchanged": 0, "problem_rows": 0, "ignored": 0}
    listed: set[int] = set()  # a grouped problem is shared by its rows: listed once
    for line in [*lines, *values.lines]:
        counts[{"problem": "problem_rows"}.get(line.outcome, line.outcome)] += 1
        _account(result, line, listed)
        if line.outcome == "changed" and isinstance(line, Line):
            result["changes"].append(_change(line, by_name[line.sheet]))
        elif line.outcome == "changed":
            change = indicator_rows.change_dict(line, values.language)
            change["column"] = values.plans[line.sheet].letter("new_value")
            result["indicator_changes"].append(change)
        elif isinstance(line, Line) and line.newer is not None:
            result["newer_on_server"].append(_newer_entry(line, period))
    result["problems"].sort(key=lambda p: (p["sheet"], p["row"], p["column"]))
    counts["read"] = sum(counts.values())
    result["tally"] = counts
    _cut_lists(result)
    return result


def _outline(plans: list[SheetPlan], meta: dict, period) -> dict:
    """The preview before its rows: each sheet's role and columns, and the problems of the
    whole file (no header, another period, a locked period)."""
    data_plans = [p for p in plans if p.role == "data"]
    indicator_plans = [p for p in plans if p.role == "indicators"]
    result: dict = {
        "format": PREVIEW_FORMAT,
        "period": period.code,
        "meta": meta,
        "sheets": [_sheet_summary(plan) for plan in plans],
        "columns": {
            plan.sheet.name: _column_summary(plan)
            for plan in plans
            if plan.role in ("data", "indicators", "no_header") and plan.headers
        },
        "changes": [],
        "indicator_changes": [],
        "unchanged": [],
        "newer_on_server": [],
        "problems": [],
        "ignored": [],
        "file_problems": [],
        "sheet": data_plans[0].sheet.name if data_plans else None,
        "header_row": data_plans[0].header_row if data_plans else None,
    }
    if not data_plans and not indicator_plans:
        result["file_problems"].append(entry("no_header"))
    _period_problems(result, meta, data_plans, indicator_plans, period)
    if period.locked:
        result["file_problems"].append(entry("period_locked", period=period.code))
    return result


def _status_lines(plans: list[SheetPlan], user, period, blocked: bool) -> list[Line]:
    """The status sheets' rows below their headers, read and judged."""
    data_plans = [p for p in plans if p.role == "data"]
    lines: list[Line] = []
    if data_plans:
        matcher = _Matcher(user, period)
        for plan in data_plans:
            merged = []
            for ref in plan.sheet.merged:
                try:
                    merged.append((range_boundaries(ref), ref))
                except (ValueError, TypeError):
                    continue
            lines += [
                _read_line(plan, row, merged, matcher)
                for row in plan.sheet.rows
                if row.number > plan.header_row
            ]
    _duplicates(lines, {p.sheet.name: p for p in data_plans})
    _judge(lines, plans, period, user, blocked=blocked)
    _carried(lines, period)
    return lines


def _carried(lines: list[Line], period) -> None:
    """For each changed row of a commitment that continues one of the previous edition and
    has no status of its own as of ``period``: the status it carries (``carried_as_of``), the
    "old" the preview shows, naming where it comes from. Two queries, only for such rows."""
    wanted = {
        line.commitment.pk
        for line in lines
        if line.outcome == "changed" and line.shown is None and line.commitment.continues
    }
    if not wanted:
        return
    carried = carried_as_of(period, wanted)
    for line in lines:
        if line.outcome == "changed" and line.commitment.pk in carried:
            line.carried = carried[line.commitment.pk]


class IndicatorLines(NamedTuple):
    """The indicators sheets' rows, read and judged, with their plans by sheet name and the
    language their period wordings are in."""

    lines: list[indicator_rows.IndicatorLine]
    plans: dict[str, SheetPlan]
    language: str


def _indicator_lines(plans: list[SheetPlan], user, meta, period, blocked) -> IndicatorLines:
    """The indicators sheets' rows below their headers, read and judged (``indicator_rows``);
    the catalogue and countries are read only when there are such rows (two queries)."""
    by_name = {p.sheet.name: p for p in plans if p.role == "indicators"}
    below = [(p, r) for p in by_name.values() for r in p.sheet.rows if r.number > p.header_row]
    if not below:
        return IndicatorLines([], by_name, "")
    found = indicator_rows.IndicatorMatcher(user, meta)
    lines = [indicator_rows.read_line(plan, row, found, period) for plan, row in below]
    indicator_rows.duplicates(lines, by_name)
    indicator_rows.judge(lines, by_name, user=user, language=found.language, blocked=blocked)
    return IndicatorLines(lines, by_name, found.language)


def _account(result: dict, line, listed: set[int]) -> None:
    """``line`` in the preview's lists of ignored, problem and unchanged rows (a grouped
    problem, shared by its rows, once: ``listed`` holds those already listed)."""
    if line.outcome == "ignored":
        for item in line.problems:
            result["ignored"].append({"sheet": line.sheet, "row": line.row, **item})
    elif line.outcome == "problem":
        for item in line.problems:
            if id(item) not in listed:
                listed.add(id(item))
                result["problems"].append(item)
    elif line.outcome == "unchanged":
        if isinstance(line, Line):
            code, kind = line.commitment.code, "status"
        else:
            code, kind = line.indicator.code if line.indicator else "", "indicator"
        result["unchanged"].append({"sheet": line.sheet, "row": line.row, "code": code,
                                    "kind": kind})  # fmt: skip


def _newer_entry(line: Line, period) -> dict:
    """The preview's line for a row left as downloaded while someone recorded a newer row:
    theirs stands, nothing is written for the row."""
    newer = line.newer
    return {
        "sheet": line.sheet, "row": line.row, "column": "", "code": "newer_on_server",
        "params": {"code": line.commitment.code, "old": line.status, "status": newer.status,
                   "who": _by(newer), "when": _at(newer), "period": period.code},
    }  # fmt: skip


def _period_problems(result: dict, meta: dict, data_plans, indicator_plans, period) -> None:
    """The period the file was made for (its hidden sheet, else the first header naming one,
    "New status (2025)") must be the upload's; and so must the period every other sheet's
    header names ("Nuevo estado (2023)" in a second sheet of a 2024 file)."""
    named = [(p, header_period(p.columns["status"].header)) for p in data_plans]
    named += [(p, header_period(p.columns["new_value"].header)) for p in indicator_plans]
    made_for = meta.get("period") or next((code for _plan, code in named if code), None)
    if made_for and made_for != period.code:
        result["file_problems"].append(entry("wrong_period", file=made_for, period=period.code))
    years = range(period.start_date.year, period.end_date.year + 1)
    for plan, code in named:
        key = "status" if plan.kind == "statuses" else "new_value"
        header = plan.columns[key].header
        if code and code != period.code and code != made_for:
            result["file_problems"].append(
                entry("sheet_wrong_period", sheet=plan.sheet.name, file=code,
                      period=period.code, header=_shorten(header, 60))
            )  # fmt: skip
        elif not code and plan.kind == "statuses" and (named_years := header_years(header)):
            # "Estado 2024" (no brackets) sent to 2025: last year's file, never written as this
            # year's; a header naming any year of the period ("Avance 2021-2025") is the period's
            if not any(year in years for year in named_years):
                result["file_problems"].append(
                    entry("sheet_other_year", sheet=plan.sheet.name, year=named_years[-1],
                          period=period.code, header=_shorten(header, 60))
                )  # fmt: skip


def _cut_lists(result: dict) -> None:
    """Keep the first entries of the long lists (problems, ignored, unchanged rows), up to
    ``MAX_LISTED`` and ``MAX_LISTED_BYTES`` each; ``listed`` records how many there were, for
    the page to say "the first 500 of 11,990 are shown". The tally counts every row."""
    for key in ("problems", "ignored", "unchanged", "newer_on_server"):
        items = result[key]
        size, kept = 0, 0
        for item in items[:MAX_LISTED]:
            size += len(json.dumps(item, ensure_ascii=False, default=str))
            if size > MAX_LISTED_BYTES:
                break
            kept += 1
        if kept < len(items):
            result.setdefault("listed", {})[key] = {"shown": kept, "total": len(items)}
            result[key] = items[:kept]


def _judge(lines: list[Line], plans, period, user, *, blocked: bool) -> None:
    """Decide each line's outcome: compare with what the period shows, then, where the period
    moved on since the download, three ways (``_since_download``), then the rules of the
    write service for every row that changes something."""
    plans = {p.sheet.name: p for p in plans}
    ids = {line.commitment.pk for line in lines if line.commitment is not None}
    rows = period_rows(period, ids) if ids else PeriodRows({}, {})
    newest, before = rows
    versions = {line.version for line in lines if line.version}
    downloaded = downloaded_rows(versions, period) if not blocked else {}
    editions: dict = {}  # every edition, read for the first row out of force
    candidates: list[Line] = []
    for line in lines:
        if line.outcome:
            continue
        if line.problems:
            line.outcome = "problem"
            continue
        plan = plans[line.sheet]
        line.shown = before.get(line.commitment.pk)
        latest = newest.get(line.commitment.pk)
        current = latest.status if latest else before.get(line.commitment.pk)
        same_words = not line.narrative or (latest and line.narrative == latest.narrative)
        same_link = not line.evidence or (latest and line.evidence == latest.evidence_url)
        if line.status is None or (line.status == current and same_words and same_link):
            line.outcome = "unchanged"
            continue
        expected = latest.pk if latest else 0
        if line.version is not None and line.version != expected and not blocked:
            _since_download(line, plan, latest, downloaded, period)
            if line.outcome:
                continue
        if line.foreign:
            commitment = line.commitment
            line.problem(
                plan.letter("code") or plan.letter("text"),
                "other_country",
                value=commitment.code,
                country={"en": commitment.country.name_en, "es": commitment.country.name_es},
            )
        if not line.commitment.in_force:
            _out_of_force(line, plan, period, editions)
        if line.hidden:
            line.problem(plan.letter("status"), "hidden_row")
        if line.problems:
            line.outcome = "problem"
            continue
        line.version = expected
        candidates.append(line)
    if candidates and not blocked:
        _check_rules(candidates, plans, period, user, rows)
    for line in candidates:
        line.outcome = "problem" if line.problems else "changed"


def _since_download(line: Line, plan: SheetPlan, latest: StatusUpdate | None, downloaded, period):
    """A row whose version cell is no longer the period's newest row: someone recorded since
    the download. Compared three ways: what the sheet held at download (the row its version
    cell names; version 0: nothing), what the team sent, what the server has now. A row the
    team left as downloaded is unchanged and the server's newer row stands (``line.newer``,
    a line of the preview); a row changed on both sides is a conflict naming who changed it
    and when, and nothing of it is written. A version cell naming no row of this commitment
    and period is a mismatch."""
    code = line.commitment.code
    if line.version == 0:
        base = None  # nothing was recorded in the period at download: the cell was empty
    else:
        base = downloaded.get(line.version)
        if base is None or base.commitment_id != line.commitment.pk:
            line.problem(plan.letter("version"), "version_mismatch", value=line.version,
                         code=code, period=period.code)  # fmt: skip
            return
    if latest is None:  # the row the cell names is no longer there: cannot be, but never a 500
        line.problem(plan.letter("version"), "version_mismatch", value=line.version,
                     code=code, period=period.code)  # fmt: skip
        return
    if base is not None and not _changed_in_file(line, base):
        line.outcome, line.newer = "unchanged", latest
        return
    line.problem(
        plan.letter("version"), "changed_since_download", who=_by(latest), status=latest.status,
        code=code, period=period.code, when=_at(latest),
        old=base.status if base is not None else None,
    )  # fmt: skip


def _out_of_force(line: Line, plan: SheetPlan, period, editions: dict) -> None:
    """A row for a commitment that is not of its country's edition in force at the end of
    ``period`` (``Commitment.objects.in_force``): a problem saying which edition it belongs
    to, and when that edition starts or which one replaced it and when. ``editions``: every
    edition by id, read on the first such row (one query)."""
    commitment = line.commitment
    if not editions:
        editions.update(NationalPlan.objects.only("country_id", "edition", "starts_on").in_bulk())
    own = editions[commitment.plan_id]
    later = [
        p for p in editions.values()
        if p.country_id == own.country_id and own.starts_on < p.starts_on <= period.end_date
    ]  # fmt: skip
    params = {"code": commitment.code, "edition": own.edition, "period": period.code}
    column = plan.letter("code") or plan.letter("text")
    if own.starts_on > period.end_date or not later:
        line.problem(column, "edition_not_started", date=_long_date(own.starts_on), **params)
        return
    replacing = min(later, key=lambda p: p.starts_on)
    line.problem(column, "replaced_edition", replaced_by=replacing.edition,
                 date=_long_date(replacing.starts_on), **params)  # fmt: skip


def _long_date(day) -> dict:
    """``day`` written out in both languages ("1 January 2024", "1 de enero de 2024"), for a
    stored message read later in either."""
    written = {}
    for language, shape in (("en", "j F Y"), ("es", r"j \d\e F \d\e Y")):
        with translation.override(language):
            written[language] = date_format(day, shape)
    return written


def _changed_in_file(line: Line, base: Downloaded) -> bool:
    """Whether the team changed the row after downloading it: another status than the one the
    sheet showed, or a narrative or link (the download leaves them empty) other than that
    row's."""
    return (
        line.status != base.status
        or bool(line.narrative and line.narrative != base.narrative)
        or bool(line.evidence and line.evidence != base.evidence_url)
    )


def _check_rules(candidates: list[Line], plans: dict, period, user, rows: PeriodRows) -> None:
    """The write service's rules (``check_changes``, against the ``rows`` already read) for
    the rows that change something, each broken rule a row problem with its column."""
    changes = [
        StatusChange(line.commitment, line.status, line.narrative, line.version, line.evidence)
        for line in candidates
    ]
    errors, conflicts, _rows = check_changes(changes, period=period, user=user, rows=rows)
    for line in candidates:
        code = line.commitment.code
        for problem in errors.get(code, []):
            _rule_problem(line, plans[line.sheet], problem, conflicts.get(code), period)


def _rule_problem(line: Line, plan: SheetPlan, problem, conflict, period) -> None:
    """A problem found by the write service's rules, as a row problem with its column."""
    code = getattr(problem, "code", None)
    params = dict(getattr(problem, "params", {}) or {})
    if conflict is not None and code is None:
        line.problem(
            plan.letter("version") or plan.letter("status"), "conflict", who=_by(conflict),
            status=conflict.status, code=line.commitment.code, period=period.code,
            when=_at(conflict),
        )  # fmt: skip
    elif code == "narrative_required":
        if "narrative" in plan.columns:
            line.problem(plan.letter("narrative"), "narrative_required", **params)
        else:  # no narrative column to name: the status that needs one
            line.problem(plan.letter("status"), "narrative_column_missing", **params)
    elif code == "not_your_country":
        line.problem(plan.letter("code") or plan.letter("text"), code)
    elif code == "narrative_too_long":
        line.problem(plan.letter("narrative"), code, **params)
    elif code == "version_no_row":
        line.problem(plan.letter("version") or plan.letter("status"), code, **params)
    else:
        line.problem(plan.letter("status"), code or "rule", text=str(problem), **params)


def _change(line: Line, plan: SheetPlan) -> dict:
    """The preview's entry of a row that changes a status (``plan``: its sheet's)."""
    commitment = line.commitment
    return {
        "sheet": line.sheet,
        "row": line.row,
        "ref": line.ref,
        "column": plan.letter("status"),
        "code": commitment.code,
        "commitment": commitment.pk,
        "country": commitment.country.iso3,
        "text": commitment.text[:200],
        "text_es": commitment.text_es[:200],
        "old": line.shown,
        "carried": line.carried.as_dict() if line.carried else None,
        "new": line.status,
        "narrative": line.narrative,
        "evidence_url": line.evidence,
        "base_version": line.version,
        "match": line.match,
        "similarity": round(line.score, 2),
    }


def _sheet_summary(plan: SheetPlan) -> dict:
    sheet = plan.sheet
    summary = {
        "name": sheet.name,
        "role": plan.role,
        "header_row": plan.header_row if plan.role in ("data", "indicators") else None,
        "rows": len(sheet.rows),
        "hidden_rows": sum(1 for r in sheet.rows if r.hidden),
        "notes": list(sheet.notes),
    }
    notes = summary["notes"]
    if plan.role == "hidden":
        notes.append(entry("sheet_hidden", rows=len(sheet.rows)))
    elif plan.role == "no_header":
        notes.append(entry("sheet_no_header", rows=len(sheet.rows)))
    elif plan.role == "instructions":
        notes.append(entry("sheet_instructions"))
    elif plan.role == "meta":
        notes.append(entry("sheet_meta"))
    elif plan.role == "chart":
        notes.append(entry("sheet_chart"))
    elif plan.role == "empty":
        notes.append(entry("sheet_empty"))
    elif plan.role in ("data", "indicators"):
        above = sum(1 for r in sheet.rows if r.number < plan.header_row)
        if above:
            notes.append(entry("rows_above_header", rows=above))
    if sheet.cut_column:
        notes.append(
            entry("columns_cut", column=get_column_letter(sheet.cut_column - 1),
                  max=sheet.cut_column - 1)
        )  # fmt: skip
    return summary


def _column_summary(plan: SheetPlan) -> dict:
    taken = {m.index: m for m in plan.columns.values()}
    cells = []
    for index, value in enumerate(plan.headers):
        if value is None and index not in taken:
            continue
        mapped = taken.get(index)
        cells.append(
            {
                "index": index,
                "column": get_column_letter(index + 1),
                "header": "" if value is None else _shorten(value, 80),
                "key": mapped.key if mapped else None,
                "how": mapped.how if mapped else None,
                "hidden": (index + 1) in plan.sheet.hidden_columns,
            }
        )
    return {"header_row": plan.header_row, "kind": plan.kind, "cells": cells}


# --------------------------------------------------------------------------------------------
# Uploads: keep, correct, apply, cancel


def create_upload(
    *,
    data: bytes,
    name: str,
    user,
    period: ReportingPeriod,
    source: str = Route.SPREADSHEET,
    columns: dict | None = None,
) -> SpreadsheetUpload:
    """Keep the file and its preview (or why it was rejected). Writes no status.

    The record and its file are kept together or not at all: if the record cannot be saved,
    the file just written is deleted (no file is left on disk without its record)."""
    upload = SpreadsheetUpload(
        user=user, original_name=_clean_name(name), size=len(data), period=period, source=source
    )
    _set_preview(upload, data, user, columns)
    written = None
    try:
        with transaction.atomic():
            upload.save()
            if len(data) <= MAX_BYTES:  # keep what was sent (larger files were refused unread)
                upload.file.save(
                    f"upload-{timezone.now():%Y%m%d%H%M%S}.bin", ContentFile(data), save=False
                )
                written = upload.file.name
                upload.save(update_fields=["file"])
    except BaseException:
        if written:
            upload.file.storage.delete(written)
        raise
    return upload


def _clean_name(name: str) -> str:
    """The file's name as sent, without control characters (a NUL cannot be stored)."""
    cleaned = "".join(c if c.isprintable() else "\ufffd" for c in str(name or ""))
    return cleaned[:255] or "upload"


def storable(value):
    """``value`` (a preview) as the database can keep it: no NUL character in any text (
    PostgreSQL refuses one) and no NaN or infinity (JSON has none). Checked on the encoded
    preview, so an ordinary one is not walked (and is returned as it is)."""
    return _encoded(value)[0]


def kept_preview(value: dict) -> Encoded:
    """``storable(value)`` with the JSON text it was checked on, so that saving it does not
    encode it again (``Encoded``: the preview field writes that text)."""
    value, text = _encoded(value)
    return Encoded(value, text)


def _encoded(value) -> tuple:
    """``value`` made storable and its JSON text."""
    try:
        encoded = json.dumps(value, allow_nan=False, default=str)
    except ValueError:
        encoded = None
    if encoded is not None and "\\u0000" not in encoded:
        return value, encoded
    value = _cleaned(value)
    return value, json.dumps(value, allow_nan=False, default=str)


def _cleaned(value):
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {_cleaned(k) if isinstance(k, str) else k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    return value


def _set_preview(upload: SpreadsheetUpload, data: bytes, user, columns) -> None:
    upload.columns = columns or {}
    try:
        with cycles_collected_after():  # a preview's many objects, not walked on the way
            upload.preview = kept_preview(
                preview(data, user=user, period=upload.period, columns=columns)
            )
    except Rejected as exc:
        _rejected(upload, exc.code, **exc.params)
    except DatabaseError:
        raise
    except Exception:  # a fault of ours: recorded and logged, the person told, never a 500
        logger.exception("reading upload %r failed", upload.original_name)
        _rejected(upload, "read_error")
    else:
        upload.state = SpreadsheetUpload.State.PREVIEWED
        tally_ = upload.preview["tally"]
        upload.changed = tally_["changed"]
        upload.unchanged = tally_["unchanged"]
        upload.problems = tally_["problem_rows"] + len(upload.preview["file_problems"])
        upload.set_outcome("")


def _rejected(upload: SpreadsheetUpload, code: str, **params) -> None:
    upload.state = SpreadsheetUpload.State.REJECTED
    upload.preview = {}
    upload.set_outcome(code, **storable(params))
    upload.finished_at = timezone.now()
    upload.changed = upload.unchanged = upload.problems = 0


def _require_open(upload: SpreadsheetUpload, user) -> None:
    if upload.state != SpreadsheetUpload.State.PREVIEWED:
        raise ValidationError(
            render("already_done", {"state": str(upload.get_state_display()).lower()}),
            code="already_done",
        )
    if upload.user_id != user.pk and not is_secretariat(user):
        raise ValidationError(render("not_uploader"), code="not_uploader")


def correct_columns(upload: SpreadsheetUpload, *, user, columns: dict) -> SpreadsheetUpload:
    """Read the kept file again with the person's choice of columns (``{sheet: {key: column
    index or None}}``, merged into earlier choices) and replace the preview."""
    _require_open(upload, user)
    if not upload.file:
        raise ValidationError(render("file_missing"), code="file_missing")
    with upload.file.open("rb") as handle:
        data = handle.read()
    merged = {sheet: dict(choice) for sheet, choice in (upload.columns or {}).items()}
    for sheet, choice in columns.items():
        merged.setdefault(sheet, {}).update(choice)
    _set_preview(upload, data, user, merged)
    upload.save()
    return upload


def apply(
    upload: SpreadsheetUpload,
    *,
    user,
    confirmed: set | None = None,
    skip_problems: bool = False,
) -> int:
    """Write the preview's changes, all or none.

    By default (``skip_problems`` false) nothing is written while the preview lists any
    problem or an unconfirmed close match. With ``skip_problems`` the person chose to apply
    the valid rows and skip the listed ones: the upload records that choice and how many rows
    were skipped. The indicators sheet's values are written in the same transaction as the
    statuses (``indicators.services.submit_indicator_values``: submitted for review when a
    national team sends them), so a refusal of either writes neither. ``confirmed`` lists the
    close text matches the person confirmed (refs such as ``"Matriz!12"``, or row numbers).
    Returns the number of statuses recorded (the values: ``upload.indicators_applied``);
    raises ValidationError (with a ``code``) when nothing is written.

    The upload's row is locked first (before the locks of ``record_many``, see
    services/locking.py), so the same upload applied twice at once is applied once and its
    outcome is never overwritten by the second attempt.
    """
    with cycles_collected_after(), transaction.atomic():
        upload = SpreadsheetUpload.objects.select_for_update(of=("self",)).get(pk=upload.pk)
        _require_open(upload, user)
        chosen = _chosen_changes(upload, confirmed, skip_problems)
        failure = _record(upload, chosen, user)
        if failure is None:
            _mark_applied(upload, chosen, skip_problems)
    if failure is not None:  # raised once the upload's outcome ("failed") is saved
        raise failure
    return len(chosen.statuses)


class Target(NamedTuple):
    """The commitment of a change as the write service reads it (its id, code and country):
    a tuple, not one of 10,000 model instances."""

    pk: int
    code: str
    country_id: int


class Chosen(NamedTuple):
    """What ``apply`` writes: the statuses, the indicator values, and how many listed rows
    the person chose to skip."""

    statuses: list[StatusChange]
    values: list[ValueChange]
    skipped: int


def _record(upload: SpreadsheetUpload, chosen: Chosen, user) -> ValidationError | None:
    """Write the statuses and the indicator values in one transaction, both or neither. When
    a write service refuses (someone wrote in between, a rule, a lock), nothing is written,
    the upload is marked failed and the error to raise is returned."""
    try:
        with transaction.atomic():
            record_many(chosen.statuses, period=upload.period, user=user, source=Route.SPREADSHEET)
            submit_indicator_values(chosen.values, user=user, source=Route.SPREADSHEET)
    except ChangesRefused as refused:
        details = _refusal(refused, upload)
        return _failure(upload, refused, "apply_refused", n=len(refused.errors), details=details)
    except ValuesRefused as refused:
        details = [
            {"commitment": name, "code": "indicator_rule", "params": {"text": str(message)}}
            for name, fields in refused.errors.items()
            for messages in fields.values()
            for message in messages
        ]
        return _failure(upload, refused, "apply_refused", n=len(refused.errors), details=details)
    except PermissionDenied as denied:
        return _failure(upload, denied, "apply_refused", n=1, details=[])
    except PeriodLocked as locked:
        return _failure(upload, locked, "period_locked", period=upload.period.code)
    return None


def _failure(upload: SpreadsheetUpload, cause, code: str, **params) -> ValidationError:
    """The upload marked failed with ``code``, and the error that says so (from ``cause``)."""
    _failed(upload, code, **params)
    failure = ValidationError(upload.outcome_message(), code=code)
    failure.__cause__ = cause
    return failure


def _mark_applied(upload: SpreadsheetUpload, chosen: Chosen, skip_problems: bool) -> None:
    n, m, skipped = len(chosen.statuses), len(chosen.values), chosen.skipped
    upload.state = SpreadsheetUpload.State.APPLIED
    upload.applied, upload.indicators_applied, upload.skipped = n, m, skipped
    upload.mode = SpreadsheetUpload.Mode.VALID_ROWS if skip_problems else SpreadsheetUpload.Mode.ALL
    if m:
        code = "applied_with_indicators_skipping" if skipped else "applied_with_indicators"
        upload.set_outcome(code, n=n, m=m, skipped=skipped)
    elif skipped:
        upload.set_outcome("applied_skipping", n=n, skipped=skipped)
    else:
        upload.set_outcome("applied", n=n)
    upload.finished_at = timezone.now()
    upload.save(
        update_fields=[
            "state", "applied", "indicators_applied", "mode", "skipped", "outcome",
            "outcome_code", "outcome_params", "finished_at",
        ]
    )  # fmt: skip


def _chosen_changes(upload: SpreadsheetUpload, confirmed, skip_problems: bool) -> Chosen:
    """The status and indicator changes to write and how many listed rows are skipped;
    ValidationError (with a ``code``) when the preview may not be applied as asked."""
    preview_ = upload.preview or {}
    if preview_.get("file_problems"):
        raise ValidationError(render("apply_file_problems"), code="apply_file_problems")
    confirmed = {str(c) for c in (confirmed or set())}
    changes = preview_.get("changes", [])

    def is_confirmed(change):
        return change["match"] != "close" or {change.get("ref"), str(change["row"])} & confirmed

    unconfirmed = [c for c in changes if not is_confirmed(c)]
    problem_rows = preview_.get("tally", {}).get("problem_rows", len(preview_.get("problems", [])))
    if not skip_problems:
        if problem_rows:
            raise ValidationError(
                render("apply_has_problems", {"n": problem_rows}), code="apply_has_problems"
            )
        if unconfirmed:
            raise ValidationError(
                render("apply_unconfirmed", {"n": len(unconfirmed)}), code="apply_unconfirmed"
            )
    chosen = [c for c in changes if is_confirmed(c)]
    value_changes = preview_.get("indicator_changes", [])
    if not chosen and not value_changes:
        raise ValidationError(render("nothing_to_apply"), code="nothing_to_apply")
    ids = {c["commitment"] for c in chosen}
    commitments = {
        row[0]: Target(*row)
        for row in Commitment.objects.filter(pk__in=ids_in(ids)).values_list(
            "pk", "code", "country_id"
        )
    }
    if len(commitments) != len(ids):
        raise ValidationError(render("nothing_to_apply"), code="nothing_to_apply")
    values = []
    if value_changes:
        indicators = Indicator.objects.in_bulk(
            {c["indicator"] for c in value_changes}, field_name="code"
        )
        countries = Country.objects.in_bulk(
            {c["country"] for c in value_changes}, field_name="iso3"
        )
        if not {c["indicator"] for c in value_changes} <= set(indicators):
            raise ValidationError(render("nothing_to_apply"), code="nothing_to_apply")
        values = [indicator_rows.value_change(c, indicators, countries) for c in value_changes]
    changes_ = [
        StatusChange(
            commitments[c["commitment"]], c["new"], c["narrative"], c["base_version"],
            c["evidence_url"],
        )
        for c in chosen
    ]  # fmt: skip
    return Chosen(changes_, values, problem_rows + len(unconfirmed) if skip_problems else 0)


def _refusal(refused, upload: SpreadsheetUpload) -> list[dict]:
    """What ``record_many`` refused, per commitment, as codes with parameters."""
    details = []
    for code, problems in refused.errors.items():
        conflict = refused.conflicts.get(code)
        for problem in problems:
            if conflict is not None and getattr(problem, "code", None) is None:
                details.append(
                    {"commitment": code, "code": "conflict", "params": {
                        "who": _by(conflict), "status": conflict.status, "code": code,
                        "period": upload.period.code, "when": _at(conflict),
                    }}
                )  # fmt: skip
            else:
                details.append(
                    {"commitment": code, "code": getattr(problem, "code", "rule"),
                     "params": {"text": str(problem), **getattr(problem, "params", {})}}
                )  # fmt: skip
    return details


def _failed(upload: SpreadsheetUpload, code: str, **params) -> None:
    upload.state = SpreadsheetUpload.State.FAILED
    upload.set_outcome(code, **params)
    upload.finished_at = timezone.now()
    upload.save(update_fields=["state", "outcome", "outcome_code", "outcome_params", "finished_at"])


def cancel(upload: SpreadsheetUpload, *, user) -> None:
    if upload.state == SpreadsheetUpload.State.PREVIEWED and (
        upload.user_id == user.pk or is_secretariat(user)
    ):
        upload.state = SpreadsheetUpload.State.CANCELLED
        upload.finished_at = timezone.now()
        upload.save(update_fields=["state", "finished_at"])
