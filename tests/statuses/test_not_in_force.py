"""A status for a commitment that is not of the edition in force at the period's end is refused
by the one write service, on every door, saying which edition it belongs to and when that
edition starts or which one replaced it (issue 22). Belize's 2024-2026 edition starts on
1 January 2024: 2023 counts the 2021 plan, 2024 and 2025 the new one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.services import (
    ChangesRefused,
    StatusChange,
    check_changes,
    period_rows,
    record_many,
    record_status,
)
from tests import cast as casts
from tests.builders import member
from tests.editions import load_belize_2024

people = casts.role_attack_people
english = casts.english

pytestmark = pytest.mark.django_db

REPLACED_EN = (
    "BLZ-PRO-01 belongs to the 2021 plan, replaced on 1 January 2024 by the 2024-2026 plan; "
    "it cannot be reported for 2025."
)
REPLACED_ES = (
    "BLZ-PRO-01 pertenece al plan 2021, reemplazado el 1 de enero de 2024 por el plan "
    "2024-2026; no se puede informar para 2025."
)
NOT_STARTED_EN = (
    "BLZ24-PRO-01 belongs to the 2024-2026 plan, in force from 1 January 2024; it cannot be "
    "reported for 2023."
)
NOT_STARTED_ES = (
    "BLZ24-PRO-01 pertenece al plan 2024-2026, vigente desde el 1 de enero de 2024; no se "
    "puede informar para 2023."
)


@pytest.fixture
def belize(people):
    load_belize_2024()
    people["bea"] = member("bea", "BLZ")
    return people


def _c(code):
    return Commitment.objects.get(code=code)


def _p(code):
    return ReportingPeriod.objects.get(code=code)


def test_a_replaced_commitment_is_refused_saying_why_in_both_languages(belize):
    for language, expected in (("en", REPLACED_EN), ("es", REPLACED_ES)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            record_status(
                commitment=_c("BLZ-PRO-01"), period=_p("2025"), status=3, narrative="n",
                user=belize["sofia"],
            )  # fmt: skip
        assert refused.value.message_dict == {"commitment": [expected]}
    assert not StatusUpdate.objects.exists()


def test_a_commitment_of_an_edition_not_started_is_refused(belize):
    for language, expected in (("en", NOT_STARTED_EN), ("es", NOT_STARTED_ES)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            record_status(
                commitment=_c("BLZ24-PRO-01"), period=_p("2023"), status=3, narrative="n",
                user=belize["bea"],
            )  # fmt: skip
        assert refused.value.message_dict == {"commitment": [expected]}
    assert not StatusUpdate.objects.exists()


def test_each_edition_is_reported_in_its_own_periods(belize):
    # the 2021 plan up to 2023, the 2024-2026 plan from 2024; the other countries as before
    record_status(commitment=_c("BLZ-PRO-01"), period=_p("2023"), status=2, narrative="n",
                  user=belize["bea"])  # fmt: skip
    record_status(commitment=_c("BLZ24-PRO-01"), period=_p("2024"), status=3, narrative="n",
                  user=belize["bea"])  # fmt: skip
    record_status(commitment=_c("GTM-PRO-01"), period=_p("2025"), status=1, narrative="n",
                  user=belize["gabriel"])  # fmt: skip
    assert StatusUpdate.objects.count() == 3


def test_a_closed_commitment_is_refused_after_its_edition(belize):
    with pytest.raises(ValidationError) as refused:
        record_status(commitment=_c("BLZ-JOB-03"), period=_p("2024"), status=5, narrative="n",
                      user=belize["sofia"])  # fmt: skip
    assert "BLZ-JOB-03 belongs to the 2021 plan, replaced on 1 January 2024" in str(refused.value)


def test_record_many_refuses_all_or_none_naming_each_refused_commitment(belize):
    changes = [
        StatusChange(_c("BLZ24-PRO-01"), 2, "n"),
        StatusChange(_c("BLZ-PRO-02"), 2, "n"),
        StatusChange(_c("BLZ-PRO-03"), 2, "n"),
    ]
    with pytest.raises(ChangesRefused) as refused:
        record_many(changes, period=_p("2024"), user=belize["bea"])
    assert set(refused.value.errors) == {"BLZ-PRO-02", "BLZ-PRO-03"}
    problem = refused.value.errors["BLZ-PRO-02"][0]
    assert problem.code == "replaced_edition"
    assert problem.params["date"] == {"en": "1 January 2024", "es": "1 de enero de 2024"}
    assert problem.params["replaced_by"] == "2024-2026" and problem.params["period"] == "2024"
    assert not StatusUpdate.objects.exists()


def test_the_refusal_comes_before_a_version_conflict_or_a_missing_narrative(belize):
    # the version names no row and the narrative is missing: what matters is the edition
    checked = check_changes(
        [StatusChange(_c("BLZ-PRO-01"), 4, "", base_version=7)], period=_p("2024"),
        user=belize["bea"],
    )  # fmt: skip
    assert [p.code for p in checked.errors["BLZ-PRO-01"]] == ["replaced_edition"]
    assert checked.conflicts == {}
    # another country's commitment: said too
    checked = check_changes(
        [StatusChange(_c("BLZ-PRO-01"), 4, "n")], period=_p("2024"), user=belize["gabriel"]
    )
    assert [p.code for p in checked.errors["BLZ-PRO-01"]] == [
        "not_your_country", "replaced_edition",
    ]  # fmt: skip


def test_period_rows_costs_two_queries_and_names_the_commitments_not_in_force(
    belize, django_assert_num_queries
):
    ids = [_c(code).pk for code in ("BLZ-PRO-01", "BLZ24-PRO-01", "GTM-PRO-01")]
    record_status(commitment=_c("BLZ-PRO-01"), period=_p("2023"), status=2, narrative="n",
                  user=belize["sofia"])  # fmt: skip
    # 1 the newest row of each in the period; 2 each commitment with its status as of the
    # period and whether it is in force at the period's end
    period = _p("2024")
    with django_assert_num_queries(2):
        rows = period_rows(period, ids)
    assert rows.not_in_force == {ids[0]}
    assert rows.before == {ids[0]: 2}  # what it showed still reads as before
    latest, before = rows  # the two members, as before
    assert latest == {} and before == {ids[0]: 2}
    assert period_rows(_p("2023"), ids).not_in_force == {ids[1]}


def test_the_api_answers_400_with_the_message(belize):
    for language, expected in (("en", REPLACED_EN), ("es", REPLACED_ES)):
        api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        api.force_authenticate(belize["bea"])
        response = api.post(
            "/api/v1/status-updates/",
            {"commitment": "BLZ-PRO-01", "period": "2025", "status": 2, "narrative": "x"},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json() == {"commitment": [expected]}
    api.force_authenticate(belize["sofia"])
    response = api.post(
        "/api/v1/status-updates/",
        {"commitment": "BLZ24-PRO-01", "period": "2023", "status": 2, "narrative": "x",
         "base_version": 99},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json() == {"commitment": [NOT_STARTED_ES]}
    assert not StatusUpdate.objects.exists()


def test_the_commitment_page_shows_the_refusal(belize):
    client = casts.client_in("en", belize["bea"])
    url = reverse("workspace-commitment", kwargs={"code": "BLZ-PRO-01"}) + "?period=2025"
    response = client.post(url, {"status": "3", "narrative": "Progress", "base_version": "0"})
    assert response.status_code == 200
    assert REPLACED_EN in response.content.decode().replace("&#x27;", "'")
    assert not StatusUpdate.objects.exists()
