"""A text printed in English with our Spanish working translation (``LocalizedText``): the
reader's language leads, the other is beside it, and the translation is always marked."""

from django import template

from commitments.models import LocalizedText

register = template.Library()


@register.inclusion_tag("commitments/_texts.html")
def texts(value: LocalizedText, words: int = 0, compact: bool = False, tag: str = "div"):
    """``{% texts c.texts %}`` (a page), ``{% texts c.texts words=30 compact=True %}`` (a list
    row: the lead cut at ``words``, the other text folded away), ``tag="span"`` inline."""
    return {"t": value, "words": words, "compact": compact, "tag": tag}
