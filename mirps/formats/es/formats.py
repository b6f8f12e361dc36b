"""Spanish as our readers write it (Central America and Mexico): 63,152,181 and 41.5, not
Spain's 63.152.181 and 41,5. Django's templates and ``number_format`` (``floatformat``, the
admin) take the separators from here; ``mirps.numbers`` holds the rule for both languages."""

from mirps.numbers import DECIMAL_SEPARATOR, NUMBER_GROUPING, THOUSAND_SEPARATOR

__all__ = ["DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"]
