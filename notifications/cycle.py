"""The reporting cycle's notifications: who is told what, and when.

``run`` is what ``send_reminders`` calls (every hour is fine): it works out every notification
that is due at ``now``, creates the ones not made yet, then e-mails what is waiting to go.
Each notification has a key unique per recipient, so running it twice, or two runs at once,
tells nobody anything twice. Events:

to national teams (members of a country; a member of several countries gets one message)
  * ``opened:<period>``: the period is open (at once when the secretariat opens it; later
    members get it at the next run while the deadline has not passed);
  * ``reminder:<period>:<days>``: at ``NOTIFICATIONS_REMINDER_DAYS`` before the deadline
    (default 14, 7, 1), listing what is not yet updated; only the most urgent one due is sent
    (a run missed on day 14 and made on day 6 sends the 7-day one), none when everything is
    updated, and none for a threshold the period was opened after (the opening told them);
  * ``deadline:<period>``: the day after the deadline (up to ``PASSED_WINDOW`` days after),
    if anything is still missing;
  * ``returned:<update id>``: a submission returned, to its author, as the review commits;
  * ``approved:<date>``: daily digest of their submissions approved since the last one.

to the secretariat
  * ``waiting:<date>``: daily digest of submissions waiting for review;
  * ``silent:<period>:<ISO3>``: a country that has sent nothing ``NOTIFICATIONS_SILENT_DAYS``
    (default 7) or fewer days before the deadline.

Digests go out with the first run at or after ``NOTIFICATIONS_DIGEST_HOUR`` (local time).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from countries.models import Membership
from countries.permissions import secretariat_accounts
from indicators.models import IndicatorValue
from mirps.vocabulary import ReviewState
from notifications.messages import LIST_LIMIT, describe
from notifications.models import SCHEDULED_KINDS, EmailState, Kind, Notification, Preference
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from workspace import tracker

log = logging.getLogger(__name__)

RETURNED_KINDS = frozenset({Kind.RETURNED, Kind.VALUE_RETURNED})

PASSED_WINDOW = 14  # days after the deadline during which "deadline passed" may still go out
RETURNED_SWEEP = timedelta(days=7)  # returned submissions checked for a missing notification
APPROVED_LOOKBACK = timedelta(days=7)  # first approved digest: approvals this recent
MAX_ATTEMPTS = 3  # a failed e-mail is retried by the next runs, up to this many attempts
STUCK_AFTER = timedelta(minutes=30)  # a "being sent" e-mail older than this was interrupted
TOO_OLD = timedelta(days=3)  # an e-mail that could not go out by then is dropped (it is stale)
ENGLISH_COUNTRIES = frozenset({"BLZ"})  # Belize works in English; the others in Spanish
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, notifications: list[Notification]) -> None:
        for n in notifications:
            self.created[n.kind] = self.created.get(n.kind, 0) + 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


# --- who, and in which language --------------------------------------------------------------


def preference(user) -> Preference | None:
    try:
        return user.notification_preference
    except Preference.DoesNotExist:
        return None


def language_for(user, iso3s=()) -> str:
    """The user's chosen language; if none, English for Belize's team, else Spanish."""
    pref = preference(user)
    if pref is not None and pref.language:
        return pref.language
    if iso3s and set(iso3s) <= ENGLISH_COUNTRIES:
        return "en"
    return settings.LANGUAGE_CODE


def team_members(country_ids=None) -> dict[int, tuple]:
    """Active national team members: ``{user id: (user, [countries])}``. One query."""
    memberships = Membership.objects.filter(user__is_active=True).select_related(
        "user__notification_preference", "country"
    )
    if country_ids is not None:
        memberships = memberships.filter(country_id__in=list(country_ids))
    members: dict[int, tuple] = {}
    for membership in memberships.order_by("user_id", "country__iso3"):
        members.setdefault(membership.user_id, (membership.user, []))[1].append(membership.country)
    return members


def secretariat_users() -> list:
    """The secretariat's accounts (``countries.permissions.secretariat_accounts``) with their
    notification preferences."""
    return list(secretariat_accounts().select_related("notification_preference"))


def _make(user, kind, key, data, *, language, now=None, period=None, update=None):
    pref = preference(user)
    state, note = EmailState.PENDING, ""
    if not user.email:
        state, note = EmailState.SKIPPED, "no e-mail address"
    elif kind in SCHEDULED_KINDS and pref is not None and not pref.email_reminders:
        state, note = EmailState.SKIPPED, "unsubscribed from reminder e-mails"
    elif kind in RETURNED_KINDS and pref is not None and not pref.email_returned:
        state, note = EmailState.SKIPPED, "returned e-mails turned off"
    return Notification(
        recipient=user,
        created_at=now or timezone.now(),
        kind=kind,
        key=key,
        data=data,
        language=language,
        period=period,
        status_update=update,
        email_state=state,
        email_note=note,
        email_to=user.email if state == EmailState.PENDING else "",
    )


def _save_new(candidates: list[Notification]) -> list[Notification]:
    """Create the candidates whose (recipient, key) does not exist yet, and return them as
    saved. The unique constraint settles a race with a concurrent run (its rows win and ours
    are ignored; ``deliver`` claims each e-mail, so either way it goes out once)."""
    if not candidates:
        return []
    recipients = {n.recipient_id for n in candidates}
    keys = {n.key for n in candidates}
    mine = Notification.objects.filter(recipient_id__in=recipients, key__in=keys)
    existing = set(mine.values_list("recipient_id", "key"))
    new = [n for n in candidates if (n.recipient_id, n.key) not in existing]
    if not new:
        return []
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    wanted = {(n.recipient_id, n.key) for n in new}
    return [n for n in mine.select_related("recipient") if (n.recipient_id, n.key) in wanted]


def _country(country, **extra) -> dict:
    return {"iso3": country.iso3, "name_en": country.name_en, "name_es": country.name_es, **extra}


# --- the events --------------------------------------------------------------------------------


def active_periods(today) -> list[ReportingPeriod]:
    """Unlocked periods with a submission deadline that is ahead, or passed recently."""
    return list(
        ReportingPeriod.objects.filter(
            locked=False,
            submission_deadline__isnull=False,
            submission_deadline__gte=today - timedelta(days=PASSED_WINDOW),
        ).order_by("submission_deadline", "code")
    )


@dataclass
class _PeriodState:
    """What ``period_notices`` reads once and its three kinds of notice share."""

    period: ReportingPeriod
    now: datetime
    days_left: int | None
    progress: dict  # country id -> its tracker row
    members: dict  # user id -> (user, their countries)
    # (recipient id, key) -> when told; a notice made in this run counts as told at ``now``
    told: dict[tuple[int, str], datetime]

    @property
    def code(self) -> str:
        return self.period.code

    @property
    def opened_key(self) -> str:
        return f"opened:{self.code}"

    def data(self, **extra) -> dict:
        """A notice's data: the period, its deadline and the days left, with ``extra``."""
        deadline = self.period.submission_deadline
        return {
            "period": self.code,
            "deadline": deadline.isoformat() if deadline else None,
            "days_left": self.days_left,
            **extra,
        }

    def countries_of(self, countries, extra=None) -> list[dict]:
        """The countries with commitments, each with their count (and ``extra(country)``)."""
        return [
            _country(c, commitments=self.progress[c.pk].commitments, **(extra(c) if extra else {}))
            for c in countries
            if c.pk in self.progress and self.progress[c.pk].commitments
        ]

    def make(self, user, kind, key, data, language) -> Notification:
        return _make(user, kind, key, data, language=language, now=self.now, period=self.period)


