"""The words every layer shares: the route by which a change arrives, and the states a
submission goes through in review. Here, at the ground, so that the audit trail, statuses,
indicator values, funding and spreadsheets all say them the same way."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    """How a change came in: a person's page, a spreadsheet, the API, the admin, the demo
    seeding, or a published source loaded from ``fixtures/``."""

    WEB = "web", _("Web")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    DEMO = "demo", _("Demo (synthetic)")
    SOURCE = "source", _("Loaded from the published source")


class ReviewState(models.TextChoices):
    """Where a national team's submission stands. The secretariat's own rows are approved as
    they are saved; a newer row of the same slot supersedes a submission."""

    SUBMITTED = "submitted", _("Submitted, awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    SUPERSEDED = "superseded", _("Superseded")


def routes(*members: Route) -> list[tuple[str, str]]:
    """The choices of a field that takes only some routes (in this order): a status is never
    loaded from a published source, a funding line never comes from a spreadsheet."""
    return [(member.value, member.label) for member in members]


def route_values(choices: list[tuple[str, str]]) -> list[str]:
    return [value for value, _label in choices]
