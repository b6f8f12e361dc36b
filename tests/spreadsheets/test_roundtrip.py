"""Download → fill → upload → preview → correct → apply → figures, and every rule on the way."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import ChangeEvent
from commitments.models import Commitment
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from reports import progress
from spreadsheets import importer
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.reading import Rejected
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import record_status
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db


def test_template_layout_in_spanish(gtm_template):
    sheet = gtm_template["Matriz"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Código",
        "País",
        "Área de enfoque",
        "Pilar",
        "Compromiso",
        "Estado al cierre de 2024",
        "Nuevo estado (2025)",
        "Narrativa",
        "Enlace a la evidencia",
        "Revisión (2025)",
        "Versión",
    ]
    assert sheet.freeze_panes == "B2"
    assert sheet.max_row == 31  # header + Guatemala's 30 commitments
    assert sheet.column_dimensions["K"].hidden  # the version column
    validations = sheet.data_validations.dataValidation
    assert validations and "5 - Completado" in validations[0].formula1
    assert "Instrucciones" in gtm_template.sheetnames
    meta = dict(row for row in gtm_template["_mirps"].iter_rows(values_only=True))
    assert (meta["countries"], meta["period"], meta["template_version"]) == ("GTM", "2025", "2")
    assert gtm_template["_mirps"].sheet_state == "hidden"


def test_download_page_serves_the_matrix(client, people):
    client.force_login(people["gabriel"])
    response = client.get(
        reverse("matrix-download"), {"countries": "GTM", "period": "2025", "language": "en"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["Matrix"]["A2"].value == "GTM-PRO-01"
    assert book["Matrix"]["G1"].value == "New status (2025)"
    # a national team may not download another country's matrix to fill in
    other = client.get(
        reverse("matrix-download"), {"countries": "HND", "period": "2025", "language": "en"}
    )
    assert other.status_code == 403


def test_region_matrix_for_the_secretariat(client, people):
    client.force_login(people["sofia"])
    response = client.get(
        reverse("matrix-download"),
        {
            "countries": ["BLZ", "CRI", "SLV", "GTM", "HND", "MEX", "PAN"],
            "period": "2024",
            "language": "es",
        },
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["Matriz"].max_row == 230


def _upload(client, book) -> SpreadsheetUpload:
    client.post(reverse("spreadsheets"), {"file": io.BytesIO(save(book)), "period": "2025"})
    return SpreadsheetUpload.objects.latest("id")


def test_full_round_trip_changes_the_figures(client, people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 7, "3 - En implementación (60%)")
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 8, "Directorate staffed")
    sheet.cell(row_of(sheet, "GTM-PRO-02"), 7, "100%")
    sheet.cell(row_of(sheet, "GTM-PRO-02"), 8, "Training done")
    sheet.cell(row_of(sheet, "GTM-PRO-02"), 9, "https://example.org/report.pdf")
    client.force_login(people["gabriel"])
    upload = _upload(client, gtm_template)
    assert upload.state == "previewed"
    assert StatusUpdate.objects.count() == 0  # preview writes nothing
    page = client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk})).content.decode()
    assert "30 rows read = 2 changes + 28 unchanged + 0 rows with problems + 0 ignored" in page
    assert "GTM-PRO-01" in page and "Directorate staffed" in page

    client.post(reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply"})
    upload.refresh_from_db()
    assert (upload.state, upload.applied, upload.mode) == ("applied", 2, "all")
    rows = StatusUpdate.objects.order_by("commitment__code")
    assert [(r.commitment.code, r.status, r.source, r.review_state) for r in rows] == [
        ("GTM-PRO-01", 3, "spreadsheet", "submitted"),
        ("GTM-PRO-02", 5, "spreadsheet", "submitted"),
    ]
    assert rows[1].evidence_url == "https://example.org/report.pdf"
    assert {r.created_by.username for r in rows} == {"gabriel"}
    assert not ChangeEvent.objects.exists()  # the rows are the record; nothing was reviewed
    # figures move once approved
    assert progress.compute(period=period).total.reported == 0
    review(updates=list(rows), user=people["sofia"], approve=True)
    total = progress.compute(period=period).total
    assert (total.reported, total.progress) == (2, 80.0)
    # applying twice is refused
    again = client.post(
        reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply"}, follow=True
    )
    assert "already" in again.content.decode()
    assert StatusUpdate.objects.count() == 2


def test_a_file_with_problems_is_all_or_nothing_unless_valid_rows_are_chosen(
    client, people, gtm_template
):
    sheet = gtm_template["Matriz"]
    for code, status in (("GTM-PRO-01", 1), ("GTM-PRO-02", 2), ("GTM-PRO-03", 9)):
        sheet.cell(row_of(sheet, code), 7, status)
        sheet.cell(row_of(sheet, code), 8, "n")
    client.force_login(people["gabriel"])
    upload = _upload(client, gtm_template)
    page = client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk})).content.decode()
    assert "Apply the 2 valid rows and skip the 1 listed" in page
    assert 'value="apply"' not in page  # no all-or-nothing button while there are problems

    refused = client.post(
        reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply"}, follow=True
    )
    assert "the preview lists a row with problems" in refused.content.decode()
    assert StatusUpdate.objects.count() == 0
    upload.refresh_from_db()
    assert upload.state == "previewed"

    client.post(reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply_valid"})
    upload.refresh_from_db()
    assert (upload.state, upload.mode, upload.skipped, upload.applied) == (
        "applied",
        "valid_rows",
        1,
        2,
    )
    assert sorted(StatusUpdate.objects.values_list("commitment__code", flat=True)) == [
        "GTM-PRO-01",
        "GTM-PRO-02",
    ]
    history = client.get(reverse("spreadsheets")).content.decode()
    assert "valid rows only: 1 row skipped as chosen" in history


def test_problems_name_sheet_row_and_column(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    r3, r6 = row_of(sheet, "GTM-PRO-03"), row_of(sheet, "GTM-PRO-06")
    sheet.cell(r3, 7, 9)
    sheet.cell(r6, 7, "4")  # a change without a narrative
    result = importer.preview(save(gtm_template), user=people["gabriel"], period=period)
    problems = {(p["sheet"], p["row"], p["column"]): p["code"] for p in result["problems"]}
    assert problems == {
        ("Matriz", r3, "G"): "status_out_of_range",
        ("Matriz", r6, "H"): "narrative_required",  # the narrative column, named
    }


def test_messages_are_stored_as_codes_and_read_in_the_readers_language(
    client, people, gtm_template
):
    gtm_template["Matriz"].cell(2, 7, 8)
    with translation.override("es"):  # the team uploads in Spanish
        client.force_login(people["gabriel"])
        upload = _upload(client, gtm_template)
    assert upload.preview["problems"][0]["code"] == "status_out_of_range"
    assert "message" not in upload.preview["problems"][0]  # no text frozen in a language
    client.force_login(people["sofia"])  # the secretariat reads it in English, then Spanish
    english = client.get(
        reverse("spreadsheet-upload", kwargs={"pk": upload.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        "Status “8” is outside the scale. Choose a level from 0 to 5." in english.content.decode()
    )
    client.cookies["django_language"] = "es"
    spanish = client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk}))
    assert "fuera de la escala" in spanish.content.decode()


def test_the_preview_says_which_column_was_taken_and_the_person_corrects_it(client, people, period):
    book = openpyxl.Workbook()
    book.active.title = "Avances"
    book.active.append(["Código", "Estado", "Descripción del avance", "Texto libre"])
    book.active.append(["GTM-PRO-07", 2, "(vacío)", "Centros mejorados"])
    client.force_login(people["gabriel"])
    upload = _upload(client, book)
    page = client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk})).content.decode()
    assert "selected>column C “Descripción del avance”" in page  # Narrative ← column C
    assert "recognised by its name" in page
    # the person says the narrative is in column D
    client.post(reverse("spreadsheet-columns", kwargs={"pk": upload.pk}), {"col-0-narrative": "3"})
    upload.refresh_from_db()
    assert upload.columns == {"Avances": {"narrative": 3}}
    cells = {
        c["key"]: (c["column"], c["how"]) for c in upload.preview["columns"]["Avances"]["cells"]
    }
    assert cells["narrative"] == ("D", "chosen")
    assert upload.preview["changes"][0]["narrative"] == "Centros mejorados"
    client.post(reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply"})
    assert StatusUpdate.objects.get().narrative == "Centros mejorados"


def test_preview_costs_a_constant_number_of_queries(
    people, gtm_template, period, django_assert_num_queries
):
    sheet = gtm_template["Matriz"]
    for row in range(2, 32):
        sheet.cell(row, 7, 2)
        sheet.cell(row, 8, "avance")
    data = save(gtm_template)
    user = people["gabriel"]
    with django_assert_num_queries(3):
        # 1 every commitment (to match codes and texts; with its country and whether its
        # edition is in force at the period's end), 2 the newest row in the period per
        # commitment, 3 the status shown before (approved); the write service's checks use
        # these two reads (``check_changes(rows=...)``) instead of making them again. The
        # user's permissions and memberships were read when the template was made and are
        # cached on the user. Version cells holding row ids would add one query (which rows
        # they are); this template's are all 0.
        result = importer.preview(data, user=user, period=period)
    assert len(result["changes"]) == 30


def test_commitment_changed_since_download_names_the_version_column(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-HEA-01")
    sheet.cell(row, 7, 2)
    sheet.cell(row, 8, "Ours")
    record_status(
        commitment=Commitment.objects.get(code="GTM-HEA-01"),
        period=period,
        status=4,
        narrative="Theirs",
        user=people["sofia"],
    )
    result = importer.preview(save(gtm_template), user=people["gabriel"], period=period)
    assert result["changes"] == []
    (problem,) = result["problems"]
    assert (problem["row"], problem["column"], problem["code"]) == (
        row,
        "K",
        "changed_since_download",
    )
    assert problem["params"]["who"] == "sofia" and problem["params"]["status"] == 4


def test_the_issue_500_a_template_for_another_period_with_versions(people, period):
    from countries.models import Country
    from spreadsheets.template import build_matrix

    update = record_status(
        commitment=Commitment.objects.get(code="GTM-EDU-01"),
        period=period,
        status=4,
        narrative="2025 row",
        user=people["sofia"],
    )
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-EDU-01")
    assert sheet.cell(row, 11).value == update.pk
    sheet.cell(row, 7, 5)
    sheet.cell(row, 8, "terminado")
    earlier = ReportingPeriod.objects.get(code="2024")
    result = importer.preview(save(book), user=people["gabriel"], period=earlier)
    assert [p["code"] for p in result["file_problems"]] == ["wrong_period"]
    assert result["file_problems"][0]["params"] == {"file": "2025", "period": "2024"}
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=people["gabriel"], period=earlier
    )
    with pytest.raises(ValidationError) as refused:
        importer.apply(upload, user=people["gabriel"])
    assert refused.value.code == "apply_file_problems"
    assert StatusUpdate.objects.count() == 1


def test_locked_period_blocks_the_file(people, gtm_template, period):
    gtm_template["Matriz"].cell(2, 7, 1)
    gtm_template["Matriz"].cell(2, 8, "x")
    set_period_locked(period=period, locked=True, user=people["sofia"])
    locked = importer.preview(
        save(gtm_template), user=people["gabriel"], period=ReportingPeriod.objects.get(code="2025")
    )
    assert [p["code"] for p in locked["file_problems"]] == ["period_locked"]


def test_apply_is_atomic_when_someone_writes_between_preview_and_apply(
    people, gtm_template, period
):
    sheet = gtm_template["Matriz"]
    for code, status in (("GTM-PRO-01", 1), ("GTM-PRO-02", 2), ("GTM-PRO-03", 3)):
        sheet.cell(row_of(sheet, code), 7, status)
        sheet.cell(row_of(sheet, code), 8, "n")
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert upload.changed == 3
    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-03"),
        period=period,
        status=5,
        narrative="meanwhile",
        user=people["sofia"],
    )
    with pytest.raises(ValidationError):
        importer.apply(upload, user=people["gabriel"])
    upload.refresh_from_db()
    assert (upload.state, upload.outcome_code) == ("failed", "apply_refused")
    assert "GTM-PRO-03" in upload.outcome_message() and "sofia" in upload.outcome_message()
    assert StatusUpdate.objects.count() == 1  # only sofia's


def test_apply_rolls_back_if_the_database_fails_half_way(people, gtm_template, period, monkeypatch):
    sheet = gtm_template["Matriz"]
    for code in ("GTM-PRO-01", "GTM-PRO-02"):
        sheet.cell(row_of(sheet, code), 7, 2)
        sheet.cell(row_of(sheet, code), 8, "n")
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # the statuses are inserted, then saving the upload's outcome fails
    monkeypatch.setattr(SpreadsheetUpload, "save", boom)
    with pytest.raises(RuntimeError):
        importer.apply(upload, user=people["gabriel"])
    assert StatusUpdate.objects.count() == 0
    upload.refresh_from_db()
    assert upload.state == "previewed"


def test_someone_elses_upload_cannot_be_applied_corrected_or_seen(
    client, people, gtm_template, period
):
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    from tests.builders import member

    client.force_login(member("ines", "GTM"))
    kwargs = {"pk": upload.pk}
    assert client.get(reverse("spreadsheet-upload", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("spreadsheet-apply", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("spreadsheet-columns", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("spreadsheet-file", kwargs=kwargs)).status_code == 404


def test_upload_history_keeps_the_file_for_download(client, people, gtm_template):
    data = save(gtm_template)
    client.force_login(people["gabriel"])
    client.post(reverse("spreadsheets"), {"file": io.BytesIO(data), "period": "2025"})
    upload = SpreadsheetUpload.objects.get()
    history = client.get(reverse("spreadsheets")).content.decode()
    assert "Previewed, not applied" in history
    download = client.get(reverse("spreadsheet-file", kwargs={"pk": upload.pk}))
    assert b"".join(download.streaming_content) == data


def test_cancel_writes_nothing(client, people, gtm_template, period):
    gtm_template["Matriz"].cell(2, 7, 1)
    gtm_template["Matriz"].cell(2, 8, "x")
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    client.force_login(people["gabriel"])
    client.post(reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "cancel"})
    upload.refresh_from_db()
    assert upload.state == "cancelled" and StatusUpdate.objects.count() == 0


def test_a_close_text_match_is_applied_only_when_confirmed(people, period):
    close = Commitment.objects.get(code="GTM-JOB-01").text.replace("labour", "labor")
    book = openpyxl.Workbook()
    book.active.append(["Comentarios", "Estado", "Compromiso"])
    book.active.append(["Reforma en curso", "40%", close])
    upload = importer.create_upload(
        data=save(book), name="hand.xlsx", user=people["gabriel"], period=period
    )
    (change,) = upload.preview["changes"]
    assert (change["match"], change["ref"]) == ("close", "Sheet!2")
    with pytest.raises(ValidationError) as refused:
        importer.apply(upload, user=people["gabriel"])
    assert refused.value.code == "apply_unconfirmed"
    assert importer.apply(upload, user=people["gabriel"], confirmed={"Sheet!2"}) == 1


EXPORT_HEADERS = {
    "en": ["Code", "Country", "Focus area", "Pillar", "Commitment", "Status as of 2024"],
    "es": ["Código", "País", "Área de enfoque", "Pilar", "Compromiso", "Estado al cierre de 2024"],
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_workspace_list_export_uploads_back_with_no_change(
    client, people, period, language, fmt
):
    # an approved status and a pending submission in the period, one approved the year before
    gtm = Commitment.objects.get(code="GTM-PRO-01")
    record_status(
        commitment=gtm,
        period=ReportingPeriod.objects.get(code="2024"),
        status=2,
        narrative="2024",
        user=people["sofia"],
    )
    record_status(commitment=gtm, period=period, status=3, narrative="+", user=people["gabriel"])
    record_status(
        commitment=Commitment.objects.get(code="PAN-JOB-03"),
        period=period,
        status=4,
        narrative='=HYPERLINK("x")',
        user=people["sofia"],
    )
    client.force_login(people["gabriel"])
    export = client.get(
        reverse("commitments-export", kwargs={"fmt": fmt}),
        {"period": "2025"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert export.status_code == 200
    if fmt == "csv":
        lines = export.content.decode("utf-8-sig").strip().splitlines()
        assert lines[0].startswith(",".join(EXPORT_HEADERS[language][:5])) and len(lines) == 230
    else:
        book = openpyxl.load_workbook(io.BytesIO(export.content))
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]][:6] == EXPORT_HEADERS[language]
    upload = importer.create_upload(
        data=export.content, name=f"list.{fmt}", user=people["gabriel"], period=period
    )
    preview = upload.preview
    assert (preview["changes"], preview["problems"], preview["file_problems"]) == ([], [], [])
    assert preview["tally"] == {
        "read": 229,
        "changed": 0,
        "unchanged": 229,
        "problem_rows": 0,
        "ignored": 0,
    }


def test_the_filtered_list_export_has_the_filtered_rows(client, people, period):
    client.force_login(people["sofia"])
    xlsx = client.get(reverse("commitments-export", kwargs={"fmt": "xlsx"}), {"country": "PAN"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0].max_row == 28  # header + Panama's 27
    assert client.get("/workspace/commitments/export.pdf").status_code == 404


def test_exported_matrix_uploads_back_as_it_is(people, period):
    from countries.models import Country
    from spreadsheets.template import build_matrix

    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=2,
        narrative="=1+1 is not a formula",
        user=people["sofia"],
    )
    for language in ("en", "es"):
        data = build_matrix([Country.objects.get(iso3="GTM")], period, language, people["sofia"])
        result = importer.preview(data, user=people["sofia"], period=period)
        assert result["changes"] == [] and not result["problems"] and not result["file_problems"]
        assert len(result["unchanged"]) == 30


def test_rejected_files_are_logged_with_the_reason(people, period):
    upload = importer.create_upload(
        data=bytes(range(256)), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert (upload.state, upload.outcome_code) == ("rejected", "not_spreadsheet")
    with pytest.raises(Rejected):
        importer.preview(b"", user=people["gabriel"], period=period)
