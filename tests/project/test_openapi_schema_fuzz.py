"""Finding 9: the API answers what its OpenAPI schema says, and never a 500.

schemathesis generates requests for every operation of ``/api/schema/`` (valid ones, and
invalid ones that break the schema), sends each anonymously and as each role, and checks every
answer: no server error, a documented status code, a documented content type, a body that
matches the schema. The examples are bounded (``EXAMPLES`` per operation and mode, each sent
three times) and derandomized, so a run is repeatable; the operations are dealt into
``CHUNKS`` tests that the suite's workers share.
"""

from __future__ import annotations

import base64

import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from commitments.models import Commitment
from countries.models import Country
from periods.models import ReportingPeriod
from statuses.review import review
from statuses.services import record_status
from tests.builders import member, secretariat
from tests.plans import loaded_plans

EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,  # e.g. Retry-After on a 429
]
PASSWORDS = {"sofia": "pw-Secretariat-2024", "gabriel": "pw-Member-2024"}


@pytest.fixture
def api_schema(db):
    """The schema, loaded through the WSGI application that then answers every request in the
    test's own transaction. Django's test client does the same: requests must not close the
    test's database connection at their start and end."""
    from django.core import signals
    from django.db import close_old_connections

    from mirps.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, tmp_path):
    """The plans, the two roles, and for GTM an approved status with its evidence, a
    submission awaiting review and a returned one (so every optional field shows up)."""
    settings.MEDIA_ROOT = tmp_path
    loaded_plans()
    sofia = secretariat("sofia", password=PASSWORDS["sofia"])
    gabriel = member("gabriel", "GTM", password=PASSWORDS["gabriel"])
    period = ReportingPeriod.objects.get(code="2024")
    first = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=2,
        narrative="Approved",
        user=gabriel,
        evidence_file=SimpleUploadedFile("e.txt", b"evidence"),
    )
    review(updates=[first], user=sofia, approve=True)
    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=3,
        narrative="Pending",
        user=gabriel,
        base_version=first.pk,
    )
    returned = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-02"),
        period=period,
        status=1,
        narrative="Returned",
        user=gabriel,
    )
    review(updates=[returned], user=sofia, approve=False, comment="Why?")
    # an update whose author's account is gone: recorded_by is null
    record_status(
        commitment=Commitment.objects.get(code="HND-PRO-01"),
        period=period,
        status=4,
        narrative="By someone who left",
        user=secretariat("leaver"),
    ).created_by.delete()
    # an upload previewed, not applied: its mode is null (it was "", outside the enum)
    from spreadsheets import importer

    importer.create_upload(data=b"not a spreadsheet", name="x.csv", user=gabriel, period=period)
    # an indicator value whose author's account is gone: recorded_by is null there too
    from indicators.loading import load_indicators
    from indicators.models import Indicator
    from indicators.services import submit_indicator_value

    load_indicators()
    submit_indicator_value(
        indicator=Indicator.objects.get(code="IDP_ASSISTED"),
        country=Country.objects.get(iso3="GTM"),
        value="120",
        base_version=0,
        user=member("left-the-team", "GTM"),
        source="api",
        period_start="2024-01-01",
        period_end="2024-06-30",
        period_label_en="January to June 2024",
        source_document="National registry",
        source_section="Table 2",
    ).created_by.delete()


def auth_headers(role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    token = base64.b64encode(f"{role}:{PASSWORDS[role]}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def fuzz(operation, mode: GenerationMode, roles: dict[str, dict]) -> None:
    """Each generated request sent as every role in turn (anonymous, then the secretariat, then
    a national team), every answer checked: the cases are generated once, not once per role."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for role, headers in roles.items():
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as failure:
                failure.add_note(f"(as {role})")
                raise

    run()


# The operations in CHUNKS groups, so that the workers of the suite share them out
CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_answer_matches_the_schema(api_schema, world, chunk, settings):
    # Generated credentials fail; so many failures would throttle the address (a documented
    # 429) and leave the roles' own requests untested.
    settings.SIGN_IN_FAILURES_PER_ADDRESS = "100000/h"
    settings.API_RATE_ANON = settings.API_RATE_USER = "100000/h"  # nor the rate limit
    cache.clear()
    roles = {role: auth_headers(role) for role in ("anonymous", "sofia", "gabriel")}
    failures = []
    operations = sorted(
        (result.ok() for result in api_schema.get_all_operations()), key=lambda o: o.label
    )
    assert len(operations) >= 18  # every endpoint of /api/v1/ is in the schema
    for operation in operations[chunk::CHUNKS]:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, roles)
            except Unsatisfiable:
                pass  # no request can break this operation's schema (no parameters to break)
            except (Exception, BaseExceptionGroup) as failure:  # the checks that failed, with
                # the request that made them fail
                notes = " ".join(getattr(failure, "__notes__", []))
                failures.append(f"{operation.label} [{mode.value}]: {failure} {notes}")
    assert not failures, "\n\n".join(failures)
