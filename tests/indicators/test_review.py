"""Submitting and reviewing indicator values: the statuses' matrix (secretariat any country,
approved at once; a national team its own countries, submitted; nobody else), history never
rewritten, every change in the audit trail, and every route through the one service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import ChangeEvent
from countries.models import Country
from indicators import services
from indicators.models import Indicator, IndicatorValue
from mirps.vocabulary import ReviewState

pytestmark = pytest.mark.django_db

SEP = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 9, 30)}
SOURCE = {"source_document": "IGM statistics", "source_section": "p. 4"}


def submit(user, iso3="GTM", value="60", code="WORK_PERMITS_REFUGEES", base_version=0, **extra):
    return services.submit_indicator_value(
        indicator=Indicator.objects.get(code=code),
        country=Country.objects.get(iso3=iso3),
        value=value,
        user=user,
        base_version=base_version,
        **{**SEP, **SOURCE, **extra},
    )


def slot_rows(iso3="GTM", code="WORK_PERMITS_REFUGEES"):
    return IndicatorValue.objects.in_slot(
        indicator_id=Indicator.objects.get(code=code).pk,
        country_id=Country.objects.get(iso3=iso3).pk,
        **SEP,
    ).order_by("id")


def loaded(iso3="GTM", code="WORK_PERMITS_REFUGEES"):
    return slot_rows(iso3, code).get()


# (who, country) -> review state of the written value, or None: refused, nothing written
CASES = [
    ("sofia", "GTM", ReviewState.APPROVED),
    ("sofia", "HND", ReviewState.APPROVED),
    ("gabriel", "GTM", ReviewState.SUBMITTED),
    ("gabriel", "HND", None),
    ("hugo", "GTM", None),
    ("pat", "GTM", None),
    (None, "GTM", None),
]


def test_who_may_record_for_which_country(people):
    for who, iso3, expected in CASES:
        user = people.get(who) if who else None
        before = IndicatorValue.objects.count()
        if expected is None:
            with pytest.raises(PermissionDenied):
                submit(user, iso3, code="IDP_ASSISTED")
            assert IndicatorValue.objects.count() == before, (who, iso3)
            continue
        row = submit(user, iso3, code="IDP_ASSISTED", base_version=None)
        assert row.review_state == expected and row.created_by == user, (who, iso3)
        public = IndicatorValue.objects.visible_to(None).filter(pk=row.pk).exists()
        assert public == (expected == ReviewState.APPROVED), (who, iso3)


def test_a_correction_is_public_only_once_approved_and_supersedes_the_source(people):
    source_row = loaded()
    row = submit(people["gabriel"], value="61", base_version=source_row.pk)
    assert row.previous == source_row and row.review_state == ReviewState.SUBMITTED
    # the public still sees the report's 56; gabriel sees both, hugo (another country) as public
    public = IndicatorValue.objects.visible_to(None).filter(country__iso3="GTM")
    assert row not in public and source_row in public
    assert row in IndicatorValue.objects.visible_to(people["gabriel"])
    assert row not in IndicatorValue.objects.visible_to(people["hugo"])

    assert services.review_values(values=[row], user=people["sofia"], approve=True) == 1
    source_row.refresh_from_db()
    row.refresh_from_db()
    assert (row.review_state, source_row.review_state) == ("approved", "superseded")
    assert list(IndicatorValue.objects.approved().filter(pk__in=[row.pk, source_row.pk])) == [row]
    actions = set(ChangeEvent.objects.values_list("action", "indicator_value_id", "user__username"))
    assert {("approved", row.pk, "sofia"), ("superseded", source_row.pk, "sofia")} <= actions


def test_return_needs_a_comment_and_only_the_secretariat_reviews(people):
    source_row = loaded()
    row = submit(people["gabriel"], value="61", base_version=source_row.pk)
    for who in ("gabriel", "hugo", "pat"):
        with pytest.raises(PermissionDenied):
            services.review_values(values=[row], user=people[who], approve=True)
    with pytest.raises(ValidationError, match="Say why"):
        services.review_values(values=[row], user=people["sofia"], approve=False, comment=" ")
    services.review_values(values=[row], user=people["sofia"], approve=False, comment="Page?")
    row.refresh_from_db()
    assert (row.review_state, row.review_comment) == ("returned", "Page?")
    with pytest.raises(ValidationError, match="no longer awaiting review"):
        services.review_values(values=[row], user=people["sofia"], approve=True)
    assert source_row.pk in IndicatorValue.objects.approved().values_list("pk", flat=True)


def test_a_newer_submission_supersedes_the_pending_one_and_stale_versions_conflict(people):
    base = loaded().pk
    first = submit(people["gabriel"], value="61", base_version=base)
    with pytest.raises(services.Conflict, match="after you opened this form"):
        submit(people["gabriel"], value="62", base_version=base)  # did not see `first`
    with pytest.raises(services.Conflict, match="already has a value"):
        submit(people["gabriel"], value="62", base_version=0)  # did not see any
    second = submit(people["gabriel"], value="62", base_version=first.pk)
    first.refresh_from_db()
    assert first.review_state == "superseded" and second.review_state == "submitted"
    assert [r.value for r in slot_rows()] == [Decimal(56), Decimal(61), Decimal(62)]  # kept


def test_bad_input_is_refused_by_field_and_nothing_is_written(people):
    before = IndicatorValue.objects.count()
    cases = [
        ({"value": "-3"}, "value"),
        ({"value": "many"}, "value"),
        ({"period_start": None, "period_end": None}, "period_end"),
        ({"period_start": dt.date(2024, 10, 1)}, "period_end"),
        ({"source_document": " "}, "source_document"),
        ({"source_section": "", "source_url": ""}, "source_section"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as refused:
            submit(people["sofia"], "HND", **{"code": "IDP_ASSISTED", **extra})
        assert field in refused.value.message_dict, extra
    assert IndicatorValue.objects.count() == before


def test_a_spreadsheet_batch_is_all_or_nothing_with_problems_by_row(people):
    """What the monitoring spreadsheet's indicator sheet will call (one change per row)."""
    indicator = Indicator.objects.get(code="IDP_ASSISTED")
    gtm = Country.objects.get(iso3="GTM")

    def row(n, value):
        return services.ValueChange(
            indicator=indicator, country=gtm, value=value, key=f"row {n}", **SEP, **SOURCE
        )

    good, bad = row(2, "10"), row(3, "-1")
    bad.period_start = dt.date(2023, 1, 1)  # another slot, so only the value is wrong
    with pytest.raises(services.ValuesRefused) as refused:
        services.submit_indicator_values([good, bad], user=people["gabriel"], source="spreadsheet")
    assert list(refused.value.errors) == ["row 3"] and "value" in refused.value.errors["row 3"]
    assert not IndicatorValue.objects.filter(indicator=indicator, country=gtm).exists()
    bad.value = "12"
    rows = services.submit_indicator_values(
        [good, bad], user=people["gabriel"], source="spreadsheet"
    )
    assert [(r.route, r.review_state) for r in rows] == [("spreadsheet", "submitted")] * 2
