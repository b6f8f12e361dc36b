"""History, optimistic concurrency, approved-only public figures, locked periods, review."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import ChangeEvent
from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from reports import progress
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import Conflict, PeriodLocked, record_status

pytestmark = pytest.mark.django_db


def _c(code="GTM-HEA-01"):
    return Commitment.objects.get(code=code)


def _p(code="2024"):
    return ReportingPeriod.objects.get(code=code)


def _public_progress():
    return progress.compute(period=_p()).total.as_dict()


# --- nothing is lost ---------------------------------------------------------------------


def test_every_change_is_kept_with_who_when_old_new_and_route(people):
    sofia, gabriel = people["sofia"], people["gabriel"]
    first = record_status(
        commitment=_c(), period=_p(), status=2, narrative="Started", user=sofia, base_version=0
    )
    second = record_status(
        commitment=_c(),
        period=_p(),
        status=4,
        narrative="Most done",
        user=sofia,
        base_version=first.pk,
        source="api",
    )
    # each recorded status is a row of its own: who, when, old → new, route; none overwritten
    rows = list(
        StatusUpdate.objects.filter(commitment=_c())
        .order_by("id")
        .values_list("created_by__username", "status_before", "status", "source", "previous")
    )
    assert rows == [("sofia", None, 2, "web", None), ("sofia", 2, 4, "api", first.pk)]
    assert all(u.created_at is not None for u in StatusUpdate.objects.all())
    # what happens to a row afterwards (superseded, reviewed) is an audit event
    third = record_status(
        commitment=_c(),
        period=_p(),
        status=5,
        narrative="Finished",
        user=gabriel,
        base_version=second.pk,
    )
    fourth = record_status(
        commitment=_c(),
        period=_p(),
        status=4,
        narrative="Not quite",
        user=gabriel,
        base_version=third.pk,
    )
    review(updates=[fourth], user=sofia, approve=False, comment="Evidence?")
    events = list(
        ChangeEvent.objects.order_by("at", "id").values_list(
            "user__username", "action", "route", "old_value", "new_value", "status_update"
        )
    )
    assert events == [
        ("gabriel", "superseded", "web", "5 (submitted)", "superseded", third.pk),
        ("sofia", "returned", "web", "submitted", "returned", fourth.pk),
    ]


def test_history_shows_on_the_commitment_page_and_in_the_admin(client, people):
    gabriel, sofia = people["gabriel"], people["sofia"]
    update = record_status(
        commitment=_c(), period=_p(), status=3, narrative="Unit staffed", user=gabriel
    )
    review(updates=[update], user=sofia, approve=False, comment="Add the evidence, please")
    client.force_login(gabriel)
    html = client.get(reverse("workspace-commitment", kwargs={"code": "GTM-HEA-01"})).content
    html = html.decode()
    assert "Unit staffed" in html and "Add the evidence, please" in html
    assert "gabriel" in html and "sofia" in html
    sofia.is_staff = True
    sofia.save()
    client.force_login(sofia)
    admin = client.get("/admin/audit/changeevent/")
    assert admin.status_code == 200 and b"GTM-HEA-01" in admin.content


def test_status_change_needs_a_narrative(people):
    with pytest.raises(ValidationError) as error:
        record_status(commitment=_c(), period=_p(), status=3, narrative=" ", user=people["sofia"])
    assert "narrative" in error.value.message_dict
    assert not StatusUpdate.objects.exists()


# --- optimistic concurrency --------------------------------------------------------------


def test_second_save_with_a_stale_version_is_refused_and_names_the_other_change(people):
    # Both open the form when nothing is recorded (version 0); gabriel saves first.
    record_status(
        commitment=_c(),
        period=_p(),
        status=2,
        narrative="Ours",
        user=people["gabriel"],
        base_version=0,
    )
    with pytest.raises(Conflict) as conflict:
        record_status(
            commitment=_c(),
            period=_p(),
            status=4,
            narrative="Mine",
            user=people["nadia"],
            base_version=0,
        )
    message = str(conflict.value)
    assert "gabriel" in message and "status 2" in message and "2024" in message
    assert StatusUpdate.objects.count() == 1


def test_web_form_shows_the_conflict_and_keeps_the_users_input(client, people):
    url = reverse("workspace-commitment", kwargs={"code": "GTM-HEA-01"}) + "?period=2024"
    client.force_login(people["nadia"])
    client.get(url)  # nadia opens the form at version 0 ...
    record_status(
        commitment=_c(),
        period=_p(),
        status=2,
        narrative="Ours",
        user=people["gabriel"],
        base_version=0,
    )  # ... gabriel saves meanwhile
    response = client.post(url, {"status": "4", "narrative": "Mine", "base_version": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "gabriel recorded status 2" in html and "Mine" in html
    assert StatusUpdate.objects.count() == 1


def test_api_conflict_is_409_with_the_current_change(people):
    api = APIClient()
    api.force_authenticate(people["sofia"])
    payload = {"commitment": "GTM-HEA-01", "period": "2024", "status": 3, "narrative": "A"}
    first = api.post("/api/v1/status-updates/", payload, format="json")
    assert first.status_code == 201
    stale = api.post("/api/v1/status-updates/", {**payload, "status": 4}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["id"] == first.json()["id"]
    assert stale.json()["current"]["recorded_by"] == "sofia"
    fresh = api.post(
        "/api/v1/status-updates/",
        {**payload, "status": 4, "base_version": first.json()["id"]},
        format="json",
    )
    assert fresh.status_code == 201


def test_matrix_saves_all_rows_or_none(client, people):
    # Row 1 is fine, row 2 is stale: nothing is saved and row 2 says why.
    record_status(
        commitment=_c("GTM-PRO-02"), period=_p(), status=1, narrative="x", user=people["sofia"]
    )
    client.force_login(people["gabriel"])
    url = reverse("country-matrix", kwargs={"iso3": "GTM"}) + "?period=2024"
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-commitment": "GTM-PRO-01",
        "form-0-base_version": "0",
        "form-0-status": "2",
        "form-0-narrative": "Fine",
        "form-1-commitment": "GTM-PRO-02",
        "form-1-base_version": "0",
        "form-1-status": "3",
        "form-1-narrative": "Stale",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert "sofia recorded status 1" in response.content.decode()
    assert StatusUpdate.objects.count() == 1
    data["form-1-base_version"] = str(StatusUpdate.objects.get().pk)
    assert client.post(url, data).status_code == 302
    assert StatusUpdate.objects.filter(review_state=ReviewState.SUBMITTED).count() == 2


# --- public figures count approved statuses only -----------------------------------------


def test_submitted_and_returned_do_not_count_until_approved(client, people):
    before = _public_progress()
    update = record_status(
        commitment=_c(), period=_p(), status=5, narrative="Done", user=people["gabriel"]
    )
    assert _public_progress() == before
    api = APIClient()
    public = api.get("/api/v1/commitments/GTM-HEA-01/").json()
    assert public["status"] is None and public["history"] == []
    assert api.get("/api/v1/status-updates/").json()["count"] == 0
    # the workspace sees it, marked as submitted
    client.force_login(people["gabriel"])
    listing = client.get(reverse("workspace-commitments"), {"review": "pending"}).content.decode()
    assert "GTM-HEA-01" in listing and "awaiting review" in listing

    review(updates=[update], user=people["sofia"], approve=True)
    after = _public_progress()
    assert after["reported"] == before["reported"] + 1
    assert after["levels"]["5"] == before["levels"]["5"] + 1
    assert api.get("/api/v1/commitments/GTM-HEA-01/").json()["status"] == 5


def test_returned_submission_never_counts(people):
    update = record_status(
        commitment=_c(), period=_p(), status=5, narrative="Done", user=people["gabriel"]
    )
    review(updates=[update], user=people["sofia"], approve=False, comment="No evidence")
    assert _public_progress()["reported"] == 0
    update.refresh_from_db()
    assert (update.review_state, update.review_comment) == ("returned", "No evidence")


def test_returning_needs_a_comment_and_reviews_happen_once(people):
    update = record_status(
        commitment=_c(), period=_p(), status=1, narrative="x", user=people["gabriel"]
    )
    with pytest.raises(ValidationError):
        review(updates=[update], user=people["sofia"], approve=False, comment="")
    review(updates=[update], user=people["sofia"], approve=True)
    with pytest.raises(ValidationError):
        review(updates=[update], user=people["sofia"], approve=True)


def test_a_newer_submission_supersedes_the_pending_one(people):
    first = record_status(
        commitment=_c(), period=_p(), status=1, narrative="a", user=people["gabriel"]
    )
    second = record_status(
        commitment=_c(),
        period=_p(),
        status=2,
        narrative="b",
        user=people["gabriel"],
        base_version=first.pk,
    )
    first.refresh_from_db()
    assert first.review_state == ReviewState.SUPERSEDED
    assert second.review_state == ReviewState.SUBMITTED
    with pytest.raises(ValidationError):
        review(updates=[first], user=people["sofia"], approve=True)


def test_bulk_review_is_all_or_nothing(people):
    a = record_status(
        commitment=_c("GTM-PRO-01"), period=_p(), status=1, narrative="a", user=people["gabriel"]
    )
    b = record_status(
        commitment=_c("GTM-PRO-02"), period=_p(), status=2, narrative="b", user=people["gabriel"]
    )
    review(updates=[b], user=people["sofia"], approve=True)
    with pytest.raises(ValidationError):
        review(updates=[a, b], user=people["sofia"], approve=True)
    a.refresh_from_db()
    assert a.review_state == ReviewState.SUBMITTED


def test_review_queue_page_approves_in_bulk(client, people):
    ids = [
        record_status(
            commitment=_c(code), period=_p(), status=2, narrative="n", user=people["hugo"]
        ).pk
        for code in ("HND-PRO-01", "HND-PRO-02")
    ]
    client.force_login(people["sofia"])
    page = client.get(reverse("review-queue")).content.decode()
    assert "Honduras" in page and "HND-PRO-02" in page
    response = client.post(reverse("review-queue"), {"update": ids, "action": "approve"})
    assert response.status_code == 302
    assert set(StatusUpdate.objects.values_list("review_state", flat=True)) == {"approved"}
    empty = client.get(reverse("review-queue")).content.decode()
    assert "Nothing awaits review" in empty


# --- locked periods ----------------------------------------------------------------------


def test_locked_period_refuses_changes_with_a_clear_message(client, people):
    pending = record_status(
        commitment=_c(), period=_p(), status=1, narrative="x", user=people["gabriel"]
    )
    set_period_locked(period=_p(), locked=True, user=people["sofia"])
    with pytest.raises(PeriodLocked):
        record_status(
            commitment=_c(),
            period=_p(),
            status=2,
            narrative="y",
            user=people["sofia"],
            base_version=pending.pk,
        )
    with pytest.raises(PeriodLocked):
        review(updates=[pending], user=people["sofia"], approve=True)
    client.force_login(people["gabriel"])
    url = reverse("workspace-commitment", kwargs={"code": "GTM-HEA-01"}) + "?period=2024"
    assert "is locked" in client.get(url).content.decode()
    response = client.post(url, {"status": "3", "narrative": "z", "base_version": pending.pk})
    assert "is locked" in response.content.decode()
    assert StatusUpdate.objects.count() == 1
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["sofia"])
    locked = api.post(
        "/api/v1/status-updates/",
        {
            "commitment": "GTM-HEA-01",
            "period": "2024",
            "status": 3,
            "narrative": "z",
            "base_version": pending.pk,
        },
        format="json",
    )
    assert locked.status_code == 400 and "is locked" in locked.json()["period"][0]
    set_period_locked(period=_p(), locked=False, user=people["sofia"])
    assert list(
        ChangeEvent.objects.filter(action__startswith="period")
        .values_list("action", flat=True)
        .order_by("at", "id")
    ) == ["period_locked", "period_unlocked"]


def test_secretariat_opens_and_locks_periods_on_the_page(client, people):
    client.force_login(people["sofia"])
    opening = {"code": "2025-H1", "submission_deadline": "2025-07-31"}
    assert client.post(reverse("periods"), opening).status_code == 302
    period = ReportingPeriod.objects.get(code="2025-H1")
    assert (period.kind, str(period.end_date)) == ("midyear", "2025-06-30")
    assert str(period.submission_deadline) == "2025-07-31"
    again = client.post(reverse("periods"), opening)
    assert "already exists" in again.content.decode()
    bad = client.post(reverse("periods"), {"code": "soon", "submission_deadline": "2025-07-31"})
    assert "Use a year" in bad.content.decode()
    client.post(reverse("period-lock", kwargs={"code": "2025-H1"}), {"locked": "1"})
    assert ReportingPeriod.objects.get(code="2025-H1").locked


# --- pages -------------------------------------------------------------------------------


def test_workspace_list_filters_sorts_and_counts(client, people):
    record_status(
        commitment=_c("PAN-JOB-03"), period=_p(), status=4, narrative="x", user=people["sofia"]
    )
    client.force_login(people["sofia"])
    url = reverse("workspace-commitments")
    page = client.get(url, {"country": "PAN", "status": "4", "period": "2024"}).content.decode()
    assert "PAN-JOB-03" in page and "1 commitment" in page
    assert "27 commitments" in client.get(url, {"country": "PAN"}).content.decode()
    assert "1 commitment" in client.get(url, {"q": "drivers licenses"}).content.decode()
    top = client.get(url, {"sort": "-status"}).content.decode()
    assert top.index("PAN-JOB-03") < top.index("BLZ-PRO-01")
    empty = client.get(url, {"q": "no such commitment anywhere"}).content.decode()
    assert "No commitment matches these filters" in empty
    assert client.get(url, {"country": "ZZZ"}).status_code == 200  # bad filter: ignored, said


@pytest.mark.parametrize("size", [1, 12])
def test_workspace_pages_query_counts_do_not_grow(
    client, people, size, django_assert_max_num_queries
):
    for commitment in Commitment.objects.filter(country__iso3="GTM")[:size]:
        record_status(
            commitment=commitment, period=_p(), status=2, narrative="n", user=people["gabriel"]
        )
    client.force_login(people["sofia"])
    # session, user, user perms (x2), list counts, list page, demo flag, the menu's counts
    # (unread, returned, waiting: one query), periods (the stale flag), and the filter form's
    # choices (countries, pillars, focus areas, periods)
    with django_assert_max_num_queries(14):
        client.get(reverse("workspace-commitments"))
    # session, user, perms, periods, commitments with state, all status rows, countries, ...
    with django_assert_max_num_queries(12):
        client.get(reverse("country-matrix", kwargs={"iso3": "GTM"}) + "?period=2024")
    # session, user, perms (x2), the statuses' count, page and the returns they answer, the
    # indicator values' count (none: no page), the menu's counts, the demo flag, the filters'
    # choices (countries, periods, focus areas)
    with django_assert_max_num_queries(13):
        client.get(reverse("review-queue"))


def test_sign_in_page_and_password_reset_email(client, people, mailoutbox):
    assert client.get(reverse("login")).status_code == 200
    people["gabriel"].email = "gabriel@example.org"
    people["gabriel"].save()
    response = client.post(reverse("password_reset"), {"email": "gabriel@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "gabriel" in mailoutbox[0].body


def test_sign_in_with_the_form(client, people):
    response = client.post(reverse("login"), {"username": "gabriel", "password": "pw-Member-2024"})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200


def test_my_submissions_show_review_state_and_comment(client, people):
    update = record_status(
        commitment=_c(), period=_p(), status=3, narrative="Mine", user=people["gabriel"]
    )
    review(updates=[update], user=people["sofia"], approve=False, comment="Attach the decree")
    record_status(
        commitment=_c("HND-PRO-01"),
        period=_p(),
        status=1,
        narrative="Not mine",
        user=people["hugo"],
    )
    client.force_login(people["gabriel"])
    page = client.get(reverse("my-submissions")).content.decode()
    assert "GTM-HEA-01" in page and "Returned" in page and "Attach the decree" in page
    assert "HND-PRO-01" not in page
