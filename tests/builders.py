"""A small builder for country -> plan -> commitments -> statuses, for hand-computed cases."""

from __future__ import annotations

import datetime as dt
from itertools import count

from commitments.models import Commitment, FocusArea, NationalPlan, Pillar
from countries.models import Country
from mirps.vocabulary import Route
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate

_seq = count(1)


def reference() -> None:
    """Pillars 1-4 and the five focus areas (what every plan refers to)."""
    for n in range(1, 5):
        Pillar.objects.get_or_create(
            number=n, defaults={"name_en": f"Pillar {n}", "name_es": f"Pilar {n}"}
        )
    for order, code in enumerate(["PRO", "JOB", "SOC", "EDU", "HEA"], start=1):
        FocusArea.objects.get_or_create(
            code=code, defaults={"name_en": code, "name_es": code, "order": order}
        )


def period(code: str) -> ReportingPeriod:
    year = int(code[:4])
    if code.endswith("-H1"):
        start, end, kind = dt.date(year, 1, 1), dt.date(year, 6, 30), "midyear"
    elif code.endswith("-H2"):
        start, end, kind = dt.date(year, 7, 1), dt.date(year, 12, 31), "midyear"
    else:
        start, end, kind = dt.date(year, 1, 1), dt.date(year, 12, 31), "annual"
    obj, _ = ReportingPeriod.objects.get_or_create(
        code=code, defaults={"kind": kind, "start_date": start, "end_date": end}
    )
    return obj


class CountryBuilder:
    def __init__(self, iso3: str, name: str | None = None):
        reference()
        self.country, _ = Country.objects.get_or_create(
            iso3=iso3, defaults={"name_en": name or iso3, "name_es": name or iso3}
        )
        self.plan, _ = NationalPlan.objects.get_or_create(
            country=self.country,
            edition="2021",
            defaults={"title_en": f"Plan {iso3}", "starts_on": dt.date(2021, 1, 1)},
        )

    def commitment(self, area: str = "PRO", pillar: int = 1, text: str = "") -> Commitment:
        n = Commitment.objects.filter(country=self.country, focus_area__code=area).count() + 1
        return Commitment.objects.create(
            code=f"{self.country.iso3}-{area}-{n:02d}",
            plan=self.plan,
            country=self.country,
            focus_area=FocusArea.objects.get(code=area),
            pillar=Pillar.objects.get(number=pillar),
            text=text or f"Commitment {next(_seq)}",
            order=n,
        )


def report(
    commitment: Commitment,
    period_code: str,
    status: int,
    source: str = Route.WEB,
    narrative: str = "",
) -> StatusUpdate:
    return StatusUpdate.objects.create(
        commitment=commitment,
        period=period(period_code),
        status=status,
        source=source,
        narrative=narrative,
    )


def secretariat(username: str = "sofia", password: str = "pw-Secretariat-2024"):
    """Secretariat staff: every country; statuses approved on save; reviews; locks periods."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from countries.permissions import SECRETARIAT_GROUP
    from countries.roles import ensure_roles

    ensure_roles()
    user = get_user_model().objects.create_user(username, password=password)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


def member(username: str, *iso3s: str, password: str = "pw-Member-2024"):
    """A national technical team member of the given countries (and nothing else)."""
    from django.contrib.auth import get_user_model

    from countries.models import Membership

    user = get_user_model().objects.create_user(username, password=password)
    for iso3 in iso3s:
        Membership.objects.create(user=user, country=Country.objects.get(iso3=iso3))
    return user
