"""Project-level guards: migrations are up to date, demo data is synthetic and deterministic."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.services import seed_demo
from mirps.vocabulary import Route
from statuses.models import StatusUpdate
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_seed_demo_is_deterministic_marked_and_leaves_real_statuses():
    loaded_plans()
    from commitments.models import Commitment
    from statuses.services import record_status
    from tests.builders import period, secretariat

    real = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period("2022"),
        status=4,
        narrative="Real report",
        source=Route.WEB,
        user=secretariat(),
    )
    first = seed_demo()
    snapshot = sorted(
        StatusUpdate.objects.filter(source=Route.DEMO).values_list(
            "commitment__code", "period__code", "status"
        )
    )
    assert seed_demo() == first
    again = sorted(
        StatusUpdate.objects.filter(source=Route.DEMO).values_list(
            "commitment__code", "period__code", "status"
        )
    )
    assert snapshot == again
    assert StatusUpdate.objects.filter(pk=real.pk).exists()
    assert all(
        n.startswith("[DEMO]")
        for n in StatusUpdate.objects.filter(source=Route.DEMO).values_list("narrative", flat=True)
    )
    codes = set(StatusUpdate.objects.values_list("period__code", flat=True))
    assert {"2021", "2022", "2023", "2024", "2024-H1"} <= codes
    # some commitments stay not reported, as in a real follow-up
    reported = StatusUpdate.objects.values("commitment").distinct().count()
    assert reported < Commitment.objects.count()


def test_production_settings_refuse_to_start_without_a_secret_key(monkeypatch):
    import importlib

    import mirps.settings as settings_module

    monkeypatch.setenv("DJANGO_DEV", "0")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        importlib.reload(settings_module)
    monkeypatch.setenv("DJANGO_DEV", "1")
    importlib.reload(settings_module)


def test_bad_boolean_setting_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from mirps.settings import env_bool

    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)


def test_every_message_has_a_spanish_translation():
    import re
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR, "locale", "es", "LC_MESSAGES")
    assert (folder / "django.mo").exists(), "run `make messages` to compile the translations"
    blocks = (folder / "django.po").read_text("utf-8").strip().split("\n\n")[1:]  # no header
    untranslated = []
    for block in blocks:
        assert "#, fuzzy" not in block, block
        # msgstr "..." or msgstr[N] "...", possibly continued on following quoted lines
        for translation in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M):
            if not "".join(re.findall(r'"(.*)"', translation)):
                untranslated.append(block)
    assert not untranslated, untranslated[:3]


def test_in_development_e_mail_links_use_the_port_make_run_serves(monkeypatch):
    """`PORT=8104 make run` serves on 8104 and passes PORT on; the e-mails' links follow
    (SITE_URL's development default), unless SITE_URL is set."""
    import importlib
    import subprocess
    from pathlib import Path

    import mirps.settings as settings_module

    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "-o", "demo", "run", "PORT=8104"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "PORT=8104 .venv/bin/python manage.py runserver 127.0.0.1:8104" in dry
    try:
        monkeypatch.setenv("DJANGO_DEV", "1")
        monkeypatch.delenv("SITE_URL", raising=False)
        monkeypatch.setenv("PORT", "8104")
        assert importlib.reload(settings_module).SITE_URL == "http://127.0.0.1:8104"
        monkeypatch.delenv("PORT")
        assert importlib.reload(settings_module).SITE_URL == "http://127.0.0.1:8000"
        monkeypatch.setenv("PORT", "8104")
        monkeypatch.setenv("SITE_URL", "https://monitor.example.org")
        assert importlib.reload(settings_module).SITE_URL == "https://monitor.example.org"
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_demo_users_have_e_mail_addresses_so_the_console_shows_their_e_mails(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """create_demo_users gives each demo user an address: a submission returned to the
    Guatemala team is e-mailed to gtm-team@example.org, with links to the site's address."""
    import io

    from commitments.models import Commitment
    from periods.models import ReportingPeriod
    from statuses.review import review
    from statuses.services import record_status

    loaded_plans()
    settings.SITE_URL = "http://127.0.0.1:8104"
    call_command("create_demo_users", stdout=io.StringIO())
    users = get_user_model().objects
    team, secretariat = users.get(username="gtm-team"), users.get(username="secretariat")
    assert (team.email, secretariat.email) == ("gtm-team@example.org", "secretariat@example.org")
    sent = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=ReportingPeriod.objects.get(code="2025"),
        status=2,
        narrative="Avance",
        user=team,
    )
    with django_capture_on_commit_callbacks(execute=True):
        review(updates=[sent], user=secretariat, approve=False, comment="Falta el decreto")
    (message,) = mailoutbox
    assert message.to == ["gtm-team@example.org"]
    assert "http://127.0.0.1:8104/workspace/commitments/GTM-PRO-01/" in message.body
