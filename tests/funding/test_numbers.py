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


def test_format_per_language():
    with translation.override("en"):
        assert format_amount(Decimal("63152181.00")) == "63,152,181"
        assert format_amount(Decimal("86.26"), 1) == "86.3"
    with translation.override("es"):
        assert format_amount(Decimal("63152181")) == "63.152.181"
        assert format_amount(Decimal("1234.5")) == "1.234,5"
    assert format_amount(Decimal("-314230"), language="en") == "-314,230"
    assert plain(Decimal("63152181.00")) == 63152181 and isinstance(plain(Decimal("1.50")), Decimal)
