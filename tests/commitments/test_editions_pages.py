"""The lineage on the commitment pages, both ways, and the edition in force on the country
page (issue 22), in English and Spanish, with the sample Belize 2024 edition."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from commitments.editions import apply_edition
from commitments.services import load_plans
from countries.models import Country
from spreadsheets.edition_sheet import read_edition_sheet
from tests.builders import secretariat

pytestmark = pytest.mark.django_db

SHEET = Path(__file__).parent / "fixtures" / "blz_2024_edition.csv"


@pytest.fixture
def editions():
    import datetime as dt

    load_plans()
    user = secretariat()
    apply_edition(
        country=Country.objects.get(iso3="BLZ"),
        edition="2024-2026",
        starts_on=dt.date(2024, 1, 1),
        rows=read_edition_sheet(SHEET.read_bytes()),
        user=user,
    )
    return user


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "merges", "split", "closed", "new"),
    [
        ("en", "Merges", "Continued in the next edition by:", "Closed with its edition", "New in"),
        (
            "es",
            "Fusiona",
            "Continúa en la siguiente edición en:",
            "Cerrado con su edición",
            "Nuevo",
        ),
    ],
)
def test_public_commitment_pages_show_the_lineage_both_ways(
    editions, language, merges, split, closed, new
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    merged = page(client, "public-commitment", "BLZ24-PRO-05")
    assert merges in merged and "BLZ-PRO-05" in merged and "BLZ-PRO-06" in merged
    old = page(client, "public-commitment", "BLZ-PRO-04")
    assert split in old and "BLZ24-PRO-03" in old and "BLZ24-PRO-04" in old
    assert closed in page(client, "public-commitment", "BLZ-PRO-03")
    assert new in page(client, "public-commitment", "BLZ24-PRO-06")


def test_the_workspace_page_shows_it_too(editions):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(editions)
    shown = page(client, "workspace-commitment", "BLZ24-PRO-01")
    assert "Continues" in shown and "BLZ-PRO-01" in shown


def test_the_country_page_names_the_edition_in_force(editions):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    now = page(client, "country", "BLZ", period="2024")
    assert "Edition in force: 2024-2026, since 2024-01-01." in now
    assert "It replaced the edition 2021." in now
    before = page(client, "country", "BLZ", period="2023")
    assert "Edition in force: 2021, since 2021-01-01." in before
    spanish = page(Client(HTTP_ACCEPT_LANGUAGE="es"), "country", "BLZ", period="2024")
    assert "Edición vigente: 2024-2026, desde 2024-01-01." in spanish


def test_an_edition_written_in_spanish_is_shown_as_the_original():
    import datetime as dt

    from commitments.editions import EditionRow

    load_plans()
    apply_edition(
        country=Country.objects.get(iso3="GTM"),
        edition="2024",
        starts_on=dt.date(2024, 1, 1),
        rows=[
            EditionRow(2, "GTM24-PRO-01", "PRO", "1", "Border access", "Acceso en frontera", "", "")
        ],
        original_language="es",
        user=secretariat(),
    )
    english = page(Client(HTTP_ACCEPT_LANGUAGE="en"), "public-commitment", "GTM24-PRO-01")
    assert "Original text (Spanish):" in english and "working translation" in english
    spanish = page(Client(HTTP_ACCEPT_LANGUAGE="es"), "public-commitment", "GTM24-PRO-01")
    assert "Inglés (traducción):" in spanish
    # the Spanish leads and is the original: no translation badge after it
    assert 'class="badge translation"' not in spanish.split("Acceso en frontera")[1][:60]
