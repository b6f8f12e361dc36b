"""Figures are cached, so pages cost a fixed handful of queries, and the cache is invalidated
the moment a status is approved (commitments.signals.figures_changed)."""

import pytest
from django.utils import translation

from commitments.models import Commitment
from demo.services import seed_demo
from mirps.signals import figures_changed
from periods.models import ReportingPeriod
from reports import cache as figures_cache
from reports import progress
from statuses.review import review
from statuses.selectors import with_status
from statuses.services import record_status
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    loaded_plans()
    seed_demo()


def headline(client, url="/", **params) -> str:
    html = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index('<div class="big">')
    return html[start : html.index("</div>", start)]


def test_approving_a_status_changes_the_page_at_once(
    client, demo, django_capture_on_commit_callbacks
):
    period = ReportingPeriod.objects.get(code="2024")
    commitment = with_status(Commitment.objects, period).filter(current_status=None).first()
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


# Cold: every page's reference data (periods, the latest period with data, countries, pillars,
# focus areas: 5) and the demo flag (1), then its own queries. Warm: an anonymous reader gets
# the whole page from the cache (its own CSRF token put in), so no query at all.
@pytest.mark.parametrize(
    "url, cold, warm",
    [
        # see test_home.py for the dashboard's list
        ("/", 13, 0),
        # reference (5); demo flag; country; plan; numbers (counts by group and status and
        # the timeline of statuses: one query); members (pillars, focus areas); data quality (plan
        # queryset, plans, stated counts, loaded counts); the page of commitments (its count is
        # the figures'; the page's rows, then their statuses)
        # indicators and funding panels (issue 13: the country's approved indicator values; its
        # funding lines' sums, none here; the latest quantification)
        ("/countries/GTM/", 5 + 1 + 1 + 1 + 1 + 2 + 4 + 2 + 3, 0),
        # reference (5); demo flag; the figures of the selection, which count the list (numbers,
        # members: 4, shared with the dashboard's cache); the page's rows, their statuses
        ("/commitments/?country=GTM&status=3", 5 + 1 + 4 + 2, 0),
        # a search: reference (5); demo flag; the count of the matches (the figures do not know
        # it); the page's rows; their statuses
        ("/commitments/?country=GTM&q=migracion", 5 + 1 + 1 + 1 + 1, 0),
        # the commitment; its approved history; the periods (is its status stale?); demo flag;
        # its indicator links (none); its lineage across editions (its links; with none after
        # it, whether a later edition exists: issue 22)
        ("/commitments/GTM-HEA-01/", 5 + 2, 0),
        # reference (5); demo flag; numbers (1); members (3); the page of moved commitments
        # (which moved, ordered and cut to the page; their details)
        ("/changes/", 5 + 1 + 1 + 3 + 2, 0),
        # reference (5); demo flag; numbers (1); members (3); the funding sentence (issue 13:
        # the latest quantification, none loaded here)
        ("/report/", 5 + 1 + 1 + 3 + 1, 0),
        ("/embed/GTM/", 5 + 1 + 1 + 3, 0),
        # every period with the demo flag (the period asked for is checked against them, their
        # ranks go into the aggregate); counts by pillar and level; pillars
        ("/api/v1/progress/?by=pillar&period=2024", 1 + 1 + 1, 0),
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
    loaded_plans()
    # no status at all: the same queries, with empty answers
    with django_assert_num_queries(13):
        client.get("/")
    seed_demo()
    figures_changed.send(sender=None)
    with django_assert_num_queries(13):  # about a thousand statuses over five periods
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
        # Redis (django-redis): shared by every worker of every server, atomic counters too
        assert production.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    finally:
        monkeypatch.setenv("DJANGO_DEV", "1")
        importlib.reload(module)


def test_one_recomputation_when_cold_the_others_wait_for_it():
    """While one reader computes an entry (holding its lock), another waits for that value
    instead of computing it again."""
    import threading

    from django.core.cache import cache

    key = figures_cache._key("slow", [1])
    cache.add(f"{key}:lock", 1, timeout=figures_cache.LOCK_SECONDS)  # someone is computing

    def finish():
        cache.set(key, "theirs")
        cache.delete(f"{key}:lock")

    timer = threading.Timer(0.2, finish)
    timer.start()
    calls = []
    assert figures_cache.cached("slow", [1], lambda: calls.append(1) or "mine") == "theirs"
    timer.join()
    assert calls == []
    # a holder that gave up without a value: the reader computes it itself
    cache.add(f"{figures_cache._key('lost', [])}:lock", 1, timeout=0.3)
    assert figures_cache.cached("lost", [], lambda: "mine") == "mine"


def test_figures_are_warm_again_right_after_an_approval(demo, settings, django_assert_num_queries):
    from reports import dashboard

    settings.FIGURES_WARM = "sync"
    figures_changed.send(sender=None)  # as after an approval: new version, then warmed
    with django_assert_num_queries(0):
        for language in ("es", "en"):
            with translation.override(language):
                ref = dashboard.reference()
                dashboard.figures(dashboard.selection({}, ref), ref["periods"])


def test_large_lists_come_a_page_at_a_time(client, demo, monkeypatch):
    from reports import dashboard

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 100)
    first = client.get("/commitments/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "229 commitments" in first and "1–100 of 229" in first and "page 1 of 3" in first
    assert first.count('<td class="code">') == 100 and 'rel="next" href="?page=2"' in first
    last = client.get("/commitments/", {"page": 9}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "201–229 of 229" in last and last.count('<td class="code">') == 29
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 20)
    country = client.get("/countries/HND/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1–20 of 43" in country and country.count('<td class="code">') == 20


def test_cached_pages_keep_each_reader_s_token_and_account(client, demo):
    """The whole page is cached for anonymous readers, each with a CSRF token of their own
    (the language form works); a signed-in reader gets the page with their account."""
    import re

    from django.test import Client

    from tests.builders import secretariat

    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    other = Client(enforce_csrf_checks=True)
    cached = other.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached).group(1)
    assert "@@csrf-token@@" not in cached and token not in first  # a token of its own
    switched = other.post("/i18n/setlang/", {"language": "es", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    other.force_login(secretariat("sofia"))
    signed_in = other.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sofia" in signed_in and "sofia" not in cached


def test_the_warm_up_thread_is_not_killed_when_its_process_ends(settings, monkeypatch):
    """A daemon thread dies with its process while it holds the entries' locks (after
    `load_plans`, a management command, in production): every reader of the next minute then
    waited on them, past gunicorn's timeout. The warm-up thread must be waited for."""
    import threading

    started = []
    monkeypatch.setattr(figures_cache, "warm", lambda: started.append(threading.current_thread()))
    settings.FIGURES_WARM = "thread"
    figures_cache.invalidate()
    for thread in threading.enumerate():
        if thread.name == "figures-warm":
            thread.join(5)
    (thread,) = started
    assert thread.name == "figures-warm" and not thread.daemon
