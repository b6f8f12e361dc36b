"""Reading and writing numbers as people print them. Figures are ``Decimal``, never float.

**Writing** (the one rule, ``format_amount``): ``63,152,181`` and ``41.5`` in English and in
Spanish alike: our readers are Latin American (Mexico and Central America group thousands
with a comma and write decimals with a point), not Spain's ``63.152.181``. Django's number
formatting in Spanish (``floatformat``, ``number_format``, the admin) takes the same
separators from ``mirps/formats/es/formats.py``, and the charts use ``es-419``.

**Reading** (``parse_amount``) accepts both styles, since sources mix them (the 2020
newsletter prints ``$16.494.551`` beside ``$18,008,112``) and sheets come from everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from mirps.i18n import active_language

# Numbers a source writes in words ("three work permits"); enough for the figures we load.
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

_CURRENCY = re.compile(r"(?i)\\?\$|US\$|USD|\s|\u00a0|\u202f")
_DIGITS = re.compile(r"^[0-9]+([.,][0-9]+)*$")


def parse_amount(text: str) -> Decimal:
    """A printed number as a Decimal, whichever separators it uses.

    ``"63,152,181"``, ``"16.494.551"``, ``"\\$3,813,551"``, ``"1.234,5"``, ``"1,234.5"``,
    ``"12 800"``, ``"three"``. A separator that occurs more than once, or is followed by
    exactly three digits, groups thousands; when both occur, the last one is the decimal
    separator. Raises ``ValueError`` for anything else (never guesses silently).
    """
    raw = str(text).strip()
    word = raw.lower()
    if word in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[word])
    cleaned = _CURRENCY.sub("", raw)
    if not cleaned or not _DIGITS.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    separators = [c for c in cleaned if c in ",."]
    if not separators:
        return Decimal(cleaned)
    if len(set(separators)) == 2:
        decimal_sep = separators[-1]
        if separators.count(decimal_sep) > 1:
            raise ValueError(f"ambiguous number: {text!r}")
        group_sep = "," if decimal_sep == "." else "."
        whole, fraction = cleaned.rsplit(decimal_sep, 1)
        return _grouped(whole, group_sep, text) + _fraction(fraction)
    sep = separators[0]
    parts = cleaned.split(sep)
    if len(parts) > 2 or len(parts[1]) == 3:
        return _grouped(cleaned, sep, text)
    return Decimal(parts[0]) + _fraction(parts[1])


def _grouped(whole: str, sep: str, text: str) -> Decimal:
    groups = whole.split(sep)
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        raise ValueError(f"badly grouped number: {text!r}")
    return Decimal("".join(groups))


def _fraction(digits: str) -> Decimal:
    try:
        return Decimal(f"0.{digits}")
    except InvalidOperation as exc:  # pragma: no cover - the pattern allows digits only
        raise ValueError(digits) from exc


# The separators we write, in every language (the Spanish of Mexico and Central America).
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
NUMBER_GROUPING = 3
SEPARATORS = {"en": (",", "."), "es": (THOUSAND_SEPARATOR, DECIMAL_SEPARATOR)}


def format_amount(value, decimals: int | None = None, language: str | None = None) -> str:
    """``Decimal("63152181")`` → ``"63,152,181"`` in English and in Spanish alike.

    ``decimals=None`` writes the decimals the value has beyond trailing zeros (``336.00`` →
    ``336``, ``12.50`` → ``12.5``); an integer rounds to that many places.
    """
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimals is not None:
        number = round(number, decimals)
        text = f"{abs(number):.{decimals}f}"
    else:
        text = format(abs(number).normalize(), "f")
    whole, _dot, fraction = text.partition(".")
    thousands, decimal = SEPARATORS[language or active_language()]
    grouped = f"{int(whole):,}".replace(",", thousands)
    sign = "-" if number < 0 else ""
    return f"{sign}{grouped}{decimal + fraction if fraction else ''}"


def plain(value):
    """A figure for an export cell: an ``int`` when it is whole, else the ``Decimal`` (never a
    float), so 63152181.00 is written 63152181."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(number) if number == number.to_integral_value() else number
