"""Issue 19: a sheet for another period, statuses that contradict themselves, the preview in the
reader's language."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commitments.models import Commitment
from countries.models import Country
from periods.models import ReportingPeriod
from spreadsheets import importer
from spreadsheets.template import build_matrix
from statuses.models import StatusUpdate
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db


def _matrix(people, code="2024"):
    period = ReportingPeriod.objects.get(code=code)
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es", people["gabriel"])
    return openpyxl.load_workbook(io.BytesIO(data)), period


def _second_sheet(book, header):
    """A second sheet of statuses, written by the team, headed for the period ``header`` (its
    commitment moved there from the matrix, so that it is in one row only)."""
    book["Matriz"].delete_rows(row_of(book["Matriz"], "GTM-JOB-01"))
    other = book.create_sheet("Estado 2023", 1)
    other.append(["Código", header, "Narrativa"])
    other.append(["GTM-JOB-01", 2, "Avance del año anterior"])
    return other


def test_a_second_sheet_headed_for_another_period_is_a_file_problem(people):
    book, period = _matrix(people, "2024")
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7).value = 3
    sheet.cell(row, 8).value = "Avance de 2024"
    _second_sheet(book, "Nuevo estado (2023)")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=people["gabriel"], period=period
    )
    (problem,) = upload.preview["file_problems"]
    assert problem["code"] == "sheet_wrong_period"
    assert problem["params"] == {
        "sheet": "Estado 2023", "file": "2023", "period": "2024", "header": "Nuevo estado (2023)",
    }  # fmt: skip
    message = importer.render(problem["code"], problem["params"])
    assert message.startswith("Sheet “Estado 2023” is headed “Nuevo estado (2023)”")
    with pytest.raises(importer.ValidationError) as refused:
        importer.apply(upload, user=people["gabriel"])
    assert refused.value.code == "apply_file_problems"
    with pytest.raises(importer.ValidationError):
        importer.apply(upload, user=people["gabriel"], skip_problems=True)
    assert StatusUpdate.objects.count() == 0


def test_a_second_sheet_for_the_same_period_or_none_is_read(people):
    for header in ("Nuevo estado (2024)", "Nuevo estado"):
        book, period = _matrix(people, "2024")
        _second_sheet(book, header)
        upload = importer.create_upload(
            data=save(book), name="m.xlsx", user=people["gabriel"], period=period
        )
        assert upload.preview["file_problems"] == []
        assert [c["code"] for c in upload.preview["changes"]] == ["GTM-JOB-01"]


def test_the_first_sheets_period_is_said_once(people):
    """A 2023 file (its hidden sheet says so) with a second 2023 sheet, uploaded to 2024: one
    "made for 2023", not one per sheet; a third period is named on its own."""
    book, _period = _matrix(people, "2023")
    _second_sheet(book, "Nuevo estado (2023)")
    third = book.create_sheet("Viejo")
    third.append(["Código", "Nuevo estado (2022)"])
    third.append(["GTM-JOB-02", 1])
    period = ReportingPeriod.objects.get(code="2024")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert [(p["code"], p["params"].get("file")) for p in upload.preview["file_problems"]] == [
        ("wrong_period", "2023"),
        ("sheet_wrong_period", "2022"),
    ]


@pytest.mark.parametrize("written", ["4 (20%)", "2 - completado", "1/2", "Completado (60%)"])
def test_a_status_that_contradicts_itself_is_a_problem_quoting_the_cell(
    people, gtm_template, period, written
):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7).value = written
    sheet.cell(row, 8).value = "avance"
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    (problem,) = upload.preview["problems"]
    assert (problem["row"], problem["column"], problem["code"]) == (row, "G", "status_contradicts")
    message = importer.render(problem["code"], problem["params"])
    assert message.startswith(f"“{written}” does not name one level")
    assert upload.preview["changes"] == []


@pytest.mark.parametrize(
    ("written", "level"),
    [("4", 4), ("4 - 80%", 4), ("80%", 4), ("completado", 5), ("4 (80%)", 4),
     ("3 - En implementación (60%)", 3), ("5 - Completed (100%)", 5)],
)  # fmt: skip
def test_consistent_statuses_are_still_read(people, gtm_template, period, written, level):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7).value = written
    sheet.cell(row, 8).value = "avance"
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert [(c["code"], c["new"]) for c in upload.preview["changes"]] == [("GTM-PRO-01", level)]


def _page(people, upload, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["gabriel"])
    return client.get(reverse("spreadsheet-upload", args=[upload.pk])).content.decode()


def test_the_spanish_preview_shows_the_spanish_text_first(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7).value = 3
    sheet.cell(row, 8).value = "avance"
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    spanish_words = " ".join(commitment.text_es.split()[:5])
    english_words = " ".join(commitment.text.split()[:5])
    spanish = _page(people, upload, "es")
    changes = spanish[spanish.index('id="changes"') :]
    assert changes.index(spanish_words) < changes.index(english_words)  # English folded after
    english = _page(people, upload, "en")
    changes = english[english.index('id="changes"') :]
    assert changes.index(english_words) < changes.index(spanish_words)
    # a preview kept before issue 19 (no Spanish text in it): the commitment's, from the database
    upload.preview["changes"][0].pop("text_es")
    upload.save()
    spanish = _page(people, upload, "es")
    changes = spanish[spanish.index('id="changes"') :]
    assert changes.index(spanish_words) < changes.index(english_words)


def test_the_apply_button_counts_each_number_in_its_own_plural(people, gtm_template, period):
    sheet = gtm_template["Matriz"]
    for code in ("GTM-PRO-01", "GTM-PRO-02"):
        row = row_of(sheet, code)
        sheet.cell(row, 7).value = 3
        sheet.cell(row, 8).value = "avance"
    sheet.cell(row_of(sheet, "GTM-PRO-03"), 7).value = "banana"
    upload = importer.create_upload(
        data=save(gtm_template), name="m.xlsx", user=people["gabriel"], period=period
    )
    spanish = " ".join(_page(people, upload, "es").split())
    assert "Aplicar las 2 filas válidas y omitir 1 señalada" in spanish
    assert "las 1 " not in spanish
    english = " ".join(_page(people, upload, "en").split())
    assert "Apply the 2 valid rows and skip the 1 listed" in english


def test_document_names_in_the_evidence_column_say_how_to_go_on(people, period):
    """A team's own sheet whose "Medio de verificación" names documents ("Informe anual"):
    every such row is a problem, as on every other route, and the message says how to go on;
    choosing no evidence column for the sheet lets the statuses through."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(["Código", "Estado", "Narrativa", "Medio de verificación"])
    sheet.append(["GTM-PRO-01", 3, "Avance", "Informe anual 2024"])
    sheet.append(["GTM-PRO-02", 2, "Avance", "Acta de la mesa técnica"])
    upload = importer.create_upload(
        data=save(book), name="propio.xlsx", user=people["gabriel"], period=period
    )
    problems = upload.preview["problems"]
    assert [(p["row"], p["code"]) for p in problems] == [
        (2, "evidence_not_url"),
        (3, "evidence_not_url"),
    ]
    with translation.override("es"):
        message = importer.render(problems[0]["code"], problems[0]["params"])
    assert "«Informe anual 2024» no es una dirección web" in message
    assert "«— no está en el archivo —»" in message and "«Qué columna es cuál»" in message

    upload = importer.correct_columns(
        upload, user=people["gabriel"], columns={"Seguimiento": {"evidence_url": None}}
    )
    assert upload.preview["problems"] == []
    assert [(c["code"], c["new"]) for c in upload.preview["changes"]] == [
        ("GTM-PRO-01", 3),
        ("GTM-PRO-02", 2),
    ]


