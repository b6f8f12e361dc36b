"""The health endpoint, and the error pages in the site's own layout and language."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import path

from mirps.urls import urlpatterns as project_urlpatterns
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


def broken_view(request):
    raise RuntimeError("a bug")


# The project's URLs plus one view that fails, to see the 500 page.
urlpatterns = [path("broken/", broken_view), *project_urlpatterns]


@pytest.mark.django_db
def test_health_says_ok_when_database_and_cache_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "no-cache" in response.headers["Cache-Control"]
    )


@pytest.mark.django_db
def test_health_is_503_when_the_cache_keeps_nothing(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


@pytest.mark.django_db
def test_health_is_503_when_the_database_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.OperationalError("the database is gone")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "not_found", "server_error"),
    [
        ("es", "Página no encontrada", "Algo salió mal"),
        ("en", "Page not found", "Something went wrong"),
    ],
)
def test_404_and_500_pages_are_styled_and_translated(settings, language, not_found, server_error):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert not_found in html and 'class="site-header"' in html and "/static/css/app.css" in html
    broken = client.get("/broken/")
    assert broken.status_code == 500
    html = broken.content.decode()
    assert server_error in html and 'class="site-header"' in html and "/static/css/app.css" in html
    assert "a bug" not in html  # nothing of the error itself is shown
