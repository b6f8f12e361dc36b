"""Issue 19, item 6: a JSON body nested 100,000 deep made every JSON route raise
RecursionError (a 500). The API's parser (mirps/parsers.py) refuses any body nested deeper than
MAX_DEPTH with a 400 and a message, on every operation that reads a body."""

import io
import re

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from countries.models import Country
from indicators.loading import load_indicators
from indicators.models import IndicatorValue
from mirps.parsers import MAX_DEPTH, too_deep
from periods.models import ReportingPeriod
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.template import build_matrix
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000


@pytest.fixture
def cast(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_indicators()
    period = ReportingPeriod.objects.get(code="2025")
    workbook = build_matrix([Country.objects.get(iso3="GTM")], period, "es", people["gabriel"])
    gabriel = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    gabriel.force_authenticate(people["gabriel"])
    file = io.BytesIO(workbook)
    file.name = "matriz.xlsx"
    created = gabriel.post(
        "/api/v1/spreadsheet-uploads/", {"file": file, "period": "2025"}, format="multipart"
    )
    assert created.status_code == 201, created.content
    value = gabriel.post(
        "/api/v1/indicator-values/",
        {
            "indicator": "IDP_ASSISTED",
            "country": "GTM",
            "value": "120",
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "period_label_en": "January to June 2024",
            "source_document": "National registry",
            "source_section": "Table 2",
        },
        format="json",
    )
    assert value.status_code == 201, value.content
    return {"upload": created.json()["id"], "value": value.json()["id"]}


def operations(ids):
    """Every operation of the schema that takes a body (checked against the schema below)."""
    upload, value = ids["upload"], ids["value"]
    return [
        "/api/v1/status-updates/",
        "/api/v1/indicator-values/",
        f"/api/v1/indicator-values/{value}/approve/",
        f"/api/v1/indicator-values/{value}/return/",
        "/api/v1/spreadsheet-uploads/",
        f"/api/v1/spreadsheet-uploads/{upload}/columns/",
        f"/api/v1/spreadsheet-uploads/{upload}/apply/",
        f"/api/v1/spreadsheet-uploads/{upload}/apply-valid-rows/",
        f"/api/v1/spreadsheet-uploads/{upload}/cancel/",
        "/api/v1/status-updates/review/",
        "/api/v1/periods/2025/lock/",
        "/api/v1/periods/2025/unlock/",
        "/api/v1/plan-editions/",
        "/api/v1/plan-editions/preview/",
    ]


def test_the_list_covers_every_operation_that_takes_a_body(cast):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    writes = {
        path.replace("{id}", "ID").replace("{code}", "ID")
        for path, ops in schema.json()["paths"].items()
        for method in ops
        if method in ("post", "put", "patch", "delete")
    }
    listed = {
        re.sub(r"/[0-9]+/", "/ID/", url.replace("/v1/", "/VERSION/")).replace("/VERSION/", "/v1/")
        for url in operations(cast)
    }
    assert writes == listed


@pytest.mark.parametrize("who", ["gabriel", "sofia"])
def test_a_body_nested_100000_deep_is_a_400_on_every_route(people, cast, who):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people[who])
    values = IndicatorValue.objects.count()
    for url in operations(cast):
        response = api.post(url, DEEP, content_type="application/json")
        # cancel, approve, lock and unlock read no body: they answer as to any other
        assert response.status_code in (400, 403, 404, 409) or url.endswith(
            ("/cancel/", "/approve/", "/lock/", "/unlock/")
        ), (url, response.status_code)
        assert response.status_code < 500, url
        if response.status_code == 400:
            assert "nested too deeply" in response.json()["detail"], url
    # nothing was written, and the upload's preview is still there to apply
    assert SpreadsheetUpload.objects.get(pk=cast["upload"]).state in ("previewed", "cancelled")
    assert IndicatorValue.objects.count() == values


def test_the_refusal_names_the_limit_in_the_readers_language(people, cast):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="es")
    api.force_authenticate(people["sofia"])
    with translation.override("es"):
        response = api.post("/api/v1/status-updates/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"El cuerpo JSON está anidado demasiado (más de {MAX_DEPTH} niveles de listas u objetos)."
    )


def test_a_body_the_decoder_parses_but_nests_past_the_limit_is_refused_too(people, cast):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["sofia"])
    deep_object = '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    response = api.post("/api/v1/status-updates/", deep_object, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    # at the limit, the body is parsed and answered field by field
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    response = api.post("/api/v1/status-updates/", at_limit, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" not in response.content.decode()


def test_malformed_json_is_still_a_400(people, cast):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["sofia"])
    response = api.post("/api/v1/status-updates/", '{"status": ', content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]


def test_the_pages_do_not_fail_on_it_either(people, cast):
    """No page parses JSON; a deep JSON body posted to a page is refused as any bad form."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(people["sofia"])
    for url in ["/workspace/", "/accounts/login/", "/i18n/setlang/", "/workspace/periods/"]:
        assert client.post(url, DEEP, content_type="application/json").status_code < 500, url


def test_too_deep_is_iterative_and_exact():
    nested = []
    inner = nested
    for _ in range(5000):  # deeper than Python's recursion limit allows a recursive walk
        inner.append([])
        inner = inner[0]
    assert too_deep(nested, MAX_DEPTH)
    assert not too_deep([[1], {"a": [2]}], 3)
    assert too_deep([[1], {"a": [[2]]}], 3)
    assert not too_deep("text", 0)