def _own_sheet(header):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(["Código", header, "Narrativa"])
    sheet.append(["GTM-PRO-01", 3, "Avance"])
    return save(book)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Estado 2024", "2025"),  # last year's sheet sent to this year: refused, nothing written
        ("Estado 2025", "2025"),
        ("Avance 2021-2025", "2025"),  # a span that holds the period
        ("Estado 2024", "2024-H2"),  # a half of the year named
        ("Estado", "2025"),
    ],
)
def test_a_status_header_naming_another_year_is_a_file_problem(people, header, code):
    period = ReportingPeriod.objects.get_or_create(
        code=code,
        defaults={"kind": "midyear", "start_date": "2024-07-01", "end_date": "2024-12-31"},
    )[0]
    period.refresh_from_db()
    upload = importer.create_upload(
        data=_own_sheet(header), name="propio.xlsx", user=people["gabriel"], period=period
    )
    problems = upload.preview["file_problems"]
    if header == "Estado 2024" and code == "2025":
        assert [p["code"] for p in problems] == ["sheet_other_year"]
        with translation.override("es"):
            message = importer.render(problems[0]["code"], problems[0]["params"])
        assert message.startswith("La hoja «Seguimiento» tiene el encabezado «Estado 2024»")
        assert "no el período 2025" in message
        with pytest.raises(ValidationError, match="Nothing was written"):
            importer.apply(upload, user=people["gabriel"])
        assert not StatusUpdate.objects.filter(commitment__code="GTM-PRO-01").exists()
    else:
        assert problems == []
        assert [(c["code"], c["new"]) for c in upload.preview["changes"]] == [("GTM-PRO-01", 3)]


