"""Preview and apply an uploaded monitoring matrix.

``preview`` reads the file (see ``reading``) and accounts for all of it: every sheet gets a
role (data, the matrix's instructions or metadata, hidden, no header, empty) and every row with
data below a header ends in exactly one of *changed*, *unchanged*, *problem* or *ignored with a
reason*, so the tally adds up. Headers are recognised as people write them (``formats``); the
preview says which column was taken for what and the person may correct it (``columns``), which
reads the kept file again. Rows are matched by code (or, without codes, by their text, exactly
or closely) and checked against the same rules as the browser (``services.check_changes``).
Every message is a code with parameters (``messages``), rendered in the reader's language.

``apply`` is all or nothing: it refuses while the preview lists any problem, unless the person
chooses to apply the valid rows and skip the listed ones (recorded on the upload). It writes
through ``services.record_many`` in one transaction.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter, range_boundaries

from .. import selectors, services
from ..models import Commitment, ReportingPeriod, Source, SpreadsheetUpload, StatusUpdate
from ..permissions import can_record, is_secretariat
from . import indicator_rows
from .formats import (
    INDICATOR_SHEET,
    INDICATOR_TABLE,
    INDICATOR_USED,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    USED,
    Mapped,
    StatusUnreadable,
    header_period,
    is_header,
    is_indicator_header,
    map_columns,
    normalise,
    parse_status,
)
from .messages import render
from .reading import Formula, Rejected, Row, Sheet, read

PREVIEW_FORMAT = 2
HEADER_SEARCH_ROWS = 30  # rows with data searched for the header, per sheet
CLOSE_MATCH = 0.85  # similarity (0-1) from which a text is offered as a close match
_CODE = re.compile(r"^([A-Z]{3})[\s_\-–—.]*([A-Z]{3})[\s_\-–—.]*(\d{1,3})$")


def entry(what: str, **params) -> dict:
    """A message as stored: its code and parameters (see ``messages``)."""
    return {"code": what, "params": params}


# --------------------------------------------------------------------------------------------
# Reads of the database, one helper each (another module's selector may replace them)


@dataclass(frozen=True)
class Newest:
    """The newest row for a commitment in a period, whatever its review state."""

    pk: int
    status: int
    narrative: str
    evidence_url: str
    by: str
    at: str


def newest_in_period(commitment_ids, period) -> dict[int, Newest]:
    """commitment id -> its newest row in ``period`` (any review state), from the one
    definition in ``selectors``. One query."""
    rows = selectors.newest_in_period(period, commitments=list(commitment_ids)).values_list(
        "commitment_id", "id", "status", "narrative", "evidence_url",
        "created_by__username", "created_at",
    )  # fmt: skip
    return {
        commitment_id: Newest(
            pk,
            status,
            narrative,
            evidence,
            by or "?",
            timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
        )  # fmt: skip
        for commitment_id, pk, status, narrative, evidence, by, at in rows
    }


def shown_before(commitment_ids, period) -> dict[int, int | None]:
    """commitment id -> the approved status shown as of ``period`` (absent: not reported),
    from the one definition in ``selectors``. One query."""
    rows = selectors.status_as_of(period, commitments=list(commitment_ids))
    return dict(rows.values_list("commitment_id", "status"))


def _rows_of_period(versions: set[int], period) -> dict[int, int]:
    """Status-update id -> commitment id, for the ids written in version cells that belong to
    ``period`` (to tell "someone recorded since" from "this cell was edited")."""
    if not versions:
        return {}
    return dict(
        StatusUpdate.objects.filter(pk__in=versions, period=period).values_list(
            "pk", "commitment_id"
        )
    )


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


def _header_candidate(sheet: Sheet, table=None, found_when=is_header):
    """The header row of a sheet: the first of its first rows that names a status column
    beside a code or text column (with ``table`` and ``found_when``: the indicators sheet's
    columns); else the row naming most columns (for the person to complete), else the first
    row with two texts."""
    best, fallback = None, None
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        mapped = map_columns(row.values, table)
        if found_when(mapped):
            return row, mapped, True
        if mapped and (best is None or len(mapped) > len(best[1])):
            best = (row, mapped)
        if fallback is None and sum(isinstance(v, str) for v in row.values) >= 2:
            fallback = (row, mapped)
    found = best or fallback
    if found is None:
        return None, {}, False
    return found[0], found[1], False


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
    for sheet in sheets:
        if sheet.name == META_SHEET:
            return {
                str(r.values[0]): str(r.values[1])
                for r in sheet.rows
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
    commitment: Commitment | None = None
    match: str = "code"  # or "text", "close"
    score: float = 1.0
    status: int | None = None
    narrative: str = ""
    evidence: str = ""
    version: int | None = None  # None: no version cell (or an empty one)
    raw: tuple = ()  # (status, narrative, evidence) as written, to compare duplicates
    shown: int | None = None  # the approved status shown before: the "old" of old → new
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


def _shorten(value, length: int = 60) -> str:
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


class _Matcher:
    """Commitments by code and by text (the user's countries only, for texts)."""

    def __init__(self, user):
        self.user = user
        commitments = list(Commitment.objects.select_related("country"))
        self.by_code = {c.code: c for c in commitments}
        allowed = [c for c in commitments if can_record(user, c.country_id)]
        self.by_text = {normalise(c.text): c for c in allowed}
        self.by_text.update({normalise(c.text_es): c for c in allowed if c.text_es})
        self.texts = list(self.by_text)


def _read_line(plan: SheetPlan, row: Row, merged, matcher: _Matcher) -> Line:
    """A row judged on its own: what it asks for, which commitment, its own problems (or why
    it is ignored). What the database says about it is judged later, for all rows at once."""
    columns = plan.columns
    cells = {
        key: (row.values[m.index] if m.index < len(row.values) else None)
        for key, m in columns.items()
    }
    line = Line(plan.sheet.name, row.number, row.hidden)
    if row.cut and all(v is None for v in row.values):
        line.outcome, line.problems = "ignored", [entry("row_beyond_columns")]
        return line
    same = [
        k for k, m in columns.items()
        if cells.get(k) is not None and normalise(cells[k]) == normalise(m.header)
    ]  # fmt: skip
    if len(same) >= 2:
        line.outcome, line.problems = "ignored", [entry("header_repeated")]
        return line
    for key in USED:
        if key in columns and isinstance(cells.get(key), Formula):
            line.problem(plan.letter(key), "formula", value=_shorten(cells[key], 40))
    used = [columns[k].index + 1 for k in USED if k in columns]
    for (min_col, min_row, max_col, max_row), ref in merged:
        if min_row <= row.number <= max_row:
            inside = [c for c in used if min_col <= c <= max_col]
            if inside and (max_row > min_row or len(inside) > 1):
                line.problem(get_column_letter(inside[0]), "merged", range=ref)
                break

    # what the row asks for
    raw_status = cells.get("status")
    if isinstance(raw_status, Formula):
        line.status = -1  # something is there (reported above), not a status
    else:
        try:
            line.status = parse_status(raw_status)
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
    wants = line.status is not None or line.narrative or line.evidence
    if line.evidence:
        try:
            URLValidator(schemes=["http", "https"])(line.evidence)
        except ValidationError:
            line.problem(plan.letter("evidence_url"), "evidence_not_url",
                         value=_shorten(line.evidence))  # fmt: skip
    version = cells.get("version")
    if version is not None and not isinstance(version, Formula) and str(version).strip():
        try:
            line.version = int(float(str(version).strip()))
            if line.version < 0:
                raise ValueError(version)
        except (ValueError, OverflowError):
            line.problem(plan.letter("version"), "version_unreadable", value=_shorten(version, 20))

    # which commitment
    code = normal_code(cells.get("code")) if "code" in columns else ""
    text_value = cells.get("text")
    if code and not isinstance(cells.get("code"), Formula):
        line.commitment = matcher.by_code.get(code)
        if line.commitment is None:
            if not wants and not line.problems:
                line.outcome, line.problems = "ignored", [entry("nothing_to_record")]
                return line
            line.problem(plan.letter("code"), "unknown_code", value=_shorten(code, 30))
    elif "text" in columns and text_value is not None and not isinstance(text_value, Formula):
        text = normalise(_clean_text(text_value))
        if text in matcher.by_text:
            line.commitment, line.match = matcher.by_text[text], "text"
        elif text:
            close = difflib.get_close_matches(text, matcher.texts, n=1, cutoff=CLOSE_MATCH)
            if close:
                line.commitment, line.match = matcher.by_text[close[0]], "close"
                line.score = difflib.SequenceMatcher(None, text, close[0]).ratio()
            elif not wants and not line.problems:
                line.outcome, line.problems = "ignored", [entry("nothing_to_record")]
                return line
            else:
                line.problem(plan.letter("text"), "no_text_match", value=_shorten(text_value))
    elif not isinstance(cells.get("code"), Formula) and not isinstance(text_value, Formula):
        if not wants and not line.problems:
            line.outcome, line.problems = "ignored", [entry("nothing_to_record")]
            return line
        line.problem(plan.letter("code") or plan.letter("text"), "no_code_or_text")
    # another country's row is a problem only if it would change something (a list export of
    # every country, uploaded back as it is, changes nothing): see ``_judge``
    line.foreign = line.commitment is not None and not can_record(
        matcher.user, line.commitment.country_id
    )
    if line.status is None and (line.narrative or line.evidence):
        column = plan.letter("narrative") if line.narrative else plan.letter("evidence_url")
        line.problem(column, "narrative_without_status")
    return line


def _duplicates(lines: list[Line], plans: dict[str, SheetPlan]) -> None:
    """Two rows for one commitment: the same values count once; different values are both a
    problem, and neither is written."""
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
        for line in group:
            others = [[o.sheet, o.row] for o in group if o is not line]
            plan = plans[line.sheet]
            column = plan.letter("code") if plan.letter("code") else plan.letter("text")
            line.problem(
                column, "duplicate", code=line.commitment.code, at=others, sheet=line.sheet
            )


# --------------------------------------------------------------------------------------------
# The preview


def preview(data: bytes, *, user, period: ReportingPeriod, columns: dict | None = None) -> dict:
    """What applying the file would do, and every problem with its sheet, row and column.

    ``columns`` are the person's corrections of the column mapping: ``{sheet name: {key:
    column index (0-based) or None}}``. Returns a JSON-able dict: ``sheets`` (each with its
    role and notes), ``columns`` (per sheet, which column was taken for what and how),
    ``changes``, ``unchanged``, ``problems`` (sheet, row, column, code, params), ``ignored``
    (sheet, row, code), ``file_problems``, ``meta`` and the ``tally``. Raises ``Rejected`` for
    a file that cannot be read.
    """
    sheets = read(data)
    meta = _meta(sheets)
    plans = plan_sheets(sheets, columns)
    data_plans = [p for p in plans if p.role == "data"]
    indicator_plans = [p for p in plans if p.role == "indicators"]
    result: dict = {
        "format": PREVIEW_FORMAT,
        "period": period.code,
        "meta": meta,
        "sheets": [],
        "columns": {},
        "changes": [],
        "indicator_changes": [],
        "unchanged": [],
        "problems": [],
        "ignored": [],
        "file_problems": [],
        "sheet": data_plans[0].sheet.name if data_plans else None,
        "header_row": data_plans[0].header_row if data_plans else None,
    }
    for plan in plans:
        result["sheets"].append(_sheet_summary(plan))
        if plan.role in ("data", "indicators", "no_header") and plan.headers:
            result["columns"][plan.sheet.name] = _column_summary(plan)
    if not data_plans and not indicator_plans:
        result["file_problems"].append(entry("no_header"))
    # the period the file was made for: its hidden sheet, else a header "New status (2025)"
    named = [header_period(p.columns["status"].header) for p in data_plans]
    named += [header_period(p.columns["new_value"].header) for p in indicator_plans]
    made_for = meta.get("period") or next((code for code in named if code), None)
    if made_for and made_for != period.code:
        result["file_problems"].append(entry("wrong_period", file=made_for, period=period.code))
    if period.locked:
        result["file_problems"].append(entry("period_locked", period=period.code))
    blocked = bool(result["file_problems"])

    lines: list[Line] = []
    if data_plans:
        matcher = _Matcher(user)
        for plan in data_plans:
            merged = []
            for ref in plan.sheet.merged:
                try:
                    merged.append((range_boundaries(ref), ref))
                except (ValueError, TypeError):
                    continue
            for row in plan.sheet.rows:
                if row.number > plan.header_row:
                    line = _read_line(plan, row, merged, matcher)
                    lines.append(line)
    _duplicates(lines, {p.sheet.name: p for p in data_plans})
    _judge(lines, plans, period, user, blocked=blocked)

    indicator_lines: list[indicator_rows.IndicatorLine] = []
    below = [(p, r) for p in indicator_plans for r in p.sheet.rows if r.number > p.header_row]
    if below:  # an indicators sheet with rows: the catalogue and countries, two queries
        found = indicator_rows.IndicatorMatcher(user, meta)
        for plan, row in below:
            indicator_lines.append(indicator_rows.read_line(plan, row, found, period))
        by_name = {p.sheet.name: p for p in indicator_plans}
        indicator_rows.duplicates(indicator_lines, by_name)
        indicator_rows.judge(
            indicator_lines, by_name, user=user, language=found.language, blocked=blocked
        )

    for line in [*lines, *indicator_lines]:
        if line.outcome == "ignored":
            for item in line.problems:
                result["ignored"].append({"sheet": line.sheet, "row": line.row, **item})
        elif line.outcome == "problem":
            result["problems"].extend(line.problems)
        elif line.outcome == "unchanged":
            if isinstance(line, Line):
                code, kind = line.commitment.code, "status"
            else:
                code, kind = line.indicator.code if line.indicator else "", "indicator"
            result["unchanged"].append(
                {"sheet": line.sheet, "row": line.row, "code": code, "kind": kind}
            )
        elif isinstance(line, Line):
            result["changes"].append(_change(line, plans))
        else:
            change = indicator_rows.change_dict(line, found.language)
            change["column"] = by_name[line.sheet].letter("new_value")
            result["indicator_changes"].append(change)
    result["problems"].sort(key=lambda p: (p["sheet"], p["row"], p["column"]))
    result["tally"] = tally(result)
    return result


def _judge(lines: list[Line], plans, period, user, *, blocked: bool) -> None:
    """Decide each line's outcome: compare with what the period shows, check the version
    cell, then the rules of the write service for every row that changes something."""
    plans = {p.sheet.name: p for p in plans}
    ids = {line.commitment.pk for line in lines if line.commitment is not None}
    newest = newest_in_period(ids, period) if ids else {}
    before = shown_before(ids, period) if ids else {}
    versions = {line.version for line in lines if line.version}
    of_period = _rows_of_period(versions, period) if not blocked else {}
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
        if line.foreign:
            commitment = line.commitment
            line.problem(
                plan.letter("code") or plan.letter("text"),
                "other_country",
                value=commitment.code,
                country={"en": commitment.country.name_en, "es": commitment.country.name_es},
            )
        if line.hidden:
            line.problem(plan.letter("status"), "hidden_row")
        expected = latest.pk if latest else 0
        if line.version is not None and line.version != expected and not blocked:
            mine = of_period.get(line.version) == line.commitment.pk
            if latest is not None and (line.version == 0 or mine):
                line.problem(
                    plan.letter("version"), "changed_since_download", who=latest.by,
                    status=latest.status, code=line.commitment.code, period=period.code,
                    when=latest.at,
                )  # fmt: skip
            else:
                line.problem(plan.letter("version"), "version_mismatch", value=line.version,
                             code=line.commitment.code, period=period.code)  # fmt: skip
        if line.problems:
            line.outcome = "problem"
            continue
        line.version = expected
        candidates.append(line)
    if candidates and not blocked:
        changes = [
            services.StatusChange(line.commitment, line.status, line.narrative, line.version,
                                  line.evidence)
            for line in candidates
        ]  # fmt: skip
        errors, conflicts, _latest, _before = services.check_changes(
            changes, period=period, user=user
        )
        for line in candidates:
            code = line.commitment.code
            for problem in errors.get(code, []):
                _rule_problem(line, plans[line.sheet], problem, conflicts.get(code), period)
    for line in candidates:
        line.outcome = "problem" if line.problems else "changed"


def _rule_problem(line: Line, plan: SheetPlan, problem, conflict, period) -> None:
    """A problem found by the write service's rules, as a row problem with its column."""
    code = getattr(problem, "code", None)
    params = dict(getattr(problem, "params", {}) or {})
    if conflict is not None and code is None:
        line.problem(
            plan.letter("version") or plan.letter("status"), "conflict",
            who=conflict.created_by.get_username() if conflict.created_by else "?",
            status=conflict.status, code=line.commitment.code, period=period.code,
            when=timezone.localtime(conflict.created_at).strftime("%Y-%m-%d %H:%M"),
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


def _change(line: Line, plans: list[SheetPlan]) -> dict:
    commitment = line.commitment
    plan = next(p for p in plans if p.sheet.name == line.sheet)
    return {
        "sheet": line.sheet,
        "row": line.row,
        "ref": line.ref,
        "column": plan.letter("status"),
        "code": commitment.code,
        "commitment": commitment.pk,
        "country": commitment.country.iso3,
        "text": commitment.text[:200],
        "old": line.shown,
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
        "notes": [],
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


def tally(result: dict) -> dict:
    """Rows with data below the headers, and where each went: read = changed + unchanged +
    rows with problems + ignored (each with its reason)."""
    problem_rows = {(p["sheet"], p["row"]) for p in result["problems"]}
    ignored_rows = {(i["sheet"], i["row"]) for i in result["ignored"]}
    counts = {
        "changed": len(result["changes"]) + len(result.get("indicator_changes", [])),
        "unchanged": len(result["unchanged"]),
        "problem_rows": len(problem_rows),
        "ignored": len(ignored_rows),
    }
    counts["read"] = sum(counts.values())
    return counts


# --------------------------------------------------------------------------------------------
# Uploads: keep, correct, apply, cancel


def create_upload(
    *,
    data: bytes,
    name: str,
    user,
    period: ReportingPeriod,
    source: str = Source.SPREADSHEET,
    columns: dict | None = None,
) -> SpreadsheetUpload:
    """Keep the file and its preview (or why it was rejected). Writes no status."""
    from django.core.files.base import ContentFile

    upload = SpreadsheetUpload(
        user=user, original_name=name[:255], size=len(data), period=period, source=source
    )
    _set_preview(upload, data, user, columns)
    from .reading import MAX_BYTES

    if len(data) <= MAX_BYTES:  # keep what was sent (larger files were refused unread)
        upload.file.save(f"upload-{timezone.now():%Y%m%d%H%M%S}.bin", ContentFile(data), save=False)
    upload.save()
    return upload


def _set_preview(upload: SpreadsheetUpload, data: bytes, user, columns) -> None:
    upload.columns = columns or {}
    try:
        upload.preview = preview(data, user=user, period=upload.period, columns=columns)
    except Rejected as exc:
        upload.state = SpreadsheetUpload.State.REJECTED
        upload.preview = {}
        upload.set_outcome(exc.code, **exc.params)
        upload.finished_at = timezone.now()
        upload.changed = upload.unchanged = upload.problems = 0
    else:
        upload.state = SpreadsheetUpload.State.PREVIEWED
        upload.changed = len(upload.preview["changes"]) + len(upload.preview["indicator_changes"])
        upload.unchanged = len(upload.preview["unchanged"])
        upload.problems = upload.preview["tally"]["problem_rows"] + len(
            upload.preview["file_problems"]
        )
        upload.set_outcome("")


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
    from indicators import services as indicator_services
    from indicators.models import Route as IndicatorRoute

    failure = None
    with transaction.atomic():
        upload = SpreadsheetUpload.objects.select_for_update(of=("self",)).get(pk=upload.pk)
        _require_open(upload, user)
        changes_, values, skipped = _chosen_changes(upload, confirmed, skip_problems)
        try:
            # statuses and indicator values in one transaction: both or neither
            with transaction.atomic():
                services.record_many(
                    changes_, period=upload.period, user=user, source=Source.SPREADSHEET
                )
                indicator_services.submit_indicator_values(
                    values, user=user, source=IndicatorRoute.SPREADSHEET
                )
        except services.ChangesRefused as refused:  # someone wrote in between: nothing written
            _failed(
                upload, "apply_refused", n=len(refused.errors), details=_refusal(refused, upload)
            )
            failure = ValidationError(upload.outcome_message(), code="apply_refused")
            failure.__cause__ = refused
        except indicator_services.ValuesRefused as refused:
            details = [
                {"commitment": name, "code": "indicator_rule", "params": {"text": str(message)}}
                for name, fields in refused.errors.items()
                for messages in fields.values()
                for message in messages
            ]
            _failed(upload, "apply_refused", n=len(refused.errors), details=details)
            failure = ValidationError(upload.outcome_message(), code="apply_refused")
            failure.__cause__ = refused
        except PermissionDenied as denied:
            _failed(upload, "apply_refused", n=1, details=[])
            failure = ValidationError(upload.outcome_message(), code="apply_refused")
            failure.__cause__ = denied
        except services.PeriodLocked as locked:
            _failed(upload, "period_locked", period=upload.period.code)
            failure = ValidationError(upload.outcome_message(), code="period_locked")
            failure.__cause__ = locked
        else:
            upload.state = SpreadsheetUpload.State.APPLIED
            upload.applied = len(changes_)
            upload.indicators_applied = len(values)
            upload.mode = (
                SpreadsheetUpload.Mode.VALID_ROWS if skip_problems else SpreadsheetUpload.Mode.ALL
            )
            upload.skipped = skipped
            if skipped:
                upload.set_outcome("applied_skipping", n=len(changes_), skipped=skipped)
            else:
                upload.set_outcome("applied", n=len(changes_))
            if values:
                upload.set_outcome(
                    "applied_with_indicators"
                    if not skipped
                    else "applied_with_indicators_skipping",
                    n=len(changes_),
                    m=len(values),
                    skipped=skipped,
                )
            upload.finished_at = timezone.now()
            upload.save(
                update_fields=[
                    "state", "applied", "indicators_applied", "mode", "skipped", "outcome",
                    "outcome_code", "outcome_params", "finished_at",
                ]
            )  # fmt: skip
    if failure is not None:
        raise failure
    return len(changes_)


def _chosen_changes(upload: SpreadsheetUpload, confirmed, skip_problems: bool):
    """The ``StatusChange``s to write and how many listed rows are skipped; ValidationError
    (with a ``code``) when the preview may not be applied as asked."""
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
    commitments = Commitment.objects.only("id", "code", "country_id").in_bulk(
        [c["commitment"] for c in chosen]
    )
    if len(commitments) != len({c["commitment"] for c in chosen}):
        raise ValidationError(render("nothing_to_apply"), code="nothing_to_apply")
    values = []
    if value_changes:
        from countries.models import Country
        from indicators.models import Indicator

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
        services.StatusChange(
            commitments[c["commitment"]], c["new"], c["narrative"], c["base_version"],
            c["evidence_url"],
        )
        for c in chosen
    ]  # fmt: skip
    return changes_, values, (problem_rows + len(unconfirmed) if skip_problems else 0)


def _refusal(refused, upload: SpreadsheetUpload) -> list[dict]:
    """What ``record_many`` refused, per commitment, as codes with parameters."""
    details = []
    for code, problems in refused.errors.items():
        conflict = refused.conflicts.get(code)
        for problem in problems:
            if conflict is not None and getattr(problem, "code", None) is None:
                details.append(
                    {"commitment": code, "code": "conflict", "params": {
                        "who": conflict.created_by.get_username()
                        if conflict.created_by else "?",
                        "status": conflict.status, "code": code,
                        "period": upload.period.code,
                        "when": timezone.localtime(conflict.created_at).strftime(
                            "%Y-%m-%d %H:%M"),
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
