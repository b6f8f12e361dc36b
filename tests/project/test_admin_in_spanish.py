"""The admin reads as Spanish for a Spanish reader: every registered model's list (with its
filters), an object's change page (with its inlines) and its history, walked as a superuser,
answer 200 and show no raw stored value ("submitted", "True") and none of the English words
that untranslated labels left ("COMMITMENT": a field without a verbose name, upper-cased by the
admin's style)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment
from countries.models import Country
from demo.services import seed_demo
from funding.services import load_quantification
from indicators import services as indicator_services
from indicators.loading import load_indicators
from indicators.models import Indicator
from notifications.models import Notification, Preference
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines, set_period_locked
from statuses.review import review
from statuses.services import record_status
from tests import cast as casts
from tests.builders import member, secretariat
from tests.plans import loaded_plans

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

# Raw stored values and English words that a Spanish page must not show as a text of its own
# (a whole text node, a trailing colon aside): choices' stored values and Python's booleans
# as stored (case-sensitive: "Web" and "API" are Spanish too), and the English of labels,
# headers, filters and choices (any case: the admin upper-cases headers).
RAW_VALUES = {
    "submitted", "approved", "returned", "superseded", "web", "spreadsheet", "api", "demo",
    "annual", "midyear", "True", "False", "None", "source", "persons", "applications",
    "permits", "exact", "approximately", "more_than", "government", "donor", "fund",
    "not_stated", "pending", "sent", "failed", "skipped", "reminder", "period_opened",
    "period_locked", "period_unlocked", "period_edited", "period_deadlines", "recorded",
    "linked", "unlinked", "commitment_edited", "pillar_edited", "plan_edited", "derived",
}  # fmt: skip
ENGLISH_WORDS = {
    "commitment", "commitments", "period", "periods", "status", "status update",
    "status updates", "change event", "change events", "review state", "created by",
    "created at", "recorded by", "recorded at", "reviewed by", "reviewed at", "review comment",
    "narrative", "evidence link", "evidence file", "status before", "replaces", "late",
    "country", "countries", "pillar", "pillars", "focus area", "focus areas",
    "national plan", "national plans", "edition", "stated total", "text", "order", "code",
    "kind", "start", "end", "locked", "submission deadline", "review deadline", "who", "when",
    "action", "route", "old value", "new value", "comment", "by review state", "by source",
    "by period", "by status", "by country", "by action", "by route", "by kind",
    "by email state", "by language", "all", "yes", "unknown", "indicator", "indicators",
    "indicator value", "indicator values", "unit", "value", "qualifier", "quantification",
    "funding line", "funding lines", "contribution", "contributions", "requirement", "funded",
    "gap", "year", "label", "notification", "notifications", "preference",
    "preferences", "recipient", "key", "email state", "read at", "language", "user", "users",
    "group", "groups", "membership", "national team membership", "history", "save", "delete",
    "stated count", "stated counts", "number", "name (english)", "name (spanish)",
    "description (english)", "description (spanish)", "title (english)", "title (spanish)",
    "higher is better", "why this pillar", "email reminders", "email returned", "created",
    # django-axes's own (it ships no Spanish: mirps/third_party_strings.py)
    "access attempt", "access attempts", "access log", "access logs", "access failure",
    "access failures", "path", "user agent", "attempt time", "username", "ip address",
    "locked out", "failed logins", "logout time", "access lock out", "expires at",
}  # fmt: skip
# Inside a text: Django's English names of permissions, and a filter titled by an English
# field name ("Por period").
ENGLISH_INSIDE = re.compile(r"\bCan (add|change|delete|view)\b")


class TextNodes(HTMLParser):
    """The texts a reader sees: text nodes outside script, style and template elements, and
    the options of select boxes (filters)."""

    HIDDEN = {"script", "style", "template", "textarea"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden:
            self.texts.append(text)


def texts(html: str) -> list[str]:
    parser = TextNodes()
    parser.feed(html)
    return parser.texts


def offending(html: str) -> list[str]:
    found = []
    for text in texts(html):
        word = text.rstrip(":").strip()
        if word.startswith("Por "):  # a filter's title: "Por " and the field's name
            word = word[4:]
        if word in RAW_VALUES or word.lower() in ENGLISH_WORDS or ENGLISH_INSIDE.search(text):
            found.append(text)
    return found


@pytest.fixture
def everything(db, tmp_path, settings):
    """One or more rows of every model the admin shows, in every interesting state."""
    settings.MEDIA_ROOT = tmp_path
    loaded_plans()
    load_indicators()
    load_quantification()
    seed_demo()  # statuses, the demo's locked periods (audit events), deadlines
    sofia = secretariat("sofia")
    gabriel = member("gabriel", "GTM")
    period = ReportingPeriod.objects.get(code="2025")
    set_period_deadlines(
        period=period,
        submission_deadline=timezone.localdate() + dt.timedelta(days=10),
        review_deadline=None,
        user=sofia,
    )
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    sent = record_status(
        commitment=commitment,
        period=period,
        status=3,
        narrative="Avance",
        user=gabriel,
        evidence_file=ContentFile(b"%PDF-1.4", name="decreto.pdf"),
    )
    review(updates=[sent], user=sofia, approve=False, comment="Falta el decreto")
    again = record_status(
        commitment=commitment,
        period=period,
        status=3,
        narrative="Con decreto",
        user=gabriel,
        base_version=sent.pk,
    )
    record_status(
        commitment=commitment,
        period=period,
        status=4,
        narrative="Más",
        user=gabriel,
        base_version=again.pk,
    )  # supersedes the pending one
    set_period_locked(period=ReportingPeriod.objects.get(code="2024"), locked=True, user=sofia)
    set_period_locked(period=ReportingPeriod.objects.get(code="2024"), locked=False, user=sofia)
    indicator_services.submit_indicator_value(
        indicator=Indicator.objects.get(code="IDP_ASSISTED"),
        country=Country.objects.get(iso3="GTM"),
        value="12",
        user=gabriel,
        base_version=0,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        source_document="Informe",
        source_section="p. 3",
    )
    Preference.objects.create(user=gabriel)
    Notification.objects.create(
        recipient=gabriel, kind="reminder", key="reminder:test", language="es"
    )
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-Root-2024-x")
    return root


def admin_pages():
    """(label, changelist url, model) of every registered model."""
    for model in admin.site._registry:
        opts = model._meta
        yield opts.label, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), model


def test_every_admin_page_reads_as_spanish(everything):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(everything)
    problems: dict[str, list[str]] = {}
    visited = 0
    apps = {model._meta.app_label for model in admin.site._registry}
    for _label, url, model in [
        ("index", reverse("admin:index"), None),
        *[("app", reverse("admin:app_list", args=[app]), None) for app in sorted(apps)],
        *admin_pages(),
    ]:
        pages = [url]
        if model is None:
            response = client.get(url)
            assert response.status_code == 200, url
            visited += 1
            if bad := offending(response.content.decode()):
                problems[url] = sorted(set(bad))
            continue
        obj = model._default_manager.order_by("-pk").first()
        if obj is not None:
            opts = model._meta
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            pages += [change, history]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (page, response.status_code)
            visited += 1
            bad = offending(response.content.decode())
            if bad:
                problems[page] = sorted(set(bad))
    assert visited >= 3 * 20
    assert not problems, "\n".join(f"{page}: {bad}" for page, bad in problems.items())


def test_the_walker_finds_what_it_looks_for():
    """The check itself: a raw value or an English header as a text of its own is caught;
    the same word inside a sentence of data is not."""
    html = (
        "<table><th>Commitment</th><td>submitted</td><td>True</td>"
        "<td>Commitment to expand asylum</td><h3>Por period</h3><option>Sesiones | sesión | "
        "Can view session</option></table><script>var x = 'submitted';</script>"
    )
    assert offending(html) == [
        "Commitment",
        "submitted",
        "True",
        "Por period",
        "Sesiones | sesión | Can view session",
    ]
