"""What every reviewed kind of row shares: national teams' submissions (statuses, indicator
values) are read through one rule of who sees what (``ReviewableQuerySet.visible_to``) and
reviewed through one workflow (``review.workflow``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from countries.permissions import countries_worked_for
from mirps.vocabulary import ReviewState
from review.unpublished import restrict_reviews

# The longest review comment, on every kind of row and every route.
REVIEW_COMMENT_MAX_LENGTH = 2000


class ReviewableQuerySet(models.QuerySet):
    """Reads of a reviewed kind of row. ``COUNTRY`` is the path from the row to its country's
    id: who may read a row depends on it."""

    COUNTRY = "country_id"

    def approved(self):
        return self.filter(review_state=ReviewState.APPROVED)

    def pending(self):
        return self.filter(review_state=ReviewState.SUBMITTED)

    def visible_to(self, user):
        """The rows ``user`` may read: all of them for the secretariat; for a national team
        member, every row of their own countries and the approved rows of the others (exactly
        what the public reads there); approved rows for anyone else. Review comments and
        reviewers are withheld from the rows of countries not the user's own
        (``review.unpublished``)."""
        own = countries_worked_for(user)
        if own is None:
            return self
        if not own:
            rows = self.approved()
        else:
            rows = self.filter(
                Q(review_state=ReviewState.APPROVED) | Q(**{f"{self.COUNTRY}__in": own})
            )
        # the review (comment, reviewer) of another country's row is not the user's to read
        return restrict_reviews(rows, user, self.COUNTRY)
