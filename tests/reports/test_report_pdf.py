"""The generated progress report: PDF (read back with pypdf) and printable page, in English and
Spanish, with the engine's figures."""

import io
import re

import pytest
from pypdf import PdfReader

from demo.services import seed_demo
from periods.models import ReportingPeriod
from reports import progress
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    loaded_plans()
    seed_demo()


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5000
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_regional_pdf_has_the_engines_figures(client, demo):
    period = ReportingPeriod.objects.get(code="2024")
    text = flat(pdf_text(client.get("/report.pdf", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")))
    by_pillar = progress.compute(["pillar"], period)
    by_country = progress.compute(["country"], period)
    total = by_pillar.total
    assert "MIRPS progress report" in text and "Demo data" in text
    assert (
        f"the average implementation across all pillars in the region stands at "
        f"{total.progress:.1f}%" in text
    )
    assert f"over the {total.reported} of {total.commitments} commitments" in text
    for group in by_pillar.groups:
        assert f"{group.stats.progress:.1f}% in pillar {group.keys['pillar']}" in text
    for group in by_country.groups:
        assert f"{group.label} {group.stats.progress:.1f}%" in text
    # freshness in the summary: reported in 2024 itself, beside the coverage as of 2024
    assert total.updated < total.reported
    assert (
        f"In 2024 itself, {total.updated} of the {total.commitments} commitments were updated "
        f"({round(100 * total.reporting_rate)}%)" in text
    )
    # the tables: a row per pillar with progress, coverage, updated and reported/commitments
    for group in by_pillar.groups:
        s = group.stats
        assert (
            f"{s.progress:.1f}% {round(100 * s.coverage)}% {round(100 * s.reporting_rate)}% "
            f"{s.reported}/{s.commitments}" in text
        )


def test_country_pdf_in_spanish(client, demo):
    period = ReportingPeriod.objects.get(code="2023")
    text = flat(pdf_text(client.get("/report.pdf", {"period": "2023", "country": "GTM"})))
    total = progress.compute(period=period, country="GTM").total
    assert f"{total.progress:.1f}%" in text  # a decimal point in Spanish too (mirps/numbers.py)
    assert "Guatemala" in text
    assert f"{total.reported}/{total.commitments}" in text
    assert f"En 2023 mismo, {total.updated} de los {total.commitments} compromisos" in text


def test_pdf_without_any_status(client):
    loaded_plans()
    text = flat(pdf_text(client.get("/report.pdf", HTTP_ACCEPT_LANGUAGE="en")))
    assert "no commitment in the region has an approved status yet" in text


def test_printable_report_page(client, demo):
    period = ReportingPeriod.objects.get(code="2024")
    html = client.get(
        "/report/", {"period": "2024", "country": "HND"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    total = progress.compute(period=period, country="HND").total
    assert f"in Honduras stands at {total.progress:.1f}%" in html
    assert 'href="/report.pdf?period=2024&amp;country=HND"' in html
    assert "@media print" in open("static/css/dashboard.css").read()
    for group in progress.compute(["focus_area"], period, country="HND").groups:
        if group.stats.progress is not None:
            assert f"{group.stats.progress:.1f}%" in html


# --- Issue 11: full chart labels, no empty focus areas, the demo notice in both languages ----


def test_country_pdf_lists_only_its_focus_areas_and_wraps_labels(client, demo, tmp_path):
    """GTM has no commitment in some focus areas: no "n/a 0% (0/0)" row for them; the chart's
    pillar labels are whole words (wrapped), never "Immediate and persistent nee"."""
    from commitments.models import FocusArea

    response = client.get(
        "/report.pdf", {"period": "2024", "country": "GTM"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    (tmp_path / "gtm.pdf").write_bytes(response.content)
    text = flat(pdf_text(response))
    period = ReportingPeriod.objects.get(code="2024")
    areas = progress.compute(["focus_area"], period, country="GTM").groups
    empty = [g for g in areas if not g.stats.commitments]
    assert empty, "the fixtures give Guatemala no commitment in some focus area"
    for group in empty:
        assert FocusArea.objects.get(code=group.keys["focus_area"]).name not in text
    assert "0/0" not in text and "n/a" not in text
    for group in areas:
        if group.stats.commitments:
            assert f"{group.stats.reported}/{group.stats.commitments}" in text
    assert "Demo data" in text
    assert "Immediate and persistent needs" in text  # the whole name, on its wrapped lines
    assert "Pillar 2 ·" in text
    assert not re.search(r"persistent nee(?!ds)", text)  # the old cut at 28 characters


def test_pdf_chart_labels_are_wrapped_on_words():
    from django.utils import translation

    from reports.pdf import LABEL_CHARS, chart_label

    with translation.override("en"):  # whatever language an earlier test left active
        label = chart_label({"pillar": 2, "label": "Immediate and persistent needs"})
    lines = label.split("\n")
    assert " ".join(lines) == "Pillar 2 · Immediate and persistent needs"
    assert all(len(line) <= LABEL_CHARS for line in lines) and len(lines) == 2
    assert chart_label({"country": "GTM", "label": "Guatemala"}) == "Guatemala"


def test_spanish_pdf_has_the_demo_notice_in_spanish(client, demo):
    text = flat(pdf_text(client.get("/report.pdf", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="es")))
    assert "Datos de demostración" in text
    assert "Pilar 2 · Necesidades inmediatas" in text or "Pilar 2 ·" in text


def test_printable_country_report_has_no_empty_focus_area(client, demo):
    html = client.get(
        "/report/", {"period": "2024", "country": "GTM"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    period = ReportingPeriod.objects.get(code="2024")
    groups = progress.compute(["focus_area"], period, country="GTM").groups
    assert any(not g.stats.commitments for g in groups)
    assert "(0/0)" not in html and "0 of 0" not in html
    for g in groups:
        if g.stats.commitments:
            assert f"({g.stats.reported}/{g.stats.commitments})" in html


@pytest.mark.parametrize("language", ["es", "en"])
def test_pdf_table_headers_are_wrapped_and_fit_their_columns(language):
    """Every header cell of the PDF's tables is a Paragraph (it wraps on its words, never runs
    into the next column), and its longest word fits the column between the cell paddings, in
    Spanish ("Cobertura Actualizados Reportados" overlapped) and in English."""
    from django.utils import translation
    from reportlab.platypus import Paragraph

    from reports import pdf

    styles = pdf._styles()
    levels = {key: 1 for key in pdf.LEVEL_KEYS}
    group = {"label": "x", "progress": 41.0, "coverage": 0.9, "updated": 3,
             "reporting_rate": 0.5, "reported": 9, "commitments": 10, "levels": levels}  # fmt: skip
    latest = {"value": 1, "qualifier_label": "", "period": "2024", "document": "d",
              "section": "s", "quote": ""}  # fmt: skip
    with translation.override(language):
        tables = [
            pdf.stats_table([group], group, heading, styles)
            for heading in (_t("Pillar"), _t("Country"), _t("Focus area"))
        ]
        tables.append(pdf.indicators_table([{"name": "n", "latest": latest}], styles))
        for table in tables:
            header = table._cellvalues[0]
            widths = table._colWidths
            assert sum(widths) <= pdf.WIDTH
            for cell, width in zip(header, widths, strict=True):
                assert isinstance(cell, Paragraph), cell
                room = width - 2 * pdf.CELL_PADDING
                assert cell.minWidth() <= room, (cell.text, cell.minWidth(), room)


def _t(text):
    from django.utils.translation import gettext

    return gettext(text)
