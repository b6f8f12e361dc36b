"""Download → fill → upload → preview → apply → figures, and every rule on the way."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments.models import ChangeEvent, ReportingPeriod, SpreadsheetUpload, StatusUpdate
from commitments.services import record_status, review, set_period_locked
from commitments.spreadsheets import importer
from commitments.spreadsheets.reading import Rejected
from reports import progress

from .conftest import row_of, save

pytestmark = pytest.mark.django_db


def test_template_layout_in_spanish(gtm_template):
    sheet = gtm_template["Matriz"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == [
        "Código",
        "País",
        "Área de enfoque",
        "Pilar",
        "Compromiso",
        "Estado al cierre de 2024",
        "Nuevo estado",
    ]
    assert sheet.freeze_panes == "B2"
    assert sheet.max_row == 31  # header + Guatemala's 30 commitments
    assert sheet.column_dimensions["J"].hidden  # the version column
    validations = sheet.data_validations.dataValidation
    assert validations and "5 - Completado" in validations[0].formula1
    assert "Instrucciones" in gtm_template.sheetnames
    meta = dict(row for row in gtm_template["_mirps"].iter_rows(values_only=True))
    assert (meta["countries"], meta["period"], meta["template_version"]) == ("GTM", "2025", "1")
    assert gtm_template["_mirps"].sheet_state == "hidden"


def test_download_page_serves_the_matrix(client, people):
    client.force_login(people["gabriel"])
    response = client.get(
        reverse("matrix-download"), {"countries": "GTM", "period": "2025", "language": "en"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["Matrix"]["A2"].value == "GTM-PRO-01"
    assert book["Matrix"]["G1"].value == "New status"
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


def test_full_round_trip_changes_the_figures(client, people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 7, "3 - En implementación (60%)")
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 8, "Directorate staffed")
    sheet.cell(row_of(sheet, "GTM-PRO-02"), 7, "100%")
    sheet.cell(row_of(sheet, "GTM-PRO-02"), 8, "Training done")
    sheet.cell(row_of(sheet, "GTM-PRO-02"), 9, "https://example.org/report.pdf")
    client.force_login(people["gabriel"])
    response = client.post(
        reverse("spreadsheets"),
        {"file": io.BytesIO(save(gtm_template)), "period": "2025"},
        format="multipart",
    )
    upload = SpreadsheetUpload.objects.get()
    assert response.status_code == 302 and upload.state == "previewed"
    assert StatusUpdate.objects.count() == 0  # preview writes nothing
    page = client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk})).content.decode()
    assert "2 changes · 28 unchanged · 0 problems" in page
    assert "GTM-PRO-01" in page and "Directorate staffed" in page

    client.post(reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply"})
    upload.refresh_from_db()
    assert (upload.state, upload.applied) == ("applied", 2)
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


def test_problems_are_reported_with_sheet_row_and_column(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    r3, r4, r5, r6 = (row_of(sheet, f"GTM-PRO-0{i}") for i in (3, 4, 5, 6))
    sheet.cell(r3, 7, 9)
    sheet.cell(r4, 7, "=1+2")
    sheet.cell(r5, 7).value = __import__("datetime").date(2024, 5, 1)
    sheet.cell(r6, 7, "4")  # a change without a narrative
    extra = sheet.max_row + 1
    sheet.cell(extra, 1, "HND-PRO-01")  # another country's commitment
    sheet.cell(extra, 7, 2)
    sheet.cell(extra, 8, "x")
    sheet.cell(extra + 1, 1, "GTM-ZZZ-99")
    sheet.cell(extra + 1, 7, 2)
    sheet.cell(extra + 2, 1, "GTM-PRO-07")  # duplicate of an existing row
    sheet.cell(row_of(sheet, "GTM-PRO-07"), 7, 1)
    sheet.cell(row_of(sheet, "GTM-PRO-07"), 8, "first")
    sheet.cell(extra + 2, 7, 2)
    sheet.cell(extra + 2, 8, "second")
    result = importer.preview(save(gtm_template), user=people["gabriel"], period=period)
    problems = {(p["row"], p["column"]): p["message"] for p in result["problems"]}
    assert "out of range" in problems[(r3, "G")]
    assert "formula" in problems[(r4, "G")]
    assert "date" in problems[(r5, "G")]
    assert "narrative" in problems[(r6, "")]
    assert "belongs to Honduras" in problems[(extra, "A")]
    assert "Unknown commitment code GTM-ZZZ-99" in problems[(extra + 1, "A")]
    assert "same commitment as row" in problems[(extra + 2, "")]
    assert all(p["sheet"] == "Matriz" for p in result["problems"])
    assert [c["code"] for c in result["changes"]] == ["GTM-PRO-07"]


def test_commitment_changed_since_download_is_a_problem(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-HEA-01")
    sheet.cell(row, 7, 2)
    sheet.cell(row, 8, "Ours")
    record_status(
        commitment=__import__("commitments.models").models.Commitment.objects.get(
            code="GTM-HEA-01"
        ),
        period=period,
        status=4,
        narrative="Theirs",
        user=people["sofia"],
    )
    result = importer.preview(save(gtm_template), user=people["gabriel"], period=period)
    assert result["changes"] == []
    assert "sofia recorded status 4" in result["problems"][0]["message"]


def test_locked_period_and_wrong_period_block_the_file(people, gtm_template, period):
    gtm_template["Matriz"].cell(2, 7, 1)
    gtm_template["Matriz"].cell(2, 8, "x")
    data = save(gtm_template)
    other = ReportingPeriod.objects.get(code="2024")
    wrong = importer.preview(data, user=people["gabriel"], period=other)
    assert "made for the period 2025" in wrong["file_problems"][0]
    set_period_locked(period=period, locked=True, user=people["sofia"])
    locked = importer.preview(
        data, user=people["gabriel"], period=ReportingPeriod.objects.get(code="2025")
    )
    assert any("locked" in p for p in locked["file_problems"])


def test_apply_is_atomic_when_a_row_fails_mid_apply(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    for code, status in (("GTM-PRO-01", 1), ("GTM-PRO-02", 2), ("GTM-PRO-03", 3)):
        sheet.cell(row_of(sheet, code), 7, status)
        sheet.cell(row_of(sheet, code), 8, "n")
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert upload.changed == 3
    # between preview and apply, someone records GTM-PRO-03: the whole apply is refused
    record_status(
        commitment=__import__("commitments.models").models.Commitment.objects.get(
            code="GTM-PRO-03"
        ),
        period=period,
        status=5,
        narrative="meanwhile",
        user=people["sofia"],
    )
    with pytest.raises(ValidationError):
        importer.apply(upload, user=people["gabriel"])
    upload.refresh_from_db()
    assert upload.state == "failed" and "GTM-PRO-03" in upload.outcome
    assert StatusUpdate.objects.count() == 1  # only sofia's


def test_apply_rolls_back_if_the_database_fails_half_way(people, gtm_template, period, monkeypatch):
    sheet = gtm_template["Matriz"]
    for code in ("GTM-PRO-01", "GTM-PRO-02"):
        sheet.cell(row_of(sheet, code), 7, 2)
        sheet.cell(row_of(sheet, code), 8, "n")
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    from commitments.models import SpreadsheetUpload as Upload

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # the statuses are inserted, then saving the upload's outcome fails
    monkeypatch.setattr(Upload, "save", boom)
    with pytest.raises(RuntimeError):
        importer.apply(upload, user=people["gabriel"])
    assert StatusUpdate.objects.count() == 0
    upload.refresh_from_db()
    assert upload.state == "previewed"


def test_someone_elses_upload_cannot_be_applied_or_seen(client, people, gtm_template, period):
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    from tests.builders import member

    intruder = member("ines", "GTM")
    client.force_login(intruder)
    assert client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk})).status_code == 404
    assert (
        client.post(
            reverse("spreadsheet-apply", kwargs={"pk": upload.pk}), {"action": "apply"}
        ).status_code
        == 404
    )
    assert client.get(reverse("spreadsheet-file", kwargs={"pk": upload.pk})).status_code == 404


def test_upload_history_keeps_the_file_for_download(client, people, gtm_template, period):
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


def test_handmade_sheet_without_codes_matches_by_text(people, period):
    from commitments.models import Commitment

    exact = Commitment.objects.get(code="GTM-EDU-01").text
    close = Commitment.objects.get(code="GTM-JOB-01").text.replace("labour", "labor")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Informe de avance MIRPS - Guatemala"])
    sheet.append([])
    sheet.append(["Comentarios", "Estado", "Compromiso"])  # any order, after title rows
    sheet.append(["Acuerdo firmado", "Completado", exact])
    sheet.append(["Reforma en curso", "40%", close])
    sheet.append([])
    result = importer.preview(save(book), user=people["gabriel"], period=period)
    assert result["header_row"] == 3 and not result["problems"]
    matches = {c["code"]: (c["match"], c["new"]) for c in result["changes"]}
    assert matches == {"GTM-EDU-01": ("text", 5), "GTM-JOB-01": ("close", 2)}
    upload = importer.create_upload(
        data=save(book), name="hand.xlsx", user=people["gabriel"], period=period
    )
    # a close match is applied only when confirmed
    assert importer.apply(upload, user=people["gabriel"], confirmed=set()) == 1
    assert list(StatusUpdate.objects.values_list("commitment__code", flat=True)) == ["GTM-EDU-01"]


def test_merged_cells_are_a_problem(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    sheet.cell(2, 7, 2)
    sheet.cell(2, 8, "n")
    sheet.merge_cells("G3:H4")
    result = importer.preview(save(gtm_template), user=people["gabriel"], period=period)
    assert any("Merged cells" in p["message"] for p in result["problems"])


def test_export_of_the_filtered_list(client, people, period):
    record_status(
        commitment=__import__("commitments.models").models.Commitment.objects.get(
            code="PAN-JOB-03"
        ),
        period=period,
        status=4,
        narrative='=HYPERLINK("x")',
        user=people["sofia"],
    )
    client.force_login(people["sofia"])
    csv = client.get(
        reverse("commitments-export", kwargs={"fmt": "csv"}), {"country": "PAN"}
    ).content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Code,Country") and len(lines) == 28
    assert any(line.startswith("PAN-JOB-03,PAN,JOB,4,") for line in lines)
    xlsx = client.get(reverse("commitments-export", kwargs={"fmt": "xlsx"}), {"country": "PAN"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row == 28
    assert client.get("/workspace/commitments/export.pdf").status_code == 404


def test_exported_matrix_uploads_back_as_it_is(people, period):
    from commitments.models import Commitment
    from commitments.spreadsheets.template import build_matrix
    from countries.models import Country

    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=2,
        narrative="=1+1 is not a formula",
        user=people["sofia"],
    )
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "en", people["sofia"])
    result = importer.preview(data, user=people["sofia"], period=period)
    assert result["changes"] == [] and not result["problems"] and not result["file_problems"]
    assert len(result["unchanged"]) == 30


def test_rejected_files_are_logged_with_the_reason(people, period):
    upload = importer.create_upload(
        data=b"code,status\nGTM-PRO-01,3\n", name="m.xlsx", user=people["gabriel"], period=period
    )
    assert upload.state == "rejected" and "CSV" in upload.outcome
    with pytest.raises(Rejected):
        importer.preview(b"", user=people["gabriel"], period=period)
