"""Issue 19: the answers the schema did not describe. An upload not yet applied answered
``"mode": ""`` (outside its enum): it is null, and the schema says it may be; an indicator
value whose author's account is gone answered ``"recorded_by": null`` where the schema said
string: the schema says it may be null. (tests/project/test_openapi_schema_fuzz.py holds
every answer to the schema; its world has both cases.)"""

import pytest
from rest_framework.test import APIClient

from countries.models import Country
from indicators.loading import load_indicators
from indicators.models import Indicator
from indicators.services import submit_indicator_value
from periods.models import ReportingPeriod
from spreadsheets import importer
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return response.json()["components"]["schemas"]


def test_an_upload_not_applied_has_a_null_mode(settings, tmp_path, schema):
    settings.MEDIA_ROOT = tmp_path
    loaded_plans()
    gabriel = member("gabriel", "GTM")
    upload = importer.create_upload(
        data=b"not a spreadsheet",
        name="x.csv",
        user=gabriel,
        period=ReportingPeriod.objects.get(code="2024"),
    )
    api = APIClient()
    api.force_authenticate(gabriel)
    assert api.get(f"/api/v1/spreadsheet-uploads/{upload.pk}/").json()["mode"] is None
    listed = api.get("/api/v1/spreadsheet-uploads/").json()["results"]
    assert [u["mode"] for u in listed] == [None]
    mode = schema["SpreadsheetUpload"]["properties"]["mode"]
    assert mode["nullable"] is True
    enums = [schema[ref["$ref"].rsplit("/", 1)[-1]]["enum"] for ref in mode["oneOf"]]
    assert sorted(map(str, sum(enums, []))) == ["None", "all", "valid_rows"]


def test_a_value_whose_author_left_has_a_null_recorded_by(schema):
    loaded_plans()
    load_indicators()
    value = submit_indicator_value(
        indicator=Indicator.objects.get(code="IDP_ASSISTED"),
        country=Country.objects.get(iso3="GTM"),
        value="120",
        base_version=0,
        user=member("left", "GTM"),
        source="api",
        period_start="2024-01-01",
        period_end="2024-06-30",
        period_label_en="January to June 2024",
        source_document="National registry",
        source_section="Table 2",
    )
    value.created_by.delete()
    api = APIClient()
    api.force_authenticate(secretariat())
    assert api.get(f"/api/v1/indicator-values/{value.pk}/").json()["recorded_by"] is None
    assert schema["IndicatorValue"]["properties"]["recorded_by"]["nullable"] is True
    assert schema["StatusUpdate"]["properties"]["recorded_by"]["nullable"] is True


def test_a_body_of_no_readable_type_is_a_documented_415_in_the_readers_language():
    """Found by the fuzzing: a POST whose body has no Content-Type (or one no parser reads)
    answered 415, which the schema did not list."""
    loaded_plans()
    api = APIClient()
    api.force_authenticate(secretariat("sofia"))
    answer = api.generic(
        "POST",
        "/api/v1/status-updates/review/",
        b"ids=1",
        content_type="text/plain",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert answer.status_code == 415
    assert "text/plain" in answer.json()["detail"] and "incompatible" in answer.json()["detail"]
    paths = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = paths.json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = "415" in operation["responses"]
            assert documented == (method in ("post", "put", "patch")), (method, path)