def period_notices(period: ReportingPeriod, now: datetime, *, only_opened=False):
    """The period's notices due at ``now``: opened, reminder, deadline passed (to teams) and
    silent countries (to the secretariat). Five queries, whatever the number of people."""
    today = timezone.localdate(now)
    progress = {
        row.country.pk: row for row in tracker.tracker(period, today=today, indicators=False).rows
    }
    state = _PeriodState(
        period=period,
        now=now,
        days_left=period.days_left(today),
        progress=progress,
        members=team_members(progress.keys()),
        told={
            (row["recipient_id"], row["key"]): row["created_at"]
            for row in Notification.objects.filter(period=period).values(
                "recipient_id", "key", "created_at"
            )
        },
    )
    candidates = _opened_notices(state)
    if only_opened or state.days_left is None:
        return _save_new(candidates)
    candidates += _reminder_notices(state)
    candidates += _silent_notices(state)
    return _save_new(candidates)


def _opened_notices(state: _PeriodState) -> list[Notification]:
    """The opening notice to each team member not told yet. Opening is announced while
    reporting is possible on time (or without a deadline)."""
    if state.days_left is not None and state.days_left < 0:
        return []
    candidates = []
    key = state.opened_key
    for user_id, (user, countries) in state.members.items():
        if (user_id, key) in state.told:
            continue
        data = state.data(countries=state.countries_of(countries))
        language = language_for(user, [c.iso3 for c in countries])
        candidates.append(state.make(user, Kind.PERIOD_OPENED, key, data, language))
        state.told[(user_id, key)] = state.now
    return candidates


