import django_filters
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, FocusAreaCode
from statuses.models import Status, StatusUpdate

NOT_REPORTED = "not_reported"


class CommitmentFilter(django_filters.FilterSet):
    """The only filters clients may use on commitments (no ORM lookups pass through)."""

    country = django_filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text=_("ISO3 code, e.g. GTM")
    )
    pillar = django_filters.NumberFilter(field_name="pillar__number", help_text=_("1 to 4"))
    focus_area = django_filters.ChoiceFilter(
        field_name="focus_area__code", choices=FocusAreaCode.choices
    )
    # Applied (and validated) by the view, which decides which status each commitment has;
    # declared here so it is documented with the others.
    period = django_filters.CharFilter(
        method="filter_noop",
        help_text=_("Period code, e.g. 2024 or 2024-H1; statuses are as of this period."),
    )
    status = django_filters.ChoiceFilter(
        choices=[(str(v), label) for v, label in Status.choices]
        + [(NOT_REPORTED, _("Not reported"))],
        method="filter_status",
        help_text=_("0-5, or not_reported"),
    )
    q = django_filters.CharFilter(method="filter_q", help_text=_("Search code and text"))
    edition = django_filters.CharFilter(
        field_name="plan__edition",
        help_text=_("Plan edition, e.g. 2021 or 2024-2026 (every edition if absent)."),
    )
    institution = django_filters.CharFilter(
        field_name="responsible_institution",
        lookup_expr="icontains",
        help_text=_("Part of the responsible institution's name"),
    )

    class Meta:
        model = Commitment
        fields = [
            "country",
            "pillar",
            "focus_area",
            "period",
            "status",
            "q",
            "edition",
            "institution",
        ]

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_status(self, queryset, name, value):
        # the status shown and counted: its own, else the carried one (``with_carried``)
        column = (
            "shown_status" if "shown_status" in queryset.query.annotations else "current_status"
        )
        if value == NOT_REPORTED:
            return queryset.filter(**{f"{column}__isnull": True})
        return queryset.filter(**{column: int(value)})

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class StatusUpdateFilter(django_filters.FilterSet):
    commitment = django_filters.CharFilter(field_name="commitment__code")
    period = django_filters.CharFilter(field_name="period__code")
    country = django_filters.CharFilter(
        field_name="commitment__country__iso3", lookup_expr="iexact"
    )

    class Meta:
        model = StatusUpdate
        fields = ["commitment", "period", "country"]
