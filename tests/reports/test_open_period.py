"""The open period (the newest unlocked one) is in progress: the trend draws it as such and
labels it, and the report compares the settled periods ("from 2021 to 2024; 2025 is in
progress") instead of reading its few updates so far as a fall."""

import io
import json
import re

import pytest
from pypdf import PdfReader

from demo.services import seed_demo
from periods.models import ReportingPeriod, open_period_among
from reports.pdf import trend_series
from tests.builders import secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo: 2021-2023 and 2024-H1 locked, 2024 and 2025 open, nothing reported in 2025."""
    loaded_plans()
    seed_demo()


def chart_data(response) -> dict:
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_open_period_is_the_newest_unlocked_one_in_both_forms(demo):
    periods = list(ReportingPeriod.objects.all())
    assert open_period_among(periods).code == "2025"
    assert ReportingPeriod.objects.open_period().code == "2025"
    ReportingPeriod.objects.filter(code="2025").update(locked=True)
    periods = list(ReportingPeriod.objects.all())
    assert open_period_among(periods).code == ReportingPeriod.objects.open_period().code == "2024"
    ReportingPeriod.objects.update(locked=True)
    assert open_period_among(list(ReportingPeriod.objects.all())) is None
    assert ReportingPeriod.objects.open_period() is None


@pytest.mark.parametrize(
    "language, label", [("en", "2025 (in progress)"), ("es", "2025 (en curso)")]
)
def test_the_dashboard_trend_marks_the_open_period_in_progress(client, demo, language, label):
    data = chart_data(client.get("/", HTTP_ACCEPT_LANGUAGE=language))["trend"]
    assert data["labels"] == ["2021", "2022", "2023", "2024-H1", "2024", label]
    assert data["in_progress"] == [False] * 5 + [True]
    # what looked like a plunge: nothing updated in 2025 yet, which the chart now says is a
    # period under way
    assert data["updated"][-1] == 0 and data["updated"][-2] > 0
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    trend_table = page[page.index('class="list trend-table"') :]
    row_2025 = trend_table[trend_table.index(">2025</a>") :]
    row_2025 = row_2025[: row_2025.index("</tr>")]
    word = "in progress" if language == "en" else "en curso"
    assert f'<span class="badge in-progress">{word}</span>' in row_2025


def test_once_locked_the_period_is_no_longer_in_progress(client, demo):
    period = ReportingPeriod.objects.get(code="2025")
    from periods.services import set_period_locked

    set_period_locked(period=period, locked=True, user=secretariat())  # announces the figures
    data = chart_data(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))["trend"]
    assert data["in_progress"] == [False, False, False, False, True, False]  # 2024 is open now
    assert data["labels"][-2:] == ["2024 (in progress)", "2025"]


def test_the_pdf_compares_the_settled_periods_and_says_the_open_one_is_in_progress(client, demo):
    english = pdf_text(client.get("/report.pdf", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "From 2021 to 2024, the average went from" in english
    assert "; 2025 is in progress." in english
    assert "to 2025" not in english
    assert "2025 is in progress (its reports are still coming in)" in english
    spanish = pdf_text(client.get("/report.pdf", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="es"))
    assert "De 2021 a 2024, el promedio pasó de" in spanish
    assert "; 2025 está en curso." in spanish and "a 2025" not in spanish
    # the printable page says the same (one text for both)
    page = client.get("/report/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "From 2021 to 2024" in page and "2025 is in progress." in page


def test_the_pdf_trend_draws_the_open_period_apart():
    trend = [
        {"period": "2023", "progress": 40.0, "coverage": 0.5, "reporting_rate": 0.4},
        {"period": "2024", "progress": 50.0, "coverage": 0.6, "reporting_rate": 0.5},
        {
            "period": "2025",
            "progress": 50.0,
            "coverage": 0.6,
            "reporting_rate": 0.0,
            "in_progress": True,
        },
    ]
    settled_progress, settled_coverage, settled_updated, *into_open = trend_series(trend)
    assert settled_updated == [40.0, 50.0, None]  # the settled line stops at 2024
    assert into_open[2] == [None, 50.0, 0.0]  # the pale segment into 2025
    assert len(into_open) == 3 and settled_progress[-1] is None
    assert len(trend_series(trend[:2])) == 3  # no open period: three lines, nothing apart
