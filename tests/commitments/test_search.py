"""Search of commitments (CommitmentQuerySet.search): both languages, whatever the case and
accents, the same rows on SQLite (``mirps_fold``) and PostgreSQL (full text with unaccent).
Run on both: DATABASE_URL=postgres://… selects PostgreSQL."""

import pytest
from django.db import connection

from commitments.models import Commitment, fold, search_words
from tests.builders import CountryBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts():
    gtm = CountryBuilder("GTM")
    asylum = gtm.commitment(text="Strengthen the asylum procedure at the border.")
    asylum.text_es = "Fortalecer el procedimiento de asilo en la frontera."
    asylum.save()
    migration = gtm.commitment(text="Train officials of the Migration Institute.")
    migration.text_es = "Capacitar a funcionarios del Instituto de Migración."
    migration.save()
    health = gtm.commitment(area="HEA", text="Mental health care for refugees.")
    health.text_es = "Atención en salud mental para personas refugiadas."
    health.save()
    return {"asylum": asylum, "migration": migration, "health": health}


def found(q: str) -> set[str]:
    return set(Commitment.objects.search(q).values_list("code", flat=True))


def test_search_finds_spanish_words_whatever_the_accents_and_case(texts):
    migration = {texts["migration"].code}
    assert found("migracion") == found("MIGRACIÓN") == found("Migración") == migration
    assert found("asilo") == found("ASILO") == {texts["asylum"].code}
    # a word is found from its start: "migra" finds "Migración", "refugi" both languages
    assert found("migra") == migration
    assert found("refugi") == {texts["health"].code}


def test_search_finds_the_printed_english_text_and_the_code(texts):
    assert found("asylum") == {texts["asylum"].code}
    assert found("ASYLUM border") == {texts["asylum"].code}
    assert found(texts["health"].code.lower()) == {texts["health"].code}


def test_every_word_must_match_and_not_inside_a_word(texts):
    assert found("asilo salud") == set()
    # "gracion" is inside "migración", not the start of a word: no match on either database
    assert found("gracion") == set()


def test_an_empty_or_symbol_only_search_keeps_every_row_and_symbols_are_harmless(texts):
    assert found("") == found("   ") == found("&|!:*()'") == set(c.code for c in texts.values())
    assert found("asilo & !") == {texts["asylum"].code}


def test_fold_and_words():
    assert fold("MIGRACIÓN Ñandú") == "migracion nandu"
    assert search_words("¿Asilo, migración?") == ["asilo", "migracion"]


def test_the_database_is_the_one_asked_for():
    # the PostgreSQL run uses full-text search; this pins which branch the run exercised
    import os

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
