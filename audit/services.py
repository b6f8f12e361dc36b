"""The audit trail: one helper that every service uses to write a ``ChangeEvent``."""

from __future__ import annotations

from audit.models import ChangeEvent


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
    value=None,
    indicator=None,
    old="",
    new="",
    comment="",
):
    """An unsaved ChangeEvent: ``action`` by ``user`` through ``route``, about a status update
    (``update``: its commitment and period come with it), an indicator value (``value``: its
    indicator comes with it), or the commitment, period, pillar, plan or indicator named."""
    if update is not None:
        commitment_id, period_id = update.commitment_id, update.period_id
    else:
        commitment_id = commitment.pk if commitment else None
        period_id = period.pk if period else None
    if indicator is not None:
        indicator_id = indicator.pk
    else:
        indicator_id = value.indicator_id if value is not None else None
    return ChangeEvent(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        route=route,
        commitment_id=commitment_id,
        period_id=period_id,
        status_update=update,
        pillar=pillar,
        plan=plan,
        indicator_value=value,
        indicator_id=indicator_id,
        old_value=old,
        new_value=new,
        comment=comment,
    )


def log(user, action, route, **fields):
    """Write one ``event`` now."""
    event(user, action, route, **fields).save()