def test_a_percentage_column_of_whole_numbers_is_read_as_percentages(people, period):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Código", "% de avance", "Narrativa"])
    for code, written in [("GTM-PRO-01", 60), ("GTM-PRO-02", 100), ("GTM-PRO-03", 0),
                          ("GTM-JOB-01", 3)]:  # fmt: skip
        sheet.append([code, written, "Avance"])
    upload = importer.create_upload(
        data=save(book), name="propio.xlsx", user=people["gabriel"], period=period
    )
    changes = [(c["code"], c["new"]) for c in upload.preview["changes"]]
    assert changes == [("GTM-PRO-01", 3), ("GTM-PRO-02", 5), ("GTM-PRO-03", 0)]
    (problem,) = upload.preview["problems"]
    assert (problem["row"], problem["code"]) == (5, "status_level_or_percent")
    with translation.override("es"):
        message = importer.render(problem["code"], problem["params"])
    assert message.startswith("«3» en una columna de porcentajes (60 para 60%): ¿nivel 3, o 3%?")


def test_a_data_row_below_a_header_lacking_its_status_column_is_never_the_header(people, period):
    # "Ejecución" is no status name; the first data row's "Texto" and "Avance uno" are a text
    # and a status header by their words: the header is row 1, for the person to complete
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Código", "Compromiso", "Ejecución", "Narrativa"])
    sheet.append(["GTM-PRO-01", "Texto", 3, "Avance uno"])
    sheet.append(["GTM-PRO-02", "Texto", 4, "Avance dos"])
    upload = importer.create_upload(
        data=save(book), name="propio.xlsx", user=people["gabriel"], period=period
    )
    assert [p["code"] for p in upload.preview["file_problems"]] == ["no_header"]
    cells = upload.preview["columns"]["Sheet"]["cells"]
    assert {c["key"]: c["column"] for c in cells if c.get("key")} == {
        "code": "A", "text": "B", "narrative": "D",
    }  # fmt: skip
    chosen = importer.correct_columns(  # the person names column C
        upload, user=people["gabriel"], columns={"Sheet": {"status": 2}}
    )
    assert [(c["code"], c["new"]) for c in chosen.preview["changes"]] == [
        ("GTM-PRO-01", 3), ("GTM-PRO-02", 4),
    ]  # fmt: skip


def test_a_code_written_at_the_start_of_the_text_names_the_commitment(people, period):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Compromiso", "Estado", "Narrativa"])
    sheet.append(["GTM-PRO-10. Fortalecer la oficina", 3, "Avance"])
    sheet.append(["gtm pro 11: capacitar", 4, "Avance"])
    sheet.append(["HND-PRO-19 Otro país", 2, "Avance"])  # Honduras's: never Guatemala's to write
    sheet.append(["GTM-PRO-120 no es un código", 2, "Avance"])
    upload = importer.create_upload(
        data=save(book), name="propio.xlsx", user=people["gabriel"], period=period
    )
    changes = [(c["code"], c["new"]) for c in upload.preview["changes"]]
    assert changes == [("GTM-PRO-10", 3), ("GTM-PRO-11", 4)]
    problems = [(p["row"], p["code"]) for p in upload.preview["problems"]]
    assert problems == [(4, "other_country"), (5, "no_text_match")]
