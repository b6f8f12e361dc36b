"""A second identical save says what happened (issue 19): it used to answer "Your change was
not saved" (a conflict with the person's own first save) although it had been saved."""

import pytest
from django.urls import reverse

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.services import StatusChange, already_recorded, record_status
from tests import cast as casts
from tests.cast import client_in

# Guatemala's team and the secretariat (formerly tests/forms/conftest.py).
people = casts.team_and_secretariat


pytestmark = pytest.mark.django_db

URL = "/workspace/commitments/GTM-PRO-01/?period=2025"


def post(client, **data):
    body = {"status": 3, "narrative": "Twelve officers hired", "base_version": 0, **data}
    return client.post(URL, body, follow=True)


@pytest.mark.parametrize(
    ("language", "said"), [("en", "Nothing changed"), ("es", "No cambió nada")]
)
def test_the_same_form_sent_twice_is_saved_once_and_said_truthfully(people, language, said):
    client = client_in(language, people["gabriel"])
    first = post(client)
    assert first.status_code == 200 and StatusUpdate.objects.count() == 1
    again = post(client)  # the same form, its version now one behind
    html = again.content.decode()
    assert said in html
    assert "not saved" not in html and "no se guardó" not in html.lower()
    assert StatusUpdate.objects.count() == 1


def test_the_form_saved_untouched_writes_nothing(people):
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    period = ReportingPeriod.objects.get(code="2025")
    row = record_status(
        commitment=commitment,
        period=period,
        status=3,
        narrative="Twelve officers hired",
        evidence_url="https://example.org/r.pdf",
        user=people["gabriel"],
    )
    client = client_in("en", people["gabriel"])
    form = client.get(URL).context["form"]
    # the form holds what is recorded for the period
    assert form.initial["status"] == 3
    assert form.initial["narrative"] == "Twelve officers hired"
    assert form.initial["evidence_url"] == "https://example.org/r.pdf"
    response = post(
        client,
        status=3,
        narrative="Twelve officers hired",
        evidence_url="https://example.org/r.pdf",
        base_version=row.pk,
    )
    assert "Nothing changed" in response.content.decode()
    assert StatusUpdate.objects.count() == 1


def test_a_different_narrative_or_a_returned_row_is_a_new_submission(people):
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    period = ReportingPeriod.objects.get(code="2025")
    row = record_status(
        commitment=commitment, period=period, status=3, narrative="a", user=people["gabriel"]
    )
    assert already_recorded(StatusChange(commitment, 3, " a "), row)
    assert not already_recorded(StatusChange(commitment, 3, "b"), row)
    assert not already_recorded(StatusChange(commitment, 4, "a"), row)
    assert not already_recorded(StatusChange(commitment, 3, "a", 0, "www.example.org"), row)
    row.review_state = "returned"
    assert not already_recorded(StatusChange(commitment, 3, "a"), row)
    assert not already_recorded(StatusChange(commitment, 3, "a"), None)


def test_the_matrix_sent_twice_is_saved_once_and_said_truthfully(people):
    client = client_in("en", people["gabriel"])
    url = "/workspace/countries/GTM/matrix/?period=2025"
    page = client.get(url)
    table = page.context["table"]
    data = {"form-TOTAL_FORMS": len(table), "form-INITIAL_FORMS": len(table)}
    for i, item in enumerate(table):
        data[f"form-{i}-commitment"] = item["row"].commitment.code
        data[f"form-{i}-base_version"] = item["row"].commitment.version or 0
    data.update({"form-0-status": 2, "form-0-narrative": "Started"})
    first = client.post(url, data, follow=True)
    assert "1 status submitted for review." in first.content.decode()
    again = client.post(url, data, follow=True)
    html = again.content.decode()
    assert "Nothing changed for 1 row: that status is already recorded." in html
    assert "Nothing was saved" not in html
    assert StatusUpdate.objects.count() == 1
    assert reverse("country-matrix", args=["GTM"]) in again.redirect_chain[-1][0]
