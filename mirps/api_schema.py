"""The OpenAPI schema states every answer the API can give, errors included.

drf-spectacular documents the success of each operation. Every operation can also refuse: bad
parameters or data, or characters no database can hold (400, ``mirps.middleware``), wrong
credentials or a missing role (403: sessions come first among the authentication classes, so
DRF answers 403 rather than 401), too many requests (429, with ``Retry-After``: the API's rate
limit per account or per address, ``mirps.throttling``, or too many failed sign-ins from an
address, ``mirps.middleware``), and an object
that does not exist (404: operations with a path parameter, and pages past the last one), and a
body of a Content-Type no parser reads, or none (415: operations that take a body).
``ApiAutoSchema`` adds those, with their bodies, to every operation; where a view declares its
own body for one of these codes (a spreadsheet rejected with its upload record), the schema
accepts either. Errors under ``/api/`` are always JSON (``mirps.views``).

Operations anyone may call (the public GETs) carry no security requirement, so Swagger UI shows
no padlock on them; signing in (the session, or Basic) still shows a team its own unpublished
statuses there. Operations that need an account list the session and Basic schemes.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    """``{"detail": "…"}``: why the request was refused."""

    detail = serializers.CharField()


# DRF's validation errors: a message list per field ({"narrative": ["…"]}), non_field_errors,
# a nested map for nested fields ({"confirm": {"0": ["…"]}}), or {"detail": "…"}.
VALIDATION_ERRORS = {
    "type": "object",
    "description": "Messages by field (or `detail`), each a list of strings.",
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
}

ERRORS = {
    "400": ("validation", "Invalid parameters or data, or characters that are not allowed."),
    "403": ("detail", "Wrong credentials, or the account may not do this."),
    "404": ("detail", "No such object (or not visible to you)."),
    "415": (
        "detail",
        "The request's Content-Type is missing or not one this operation reads (JSON, a form, "
        "or multipart).",
    ),
    "429": (
        "detail",
        "Too many requests (the rate limit per account, or per address without one), or too "
        "many failed sign-ins from this address: try again after Retry-After seconds.",
    ),
}

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "description": "Seconds to wait before trying again.",
        "required": True,
    }
}


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        # drf-spectacular marks optional authentication with an empty requirement ({}) beside
        # the schemes, which Swagger UI still draws as a padlock: anonymous readers need none.
        auths = super().get_auth()
        return [] if {} in auths else auths

    def _error_codes(self) -> list[str]:
        codes = ["400", "403", "429"]
        paginated = self.method == "GET" and self._is_list_view() and self._get_paginator()
        if "{" in self.path or paginated:  # a page past the last one is a 404 too
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):  # a body no parser reads
            codes.append("415")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        detail = self.resolve_serializer(ErrorDetailSerializer, direction).ref
        for code in self._error_codes():
            kind, description = ERRORS[code]
            body = VALIDATION_ERRORS if kind == "validation" else detail
            if code not in responses:
                responses[code] = {
                    "content": {"application/json": {"schema": body}},
                    "description": description,
                }
                if code == "429":
                    responses[code]["headers"] = RETRY_AFTER
                continue
            for media in responses[code].setdefault("content", {}).values():
                declared = media.get("schema")
                media["schema"] = {"anyOf": [declared, body]} if declared else body
            responses[code]["description"] = responses[code].get("description") or description
            if code == "429":
                responses[code].setdefault("headers", RETRY_AFTER)
        return responses
