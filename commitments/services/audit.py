"""The audit trail: one helper that every service uses to write a ``ChangeEvent``."""

from __future__ import annotations

from ..models import ChangeEvent


def event(user, action, route, *, update=None, period=None, old="", new="", comment=""):
    return ChangeEvent(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        route=route,
        commitment_id=update.commitment_id if update else None,
        period_id=update.period_id if update else (period.pk if period else None),
        status_update=update,
        old_value=old,
        new_value=new,
        comment=comment,
    )


def log(user, action, route, **fields):
    event(user, action, route, **fields).save()
