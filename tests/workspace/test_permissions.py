"""Role × action × own/other country, for the web and the API: 403/404 and nothing written."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import ChangeEvent
from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.services import record_status

OWN = "GTM-HEA-01"  # gabriel's country
OTHER = "HND-EDU-01"  # hugo's country


def _matrix_post(client, iso3, code, status=3):
    """A matrix save of one row (the management form plus one row form)."""
    commitment = Commitment.objects.get(code=code)
    return client.post(
        reverse("country-matrix", kwargs={"iso3": iso3}) + "?period=2024",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-commitment": commitment.code,
            "form-0-base_version": "0",
            "form-0-status": str(status),
            "form-0-narrative": "Progress made",
        },
    )


def _page_post(client, code, status=3):
    return client.post(
        reverse("workspace-commitment", kwargs={"code": code}) + "?period=2024",
        {"status": str(status), "narrative": "Progress made", "base_version": "0"},
    )


def _api_post(user, code, status=3):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api.post(
        "/api/v1/status-updates/",
        {"commitment": code, "period": "2024", "status": status, "narrative": "Progress made"},
        format="json",
    )


ROUTES = ["page", "matrix", "api"]

# (who, commitment) -> expected review state of the written row, or None: refused, nothing written
CASES = [
    ("sofia", OWN, ReviewState.APPROVED),
    ("sofia", OTHER, ReviewState.APPROVED),
    ("gabriel", OWN, ReviewState.SUBMITTED),
    ("gabriel", OTHER, None),
    ("hugo", OWN, None),
    ("hugo", OTHER, ReviewState.SUBMITTED),
    ("nadia", OWN, ReviewState.SUBMITTED),
    ("nadia", OTHER, ReviewState.SUBMITTED),
    ("pat", OWN, None),
    ("anonymous", OWN, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("who", "code", "expected"), CASES)
def test_who_may_record_where(client, people, route, who, code, expected):
    user = people.get(who)
    if user is not None:
        client.force_login(user)
    iso3 = code[:3]
    if route == "page":
        response = _page_post(client, code)
    elif route == "matrix":
        response = _matrix_post(client, iso3, code)
    else:
        response = _api_post(user, code)

    rows = StatusUpdate.objects.filter(commitment__code=code)
    if expected is None:
        assert response.status_code in (302, 401, 403, 404), response.status_code
        if response.status_code == 302:  # anonymous on a page: sent to sign in
            assert reverse("login") in response["Location"]
        assert not rows.exists()
        assert not ChangeEvent.objects.exists()
    else:
        assert response.status_code in (201, 302), response.content[:500]
        row = rows.get()
        assert row.review_state == expected
        assert row.created_by == user
        assert row.source == ("api" if route == "api" else "web")


@pytest.mark.django_db
def test_crafted_matrix_post_with_another_countrys_commitment_is_refused(client, people):
    # gabriel posts to his own country's matrix, but the row names a Honduran commitment.
    client.force_login(people["gabriel"])
    response = _matrix_post(client, "GTM", OTHER)
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["gabriel", "hugo", "pat"])
def test_only_the_secretariat_reviews_and_locks(client, people, who):
    update = record_status(
        commitment=Commitment.objects.get(code=OWN),
        period=ReportingPeriod.objects.get(code="2024"),
        status=2,
        narrative="Submitted",
        user=people["gabriel"],
    )
    client.force_login(people[who])
    assert client.post(reverse("review-queue"), {"approve_one": update.pk}).status_code == 403
    assert client.get(reverse("review-queue")).status_code == 403
    lock = client.post(reverse("period-lock", kwargs={"code": "2024"}), {"locked": "1"})
    assert lock.status_code == 403
    assert client.get(reverse("periods")).status_code == 403
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED
    assert not ReportingPeriod.objects.get(code="2024").locked


@pytest.mark.django_db
def test_members_read_every_country_but_edit_only_their_own(client, people):
    client.force_login(people["gabriel"])
    own = client.get(reverse("country-matrix", kwargs={"iso3": "GTM"}))
    other = client.get(reverse("country-matrix", kwargs={"iso3": "HND"}))
    assert own.status_code == other.status_code == 200
    assert b'name="form-0-status"' in own.content
    assert b'name="form-0-status"' not in other.content
    page = client.get(reverse("workspace-commitment", kwargs={"code": OTHER}))
    assert page.status_code == 200 and b'name="status"' not in page.content


@pytest.mark.django_db
def test_account_without_role_gets_403_in_the_workspace(client, people):
    client.force_login(people["pat"])
    assert client.get(reverse("workspace-commitments")).status_code == 403
    assert client.get(reverse("country-matrix", kwargs={"iso3": "GTM"})).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, plans):
    response = client.get(reverse("workspace-commitments"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
