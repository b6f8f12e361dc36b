"""A deadline is written as the rest of the site writes a day: "27 December 2026" in English
("27 de diciembre de 2026" in Spanish), on the pages' deadline badge and in the notifications.
The badge read "Dec. 27, 2026 · … review by Jan. 10, 2027", Django's American default, beside
"1 January 2024" everywhere else."""

import datetime as dt

import pytest
from django.utils import translation

from notifications.messages import day
from periods.models import ReportingPeriod
from periods.templatetags.deadlines import deadline


@pytest.mark.parametrize(
    ("language", "said", "review"),
    [
        ("en", "Submission deadline 27 December 2026", "review by 10 January 2027"),
        (
            "es",
            "Fecha límite de envío 27 de diciembre de 2026",
            "revisión hasta el 10 de enero de 2027",
        ),
    ],
)
def test_the_deadline_in_the_sites_long_date(language, said, review):
    period = ReportingPeriod(
        code="2025",
        kind="annual",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        submission_deadline=dt.date(2026, 12, 27),
        review_deadline=dt.date(2027, 1, 10),
    )
    with translation.override(language):
        badge = str(deadline(period, today=dt.date(2026, 12, 6)))
        assert said in badge and review in " ".join(badge.replace("</span>", "").split())
        assert day(dt.date(2026, 12, 27)) in said
