"""What the spreadsheet round trip tells people, stored as codes with parameters.

A preview is kept for months in the upload history and read by people other than the uploader
(the secretariat reads Guatemala's uploads in English, the team in Spanish), so no message is
stored as text: each is a ``{"code": ..., "params": {...}}`` and is rendered here, in the
language of whoever reads it. Every message says what is wrong, where (sheet, row, column are
given beside it) and what to do.

Parameters are plain JSON values. Two kinds are localised when rendered: ``field`` (a column
key such as ``"narrative"``, shown as the column's name) and any value given as
``{"en": ..., "es": ...}`` (a country name). A ``status`` parameter gets a ``level`` ("3 -
Being implemented (60%)"), and so do ``old`` and ``new``.
"""

from __future__ import annotations

from django.utils.translation import get_language, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from commitments.models import LocalizedText
from statuses.models import NOT_REPORTED_LABEL, Status

# Columns, by key, as the preview names them ("Narrative ← column D").
FIELD_LABELS = {
    "code": _("Code"),
    "country": _("Country"),
    "focus_area": _("Focus area"),
    "pillar": _("Pillar"),
    "text": _("Commitment"),
    "previous": _("Status shown before"),
    "status": _("New status"),
    "narrative": _("Narrative"),
    "evidence_url": _("Evidence link"),
    "review": _("Review"),
    "version": _("Version"),
    # the indicators sheet
    "indicator": _("Indicator code"),
    "indicator_name": _("Indicator"),
    "unit": _("Unit"),
    "period": _("Period (as stated)"),
    "period_start": _("Period start"),
    "period_end": _("Period end"),
    "current_value": _("Current value"),
    "current_state": _("State of the current value"),
    "new_value": _("New value"),
    "source_document": _("Source document"),
    "source_section": _("Page, section or link"),
    "source_quote": _("Source sentence"),
    "comment": _("Comment"),
}

# What a file that is not a spreadsheet looks like (``reading.MAGIC``), for "not_spreadsheet_kind".
FILE_KINDS = {
    "pdf": _("a PDF document"),
    "word": _("a text document (Word or Writer)"),
    "presentation": _("a presentation (PowerPoint or Impress)"),
    "image": _("an image"),
    "media": _("a sound or video file"),
    "rtf": _("a rich-text document (.rtf)"),
    "archive": _("a compressed archive"),
    "zip": _("a zip archive with no workbook inside"),
    "program": _("a program"),
}

