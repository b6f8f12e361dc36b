"""The lineage on the commitment pages, both ways, and the edition in force on the country
page (issue 22), in English and Spanish, with the sample Belize 2024 edition."""

import pytest
from django.test import Client
from django.urls import reverse

from commitments.editions import EditionRow
from commitments.services import load_plans
from tests.builders import secretariat
from tests.editions import apply_rows, load_belize_2024

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions():
    load_plans()
    user = secretariat()
    load_belize_2024(user)
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
    load_plans()
    row = EditionRow(2, "GTM24-PRO-01", "PRO", "1", "Border access", "Acceso en frontera", "", "")
    apply_rows("GTM", "2024", [row], original_language="es", user=secretariat())
    english = page(Client(HTTP_ACCEPT_LANGUAGE="en"), "public-commitment", "GTM24-PRO-01")
    assert "Original text (Spanish):" in english and "working translation" in english
    spanish = page(Client(HTTP_ACCEPT_LANGUAGE="es"), "public-commitment", "GTM24-PRO-01")
    assert "Inglés (traducción):" in spanish
    # the Spanish leads and is the original: no translation badge after it
    assert 'class="badge translation"' not in spanish.split("Acceso en frontera")[1][:60]
