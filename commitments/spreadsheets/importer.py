"""Preview and apply an uploaded monitoring matrix.

``preview`` reads the file (see ``reading``), finds the header row (English or Spanish, any
column order, after title rows), matches each row to a commitment by code (or, in a sheet with
no codes, by its text, exactly or closely) and checks every row against the same rules as the
browser (``services.check_changes``). It writes nothing but the upload's log. ``apply`` writes
the valid changes of a preview in one transaction (``services.record_many``), or none.
"""

from __future__ import annotations

import difflib

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter, range_boundaries

from .. import services
from ..models import Commitment, ReportingPeriod, Source, SpreadsheetUpload
from ..permissions import can_record, is_secretariat
from .formats import META_SHEET, StatusUnreadable, header_key, normalise, parse_status
from .reading import Formula, Rejected, Sheet, read

HEADER_SEARCH_ROWS = 30
CLOSE_MATCH = 0.85  # similarity (0-1) from which a text is offered as a close match
USED = ("code", "text", "status", "narrative", "evidence_url", "version")


def _problem(sheet, row, column, message) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "message": str(message)}


def _meta(sheets: list[Sheet]) -> dict:
    for sheet in sheets:
        if sheet.name == META_SHEET:
            return {str(r[0]): str(r[1]) for _n, r in sheet.rows if len(r) >= 2 and r[0]}
    return {}


def _find_header(sheets: list[Sheet]):
    """The first sheet and row whose cells name a status column and a code or text column."""
    for sheet in sheets:
        if sheet.name == META_SHEET:
            continue
        for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
            columns: dict[str, int] = {}
            for index, value in enumerate(values):
                key = header_key(value) if isinstance(value, str) else None
                if key and key not in columns:
                    columns[key] = index
            if "status" in columns and ("code" in columns or "text" in columns):
                return sheet, number, columns
    return None, None, None