MESSAGES = {
    # --- the file cannot be read at all (the upload is rejected) ---
    "empty": _("The file is empty. Choose the spreadsheet again and upload it."),
    "too_large": _("The file is larger than %(mb)s MB. Split it by country or remove images."),
    "legacy_xls": _(
        "This is an old Excel file (.xls). Open it in Excel or LibreOffice, save it as an "
        "Excel workbook (.xlsx) and upload that."
    ),
    "encrypted": _(
        "The file is protected with a password. Remove the password (in Excel: File › Info › "
        "Protect workbook) and upload it again."
    ),
    "damaged_zip": _(
        "The file is damaged or incomplete (it may have been cut off while downloading or "
        "copying). Open it in Excel or LibreOffice, save it again and upload the new copy."
    ),
    "not_spreadsheet": _(
        "This file is not a spreadsheet. Upload the matrix as .xlsx, .xls, .ods or .csv."
    ),
    "not_spreadsheet_kind": _(
        "This file is not a spreadsheet: it looks like %(kind)s. Upload the matrix as .xlsx, "
        ".xls, .ods or .csv (in Excel or LibreOffice: File › Save as)."
    ),
    "xml_token_too_long": _(
        "The file holds a single piece of XML (a comment, an attribute or a tag, in part "
        "%(part)s) longer than %(kb)s KB, which spreadsheets do not write; it is refused for "
        "safety. Open it in Excel or LibreOffice, save it again and upload the new copy."
    ),
    "nul_in_text": _(
        "The text file contains a NUL character (a zero byte) on line %(line)s, which text "
        "files do not hold: it may be damaged, or not a text file. Save it again as “CSV "
        "UTF-8” (or as .xlsx) and upload it."
    ),
    "read_error": _(
        "The file could not be read because of a fault on our side; nothing was written and "
        "the fault was recorded. Try again later, or save the file as .xlsx and upload that; "
        "tell the secretariat if it happens again."
    ),
    "web_page": _(
        "This file is a web page or XML saved with a spreadsheet name, not a spreadsheet. "
        "Open it in Excel or LibreOffice and save it as .xlsx or .ods."
    ),
    "binary_workbook": _(
        "This is an Excel binary workbook (.xlsb). Save it as an Excel workbook (.xlsx) and "
        "upload that."
    ),
    "too_many_parts": _(
        "The file has %(n)s internal parts, more than the %(max)s a monitoring matrix can "
        "have. Copy the matrix into a new workbook and upload that."
    ),
    "expands_too_much": _(
        "The file expands to more than %(mb)s MB when opened; it is refused for safety. "
        "Remove images and other sheets, or split it by country."
    ),
    "macros": _(
        "The file contains macros (.xlsm). Save it as a plain Excel workbook (.xlsx) and "
        "upload that."
    ),
    "unsafe_xml": _(
        "The file contains XML declarations that spreadsheets do not use; it is refused for "
        "safety. Save it again with Excel or LibreOffice."
    ),
    "unreadable": _(
        "The spreadsheet could not be read: part %(part)s is damaged. Open it in Excel or "
        "LibreOffice, save it again and upload the new copy."
    ),
    "no_data": _("The spreadsheet has no data in any sheet. Fill in the matrix and upload it."),
    "too_many_sheets": _(
        "The file has %(n)s sheets; at most %(max)s are read. Keep the matrix and delete the "
        "other sheets, or split the file."
    ),
    "too_many_rows": _(
        "The file has more than %(max)s rows with data (stopped in sheet “%(sheet)s” at row "
        "%(row)s). Split it and upload the parts."
    ),
    "too_many_cells": _(
        "The file has more than %(max)s cells to read (stopped in sheet “%(sheet)s” at row "
        "%(row)s). Delete the empty formatted columns and rows, or split the file."
    ),
    "too_much_content": _(
        "The file holds too much to read (stopped in sheet “%(sheet)s” at row %(row)s). "
        "Delete empty formatted rows and columns, images and other sheets, or split the file."
    ),
    "too_much_text": _(
        "The file holds more than %(max)s characters of text (stopped in sheet “%(sheet)s”). "
        "Shorten the narratives or split the file."
    ),
    "text_encoding": _(
        "The text file could not be decoded. Save it as “CSV UTF-8” (or as .xlsx) and upload "
        "it again."
    ),
    # --- the file was read but cannot be applied (file problems) ---
    "no_header": _(
        "No header row found: no sheet has a column for the new status (such as “New "
        "status”, “Nuevo estado”, “Estado”) beside a column for the code or the commitment "
        "text. Choose the columns below, or download the matrix to see the expected layout."
    ),
    "wrong_period": _(
        "This file was made for the period %(file)s, but you are uploading it to %(period)s. "
        "Upload it to %(file)s, or download the matrix for %(period)s."
    ),
    "sheet_wrong_period": _(
        "Sheet “%(sheet)s” is headed “%(header)s”: it is for the period %(file)s, but you are "
        "uploading to %(period)s. Delete that sheet, or move it to a file of its own and upload "
        "that to %(file)s."
    ),
    "sheet_other_year": _(
        "Sheet “%(sheet)s” is headed “%(header)s”, which names %(year)s, not the period "
        "%(period)s you are uploading to. If these statuses are for %(period)s, correct the "
        "header; if they are for %(year)s, upload the file to a period of %(year)s."
    ),
    "period_locked": _(
        "The period %(period)s is locked: it accepts no changes. Ask the secretariat to unlock "
        "it, or upload to an open period."
    ),
    # --- a row cannot be applied (row problems; column given beside) ---
    "formula": _(
        "This cell holds a formula (%(value)s) where a value belongs; type the value instead."
    ),
    "merged": _(
        "Merged cells (%(range)s) cover the columns read: each commitment needs a row of its "
        "own. Unmerge the cells."
    ),
    "unknown_code": _(
        "Unknown commitment code “%(value)s”. Correct it (codes look like GTM-PRO-01) or copy "
        "it from the matrix."
    ),
    "no_text_match": _(
        "No commitment of your countries has this text (“%(value)s”). Add a code column, or "
        "copy the text from the matrix."
    ),
    "no_code_or_text": _(
        "This row has something to record but neither a code nor a commitment text. Fill in "
        "the code."
    ),
    "other_country": _(
        "%(value)s belongs to %(country)s: you may only record statuses for your own "
        "countries. Delete the row."
    ),
    "status_date": _("“%(value)s” is a date where the status belongs. Choose a level from 0 to 5."),
    "status_out_of_range": _(
        "Status “%(value)s” is outside the scale. Choose a level from 0 to 5."
    ),
    "status_percent": _(
        "Status “%(value)s”: percentages must be 0%%, 20%%, 40%%, 60%%, 80%% or 100%%. "
        "Choose a level from 0 to 5."
    ),
    "status_contradicts": _(
        "“%(value)s” does not name one level: it holds two numbers, or a level with a "
        "percentage or words of another level. Choose one level from 0 to 5 and write it alone "
        "or as the matrix writes it (for example “4 - Being implemented (80%%)” or 4)."
    ),
    "status_one_or_all": _(
        "“%(value)s” in a column that writes percentages as fractions (0.6 for 60%%): level 1, "
        "or 100%%? Write 5 or 100%% if it is completed, 1 or 20%% if it is level 1."
    ),
    "status_level_or_percent": _(
        "“%(value)s” in a column of percentages (60 for 60%%): level %(value)s, or "
        "%(value)s%%? Write the percentage (0, 20, 40, 60, 80 or 100), or the level with its "
        "words (“3 - En implementación”)."
    ),
    "status_unknown": _(
        "“%(value)s” is not a status on the 0-5 scale. Choose a level from 0 to 5 (for "
        "example “3 - Being implemented (60%%)” or 3)."
    ),
    "evidence_not_url": _(
        "The evidence link “%(value)s” is not a web address. Write it starting with https:// "
        "or http://, or leave the cell empty. If this column names documents rather than "
        "links, choose “— not in the file —” for the evidence link under “Which column is "
        "which”, and write the documents' names in the narrative."
    ),
    "evidence_too_long": _(
        "The evidence link has %(length)d characters; the limit is %(max)d. Link to a shorter "
        "address (a shared folder, or the document's page)."
    ),
    "version_unreadable": _(
        "The version cell holds “%(value)s”, not the number the matrix put there. Empty the "
        "cell, or download the matrix again."
    ),
    "changed_since_download": _(
        "%(who)s recorded “%(level)s” for %(code)s in %(period)s on "
        "%(when)s, after this file was downloaded. Nothing of this row is applied: look at "
        "their change, then upload the row again with the version column emptied if yours "
        "should replace it."
    ),
    # a row left as downloaded while someone recorded a newer row (a line, not a problem)
    "newer_on_server": _(
        "%(code)s was left as downloaded (“%(old)s”); since then %(who)s recorded “%(level)s” "
        "in %(period)s on %(when)s. Theirs stands: nothing is written for this row."
    ),
    "version_mismatch": _(
        "The version cell (%(value)s) does not match what is recorded for %(code)s in "
        "%(period)s: the row was copied from another file or edited. Download the matrix "
        "again, or empty the cell to record over what is there now."
    ),
    "duplicate": _(
        "%(code)s is also in %(others)s with a different status, narrative or link; neither "
        "row is applied. Keep one row per commitment."
    ),
    "duplicate_rows": _(
        "%(code)s is in %(n)s rows with different statuses, narratives or links: %(others)s. "
        "None of them is applied: keep one row per commitment."
    ),
    "narrative_without_status": _(
        "There is a narrative or a link but no new status. Fill in the status (the same level "
        "as before if it did not change), or empty the row."
    ),
    "narrative_required": _(
        "The status changes from %(old)s to %(new)s: explain the change in the narrative "
        "column (what was done, by whom, what is left)."
    ),
    "narrative_column_missing": _(
        "The status changes from %(old)s to %(new)s, which needs a narrative, but no narrative "
        "column was recognised. Choose it in the columns above, or add a column “Narrative”."
    ),
    "hidden_row": _(
        "This row is hidden in the spreadsheet and would change a status. Unhide it and check "
        "it, or delete it."
    ),
    "conflict": _(
        "%(who)s recorded “%(level)s” for %(code)s in %(period)s on "
        "%(when)s, after this preview was made. Upload the file again to see their change."
    ),
    "narrative_too_long": _(
        "The narrative has %(length)d characters; the limit is %(max)d. Shorten it, and put "
        "longer documents in the evidence."
    ),
    "version_no_row": _(
        "There is no status for %(code)s in %(period)s yet, so the version cell cannot be right "
        "(it must be 0 or empty). Download the template for %(period)s again."
    ),
    "not_your_country": _("You may only record statuses for your own countries. Delete the row."),
    # the write service's refusal of a commitment not in force (statuses.services)
    "replaced_edition": _(
        "%(code)s belongs to the %(edition)s plan, replaced on %(date)s by the "
        "%(replaced_by)s plan; it cannot be reported for %(period)s. Delete the row, or "
        "download the template for %(period)s again: it lists the commitments of the plan in "
        "force."
    ),
    "edition_not_started": _(
        "%(code)s belongs to the %(edition)s plan, in force from %(date)s; it cannot be "
        "reported for %(period)s. Delete the row, or upload it for a period of that plan."
    ),
    # --- the indicators sheet ---
    "indicator_unknown": _(
        "Unknown indicator “%(value)s”. Copy its code (such as ASYLUM_APPLICATIONS) or its name "
        "from the sheet “Indicators” of the matrix."
    ),
    "indicator_missing": _(
        "This row has a value but no indicator. Fill in the indicator's code or name."
    ),
    "indicator_country_unknown": _(
        "Unknown country “%(value)s”. Write its three-letter code (such as GTM) or its name."
    ),
    "indicator_country_missing": _(
        "This row does not say which country the value is for, and the file is for several. "
        "Add a column “Country” with its three-letter code."
    ),
    "indicator_other_country": _(
        "%(code)s for %(country)s: you may only record indicator values for your own "
        "countries. Delete the row."
    ),
    "indicator_value_unreadable": _(
        "“%(value)s” is not a figure. Write the number only, as 1234, 1,234.5 or 1.234,5."
    ),
    "indicator_value_negative": _(
        "“%(value)s” is negative: an indicator counts people, applications or permits, and "
        "cannot be below zero. Correct the figure."
    ),
    "indicator_value_too_large": _(
        "“%(value)s”: write a figure below a trillion, with at most two decimals."
    ),
    "indicator_date_unreadable": _(
        "“%(value)s” is not a date. Write it as 2024-09-30 or 30/09/2024, or leave it empty "
        "for the reporting period."
    ),
    "indicator_period_order": _("The period ends before it starts. Correct the start or the end."),
    "indicator_source_missing": _(
        "A new value needs its source: name the document the figure comes from."
    ),
    "indicator_section_missing": _(
        "A new value needs the page, section or link where the figure is stated."
    ),
    "indicator_duplicate": _(
        "%(code)s for the same country and period is also in %(others)s with a new value; "
        "neither row is applied. Keep one row per indicator and period."
    ),
    "indicator_duplicate_rows": _(
        "%(code)s for the same country and period has a new value in %(n)s rows: %(others)s. "
        "None of them is applied: keep one row per indicator and period."
    ),
    "indicator_changed_since_download": _(
        "%(who)s recorded %(value)s for %(code)s in %(country)s on %(when)s, after this file "
        "was downloaded. Nothing of this row is applied: look at their value, then upload the "
        "row again with the version column emptied if yours should replace it."
    ),
    "indicator_version_mismatch": _(
        "The version cell (%(value)s) does not match any value of %(code)s for this country "
        "and period: the row was copied from another file or edited. Download the matrix "
        "again, or empty the cell."
    ),
    "indicator_rule": "%(text)s",
    # --- rows read but not applied, with the reason (not problems) ---
    "header_repeated": _("The header row repeated: not data."),
    "nothing_to_record": _(
        "No code, no known commitment and nothing to record: taken as a heading or a note."
    ),
    "totals_row": _("A row of totals or averages of the rows above: not a commitment."),
    "row_beyond_columns": _(
        "Its only data is right of the last column read. Move it into the matrix's columns."
    ),
    "duplicate_same": _("The same commitment and values as %(others)s: counted once."),
    # --- notes on sheets and columns ---
    "sheet_hidden": ngettext_lazy(
        "Hidden sheet, not read (%(rows)s row with data). Unhide it if it should be uploaded.",
        "Hidden sheet, not read (%(rows)s rows with data). Unhide it if they should be uploaded.",
        "rows",
    ),
    "sheet_no_header": ngettext_lazy(
        "Not read: no column for the new status beside a code or commitment column "
        "(%(rows)s row with data). Choose its columns below if it holds a status.",
        "Not read: no column for the new status beside a code or commitment column "
        "(%(rows)s rows with data). Choose its columns below if it holds statuses.",
        "rows",
    ),
    "csv_mixed_encoding": ngettext_lazy(
        "Row %(list)s is not in UTF-8 like the rest of the file: it was read as Windows-1252 "
        "(Western European). Check its accents before applying.",
        "Rows %(list)s are not in UTF-8 like the rest of the file: they were read as "
        "Windows-1252 (Western European). Check their accents before applying.",
        "count",
    ),
    "sheet_instructions": _("The matrix's instructions: not data."),
    "sheet_meta": _("What the matrix says about itself (period, countries): checked."),
    "sheet_chart": _("A chart: not read."),
    "sheet_empty": _("Empty."),
    "rows_above_header": ngettext_lazy(
        "%(rows)s row above the header (a title): not data.",
        "%(rows)s rows above the header (titles): not data.",
        "rows",
    ),
    "columns_cut": _(
        "Cells after column %(column)s are not read. Move the data into the first %(max)s columns."
    ),
    # --- what came of an upload ---
    "applied": ngettext_lazy("%(n)s status recorded.", "%(n)s statuses recorded.", "n"),
    "applied_skipping": ngettext_lazy(
        "%(n)s status recorded; rows skipped as chosen (listed in the preview): %(skipped)s.",
        "%(n)s statuses recorded; rows skipped as chosen (listed in the preview): %(skipped)s.",
        "n",
    ),
    "apply_refused": ngettext_lazy(
        "Nothing was written: %(n)s commitment could not be recorded. %(details)s",
        "Nothing was written: %(n)s commitments could not be recorded. %(details)s",
        "n",
    ),
    "apply_has_problems": ngettext_lazy(
        "Nothing was written: the preview lists a row with problems. Fix it and upload the file "
        "again, or choose to apply the valid rows and skip the listed one.",
        "Nothing was written: the preview lists %(n)s rows with problems. Fix them and upload "
        "the file again, or choose to apply the valid rows and skip the listed ones.",
        "n",
    ),
    "apply_file_problems": _(
        "Nothing was written: the file has problems that block it. Fix them and upload it again."
    ),
    "apply_unconfirmed": ngettext_lazy(
        "Nothing was written: a row was matched by similar text and is not confirmed. Tick it "
        "to confirm, or choose to apply the valid rows and skip it.",
        "Nothing was written: %(n)s rows were matched by similar text and are not confirmed. "
        "Tick them to confirm, or choose to apply the valid rows and skip the others.",
        "n",
    ),
    "nothing_to_apply": _(
        "There is nothing to apply: no row changes a status or an indicator value."
    ),
    "applied_with_indicators": ngettext_lazy(
        "%(n)s status recorded; indicator values recorded: %(m)s.",
        "%(n)s statuses recorded; indicator values recorded: %(m)s.",
        "n",
    ),
    "applied_with_indicators_skipping": ngettext_lazy(
        "%(n)s status recorded; indicator values recorded: %(m)s; rows skipped as chosen "
        "(listed in the preview): %(skipped)s.",
        "%(n)s statuses recorded; indicator values recorded: %(m)s; rows skipped as chosen "
        "(listed in the preview): %(skipped)s.",
        "n",
    ),
    "already_done": _("This upload was already %(state)s."),
    "not_uploader": _("Only the person who uploaded the file, or the secretariat, can apply it."),
    "file_missing": _("The uploaded file is no longer stored; upload it again."),
}


