"""The matrix's second sheet, "Indicators": national teams submit indicator values in the same
file as statuses. The template lists the country's indicators; the importer reads both sheets
(each also alone), checks indicator rows with coded messages, previews both, and writes both
in one transaction (values submitted for the secretariat's review), or nothing.

People: gabriel, Guatemala's team (may record GTM only); sofia, the secretariat (any country).
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from countries.models import Country
from indicators.loading import load_indicators
from indicators.models import IndicatorValue
from mirps.vocabulary import ReviewState
from spreadsheets import importer
from spreadsheets.formats import INDICATOR_TABLE, is_indicator_header, map_columns
from spreadsheets.indicator_rows import parse_figure
from spreadsheets.messages import render
from statuses.models import StatusUpdate
from tests.spreadsheets.conftest import row_of, save

# the indicators with a Guatemala figure in the 2024 annual report (fixtures/indicators_2024.json)
GTM_INDICATORS = [
    "REF_RECOGNISED", "ASYLUM_SEEKERS", "WORK_PERMITS_REFUGEES", "WORK_PERMITS_ASYLUM_SEEKERS",
    "CHILD_ASYLUM_SEEKERS", "CHILD_REFUGEES", "CHILDREN_PROTECTION_SUPPORTED", "OFFICIALS_TRAINED",
    "TRAINING_SESSIONS", "LOCAL_GOVERNMENTS_COMMITTED", "LOCAL_AGREEMENTS_SIGNED",
    "VIOLENCE_PREVENTION_PARTICIPANTS", "SKILLS_TRAINING_PARTICIPANTS", "SKILLS_CERTIFIED",
    "PLATFORM_TRAINING_REFUGEES", "EMPLOYERS_TRAINED", "RSD_COMMISSION_TRAINING_SESSIONS",
]  # fmt: skip
GTM_VALUES = len(GTM_INDICATORS)  # one row per indicator, whatever its number of figures


@pytest.fixture
def catalogue(plans):
    load_indicators()


@pytest.fixture
def book(people, period, catalogue):
    """The GTM template for 2025, in Spanish, with its indicators sheet."""
    from spreadsheets.template import build_matrix

    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es", people["gabriel"])
    return openpyxl.load_workbook(io.BytesIO(data))


def ind_row(sheet, code) -> int:
    return row_of(sheet, code)


def fill_value(sheet, code, value, document="Informe nacional 2025", where="p. 4", quote=""):
    row = ind_row(sheet, code)
    sheet.cell(row, 10).value = value
    sheet.cell(row, 11).value = document
    sheet.cell(row, 12).value = where
    sheet.cell(row, 13).value = quote
    return row


def set_status(matrix, code="GTM-PRO-01"):
    row = row_of(matrix, code)
    matrix.cell(row, 7).value = 3
    matrix.cell(row, 8).value = "Se abrió la oficina de Quetzaltenango."
    return row


def upload(data, user, period):
    return importer.create_upload(data=data, name="m.xlsx", user=user, period=period)


def codes(preview):
    return sorted((p["sheet"], p["row"], p["column"], p["code"]) for p in preview["problems"])


# --- the template ----------------------------------------------------------------------------


def test_template_has_the_indicators_sheet_with_the_countrys_indicators(book):
    assert book.sheetnames[:2] == ["Matriz", "Indicadores"]
    sheet = book["Indicadores"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Código del indicador" and header[9] == "Nuevo valor (2025)"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    # Guatemala has values for 17 indicators: its rows are those, in catalogue order
    assert [r[0] for r in rows] == GTM_INDICATORS
    assert all(r[1] == "GTM" for r in rows)
    # 2025 has no value yet: each row is the reporting period, version 0, nothing current
    first = rows[0]
    assert first[2] == "Personas reconocidas como refugiadas"
    assert (first[5].date(), first[6].date()) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert first[7] is None and first[14] == 0
    assert sheet.column_dimensions["O"].hidden


def test_template_shows_the_current_value_of_the_period_and_its_version(people, period, catalogue):
    from periods.models import ReportingPeriod
    from spreadsheets.template import build_matrix

    p2024 = ReportingPeriod.objects.get(code="2024")
    data = build_matrix([Country.objects.get(iso3="GTM")], p2024, "en", people["gabriel"])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Indicators"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    permits = rows["WORK_PERMITS_REFUGEES"]
    value = IndicatorValue.objects.get(indicator__code="WORK_PERMITS_REFUGEES", country__iso3="GTM")
    assert permits[4] == "January to September 2024"  # the period as the report states it
    assert (permits[7], permits[8], permits[14]) == (56, "Approved", value.pk)


def test_a_country_without_values_gets_the_whole_catalogue(people, period, catalogue):
    from indicators.models import Indicator
    from spreadsheets.template import build_matrix, indicator_rows

    IndicatorValue.objects.filter(country__iso3="GTM").delete()
    rows = indicator_rows([Country.objects.get(iso3="GTM")], period, "en")
    assert len(rows) == Indicator.objects.count() == 90
    assert build_matrix([Country.objects.get(iso3="GTM")], period, "en", people["gabriel"])


# --- headers as teams write them ---------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        ["Código del indicador", "Indicador", "Nuevo valor (2025)", "Documento fuente",
         "Página, sección o enlace"],
        ["Indicator code", "Indicator", "New value", "Source document", "Page, section or link"],
        ["CODIGO", "Nombre del indicador", "Cifra 2025", "Fuente", "Página"],
        ["Code", "Indicator name", "Value (persons)", "Source", "Link"],
        ["Código  del\nindicador", "Indicador", "Valor reportado", "Fuente de información",
         "Sección"],
    ],
)  # fmt: skip
def test_indicator_headers_in_either_language_and_variants(headers):
    mapped = map_columns(headers, INDICATOR_TABLE)
    assert is_indicator_header(mapped)
    assert [mapped[k].index for k in ("new_value", "source_document", "source_section")] == [
        2, 3, 4
    ]  # fmt: skip


def test_a_misspelt_header_is_recognised_by_similarity():
    mapped = map_columns(["Indicador", "Nuevo vlor", "Fuente"], INDICATOR_TABLE)
    assert mapped["new_value"].index == 1 and mapped["new_value"].how == "similar"


@pytest.mark.parametrize(
    "written, value",
    [("1,234.5", "1234.5"), ("1.234,5", "1234.5"), ("31.000", "31000"), ("31,000", "31000"),
     ("12 800", "12800"), (56, "56"), (12.5, "12.5"), ("-5", "-5")],
)  # fmt: skip
def test_figures_in_either_style(written, value):
    assert parse_figure(written) == Decimal(value)


@pytest.mark.parametrize("written", ["many", "1,2,3.4.5", "12/03/2024", True])
def test_what_is_not_a_figure(written):
    with pytest.raises(ValueError):
        parse_figure(written)


# --- preview and apply -----------------------------------------------------------------------


def test_status_and_indicator_value_are_previewed_and_applied_together(book, people, period):
    matrix, sheet = book["Matriz"], book["Indicadores"]
    status_row = row_of(matrix, "GTM-PRO-01")
    matrix.cell(status_row, 7).value = 3
    matrix.cell(status_row, 8).value = "Se abrió la oficina de Quetzaltenango."
    row = fill_value(sheet, "WORK_PERMITS_REFUGEES", "1.234", quote="Se otorgaron 1.234 permisos.")
    record = upload(save(book), people["gabriel"], period)
    preview = record.preview
    assert preview["problems"] == [] and preview["file_problems"] == []
    assert [(c["sheet"], c["row"], c["column"], c["code"]) for c in preview["changes"]] == [
        ("Matriz", status_row, "G", "GTM-PRO-01")
    ]
    [change] = preview["indicator_changes"]
    assert (change["sheet"], change["row"], change["column"]) == ("Indicadores", row, "J")
    assert (change["indicator"], change["country"], change["new"], change["old"]) == (
        "WORK_PERMITS_REFUGEES", "GTM", "1234", None
    )  # fmt: skip
    assert (change["period_start"], change["period_end"]) == ("2025-01-01", "2025-12-31")
    # read = changed (1 status + 1 value) + unchanged (29 + 3) + problems + ignored
    assert preview["tally"] == {
        "changed": 2, "unchanged": 29 + GTM_VALUES - 1, "problem_rows": 0, "ignored": 0,
        "read": 30 + GTM_VALUES,
    }  # fmt: skip
    assert record.changed == 2

    assert importer.apply(record, user=people["gabriel"]) == 1
    record.refresh_from_db()
    assert (record.state, record.applied, record.indicators_applied) == ("applied", 1, 1)
    assert record.outcome_message() == "1 status recorded; indicator values recorded: 1."
    value = IndicatorValue.objects.get(route="spreadsheet")
    assert (value.value, value.review_state, value.created_by) == (
        Decimal("1234"), ReviewState.SUBMITTED, people["gabriel"]
    )  # fmt: skip
    assert (value.source_document, value.source_section) == ("Informe nacional 2025", "p. 4")
    assert value.source_quote == "Se otorgaron 1.234 permisos."
    assert StatusUpdate.objects.get(commitment__code="GTM-PRO-01", period=period).status == 3


def test_the_template_unchanged_proposes_nothing(book, people, period):
    preview = upload(save(book), people["gabriel"], period).preview
    assert preview["changes"] == preview["indicator_changes"] == preview["problems"] == []
    assert preview["tally"]["unchanged"] == 30 + GTM_VALUES
    assert {s["name"]: s["role"] for s in preview["sheets"]}["Indicadores"] == "indicators"


def test_a_file_without_the_indicators_sheet_still_works(book, people, period):
    del book["Indicadores"]
    matrix = book["Matriz"]
    set_status(matrix)
    record = upload(save(book), people["gabriel"], period)
    assert record.preview["indicator_changes"] == [] and len(record.preview["changes"]) == 1
    assert importer.apply(record, user=people["gabriel"]) == 1
    record.refresh_from_db()
    assert record.indicators_applied == 0
    assert record.outcome_message() == "1 status recorded."


def test_a_file_with_only_the_indicators_sheet_works(book, people, period):
    for name in ("Matriz", "Instrucciones", "_mirps"):
        del book[name]
    fill_value(book["Indicadores"], "REF_RECOGNISED", 600)
    record = upload(save(book), people["gabriel"], period)
    assert record.preview["file_problems"] == []
    assert len(record.preview["indicator_changes"]) == 1
    assert importer.apply(record, user=people["gabriel"]) == 0
    assert IndicatorValue.objects.filter(route="spreadsheet", value=600).count() == 1


def test_indicator_row_problems_are_coded_with_their_column(book, people, period):
    sheet = book["Indicadores"]
    a = fill_value(sheet, "REF_RECOGNISED", "muchos")
    b = fill_value(sheet, "ASYLUM_SEEKERS", -4)
    c = fill_value(sheet, "WORK_PERMITS_REFUGEES", 5, document="")
    d = fill_value(sheet, "WORK_PERMITS_ASYLUM_SEEKERS", 7, where=None)
    e = sheet.max_row + 1
    sheet.cell(e, 1).value = "NO_SUCH_THING"
    sheet.cell(e, 10).value = 3
    f = e + 1
    sheet.cell(f, 1).value = "REF_RECOGNISED"
    sheet.cell(f, 2).value = "HND"
    sheet.cell(f, 10).value = 3
    sheet.cell(f, 11).value = "Informe"
    sheet.cell(f, 12).value = "p. 1"
    record = upload(save(book), people["gabriel"], period)
    assert codes(record.preview) == [
        ("Indicadores", a, "J", "indicator_value_unreadable"),
        ("Indicadores", b, "J", "indicator_value_negative"),
        ("Indicadores", c, "K", "indicator_source_missing"),
        ("Indicadores", d, "L", "indicator_section_missing"),
        ("Indicadores", e, "A", "indicator_unknown"),
        ("Indicadores", f, "B", "indicator_other_country"),
    ]
    message = next(p for p in record.preview["problems"] if p["row"] == f)
    assert render(message["code"], message["params"]) == (
        "REF_RECOGNISED for Honduras: you may only record indicator values for your own "
        "countries. Delete the row."
    )
    from django.utils import translation

    with translation.override("es"):
        assert "Honduras" in render(message["code"], message["params"])
        assert render("indicator_value_negative", {"value": "-4"}).startswith("«-4» es negativo")
    with pytest.raises(ValidationError) as refused:
        importer.apply(record, user=people["gabriel"])
    assert refused.value.code == "apply_has_problems"
    assert not IndicatorValue.objects.filter(route="spreadsheet").exists()


def test_duplicates_are_both_problems(book, people, period):
    sheet = book["Indicadores"]
    a = fill_value(sheet, "REF_RECOGNISED", 600)
    b = sheet.max_row + 1
    for column in range(1, 16):
        sheet.cell(b, column).value = sheet.cell(a, column).value
    sheet.cell(b, 10).value = 601
    record = upload(save(book), people["gabriel"], period)
    preview = record.preview
    # one problem naming both rows (issue 19: never one per row listing every other), and
    # both rows counted as rows with problems
    assert codes(preview) == [("Indicadores", a, "A", "indicator_duplicate_rows")]
    assert preview["problems"][0]["params"]["at"] == [["Indicadores", a], ["Indicadores", b]]
    assert preview["tally"]["problem_rows"] == 2
    with translation.override("en"):
        message = render("indicator_duplicate_rows", preview["problems"][0]["params"])
    assert f"in 2 rows: rows {a}, {b}." in message


def test_a_value_recorded_after_the_download_is_a_conflict(book, people, period):
    from indicators.models import Indicator

    sheet = book["Indicadores"]
    row = fill_value(sheet, "REF_RECOGNISED", 600)
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="REF_RECOGNISED"),
        country=Country.objects.get(iso3="GTM"), value=590, period_start=period.start_date,
        period_end=period.end_date, source_document="X", source_section="1", route="web",
        created_by=people["sofia"], review_state="approved",
    )  # fmt: skip
    preview = upload(save(book), people["gabriel"], period).preview
    assert codes(preview) == [("Indicadores", row, "O", "indicator_changed_since_download")]
    assert "sofia recorded 590" in render(preview["problems"][0]["code"],
                                          preview["problems"][0]["params"])  # fmt: skip


def test_apply_valid_rows_covers_both_sheets(book, people, period):
    matrix, sheet = book["Matriz"], book["Indicadores"]
    set_status(matrix)
    fill_value(sheet, "REF_RECOGNISED", 600)
    fill_value(sheet, "ASYLUM_SEEKERS", "x")
    record = upload(save(book), people["gabriel"], period)
    with pytest.raises(ValidationError):
        importer.apply(record, user=people["gabriel"])
    assert importer.apply(record, user=people["gabriel"], skip_problems=True) == 1
    record.refresh_from_db()
    assert (record.mode, record.skipped, record.indicators_applied) == ("valid_rows", 1, 1)


def test_apply_is_one_transaction_a_refused_value_writes_no_status(book, people, period):
    """Someone records the same slot between preview and apply: the indicators service refuses,
    and the status of the same file is not written either."""
    from indicators import services as indicator_services
    from indicators.models import Indicator

    matrix, sheet = book["Matriz"], book["Indicadores"]
    set_status(matrix)
    fill_value(sheet, "REF_RECOGNISED", 600)
    record = upload(save(book), people["gabriel"], period)
    assert record.preview["problems"] == []
    indicator_services.submit_indicator_value(
        indicator=Indicator.objects.get(code="REF_RECOGNISED"),
        country=Country.objects.get(iso3="GTM"), value=599, user=people["sofia"],
        period_start=period.start_date, period_end=period.end_date, source_document="X",
        source_section="1",
    )  # fmt: skip
    statuses = StatusUpdate.objects.count()
    with pytest.raises(ValidationError) as refused:
        importer.apply(record, user=people["gabriel"])
    assert refused.value.code == "apply_refused"
    assert StatusUpdate.objects.count() == statuses
    assert not IndicatorValue.objects.filter(route="spreadsheet").exists()
    record.refresh_from_db()
    assert record.state == "failed"


def test_a_hidden_indicators_sheet_is_reported_not_read(book, people, period):
    fill_value(book["Indicadores"], "REF_RECOGNISED", 600)
    book["Indicadores"].sheet_state = "hidden"
    preview = upload(save(book), people["gabriel"], period).preview
    assert {s["name"]: s["role"] for s in preview["sheets"]}["Indicadores"] == "hidden"
    assert preview["indicator_changes"] == []


def test_the_secretariat_values_are_approved(book, people, period):
    fill_value(book["Indicadores"], "REF_RECOGNISED", 600)
    record = upload(save(book), people["sofia"], period)
    importer.apply(record, user=people["sofia"])
    assert IndicatorValue.objects.get(route="spreadsheet").review_state == ReviewState.APPROVED


def test_preview_of_both_sheets_costs_a_constant_number_of_queries(
    book, people, period, django_assert_num_queries
):
    matrix, sheet = book["Matriz"], book["Indicadores"]
    for row in range(2, 32):
        matrix.cell(row, 7, 2)
        matrix.cell(row, 8, "avance")
    for code in ("REF_RECOGNISED", "ASYLUM_SEEKERS", "WORK_PERMITS_REFUGEES"):
        fill_value(sheet, code, 100)
    data = save(book)
    with django_assert_num_queries(7):
        # statuses (see test_roundtrip): 1 commitments (with their countries and editions in
        # force), 2 newest rows in the period, 3 status
        # shown before (the write service's checks reuse both); indicators: 4 the catalogue,
        # 5 the countries, 6 the newest value of each slot, 7 the indicators service's check
        result = importer.preview(data, user=people["gabriel"], period=period)
    assert len(result["changes"]) == 30 and len(result["indicator_changes"]) == 3


# --- the API -----------------------------------------------------------------------------------

UPLOADS = "/api/v1/spreadsheet-uploads/"


def _api(user, language="en"):
    from rest_framework.test import APIClient

    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(user)
    return api


def _post(api, data, period="2025"):
    file = io.BytesIO(data)
    file.name = "matriz.xlsx"
    return api.post(UPLOADS, {"file": file, "period": period}, format="multipart")


def test_api_reports_indicator_changes_and_applies_both(book, people, period):
    set_status(book["Matriz"])
    row = fill_value(book["Indicadores"], "ASYLUM_SEEKERS", "1.753,5")
    api = _api(people["gabriel"])
    created = _post(api, save(book))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["changed"] == 2
    [change] = body["indicator_changes"]
    assert (change["sheet"], change["row"], change["column"], change["new"]) == (
        "Indicadores", row, "J", "1753.5"
    )  # fmt: skip
    assert body["preview"]["indicator_changes"] == body["indicator_changes"]
    applied = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert applied.status_code == 200, applied.content
    assert (applied.json()["applied"], applied.json()["indicators_applied"]) == (1, 1)
    assert applied.json()["outcome"] == "1 status recorded; indicator values recorded: 1."
    assert IndicatorValue.objects.get(route="spreadsheet").value == Decimal("1753.5")


def test_api_refusal_names_the_indicator_problem(book, people, period):
    fill_value(book["Indicadores"], "ASYLUM_SEEKERS", "-3")
    api = _api(people["gabriel"], "es")
    body = _post(api, save(book)).json()
    [problem] = body["preview"]["problems"]
    assert (problem["code"], problem["column"]) == ("indicator_value_negative", "J")
    assert problem["message"].startswith("«-3» es negativo")
    refused = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "apply_has_problems"
    valid = api.post(f"{UPLOADS}{body['id']}/apply-valid-rows/", {}, format="json")
    assert valid.status_code == 409 and valid.json()["code"] == "nothing_to_apply"


def test_api_columns_action_knows_the_indicator_columns(book, people, period):
    sheet = book["Indicadores"]
    row = fill_value(sheet, "REF_RECOGNISED", 600)
    sheet.cell(1, 10).value = "Lo que hay"  # the new value's header, not recognised
    api = _api(people["gabriel"])
    body = _post(api, save(book)).json()
    assert {s["name"]: s["role"] for s in body["preview"]["sheets"]}["Indicadores"] == "no_header"
    corrected = api.post(
        f"{UPLOADS}{body['id']}/columns/",
        {"sheet": "Indicadores", "columns": {"new_value": "J"}},
        format="json",
    )
    assert corrected.status_code == 200, corrected.content
    [change] = corrected.json()["indicator_changes"]
    assert (change["row"], change["new"]) == (row, "600")
    wrong = api.post(
        f"{UPLOADS}{body['id']}/columns/",
        {"sheet": "Indicadores", "columns": {"status": "J"}},
        format="json",
    )
    assert wrong.status_code == 400 and "status" in str(wrong.json())


def test_schema_documents_indicator_changes(people):
    api = _api(people["sofia"])
    schema = api.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    components = schema.json()["components"]["schemas"]
    assert "new" in components["IndicatorChange"]["properties"]
    upload = components["SpreadsheetUpload"]["properties"]
    assert {"indicator_changes", "indicators_applied"} <= set(upload)


def test_a_long_cell_is_never_compared_with_the_indicator_headers():
    """A 1 MB narrative in the first rows of a status sheet: looking for the indicators
    sheet's header must not compare it with every name (that took minutes)."""
    import time

    from spreadsheets.formats import guesses

    started = time.process_time()
    assert guesses("avance " * 150_000, INDICATOR_TABLE) == []
    assert time.process_time() - started < 0.5
