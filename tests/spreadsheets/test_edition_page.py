"""The secretariat's page for a new plan edition (issue 22): template, upload, preview,
confirm, in both languages; a sheet with problems cannot be confirmed; teams are refused."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commitments.models import NationalPlan
from commitments.services import load_plans
from tests.builders import member, secretariat

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "commitments" / "fixtures"


@pytest.fixture
def plans():
    load_plans()


def signed_in(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def upload(client, name="blz_2024_edition.csv"):
    data = (FIXTURES / name).read_bytes()
    return client.post(
        reverse("plan-edition"),
        {
            "action": "preview",
            "country": "BLZ",
            "edition": "2024-2026",
            "starts_on": "2024-01-01",
            "original_language": "en",
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Merged", "Split", "Reworded", "close with their edition", "Apply the edition"]),
        ("es", ["Fusionado", "Dividido", "Reformulado", "se cierran con su edición", "Aplicar"]),
    ],
)
def test_upload_preview_confirm(plans, language, words):
    client = signed_in(secretariat(), language)
    page = client.get(reverse("plan-edition"))
    assert page.status_code == 200
    shown = upload(client)
    assert shown.status_code == 200
    text = shown.content.decode()
    for word in words:
        assert word in text, word
    assert "BLZ-JOB-03" in text
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()
    done = client.post(reverse("plan-edition"), {"action": "apply"})
    assert done.status_code == 302
    assert NationalPlan.objects.get(edition="2024-2026").commitments.count() == 9


def test_a_sheet_with_problems_offers_no_confirmation(plans):
    client = signed_in(secretariat())
    shown = upload(client, "blz_2024_edition_problems.csv").content.decode()
    assert "nothing can be applied" in shown and 'value="apply"' not in shown
    # on a phone each problem is a card: its row, code and message say what they are
    assert 'data-label="Row"' in shown and 'data-label="Problem"' in shown
    # a forged confirmation applies nothing either
    assert client.post(reverse("plan-edition"), {"action": "apply"}).status_code == 409
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()


def test_the_template_download_and_teams_refused(plans):
    client = signed_in(secretariat())
    got = client.get(
        reverse("plan-edition-template"),
        {"country": "BLZ", "year": "2024", "language": "es", "file_type": "csv"},
    )
    assert got.status_code == 200
    assert got.content.decode("utf-8-sig").splitlines()[0].startswith("Código,Área de enfoque")
    team = signed_in(member("team", "BLZ"))
    assert team.get(reverse("plan-edition")).status_code == 403
    assert upload(team).status_code == 403
