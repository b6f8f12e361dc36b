"""Issue 19: an anonymous TRACE to the API answered 403 (DRF checked credentials and
permissions before the method), and pages answered TRACE, PUT or PROPFIND as GET. A method a
route does not take is a 405 with ``Allow`` everywhere, whoever asks
(``mirps.middleware.MethodNotAllowed``)."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

ODD = ["TRACE", "PROPFIND", "CONNECT", "PUT", "PATCH", "DELETE", "POST", "GET"]


def schema_operations():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    for path, operations in schema.json()["paths"].items():
        documented = {m.upper() for m in operations if m != "parameters"}
        yield re.sub(r"\{[a-z0-9_]+\}", "1", path), documented


@pytest.mark.parametrize("who", [None, "gabriel", "sofia"])
def test_every_api_operation_answers_405_to_a_method_it_does_not_take(people, who):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if who:
        api.force_authenticate(people[who])
    operations = list(schema_operations())
    assert len(operations) >= 25
    for url, documented in operations:
        expected_allow = (
            set(documented) | {"OPTIONS"} | ({"HEAD"} if "GET" in documented else set())
        )
        for method in ODD:
            if method in documented:
                continue
            response = api.generic(method, url)
            assert response.status_code == 405, (who, method, url, response.status_code)
            assert set(response["Allow"].split(", ")) == expected_allow, (method, url)
            assert response["Content-Type"] == "application/json"
            assert response.json()["detail"] == f'Method "{method}" not allowed.'


def test_the_refusal_is_in_the_readers_language():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="es").generic("TRACE", "/api/v1/countries/")
    assert response.status_code == 405
    assert response.json()["detail"] == 'Método "TRACE" no permitido.'


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_answer_405_to_methods_they_do_not_take(people, signed_in):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if signed_in:
        client.force_login(people["sofia"])
    pages = [
        "/",
        "/countries/GTM/",
        "/commitments/GTM-PRO-01/",
        "/methodology/",
        "/health/",
        "/accounts/login/",
        "/workspace/",
        "/workspace/commitments/GTM-PRO-01/",
        "/admin/",
        "/api/docs/",
    ]
    for url in pages:
        for method in ["TRACE", "PROPFIND", "PUT", "PATCH", "DELETE"]:
            response = client.generic(method, url)
            assert response.status_code == 405, (method, url, response.status_code)
            allowed = set(response["Allow"].split(", "))
            assert "GET" in allowed and method not in allowed, (method, url)
        page = client.generic("TRACE", url)
        if not url.startswith("/api/"):
            assert b'class="site-header"' in page.content, url  # the site's own page
            assert b"does not accept TRACE requests" in page.content, url
        # and what the page takes still works
        assert client.get(url).status_code in (200, 302), url
        assert client.head(url).status_code in (200, 302), url


def test_forms_still_post(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in = client.post(
        "/accounts/login/", {"username": "sofia", "password": "pw-Secretariat-2024"}
    )
    assert signed_in.status_code == 302
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def test_static_files_and_unknown_urls_are_unchanged(people):
    client = Client()
    assert client.generic("TRACE", "/no-such-page/").status_code == 404


def test_the_page_refusal_is_in_the_readers_language(people):
    page = Client(HTTP_ACCEPT_LANGUAGE="es").generic("TRACE", "/")
    assert page.status_code == 405
    assert "Esta página no acepta solicitudes TRACE." in page.content.decode()
