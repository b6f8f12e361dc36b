import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from countries.models import Country
from periods.models import ReportingPeriod
from tests.builders import member, secretariat
from tests.plans import loaded_plans

# Two people uploading at once needs real row locks and parallel transactions: PostgreSQL only
# (CI's second run); on SQLite, which serialises every writer, the file is not collected.
collect_ignore_glob = (
    [] if connection.vendor == "postgresql" else ["test_offline_upload_concurrency.py"]
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    # uploads keep their file: in tests, in a directory of their own, not the project's media/
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def plans(db):
    loaded_plans()


@pytest.fixture
def people(plans):
    """gabriel: Guatemala's team (GTM only); sofia: secretariat (every country)."""
    return {"gabriel": member("gabriel", "GTM"), "sofia": secretariat("sofia")}


@pytest.fixture
def period(plans):
    return ReportingPeriod.objects.get(code="2025")


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def gtm_template(people, period):
    """The GTM matrix for 2025 in Spanish, as an openpyxl workbook ready to fill in."""
    from spreadsheets.template import build_matrix

    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es", people["gabriel"])
    return openpyxl.load_workbook(io.BytesIO(data))


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(sheet, code) -> int:
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            return row[0].row
    raise KeyError(code)
