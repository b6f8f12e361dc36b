"""The audit trail: one helper that every service uses to write a ``ChangeEvent``."""

from __future__ import annotations

from ..models import ChangeEvent


def event(
    user,
    action,
    route,
    *,
    update=None,
    period=None,
    commitment=None,
    pillar=None,
    plan=None,
    old="",
    new="",
    comment="",
):
    if update is not None:
        commitment_id, period_id = update.commitment_id, update.period_id
    else:
        commitment_id = commitment.pk if commitment else None
        period_id = period.pk if period else None
    return ChangeEvent(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        route=route,
        commitment_id=commitment_id,
        period_id=period_id,
        status_update=update,
        pillar=pillar,
        plan=plan,
        old_value=old,
        new_value=new,
        comment=comment,
    )


def log(user, action, route, **fields):
    event(user, action, route, **fields).save()
