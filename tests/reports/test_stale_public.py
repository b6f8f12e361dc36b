"""Stale flags on the public pages: a commitment whose latest approved status is older than the
period before the one shown is flagged, in lists and on its page (``stale_period_codes``, the
one rule the workspace uses too), without a query more for the lists."""

import re

import pytest

from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """GTM: old (2022), older (2023), recent (2024-H1), fresh (2024), never reported.
    Seen from 2024 the previous period is 2024-H1: 2022 and 2023 are stale."""
    for code in ("2022", "2023", "2024-H1", "2024"):
        period(code)
    b = CountryBuilder("GTM", "Guatemala")
    old, older, recent, fresh, _never = (b.commitment() for _ in range(5))
    report(old, "2022", 2)
    report(older, "2023", 3)
    report(recent, "2024-H1", 1)
    report(fresh, "2024", 4)
    return {"stale": [old.code, older.code], "current": [recent.code, fresh.code]}


def _rows(html: str) -> dict[str, str]:
    """Each table row's HTML by the commitment code it links to."""
    rows = {}
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        code = re.search(r">([A-Z]{3}-[A-Z]{3}-\d{2})<", row)
        if code:
            rows[code.group(1)] = row
    return rows


def _assert_flags(rows: dict[str, str], history: dict) -> None:
    for code in history["stale"]:
        assert 'class="badge stale"' in rows[code], code
    for code in history["current"] + ["GTM-PRO-05"]:
        assert "badge stale" not in rows[code], code


def test_public_list_flags_stale_statuses(client, history, django_assert_num_queries):
    # reference (periods, latest with data, countries, pillars, focus areas); demo flag;
    # figures (numbers, members: pillars, countries, focus areas); the page's rows; their
    # statuses. The stale flag reads the periods the reference already holds: no query.
    with django_assert_num_queries(5 + 1 + 4 + 2):
        html = client.get("/commitments/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    _assert_flags(_rows(html.content.decode()), history)
    # as of 2023 the previous period is 2022: only what ended before 2022 would be stale
    rows = _rows(client.get("/commitments/", {"period": "2023"}).content.decode())
    assert not any("badge stale" in row for row in rows.values())


def test_country_page_list_flags_stale_statuses(client, history):
    html = client.get("/countries/GTM/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    assert html.status_code == 200
    _assert_flags(_rows(html.content.decode()), history)


def test_commitment_page_flags_a_stale_status_in_both_languages(
    client, history, django_assert_num_queries
):
    # the commitment; its approved history; the periods; demo flag; its indicator links; its
    # lineage (its links; whether a later edition closed it: issue 22)
    with django_assert_num_queries(5 + 2):
        page = client.get(f"/commitments/{history['stale'][0]}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="badge stale"' in page.content.decode()
    assert "since before the previous period" in page.content.decode()
    spanish = client.get(f"/commitments/{history['stale'][1]}/", HTTP_ACCEPT_LANGUAGE="es")
    assert "desactualizado" in spanish.content.decode()
    for code in history["current"]:
        assert "badge stale" not in client.get(f"/commitments/{code}/").content.decode()