def _reminder_notices(state: _PeriodState) -> list[Notification]:
    """The reminder due today (the nearest threshold of ``NOTIFICATIONS_REMINDER_DAYS`` at or
    above the days left), or the deadline-passed notice, to each team member with something
    not yet updated."""
    days_left = state.days_left
    due = None
    if days_left >= 0:
        thresholds = [d for d in settings.NOTIFICATIONS_REMINDER_DAYS if d >= days_left]
        due = min(thresholds) if thresholds else None
    passed = days_left < 0
    key = f"deadline:{state.code}" if passed else f"reminder:{state.code}:{due}"
    if due is None and not passed:
        return []
    if all((user_id, key) in state.told for user_id in state.members):
        return []
    missing = _missing_by_country(state)

    def missing_of(country):
        items = missing.get(country.pk, [])
        return {
            "missing": items[:LIST_LIMIT],
            "missing_count": len(items),
            "returned": state.progress[country.pk].returned,
        }

    candidates = []
    for user_id, (user, countries) in state.members.items():
        mine = state.countries_of(countries, extra=missing_of)
        if not any(c["missing_count"] for c in mine):
            continue  # everything updated: nothing to remind
        if passed:
            kind = Kind.DEADLINE_PASSED
        else:
            kind = Kind.REMINDER
            opened_at = state.told.get((user_id, state.opened_key))
            if opened_at is not None:
                deadline = state.period.submission_deadline
                notice = (deadline - timezone.localdate(opened_at)).days
                if notice <= due:
                    continue  # the opening notice, this close to the deadline, said it
        if (user_id, key) in state.told:
            continue
        data = state.data(threshold=due, countries=mine)
        language = language_for(user, [c.iso3 for c in countries])
        candidates.append(state.make(user, kind, key, data, language))
    return candidates


def _missing_by_country(state: _PeriodState) -> dict[int, list[dict]]:
    """country id -> its commitments not yet updated in the period (code, texts, state)."""
    missing: dict[int, list[dict]] = {}
    rows = tracker.not_updated(state.period, state.progress.keys()).values(
        "country_id", "code", "text", "text_es", "p_state"
    )
    for row in rows:
        missing.setdefault(row["country_id"], []).append(
            {
                "code": row["code"],
                "text_en": row["text"],
                "text_es": row["text_es"],
                "state": row["p_state"] or "",
            }
        )
    return missing


