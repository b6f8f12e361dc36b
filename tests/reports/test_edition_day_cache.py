"""The figures of "today" (no period: the editions in force today) are computed anew the day a
future-dated edition comes into force, with no signal (issue 22): every key of the figures
cache carries the edition day, the latest day on or before today on which an edition came into
force (``reports.cache.edition_day``). The clock is moved by replacing
``django.utils.timezone.localdate`` (neither time-machine nor freezegun is a dependency)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from commitments.models import Commitment
from reports import cache as figures_cache
from tests.builders import period, report
from tests.editions import STARTS, load_belize_2024
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


def move_clock(monkeypatch, day: dt.date) -> None:
    """Today is ``day`` for every ``timezone.localdate()`` (a date given to it is kept)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def belize_today(client) -> int:
    response = client.get("/api/v1/progress/", {"country": "BLZ"})
    assert response.status_code == 200, response.content
    return response.json()["total"]["commitments"]


@pytest.fixture
def future_edition(monkeypatch):
    """The day before Belize's 2024-2026 edition starts, with that edition loaded already."""
    loaded_plans()
    report(Commitment.objects.get(code="BLZ-PRO-01"), "2023", 3)
    period("2024")
    move_clock(monkeypatch, STARTS - dt.timedelta(days=1))
    load_belize_2024()
    figures_cache.invalidate()  # what loading announces (on commit, which a test never reaches)
    return {
        "2021": Commitment.objects.filter(plan__edition="2021", country__iso3="BLZ").count(),
        "2024-2026": Commitment.objects.filter(plan__edition="2024-2026").count(),
    }


def test_the_day_an_edition_comes_into_force_the_figures_of_today_are_new(
    client, monkeypatch, future_edition, django_assert_num_queries
):
    assert future_edition["2021"] != future_edition["2024-2026"]
    assert belize_today(client) == future_edition["2021"]  # the edition in force today
    version = figures_cache.figures_version()
    with django_assert_num_queries(0):  # the same day: from the cache
        assert belize_today(client) == future_edition["2021"]
    move_clock(monkeypatch, STARTS)  # midnight: the new edition is in force, no signal sent
    assert belize_today(client) == future_edition["2024-2026"]
    assert figures_cache.figures_version() == version  # nothing was invalidated
    with django_assert_num_queries(0):
        assert belize_today(client) == future_edition["2024-2026"]
    # the day after: the same edition day, so the same entries
    move_clock(monkeypatch, STARTS + dt.timedelta(days=1))
    with django_assert_num_queries(0):
        assert belize_today(client) == future_edition["2024-2026"]


def test_the_edition_day_is_the_latest_start_on_or_before_today(future_edition):
    assert figures_cache.edition_day(dt.date(2020, 12, 31)) == "-"
    assert figures_cache.edition_day(dt.date(2021, 1, 1)) == "2021-01-01"
    assert figures_cache.edition_day(STARTS - dt.timedelta(days=1)) == "2021-01-01"
    assert figures_cache.edition_day(STARTS) == "2024-01-01"
    assert figures_cache.edition_day(dt.date(2030, 5, 1)) == "2024-01-01"
    # a version a reader had to make (evicted): the start days are not known, so the key
    # carries today's date (the figures are kept a day at most), never a stale edition
    cache.delete(figures_cache.VERSION_KEY)
    assert figures_cache.edition_day(dt.date(2030, 5, 1)) == "2030-05-01"
