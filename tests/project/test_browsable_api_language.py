"""The browsable API's root in the reader's language: named and described for a person (it
read "Api Root" and "The default basic root view for DefaultRouter"), with the site's own sign
in and out (Django REST framework's links say "Log in" and "Log out" in English whatever the
language, and its sign-out needs an inline script the Content Security Policy blocks)."""

import pytest
from django.test import Client

from tests.builders import secretariat

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", ["API del monitor del MIRPS", "datos del monitor, abiertos", "Iniciar sesión"]),
        ("en", ["MIRPS monitor API", "data, open to all: each link below", "Sign in"]),
    ],
)
def test_the_root_speaks_the_readers_language(language, said):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    html = page.content.decode()
    for words in said:
        assert words in html, words
    for left in ("Api Root", "DefaultRouter", ">Log in<"):
        assert left not in html, left
    assert 'href="/accounts/login/?next=/api/v1/"' in html


def test_signed_in_the_root_signs_out_through_the_sites_form():
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(secretariat())
    html = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert 'action="/accounts/logout/"' in html and "Cerrar sesión" in html
    assert "onclick" not in html.split("<body", 1)[1].split('id="content"', 1)[0]