def _silent_notices(state: _PeriodState) -> list[Notification]:
    """To the secretariat, in the last ``NOTIFICATIONS_SILENT_DAYS`` before the deadline: each
    country that has sent nothing for the period."""
    if not 0 <= state.days_left <= settings.NOTIFICATIONS_SILENT_DAYS:
        return []
    silent = [row for row in state.progress.values() if row.commitments and not row.submitted]
    if not silent:
        return []
    candidates = []
    for user in secretariat_users():
        for row in silent:
            key = f"silent:{state.code}:{row.country.iso3}"
            if (user.pk, key) in state.told:
                continue
            data = state.data(country=_country(row.country, commitments=row.commitments))
            candidates.append(state.make(user, Kind.COUNTRY_SILENT, key, data, language_for(user)))
    return candidates


def returned_notices_of(model, ids) -> list[Notification]:
    """The notices of returned submissions of ``model`` (what ``review.workflow`` reviewed)."""
    if model is IndicatorValue:
        return returned_value_notices(ids)
    return returned_notices(ids)


def _teams_of(user_ids) -> dict[int, list[str]]:
    """user id -> the ISO3 codes of their national teams (the language they are written in)."""
    iso3s: dict[int, list[str]] = {}
    for membership in Membership.objects.filter(user_id__in=set(user_ids)).values(
        "user_id", "country__iso3"
    ):
        iso3s.setdefault(membership["user_id"], []).append(membership["country__iso3"])
    return iso3s


def returned_value_notices(value_ids) -> list[Notification]:
    """One notification per returned indicator value, to its author (if still active)."""
    values = list(
        IndicatorValue.objects.filter(pk__in=list(value_ids), review_state=ReviewState.RETURNED)
        .filter(created_by__is_active=True)
        .select_related(
            "indicator", "country", "reviewed_by", "created_by__notification_preference"
        )
    )
    teams = _teams_of(v.created_by_id for v in values)
    candidates = []
    for value in values:
        user = value.created_by
        data = {
            "indicator": value.indicator.code,
            "name_en": value.indicator.name_en,
            "name_es": value.indicator.name_es,
            "country": value.country.iso3,
            "period_en": value.period_label_en or value.period_display,
            "period_es": value.period_label_es or value.period_display,
            "value": str(value.value.normalize()),
            "comment": value.review_comment,
            "reviewer": value.reviewed_by.get_username() if value.reviewed_by else "",
        }
        candidates.append(
            _make(
                user,
                Kind.VALUE_RETURNED,
                f"value-returned:{value.pk}",
                data,
                language=language_for(user, teams.get(user.pk, [])),
            )
        )
    return _save_new(candidates)


def returned_notices(update_ids) -> list[Notification]:
    """One notification per returned submission, to its author (if still active)."""
    updates = (
        StatusUpdate.objects.filter(pk__in=list(update_ids), review_state=ReviewState.RETURNED)
        .select_related(
            "commitment", "period", "reviewed_by", "created_by__notification_preference"
        )
        .filter(created_by__is_active=True)
    )
    updates = list(updates)
    iso3s = _teams_of(u.created_by_id for u in updates) if updates else {}
    candidates = []
    for update in updates:
        user = update.created_by
        data = {
            "period": update.period.code,
            "code": update.commitment.code,
            "text_en": update.commitment.text,
            "text_es": update.commitment.text_es,
            "status": update.status,
            "comment": update.review_comment,
            "reviewer": update.reviewed_by.get_username() if update.reviewed_by else "",
        }
        candidates.append(
            _make(
                user,
                Kind.RETURNED,
                f"returned:{update.pk}",
                data,
                language=language_for(user, iso3s.get(user.pk, [])),
                period=update.period,
                update=update,
            )
        )
    return _save_new(candidates)


