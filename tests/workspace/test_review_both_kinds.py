"""One review queue for both kinds of submission (statuses and indicator values): listed and
filtered together, reviewed from their rows or together, counted in the menu's badge and in the
tracker; and a submission that answers a returned one shows the reviewer's earlier comment
(who, when, what)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment
from countries.models import Country
from indicators import services as indicator_services
from indicators.loading import load_indicators
from indicators.models import Indicator, IndicatorValue
from mirps.vocabulary import ReviewState
from notifications.context_processors import counts_for
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import record_status
from workspace import tracker

pytestmark = pytest.mark.django_db

SEP = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 9, 30)}
SOURCE = {"source_document": "IGM statistics", "source_section": "p. 4"}


@pytest.fixture
def indicators(people):
    load_indicators()
    return people


def status(code, user, period="2024", base_version=0, value=2, narrative=None):
    return record_status(
        commitment=Commitment.objects.get(code=code),
        period=ReportingPeriod.objects.get(code=period),
        status=value,
        narrative=narrative or f"Work on {code}",
        user=user,
        base_version=base_version,
    )


def slot_newest(code, iso3, period=SEP):
    return (
        IndicatorValue.objects.in_slot(
            indicator_id=Indicator.objects.get(code=code).pk,
            country_id=Country.objects.get(iso3=iso3).pk,
            **period,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def value(code, user, iso3="GTM", figure="60", period=SEP):
    newest = slot_newest(code, iso3, period)
    return indicator_services.submit_indicator_value(
        indicator=Indicator.objects.get(code=code),
        country=Country.objects.get(iso3=iso3),
        value=figure,
        user=user,
        base_version=newest.pk if newest else 0,
        **{**period, **SOURCE},
    )


def card(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</article>", start)]


def test_the_queue_lists_both_kinds_with_their_filters(client, indicators):
    gabriel, hugo, sofia = indicators["gabriel"], indicators["hugo"], indicators["sofia"]
    status("GTM-PRO-01", gabriel)
    status("HND-PRO-01", hugo, period="2025")
    permits = value("WORK_PERMITS_REFUGEES", gabriel)  # JOB, Jan-Sep 2024
    idp = value(
        "IDP_ASSISTED",
        hugo,
        iso3="HND",
        period={"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)},
    )
    client.force_login(sofia)
    url = reverse("review-queue")
    html = client.get(url).content.decode()
    assert "2 updates await review." in html and "2 indicator values await review." in html
    assert f'id="v{permits.pk}"' in html and f'id="v{idp.pk}"' in html
    assert f'name="approve_value" value="{permits.pk}"' in html
    assert f'name="value" value="{permits.pk}" form="review-bulk"' in html
    row = card(html, f"v{permits.pk}")
    assert "IGM statistics" in row and "56 → <strong>60</strong>" in row  # approved → submitted

    def listed(**params):
        page = client.get(url, params).content.decode()
        return (
            sorted(re.findall(r'id="u(\d+)"', page)),
            sorted(int(i) for i in re.findall(r'<article [^>]*id="v(\d+)"', page)),
        )

    assert listed(kind="indicators")[0] == [] and listed(kind="indicators")[1] == sorted(
        [permits.pk, idp.pk]
    )
    assert listed(kind="statuses")[1] == [] and len(listed(kind="statuses")[0]) == 2
    assert listed(country="GTM")[1] == [permits.pk] and len(listed(country="GTM")[0]) == 1
    assert listed(focus_area="JOB") == ([], [permits.pk])  # the indicator's focus area
    assert listed(period="2023")[1] == []  # their figures end in 2024
    assert listed(period="2024")[1] == sorted([permits.pk, idp.pk])
    assert listed(period="2025") == (listed(period="2025")[0], [])
    assert len(listed(period="2025")[0]) == 1
    only_values = client.get(url, {"kind": "indicators"}).content.decode()
    assert "indicator values await review" in only_values and "updates await review" not in (
        only_values
    )
    # the old indicator review address opens the queue's indicator values
    old = client.get(reverse("indicator-review"))
    assert old.status_code == 302 and old["Location"] == f"{url}?kind=indicators"


def test_values_are_reviewed_from_their_rows_and_together_with_statuses(client, indicators):
    gabriel, sofia = indicators["gabriel"], indicators["sofia"]
    permits = value("WORK_PERMITS_REFUGEES", gabriel)
    asylum = value("WORK_PERMITS_ASYLUM_SEEKERS", gabriel, figure="545")
    update = status("GTM-PRO-01", gabriel)
    client.force_login(sofia)
    url = reverse("review-queue") + "?country=GTM"
    # return without a comment: said on that row, nothing reviewed
    refused = client.post(url, {"return_value": permits.pk, "comment": " "})
    assert refused.status_code == 200
    assert "Say why the submission is returned." in card(refused.content.decode(), f"v{permits.pk}")
    response = client.post(url, {"return_value": permits.pk, "comment": "Which table?"})
    assert response.status_code == 302 and response["Location"] == url
    permits.refresh_from_db()
    assert (permits.review_state, permits.review_comment) == (ReviewState.RETURNED, "Which table?")
    assert "1 value returned." in client.get(url).content.decode()
    # both kinds at once, all or none: the returned value is no longer awaiting review
    bulk = client.post(
        url, {"action": "approve", "update": [update.pk], "value": [asylum.pk, permits.pk]}
    )
    assert bulk.status_code == 200 and "no longer awaiting review" in bulk.content.decode()
    update.refresh_from_db()
    asylum.refresh_from_db()
    assert update.review_state == asylum.review_state == ReviewState.SUBMITTED
    done = client.post(url, {"action": "approve", "update": [update.pk], "value": [asylum.pk]})
    assert done.status_code == 302
    update.refresh_from_db()
    asylum.refresh_from_db()
    assert update.review_state == asylum.review_state == ReviewState.APPROVED
    assert "1 update approved. 1 value approved." in client.get(url).content.decode()


def test_the_badge_counts_both_kinds(client, indicators):
    gabriel, sofia = indicators["gabriel"], indicators["sofia"]
    status("GTM-PRO-01", gabriel)
    value("WORK_PERMITS_REFUGEES", gabriel)
    value("WORK_PERMITS_ASYLUM_SEEKERS", gabriel, figure="545")
    assert counts_for(sofia)["waiting"] == 3
    assert counts_for(gabriel)["waiting"] == 0  # teams do not review
    client.force_login(sofia)
    html = client.get(reverse("workspace")).content.decode()
    badge = re.search(r'Review <span class="count-badge"[^>]*>(\d+)</span>', html)
    assert badge and badge.group(1) == "3"


def test_the_tracker_shows_indicator_values_waiting_per_country(
    client, indicators, django_assert_num_queries
):
    gabriel, hugo, sofia = indicators["gabriel"], indicators["hugo"], indicators["sofia"]
    value("WORK_PERMITS_REFUGEES", gabriel)
    value("WORK_PERMITS_ASYLUM_SEEKERS", gabriel, figure="545")
    value(
        "IDP_ASSISTED",
        hugo,
        iso3="HND",
        period={"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)},
    )
    period = ReportingPeriod.objects.get(code="2025")
    with django_assert_num_queries(2):  # the commitments by country; the values by country
        board = tracker.tracker(period)
    waiting = {row.country.iso3: row.indicators_waiting for row in board.rows}
    assert waiting == {"BLZ": 0, "CRI": 0, "SLV": 0, "GTM": 2, "HND": 1, "MEX": 0, "PAN": 0}
    assert board.total.indicators_waiting == 3
    client.force_login(sofia)
    html = client.get(reverse("workspace"), {"period": "2025"}).content.decode()
    assert "Indicators waiting" in html
    link = f"{reverse('review-queue')}?country=GTM&amp;kind=indicators"
    assert f'<a href="{link}">2</a>' in html
    # the national team: its own count, in its headline, linking to its indicator values
    client.force_login(gabriel)
    own = client.get(reverse("workspace"), {"period": "2025"}).content.decode()
    assert "2 indicator values waiting for review" in own
    assert f'<a href="{reverse("indicator-values")}?country=GTM">2</a>' in own


def test_a_resubmitted_status_shows_the_earlier_return(client, indicators):
    gabriel, sofia = indicators["gabriel"], indicators["sofia"]
    first = status("GTM-PRO-01", gabriel)
    review(updates=[first], user=sofia, approve=False, comment="Attach the decree")
    first.refresh_from_db()
    again = status("GTM-PRO-01", gabriel, base_version=first.pk, value=3, narrative="Decree 12")
    fresh = status("GTM-PRO-02", gabriel)  # never returned: no note
    client.force_login(sofia)
    html = client.get(reverse("review-queue")).content.decode()
    note = card(html, f"u{again.pk}")
    when = timezone.localtime(first.reviewed_at).strftime("%Y-%m-%d %H:%M")
    assert f"Sent again after a return: sofia returned it on {when}: “Attach the decree”" in note
    assert "Sent again after a return" not in card(html, f"u{fresh.pk}")
    # corrected twice before the review (the first correction superseded): still answers it
    third = status("GTM-PRO-01", gabriel, base_version=again.pk, value=4, narrative="Decree 13")
    html = client.get(reverse("review-queue")).content.decode()
    assert "“Attach the decree”" in card(html, f"u{third.pk}")
    # once a later submission was approved, the old return is settled: no note
    review(updates=[third], user=sofia, approve=True)
    later = status("GTM-PRO-01", gabriel, base_version=third.pk, value=5, narrative="Done")
    html = client.get(reverse("review-queue")).content.decode()
    assert "Sent again after a return" not in card(html, f"u{later.pk}")
    # in Spanish too
    spanish = client.get(reverse("review-queue"), HTTP_ACCEPT_LANGUAGE="es")
    assert StatusUpdate.objects.filter(review_state=ReviewState.SUBMITTED).count() == 2
    assert "Sent again" not in spanish.content.decode()


def test_a_resubmitted_indicator_value_shows_the_earlier_return(client, indicators):
    gabriel, sofia = indicators["gabriel"], indicators["sofia"]
    first = value("WORK_PERMITS_REFUGEES", gabriel)
    indicator_services.review_values(
        values=[first], user=sofia, approve=False, comment="Which table of the report?"
    )
    first.refresh_from_db()
    again = value("WORK_PERMITS_REFUGEES", gabriel, figure="61")
    client.force_login(sofia)
    for language, words in [
        ("en", "Sent again after a return: sofia returned it on"),
        ("es", "Enviado de nuevo tras una devolución: sofia lo devolvió el"),
    ]:
        html = client.get(
            reverse("review-queue"), {"kind": "indicators"}, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        note = card(html, f"v{again.pk}")
        when = timezone.localtime(first.reviewed_at).strftime("%Y-%m-%d %H:%M")
        assert f"{words} {when}: “Which table of the report?”" in note


def test_the_queue_page_query_count_with_both_kinds(client, indicators, django_assert_num_queries):
    gabriel, sofia = indicators["gabriel"], indicators["sofia"]
    for code in ("GTM-PRO-01", "GTM-PRO-02", "GTM-EDU-01"):
        status(code, gabriel)
    value("WORK_PERMITS_REFUGEES", gabriel)
    value("WORK_PERMITS_ASYLUM_SEEKERS", gabriel, figure="545")
    client.force_login(sofia)
    # session, user, permissions (2); statuses: count, page, earlier returns; values: count,
    # page, their slots' approved and returned rows; the menu's counts; the demo flag; the
    # filter choices (countries, periods, focus areas)
    with django_assert_num_queries(15):
        client.get(reverse("review-queue"))
    # more rows, the same queries
    value("REF_RECOGNISED", gabriel, figure="600", period={
        "period_start": dt.date(2023, 9, 1), "period_end": dt.date(2024, 9, 30)})  # fmt: skip
    status("GTM-EDU-02", gabriel)
    with django_assert_num_queries(15):
        client.get(reverse("review-queue"))
