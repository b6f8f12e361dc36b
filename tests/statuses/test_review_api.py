"""POST /api/v1/status-updates/review/: the review queue's operation in the API. The same
service as the web (``statuses.review.review``): the secretariat only, all or none, the same
audit trail and notifications; clear 400s for bad input, never a 500."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import ChangeEvent
from mirps.vocabulary import ReviewState, Route
from notifications.models import Kind, Notification
from review.models import REVIEW_COMMENT_MAX_LENGTH
from statuses.models import StatusUpdate
from statuses.services import record_status
from tests.builders import CountryBuilder, member, period, secretariat

pytestmark = pytest.mark.django_db

URL = "/api/v1/status-updates/review/"


@pytest.fixture
def cast():
    """sofia (secretariat) reviews; gabriel (Guatemala's team) submitted three statuses in 2025
    and has an e-mail address, so a returned submission reaches him."""
    gtm = CountryBuilder("GTM", "Guatemala")
    commitments = [gtm.commitment() for _ in range(3)]
    p2025 = period("2025")
    gabriel = member("gabriel", "GTM")
    gabriel.email = "gabriel@example.org"
    gabriel.save()
    submitted = [
        record_status(commitment=c, period=p2025, status=2, narrative="Started", user=gabriel)
        for c in commitments
    ]
    assert {u.review_state for u in submitted} == {ReviewState.SUBMITTED}
    return {"sofia": secretariat("sofia"), "gabriel": gabriel, "submitted": submitted}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def post(client, body, **kwargs):
    return client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en", **kwargs)


def states(rows) -> list[str]:
    return [StatusUpdate.objects.get(pk=row.pk).review_state for row in rows]


def test_the_secretariat_approves_all_at_once_with_audit_events(
    cast, django_assert_num_queries, django_capture_on_commit_callbacks
):
    rows = cast["submitted"][:2]
    client = client_for(cast["sofia"])
    client.get("/api/v1/")  # the session is read once before counting
    ids = [r.pk for r in rows]
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_num_queries(12):
            # 1 the session, 2 the user, 3-4 is_secretariat (the user's permissions: direct,
            # through groups), 5 SAVEPOINT, 6 the rows' periods and commitments, 7 the periods
            # (FOR SHARE), 8 the commitments (FOR UPDATE), 9 the rows (FOR UPDATE), 10 the
            # UPDATE, 11 the audit events (one INSERT), 12 RELEASE SAVEPOINT (the figures'
            # version is in the cache, and the notifications wait for the commit)
            response = post(client, {"ids": ids, "action": "approve"})
    assert response.status_code == 200, response.content
    assert response.json() == {"reviewed": 2, "review_state": "approved", "ids": sorted(ids)}
    assert states(rows) == [ReviewState.APPROVED] * 2
    assert states(cast["submitted"][2:]) == [ReviewState.SUBMITTED]
    events = ChangeEvent.objects.filter(action=ChangeEvent.Action.APPROVED).order_by("pk")
    assert [(e.status_update_id, e.route, e.user) for e in events] == [
        (pk, Route.API, cast["sofia"]) for pk in sorted(ids)
    ]
    # approvals go out in the daily digest, not at once (as from the web)
    assert not Notification.objects.filter(kind=Kind.RETURNED).exists()


def test_returning_notifies_the_author_as_the_web_does(cast, django_capture_on_commit_callbacks):
    """The same submission returned once from the review queue and once from the API: the same
    notification, and the same audit event but for its route."""
    web_row, api_row = cast["submitted"][:2]
    sofia, gabriel = cast["sofia"], cast["gabriel"]
    web = client_for(sofia)
    with django_capture_on_commit_callbacks(execute=True):
        answer = web.post(
            reverse("review-queue"),
            {"action": "return", "update": [web_row.pk], "comment": "Which office?"},
        )
    assert answer.status_code == 302
    from_web = Notification.objects.get(recipient=gabriel, kind=Kind.RETURNED)
    from_web_event = ChangeEvent.objects.get(action=ChangeEvent.Action.RETURNED)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client_for(sofia), {"ids": [api_row.pk], "action": "return", "comment": "Which office?"}
        )
    assert response.status_code == 200, response.content
    assert response.json()["review_state"] == "returned"
    from_api = Notification.objects.get(recipient=gabriel, kind=Kind.RETURNED)
    assert from_api.data["comment"] == from_web.data["comment"] == "Which office?"
    assert set(from_api.data) == set(from_web.data)
    assert from_api.emailed_at is not None and from_web.emailed_at is not None
    from_api_event = ChangeEvent.objects.exclude(pk=from_web_event.pk).get(
        action=ChangeEvent.Action.RETURNED
    )
    assert (from_web_event.route, from_api_event.route) == (Route.WEB, Route.API)
    for event, row in ((from_web_event, web_row), (from_api_event, api_row)):
        assert (event.status_update_id, event.comment, event.user) == (
            row.pk,
            "Which office?",
            sofia,
        )
        assert (event.old_value, event.new_value) == (ReviewState.SUBMITTED, ReviewState.RETURNED)


@pytest.mark.parametrize("who", ["anonymous", "member", "inactive secretariat"])
def test_only_the_secretariat(cast, who):
    user = {"anonymous": None, "member": cast["gabriel"], "inactive secretariat": cast["sofia"]}
    if who == "inactive secretariat":
        cast["sofia"].is_active = False
        cast["sofia"].save()
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Basic c29maWE6cHctU2VjcmV0YXJpYXQtMjAyNA==")
    else:
        client = client_for(user[who])
    ids = [r.pk for r in cast["submitted"]]
    response = post(client, {"ids": ids, "action": "approve"})
    assert response.status_code in (401, 403)
    assert response.json()["detail"]
    # even a bad body gets the 403, not a 400 that would tell what exists
    assert post(client, {"ids": "x"}).status_code in (401, 403)
    assert states(cast["submitted"]) == [ReviewState.SUBMITTED] * 3
    assert not ChangeEvent.objects.filter(route=Route.API).exists()


def test_bad_input_is_a_clear_400_and_changes_nothing(cast):
    client = client_for(cast["sofia"])
    first, second, third = cast["submitted"]
    post(client, {"ids": [third.pk], "action": "approve"})  # third: no longer awaiting review
    refusals = [
        # unknown ids (all or none: the known one is not reviewed either)
        ({"ids": [first.pk, 987654], "action": "approve"}, "ids", "no longer exist"),
        # an update of another state
        ({"ids": [first.pk, third.pk], "action": "approve"}, "ids", "no longer awaiting review"),
        # returning needs a comment; none is longer than the limit
        ({"ids": [first.pk], "action": "return"}, "comment", "Say why"),
        ({"ids": [first.pk], "action": "return", "comment": "   "}, "comment", "Say why"),
        (
            {
                "ids": [first.pk],
                "action": "approve",
                "comment": "x" * (REVIEW_COMMENT_MAX_LENGTH + 1),
            },
            "comment",
            f"the limit is {REVIEW_COMMENT_MAX_LENGTH}",
        ),
        ({"ids": [], "action": "approve"}, "ids", ""),
        ({"ids": [first.pk], "action": "publish"}, "action", ""),
        ({"action": "approve"}, "ids", ""),
        ({"ids": [first.pk]}, "action", ""),
    ]
    for body, field, words in refusals:
        response = post(client, body)
        assert response.status_code == 400, (body, response.content)
        messages = response.json()[field]
        assert words in " ".join(messages), (body, messages)
    assert states([first, second]) == [ReviewState.SUBMITTED] * 2
    assert ChangeEvent.objects.filter(route=Route.API).count() == 1  # third's approval only


def test_a_locked_period_is_refused(cast):
    sofia = cast["sofia"]
    client = client_for(sofia)
    assert client.post("/api/v1/periods/2025/lock/").status_code == 200
    response = post(client, {"ids": [cast["submitted"][0].pk], "action": "approve"})
    assert response.status_code == 400
    assert "2025 is locked" in " ".join(response.json()["period"])
    assert states(cast["submitted"]) == [ReviewState.SUBMITTED] * 3


HOSTILE = [
    [1, 2],
    "ids=1",
    None,
    {"ids": "1,2", "action": "approve"},
    {"ids": [{"id": 1}], "action": "approve"},
    {"ids": [None], "action": "approve"},
    {"ids": [-1], "action": "approve"},
    {"ids": [0], "action": "approve"},
    {"ids": [10**30], "action": "approve"},
    {"ids": [2**63], "action": "approve"},
    {"ids": [1.5], "action": "approve"},
    {"ids": ["1e3"], "action": "approve"},
    {"ids": list(range(1, 1100)), "action": "approve"},
    {"ids": [1], "action": ["approve"]},
    {"ids": [1], "action": None},
    {"ids": [1], "action": "return", "comment": {"text": "x"}},
    {"ids": [1], "action": "return", "comment": ["x"]},
    {"ids": [1], "action": "return", "comment": "nul\x00byte"},
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_bodies_are_400s(cast, body):
    client = client_for(cast["sofia"])
    response = post(client, body)
    assert response.status_code == 400, response.content
    assert response.json()
    assert states(cast["submitted"]) == [ReviewState.SUBMITTED] * 3


@pytest.mark.parametrize(
    "raw, content_type",
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (json.dumps({"ids": [1], "action": "approve"}).encode() * 2, "application/json"),
        (b"ids=1&ids=x&action=approve", "application/x-www-form-urlencoded"),
        (b"<xml/>", "application/xml"),
        # a lone surrogate, escaped in JSON (no database can hold it)
        (b'{"ids": [1], "action": "return", "comment": "lone \\ud800 one"}', "application/json"),
    ],
)
def test_malformed_requests_are_4xx_not_500(cast, raw, content_type):
    client = client_for(cast["sofia"])
    response = client.generic("POST", URL, raw, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content
    assert states(cast["submitted"]) == [ReviewState.SUBMITTED] * 3


def test_form_encoded_ids_work_too(cast):
    client = client_for(cast["sofia"])
    first, second, _third = cast["submitted"]
    response = client.post(URL, {"ids": [first.pk, second.pk], "action": "approve"})
    assert response.status_code == 200, response.content
    assert states([first, second]) == [ReviewState.APPROVED] * 2