def approved_digests(now: datetime) -> list[Notification]:
    """Per author, their submissions approved by the secretariat since their last digest."""
    key = f"approved:{timezone.localdate(now).isoformat()}"
    rows = list(
        StatusUpdate.objects.filter(
            review_state=ReviewState.APPROVED,
            reviewed_at__gt=now - APPROVED_LOOKBACK,
            reviewed_at__lte=now,
            created_by__is_active=True,
        )
        .exclude(reviewed_by=None)
        .exclude(reviewed_by_id=F("created_by_id"))
        .select_related("commitment", "period", "created_by__notification_preference")
        .order_by("reviewed_at", "id")
    )
    if not rows:
        return []
    authors = {row.created_by_id for row in rows}
    last = dict(
        Notification.objects.filter(kind=Kind.APPROVED_DIGEST, recipient_id__in=authors)
        .values("recipient_id")
        .annotate(last=Max("created_at"))
        .values_list("recipient_id", "last")
    )
    iso3s: dict[int, list[str]] = {}
    for membership in Membership.objects.filter(user_id__in=authors).values(
        "user_id", "country__iso3"
    ):
        iso3s.setdefault(membership["user_id"], []).append(membership["country__iso3"])
    by_author: dict[int, list[StatusUpdate]] = {}
    for row in rows:
        if last.get(row.created_by_id) and row.reviewed_at <= last[row.created_by_id]:
            continue
        by_author.setdefault(row.created_by_id, []).append(row)
    candidates = []
    for _author, updates in by_author.items():
        user = updates[0].created_by
        data = {
            "until": now.isoformat(),
            "items": [
                {"code": u.commitment.code, "period": u.period.code, "status": u.status}
                for u in updates
            ],
        }
        candidates.append(
            _make(
                user,
                Kind.APPROVED_DIGEST,
                key,
                data,
                language=language_for(user, iso3s.get(user.pk, [])),
                now=now,
            )
        )
    return _save_new(candidates)


def waiting_digest(now: datetime) -> list[Notification]:
    """To every secretariat member: the submissions waiting for review, by country."""
    rows = list(
        StatusUpdate.objects.pending()
        .order_by()
        .values(
            "commitment__country__iso3",
            "commitment__country__name_en",
            "commitment__country__name_es",
        )
        .annotate(waiting=Count("pk"), oldest=Min("created_at"))
        .order_by("commitment__country__iso3")
    )
    if not rows:
        return []
    deadlines = list(
        ReportingPeriod.objects.filter(
            locked=False, review_deadline__isnull=False, updates__review_state="submitted"
        )
        .distinct()
        .order_by("review_deadline")
        .values_list("code", "review_deadline")
    )
    data = {
        "total": sum(row["waiting"] for row in rows),
        "countries": [
            {
                "iso3": row["commitment__country__iso3"],
                "name_en": row["commitment__country__name_en"],
                "name_es": row["commitment__country__name_es"],
                "waiting": row["waiting"],
                "oldest": timezone.localdate(row["oldest"]).isoformat(),
            }
            for row in rows
        ],
        "review_deadlines": [{"period": c, "date": d.isoformat()} for c, d in deadlines],
    }
    key = f"waiting:{timezone.localdate(now).isoformat()}"
    return _save_new(
        [
            _make(user, Kind.WAITING_DIGEST, key, data, language=language_for(user), now=now)
            for user in secretariat_users()
        ]
    )


# --- e-mail ------------------------------------------------------------------------------------


