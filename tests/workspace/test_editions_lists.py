"""The workspace lists offer the commitments a period counts: those of the edition in force at
its end (issue 22). Belize's 2024-2026 edition starts on 1 January 2024 (9 commitments, over
the 2021 plan's 16): 2023 lists the 2021 plan, 2024 and 2025 the new one; the other countries
as before; and the pages cost the same queries as with one edition."""

import pytest
from django.urls import reverse

from commitments.models import Commitment
from periods.models import ReportingPeriod
from tests.builders import member
from tests.editions import load_belize_2024
from workspace import tracker
from workspace.selectors import country_matrix, workspace_list

pytestmark = pytest.mark.django_db

NEW = {
    "BLZ24-PRO-01", "BLZ24-PRO-02", "BLZ24-PRO-03", "BLZ24-PRO-04", "BLZ24-PRO-05",
    "BLZ24-PRO-06", "BLZ24-EDU-01", "BLZ24-JOB-01", "BLZ24-JOB-02",
}  # fmt: skip


@pytest.fixture
def belize(people):
    load_belize_2024()
    people["bea"] = member("bea", "BLZ")
    return people


def _period(code):
    return ReportingPeriod.objects.get(code=code)


def _old():
    return set(Commitment.objects.filter(plan__edition="2021", country__iso3="BLZ")
               .values_list("code", flat=True))  # fmt: skip


def _codes(queryset):
    return {c.code for c in queryset}


def test_the_list_offers_the_edition_in_force_at_the_periods_end(belize):
    blz = Commitment.objects.filter(code="BLZ-PRO-01").values_list("country", flat=True)[0]
    filters = {"country": blz}
    assert _codes(workspace_list(filters, _period("2025"))) == NEW
    assert _codes(workspace_list(filters, _period("2024"))) == NEW
    assert _codes(workspace_list(filters, _period("2023"))) == _old()
    assert _codes(workspace_list(filters, None)) == NEW  # no period: the edition in force today
    # the other countries keep their 2021 plans in every period
    assert workspace_list({}, _period("2025")).count() == 229 - len(_old()) + len(NEW)
    assert workspace_list({}, _period("2023")).count() == 229


def test_the_list_page_and_its_counts(client, belize):
    client.force_login(belize["bea"])
    url = reverse("workspace-commitments")
    page = client.get(url, {"country": "BLZ", "period": "2025"}).content.decode()
    assert "BLZ24-PRO-01" in page and "BLZ-PRO-01<" not in page and "BLZ-PRO-01/" not in page
    assert "9 commitments" in page
    page = client.get(url, {"country": "BLZ", "period": "2023"}).content.decode()
    assert "BLZ-PRO-01" in page and "BLZ24-PRO-01" not in page
    assert f"{len(_old())} commitments" in page


def test_the_country_matrix_offers_the_edition_in_force_and_refuses_others(client, belize):
    rows = country_matrix(
        belize["bea"].memberships.get().country, list(ReportingPeriod.objects.all()),
        _period("2025"),
    )  # fmt: skip
    assert {row.commitment.code for row in rows} == NEW
    client.force_login(belize["bea"])
    url = reverse("country-matrix", kwargs={"iso3": "BLZ"})
    page = client.get(url + "?period=2023").content.decode()
    assert "BLZ-PRO-03" in page and "BLZ24-PRO-01" not in page
    page = client.get(url + "?period=2025").content.decode()
    assert "BLZ24-PRO-06" in page and "BLZ-PRO-03" not in page
    # a row of the replaced plan posted to the 2025 matrix: not in this matrix
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000", "form-0-commitment": "BLZ-PRO-03",
        "form-0-base_version": "0", "form-0-status": "2", "form-0-narrative": "x",
    }  # fmt: skip
    assert client.post(url + "?period=2025", data).status_code == 403


def test_the_tracker_counts_the_edition_in_force(belize):
    def blz(period):
        board = tracker.tracker(_period(period))
        return next(r for r in board.rows if r.country.iso3 == "BLZ").commitments

    assert blz("2025") == len(NEW) and blz("2023") == len(_old())
    country = belize["bea"].memberships.get().country
    assert _codes(tracker.country_commitments(country, _period("2025"), "all")) == NEW
    assert _codes(tracker.not_updated(_period("2023"), [country.pk])) == _old()


def test_the_pages_cost_the_same_queries_with_two_editions(
    client, belize, django_assert_num_queries
):
    client.force_login(belize["sofia"])
    # the pins of test_query_counts.py: the editions in force are a subquery, not a query
    auth, menu = 4, 1
    for url, expected in [
        ("/workspace/commitments/?period=2025", auth + menu + 1 + 1 + 2 + 1 + 4 + 1),
        ("/workspace/countries/BLZ/matrix/?period=2025", auth + menu + 1 + 1 + 1 + 1 + 1 + 1 + 1),
    ]:
        with django_assert_num_queries(expected, info=url):
            assert client.get(url).status_code == 200


def test_the_commitment_page_says_why_it_cannot_be_reported_instead_of_the_form(
    client, belize, django_assert_num_queries
):
    client.force_login(belize["bea"])
    url = reverse("workspace-commitment", kwargs={"code": "BLZ-PRO-01"})
    page = client.get(url + "?period=2025").content.decode().replace("&#x27;", "'")
    assert (
        "BLZ-PRO-01 belongs to the 2021 plan, replaced on 1 January 2024 by the 2024-2026 "
        "plan; it cannot be reported for 2025." in page
    )
    assert 'class="stack status-form"' not in page
    # in its own edition's periods: the form, no refusal
    page = client.get(url + "?period=2023").content.decode()
    assert 'class="stack status-form"' in page and "cannot be reported" not in page
    # a commitment of the new edition, before it starts; and one that closed
    new = reverse("workspace-commitment", kwargs={"code": "BLZ24-PRO-06"})
    page = client.get(new + "?period=2023").content.decode()
    assert "in force from 1 January 2024; it cannot be reported for 2023." in page
    closed = reverse("workspace-commitment", kwargs={"code": "BLZ-JOB-03"})
    page = client.get(closed + "?period=2024").content.decode()
    assert "replaced on 1 January 2024 by the 2024-2026 plan" in page
    # the queries of the pin in test_query_counts.py (the refusal costs none): auth; menu; the
    # commitment; periods; its newest row in the period; its history; their audit events; the
    # status shown; its edits; demo flag; its lineage: the links only (a successor names its
    # next edition: no query for a later one)
    with django_assert_num_queries(4 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1):
        assert client.get(url + "?period=2025").status_code == 200
