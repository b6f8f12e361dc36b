"""Numbers as people print them, in either separator style; written per language."""

from decimal import Decimal

import pytest
from django.utils import translation

from mirps.numbers import format_amount, parse_amount, plain


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("63,152,181", "63152181"),
        ("16.494.551", "16494551"),  # the newsletter's dotted thousands
        ("\\$3.327.819", "3327819"),
        ("$ 1,345,162", "1345162"),
        ("12 800", "12800"),
        ("1.234,5", "1234.5"),
        ("1,234.56", "1234.56"),
        ("336", "336"),
        ("2,5", "2.5"),
        ("three", "3"),
    ],
)
def test_parse_either_separator(printed, expected):
    assert parse_amount(printed) == Decimal(expected)


@pytest.mark.parametrize("printed", ["", "abc", "1,23,456", "1.234.56", "12-3", "1.2.3,4,5"])
def test_anything_else_is_refused(printed):
    with pytest.raises(ValueError):
        parse_amount(printed)


@pytest.mark.parametrize("language", ["en", "es"])
def test_numbers_are_written_the_latin_american_way_in_both_languages(language):
    """63,152,181 and 1,234.5 in English and in Spanish (our readers are Latin American, not
    Spain's 63.152.181): the one rule of mirps/numbers.py, and Django's own number formatting
    (floatformat, number_format: the pages' percentages, the admin) follows it."""
    from django.template import Context, Template
    from django.utils.formats import number_format

    with translation.override(language):
        assert format_amount(Decimal("63152181.00")) == "63,152,181"
        assert format_amount(Decimal("1234.5")) == "1,234.5"
        assert format_amount(Decimal("86.26"), 1) == "86.3"
        assert format_amount(Decimal("-314230")) == "-314,230"
        assert number_format(41.04, 1) == "41.0"
        assert number_format(Decimal("63152181.5"), 1, force_grouping=True) == "63,152,181.5"
        template = Template("{{ x|floatformat:1 }} {{ y|floatformat:'2g' }}")
        assert template.render(Context({"x": 42.75, "y": 1234.5})) == "42.8 1,234.50"


def test_format_per_language():
    with translation.override("en"):
        assert format_amount(Decimal("63152181.00")) == "63,152,181"
        assert format_amount(Decimal("86.26"), 1) == "86.3"
    assert format_amount(Decimal("-314230"), language="en") == "-314,230"
    assert plain(Decimal("63152181.00")) == 63152181 and isinstance(plain(Decimal("1.50")), Decimal)
