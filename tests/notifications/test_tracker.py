"""The reporting tracker: its numbers against the database, its pages in both languages, the
drill-down, the export, and who may see what."""

import datetime as dt
import io
import re
from collections import Counter, defaultdict

import pytest
from django.test import Client
from openpyxl import load_workbook

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.services import set_period_deadlines
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import record_status
from workspace import tracker


def _c(code):
    return Commitment.objects.get(code=code)


def _record(code, user, period, status=2):
    return record_status(
        commitment=_c(code), period=period, status=status, narrative=f"n {code}", user=user
    )


@pytest.fixture
def reporting(cast, period, today):
    """Given, in 2025 (before the deadline, then after it):

    * Guatemala: 5 PRO commitments submitted; PRO-02 approved, PRO-03 returned; PRO-01
      approved then submitted again after the deadline (late, waiting); PRO-04 submitted twice
      (the first superseded); EDU-01 recorded by the secretariat (approved at once).
    * Honduras: 2 commitments submitted after the deadline (late).
    * The other countries: nothing.
    """
    gabriel, hugo, sofia = cast["gabriel"], cast["hugo"], cast["sofia"]
    sent = {code: _record(code, gabriel, period) for code in [f"GTM-PRO-0{i}" for i in range(1, 6)]}
    review(updates=[sent["GTM-PRO-01"], sent["GTM-PRO-02"]], user=sofia, approve=True)
    review(updates=[sent["GTM-PRO-03"]], user=sofia, approve=False, comment="Which budget line?")
    record_status(
        commitment=_c("GTM-PRO-04"),
        period=period,
        status=3,
        narrative="corrected",
        user=gabriel,
        base_version=sent["GTM-PRO-04"].pk,
    )
    _record("GTM-EDU-01", sofia, period, status=4)
    set_period_deadlines(
        period=period, submission_deadline=today - dt.timedelta(days=1), user=sofia
    )
    record_status(
        commitment=_c("GTM-PRO-01"),
        period=period,
        status=3,
        narrative="more done",
        user=gabriel,
        base_version=sent["GTM-PRO-01"].pk,
    )
    _record("HND-PRO-01", hugo, period)
    _record("HND-PRO-02", hugo, period)
    period.refresh_from_db()
    return period


def _expected(period):
    """The counts straight from the rows, in Python: each commitment's newest row in the period
    (superseded ones aside), tallied by country."""
    newest = {}
    rows = StatusUpdate.objects.filter(period=period).order_by("created_at", "id")
    for row in rows.exclude(review_state=ReviewState.SUPERSEDED):
        newest[row.commitment_id] = row
    counts = defaultdict(Counter)
    for commitment in Commitment.objects.select_related("country"):
        tally = counts[commitment.country.iso3]
        tally["commitments"] += 1
        row = newest.get(commitment.pk)
        if row is not None:
            tally[row.review_state] += 1
            tally["late"] += row.late
    return counts


def test_the_tracker_counts_what_the_database_holds(reporting, django_assert_num_queries):
    # commitments grouped by country, with subqueries; indicator values waiting, by country
    with django_assert_num_queries(2):
        board = tracker.tracker(reporting)
    expected = _expected(reporting)
    assert len(board.rows) == 7
    for row in board.rows:
        want = expected[row.country.iso3]
        got = (row.commitments, row.approved, row.waiting, row.returned, row.late)
        assert got == (
            want["commitments"],
            want[ReviewState.APPROVED],
            want[ReviewState.SUBMITTED],
            want[ReviewState.RETURNED],
            want["late"],
        ), row.country.iso3
    gtm = next(r for r in board.rows if r.country.iso3 == "GTM")
    # by hand: approved PRO-02, EDU-01; waiting PRO-01, PRO-04, PRO-05; returned PRO-03
    assert (gtm.updated, gtm.submitted, gtm.not_updated, gtm.late) == (5, 6, 25, 1)
    assert (board.total.commitments, board.total.updated, board.total.late) == (229, 7, 3)
    assert board.days_left == -1
    # only some countries: the same numbers, the same queries; without the indicator values
    # (the reminders), one
    with django_assert_num_queries(2):
        (only,) = tracker.tracker(reporting, [gtm.country.pk]).rows
    assert (only.approved, only.waiting, only.returned) == (2, 3, 1)
    with django_assert_num_queries(1):
        (only,) = tracker.tracker(reporting, [gtm.country.pk], indicators=False).rows
    assert (only.approved, only.waiting, only.indicators_waiting) == (2, 3, 0)


