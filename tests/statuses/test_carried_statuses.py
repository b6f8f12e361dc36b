"""A status carried across plan editions (issue 22): a commitment that continues one of the
previous edition (one to one) takes its status until it is reported itself, through a chain of
editions; split and merged successors carry nothing. The SQL form (statuses/as_of.py, what the
progress engine counts) and the ORM forms (``carried_as_of``, set; ``with_carried``,
correlated) give the same answer for every period, on both backends."""

import datetime as dt

import pytest
from django.db import connection

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from statuses.as_of import as_of_each_period_sql, carry_chain_sql, status_as_of_sql
from statuses.models import StatusUpdate
from statuses.selectors import Carried, carried_as_of, status_as_of, with_carried
from tests.builders import CountryBuilder, period, report
from tests.editions import edition_commitment, new_edition

pytestmark = pytest.mark.django_db

CODES = ["2022", "2023", "2024-H1", "2024", "2024-H2", "2025-H1", "2025", "2025-H2"]


def edition(builder, name, starts, rows):
    """A later edition of ``builder``'s country: ``rows`` = [(code, [predecessors])]."""
    plan = new_edition(builder.country, name, starts)
    return {
        code: edition_commitment(plan, code, predecessors, order=order)
        for order, (code, predecessors) in enumerate(rows, start=1)
    }


@pytest.fixture
def chain():
    """GTM 2021: a-g; 2024 (from 2024-01-01): A continues a, B b, C1 and C2 split c, D merges
    d and e, N new, G continues g (f closes); 2025 (from 2025-07-01): AA continues A, GG G."""
    periods = [period(code) for code in CODES]
    gtm = CountryBuilder("GTM")
    a, b, c, d, e, f, g = (gtm.commitment() for _ in range(7))
    second = edition(
        gtm,
        "2024",
        dt.date(2024, 1, 1),
        [
            ("GTM24-PRO-01", [a]),
            ("GTM24-PRO-02", [b]),
            ("GTM24-PRO-03", [c]),
            ("GTM24-PRO-04", [c]),
            ("GTM24-PRO-05", [d, e]),
            ("GTM24-PRO-06", []),
            ("GTM24-PRO-07", [g]),
        ],
    )
    third = edition(
        gtm,
        "2025",
        dt.date(2025, 7, 1),
        [("GTM25-PRO-01", [second["GTM24-PRO-01"]]), ("GTM25-PRO-02", [second["GTM24-PRO-07"]])],
    )
    report(a, "2022", 2)
    report(a, "2023", 3)
    returned = report(a, "2024", 5)  # returned: never carried
    StatusUpdate.objects.filter(pk=returned.pk).update(review_state=ReviewState.RETURNED)
    report(b, "2023", 1)
    report(second["GTM24-PRO-02"], "2024-H1", 2)
    report(c, "2023", 4)
    report(d, "2023", 5)
    report(e, "2022", 1)
    report(f, "2023", 0)
    report(g, "2022", 2)
    report(second["GTM24-PRO-01"], "2024-H2", 4)
    return periods, {**second, **third}


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _expected(p) -> dict[int, int]:
    """Own status, else carried (the ORM set forms)."""
    own = dict(status_as_of(p).values_list("commitment_id", "status"))
    carried = carried_as_of(p, Commitment.objects.values_list("pk", flat=True))
    assert not set(own) & set(carried)  # a commitment with a status of its own carries none
    return {**own, **{pk: c.status for pk, c in carried.items()}}


def test_the_chain_follows_one_to_one_links_only(chain):
    _periods, made = chain
    rows = _rows(*carry_chain_sql())
    code = dict(Commitment.objects.values_list("pk", "code"))
    found = {(code[a], code[d], depth) for a, d, depth in rows}
    assert found == {
        ("GTM-PRO-01", "GTM24-PRO-01", 1),
        ("GTM-PRO-02", "GTM24-PRO-02", 1),
        ("GTM-PRO-07", "GTM24-PRO-07", 1),
        ("GTM24-PRO-01", "GTM25-PRO-01", 1),
        ("GTM-PRO-01", "GTM25-PRO-01", 2),
        ("GTM24-PRO-07", "GTM25-PRO-02", 1),
        ("GTM-PRO-07", "GTM25-PRO-02", 2),
    }  # no split (GTM-PRO-03) or merged (GTM-PRO-04, -05) link


def test_what_is_carried_by_hand(chain):
    _periods, made = chain
    ids = [c.pk for c in made.values()]
    as_of_h1 = carried_as_of(period("2024-H1"), ids)
    by_code = {Commitment.objects.get(pk=pk).code: c for pk, c in as_of_h1.items()}
    assert by_code == {
        # a's 2023 status (its returned 2024 row is not counted)
        "GTM24-PRO-01": Carried(3, "GTM-PRO-01", "2023"),
        "GTM24-PRO-07": Carried(2, "GTM-PRO-07", "2022"),
        "GTM25-PRO-01": Carried(3, "GTM-PRO-01", "2023"),  # through GTM24-PRO-01 (none yet)
        "GTM25-PRO-02": Carried(2, "GTM-PRO-07", "2022"),
    }  # GTM24-PRO-02 has its own; split, merged and new carry nothing
    # as of 2024 (2024-H2 ends the same day), GTM24-PRO-01 has its own: carried no more
    assert made["GTM24-PRO-01"].pk not in carried_as_of(period("2024"), ids)
    later = carried_as_of(period("2025-H2"), ids)
    assert later[made["GTM25-PRO-01"].pk] == Carried(4, "GTM24-PRO-01", "2024-H2")  # nearest


@pytest.mark.parametrize("code", [*CODES, None])
def test_the_sql_counts_what_the_selectors_say(chain, code):
    p = period(code) if code else None
    rows = _rows(*status_as_of_sql(p, keys=["plan_id"], mark_carried=True))
    assert len(rows) == Commitment.objects.count()
    found = {pk: status for pk, _plan, status, _updated, _carried in rows if status is not None}
    assert found == _expected(p)
    own = set(status_as_of(p).values_list("commitment_id", flat=True))
    assert {pk for pk, *_rest, carried in rows if carried} == set(found) - own
    # a carried status is never "updated in the period"
    fresh = set(StatusUpdate.objects.counted().filter(period=p).values_list("commitment_id"))
    assert {(pk,) for pk, _plan, _s, updated, _c in rows if updated} == (fresh if p else set())


@pytest.mark.parametrize("code", [*CODES, None])
def test_the_correlated_form_agrees(chain, code):
    p = period(code) if code else None
    shown = with_carried(Commitment.objects.all(), p)
    found = {c.pk: c.shown_status for c in shown if c.shown_status is not None}
    assert found == _expected(p)
    carried = carried_as_of(p, Commitment.objects.values_list("pk", flat=True))
    assert {
        c.pk: Carried(c.carried_status, c.carried_from, c.carried_period)
        for c in shown
        if c.carried_status is not None
    } == carried


def test_each_period_at_once_agrees(chain):
    periods = list(ReportingPeriod.objects.all())
    for keys in (None, []):
        sql, params = as_of_each_period_sql(
            periods, Commitment.objects.order_by(), False, updated=True, keys=keys
        )
        rows = {row[0]: row[1:] for row in _rows(sql, params)}
        for i, p in enumerate(periods):
            assert {pk: r[i] for pk, r in rows.items() if r[i] is not None} == _expected(p)
