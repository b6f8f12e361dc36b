"""Indicators and funding in the downloads (CSV, .xlsx) and in the PDF report, read back."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import IndicatorValue
from tests.funding.test_pages import record_gtm_funding

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_indicator_csv_has_every_approved_value_with_source_and_origin(context_data):
    rows = read_csv(Client(HTTP_ACCEPT_LANGUAGE="en").get("/export/indicators.csv"))
    header, body = rows[0], rows[1:]
    assert header[:6] == [
        "Indicator code",
        "Indicator",
        "Country code",
        "Country",
        "Qualifier",
        "Value",
    ]
    assert len(body) == IndicatorValue.objects.approved().count() == 128
    cri = next(r for r in body if r[0] == "WORK_PERMITS_ASYLUM_SEEKERS" and r[2] == "CRI")
    col = dict(zip(header, cri, strict=True))
    assert (col["Qualifier"], col["Value"], col["As printed"]) == ("more than", "31000", "31,000")
    assert (
        col["Period (as stated)"] == "January to September 2024"
        and col["Period end"] == "2024-09-30"
    )
    assert "31,000 work permits being issued" in col["Quoted sentence"]
    assert col["Origin"] == "published source"
    gtm = read_csv(Client(HTTP_ACCEPT_LANGUAGE="en").get("/export/indicators.csv?country=GTM"))
    assert {r[2] for r in gtm[1:]} == {"GTM"} and len(gtm) == 1 + 19  # header, GTM figures


def test_funding_csv_and_workbook(context_data):
    rows = read_csv(Client(HTTP_ACCEPT_LANGUAGE="en").get("/export/funding.csv"))
    header = rows[0]
    lines = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [r["Row"] for r in lines] == ["line"] * 6 + ["sum of lines", "stated total"]
    second = lines[1]
    assert (second["Gap (USD, requirement − funded)"], second["Gap as printed"]) == (
        "16494551",
        "16.494.551",
    )
    assert lines[0]["Sector"] == "label not legible in the source"
    assert (
        lines[3]["Sector"] == "Social protecti[on]" and lines[3]["Label completed by us"] == "yes"
    )
    assert (
        lines[6]["Requirement (USD)"] == "63466411" and lines[7]["Requirement (USD)"] == "63152181"
    )
    assert (
        lines[6]["Gap (USD, requirement − funded)"]
        == lines[7]["Gap (USD, requirement − funded)"]
        == "54479442"
    )
    assert all(r["Origin"] == "published source" for r in lines)
    book = load_workbook(
        io.BytesIO(Client(HTTP_ACCEPT_LANGUAGE="en").get("/export/funding.xlsx").content)
    )
    sheet = book["Funding"]
    assert sheet.cell(row=2, column=11).value == 3813551  # a number, not text
    spanish = read_csv(Client().get("/export/funding.csv"))
    assert spanish[0][0] == "Fila" and spanish[1][7] == "etiqueta ilegible en la fuente"


def test_regional_pdf_says_what_remains_unfunded(context_data):
    english = pdf_text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/report.pdf"))
    assert (
        "The 2020 quantification of MIRPS commitments identified a requirement of USD 63,152,181, "
        "of which USD 54,479,442 (86.3%) remains unfunded." in english
    )
    assert (
        "Its lines add up to a requirement of USD 63,466,411 (+314,230 against the stated total)"
        in english
    )
    spanish = pdf_text(Client().get("/report.pdf"))
    assert "USD 63,152,181" in spanish and "USD 54,479,442 (86.3%)" in spanish


def test_country_pdf_has_its_funding_sentence_and_indicators_table(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    before = pdf_text(client.get("/report.pdf", {"country": "GTM"}))
    assert "That figure is for the region" in before  # no funding recorded for GTM yet
    assert "Country indicators" in before and "Persons recognised as refugees 511" in before
    assert (
        "1 September 2023 to 30 September 2024" in before
        and "Work permits for refugees 56" in before
    )
    record_gtm_funding(people["sofia"])
    from django.core.cache import cache

    cache.clear()
    after = pdf_text(client.get("/report.pdf", {"country": "GTM"}))
    assert (
        "The quantification of Guatemala's commitments (2024) identified a requirement of "
        "USD 1,500,000, of which USD 850,000 (56.7%) remains unfunded." in after
    )