PLACES_SHOWN = 5  # rows named in a grouped problem ("rows 3, 30, 57, 84, 111 and 439 more")


def entry(what: str, **params) -> dict:
    """A message as stored: its code and parameters."""
    return {"code": what, "params": params}


def grouped_problem(group: list, column: str, what: str, **params) -> dict:
    """One problem for rows that are a problem together (the rows of one commitment with
    different values): at the first row, naming the first ``PLACES_SHOWN`` rows and counting
    the others. Every row of the group gets this same entry, stored once (linear in rows)."""
    first = group[0]
    return {
        "sheet": first.sheet, "row": first.row, "column": column, "code": what,
        "params": {
            **params,
            "n": len(group),
            "at": [[line.sheet, line.row] for line in group[:PLACES_SHOWN]],
            "more": max(len(group) - PLACES_SHOWN, 0),
            "sheet": first.sheet,
        },
    }  # fmt: skip


def _localise(value):
    if isinstance(value, dict) and set(value) <= {"en", "es"} and value:
        language = (get_language() or "es")[:2]
        return value.get(language) or value.get("es") or value.get("en")
    return value


def render(code: str, params: dict | None = None) -> str:
    """The message ``code`` in the active language, with its parameters filled in."""
    template = MESSAGES.get(code)
    params = {key: _localise(value) for key, value in (params or {}).items()}
    if isinstance(params.get("details"), list):  # what the write service refused, per row
        params["details"] = " ".join(
            f"{d.get('commitment', '')}: {render(d.get('code', ''), d.get('params'))}"
            for d in params["details"]
            if isinstance(d, dict)
        )
    if "at" in params:  # other rows: [[sheet, row], ...] (and how many more, when grouped)
        params["others"] = _places(params["at"], params.get("sheet"), params.get("more") or 0)
    if isinstance(params.get("rows"), list):  # rows named in a note, and how many more
        params["list"] = _and_more(", ".join(str(r) for r in params["rows"]),
                                   params.get("more") or 0)  # fmt: skip
        params.setdefault("count", len(params["rows"]) + (params.get("more") or 0))
    if params.get("kind") in FILE_KINDS:
        params["kind"] = str(FILE_KINDS[params["kind"]])
    if "field" in params:
        params["field"] = str(FIELD_LABELS.get(params["field"], params["field"]))
    if isinstance(params.get("status"), int) and params["status"] in Status.values:
        params["level"] = _level(params["status"])
    for key in ("old", "new"):
        if key in params:
            params[key] = _level(params[key])
    if template is None:  # a code from a newer release, or an old preview's text
        return str(params.get("text") or code)
    try:
        return str(template % params)  # a lazy plural picks its form from the parameters
    except (KeyError, TypeError, ValueError):
        return str(template)


