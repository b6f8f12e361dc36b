"""Review details are unpublished: the one rule for who may read them.

A reviewer's comment (on a returned submission, and on an approved one too), and who reviewed
it, are internal to the secretariat and the country's national team: only they may read them
(``countries.permissions.works_for``). Every read of status rows goes through
``StatusUpdate.objects.visible_to(user)`` (and indicator values through
``IndicatorValue.objects.visible_to(user)``), which chooses the rows the user may read; the
rows it gives have the review withheld where the user may not read it (the comment blank, no
reviewer), so that the API (status updates, a commitment's history), the workspace pages and
anything built on them agree, without each having to remember it.

The rule is applied when the rows are read (an annotation says, per row, whether the user is
the secretariat or the country's team); ``values()`` reads columns, not rows, and does not
apply it: never read the review fields through ``values()`` of ``visible_to``. A row whose
review was withheld cannot be saved over the real one (``guard_save``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.query import ModelIterable

from audit.models import ChangeEvent
from countries.permissions import countries_worked_for

READABLE = "review_readable"
WITHHELD = "_review_withheld"


def _readable(user, country_path: str):
    """None when ``user`` may read every review (the secretariat); else a boolean expression
    per row: is the row's country one of ``user``'s own?"""
    own = countries_worked_for(user)
    if own is None:
        return None
    if not own:
        return Value(False, output_field=models.BooleanField())
    return Case(
        When(**{f"{country_path}__in": own}, then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )


def withhold_review(row) -> None:
    row.review_comment = ""
    row.reviewed_by = None
    setattr(row, WITHHELD, True)


class WithheldReviewIterable(ModelIterable):
    """Rows as usual, with the review withheld where the annotation says it is not readable."""

    def __iter__(self):
        for row in super().__iter__():
            if not getattr(row, READABLE, True):
                withhold_review(row)
            yield row


def restrict_reviews(queryset, user, country_path: str):
    """``queryset`` whose rows withhold their review from ``user`` where it is not theirs to
    read (see the module)."""
    readable = _readable(user, country_path)
    if readable is None:
        return queryset
    queryset = queryset.annotate(**{READABLE: readable})
    queryset._iterable_class = WithheldReviewIterable
    return queryset


def guard_save(row, update_fields) -> None:
    """Refuse to write a row read with its review withheld over the stored review."""
    if getattr(row, WITHHELD, False) and (
        update_fields is None
        or {"review_comment", "reviewed_by", "reviewed_by_id"} & set(update_fields)
    ):
        raise ValueError("This row was read with its review withheld; it cannot be saved.")


def trail_visible_to(user):
    """The audit trail (``ChangeEvent``) that ``user`` may read: who submitted, approved or
    returned a status or an indicator value, with the reviewer's comment, is unpublished too.
    The secretariat reads all of it, a national team its own countries', anyone else none."""
    events = ChangeEvent.objects.select_related("user")
    own = countries_worked_for(user)
    if own is None:
        return events
    if not own:
        return events.none()
    return events.filter(Q(commitment__country_id__in=own) | Q(indicator_value__country_id__in=own))
