"""The pages a person meets when something is refused or missing, and the admin's name:
the site's own layout and the reader's language, in development as in production."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests import cast as casts
from tests.builders import member, secretariat
from tests.plans import loaded_plans
from tests.project.test_security_settings import load_settings

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

LANGUAGES = [
    ("es", "No permitido", "Solo la secretaría puede abrir esta página.", "Página no encontrada"),
    ("en", "Not allowed", "Only the secretariat may open this page.", "Page not found"),
]


def test_debug_is_off_by_default_in_development_too(monkeypatch):
    # `make run` (DJANGO_DEV=1) shows the site's error pages; DEBUG=1 asks for Django's.
    assert load_settings(monkeypatch, DJANGO_DEV="1").DEBUG is False
    assert load_settings(monkeypatch, DJANGO_DEV="1", DEBUG="1").DEBUG is True
    dev = load_settings(monkeypatch, DJANGO_DEV="1")
    assert dev.WHITENOISE_USE_FINDERS is True  # static files are served without DEBUG


@pytest.mark.parametrize(("language", "title", "why", "_missing"), LANGUAGES)
def test_a_national_team_on_the_review_queue_gets_the_styled_403(language, title, why, _missing):
    # gabriel: Guatemala's team; the review queue is the secretariat's.
    loaded_plans()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(member("gabriel", "GTM"))
    response = client.get("/workspace/review/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="site-header"' in html and "/static/css/app.css" in html
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert why in html
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize(("language", "_title", "_why", "missing"), LANGUAGES)
def test_404_under_the_development_settings_is_the_site_page(
    settings, language, _title, _why, missing
):
    settings.DEBUG = False  # the development default now
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/workspace/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert missing in html and 'class="site-header"' in html
    assert "URLconf" not in html  # nothing of Django's debug page (which lists every URL)


@pytest.mark.parametrize(
    ("language", "header", "index"),
    [
        ("es", "Monitor MIRPS — administración", "Datos, cuentas y equipos nacionales"),
        ("en", "MIRPS monitor — administration", "Data, accounts and national teams"),
    ],
)
def test_the_admin_carries_the_site_name_in_the_readers_language(language, header, index):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    login = client.get("/admin/login/")
    assert header in login.content.decode()
    assert "Django administration" not in login.content.decode()
    staff = get_user_model().objects.create_superuser("root", password="pw-Root-2024")
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    assert header in html and index in html


def test_only_staff_see_a_link_to_the_admin():
    loaded_plans()
    public = Client().get("/").content.decode()
    assert "/admin/" not in public
    team = Client()
    team.force_login(member("gabriel", "GTM"))
    assert "/admin/" not in team.get("/").content.decode()
    staff = secretariat()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(staff)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_no_template_comment_leaks_onto_the_public_pages():
    # A {# … #} comment cannot span lines in Django: spread over two it is printed as text.
    loaded_plans()
    for url in ["/", "/countries/GTM/", "/commitments/", "/changes/"]:
        html = Client().get(url).content.decode()
        assert "{#" not in html and "#}" not in html, url
