"""The monitoring matrix: the template to fill in, its export and the workspace list export
are one format (``formats.COLUMNS``), as .xlsx or .csv, and each uploads back unchanged."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from commitments.models import Commitment
from countries.permissions import works_for
from indicators.models import Indicator, IndicatorValue, period_from_dates
from mirps.numbers import plain
from mirps.tabular import rows_to_csv, safe
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from spreadsheets.formats import (
    COLUMN_KEYS,
    COLUMNS,
    DATA_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_KEYS,
    INDICATOR_SHEET,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    status_choice_label,
)
from statuses.models import Status
from statuses.selectors import with_carried, with_workspace_state

INPUT_FILL = PatternFill("solid", fgColor="FFF8E1")


def matrix_commitments(period: ReportingPeriod, before: ReportingPeriod | None, base=None):
    """The commitments of ``base`` (all if None) that ``period`` counts (of the edition in
    force at its end: ``Commitment.objects.in_force``), with what the matrix shows: the
    approved status as of ``before`` (its own, else the one it carries from the commitment it
    continues: ``with_carried``) and the newest row in ``period`` (status, review state,
    version). One query (the editions in force are a subquery of it)."""
    base = Commitment.objects.all() if base is None else base
    base = base.in_force(period.end_date)
    return with_workspace_state(
        with_carried(base.select_related("country", "focus_area", "pillar"), before), period
    ).order_by("country__iso3", "focus_area__order", "order")


def previous_label(c, language: str) -> str:
    """The "Status as of" cell of commitment ``c`` (``matrix_commitments``'): its own status,
    else the status it carries, naming the commitment it is carried from ("3 - Being
    implemented (60%) · carried from BLZ-PRO-01 (2023)"), else "Not reported"."""
    with translation.override(language):
        if c.current_status is not None:
            return status_choice_label(c.current_status, language)
        if getattr(c, "carried_status", None) is not None:
            carried = _("carried from %(code)s (%(period)s)") % {
                "code": c.carried_from,
                "period": c.carried_period,
            }
            return f"{status_choice_label(c.carried_status, language)} · {carried}"
        return str(_("Not reported"))


def matrix_header(period: ReportingPeriod, before, language: str) -> list[str]:
    return [c.title(language, period.code, before.code if before else "—") for c in COLUMNS]


def matrix_rows(commitments, language: str, user=None) -> list[list]:
    """One row per commitment, in the order of ``COLUMNS``: what every export writes. The
    "new status" column holds the newest status recorded in the period (pending or not), so a
    file uploaded back unchanged proposes no change. For a commitment whose unpublished rows
    ``user`` may not read (another country's, for a national team), it holds only what the
    public sees: an approved status, no review state, no version."""
    review = dict(ReviewState.choices)
    rows = []
    with translation.override(language):
        for c in commitments:
            if user is not None and not works_for(user, c.country_id):
                if c.latest_state != ReviewState.APPROVED:
                    c.latest_status = None
                c.latest_state, c.version = None, None
            values = {
                "code": c.code,
                "country": c.country.name,
                "focus_area": c.focus_area.name,
                "pillar": c.pillar.number,
                "text": safe(c.localized_text),
                "previous": previous_label(c, language),
                "status": status_choice_label(c.latest_status, language)
                if c.latest_status is not None
                else None,
                "narrative": None,
                "evidence_url": None,
                "review": str(review[c.latest_state]) if c.latest_state else None,
                "version": c.version,
            }
            rows.append([values[key] for key in COLUMN_KEYS])
    return rows


def build_matrix(
    countries,
    period: ReportingPeriod,
    language: str = "es",
    user=None,
    commitments=None,
    *,
    demo: bool = False,
) -> bytes:
    """The matrix of ``countries`` for ``period`` in ``language`` as an .xlsx: one row per
    commitment (``commitments`` if given, in their order: the workspace list export), the
    status as of the previous period, and the columns to fill in (pre-filled with what is
    already recorded in ``period``, so an export can be edited and uploaded back as it is).

    The hidden column "Version" and the hidden sheet ``_mirps`` (countries, period, template
    version) let an upload be checked against what was downloaded. The template to fill in
    (``commitments`` None) has a second sheet, "Indicators", one row per indicator of the
    countries (see ``indicator_rows``). Four queries, six with the indicators sheet. ``demo``
    (synthetic demo statuses are loaded) puts the demo-data notice at the top of the
    instructions sheet (not in the data sheet, which must upload back as it is).
    """
    language = "en" if language.startswith("en") else "es"
    before = period.previous()
    with_indicators = commitments is None
    if commitments is None:
        commitments = matrix_commitments(period, before, Commitment.objects.filter(
            country__in=countries
        ))  # fmt: skip
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = DATA_SHEET[language]
        sheet.append(matrix_header(period, before, language))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in matrix_rows(commitments, language, user):
            sheet.append(row)
        labels = [status_choice_label(v, language) for v in Status.values]
        _format(sheet)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(labels) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=str(_("Status")),
            error=str(_("Choose one of the six levels, 0 to 5.")),
        )
        status_col = get_column_letter(_index("status"))
        validation.add(f"{status_col}2:{status_col}{max(sheet.max_row, 2) + 500}")
        sheet.add_data_validation(validation)
        if with_indicators:
            _indicators_sheet(workbook, countries, period, language)
        _instructions(workbook, countries, period, before, language, demo)
        meta = workbook.create_sheet(META_SHEET)
        for key, value in [
            ("template_version", TEMPLATE_VERSION),
            ("countries", ",".join(c.iso3 for c in countries)),
            ("period", period.code),
            ("language", language),
            ("generated_at", timezone.now().isoformat(timespec="seconds")),
            ("generated_by", user.get_username() if user and user.is_authenticated else ""),
        ]:
            meta.append([key, value])
        meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_matrix_csv(
    commitments, period: ReportingPeriod, language: str = "es", user=None
) -> bytes:
    """The same rows and columns as ``build_matrix``, as CSV (UTF-8 with its byte-order mark,
    text that could start a formula neutralised): uploads back as it is."""
    language = "en" if language.startswith("en") else "es"
    before = period.previous()
    return rows_to_csv(
        matrix_header(period, before, language), matrix_rows(commitments, language, user)
    )


def _index(key: str) -> int:
    return COLUMN_KEYS.index(key) + 1


def _format(sheet) -> None:
    sheet.freeze_panes = "B2"
    for column in COLUMNS:
        letter = get_column_letter(_index(column.key))
        sheet.column_dimensions[letter].width = column.width
        if column.hidden:
            sheet.column_dimensions[letter].hidden = True
    inputs = {c.key for c in COLUMNS if c.input}
    for row in sheet.iter_rows(min_row=2):
        for key, cell in zip(COLUMN_KEYS, row, strict=False):
            cell.alignment = Alignment(
                wrap_text=key in {"text", "narrative", "focus_area"}, vertical="top"
            )
            if key in inputs:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
    # Read-only text, editable inputs; the protection has no password (it prevents slips,
    # not people) and still lets people resize, sort and filter.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    last_visible = max(i for i, c in enumerate(COLUMNS, start=1) if not c.hidden)
    sheet.auto_filter.ref = f"A1:{get_column_letter(last_visible)}{sheet.max_row}"


def indicator_rows(countries, period: ReportingPeriod, language: str) -> list[list]:
    """The indicators sheet's rows, in the order of ``INDICATOR_COLUMNS``: for each country,
    one row per indicator that applies to it (those it has values for; the whole catalogue
    for a country with none). Each row is the *slot* of the period: the indicator's newest
    value whose period lies in the reporting period (as the source states it), or, without
    one, the reporting period itself. "Version" is the newest row of that slot (0: none), so
    a value recorded after the download is detected. Two queries (catalogue, values)."""
    catalogue = list(Indicator.objects.all())
    values = list(
        IndicatorValue.objects.filter(country__in=countries)
        .exclude(review_state=ReviewState.SUPERSEDED)
        .order_by("created_at", "id")
    )
    newest: dict[tuple, IndicatorValue] = {}  # slot -> newest row
    of_country: dict[int, set[int]] = {}
    for v in values:
        newest[(v.indicator_id, v.country_id, v.period_start, v.period_end)] = v
        of_country.setdefault(v.country_id, set()).add(v.indicator_id)
    states = dict(ReviewState.choices)
    rows = []
    with translation.override(language):
        for country in countries:
            used = of_country.get(country.pk)
            for indicator in catalogue:
                if used and indicator.pk not in used:
                    continue
                in_period = [
                    v for (ind, cty, *_), v in newest.items()
                    if ind == indicator.pk and cty == country.pk and _within(v, period)
                ]  # fmt: skip
                current = max(in_period, key=lambda v: (v.sort_date, v.created_at, v.pk),
                              default=None)  # fmt: skip
                if current is not None:
                    start, end = current.period_start, current.period_end
                    label = current.period_display
                else:
                    start, end = period.start_date, period.end_date
                    label = period_from_dates(start, end)
                values_ = {
                    "indicator": indicator.code,
                    "country": country.iso3,
                    "indicator_name": indicator.name,
                    "unit": str(indicator.get_unit_display()),
                    "period": label,
                    "period_start": start,
                    "period_end": end,
                    "current_value": plain(current.value) if current else None,
                    "current_state": str(states[current.review_state]) if current else None,
                    "new_value": None,
                    "source_document": None,
                    "source_section": None,
                    "source_quote": None,
                    "comment": None,
                    "version": current.pk if current else 0,
                }
                rows.append([values_[key] for key in INDICATOR_KEYS])
    return rows


def _within(value, period: ReportingPeriod) -> bool:
    """Whether a value's period lies in the reporting period (an open end counts as inside)."""
    start = value.period_start or value.period_end
    end = value.period_end or value.period_start
    return period.start_date <= end and start <= period.end_date and end <= period.end_date


def _indicators_sheet(workbook, countries, period, language) -> None:
    sheet = workbook.create_sheet(INDICATOR_SHEET[language], index=1)
    sheet.append([c.title(language, period.code, "") for c in INDICATOR_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in indicator_rows(countries, period, language):
        sheet.append(row)
    sheet.freeze_panes = "C2"
    inputs = {c.key for c in INDICATOR_COLUMNS if c.input}
    for index, column in enumerate(INDICATOR_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.hidden:
            sheet.column_dimensions[letter].hidden = True
    for row in sheet.iter_rows(min_row=2):
        for key, cell in zip(INDICATOR_KEYS, row, strict=False):
            cell.alignment = Alignment(wrap_text=key in {"indicator_name", "source_quote"},
                                       vertical="top")  # fmt: skip
            if key in ("period_start", "period_end"):
                cell.number_format = "yyyy-mm-dd"
            if key in inputs:
                cell.fill = INPUT_FILL


def _instructions(workbook, countries, period, before, language, demo=False) -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET[language])
    lines = [
        str(_("MIRPS monitoring matrix")),
        "",
        *(
            [
                "{}: {}".format(
                    _("Demo data"),
                    _(
                        "the statuses shown are synthetic, generated for demonstration. "
                        "They are not real reports from any country."
                    ),
                ),
                "",
            ]
            if demo
            else []
        ),
        str(_("Countries: %(countries)s") % {"countries": ", ".join(c.name for c in countries)}),
        str(_("Reporting period: %(period)s") % {"period": period.code}),
        "",
        str(_("1. Do not change the codes or the commitment text: they identify the rows.")),
        str(
            _(
                "2. In “New status”, choose one of the six levels (0 not started … 5 completed) "
                "where something changed. A status already recorded in this period is shown "
                "there: leave it as it is if nothing changed."
            )
        ),
        str(_("3. Explain every change in “Narrative”: what was done, by whom, what is left.")),
        str(_("4. Add a link to the evidence if there is one.")),
        str(
            _(
                "5. Keep one row per commitment and do not hide rows or sheets you want "
                "uploaded: the preview lists every hidden row and sheet."
            )
        ),
        str(
            _(
                "6. Save as .xlsx (or .ods, .csv) and upload it: you will see every change "
                "before anything is saved, and nothing is saved while a row has a problem "
                "unless you choose to skip it."
            )
        ),
        str(
            _(
                "7. In the sheet “%(sheet)s”, write a new figure in “New value” with its "
                "source document, the page, section or link, and the sentence that states it. "
                "Change the period if the source states another one. Leave the row empty if "
                "there is nothing new."
            )
            % {"sheet": INDICATOR_SHEET[language]}
        ),
        "",
        str(_("Status scale:")),
    ]
    lines += [status_choice_label(v, language) for v in Status.values]
    if before is not None:
        lines += [
            "",
            str(
                _(
                    "The column “Status as of %(period)s” shows the approved status at "
                    "the end of the previous period."
                )
                % {"period": before.code}
            ),
        ]
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 110
    sheet["A1"].font = Font(bold=True, size=14)
