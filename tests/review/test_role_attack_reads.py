"""Finding 8, the role attack: every role × every read route × own and other country.

A national team member sees other countries exactly as the public does (approved statuses
only, no evidence files) and their own countries in full; the secretariat sees everything.
Evidence files go only to the secretariat and the owning country's team, never cached.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.review import review
from statuses.services import record_status
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "pat", "gabriel", "hugo", "sofia"]
# Who may read each country's unpublished work (submitted and returned rows, evidence files).
INSIDERS = {"GTM": {"gabriel", "sofia"}, "HND": {"hugo", "sofia"}}


@pytest.fixture
def world(people, settings, tmp_path):
    """For GTM and HND: an approved status with an evidence file, a submission awaiting review
    and a returned one, each with a narrative that names what it is."""
    settings.MEDIA_ROOT = tmp_path
    period = ReportingPeriod.objects.get(code="2024")
    sofia = people["sofia"]
    rows = {}
    for iso3, code, other_code, team in [
        ("GTM", "GTM-PRO-01", "GTM-PRO-02", people["gabriel"]),
        ("HND", "HND-PRO-01", "HND-PRO-02", people["hugo"]),
    ]:
        commitment = Commitment.objects.get(code=code)
        approved = record_status(
            commitment=commitment,
            period=period,
            status=2,
            narrative=f"PUBLIC-{iso3}-APPROVED",
            user=team,
            evidence_file=SimpleUploadedFile(f"{iso3}-approved.txt", b"names of refugees"),
        )
        review(updates=[approved], user=sofia, approve=True)
        pending = record_status(
            commitment=commitment,
            period=period,
            status=4,
            narrative=f"SECRET-{iso3}-PENDING",
            user=team,
            base_version=approved.pk,
            evidence_file=SimpleUploadedFile(f"{iso3}-pending.txt", b"more names"),
        )
        returned = record_status(
            commitment=Commitment.objects.get(code=other_code),
            period=period,
            status=3,
            narrative=f"SECRET-{iso3}-RETURNED",
            user=team,
        )
        review(updates=[returned], user=sofia, approve=False, comment=f"SECRET-{iso3}-COMMENT")
        rows[iso3] = {"code": code, "approved": approved, "pending": pending}
    return rows


def read_routes(world, iso3):
    """Every read route that could show ``iso3``'s work: (name, url)."""
    w = world[iso3]
    code = w["code"]
    return [
        ("api status updates", "/api/v1/status-updates/?page_size=500"),
        ("api status updates of the country", f"/api/v1/status-updates/?country={iso3}"),
        ("api pending update", f"/api/v1/status-updates/{w['pending'].pk}/"),
        ("api commitment", f"/api/v1/commitments/{code}/"),
        ("api commitments", f"/api/v1/commitments/?country={iso3}&period=2024"),
        ("workspace list", f"/workspace/commitments/?country={iso3}&period=2024"),
        ("workspace list pending", f"/workspace/commitments/?review=pending&country={iso3}"),
        ("workspace export", f"/workspace/commitments/export.csv?country={iso3}&period=2024"),
        ("matrix", f"/workspace/countries/{iso3}/matrix/?period=2024"),
        ("workspace commitment", f"/workspace/commitments/{code}/?period=2024"),
        ("public commitment", f"/commitments/{code}/"),
        ("public country", f"/countries/{iso3}/?period=2024"),
        ("public list", f"/commitments/?country={iso3}&period=2024"),
    ]


# What gives unpublished work away on each kind of page, beside the narratives themselves.
MARKERS = [
    "SECRET-{iso3}",  # narratives and review comments
    "state-submitted",  # a matrix cell awaiting review
    "state-returned",  # a returned matrix cell
    "badge pending",  # the list's "awaiting review" badge
    "1 awaiting review",  # the list's count
    "yes\r\n",  # the export's "awaiting review" column
    "Submitted, awaiting review",  # the export's review column
]


def leaks(body: str, iso3: str) -> list[str]:
    return [m.format(iso3=iso3) for m in MARKERS if m.format(iso3=iso3) in body]


def client_for(people, who):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if who != "anonymous":
        api.force_login(people[who])
    return api


@pytest.mark.parametrize("who", ROLES)
def test_role_attack_on_every_read_route(people, world, who):
    api = client_for(people, who)
    findings = []
    for iso3 in ["GTM", "HND"]:
        insider = who in INSIDERS[iso3]
        for name, url in read_routes(world, iso3):
            response = api.get(url)
            if response.status_code in (302, 403, 404):
                continue  # refused: nothing shown
            assert response.status_code == 200, (who, url, response.status_code)
            body = response.content.decode()
            found = leaks(body, iso3)
            if not insider and found:
                findings.append(f"{who} reads {iso3}'s unpublished work on {name}: {found}")
            if not insider and "/evidence/" in body:
                findings.append(f"{who} is offered {iso3}'s evidence files on {name}")
        for state in ["approved", "pending"]:
            response = api.get(f"/workspace/evidence/{world[iso3][state].pk}/")
            if insider:
                assert response.status_code == 200, (who, iso3, state)
                assert b"names" in b"".join(response.streaming_content)
                cache = response.headers.get("Cache-Control", "")
                if not ("private" in cache and "no-store" in cache):
                    findings.append(f"{iso3}'s {state} evidence file may be cached: {cache!r}")
            elif response.status_code not in (302, 403, 404):
                findings.append(f"{who} downloads {iso3}'s {state} evidence file")
    assert findings == []


def test_insiders_do_see_their_own_work(people, world):
    """The attack above would pass if nothing were shown to anyone: the insiders see it all."""
    for who, iso3 in [("gabriel", "GTM"), ("hugo", "HND"), ("sofia", "GTM"), ("sofia", "HND")]:
        api = client_for(people, who)
        code = world[iso3]["code"]
        detail = api.get(f"/workspace/commitments/{code}/?period=2024").content.decode()
        assert f"SECRET-{iso3}-PENDING" in detail and "/evidence/" in detail
        history = api.get(f"/api/v1/commitments/{code}/").content.decode()
        assert f"SECRET-{iso3}-PENDING" in history
        matrix = api.get(f"/workspace/countries/{iso3}/matrix/?period=2024").content.decode()
        assert "state-submitted" in matrix and "state-returned" in matrix
        pending = api.get(f"/workspace/commitments/?review=pending&country={iso3}")
        assert code in pending.content.decode()


def test_a_team_member_reads_other_countries_as_the_public_does(people, world):
    """Same approved rows, in the same order, for hugo and for the anonymous public."""
    public = client_for(people, "anonymous").get("/api/v1/status-updates/?country=GTM").json()
    hugo = client_for(people, "hugo").get("/api/v1/status-updates/?country=GTM").json()
    assert [r["id"] for r in hugo["results"]] == [r["id"] for r in public["results"]]
    assert [r["narrative"] for r in public["results"]] == ["PUBLIC-GTM-APPROVED"]
