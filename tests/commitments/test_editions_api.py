"""Plan editions in the API (issue 22): upload → preview, apply (secretariat only, all or
nothing), the template, and the lineage read back through the commitments and the plans."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from commitments.models import NationalPlan
from commitments.services import load_plans
from tests.builders import member, secretariat

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def plans():
    load_plans()


def client(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def form(name="blz_2024_edition.csv", **extra):
    data = (FIXTURES / name).read_bytes()
    return {
        "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        "country": "BLZ",
        "edition": "2024-2026",
        "starts_on": "2024-01-01",
        **extra,
    }


def test_preview_then_apply_and_read_the_lineage_back(plans):
    api = client(secretariat())
    preview = api.post("/api/v1/plan-editions/preview/", form(), format="multipart")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["can_apply"] and body["previous_edition"] == "2021"
    assert [c["code"] for c in body["closing"]] == ["BLZ-PRO-03", "BLZ-JOB-03"]
    assert body["counts"]["split"] == 2 and body["counts"]["merged"] == 1
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()

    applied = api.post("/api/v1/plan-editions/", form(), format="multipart")
    assert applied.status_code == 201, applied.content

    public = client()
    merged = public.get("/api/v1/commitments/BLZ24-PRO-05/").json()
    assert merged["edition"] == "2024-2026"
    assert merged["predecessors"] == ["BLZ-PRO-05", "BLZ-PRO-06"] and merged["successors"] == []
    split = public.get("/api/v1/commitments/BLZ-PRO-04/").json()
    assert split["edition"] == "2021" and split["successors"] == ["BLZ24-PRO-03", "BLZ24-PRO-04"]
    listed = public.get("/api/v1/commitments/", {"edition": "2024-2026", "page_size": 50}).json()
    assert listed["count"] == 9
    by_code = {c["code"]: c for c in listed["results"]}
    assert by_code["BLZ24-PRO-01"]["predecessors"] == ["BLZ-PRO-01"]
    assert public.get("/api/v1/commitments/", {"edition": "2021"}).json()["count"] == 229
    found = public.get("/api/v1/commitments/", {"institution": "ministry of immigration"}).json()
    assert [c["code"] for c in found["results"]] == ["BLZ24-PRO-06"]

    editions = [p for p in public.get("/api/v1/plans/").json() if p["country"] == "BLZ"]
    assert [(p["edition"], p["starts_on"], p["ends_on"], p["in_force"]) for p in editions] == [
        ("2021", "2021-01-01", "2023-12-31", False),
        ("2024-2026", "2024-01-01", None, True),
    ]


def test_a_sheet_with_problems_is_refused_with_its_preview(plans):
    api = client(secretariat())
    refused = api.post(
        "/api/v1/plan-editions/", form("blz_2024_edition_problems.csv"), format="multipart"
    )
    assert refused.status_code == 409
    kinds = {(p["row"], p["kind"]) for p in refused.json()["problems"]}
    assert (4, "unknown_predecessor") in kinds and (5, "predecessor_other_country") in kinds
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()


def test_only_the_secretariat(plans):
    assert client().post("/api/v1/plan-editions/preview/", form()).status_code in (401, 403)
    team = client(member("team", "BLZ"))
    assert team.post("/api/v1/plan-editions/", form(), format="multipart").status_code == 403
    assert team.get("/api/v1/plan-editions/template/", {"country": "BLZ"}).status_code == 403
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()


def test_the_template_and_the_schema(plans):
    api = client(secretariat())
    csv = api.get(
        "/api/v1/plan-editions/template/", {"country": "BLZ", "year": "2024", "file_type": "csv"}
    )
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Code,Focus area,Pillar")
    assert lines[1].startswith("BLZ24-PRO-01,PRO,1,") and lines[1].endswith(",BLZ-PRO-01")
    xlsx = api.get("/api/v1/plan-editions/template/", {"country": "BLZ", "language": "es"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api.get("/api/v1/plan-editions/template/", {"country": "XXX"}).status_code == 400
    paths = client().get("/api/schema/?format=json").json()["paths"]
    assert {"/api/v1/plan-editions/", "/api/v1/plan-editions/preview/"} <= set(paths)
    commitment = (
        client()
        .get("/api/schema/?format=json")
        .json()["components"]["schemas"]["Commitment"]["properties"]
    )
    assert {"edition", "predecessors", "successors"} <= set(commitment)