def _level(value) -> str:
    if value is None:
        return str(NOT_REPORTED_LABEL).lower()
    if isinstance(value, int) and value in Status.values:
        return f"{value} - {Status(value).label}"
    return str(value)


def entry_message(entry: dict) -> str:
    """The message of a stored preview entry (``code``/``params``; older previews: ``message``)."""
    if "code" in entry:
        return render(entry["code"], entry.get("params"))
    return str(entry.get("message", ""))


def _places(places: list, sheet: str | None, more: int = 0) -> str:
    """ "row 12", "rows 12, 15", "row 4 of sheet “2024”", "rows 3, 30, 57, 84, 111 and 439
    more": rows, named for a reader."""
    same = [row for other, row in places if other == sheet]
    parts = []
    if same:
        parts.append(
            ngettext("row %(rows)s", "rows %(rows)s", len(same) + more)
            % {"rows": ", ".join(str(r) for r in same)}
        )
    for other, row in places:
        if other != sheet:
            parts.append(_("row %(row)s of sheet “%(sheet)s”") % {"row": row, "sheet": other})
    return _and_more(", ".join(str(p) for p in parts), more)


def _and_more(listed: str, more: int) -> str:
    if not more:
        return listed
    return ngettext("%(listed)s and %(n)s more", "%(listed)s and %(n)s more", more) % {
        "listed": listed,
        "n": more,
    }


