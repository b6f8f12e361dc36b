"""The admin for funding: the secretariat records requirements (lines) and what funds them
(contributions). Every save and deletion goes through ``funding.services`` (audited, the figures
move); the gap is shown, never typed; what a published source states is read only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from funding import services
from funding.models import Contribution, FundingLine, Quantification
from mirps.numbers import format_amount
from mirps.vocabulary import Route


def from_source(line) -> bool:
    """Lines loaded from a published source stay as printed: read only in the admin."""
    return line is not None and line.route == Route.SOURCE


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 1
    fields = ["source_kind", "funder", "amount", "derived", "note"]
    readonly_fields = ["derived"]

    def has_add_permission(self, request, obj=None):
        return not from_source(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not from_source(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not from_source(obj) and super().has_delete_permission(request, obj)


@admin.register(Quantification)
class QuantificationAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "year", "stated_requirement", "stated_gap_display"]
    readonly_fields = ["stated_gap_display"]

    @admin.display(description=_("stated gap (USD, requirement − funded)"))
    def stated_gap_display(self, obj):
        return format_amount(obj.stated_gap, 0)

    # A published source's totals, as printed: loaded from the fixtures (manage.py
    # load_funding), read here, never edited or deleted (its lines would go with it).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingLine)
class FundingLineAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "label_display",
        "country",
        "focus_area",
        "requirement",
        "funded_display",
        "gap_display",
    ]
    list_filter = ["year", "quantification", "country", "focus_area"]
    list_select_related = ["country", "focus_area", "commitment", "quantification"]
    autocomplete_fields = ["commitment"]
    inlines = [ContributionInline]
    exclude = ["route", "created_by"]
    readonly_fields = ["funded_display", "gap_display"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_amounts()

    def has_change_permission(self, request, obj=None):
        return not from_source(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not from_source(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("sector"))
    def label_display(self, obj):
        return obj.label

    @admin.display(description=_("funded (USD)"))
    def funded_display(self, obj):
        return format_amount(getattr(obj, "funded", None), 0) if obj.pk else "–"

    @admin.display(description=_("gap (USD, requirement − funded)"))
    def gap_display(self, obj):
        return format_amount(getattr(obj, "gap", None), 0) if obj.pk else "–"

    def save_model(self, request, obj, form, change):
        services.save_line(obj, user=request.user, route=Route.ADMIN)

    def delete_model(self, request, obj):
        services.delete_line(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for line in queryset.exclude(route=Route.SOURCE):
            services.delete_line(line, user=request.user)

    def save_formset(self, request, form, formset, change):
        contributions = formset.save(commit=False)
        for contribution in formset.deleted_objects:
            services.delete_contribution(contribution, user=request.user)
        for contribution in contributions:
            services.save_contribution(contribution, user=request.user, route=Route.ADMIN)
