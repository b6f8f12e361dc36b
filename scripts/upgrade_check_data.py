"""The data of the upgrade check (``scripts/upgrade_check.py``), written with the OLD release's
own services: run inside the previous release's checkout, by its own ``manage.py shell``, on
the database the check upgrades afterwards.

It writes what a database of that release holds after some use, beside the demo that
``seed_demo`` loads: accounts and national teams of several countries, statuses in every
state of their history (recorded, submitted, superseded, approved, returned, submitted again,
late) with evidence files and links, reviews with comments, spreadsheet uploads (one previewed
and applied, with an indicator value in it; one rejected; one cancelled), indicator values
submitted, approved and returned, commitment–indicator links made and removed, a funding line
and contributions, the notifications of two runs of the reporting cycle (reminders, digests,
a returned submission, a deadline passed), edits of a pillar, a commitment and a plan (audit
events), a period opened, deadlines set, a period unlocked and locked again, the admin's log.

It calls the services of the release it was written for (6d78e67, ``UPGRADE_FROM`` in the
Makefile): when the check starts from a newer release, bring these calls up to that release.
Deterministic apart from timestamps (which the check compares as stored, before and after).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from commitments.permissions import SECRETARIAT_GROUP
from commitments.spreadsheets import importer
from commitments.spreadsheets.formats import COLUMN_KEYS, INDICATOR_KEYS
from commitments.spreadsheets.template import build_matrix
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commitments.models import Commitment, NationalPlan, Pillar, ReportingPeriod, StatusUpdate
from commitments.services import (
    current_version,
    edit_commitment,
    edit_pillar,
    edit_plan_translation,
    open_period,
    record_status,
    review,
    set_period_deadlines,
    set_period_locked,
)
from countries.models import Country, Membership
from funding.models import Contribution, FundingLine, Quantification, SourceKind
from funding.services import save_contribution, save_line
from indicators.models import Indicator, IndicatorValue
from indicators.services import (
    link_indicator,
    review_values,
    submit_indicator_value,
    unlink_indicator,
)
from notifications import cycle
from notifications.models import Notification, Preference

User = get_user_model()
TODAY = timezone.localdate()
# The reporting cycle runs "tomorrow morning" (after every review below, at an hour when the
# digests go out), a week before the 2025 deadline; once 13 days earlier; once after it.
RUN = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(9, 30)))
DEADLINE_2025 = RUN.date() + dt.timedelta(days=7)


def person(username, *iso3s, secretariat=False, email=None, active=True):
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(f"{username}-Upgrade-check-2024")
    user.email = email or f"{username}@example.org"
    user.is_staff = secretariat
    user.is_active = active
    user.first_name = username.split("-")[0].capitalize()
    user.save()
    if secretariat:
        user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    for iso3 in iso3s:  # the admin's inline: memberships are rows written as they are
        Membership.objects.get_or_create(user=user, country=Country.objects.get(iso3=iso3))
    return user


def record(code, period, status, user, narrative=None, **fields):
    """A status as the commitment page records it: on top of the newest row its author saw."""
    commitment = Commitment.objects.get(code=code)
    newest = current_version(commitment, period)
    return record_status(
        commitment=commitment,
        period=period,
        status=status,
        narrative=narrative or f"{code}: level {status} in {period.code} (upgrade check).",
        user=user,
        base_version=newest.pk if newest else 0,
        **fields,
    )


def people():
    sofia = User.objects.get(username="secretariat")
    return {
        "sofia": sofia,
        "marta": person("marta-sec", secretariat=True),
        "gabriel": User.objects.get(username="gtm-team"),
        "hector": person("hector-hnd", "HND"),
        "paula": person("paula-pan-cri", "PAN", "CRI"),
        "bob": person("bob-blz", "BLZ"),
        "old": person("olga-slv", "SLV", active=False),
    }


def calendar(p):
    """2024: a submission deadline passed (statuses sent now are late); 2025: deadlines a week
    and three weeks after the cycle's run; 2026-H1 opened (its teams are told); 2023 unlocked
    and locked again."""
    y2024 = ReportingPeriod.objects.get(code="2024")
    set_period_deadlines(
        period=y2024,
        submission_deadline=dt.date(2025, 1, 31),
        review_deadline=dt.date(2025, 2, 28),
        user=p["sofia"],
    )
    y2025 = ReportingPeriod.objects.get(code="2025")
    set_period_deadlines(
        period=y2025,
        submission_deadline=DEADLINE_2025,
        review_deadline=DEADLINE_2025 + dt.timedelta(days=14),
        user=p["sofia"],
    )
    open_period(code="2026-H1", user=p["marta"])
    y2023 = ReportingPeriod.objects.get(code="2023")
    set_period_locked(period=y2023, locked=False, user=p["sofia"])
    set_period_locked(period=y2023, locked=True, user=p["marta"])
    return y2024, y2025


def statuses(p, y2024, y2025):
    """Every state of a status's history, in two periods and four countries."""
    gabriel, hector, paula, sofia = p["gabriel"], p["hector"], p["paula"], p["sofia"]
    approved = record(
        "GTM-PRO-01",
        y2025,
        3,
        gabriel,
        evidence_file=SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta de la mesa"),
        evidence_url="https://example.org/gtm/acta",
    )
    review(updates=[approved], user=sofia, approve=True, comment="Gracias, aprobado.")
    returned = record("GTM-PRO-02", y2025, 2, gabriel, "Se capacitó al personal (ñ, “comillas”).")
    review(updates=[returned], user=p["marta"], approve=False, comment="Adjunten el decreto.")
    again = record(
        "GTM-PRO-02",
        y2025,
        2,
        gabriel,
        "Se capacitó al personal; decreto adjunto.",
        evidence_file=SimpleUploadedFile("decreto.pdf", b"%PDF-1.4 decreto"),
    )
    first = record("GTM-PRO-03", y2025, 1, gabriel)
    record("GTM-PRO-03", y2025, 2, gabriel, "Second thoughts: level 2.")  # supersedes `first`
    record("GTM-HEA-01", y2025, 4, sofia, "Recorded by the secretariat: approved on save.")
    late = record("HND-PRO-01", y2024, 3, hector, "Sent after the deadline of 2024.")
    review(updates=[late], user=sofia, approve=True)
    pending = [
        record("PAN-PRO-01", y2025, 1, paula),
        record("CRI-PRO-01", y2025, 2, paula, evidence_url="https://example.org/cri/informe"),
    ]
    review(updates=pending[:1], user=sofia, approve=True, comment="OK")
    assert StatusUpdate.objects.get(pk=first.pk).review_state == "superseded"
    assert StatusUpdate.objects.get(pk=late.pk).late
    return returned, again