def localise_preview(preview: dict) -> dict:
    """A stored preview with every message rendered in the active language (``message`` beside
    each ``code``), each recognised column named (``label``) and each change's commitment text
    in the reader's language (``text_shown``); the stored copy is untouched."""
    if not preview:
        return {}
    result = dict(preview)
    for key in ("problems", "ignored", "newer_on_server"):
        result[key] = [{**item, "message": entry_message(item)} for item in preview.get(key, [])]
    result["changes"] = [_with_text_shown(change) for change in preview.get("changes", [])]
    result["file_problems"] = [
        {"code": "", "params": {}, "message": item} if isinstance(item, str)
        else {**item, "message": entry_message(item)}
        for item in preview.get("file_problems", [])
    ]  # fmt: skip
    result["sheets"] = [
        {
            **sheet,
            "notes": [{**n, "message": entry_message(n)} for n in sheet.get("notes", [])],
        }
        for sheet in preview.get("sheets", [])
    ]
    result["columns"] = {
        name: {
            **columns,
            "cells": [
                {**cell, "label": str(FIELD_LABELS[cell["key"]]) if cell.get("key") else ""}
                for cell in columns.get("cells", [])
            ],
        }
        for name, columns in preview.get("columns", {}).items()
    }
    return result


def _with_text_shown(change: dict) -> dict:
    """A change with its commitment's text as the catalogue shows it to the reader
    (``LocalizedText``, the one rule: our Spanish working translation for a Spanish reader
    when there is one, marked as such; else the text as printed). ``text`` and ``text_es``
    stay as stored."""
    texts = LocalizedText(change.get("text", ""), change.get("text_es", ""))
    return {
        **change,
        "text_shown": texts.lead,
        "text_shown_language": texts.lead_language,
        "text_shown_is_translation": texts.lead_is_translation,
    }
