"""A service's refusal in the API: Django's ``ValidationError`` as DRF's 400."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError


def api_validation_error(
    exc: DjangoValidationError, field: str = "non_field_errors"
) -> ValidationError:
    """``exc``'s messages by field (its ``__all__`` as ``field``), or all of them under
    ``field`` when it names none: the body of a 400 that says which input was refused."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({field: exc.messages})
    return ValidationError(
        {(field if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()}
    )
