"""The generated progress report: PDF (read back with pypdf) and printable page, in English and
Spanish, with the engine's figures."""

import io

import pytest
from pypdf import PdfReader

from commitments.models import ReportingPeriod
from commitments.services import load_plans, seed_demo
from reports import progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_plans()
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
    assert f"{total.progress:.1f}%".replace(".", ",") in text  # Spanish decimal comma
    assert "Guatemala" in text
    assert f"{total.reported}/{total.commitments}" in text
    assert f"En 2023 mismo, {total.updated} de los {total.commitments} compromisos" in text


def test_pdf_without_any_status(client):
    load_plans()
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