def _clean_text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # an export neutralises text that could start a formula with an apostrophe: undo it
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def preview(data: bytes, *, user, period: ReportingPeriod) -> dict:
    """What applying the file would do, and every problem with its sheet, row and column.

    Returns a JSON-able dict: ``changes`` (old → new, with how the row was matched),
    ``unchanged``, ``problems`` (per cell), ``file_problems`` (which block applying) and
    ``meta`` (what the template says about itself). Raises ``Rejected`` for unreadable files.
    """
    sheets = read(data)
    meta = _meta(sheets)
    sheet, header_row, columns = _find_header(sheets)
    result = {
        "period": period.code,
        "meta": meta,
        "changes": [],
        "unchanged": [],
        "problems": [],
        "file_problems": [],
        "sheet": None,
        "header_row": None,
    }
    if sheet is None:
        result["file_problems"].append(
            str(
                _(
                    "No header row found: the sheet needs a column for the new status "
                    "(“New status” or “Nuevo estado”) and one for the code (“Code”/“Código”) "
                    "or the commitment text. Download the template to see the expected layout."
                )
            )
        )
        return result
    result["sheet"], result["header_row"] = sheet.name, header_row
    if meta.get("period") and meta["period"] != period.code:
        result["file_problems"].append(
            str(
                _(
                    "This file was made for the period %(file)s, but you are uploading it to "
                    "%(period)s. Choose %(file)s, or download the template for %(period)s."
                )
                % {"file": meta["period"], "period": period.code}
            )
        )
    if period.locked:
        result["file_problems"].append(
            str(
                _("The period %(period)s is locked: it accepts no changes.")
                % {"period": period.code}
            )
        )

    commitments = list(Commitment.objects.select_related("country"))
    by_code = {c.code: c for c in commitments}
    allowed = [c for c in commitments if can_record(user, c.country_id)]
    by_text = {normalise(c.text): c for c in allowed}
    by_text.update({normalise(c.text_es): c for c in allowed if c.text_es})
    texts = list(by_text)
    merged = [range_boundaries(ref) for ref in sheet.merged]

    def letter(key):
        return get_column_letter(columns[key] + 1)

    rows = []  # (row number, commitment, status, narrative, evidence, version, match, score)
    seen: dict[int, int] = {}
    for number, values in sheet.rows:
        if number <= header_row:
            continue
        cells = {
            key: (values[index] if index < len(values) else None) for key, index in columns.items()
        }
        if all(cells.get(k) in (None, "") for k in USED):
            continue
        problems = []
        for key in USED:
            if key in columns and isinstance(cells.get(key), Formula):
                problems.append(
                    (
                        letter(key),
                        _("This cell holds a formula (%(f)s); type the value instead.")
                        % {"f": cells[key][:40]},
                    )
                )
        for min_col, min_row, max_col, max_row in merged:
            used_cols = [columns[k] + 1 for k in USED if k in columns]
            if min_row <= number <= max_row and any(min_col <= c <= max_col for c in used_cols):
                problems.append(
                    (
                        "",
                        _(
                            "Merged cells: each commitment needs a row of its own; "
                            "unmerge the cells."
                        ),
                    )
                )
                break
        commitment, match, score = None, "code", 1.0
        code = _clean_text(cells.get("code")).upper() if "code" in columns else ""
        if code and not isinstance(cells.get("code"), Formula):
            commitment = by_code.get(code)
            if commitment is None:
                problems.append(
                    (letter("code"), _("Unknown commitment code %(code)s.") % {"code": code})
                )
        elif "text" in columns and not isinstance(cells.get("text"), Formula):
            text = normalise(_clean_text(cells.get("text")))
            if text in by_text:
                commitment, match = by_text[text], "text"
            elif text:
                close = difflib.get_close_matches(text, texts, n=1, cutoff=CLOSE_MATCH)
                if close:
                    commitment, match = by_text[close[0]], "close"
                    score = difflib.SequenceMatcher(None, text, close[0]).ratio()
                else:
                    problems.append(
                        (
                            letter("text"),
                            _(
                                "No commitment of your countries has this text; "
                                "add the code column."
                            ),
                        )
                    )
            else:
                problems.append((letter("text"), _("Neither a code nor a commitment text.")))
        elif not code:
            problems.append((letter("code"), _("The code is empty.")))
        if commitment is not None and not can_record(user, commitment.country_id):
            problems.append(
                (
                    letter("code") if "code" in columns else "",
                    _("%(code)s belongs to %(country)s: you may only update your own country.")
                    % {"code": commitment.code, "country": commitment.country.name},
                )
            )
            commitment = None
        status = None
        raw = cells.get("status")
        if not isinstance(raw, Formula):
            try:
                status = parse_status(raw)
            except StatusUnreadable as exc:
                problems.append(
                    (
                        letter("status"),
                        _("Status %(value)s: %(reason)s.")
                        % {"value": str(raw)[:30], "reason": _(str(exc))},
                    )
                )
        narrative = _clean_text(cells.get("narrative")) if "narrative" in columns else ""
        evidence = _clean_text(cells.get("evidence_url")) if "evidence_url" in columns else ""
        if evidence:
            try:
                URLValidator(schemes=["http", "https"])(evidence)
            except ValidationError:
                problems.append(
                    (
                        letter("evidence_url"),
                        _("The evidence link is not a web address (http:// or https://)."),
                    )
                )
        version = None
        if "version" in columns and cells.get("version") not in (None, ""):
            try:
                version = int(float(str(cells["version"])))
            except ValueError:
                problems.append(
                    (
                        letter("version"),
                        _("The version column was changed; download the template again."),
                    )
                )
        if commitment is not None and commitment.pk in seen:
            problems.append(
                ("", _("The same commitment as row %(row)s.") % {"row": seen[commitment.pk]})
            )
        elif commitment is not None:
            seen[commitment.pk] = number
        for column, message in problems:
            result["problems"].append(_problem(sheet.name, number, column, message))
        if problems or commitment is None:
            continue
        rows.append((number, commitment, status, narrative, evidence, version, match, score))

    # Check the rows with a status against the same rules as the browser, in bulk. A row
    # whose status is what the period already shows, with no narrative, changes nothing.
    newest_in_period = _newest_in_period([r[1] for r in rows], period)
    shown_before = dict(
        Commitment.objects.filter(pk__in=[r[1].pk for r in rows])
        .with_current_status(period)
        .values_list("pk", "current_status")
    )
    changes = []
    for number, commitment, status, narrative, evidence, version, match, score in rows:
        newest = newest_in_period.get(commitment.pk)
        current = newest[1] if newest else shown_before.get(commitment.pk)
        if status is None or (status == current and not narrative):
            result["unchanged"].append({"row": number, "code": commitment.code})
            continue
        changes.append(
            (
                number,
                commitment,
                status,
                narrative,
                evidence,
                version if version is not None else (newest[0] if newest else 0),
                match,
                score,
            )
        )
    if changes and not period.locked:
        errors, _conflicts, _latest, before = services.check_changes(
            [services.StatusChange(c[1], c[2], c[3], c[5], c[4]) for c in changes],
            period=period,
            user=user,
        )
    else:
        errors, before = {}, {}
    for number, commitment, status, narrative, evidence, base, match, score in changes:
        if commitment.code in errors:
            for message in errors[commitment.code]:
                result["problems"].append(_problem(sheet.name, number, "", message))
            continue
        result["changes"].append(
            {
                "row": number,
                "code": commitment.code,
                "commitment": commitment.pk,
                "country": commitment.country.iso3,
                "text": commitment.text[:200],
                "old": before.get(commitment.pk),
                "new": status,
                "narrative": narrative,
                "evidence_url": evidence,
                "base_version": base,
                "match": match,
                "similarity": round(score, 2),
            }
        )
    result["problems"].sort(key=lambda p: (p["row"], p["column"]))
    return result


