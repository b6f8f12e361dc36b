"""A form sent from a stale page (issue 19): the site's own page in the reader's language, 403,
with a way back to the page the form came from, instead of Django's English one."""

import pytest
from django.test import Client

from tests import cast as casts

# Guatemala's team and the secretariat (formerly tests/forms/conftest.py).
people = casts.team_and_secretariat


pytestmark = pytest.mark.django_db

PAGE = "http://testserver/workspace/commitments/GTM-PRO-01/?period=2025"


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [
        ("es", "No se pudo enviar el formulario", "Volver a la página"),
        ("en", "The form could not be sent", "Back to the page"),
    ],
)
def test_a_stale_form_gets_the_styled_page_in_the_language_with_a_way_back(
    people, language, title, back
):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["gabriel"])
    response = client.post(
        "/workspace/commitments/GTM-PRO-01/?period=2025",
        {"status": 2, "narrative": "typed", "base_version": 0, "csrfmiddlewaretoken": "stale"},
        HTTP_REFERER=PAGE,
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html and 'class="site-header"' in html
    assert title in html and back in html
    assert f'href="{PAGE.replace("&", "&amp;")}"' in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html
    assert response["Content-Type"].startswith("text/html")


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(people):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["gabriel"])
    response = client.post(
        "/workspace/periods/", {"code": "2030"}, HTTP_REFERER="https://evil.example/x"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "evil.example" not in html and "Back to the page" not in html
    assert "Go to the progress dashboard" in html


def test_the_api_answers_json(people):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["gabriel"])
    # a session-authenticated API write without the token: DRF's own check, JSON
    response = client.post(
        "/api/v1/status-updates/", {"commitment": "GTM-PRO-01"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_the_sign_in_page_itself_gets_it_too(plans):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "No se pudo enviar el formulario" in response.content.decode()
