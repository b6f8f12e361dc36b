"""Who may do what. Every route (pages, API, spreadsheets) asks these functions.

* **Secretariat** (the "Secretariat" group, or a superuser): every country; records statuses
  that are approved as they are saved; reviews submissions; opens and locks periods.
* **National team member** (a ``countries.Membership``): records statuses for their own
  countries only, which are *submitted* and count once approved; reads their own countries in
  full (submitted and returned rows, review comments, evidence files) and every other country
  exactly as the public does (``StatusUpdate.objects.visible_to``, which also withholds other
  countries' review comments and reviewers: ``commitments.unpublished``).
* **Anyone else**: reads public, approved figures only.

Evidence files may hold personal data of refugees: only the secretariat and the owning
country's team may download them (``works_for``), and never from a shared cache.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

SECRETARIAT_GROUP = "Secretariat"
REVIEW_PERMISSION = "statuses.review_statusupdate"


def is_secretariat(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(REVIEW_PERMISSION))
    )


def secretariat_accounts():
    """The active accounts ``is_secretariat`` says yes to, as one queryset (the review
    permission through a group or directly, or a superuser), e.g. to tell them something.
    Exists() rather than joins: OR-ed joins over groups and permissions multiply rows and need
    a slow DISTINCT."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    review = Permission.objects.filter(codename=codename, content_type__app_label=app_label)
    User = get_user_model()  # noqa: N806
    in_group = User.groups.through.objects.filter(
        user=OuterRef("pk"), group__permissions__in=review
    )
    directly = User.user_permissions.through.objects.filter(
        user=OuterRef("pk"), permission__in=review
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Exists(in_group) | Exists(directly))
        .order_by("pk")
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


def works_for(user, country_id: int) -> bool:
    """Does ``user`` work for this country: the secretariat (every country), or a member of
    its national team? Those, and only those, record its statuses and indicator values and
    read what it has not published (submitted and returned rows, review comments, evidence
    files): **who may record** and **who may read unpublished** are this one rule."""
    worked_for = countries_worked_for(user)
    return worked_for is None or country_id in worked_for


def countries_worked_for(user) -> frozenset[int] | None:
    """``works_for`` as a set, for queries: None when ``user`` works for every country (the
    secretariat), else the ids of the countries whose national team ``user`` belongs to
    (empty: none)."""
    return None if is_secretariat(user) else member_country_ids(user)


def is_team_member(user) -> bool:
    return bool(member_country_ids(user))


def can_use_workspace(user) -> bool:
    return is_secretariat(user) or is_team_member(user)


def require_record(user, country_id: int) -> None:
    if not works_for(user, country_id):
        raise PermissionDenied(_("You may only record statuses for your own country."))


def require_secretariat(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(_("Only the secretariat may do this."))


def _permissions_of(user) -> set[str]:
    """Every permission the account holds (its own and its groups'), active or not: an
    inactive account's rights come back when it is reactivated, so they count."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return {f"{app}.{codename}" for app, codename in rows}


def may_manage_account(actor, target) -> bool:
    """May ``actor`` change ``target``'s account: its credentials (password, the e-mail a
    password reset goes to, username), whether it is active, its groups?

    A superuser may change any account. Anyone else only an account with strictly lower
    rights: not a superuser, not staff unless ``actor`` is, and holding a strict subset of
    ``actor``'s permissions. So a secretariat member cannot set a fellow secretariat member's
    password (and act as them), nor a superuser's; for their own account they use the password
    change page, which asks for the current password."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if target.pk is None:  # an account being created: its rights are what the form may give
        return True
    if target.is_superuser or target.pk == actor.pk:
        return False
    if target.is_staff and not actor.is_staff:
        return False
    return _permissions_of(target) < _permissions_of(actor)