def _newest_in_period(commitments, period) -> dict[int, tuple[int, int]]:
    """commitment id -> (id, status) of its newest row in ``period`` (any review state)."""
    from ..models import StatusUpdate

    newest: dict[int, tuple[int, int]] = {}
    rows = (
        StatusUpdate.objects.filter(commitment__in=[c.pk for c in commitments], period=period)
        .order_by("created_at", "id")
        .values_list("commitment_id", "id", "status")
    )
    for commitment_id, pk, status in rows:
        newest[commitment_id] = (pk, status)
    return newest


def create_upload(
    *, data: bytes, name: str, user, period: ReportingPeriod, source: str = Source.SPREADSHEET
) -> SpreadsheetUpload:
    """Keep the file and its preview (or why it was rejected). Writes no status."""
    from django.core.files.base import ContentFile

    upload = SpreadsheetUpload(
        user=user, original_name=name[:255], size=len(data), period=period, source=source
    )
    try:
        upload.preview = preview(data, user=user, period=period)
    except Rejected as exc:
        upload.state = SpreadsheetUpload.State.REJECTED
        upload.outcome = str(exc)
        upload.finished_at = timezone.now()
    else:
        upload.state = SpreadsheetUpload.State.PREVIEWED
        upload.changed = len(upload.preview["changes"])
        upload.unchanged = len(upload.preview["unchanged"])
        upload.problems = len(upload.preview["problems"]) + len(upload.preview["file_problems"])
    if len(data) <= 5 * 1024 * 1024:  # keep what was sent (larger files were refused unread)
        upload.file.save(f"upload-{timezone.now():%Y%m%d%H%M%S}.bin", ContentFile(data), save=False)
    upload.save()
    return upload


def apply(upload: SpreadsheetUpload, *, user, confirmed: set[int] | None = None) -> int:
    """Write the valid changes of a preview, all or none. ``confirmed`` lists the rows matched
    by a close text match that the person confirmed; other close matches are left out.
    Returns the number of statuses recorded; raises ValidationError if nothing could be.

    The upload's row is locked first (before the locks of ``record_many``, see
    services/locking.py), so the same upload applied twice at once is applied once and its
    outcome is never overwritten by the second attempt."""
    confirmed = confirmed or set()
    failure = None
    with transaction.atomic():
        upload = SpreadsheetUpload.objects.select_for_update(of=("self",)).get(pk=upload.pk)
        if upload.state != SpreadsheetUpload.State.PREVIEWED:
            raise ValidationError(
                _("This upload was already %(state)s.")
                % {"state": upload.get_state_display().lower()}
            )
        if upload.user_id != user.pk and not is_secretariat(user):
            raise ValidationError(_("Only the person who uploaded the file can apply it."))
        if upload.preview.get("file_problems"):
            raise ValidationError(
                _("The file has problems that block it; fix them and upload it again.")
            )
        chosen = [
            c for c in upload.preview["changes"] if c["match"] != "close" or c["row"] in confirmed
        ]
        if not chosen:
            raise ValidationError(_("There is nothing to apply."))
        commitments = Commitment.objects.only("id", "code", "country_id").in_bulk(
            [c["commitment"] for c in chosen]
        )
        changes = [
            services.StatusChange(
                commitments[c["commitment"]],
                c["new"],
                c["narrative"],
                c["base_version"],
                c["evidence_url"],
            )
            for c in chosen
        ]
        try:
            with transaction.atomic():
                services.record_many(
                    changes, period=upload.period, user=user, source=Source.SPREADSHEET
                )
        except ValidationError as exc:  # ChangesRefused, PeriodLocked: nothing was written
            upload.state = SpreadsheetUpload.State.FAILED
            upload.outcome = " ".join(exc.messages)[:5000]
            failure = exc
        else:
            upload.state = SpreadsheetUpload.State.APPLIED
            upload.applied = len(changes)
            upload.outcome = str(_("%(n)d statuses recorded.") % {"n": len(changes)})
        upload.finished_at = timezone.now()
        upload.save(update_fields=["state", "applied", "outcome", "finished_at"])
    if failure is not None:
        raise failure
    return len(changes)


def cancel(upload: SpreadsheetUpload, *, user) -> None:
    if upload.state == SpreadsheetUpload.State.PREVIEWED and (
        upload.user_id == user.pk or is_secretariat(user)
    ):
        upload.state = SpreadsheetUpload.State.CANCELLED
        upload.finished_at = timezone.now()
        upload.save(update_fields=["state", "finished_at"])
