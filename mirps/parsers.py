"""The API's JSON parser: DRF's, with a bound on nesting.

Python's JSON decoder recurses once per nested array or object: a body of 100,000 ``[`` made it
raise ``RecursionError``, which DRF's parser does not catch (a 500). No request of this API
nests deeper than a few levels (the deepest, the column corrections, is an object in an
object), so anything deeper than ``MAX_DEPTH`` is refused with a 400 and a message, whether the
decoder gave up on it or parsed it."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32


def too_deep(data, limit: int) -> bool:
    """Does ``data`` (parsed JSON) nest arrays and objects more than ``limit`` levels deep?
    Iterative, so it cannot itself run out of stack."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def refusal(limit: int) -> ParseError:
    return ParseError(
        _("The JSON body is nested too deeply (more than %(limit)d levels of arrays or objects).")
        % {"limit": limit}
    )


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``MAX_DEPTH`` with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = getattr(settings, "API_JSON_MAX_DEPTH", MAX_DEPTH)
        encoding = parsers.get_encoding(parser_context or {})
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            data = json.load(decoded_stream, parse_constant=parse_constant)
        except RecursionError:
            raise refusal(limit) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        if too_deep(data, limit):
            raise refusal(limit)
        return data
