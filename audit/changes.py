"""The one shape of an audited edit of a row's fields, shared by the edit services of the
catalogue and the context figures (a pillar, a focus area, a country, a plan's stated total, an
indicator): only the secretariat; only the fields the service names; the row locked; every model
rule checked before anything is written; one audit event per field changed, with the old and
the new value; and the public figures move (``figures_changed``, after commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction

from audit.models import ChangeEvent
from audit.services import event
from countries.permissions import require_secretariat
from mirps.signals import announce_figures_changed


def shown(value) -> str:
    """A value as the trail stores it: empty for nothing, a decimal without trailing zeros
    ("1500", "0.5"), a date in ISO form, a row by its name."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


def apply_changes(row: models.Model, changes: dict) -> list[FieldChange]:
    """Set on ``row`` each value of ``changes`` that differs from what it holds (not saved);
    what changed, old and new."""
    changed = []
    for field, new in changes.items():
        old = getattr(row, field)
        if old != new:
            changed.append(FieldChange(field, old, new))
            setattr(row, field, new)
    return changed


def differences(
    stored: models.Model, row: models.Model, fields: Iterable[str]
) -> list[FieldChange]:
    """What ``row`` (an edited copy) changes of ``stored`` in ``fields``: compared by value (a
    foreign key by its id), shown by value (a foreign key by its row)."""
    changed = []
    for name in fields:
        attname = stored._meta.get_field(name).attname
        if getattr(stored, attname) != getattr(row, attname):
            changed.append(FieldChange(name, getattr(stored, name), getattr(row, name)))
    return changed


def events_for(
    changes: Iterable[FieldChange], *, user, action, route, subject: str = "", **about
) -> list[ChangeEvent]:
    """One audit event per field changed: the field in the comment, after ``subject`` (the
    row's name) when the trail has no column for the row ("PRO: name_es")."""
    return [
        event(
            user,
            action,
            route,
            old=shown(change.old),
            new=shown(change.new),
            comment=f"{subject}: {change.field}" if subject else change.field,
            **about,
        )
        for change in changes
    ]


def edit_fields(
    row: models.Model,
    changes: dict,
    *,
    allowed: Iterable[str],
    user,
    action,
    route,
    subject: str = "",
    about: dict | None = None,
) -> models.Model:
    """Edit ``row``'s ``changes`` (only fields in ``allowed``): the secretariat only
    (``PermissionDenied``), every model rule checked (``ValidationError`` by field, and nothing
    written), an audit event per field changed (``about``: the trail's columns naming the row,
    e.g. ``{"pillar": pillar}``), the figures moved. Nothing changed: nothing written. Returns
    the row as stored."""
    require_secretariat(user)
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    model = type(row)
    with transaction.atomic():
        row = model.objects.select_for_update(of=("self",)).get(pk=row.pk)
        changed = apply_changes(row, changes)
        if not changed:
            return row
        row.full_clean()
        ChangeEvent.objects.bulk_create(
            events_for(
                changed, user=user, action=action, route=route, subject=subject, **(about or {})
            )
        )
        row.save(update_fields=[c.field for c in changed])
        announce_figures_changed(model)
    return row