def spreadsheets(p, y2025):
    """An upload previewed and applied (a status and an indicator value), one rejected, one
    cancelled: through the old importer, with the old template."""
    gabriel = p["gabriel"]
    guatemala = Country.objects.get(iso3="GTM")
    book = openpyxl.load_workbook(io.BytesIO(build_matrix([guatemala], y2025, "es", gabriel)))
    matrix, indicators = book.worksheets[0], book.worksheets[1]
    status_col = COLUMN_KEYS.index("status") + 1
    narrative_col = COLUMN_KEYS.index("narrative") + 1
    for row in matrix.iter_rows(min_row=2):
        if row[0].value == "GTM-EDU-01":
            matrix.cell(row[0].row, status_col).value = 2
            matrix.cell(row[0].row, narrative_col).value = "Matrícula abierta en 3 escuelas."
    first = indicators.cell(2, 1).row
    for key, value in {
        "new_value": 61,
        "source_document": "Informe nacional 2025",
        "source_section": "p. 4",
        "source_quote": "Se emitieron 61 permisos.",
    }.items():
        indicators.cell(first, INDICATOR_KEYS.index(key) + 1).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    applied = importer.create_upload(
        data=buffer.getvalue(), name="matriz-gtm.xlsx", user=gabriel, period=y2025
    )
    assert applied.state == "previewed" and not applied.problems, applied.preview
    importer.apply(applied, user=gabriel)
    rejected = importer.create_upload(
        data=b"PK\x03\x04 a broken workbook", name="notas.xlsx", user=gabriel, period=y2025
    )
    assert rejected.state == "rejected"
    cancelled = importer.create_upload(
        data=buffer.getvalue(), name="copia.xlsx", user=gabriel, period=y2025
    )
    importer.cancel(cancelled, user=gabriel)


