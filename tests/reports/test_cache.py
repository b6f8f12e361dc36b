"""Figures are cached, so pages cost a fixed handful of queries, and the cache is invalidated
the moment a status is approved (commitments.signals.figures_changed)."""

import pytest

from commitments.models import Commitment, ReportingPeriod
from commitments.services import load_plans, record_status, review, seed_demo
from commitments.signals import figures_changed
from reports import cache as figures_cache
from reports import progress
from tests.builders import member, secretariat

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_plans()
    seed_demo()


def headline(client, url="/", **params) -> str:
    html = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index('<div class="big">')
    return html[start : html.index("</div>", start)]


def test_approving_a_status_changes_the_page_at_once(
    client, demo, django_capture_on_commit_callbacks
):
    period = ReportingPeriod.objects.get(code="2024")
    commitment = Commitment.objects.with_status(period).filter(current_status=None).first()
    before = progress.compute(period=period).total
    shown = headline(client, period="2024")
    assert f"{before.progress:.1f}%" in shown
    country_page = f"/countries/{commitment.country.iso3}/"
    headline(client, country_page, period="2024")  # cached too

    team = member("gabriela", commitment.country.iso3)
    boss = secretariat()
    with django_capture_on_commit_callbacks(execute=True):
        update = record_status(
            commitment=commitment, period=period, status=5, narrative="Done", user=team
        )
    # submitted, not approved: the public figure does not move (and the cache may stay)
    assert headline(client, period="2024") == shown
    with django_capture_on_commit_callbacks(execute=True):
        review(updates=[update], user=boss, approve=True)
    after = progress.compute(period=period).total
    assert after.reported == before.reported + 1 and after.progress != before.progress
    assert f"{after.progress:.1f}%" in headline(client, period="2024")
    country_after = progress.compute(period=period, country=commitment.country.iso3).total
    assert f"{country_after.progress:.1f}%" in headline(client, country_page, period="2024")
    page = client.get(f"/commitments/{commitment.code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Done" in page.content.decode()


def test_the_signal_gives_the_cache_a_new_version():
    first = figures_cache.figures_version()
    assert figures_cache.figures_version() == first
    figures_changed.send(sender=None)
    assert figures_cache.figures_version() != first
    calls = []
    value = figures_cache.cached("x", [1], lambda: calls.append(1) or "v")
    assert figures_cache.cached("x", [1], lambda: calls.append(1) or "v") == value
    assert len(calls) == 1
    figures_changed.send(sender=None)
    figures_cache.cached("x", [1], lambda: calls.append(1) or "v")
    assert len(calls) == 2


def test_an_evicted_version_never_brings_old_entries_back():
    from django.core.cache import cache

    figures_cache.cached("y", [], lambda: "old")
    cache.delete(figures_cache.VERSION_KEY)  # as if evicted
    assert figures_cache.cached("y", [], lambda: "new") == "new"


def test_figures_are_per_language(client, demo):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/").content.decode()
    assert "Reception and admission" in english
    assert "Reception and admission" not in spanish


@pytest.mark.parametrize(
    "url, cold, warm",
    [
        # see test_home.py for the dashboard's list
        ("/", 21, 1),
        # reference (5); country; plan; by pillar (2); by focus area (2); history (2); moved
        # commitments; commitments with status; data quality (plan queryset, plans, stated
        # counts, loaded counts); demo flag; indicators and funding panels (issue 13: the
        # country's approved indicator values; its funding lines' sums, none here; the latest
        # quantification)
        ("/countries/GTM/", 5 + 1 + 1 + 2 + 2 + 2 + 1 + 1 + 4 + 1 + 3, 1),
        # reference (5); the commitments with their status; demo flag
        ("/commitments/?country=GTM&status=3", 5 + 1 + 1, 1 + 1),
        # the commitment; its approved history; its indicator links (none); demo flag
        ("/commitments/GTM-HEA-01/", 4, 4),
        # reference (5); figures (12); demo flag
        ("/changes/", 5 + 12 + 1, 1),
        # ... and the funding sentence (issue 13: the latest quantification, none loaded here)
        ("/report/", 5 + 12 + 1 + 1, 1),
        ("/embed/GTM/", 5 + 12 + 1, 1),
    ],
)
def test_query_counts_are_constant_cold_and_warm(
    client, demo, django_assert_num_queries, url, cold, warm
):
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url).status_code == 200


def test_query_counts_do_not_grow_with_the_data(client, django_assert_num_queries):
    load_plans()
    # no status at all: nothing moved, so the moved commitments need no query
    with django_assert_num_queries(20):
        client.get("/")
    seed_demo()
    figures_changed.send(sender=None)
    with django_assert_num_queries(21):  # about a thousand statuses over five periods
        client.get("/")


def test_production_cache_is_shared_by_every_worker(tmp_path, settings):
    """A status approved through one worker process makes every worker's figures stale: the
    production cache is a directory all workers read, and the version key lives there."""
    from django.core.cache.backends.filebased import FileBasedCache

    from reports import cache as figures

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
            "KEY_PREFIX": "mirps",
        }
    }
    other_worker = FileBasedCache(str(tmp_path), {"KEY_PREFIX": "mirps"})
    before = figures.figures_version()
    assert other_worker.get(figures.VERSION_KEY) == before
    figures.invalidate()  # the figures_changed receiver, in this worker
    assert other_worker.get(figures.VERSION_KEY) not in (None, before)


def test_production_settings_choose_a_shared_cache(monkeypatch):
    import importlib

    import mirps.settings as module

    monkeypatch.setenv("DJANGO_DEV", "0")
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    try:
        production = importlib.reload(module)
        assert production.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    finally:
        monkeypatch.setenv("DJANGO_DEV", "1")
        importlib.reload(module)
