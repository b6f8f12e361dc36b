"""The review queue page: a form per row (approve, or return with the comment beside it),
filters kept in the URL, pages, the commitment's text and a link to the evidence file."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from review.models import REVIEW_COMMENT_MAX_LENGTH
from statuses.models import StatusUpdate
from statuses.services import record_status
from workspace.views_review import REVIEW_PAGE_SIZE

pytestmark = pytest.mark.django_db


def submit(code, user, period="2024", **extra):
    return record_status(
        commitment=Commitment.objects.get(code=code),
        period=ReportingPeriod.objects.get(code=period),
        status=2,
        narrative=extra.pop("narrative", f"Work on {code}"),
        user=user,
        **extra,
    )


def test_each_row_returns_with_its_own_comment(client, people):
    # gabriel (GTM team) submits two; sofia (secretariat) returns one with the comment typed
    # in that row's box, at the first click, and the other row is untouched.
    first = submit("GTM-PRO-01", people["gabriel"])
    second = submit("GTM-PRO-02", people["gabriel"])
    client.force_login(people["sofia"])
    url = reverse("review-queue") + "?country=GTM"
    page = client.get(url).content.decode()
    assert page.count('class="review-row-form"') == 2
    assert f'name="return_one" value="{first.pk}"' in page
    response = client.post(url, {"return_one": first.pk, "comment": "Attach the decree"})
    assert response.status_code == 302 and response["Location"] == url
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.review_state == ReviewState.RETURNED
    assert first.review_comment == "Attach the decree"
    assert second.review_state == ReviewState.SUBMITTED
    after = client.get(url).content.decode()
    assert "1 update returned." in after and "GTM-PRO-01" not in after


def test_return_without_a_comment_says_so_on_that_row(client, people):
    first = submit("GTM-PRO-01", people["gabriel"])
    second = submit("GTM-PRO-02", people["gabriel"])
    client.force_login(people["sofia"])
    response = client.post(reverse("review-queue"), {"return_one": second.pk, "comment": " "})
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'id="u{second.pk}"') :]
    row = row[: row.index("</article>")]
    assert 'role="alert"' in row and "Say why the submission is returned." in row
    other = html[html.index(f'id="u{first.pk}"') :]
    assert "Say why" not in other[: other.index("</article>")]
    assert StatusUpdate.objects.filter(review_state=ReviewState.SUBMITTED).count() == 2


def test_a_too_long_row_comment_is_refused_on_the_row_with_the_text_kept(client, people):
    update = submit("GTM-PRO-01", people["gabriel"])
    client.force_login(people["sofia"])
    long = "x" * (REVIEW_COMMENT_MAX_LENGTH + 1)
    response = client.post(reverse("review-queue"), {"return_one": update.pk, "comment": long})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="err-' in html and long in html
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED


def test_a_row_reviewed_meanwhile_is_said_at_the_top(client, people):
    update = submit("GTM-PRO-01", people["gabriel"])
    client.force_login(people["sofia"])
    client.post(reverse("review-queue"), {"approve_one": update.pk})
    again = client.post(reverse("review-queue"), {"return_one": update.pk, "comment": "late"})
    assert again.status_code == 200
    assert "no longer awaiting review" in again.content.decode()
    update.refresh_from_db()
    assert update.review_state == ReviewState.APPROVED


def test_filters_are_kept_in_the_url_and_select_the_rows(client, people):
    submit("GTM-PRO-01", people["gabriel"])
    submit("GTM-EDU-01", people["gabriel"])
    submit("HND-PRO-01", people["hugo"])
    submit("HND-PRO-02", people["hugo"], period="2025")
    client.force_login(people["sofia"])
    url = reverse("review-queue")
    assert "4 updates await review." in client.get(url).content.decode()
    gtm = client.get(url, {"country": "GTM", "focus_area": "PRO"}).content.decode()
    assert "GTM-PRO-01" in gtm and "GTM-EDU-01" not in gtm and "HND-PRO-01" not in gtm
    assert "1 update awaits review." in gtm
    assert 'action="/workspace/review/?country=GTM&amp;focus_area=PRO#u' in gtm
    period = client.get(url, {"period": "2025"}).content.decode()
    assert "HND-PRO-02" in period and "HND-PRO-01" not in period
    none = client.get(url, {"country": "PAN"}).content.decode()
    assert "Nothing awaits review with these filters." in none
    bad = client.get(url, {"country": "ZZZ"})
    assert bad.status_code == 200 and "were ignored" in bad.content.decode()


def test_the_queue_is_paginated_keeping_the_filters(client, people):
    for commitment in Commitment.objects.filter(country__iso3="GTM")[: REVIEW_PAGE_SIZE + 2]:
        submit(commitment.code, people["gabriel"])
    client.force_login(people["sofia"])
    first = client.get(reverse("review-queue"), {"country": "GTM"}).content.decode()
    assert first.count('class="review-row-form"') == REVIEW_PAGE_SIZE
    assert "?country=GTM&amp;page=2" in first
    second = client.get(reverse("review-queue"), {"country": "GTM", "page": "2"}).content.decode()
    assert second.count('class="review-row-form"') == 2


def test_rows_show_the_commitment_text_and_link_the_evidence_file(client, people):
    update = submit(
        "GTM-PRO-01",
        people["gabriel"],
        evidence_file=ContentFile(b"%PDF-1.4", name="decree.pdf"),
        evidence_url="https://example.org/report",
    )
    client.force_login(people["sofia"])
    html = client.get(reverse("review-queue")).content.decode()
    text = Commitment.objects.get(code="GTM-PRO-01").text
    assert text in html
    assert f'href="{reverse("evidence", args=[update.pk])}"' in html
    assert 'href="https://example.org/report"' in html
    assert client.get(reverse("evidence", args=[update.pk])).status_code == 200


def test_the_review_page_query_count(client, people, django_assert_num_queries):
    for code in ("GTM-PRO-01", "GTM-PRO-02", "GTM-EDU-01"):
        submit(code, people["gabriel"])
    client.force_login(people["sofia"])
    # session, user, the user's permissions (its own, its groups': is it the secretariat?),
    # the three filters' values (country GTM, period 2024, focus area PRO), the statuses'
    # count (paginator), their page (with commitment, country, period, author), the returns
    # they answer, the indicator values' count (none: no page, no look-up), the menu's counts
    # (one query), the demo flag (banner), the filter choices (countries, periods, focus areas)
    with django_assert_num_queries(16):
        client.get(reverse("review-queue") + "?country=GTM&period=2024&focus_area=PRO")
    # without filters: the three value look-ups go
    with django_assert_num_queries(13):
        client.get(reverse("review-queue"))


def test_the_workspace_list_links_its_export_with_the_filters(client, people):
    client.force_login(people["sofia"])
    html = client.get(reverse("workspace-commitments"), {"country": "PAN", "page": "1"})
    html = html.content.decode()
    xlsx = reverse("commitments-export", args=["xlsx"]) + "?country=PAN"
    assert f'href="{xlsx}"' in html
    assert f'href="{reverse("commitments-export", args=["csv"])}?country=PAN"' in html
    exported = client.get(xlsx)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
