"""Issue 19, item 8: review comments are unpublished. The secretariat's comment on an approved
status (and who reviewed it) was shown to anonymous readers by the API and to other countries'
teams in the workspace. Only the secretariat and the owning country's team may read them, on
every door: the API (status updates, a commitment's history, indicator values), the pages and
the exports (the rule: commitments/unpublished.py, applied by ``visible_to``)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from commitments.models import Commitment
from indicators.loading import load_indicators
from indicators.models import IndicatorValue
from indicators.services import review_values, submit_indicator_value
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import record_status
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

APPROVAL_NOTE = "Internal: the ministry figure is doubtful, check with UNHCR"
RETURN_NOTE = "Returned: which table supports this?"
VALUE_NOTE = "Internal: the registry double counts"
CODE = "GTM-PRO-01"


@pytest.fixture
def reviewed(people):
    period = ReportingPeriod.objects.get(code="2024")
    gabriel, sofia = people["gabriel"], people["sofia"]
    approved = record_status(
        commitment=Commitment.objects.get(code=CODE),
        period=period,
        status=3,
        narrative="Clinics opened in two departments",
        user=gabriel,
    )
    review(updates=[approved], user=sofia, approve=True, comment=APPROVAL_NOTE)
    load_indicators()
    from indicators.models import Indicator

    value = submit_indicator_value(
        indicator=Indicator.objects.get(code="IDP_ASSISTED"),
        country=gabriel.memberships.get().country,
        value="120",
        base_version=0,
        user=gabriel,
        source="api",
        period_start="2024-01-01",
        period_end="2024-06-30",
        period_label_en="January to June 2024",
        source_document="National registry",
        source_section="Table 2",
    )
    review_values(values=[value], user=sofia, approve=True, comment=VALUE_NOTE)
    return {"update": approved, "value": value}


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def api_documents(reviewed):
    pk, value = reviewed["update"].pk, reviewed["value"].pk
    return [
        f"/api/v1/status-updates/{pk}/",
        f"/api/v1/status-updates/{pk}.json/",
        "/api/v1/status-updates/?commitment=GTM-PRO-01",
        f"/api/v1/commitments/{CODE}/",
        f"/api/v1/commitments/{CODE}/?period=2024",
        f"/api/v1/indicator-values/{value}/",
        "/api/v1/indicator-values/?country=GTM",
    ]


@pytest.mark.parametrize("who", [None, "hugo", "pat"])
def test_the_api_withholds_the_review_from_others(people, reviewed, who):
    client = api(people[who] if who else None)
    for url in api_documents(reviewed):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert APPROVAL_NOTE not in body and VALUE_NOTE not in body, (who, url)
        assert "sofia" not in body, (who, url)  # nor who reviewed it
    # the row itself is public: its status, narrative and review state
    row = client.get(f"/api/v1/status-updates/{reviewed['update'].pk}/").json()
    assert row["status"] == 3 and row["review_state"] == "approved"
    assert row["narrative"] == "Clinics opened in two departments"
    assert row["review_comment"] == ""
    history = client.get(f"/api/v1/commitments/{CODE}/").json()["history"]
    assert [h["review_comment"] for h in history] == [""]
    # the browsable API is the same door
    html = client.get(f"/api/v1/status-updates/{reviewed['update'].pk}/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and APPROVAL_NOTE not in html.content.decode()


@pytest.mark.parametrize("who", ["gabriel", "sofia"])
def test_the_owning_team_and_the_secretariat_read_it(people, reviewed, who):
    client = api(people[who])
    row = client.get(f"/api/v1/status-updates/{reviewed['update'].pk}/").json()
    assert row["review_comment"] == APPROVAL_NOTE
    history = client.get(f"/api/v1/commitments/{CODE}/").json()["history"]
    assert [h["review_comment"] for h in history] == [APPROVAL_NOTE]
    value = client.get(f"/api/v1/indicator-values/{reviewed['value'].pk}/").json()
    assert value["review_comment"] == VALUE_NOTE


def test_a_returned_comment_stays_with_its_team(people, reviewed):
    period = ReportingPeriod.objects.get(code="2024")
    returned = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-02"),
        period=period,
        status=1,
        narrative="Started",
        user=people["gabriel"],
    )
    review(updates=[returned], user=people["sofia"], approve=False, comment=RETURN_NOTE)
    assert RETURN_NOTE in api(people["gabriel"]).get("/api/v1/status-updates/").content.decode()
    for who in (None, "hugo"):
        listing = api(people[who] if who else None).get("/api/v1/status-updates/")
        assert RETURN_NOTE not in listing.content.decode()


def test_the_workspace_page_withholds_it_from_other_countries(people, reviewed):
    url = f"/workspace/commitments/{CODE}/?period=2024"
    hugo = Client(HTTP_ACCEPT_LANGUAGE="en")
    hugo.force_login(people["hugo"])
    page = hugo.get(url)
    assert page.status_code == 200
    assert "Clinics opened in two departments" in page.content.decode()  # the public part
    assert APPROVAL_NOTE not in page.content.decode()
    assert "Reviewed by" not in page.content.decode()
    # nor the row's audit trail (who submitted and approved it, with the comment)
    assert "Submission approved" not in page.content.decode()
    for who in ("gabriel", "sofia"):
        own = Client(HTTP_ACCEPT_LANGUAGE="en")
        own.force_login(people[who])
        body = own.get(url).content.decode()
        assert APPROVAL_NOTE in body and "Reviewed by sofia" in body, who
        assert "Submission approved" in body, who


def test_public_pages_and_exports_never_carry_it(people, reviewed, client):
    urls = [
        f"/commitments/{CODE}/",
        "/commitments/?country=GTM",
        "/countries/GTM/",
        "/changes/",
        "/export/movement.csv",
        "/export/all.xlsx",
        "/report/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response) if response.streaming else response.content
        assert APPROVAL_NOTE.encode() not in content, url
    hugo = Client(HTTP_ACCEPT_LANGUAGE="en")
    hugo.force_login(people["hugo"])
    for url in ["/workspace/commitments/?country=GTM", "/workspace/tracker.xlsx"]:
        response = hugo.get(url)
        assert response.status_code == 200, url
        assert APPROVAL_NOTE.encode() not in response.content, url


def test_a_row_read_with_its_review_withheld_cannot_be_saved_over_it(people, reviewed):
    row = StatusUpdate.objects.visible_to(people["hugo"]).get(pk=reviewed["update"].pk)
    assert row.review_comment == "" and row.reviewed_by is None
    with pytest.raises(ValueError, match="withheld"):
        row.save()
    with pytest.raises(ValueError, match="withheld"):
        row.save(update_fields=["review_comment"])
    value = IndicatorValue.objects.visible_to(None).get(pk=reviewed["value"].pk)
    with pytest.raises(ValueError, match="withheld"):
        value.save()
    stored = StatusUpdate.objects.get(pk=reviewed["update"].pk)
    assert stored.review_comment == APPROVAL_NOTE and stored.reviewed_by == people["sofia"]


def test_the_rule_costs_no_query(people, reviewed, django_assert_num_queries):
    for who in ("hugo", "gabriel"):  # the user's role and countries, read once per request
        list(StatusUpdate.objects.visible_to(people[who]))
    with django_assert_num_queries(1):
        rows = list(StatusUpdate.objects.visible_to(people["hugo"]))
    assert [r.review_comment for r in rows] == [""]
    with django_assert_num_queries(1):
        rows = list(StatusUpdate.objects.visible_to(people["gabriel"]))
    assert [r.review_comment for r in rows] == [APPROVAL_NOTE]
