"""On a phone the upload preview's tables become stacked cards, where a value shows what it is
only through its cell's ``data-label`` (static/css/app.css): a problem read "6 · G" with no
word for row or column. Every cell of the problems and sheets tables, and the row of a change,
carries its column's heading in the reader's language."""

import io
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db


def _table(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def _preview(people, gtm_template, client, language) -> str:
    """The preview page of an upload with one change (GTM-PRO-01) and one problem (GTM-PRO-03)."""
    sheet = gtm_template["Matriz"]
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 7, 4)
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 8, "Avance")
    sheet.cell(row_of(sheet, "GTM-PRO-03"), 7, 7)  # off the scale: a problem
    api = APIClient()
    api.force_authenticate(people["gabriel"])
    file = io.BytesIO(save(gtm_template))
    file.name = "matriz.xlsx"
    created = api.post(
        "/api/v1/spreadsheet-uploads/", {"file": file, "period": "2025"}, format="multipart"
    )
    assert created.status_code == 201, created.content
    client.force_login(people["gabriel"])
    return client.get(
        reverse("spreadsheet-upload", kwargs={"pk": created.json()["id"]}),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("es", ["Hoja", "Fila", "Columna", "Problema y qué hacer"]),
        ("en", ["Sheet", "Row", "Column", "Problem and what to do"]),
    ],
)
def test_every_problem_cell_says_what_it_is(people, gtm_template, client, language, labels):
    page = _preview(people, gtm_template, client, language)
    problems = _table(page, "problems")
    cells = re.findall(r"<td[^>]*>", problems)
    assert len(cells) == 4
    assert [re.search(r'data-label="([^"]*)"', c).group(1) for c in cells] == labels
    # the sheets table and the row of each change say what they are too (the notes only when
    # there are some: an empty "Notes:" says nothing)
    sheets = _table(page, "sheets")
    assert sheets.count(f'data-label="{labels[0]}"') == 4
    assert sheets.count('data-label="Notas"' if language == "es" else 'data-label="Notes"') == 2
    changes = _table(page, "changes")
    assert f'data-label="{labels[1]}"' in changes


def test_skipping_one_row_is_asked_in_plain_spanish(people, gtm_template, client):
    """Not "¿…omitir la 1 fila señalada…?"."""
    page = _preview(people, gtm_template, client, "es")
    assert "omitir la fila señalada en Problemas?" in page
    assert "la 1 fila" not in page
