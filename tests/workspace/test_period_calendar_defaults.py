"""The reporting calendar of the seeds as the defaults when the secretariat opens a period
(issue 22): national reports due at the end of August (2019 work plan), figures as of 30
September (2024 annual report), a mid-year period before the annual one since 2024."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from periods.calendar import defaults_for, next_period_code
from periods.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def test_the_defaults_by_code():
    annual = defaults_for("2026")
    assert (annual.submission_deadline, annual.figures_as_of) == (
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 30),
    )
    midyear = defaults_for("2026-H1")
    assert (midyear.submission_deadline, midyear.figures_as_of) == (
        dt.date(2026, 7, 31),
        dt.date(2026, 6, 30),
    )
    assert defaults_for("2026-H2") is None and defaults_for("soon") is None


def period(code, start, end, kind="annual"):
    return ReportingPeriod(code=code, kind=kind, start_date=start, end_date=end)


def test_the_next_period_proposed():
    y2023 = period("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    y2025 = period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    h2026 = period("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "midyear")
    y2022 = period("2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert next_period_code([y2025]) == "2026-H1"  # mid-year reports since 2024
    assert next_period_code([y2025, h2026]) == "2026"
    assert next_period_code([y2022]) == "2023"  # before 2024: annual only
    assert next_period_code([y2022, y2023]) == "2024-H1"
    assert next_period_code([], today=dt.date(2027, 3, 1)) == "2027-H1"


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "end of August"), ("es", "finales de agosto")],
)
def test_the_page_offers_them_and_fills_an_empty_date(people, language, said):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["sofia"])
    html = client.get(reverse("periods")).content.decode()
    assert said in html
    values = dict(re.findall(r'<input type="[a-z]+" name="([a-z_]+)" value="([^"]*)"', html))
    # the fixtures' periods end with 2025: the next is 2026's mid-year period
    assert values["code"] == "2026-H1"
    assert values["submission_deadline"] == "2026-07-31"
    assert values["figures_as_of"] == "2026-06-30"
    # opening tells the national teams at once (a deadline still ahead): the button asks first
    asks = {
        "en": "Open this period? The national teams are told at once, unless its submission "
        "deadline has already passed.",
        "es": "¿Abrir este período? Se avisa de inmediato a los equipos nacionales, salvo que su "
        "fecha límite de envío ya haya pasado.",
    }
    assert f'data-confirm="{asks[language]}"' in html
    opened = client.post(
        reverse("periods"),
        {"code": "2026", "submission_deadline": "", "review_deadline": "", "figures_as_of": ""},
    )
    assert opened.status_code == 302
    made = ReportingPeriod.objects.get(code="2026")
    assert (made.submission_deadline, made.figures_as_of) == (
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 30),
    )
    shown = client.get(reverse("periods")).content.decode()
    assert {"en": "figures as of 2026-09-30", "es": "cifras al 2026-09-30"}[language] in shown


def test_a_date_typed_is_kept(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["sofia"])
    client.post(
        reverse("periods"),
        {"code": "2026", "submission_deadline": "2026-10-15", "figures_as_of": "2026-12-31"},
    )
    made = ReportingPeriod.objects.get(code="2026")
    assert (made.submission_deadline, made.figures_as_of) == (
        dt.date(2026, 10, 15),
        dt.date(2026, 12, 31),
    )
    api = client.get("/api/v1/periods/2026/").json()
    assert api["figures_as_of"] == "2026-12-31"
