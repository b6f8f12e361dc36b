"""The workspace pages and review() cost a fixed number of queries, whatever the number of
commitments and statuses (an N+1 fails here). Run at two data sizes with the same pins."""

import pytest

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.review import review
from statuses.services import StatusChange, current_version, record_many

pytestmark = pytest.mark.django_db

# Every signed-in page first reads the session, the user and the user's permissions (own and
# through groups): 4 queries; a national team member's pages also read the memberships.
AUTH = 4
# ... and the menu's counts (unread notifications, returned to you, awaiting review): 1 query.
MENU = 1

PAGES = [
    # auth; list counts (total, reported, pending); the page (count, rows); demo flag; the
    # filters' choices (countries, pillars, focus areas, periods); the periods in order (for
    # the stale flag)
    ("sofia", "/workspace/commitments/", AUTH + MENU + 1 + 2 + 1 + 4 + 1),
    # the same and the period of the filter; the status filter is part of those queries
    ("sofia", "/workspace/commitments/?status=3&period=2024", AUTH + MENU + 1 + 1 + 2 + 1 + 4 + 1),
    # a search in both languages: the same queries (the search is part of them)
    ("sofia", "/workspace/commitments/?q=migracion", AUTH + MENU + 1 + 2 + 1 + 4 + 1),
    # auth; the commitment; periods (1: the choices, the default among them,
    # periods.models.working_period_among); its newest row in the period (the version); its
    # history; their audit events; the status shown; the edits of its Spanish text and
    # classification; demo flag; its lineage (links; a later edition?)
    ("sofia", "/workspace/commitments/{code}/", AUTH + MENU + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 2),
    # auth; the country; periods (1, the default among them); commitments with their status
    # and workspace state; every status row of the country; memberships; demo flag; countries
    # (the menu)
    ("sofia", "/workspace/countries/GTM/matrix/", AUTH + MENU + 1 + 1 + 1 + 1 + 1 + 1 + 1),
    # auth; statuses awaiting review: their count (the pages), the page's rows with
    # commitment, country, period, author, and the returns they answer; indicator values
    # awaiting review: their count (none here, so no page and no look-up); demo flag; the
    # filters' choices (countries, periods, focus areas)
    ("sofia", "/workspace/review/", AUTH + MENU + 3 + 1 + 1 + 3),
    # the same and the three filters' values (country, period, focus area)
    ("sofia", "/workspace/review/?country=GTM&period=2024&focus_area=EDU", AUTH + MENU + 11),
    # auth; memberships; the page (count, rows); demo flag
    ("gabriel", "/workspace/mine/", AUTH + MENU + 1 + 2 + 1),
]


@pytest.mark.parametrize("size", [2, 8])
def test_workspace_pages_and_review_cost_constant_queries(
    client, people, size, django_assert_num_queries
):
    period = ReportingPeriod.objects.get(code="2024")
    commitments = list(Commitment.objects.filter(country__iso3="GTM").order_by("code")[:size])
    approved = [StatusChange(c, 3, "Approved by the secretariat") for c in commitments]
    record_many(approved, period=period, user=people["sofia"])
    submitted = record_many(
        [StatusChange(c, 4, "Submitted", current_version(c, period).pk) for c in commitments],
        period=period,
        user=people["gabriel"],
    )
    for who, url, expected in PAGES:
        client.force_login(people[who])
        with django_assert_num_queries(expected):
            response = client.get(url.format(code=commitments[0].code))
        assert response.status_code == 200, url
    # review() (the user's permissions are already cached on it), in the lock order of
    # services/locking.py: the rows' period and commitment ids; the periods (shared lock); the
    # commitments (locked); the rows (locked); one UPDATE; one INSERT of the audit events; the
    # savepoint and its release (the test runs in a transaction)
    with django_assert_num_queries(1 + 1 + 1 + 1 + 1 + 1 + 2):
        assert review(updates=submitted, user=people["sofia"], approve=True) == size
