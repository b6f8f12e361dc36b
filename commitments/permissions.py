"""Who may do what. Every route (pages, API, spreadsheets) asks these functions.

* **Secretariat** (the "Secretariat" group, or a superuser): every country; records statuses
  that are approved as they are saved; reviews submissions; opens and locks periods.
* **National team member** (a ``countries.Membership``): records statuses for their own
  countries only, which are *submitted* and count once approved; reads their own countries in
  full (submitted and returned rows, review comments, evidence files) and every other country
  exactly as the public does (``StatusUpdate.objects.visible_to``).
* **Anyone else**: reads public, approved figures only.

Evidence files may hold personal data of refugees: only the secretariat and the owning
country's team may download them (``can_read_unpublished``), and never from a shared cache.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

SECRETARIAT_GROUP = "Secretariat"
REVIEW_PERMISSION = "commitments.review_statusupdate"


def is_secretariat(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(REVIEW_PERMISSION))
    )


def member_country_ids(user) -> frozenset[int]:
    """Ids of the countries whose national team ``user`` belongs to (cached on the user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_mirps_country_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("country_id", flat=True))
        user._mirps_country_ids = cached
    return cached


def can_record(user, country_id: int) -> bool:
    return is_secretariat(user) or country_id in member_country_ids(user)


def can_read_unpublished(user, country_id: int) -> bool:
    """May ``user`` read what a country has not published: its submitted and returned rows,
    review comments and evidence files? The secretariat and that country's team only."""
    return is_secretariat(user) or country_id in member_country_ids(user)


def is_team_member(user) -> bool:
    return bool(member_country_ids(user))


def can_use_workspace(user) -> bool:
    return is_secretariat(user) or is_team_member(user)


def require_record(user, country_id: int) -> None:
    if not can_record(user, country_id):
        raise PermissionDenied(_("You may only record statuses for your own country."))


def require_secretariat(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(_("Only the secretariat may do this."))
