"""POST /api/v1/periods/<code>/lock/ and /unlock/: the periods page's lock and unlock in the API,
through the same service (``periods.services.set_period_locked``): the secretariat only, the
same audit events, the public figures refreshed, nothing more sent than from the web."""

import pytest
from rest_framework.test import APIClient

from audit.models import ChangeEvent
from mirps.vocabulary import Route
from notifications.models import Notification
from periods.models import ReportingPeriod
from periods.services import PeriodLocked
from reports.cache import figures_version
from statuses.services import record_status
from tests.builders import CountryBuilder, member, period, secretariat

pytestmark = pytest.mark.django_db

LOCKS = (ChangeEvent.Action.PERIOD_LOCKED, ChangeEvent.Action.PERIOD_UNLOCKED)


@pytest.fixture
def cast():
    gtm = CountryBuilder("GTM", "Guatemala")
    return {
        "sofia": secretariat("sofia"),
        "gabriel": member("gabriel", "GTM"),
        "commitment": gtm.commitment(),
        "period": period("2025"),
    }


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def is_locked(code="2025") -> bool:
    return ReportingPeriod.objects.get(code=code).locked


def trail():
    return list(
        ChangeEvent.objects.filter(action__in=LOCKS)
        .order_by("pk")
        .values_list("action", "route", "period__code", "old_value", "new_value", "user__username")
    )


def test_lock_and_unlock_with_their_audit_events(cast, django_capture_on_commit_callbacks):
    client = client_for(cast["sofia"])
    before = figures_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/periods/2025/lock/")
    assert response.status_code == 200, response.content
    assert response.json()["code"] == "2025" and response.json()["locked"] is True
    assert is_locked()
    assert figures_version() != before  # the public figures are refreshed
    # a locked period refuses statuses, whatever the door
    with pytest.raises(PeriodLocked):
        record_status(
            commitment=cast["commitment"], period=cast["period"], status=2, user=cast["sofia"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/periods/2025/unlock/")
    assert response.status_code == 200 and response.json()["locked"] is False
    assert not is_locked()
    assert trail() == [
        (ChangeEvent.Action.PERIOD_LOCKED, Route.API, "2025", "False", "True", "sofia"),
        (ChangeEvent.Action.PERIOD_UNLOCKED, Route.API, "2025", "True", "False", "sofia"),
    ]


def test_the_same_as_the_web_but_for_the_route(cast, django_capture_on_commit_callbacks):
    """Lock and unlock once from the periods page and once from the API: the same events (but
    for their route), the same notifications (none: a lock tells nobody)."""
    web, api = client_for(cast["sofia"]), client_for(cast["sofia"])
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post("/workspace/periods/2025/lock/", {"locked": "1"}).status_code == 302
        assert web.post("/workspace/periods/2025/lock/", {"locked": "0"}).status_code == 302
    from_web = trail()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/v1/periods/2025/lock/").status_code == 200
        assert api.post("/api/v1/periods/2025/unlock/").status_code == 200
    from_api = trail()[len(from_web) :]
    assert [e[1] for e in from_web] == [Route.WEB] * 2
    assert [e[1] for e in from_api] == [Route.API] * 2
    assert [e[:1] + e[2:] for e in from_api] == [e[:1] + e[2:] for e in from_web]
    assert Notification.objects.count() == 0


def test_asking_for_the_state_it_is_in_changes_nothing(cast):
    client = client_for(cast["sofia"])
    assert client.post("/api/v1/periods/2025/unlock/").status_code == 200  # already open
    assert client.post("/api/v1/periods/2025/lock/").status_code == 200
    again = client.post("/api/v1/periods/2025/lock/")
    assert again.status_code == 200 and again.json()["locked"] is True
    assert [e[0] for e in trail()] == [ChangeEvent.Action.PERIOD_LOCKED]


@pytest.mark.parametrize("who", ["anonymous", "member"])
@pytest.mark.parametrize("verb", ["lock", "unlock"])
def test_only_the_secretariat(cast, who, verb):
    if verb == "unlock":
        client_for(cast["sofia"]).post("/api/v1/periods/2025/lock/")
    locked = is_locked()
    client = client_for(None if who == "anonymous" else cast["gabriel"])
    response = client.post(f"/api/v1/periods/2025/{verb}/")
    assert response.status_code == 403
    assert response.json()["detail"]
    # an unknown period is a 403 too for them: nothing is told about what exists
    assert client.post(f"/api/v1/periods/2031/{verb}/").status_code == 403
    assert is_locked() == locked
    assert len(trail()) == (1 if verb == "unlock" else 0)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/periods/2031/lock/",
        "/api/v1/periods/2025-H3/unlock/",
        "/api/v1/periods/" + "9" * 500 + "/lock/",
        "/api/v1/periods/2025%27%3B--/lock/",
    ],
)
def test_unknown_periods_are_404s(cast, path):
    response = client_for(cast["sofia"]).post(path)
    assert response.status_code == 404, response.content
    assert not is_locked() and trail() == []


def test_a_nul_in_the_code_is_a_400(cast):
    response = client_for(cast["sofia"]).post("/api/v1/periods/%00/lock/")
    assert response.status_code == 400 and response.json()["detail"]  # mirps.middleware
    assert not is_locked()


def test_the_lock_body_is_ignored_the_unlock_body_read_and_only_post_is_allowed(cast):
    client = client_for(cast["sofia"])
    hostile = client.post(
        "/api/v1/periods/2025/lock/", {"locked": False, "code": "2024"}, format="json"
    )
    assert hostile.status_code == 200 and is_locked()
    garbage = client.generic(
        "POST", "/api/v1/periods/2025/unlock/", b"{not json", content_type="application/json"
    )
    assert garbage.status_code == 400 and is_locked()  # unlock reads its body (the reason)
    assert client.post("/api/v1/periods/2025/unlock/").status_code == 200 and not is_locked()
    assert client.get("/api/v1/periods/2025/lock/").status_code == 405
    assert client.delete("/api/v1/periods/2025/lock/").status_code == 405


def test_query_counts(cast, django_assert_num_queries):
    client = client_for(cast["sofia"])
    client.get("/api/v1/")
    with django_assert_num_queries(10):
        # 1 the session, 2 the user, 3-4 is_secretariat (the user's permissions: direct,
        # through groups; asked again by the service, cached on the user), 5 the period
        # (get_object), 6 SAVEPOINT, 7 the period (FOR UPDATE), 8 UPDATE of the period,
        # 9 the audit event, 10 RELEASE SAVEPOINT
        assert client.post("/api/v1/periods/2025/lock/").status_code == 200


def test_unlock_through_the_api_keeps_the_reason_like_the_web(cast):
    """The reason (optional, as on the periods page) goes into the audit event, from which the
    next release's errata take it."""
    client = client_for(cast["sofia"])
    assert client.post("/api/v1/periods/2025/lock/").status_code == 200
    response = client.post(
        "/api/v1/periods/2025/unlock/", {"reason": "  Corrección de GTM  "}, format="json"
    )
    assert response.status_code == 200, response.content
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_UNLOCKED)
    assert event.comment == "Corrección de GTM"


@pytest.mark.parametrize("body", [{"reason": "x" * 2001}, ["a list"], {"reason": {"a": 1}}])
def test_an_unlock_body_it_cannot_read_is_a_400_and_leaves_the_period_locked(cast, body):
    client = client_for(cast["sofia"])
    client.post("/api/v1/periods/2025/lock/")
    response = client.post("/api/v1/periods/2025/unlock/", body, format="json")
    assert response.status_code == 400, response.content
    assert is_locked()
