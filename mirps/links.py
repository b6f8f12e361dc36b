"""A web link as people write it, read and checked by one rule for every route (the workspace
forms, the API, the spreadsheets): ``www.example.org/x`` is completed to
``https://www.example.org/x``; only ``http`` and ``https`` links; at most ``LINK_MAX_LENGTH``
characters (the database column's size). A refused link raises ``ValidationError`` with a
``code`` (``link_too_long``, ``link_invalid``) and ``params``, its message in the active
language."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext

LINK_MAX_LENGTH = 500

# "mailto:", "javascript:", "ftp://": a scheme that is not the web's. A colon followed by a
# digit is a port ("example.org:8080"), not a scheme.
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
_validate = URLValidator(schemes=["http", "https"])


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link_too_long(length: int) -> ValidationError:
    return ValidationError(
        gettext(
            "The link has %(length)d characters; the limit is %(max)d. Link to a shorter "
            "address (a shared folder, or the document's page)."
        )
        % {"length": length, "max": LINK_MAX_LENGTH},
        code="link_too_long",
        params={"length": length, "max": LINK_MAX_LENGTH},
    )


def link_invalid(value: str) -> ValidationError:
    shown = _shorten(value)
    return ValidationError(
        gettext(
            "“%(value)s” is not a web address. Write it as www.example.org/… or "
            "https://…, or leave it empty."
        )
        % {"value": shown},
        code="link_invalid",
        params={"value": shown},
    )


def clean_link(value) -> str:
    """The link to store ("" for none): trimmed, ``https://`` added when no scheme is written.
    Raises ``ValidationError`` (``link_too_long`` or ``link_invalid``)."""
    link = ("" if value is None else str(value)).strip()
    if not link:
        return ""
    if len(link) > LINK_MAX_LENGTH:
        raise link_too_long(len(link))
    lowered = link.lower()
    if lowered.startswith("//"):
        link = "https:" + link
    elif "://" not in link:
        if _OTHER_SCHEME.match(link) and not lowered.startswith(("http:", "https:")):
            raise link_invalid(link)
        link = "https://" + link
    if len(link) > LINK_MAX_LENGTH:  # the added scheme counts too: the column holds 500
        raise link_too_long(len(link))
    try:
        _validate(link)
    except ValidationError:
        raise link_invalid(value.strip() if isinstance(value, str) else link) from None
    return link
