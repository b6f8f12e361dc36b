"""The upload preview names each commitment in the reader's language by the catalogue's one
rule (``LocalizedText``): a Spanish reader reads our Spanish working translation, marked as
such, and an English reader the text as printed; on the page and through the API alike."""

import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from commitments.models import Commitment
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/spreadsheet-uploads/"


def _upload(people, gtm_template, language):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7, 4)
    sheet.cell(row, 8, "Avance")
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(people["gabriel"])
    file = io.BytesIO(save(gtm_template))
    file.name = "matriz.xlsx"
    created = api.post(UPLOADS, {"file": file, "period": "2025"}, format="multipart")
    assert created.status_code == 201, created.content
    return created.json()


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_api_preview_names_the_commitment_in_the_readers_language(
    people, gtm_template, language
):
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    assert commitment.text_es and commitment.text_es != commitment.text
    (change,) = _upload(people, gtm_template, language)["preview"]["changes"]
    if language == "es":
        assert change["text_shown"] == commitment.text_es[:200]
        assert change["text_shown_language"] == "es" and change["text_shown_is_translation"]
    else:
        assert change["text_shown"] == commitment.text[:200]
        assert change["text_shown_language"] == "en"
        assert not change["text_shown_is_translation"]
    # both texts stay beside it, as stored
    assert (change["text"], change["text_es"]) == (commitment.text[:200], commitment.text_es[:200])


def test_without_a_translation_the_spanish_reader_reads_the_text_as_printed(people, gtm_template):
    Commitment.objects.filter(code="GTM-PRO-01").update(text_es="")
    (change,) = _upload(people, gtm_template, "es")["preview"]["changes"]
    assert change["text_shown"] == Commitment.objects.get(code="GTM-PRO-01").text[:200]
    assert change["text_shown_language"] == "en"


def test_the_spanish_preview_page_leads_with_the_spanish_text(people, gtm_template, client):
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    body = _upload(people, gtm_template, "es")
    client.force_login(people["gabriel"])
    page = client.get(
        reverse("spreadsheet-upload", kwargs={"pk": body["id"]}), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    changes = page[page.index('id="changes"') :]
    lead = " ".join(commitment.text_es.split()[:5])
    printed = " ".join(commitment.text.split()[:5])
    assert lead in changes
    # the text as printed is folded away after the translation, never first
    assert changes.index(lead) < changes.index(printed) if printed in changes else True