def unsubscribe_token(user) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_from_token(token: str):
    """The user an unsubscribe token was made for, or None if it was tampered with."""
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first()


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification, in its recipient's language, with the unsubscribe link
    (also as ``List-Unsubscribe`` headers, so mail programs offer it)."""
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        message = describe(notification)
        unsubscribe = absolute(
            reverse(
                "notifications-unsubscribe",
                kwargs={"token": unsubscribe_token(notification.recipient)},
            )
        )
        context = {
            "message": message,
            "notification": notification,
            "link": absolute(message.link) if message.link else "",
            "unsubscribe": unsubscribe,
            "settings_url": absolute(reverse("notifications-settings")),
            "inbox_url": absolute(reverse("notifications")),
            "user": notification.recipient,
            "language": notification.language,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        subject = f"[MIRPS] {message.subject}"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.email_to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Content-Language": notification.language,
        },
    )
    email.attach_alternative(html, "text/html")
    return email


class Delivered(NamedTuple):
    sent: int
    failed: int


def deliver(ids=None, *, now: datetime | None = None) -> Delivered:
    """E-mail the notifications waiting to go (those in ``ids`` only, if given): pending ones,
    failed ones with attempts left, and ones a crashed run left "being sent" (at least once
    then: the one in flight at the crash may go twice). Each is claimed by a conditional update
    first, so two runs never send the same one. Returns how many were sent and failed.
    """
    now = now or timezone.now()
    waiting = Q(email_state=EmailState.PENDING)
    waiting |= Q(email_state=EmailState.FAILED, email_attempts__lt=MAX_ATTEMPTS)
    waiting |= Q(email_state=EmailState.SENDING, emailed_at__lt=now - STUCK_AFTER)
    queryset = Notification.objects.filter(waiting).select_related("recipient")
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    # "7 days left" sent a week late would mislead: what the mail server kept from going out
    # for days stays in the inbox only, and the record says so.
    queryset.filter(created_at__lt=now - TOO_OLD).update(
        email_state=EmailState.SKIPPED, email_note="not sent in time: dropped after 3 days"
    )
    candidates = list(queryset.filter(created_at__gte=now - TOO_OLD).order_by("pk"))
    if not candidates:
        return Delivered(0, 0)
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # the server is down: every e-mail waits for the next run
        Notification.objects.filter(pk__in=[n.pk for n in candidates]).filter(waiting).update(
            email_state=EmailState.FAILED, email_note=f"connection: {exc}"[:300]
        )
        log.warning("notifications: cannot reach the mail server: %s", exc)
        return Delivered(0, len(candidates))
    # Claim them all first, in one transaction (one commit, not one per e-mail): a conditional
    # update per row, so a concurrent run claims none of ours and we claim none of its.
    claimed = []
    with transaction.atomic():
        for notification in candidates:
            if Notification.objects.filter(
                pk=notification.pk,
                email_state=notification.email_state,
                email_attempts=notification.email_attempts,
            ).update(
                email_state=EmailState.SENDING,
                emailed_at=now,
                email_attempts=notification.email_attempts + 1,
            ):
                claimed.append(notification)
    try:
        for notification in claimed:
            try:
                email = render_email(notification)
                email.connection = connection
                email.send()
            except Exception as exc:
                failed += 1
                Notification.objects.filter(pk=notification.pk).update(
                    email_state=EmailState.FAILED, email_note=str(exc)[:300]
                )
                log.warning("notifications: e-mail %s failed: %s", notification.pk, exc)
            else:
                # recorded at once, so a crash later in the run cannot send this one again
                sent += 1
                Notification.objects.filter(pk=notification.pk).update(
                    email_state=EmailState.SENT, emailed_at=timezone.now(), email_note=""
                )
    finally:
        connection.close()
    return Delivered(sent, failed)


# --- the run ------------------------------------------------------------------------------------


def run(*, now: datetime | None = None) -> Summary:
    """Everything due at ``now`` (see the module docstring), then the e-mails. Idempotent."""
    now = now or timezone.now()
    summary = Summary()
    today = timezone.localdate(now)
    for period in active_periods(today):
        summary.add(period_notices(period, now))
    if timezone.localtime(now).hour >= settings.NOTIFICATIONS_DIGEST_HOUR:
        summary.add(waiting_digest(now))
        summary.add(approved_digests(now))
    recent_returns = StatusUpdate.objects.filter(
        review_state=ReviewState.RETURNED, reviewed_at__gte=now - RETURNED_SWEEP
    ).values_list("pk", flat=True)
    summary.add(returned_notices(recent_returns))
    recent_values = IndicatorValue.objects.filter(
        review_state=ReviewState.RETURNED, reviewed_at__gte=now - RETURNED_SWEEP
    ).values_list("pk", flat=True)
    summary.add(returned_value_notices(recent_values))
    delivered = deliver(now=now)
    summary.sent, summary.failed = delivered.sent, delivered.failed
    return summary
