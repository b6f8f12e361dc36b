"""The monitoring matrix as an .xlsx: the template to fill in and the export are one format."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mirps.tabular import safe

from ..models import Commitment, ReportingPeriod, Status
from .formats import COLUMNS, DATA_SHEET, META_SHEET, TEMPLATE_VERSION, status_choice_label

WIDTHS = {
    "code": 13,
    "country": 12,
    "focus_area": 16,
    "pillar": 8,
    "text": 70,
    "previous": 22,
    "status": 30,
    "narrative": 50,
    "evidence_url": 30,
    "version": 9,
}
INPUT = {"status", "narrative", "evidence_url"}
INPUT_FILL = PatternFill("solid", fgColor="FFF8E1")


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(end_date__lt=period.end_date)
        .order_by("-end_date", "-start_date")
        .first()
    )


def build_matrix(countries, period: ReportingPeriod, language: str = "es", user=None) -> bytes:
    """The matrix of ``countries`` for ``period`` in ``language``: one row per commitment, the
    status as of the previous period, and the columns to fill in (pre-filled with what is
    already recorded in ``period``, so an export can be edited and uploaded back as it is).

    The hidden column "Version" and the hidden sheet ``_mirps`` (countries, period, template
    version) let an upload be checked against what was downloaded. Four queries.
    """
    language = "en" if language.startswith("en") else "es"
    before = previous_period(period)
    commitments = (
        Commitment.objects.filter(country__in=countries)
        .select_related("country", "focus_area", "pillar")
        .with_status(before)
        .with_workspace_state(period)
        .order_by("country__iso3", "focus_area__order", "order")
    )
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = DATA_SHEET[language]
        header = []
        for _key, en, es in COLUMNS:
            title = en if language == "en" else es
            header.append(title.format(period=before.code if before else "—"))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        labels = [status_choice_label(v, language) for v in Status.values]
        for c in commitments:
            previous = (
                status_choice_label(c.current_status, language)
                if c.current_status is not None
                else str(_("Not reported"))
            )
            latest = (
                status_choice_label(c.latest_status, language)
                if c.latest_status is not None
                else None
            )
            sheet.append(
                [
                    c.code,
                    c.country.name,
                    c.focus_area.name,
                    c.pillar.number,
                    safe(c.localized_text),
                    previous,
                    latest,
                    None,
                    None,
                    c.version,
                ]
            )
        _format(sheet, len(labels))
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
        _instructions(workbook, countries, period, before, language)
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


def _index(key: str) -> int:
    return [k for k, _en, _es in COLUMNS].index(key) + 1


def _format(sheet, _levels: int) -> None:
    sheet.freeze_panes = "B2"
    for key, _en, _es in COLUMNS:
        letter = get_column_letter(_index(key))
        sheet.column_dimensions[letter].width = WIDTHS[key]
    sheet.column_dimensions[get_column_letter(_index("version"))].hidden = True
    for row in sheet.iter_rows(min_row=2):
        for key, cell in zip([k for k, _en, _es in COLUMNS], row, strict=False):
            cell.alignment = Alignment(
                wrap_text=key in {"text", "narrative", "focus_area"}, vertical="top"
            )
            if key in INPUT:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
    # Read-only text, editable inputs; the protection has no password (it prevents slips,
    # not people) and still lets people resize, sort and filter.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS) - 1)}{sheet.max_row}"


def _instructions(workbook, countries, period, before, language) -> None:
    sheet = workbook.create_sheet(str(_("Instructions")))
    lines = [
        str(_("MIRPS monitoring matrix")),
        "",
        str(_("Countries: %(countries)s") % {"countries": ", ".join(c.name for c in countries)}),
        str(_("Reporting period: %(period)s") % {"period": period.code}),
        "",
        str(_("1. Do not change the codes or the commitment text: they identify the rows.")),
        str(
            _(
                "2. In “New status”, choose one of the six levels (0 not started … 5 completed) "
                "only where something changed; leave it empty otherwise."
            )
        ),
        str(_("3. Explain every change in “Narrative”: what was done, by whom, what is left.")),
        str(_("4. Add a link to the evidence if there is one.")),
        str(
            _(
                "5. Save as .xlsx (or .ods) and upload it: you will see every change before "
                "anything is saved."
            )
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
