"""The plan-edition page and the edition template with two editions loaded (issue 22): the
template is pre-filled from the country's current edition (Belize's 2024-2026, not its 2021
plan), each commitment replacing itself, and uploaded back as the next edition it previews as
continuing that edition, closing nothing; the other countries' templates are as before."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment
from commitments.services import load_plans
from tests.builders import secretariat
from tests.editions import load_belize_2024

pytestmark = pytest.mark.django_db

NEW = [
    "BLZ24-PRO-01", "BLZ24-PRO-02", "BLZ24-PRO-03", "BLZ24-PRO-04", "BLZ24-PRO-05",
    "BLZ24-PRO-06", "BLZ24-JOB-01", "BLZ24-JOB-02", "BLZ24-EDU-01",
]  # fmt: skip


@pytest.fixture
def client():
    load_plans()
    load_belize_2024()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(secretariat())
    return client


def template(client, country="BLZ", year="2027"):
    got = client.get(
        reverse("plan-edition-template"),
        {"country": country, "year": year, "language": "en", "file_type": "csv"},
    )
    assert got.status_code == 200
    assert got["Content-Disposition"] == f'attachment; filename="edition-{country}-{year}.csv"'
    return got.content


def test_the_template_holds_the_current_edition_replacing_itself(client):
    lines = template(client).decode("utf-8-sig").splitlines()
    rows = [line.split(",") for line in lines[1:]]
    replaces = [row[-1] for row in rows]
    assert sorted(replaces) == sorted(NEW)  # not one commitment of the 2021 plan
    assert sorted(row[0] for row in rows) == sorted(code.replace("BLZ24", "BLZ27") for code in NEW)
    # another country: its 2021 plan, as before
    gtm = template(client, "GTM").decode("utf-8-sig").splitlines()[1:]
    assert len(gtm) == Commitment.objects.filter(country__iso3="GTM").count()
    assert all(",GTM-" in line for line in gtm)


def test_the_page_previews_the_template_as_the_next_edition(client):
    page = client.get(reverse("plan-edition"))
    assert page.status_code == 200
    data = template(client)
    shown = client.post(
        reverse("plan-edition"),
        {
            "action": "preview", "country": "BLZ", "edition": "2027-2029",
            "starts_on": "2027-01-01", "original_language": "en",
            "file": SimpleUploadedFile("edition.csv", data, content_type="text/csv"),
        },
    )  # fmt: skip
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "It follows the edition 2024-2026." in text
    assert "9 commitments." in text and "0 commitments of the previous edition close" in text
    assert "problem" not in text.split('id="h-preview"')[1].split("<h3>")[1]
    done = client.post(reverse("plan-edition"), {"action": "apply"})
    assert done.status_code == 302
    third = Commitment.objects.get(code="BLZ27-PRO-01")
    assert third.plan.starts_on == dt.date(2027, 1, 1)
    assert list(third.predecessors.values_list("code", flat=True)) == ["BLZ24-PRO-01"]
    # the 2021 plan and its lineage are untouched
    assert Commitment.objects.get(code="BLZ24-PRO-01").predecessors.get().code == "BLZ-PRO-01"
