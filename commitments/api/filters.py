import django_filters
from django.utils.translation import gettext_lazy as _

from ..models import Commitment, FocusAreaCode, Status, StatusUpdate

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

    class Meta:
        model = Commitment
        fields = ["country", "pillar", "focus_area", "period", "status", "q"]

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_status(self, queryset, name, value):
        if value == NOT_REPORTED:
            return queryset.filter(current_status__isnull=True)
        return queryset.filter(current_status=int(value))

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
