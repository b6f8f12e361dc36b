"""Project-level guards: migrations are up to date, demo data is synthetic and deterministic."""

import pytest
from django.core.management import call_command

from commitments.models import Source, StatusUpdate
from commitments.services import load_plans, seed_demo

pytestmark = pytest.mark.django_db


def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_seed_demo_is_deterministic_marked_and_leaves_real_statuses():
    load_plans()
    from commitments.models import Commitment
    from commitments.services import record_status
    from tests.builders import period, secretariat

    real = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period("2022"),
        status=4,
        narrative="Real report",
        source=Source.WEB,
        user=secretariat(),
    )
    first = seed_demo()
    snapshot = sorted(
        StatusUpdate.objects.filter(source=Source.DEMO).values_list(
            "commitment__code", "period__code", "status"
        )
    )
    assert seed_demo() == first
    again = sorted(
        StatusUpdate.objects.filter(source=Source.DEMO).values_list(
            "commitment__code", "period__code", "status"
        )
    )
    assert snapshot == again
    assert StatusUpdate.objects.filter(pk=real.pk).exists()
    assert all(
        n.startswith("[DEMO]")
        for n in StatusUpdate.objects.filter(source=Source.DEMO).values_list("narrative", flat=True)
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