@pytest.mark.parametrize(
    "language, guatemala, honduras, deadline",
    [
        ("en", "5 of 30 (16%)", "2 of 43 (4%)", "passed 1 day ago: late statuses are accepted"),
        ("es", "5 de 30 (16%)", "2 de 43 (4%)", "venció hace 1 día: los estados tardíos se"),
    ],
)
def test_the_secretariat_lands_on_the_tracker_in_either_language(
    reporting, cast, language, guatemala, honduras, deadline, django_assert_num_queries
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(cast["sofia"])
    # session, user, the user's permissions (x2), periods, the tracker (2), the user's
    # memberships (for "returned to you"), the menu's counts, the demo flag
    with django_assert_num_queries(10):
        page = client.get("/workspace/").content.decode()
    rows = dict(
        re.findall(
            r'<tr>\s*<th scope="row"><a [^>]*>([^<]+)</a></th>\s*<td[^>]*>'
            r'<span class="nowrap">([^<]+)</span>',
            page,
        )
    )
    assert rows["Guatemala"] == guatemala and rows["Honduras"] == honduras
    assert len(rows) == 7 and deadline in page
    assert "7 de 229" in page if language == "es" else "7 of 229" in page
    # signing in takes the secretariat here
    response = Client().post(
        "/accounts/login/", {"username": "sofia", "password": "pw-Secretariat-2024"}
    )
    assert response["Location"] == "/workspace/"


@pytest.mark.parametrize(
    "language, headline, badge",
    [
        (
            "en",
            "5 of 30 updated, 1 returned to you in 2025, deadline passed 1 day ago",
            "1 returned",
        ),
        (
            "es",
            "5 de 30 actualizados, 1 devuelto a ustedes en 2025, venció hace 1 día",
            "1 devuelto",
        ),
    ],
)
def test_a_national_team_sees_its_own_country_and_what_was_returned(
    reporting, cast, language, headline, badge
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(cast["gabriel"])
    page = client.get("/workspace/").content.decode()
    assert headline in page
    assert '<span class="count-badge returned"' in page and badge in page  # the menu
    # the phone's menu button says what its number counts (a tooltip, and words for readers)
    toggle = page[
        page.index('class="menu-toggle"') : page.index(
            "</button>", page.index('class="menu-toggle"')
        )
    ]
    assert (
        f'title="{badge}"' in toggle and f'<span class="visually-hidden">{badge}</span>' in toggle
    )
    returned = page[page.index('id="returned"') :]
    assert "GTM-PRO-03" in returned and "“Which budget line?”" in returned
    assert "/workspace/commitments/GTM-PRO-03/?period=2025#record" in returned
    main = page[page.index("<main") : page.index("</main>")]
    assert "Guatemala" in main and "Honduras" not in main  # only their own country
    # Hugo (Honduras) has nothing returned: no badge
    client.force_login(cast["hugo"])
    assert 'class="count-badge returned"' not in client.get("/workspace/").content.decode()


def test_drill_down_lists_the_commitments_behind_each_number(reporting, cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast["gabriel"])
    url = "/workspace/tracker/GTM/?period=2025&show="

    def codes(show):
        page = client.get(url + show).content.decode()
        return re.findall(r'<td class="code"><a [^>]*>([A-Z]{3}-[A-Z]{3}-\d+)</a>', page)

    missing = codes("not_updated")
    assert len(missing) == 25 and "GTM-PRO-03" in missing and "GTM-PRO-01" not in missing
    assert codes("returned") == ["GTM-PRO-03"]
    assert codes("waiting") == ["GTM-PRO-01", "GTM-PRO-04", "GTM-PRO-05"]
    assert codes("late") == ["GTM-PRO-01"]
    assert len(codes("all")) == 30
    assert codes("nonsense") == missing  # an unknown choice shows the default list
    # Another country's team may not follow Guatemala's reporting.
    client.force_login(cast["hugo"])
    assert client.get(url + "all").status_code == 403
    assert client.get("/workspace/tracker/ZZZ/").status_code == 404


def test_the_tracker_exports_as_xlsx(reporting, cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast["sofia"])
    response = client.get("/workspace/tracker.xlsx?period=2025")
    assert response["Content-Disposition"] == 'attachment; filename="tracker-2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    countries = list(book["Countries"].iter_rows(values_only=True))
    header, rows = (
        countries[0],
        {r[1]: dict(zip(countries[0], r, strict=True)) for r in countries[1:]},
    )
    assert header[:4] == ("Country", "ISO3", "Commitments", "Updated this period")
    gtm = rows["GTM"]
    assert (gtm["Approved"], gtm["Waiting for review"], gtm["Returned"], gtm["Late"]) == (
        2,
        3,
        1,
        1,
    )
    assert rows[None]["Country"] == "Total" and rows[None]["Updated this period"] == 7
    missing = list(book["Not updated"].iter_rows(values_only=True))[1:]
    assert len(missing) == 229 - 7
    returned = next(r for r in missing if r[1] == "GTM-PRO-03")
    assert returned[3:] == ("returned", "2 · Being implemented (40%)", "Which budget line?")
    # A national team's export holds its own country only.
    client.force_login(cast["gabriel"])
    book = load_workbook(io.BytesIO(client.get("/workspace/tracker.xlsx").content))
    assert [r[1] for r in book["Countries"].iter_rows(min_row=2, values_only=True)] == ["GTM", None]