def indicators(p):
    """Values submitted, approved (one correcting an approved value), returned; links."""
    sofia, gabriel, hector = p["sofia"], p["gabriel"], p["hector"]
    permits = Indicator.objects.get(code="WORK_PERMITS_REFUGEES")
    recognised = Indicator.objects.get(code="REF_RECOGNISED")
    gtm, hnd = Country.objects.get(iso3="GTM"), Country.objects.get(iso3="HND")
    source = {"source_document": "Informe nacional", "source_section": "p. 2"}
    h1 = {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 6, 30)}
    sent = submit_indicator_value(
        indicator=permits, country=gtm, value=Decimal("40"), user=gabriel, **h1, **source
    )
    review_values(values=[sent], user=sofia, approve=True, comment="Conforme.")
    corrected = submit_indicator_value(
        indicator=permits,
        country=gtm,
        value=Decimal("42.5"),
        user=sofia,
        base_version=sent.pk,
        note="Corrected by the secretariat",
        **h1,
        **source,
    )
    assert IndicatorValue.objects.get(pk=sent.pk).review_state == "superseded"
    assert corrected.review_state == "approved"
    back = submit_indicator_value(
        indicator=recognised, country=hnd, value=Decimal("12"), user=hector, **h1, **source
    )
    review_values(values=[back], user=sofia, approve=False, comment="Which source?")
    submit_indicator_value(
        indicator=recognised,
        country=hnd,
        value=Decimal("13"),
        user=hector,
        base_version=back.pk,
        **h1,
        **source,
    )
    commitment = Commitment.objects.get(code="GTM-JOB-01")
    link_indicator(commitment=commitment, indicator=permits, user=sofia, rationale="Permits")
    gone = link_indicator(
        commitment=Commitment.objects.get(code="HND-PRO-01"), indicator=recognised, user=sofia
    )
    unlink_indicator(link=gone, user=p["marta"])


def funding(p):
    sofia = p["sofia"]
    quantification = Quantification.objects.order_by("pk").first()
    line = FundingLine.objects.filter(quantification=quantification).order_by("pk").first()
    save_contribution(
        Contribution(line=line, source_kind=SourceKind.values[0], amount=Decimal("12500.75"),
                     funder="A donor", note="Pledged at the annual meeting"),
        user=sofia,
    )  # fmt: skip
    extra = FundingLine(
        quantification=quantification,
        country=Country.objects.get(iso3="PAN"),
        year=2025,
        commitment=Commitment.objects.get(code="PAN-PRO-01"),
        label_en="Upgrade check line",
        label_es="Línea de la prueba de actualización",
        requirement=Decimal("100000.00"),
    )
    save_line(extra, user=sofia)
    save_contribution(
        Contribution(line=extra, source_kind=SourceKind.values[-1], amount=Decimal("2500")),
        user=sofia,
    )


def audit(p):
    sofia = p["sofia"]
    edit_pillar(pillar=Pillar.objects.get(number=2), user=sofia, name_es="Necesidades inmediatas")
    edit_commitment(
        commitment=Commitment.objects.get(code="GTM-PRO-04"),
        user=sofia,
        pillar=Pillar.objects.get(number=4),
        pillar_rationale="Read again: a durable solution.",
        text_es="Texto de trabajo en español (prueba).",
    )
    edit_plan_translation(
        plan=NationalPlan.objects.get(country__iso3="BLZ"), user=sofia, title_es="Plan de Belice"
    )
    LogEntry.objects.log_actions(
        user_id=sofia.pk,
        queryset=[ReportingPeriod.objects.get(code="2025")],
        action_flag=CHANGE,
        change_message="deadlines",
    )


def notifications(p, returned):
    """Three runs of the reporting cycle at chosen times (``RUN``: 20 days before the 2025
    deadline, the period's opening; 7 days before, reminders and digests; 2 days after it,
    deadline passed), and the notice of the returned submission; one notice read."""
    Preference.objects.create(user=p["bob"], language="en", email_reminders=True)
    Preference.objects.create(user=p["paula"], language="es", email_returned=False)
    cycle.run(now=RUN - dt.timedelta(days=13))
    cycle.run(now=RUN)
    cycle.returned_notices([returned.pk])
    cycle.run(now=RUN + dt.timedelta(days=9))
    inbox = Notification.objects.filter(recipient=p["gabriel"]).order_by("pk").first()
    inbox.read_at = RUN
    inbox.save(update_fields=["read_at"])


def main():
    p = people()
    y2024, y2025 = calendar(p)
    returned, _again = statuses(p, y2024, y2025)
    spreadsheets(p, y2025)
    indicators(p)
    funding(p)
    audit(p)
    notifications(p, returned)
    kinds = sorted(set(Notification.objects.values_list("kind", flat=True)))
    print(f"upgrade check data: {StatusUpdate.objects.count()} statuses, notifications {kinds}")


main()
