"""Building a large release is a background job (Huey), never the request's work: the lock
returns at once, a worker builds it, and the Releases page shows its progress meanwhile."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client

from mirps import jobs
from releases import services
from releases.models import Release


@pytest.fixture
def real_worker(settings, tmp_path):
    """Huey as in `make run`: a SQLite queue file and the embedded consumer thread."""
    huey = jobs.queue()
    saved = dict(huey.storage_kwargs)
    huey.storage_kwargs = {"filename": str(tmp_path / "jobs.sqlite3")}
    huey.immediate = False
    settings.JOBS_EMBEDDED_WORKER = True
    yield huey
    jobs.stop_worker()
    huey.storage_kwargs = saved
    huey.immediate = True


def test_small_catalogue_is_built_inline(world, lock, settings, monkeypatch):
    queued = []
    monkeypatch.setattr("releases.services.build_release_job", lambda pk: queued.append(pk))
    lock(world["p2024"], world["staff"])
    assert queued == []
    assert Release.objects.get().state == "published"


def test_above_the_threshold_the_build_is_queued(world, lock, settings, monkeypatch):
    settings.RELEASES_INLINE_MAX_COMMITMENTS = 4  # the world has 5
    queued = []
    monkeypatch.setattr("releases.services.build_release_job", lambda pk: queued.append(pk))
    lock(world["p2024"], world["staff"])
    release = Release.objects.get()
    assert queued == [release.pk]
    assert release.state == "queued"  # the lock's request did not build it
    # the page shows it coming, and refreshes itself until it is published
    html = Client(headers={"accept-language": "en"}).get("/releases/").content.decode()
    assert "Being published" in html and "<progress" in html and 'http-equiv="refresh"' in html
    services.build(release.pk)  # what the worker does
    html = Client(headers={"accept-language": "en"}).get("/releases/").content.decode()
    assert "Being published" not in html and 'http-equiv="refresh"' not in html


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_it_off_the_request(world, settings, real_worker, monkeypatch):
    from periods.services import set_period_locked

    settings.RELEASES_INLINE_MAX_COMMITMENTS = 0
    threads = []
    real_build = services.build

    def build(pk):
        threads.append(threading.get_ident())
        return real_build(pk)

    monkeypatch.setattr(services, "build", build)
    set_period_locked(period=world["p2024"], locked=True, user=world["staff"])
    deadline = time.monotonic() + 60
    release = Release.objects.get()
    while release.state != "published" and time.monotonic() < deadline:
        time.sleep(0.1)
        release.refresh_from_db()
    assert release.state == "published", release.error
    assert threads and threads[0] != threading.get_ident()  # built by the worker's thread
    assert release.files.count() > 30


def test_a_failed_release_can_be_retried_by_the_secretariat(world, lock, monkeypatch):
    monkeypatch.setattr(
        "releases.services.data_tables", lambda period, step: (_ for _ in ()).throw(OSError("x"))
    )
    lock(world["p2024"], world["staff"])
    release = Release.objects.get()
    assert release.state == "failed"
    assert (
        "Failed" not in Client(headers={"accept-language": "en"}).get("/releases/").content.decode()
    )
    staff = Client(headers={"accept-language": "en"})
    staff.force_login(world["staff"])
    assert "Try again" in staff.get("/releases/").content.decode()
    monkeypatch.undo()
    response = staff.post(f"/releases/retry/{release.pk}/")
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.state, release.version) == ("published", "1.0")
    # nobody else may
    team = Client()
    team.force_login(world["team"])
    assert team.post(f"/releases/retry/{release.pk}/").status_code == 403


def test_a_build_its_stopped_server_left_half_done_starts_again(world, lock, settings):
    """`make run`: the worker is a thread of the server; a build it was running when the
    server stopped is queued again by the next server's Releases page."""
    settings.JOBS_EMBEDDED_WORKER = True
    orphan = Release.objects.create(period=world["p2024"], state=Release.State.BUILDING)
    Client().get("/releases/")
    orphan.refresh_from_db()
    assert (orphan.state, orphan.version) == ("published", "1.0")
