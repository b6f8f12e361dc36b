"""Where to find the releases: the public page in both languages, a release's page, the files
at their stable addresses, the API (and its schema), the Atom feed, and the dashboards of a
locked period linking to their release."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils.html import escape

from releases.models import Release

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(world, lock):
    lock(world["p2024"], world["staff"])
    lock(world["p2024"], world["staff"], locked=False, reason="Una corrección de Guatemala")
    world["record"](world["p2024"], [(world["commitments"][1], 1, "One post open", "")])
    lock(world["p2024"], world["staff"])
    return world


@pytest.mark.parametrize(
    "lang, words",
    [
        ("es", ["Publicaciones de datos abiertos", "Período 2024", "Versión", "Primera versión"]),
        ("en", ["Open data releases", "Period 2024", "Version", "First version"]),
    ],
)
def test_releases_page_in_both_languages(published, lang, words):
    client = Client(headers={"accept-language": lang})
    page = client.get("/releases/")
    assert page.status_code == 200
    html = page.content.decode()
    for word in words:
        assert word in html, word
    assert "/releases/2024/1.1/" in html and "/releases/2024/1.0/" in html
    assert "Una corrección de Guatemala" in html
    assert "/releases/2024/1.0/files/mirps-2024-1.0.zip" in html


@pytest.mark.parametrize(
    "lang, words",
    [
        ("es", ["Cómo citar", "Fe de erratas", "Archivos"]),
        ("en", ["How to cite", "Errata", "Files"]),
    ],
)
def test_release_page_in_both_languages(published, lang, words):
    client = Client(headers={"accept-language": lang})
    html = client.get("/releases/2024/1.1/").content.decode()
    for word in words:
        assert word in html, word
    assert "version 1.1" in html  # the citation
    assert "GTM-HEA-01" in html  # the errata
    assert client.get("/releases/2024/9.9/").status_code == 404
    assert client.get("/releases/2024/1.1/files/csv/nothing.csv").status_code == 404


def test_files_have_stable_immutable_addresses(published, client):
    release = Release.objects.get(minor=0)
    f = release.files.get(name="csv/statuses.csv")
    response = client.get("/releases/2024/1.0/files/csv/statuses.csv")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{f.sha256}"'
    assert response["X-Checksum-SHA256"] == f.sha256
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    again = client.get(
        "/releases/2024/1.0/files/csv/statuses.csv", headers={"if-none-match": f'"{f.sha256}"'}
    )
    assert again.status_code == 304
    zipped = client.get("/releases/2024/1.0/files/mirps-2024-1.0.zip")
    assert "attachment" in zipped["Content-Disposition"]


def test_api_lists_and_details(published, client):
    listing = client.get("/api/v1/releases/").json()
    assert [(r["period"], r["version"]) for r in listing] == [("2024", "1.1"), ("2024", "1.0")]
    first = listing[1]
    assert first["zip"].endswith("/releases/2024/1.0/files/mirps-2024-1.0.zip")
    assert first["datapackage"].endswith("/releases/2024/1.0/files/datapackage.json")
    assert first["errata_count"] == 0
    detail = client.get(first["api_url"]).json()
    names = [f["name"] for f in detail["files"]]
    assert names[0] == "mirps-2024-1.0.zip" and "csv/statuses.csv" in names
    assert all(len(f["sha256"]) == 64 for f in detail["files"])
    assert client.get("/api/v1/releases/2024/3.0/").status_code == 404
    assert "releases" in client.get("/api/v1/").json()


def test_api_schema_documents_the_releases(db, client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/releases/" in schema["paths"]
    assert "/api/v1/releases/{period}/{version}/" in schema["paths"]
    detail = schema["components"]["schemas"]["ReleaseDetail"]["properties"]
    assert {"files", "errata", "reason", "changes"} <= set(detail)


def test_atom_feed(published, client):
    response = client.get("/releases/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [
        "http://testserver/releases/2024/1.1/",
        "http://testserver/releases/2024/1.0/",
    ]


@pytest.mark.parametrize("path", ["/?period=2024", "/countries/GTM/?period=2024"])
def test_dashboard_of_a_locked_period_links_to_its_release(published, path):
    client = Client(headers={"accept-language": "en"})
    html = client.get(path).content.decode()
    assert 'href="/releases/2024/1.1/"' in html
    assert "2024 version 1.1" in html
    # an open period links to none
    html = client.get(path.replace("2024", "2023")).content.decode()
    assert "/releases/2024/" not in html


def test_periods_page_asks_why_on_unlock(published):
    client = Client()
    client.force_login(published["staff"])
    html = client.get("/workspace/periods/").content.decode()
    assert 'name="reason"' in html


def test_the_page_cites_the_release_as_its_own_files_do(published):
    """One rule for the citation (``releases.files.cite``): the page gives the very line of the
    release's datapackage.json, README and CITATION.cff, and says so in the reader's language."""
    client = Client(headers={"accept-language": "es"})
    response = client.get("/releases/2024/1.1/files/datapackage.json")
    package = json.loads(b"".join(response.streaming_content))
    html = client.get("/releases/2024/1.1/").content.decode()
    assert html.count(escape(package["mirps:citation"])) == 1
    assert "Tal como la escriben los propios archivos de la publicación" in html
