"""A submission made before a new edition came into force, for a commitment no longer in force
in its period, cannot be approved (issue 22): recording refuses such a status, and so does the
one review workflow, through every door (the web review queue, the API), saying why in the
reader's language. It can be returned. Belize's 2024-2026 edition (from 1 January 2024) is
loaded after Belize's team submitted BLZ-PRO-01 for 2024 and BLZ-PRO-02 for 2023."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import ChangeEvent
from commitments.models import Commitment
from mirps.vocabulary import ReviewState, Route
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import record_status
from tests.builders import member, period, secretariat
from tests.editions import load_belize_2024
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db

URL = "/api/v1/status-updates/review/"
REFUSED_EN = (
    "BLZ-PRO-01 2024 cannot be approved: BLZ-PRO-01 belongs to the 2021 plan, replaced on "
    "1 January 2024 by the 2024-2026 plan; it cannot be reported for 2024. Return it to the "
    "national team instead."
)
REFUSED_ES = (
    "BLZ-PRO-01 2024 no se puede aprobar: BLZ-PRO-01 pertenece al plan 2021, reemplazado el "
    "1 de enero de 2024 por el plan 2024-2026; no se puede informar para 2024. Devuélvalo al "
    "equipo nacional."
)


@pytest.fixture
def cast(db):
    loaded_plans()
    bea = member("bea", "BLZ")

    def submit(code, period_code):
        return record_status(
            commitment=Commitment.objects.get(code=code),
            period=period(period_code),
            status=3,
            narrative="Done in part",
            user=bea,
        )

    replaced, kept = submit("BLZ-PRO-01", "2024"), submit("BLZ-PRO-02", "2023")
    assert {replaced.review_state, kept.review_state} == {ReviewState.SUBMITTED}
    load_belize_2024()  # BLZ-PRO-01 and -02 are of the replaced plan from 2024 on
    return {"sofia": secretariat("sofia"), "bea": bea, "replaced": replaced, "kept": kept}


def state(row) -> str:
    return StatusUpdate.objects.get(pk=row.pk).review_state


def api(user, body, language="en"):
    client = APIClient()
    client.force_login(user)
    return client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_the_service_refuses_to_approve_and_lets_return(cast):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        review(updates=[cast["replaced"]], user=cast["sofia"], approve=True)
    assert REFUSED_EN in " ".join(refused.value.messages)
    assert state(cast["replaced"]) == ReviewState.SUBMITTED
    # all or none: with a submission that could be approved, neither is
    with pytest.raises(ValidationError):
        review(updates=[cast["kept"], cast["replaced"]], user=cast["sofia"], approve=True)
    assert state(cast["kept"]) == ReviewState.SUBMITTED
    assert not ChangeEvent.objects.filter(action=ChangeEvent.Action.APPROVED).exists()
    # a submission of a period its edition still counts (2023) is approved as before
    assert review(updates=[cast["kept"]], user=cast["sofia"], approve=True) == 1
    # the refused one is returned
    assert review(
        updates=[cast["replaced"]], user=cast["sofia"], approve=False, comment="New plan"
    ) == 1  # fmt: skip
    assert state(cast["replaced"]) == ReviewState.RETURNED


def test_the_api_answers_400_with_why_in_both_languages_and_returns(cast):
    ids = [cast["replaced"].pk]
    response = api(cast["sofia"], {"ids": ids, "action": "approve"})
    assert response.status_code == 400, response.content
    assert REFUSED_EN in str(response.json())
    response = api(cast["sofia"], {"ids": ids, "action": "approve"}, language="es")
    assert response.status_code == 400 and REFUSED_ES in str(response.json())
    assert state(cast["replaced"]) == ReviewState.SUBMITTED
    response = api(cast["sofia"], {"ids": ids, "action": "return", "comment": "New plan"})
    assert response.status_code == 200, response.content
    assert state(cast["replaced"]) == ReviewState.RETURNED


def test_the_review_queue_warns_refuses_on_the_row_and_returns(cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast["sofia"])
    url = reverse("review-queue")
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert "BLZ-PRO-01 is no longer of the plan in force for 2024" in page
    assert "BLZ-PRO-02 is no longer of the plan in force" not in page
    page = client.post(url, {"approve_one": cast["replaced"].pk, "comment": ""}, follow=True)
    assert REFUSED_EN in page.content.decode().replace("&#x27;", "'")
    assert state(cast["replaced"]) == ReviewState.SUBMITTED
    # the bulk approval of both: refused, nothing approved
    page = client.post(
        url,
        {"action": "approve", "update": [cast["kept"].pk, cast["replaced"].pk], "comment": ""},
        follow=True,
    )
    assert REFUSED_EN in page.content.decode().replace("&#x27;", "'")
    assert state(cast["kept"]) == ReviewState.SUBMITTED
    client.post(url, {"return_one": cast["replaced"].pk, "comment": "A new plan is in force"})
    assert state(cast["replaced"]) == ReviewState.RETURNED
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es")
    spanish.force_login(cast["sofia"])
    # a second submission, made before the edition: the same refusal, in Spanish
    again = StatusUpdate.objects.create(
        commitment=cast["replaced"].commitment,
        period=cast["replaced"].period,
        status=4,
        narrative="Again",
        review_state=ReviewState.SUBMITTED,
        source=Route.WEB,
        created_by=cast["bea"],
    )
    page = spanish.post(url, {"approve_one": again.pk, "comment": ""}, follow=True)
    assert REFUSED_ES in page.content.decode().replace("&#x27;", "'")
