"""Writes to indicator values and links: the one path of every route (workspace page, API,
admin, the fixture loader, and later the monitoring spreadsheet's indicator sheet).

The rules are the statuses' (``countries.permissions``): the secretariat records for any
country and its values are approved as they are saved; a national team member records for
their own countries only and the value is *submitted*, public once the secretariat approves it;
anyone else records nothing. Rows are never overwritten; a newer row of the same slot
(indicator, country, period) supersedes a pending one, and an approved correction supersedes
the approved value it replaces. Every such change is in the audit trail (``audit.ChangeEvent``);
reviews go through the one workflow (``review.workflow``, ``indicators.review``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.changes import edit_fields
from audit.models import ChangeEvent
from audit.services import event, log
from commitments.models import Commitment
from countries.models import Country
from countries.permissions import is_secretariat, require_secretariat, works_for
from indicators.locking import lock_indicators, lock_values
from indicators.models import (
    INDICATOR_ROUTES,
    CommitmentIndicator,
    Indicator,
    IndicatorValue,
    Qualifier,
    ReviewState,
    Route,
)
from mirps.forms import too_long_message
from mirps.signals import announce_figures_changed
from review import workflow

MAX_VALUE = Decimal("999999999999")


@dataclass
class ValueChange:
    """One indicator value to record: what a form, an API call or a spreadsheet row asks for.

    ``base_version``: id of the newest row of this slot its author saw (0: none), so a change
    made meanwhile by someone else is detected; None only for writes nobody edited (fixtures).
    ``key`` names the change in error messages (e.g. a spreadsheet's row number).
    """

    indicator: Indicator
    country: Country
    value: Decimal | str | int
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    source_document: str = ""
    source_section: str = ""
    source_url: str = ""
    source_quote: str = ""
    qualifier: str = Qualifier.EXACT
    value_as_written: str = ""
    period_label_en: str = ""
    period_label_es: str = ""
    note: str = ""
    base_version: int | None = 0
    key: str = ""

    @property
    def slot(self) -> tuple:
        return (self.indicator.pk, self.country.pk, self.period_start, self.period_end)

    @property
    def name(self) -> str:
        return self.key or f"{self.indicator.code} {self.country.iso3}"


class Conflict(Exception):
    """The slot has a newer row than the one the author saw: someone recorded a value for it
    after the author opened it (``exists_already``: the author saw none, and one exists)."""

    def __init__(self, current: IndicatorValue, exists_already: bool = False):
        self.current = current
        self.exists_already = exists_already
        facts = {
            "who": current.created_by.get_username() if current.created_by else "?",
            "value": current.value.normalize(),
            "indicator": current.indicator.code,
            "country": current.country.iso3,
            "period": current.period_display,
            "state": current.get_review_state_display(),
            "when": timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M"),
        }
        if exists_already:
            message = _(
                "%(indicator)s already has a value for %(country)s in this period "
                "(%(period)s): %(value)s, %(state)s. To replace it, correct that value instead "
                "of adding a new one."
            )
        else:
            message = _(
                "%(who)s recorded %(value)s for %(indicator)s in %(country)s (%(period)s) at "
                "%(when)s, after you opened this form. Your value was not saved: review theirs "
                "and save again if yours should replace it."
            )
        super().__init__(message % facts)


class ValuesRefused(ValidationError):
    """Some values break a rule; nothing was written. ``errors`` maps each change's name to
    its messages by field (``__all__`` for the change as a whole); ``conflicts`` maps a name to
    its ``Conflict`` (with the newer row)."""

    def __init__(self, errors: dict[str, dict[str, list[str]]], conflicts: dict):
        self.errors = errors
        self.conflicts = conflicts
        super().__init__(
            [
                f"{name}: {' '.join(m for msgs in fields.values() for m in msgs)}"
                for name, fields in errors.items()
            ]
        )


def _as_decimal(raw) -> Decimal | None:
    if isinstance(raw, Decimal):
        return raw
    try:
        return Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None


def _problems(change: ValueChange, user) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(name, message):
        problems.setdefault(name, []).append(message)

    if not works_for(user, change.country.pk):
        add("country", _("You may only record indicator values for your own country."))
    value = _as_decimal(change.value)
    if value is None or not value.is_finite():
        add("value", _("Enter the figure as a number."))
    elif value < 0:
        add("value", _("A figure cannot be negative."))
    elif value > MAX_VALUE or value != round(value, 2):
        add("value", _("Enter a number below a trillion, with at most two decimals."))
    else:
        change.value = value
    if change.qualifier not in Qualifier.values:
        add("qualifier", _("Unknown qualifier."))
    if change.period_start is None and change.period_end is None:
        add("period_end", _("Give the period the figure covers: its start, its end, or both."))
    elif change.period_start and change.period_end and change.period_end < change.period_start:
        add("period_end", _("The period cannot end before it starts."))
    if not change.source_document.strip():
        add("source_document", _("Name the document the figure comes from."))
    if not (change.source_section.strip() or change.source_url.strip()):
        add("source_section", _("Give the page or section (or a link) where the figure is."))
    return problems


class ValuesChecked(NamedTuple):
    """What ``check_values`` found, by name (it still unpacks in this order)."""

    # change name -> field -> messages; empty when all is well
    errors: dict[str, dict[str, list[str]]]
    # change name -> the ``Conflict`` with a newer row its ``base_version`` did not know
    conflicts: dict[str, Conflict]
    # slot (indicator id, country id, period start, period end) -> the newest row there
    newest: dict[tuple, IndicatorValue]


def check_values(changes: list[ValueChange], *, user, lock: bool = False) -> ValuesChecked:
    """Validate changes without writing. Returns a ``ValuesChecked``: messages by field per
    change, ``Conflict``s, and the newest row of each slot. One query (two with lock)."""
    errors: dict[str, dict[str, list[str]]] = {}
    conflicts: dict[str, Conflict] = {}
    rows = IndicatorValue.objects.filter(
        indicator_id__in={c.indicator.pk for c in changes},
        country_id__in={c.country.pk for c in changes},
    )
    if lock:
        # Serialise concurrent writes to these indicators and countries (PostgreSQL; SQLite
        # serialises writers anyway).
        lock_indicators(c.indicator.pk for c in changes)
    newest: dict[tuple, IndicatorValue] = {}
    for row in rows.select_related("created_by", "indicator", "country").order_by(
        "created_at", "id"
    ):
        newest[(row.indicator_id, row.country_id, row.period_start, row.period_end)] = row
    seen: set[tuple] = set()
    for change in changes:
        problems = _problems(change, user)
        if change.slot in seen:
            problems.setdefault("__all__", []).append(
                _("This indicator, country and period appear more than once.")
            )
        seen.add(change.slot)
        current = newest.get(change.slot)
        seen_version = change.base_version or 0
        if change.base_version is None or (current.pk if current else 0) == seen_version:
            pass
        elif current is None:
            problems.setdefault("__all__", []).append(
                _("No value of this indicator, country and period has the version you sent.")
            )
        else:
            conflicts[change.name] = Conflict(current, exists_already=seen_version == 0)
            problems.setdefault("__all__", []).append(str(conflicts[change.name]))
        if problems:
            errors[change.name] = problems
    return ValuesChecked(errors, conflicts, newest)


def _describe(row: IndicatorValue) -> str:
    return f"{row.value.normalize()} ({row.review_state})"


def submit_indicator_values(
    changes: list[ValueChange], *, user, source: str = Route.WEB
) -> list[IndicatorValue]:
    """Record several indicator values, all or none.

    Raises ``PermissionDenied`` when a national team member (or anyone without a role) asks for
    a country not theirs, ``ValuesRefused`` for any other broken rule (by change and field),
    and writes nothing then. The secretariat's values are approved on save (superseding the
    approved value of the same slot); a team's are submitted (superseding a pending one).
    """
    if not changes:
        return []
    if source not in [value for value, _label in INDICATOR_ROUTES]:
        raise ValueError(f"unknown route {source!r}")
    for change in changes:
        if not works_for(user, change.country.pk):
            raise PermissionDenied(_("You may only record indicator values for your own country."))
    with transaction.atomic():
        checked = check_values(changes, user=user, lock=True)
        if checked.errors:
            raise ValuesRefused(checked.errors, checked.conflicts)
        approved = is_secretariat(user)
        author = user if user is not None and user.is_authenticated else None
        now = timezone.now()
        displaced_states = [ReviewState.SUBMITTED] + ([ReviewState.APPROVED] if approved else [])
        slots = Q(pk__in=[])
        for change in changes:
            indicator_id, country_id, start, end = change.slot
            slots |= Q(
                indicator_id=indicator_id, country_id=country_id, period_start=start, period_end=end
            )
        displaced = list(
            IndicatorValue.objects.filter(slots, review_state__in=displaced_states).select_related(
                "indicator"
            )
        )
        created = IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    indicator=change.indicator,
                    country=change.country,
                    value=change.value,
                    qualifier=change.qualifier,
                    value_as_written=change.value_as_written.strip(),
                    period_start=change.period_start,
                    period_end=change.period_end,
                    period_label_en=change.period_label_en.strip(),
                    period_label_es=change.period_label_es.strip(),
                    source_document=change.source_document.strip(),
                    source_section=change.source_section.strip(),
                    source_url=change.source_url.strip(),
                    source_quote=change.source_quote.strip(),
                    note=change.note.strip(),
                    created_by=author,
                    route=source,
                    previous=checked.newest.get(change.slot),
                    review_state=ReviewState.APPROVED if approved else ReviewState.SUBMITTED,
                    reviewed_by=author if approved else None,
                    reviewed_at=now if approved else None,
                )
                for change in changes
            ]
        )
        _supersede(displaced, user, source)
        if approved:
            announce_figures_changed(IndicatorValue)
    return created


def _supersede(rows: list[IndicatorValue], user, route) -> None:
    """Mark ``rows`` superseded (a newer row of their slot stands), with an audit event each."""
    if not rows:
        return
    IndicatorValue.objects.filter(pk__in=[r.pk for r in rows]).update(
        review_state=ReviewState.SUPERSEDED
    )
    ChangeEvent.objects.bulk_create(
        event(
            user,
            ChangeEvent.Action.SUPERSEDED,
            route,
            value=row,
            old=_describe(row),
            new=ReviewState.SUPERSEDED,
        )
        for row in rows
    )


def submit_indicator_value(
    *,
    indicator: Indicator,
    country: Country,
    value,
    user,
    source: str = Route.WEB,
    base_version: int | None = 0,
    **fields,
) -> IndicatorValue:
    """Record one value: ``submit_indicator_values`` with one change. A spreadsheet row calls it
    with ``source="spreadsheet"``. Raises ``Conflict`` when someone recorded a newer row of the
    slot, ``ValidationError`` by field for any other broken rule, ``PermissionDenied``."""
    change = ValueChange(
        indicator=indicator, country=country, value=value, base_version=base_version, **fields
    )
    try:
        return submit_indicator_values([change], user=user, source=source)[0]
    except ValuesRefused as refused:
        if change.name in refused.conflicts:
            raise refused.conflicts[change.name] from None
        raise ValidationError(refused.errors[change.name]) from None


class ValueReview:
    """Indicator values as a kind of reviewed row (``review.workflow.ReviewKind``)."""

    model = IndicatorValue

    def lock(self, ids: set[int]) -> list[IndicatorValue]:
        # The indicator a value belongs to never changes: read it first, then the indicators
        # (step 2, as every write of values takes them), then the values (step 3).
        indicators = set(
            IndicatorValue.objects.filter(pk__in=ids).values_list("indicator_id", flat=True)
        )
        locked = lock_indicators(indicators)
        rows = lock_values(ids)
        countries = Country.objects.in_bulk({row.country_id for row in rows})
        for row in rows:
            row.indicator = locked[row.indicator_id]
            row.country = countries[row.country_id]
        return rows

    def refusal(self, row: IndicatorValue, *, approve: bool) -> None:
        return None

    def name(self, row: IndicatorValue) -> str:
        return f"{row.indicator.code} {row.country.iso3} ({row.period_display})"

    def subject(self, row: IndicatorValue) -> dict:
        return {"value": row}

    def after(self, rows, *, approved: bool, user, route: str) -> None:
        """An approved value supersedes the approved value of its slot (one public value per
        indicator, country and period)."""
        if not approved:
            return
        slots = Q(pk__in=[])
        for row in rows:
            slots |= Q(
                indicator_id=row.indicator_id,
                country_id=row.country_id,
                period_start=row.period_start,
                period_end=row.period_end,
            )
        replaced = list(
            IndicatorValue.objects.filter(slots, review_state=ReviewState.APPROVED).exclude(
                pk__in=[row.pk for row in rows]
            )
        )
        _supersede(replaced, user, route)


VALUES = ValueReview()


def review_values(*, values, user, approve: bool, comment: str = "", route: str = Route.WEB) -> int:
    """Approve or return submitted values (instances or ids), all or none; how many were
    reviewed. The one review workflow (``review.workflow``); approving a value supersedes the
    approved value of its slot (``indicators.review.ValueReview.after``)."""
    return workflow.review(VALUES, values, user=user, approve=approve, comment=comment, route=route)


def link_indicator(
    *, commitment: Commitment, indicator: Indicator, user, rationale: str = "", route=Route.WEB
) -> CommitmentIndicator:
    """Link a commitment to an indicator that evidences it (secretariat only; idempotent)."""
    require_secretariat(user)
    with transaction.atomic():
        link, created = CommitmentIndicator.objects.get_or_create(
            commitment=commitment, indicator=indicator, defaults={"rationale": rationale.strip()}
        )
        if created:
            log(
                user,
                ChangeEvent.Action.INDICATOR_LINKED,
                route,
                indicator=indicator,
                commitment=commitment,
                new=f"{commitment.code} ↔ {indicator.code}",
                comment=rationale.strip(),
            )
            announce_figures_changed(CommitmentIndicator)
    return link


def unlink_indicator(*, link: CommitmentIndicator, user, route=Route.WEB) -> None:
    require_secretariat(user)
    with transaction.atomic():
        log(
            user,
            ChangeEvent.Action.INDICATOR_UNLINKED,
            route,
            indicator=link.indicator,
            commitment=link.commitment,
            old=f"{link.commitment.code} ↔ {link.indicator.code}",
        )
        link.delete()
        announce_figures_changed(CommitmentIndicator)


# --- the catalogue: indicators and the reasons of links, edited by the secretariat -------------

INDICATOR_FIELDS = [
    "name_en",
    "name_es",
    "unit",
    "definition_en",
    "definition_es",
    "focus_area",
    "pillar",
    "pillar_rationale",
    "higher_is_better",
    "order",
]


def add_indicator(*, code: str, user, route: str = Route.WEB, **fields) -> Indicator:
    """Add an indicator to the catalogue (secretariat only): every model rule checked first
    (``ValidationError`` by field, nothing written), an audit event (the code and name; the
    code in the comment), and the figures move."""
    require_secretariat(user)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    indicator = Indicator(code=code, **fields)
    indicator.full_clean()
    with transaction.atomic():
        indicator.save()
        log(
            user,
            ChangeEvent.Action.INDICATOR_ADDED,
            route,
            indicator=indicator,
            new=f"{indicator.code}: {indicator.name_en}",
            comment=indicator.code,
        )
        announce_figures_changed(Indicator)
    return indicator


def edit_indicator(*, indicator: Indicator, user, route: str = Route.WEB, **changes) -> Indicator:
    """Edit an indicator of the catalogue (its names, definitions, unit, focus area, pillar,
    whether higher is better, order; never its code): an audit event per field changed
    ("WORK_PERMITS_REFUGEES: name_es", old and new), and the figures move (the pages show the
    catalogue beside the values). A broken rule is a ``ValidationError`` and nothing is
    written."""
    return edit_fields(
        indicator,
        changes,
        allowed=INDICATOR_FIELDS,
        user=user,
        action=ChangeEvent.Action.INDICATOR_EDITED,
        route=route,
        subject=indicator.code,
        about={"indicator": indicator},
    )


RATIONALE_MAX_LENGTH = CommitmentIndicator._meta.get_field("rationale").max_length


def edit_link(
    *, link: CommitmentIndicator, rationale: str, user, route: str = Route.WEB
) -> CommitmentIndicator:
    """Say why an indicator evidences a commitment (the link's reason; secretariat only): an
    audit event with the old and new reason, and the figures move."""
    require_secretariat(user)
    rationale = (rationale or "").strip()
    if len(rationale) > RATIONALE_MAX_LENGTH:
        raise ValidationError({"rationale": too_long_message(len(rationale), RATIONALE_MAX_LENGTH)})
    with transaction.atomic():
        link = (
            CommitmentIndicator.objects.select_for_update(of=("self",))
            .select_related("commitment", "indicator")
            .get(pk=link.pk)
        )
        if link.rationale == rationale:
            return link
        log(
            user,
            ChangeEvent.Action.LINK_EDITED,
            route,
            commitment=link.commitment,
            indicator=link.indicator,
            old=link.rationale,
            new=rationale,
            comment=f"{link.commitment.code} ↔ {link.indicator.code}",
        )
        link.rationale = rationale
        link.save(update_fields=["rationale"])
        announce_figures_changed(CommitmentIndicator)
    return link
