"""The admin for indicators: the catalogue is edited here; values are read here and reviewed
through the same service as the workspace (never edited in place: a correction is a new value,
recorded in the workspace or the API); links go through the services too."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators import services
from indicators.models import CommitmentIndicator, Indicator, IndicatorValue
from mirps.admin import NoDeleteMixin
from mirps.vocabulary import Route


@admin.register(Indicator)
class IndicatorAdmin(NoDeleteMixin, admin.ModelAdmin):
    """The catalogue, through its services (audited, the figures move). An indicator is never
    deleted here: its values and the audit trail refer to it."""

    list_display = ["code", "name_en", "unit", "focus_area", "pillar", "higher_is_better"]
    list_filter = ["focus_area", "pillar", "unit"]
    search_fields = ["code", "name_en", "name_es"]
    fields = ["code", *services.INDICATOR_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        fields = services.INDICATOR_FIELDS
        if change:
            services.edit_indicator(
                indicator=obj,
                user=request.user,
                route=Route.ADMIN,
                **{f: form.cleaned_data[f] for f in form.changed_data if f in fields},
            )
            return
        created = services.add_indicator(
            code=form.cleaned_data["code"],
            user=request.user,
            route=Route.ADMIN,
            **{f: form.cleaned_data[f] for f in fields},
        )
        obj.pk = created.pk


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = [
        "indicator",
        "country",
        "value",
        "qualifier",
        "period",
        "review_state",
        "route",
    ]
    list_filter = ["review_state", "route", "country", "indicator"]
    list_select_related = ["indicator", "country"]
    search_fields = ["indicator__code", "source_quote", "source_document"]
    actions = ["approve"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("period"))
    def period(self, obj):
        """The period as the source states it, in the reader's language."""
        return obj.period_display

    def has_add_permission(self, request):
        return False  # recorded in the workspace or the API, through the service

    def has_change_permission(self, request, obj=None):
        return False  # never edited in place: a correction is a new value

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the selected submitted values"), permissions=["view"])
    def approve(self, request, queryset):
        try:
            count = services.review_values(
                values=list(queryset), user=request.user, approve=True, route=Route.ADMIN
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                ngettext("%(n)d value approved.", "%(n)d values approved.", count) % {"n": count},
            )


@admin.register(CommitmentIndicator)
class CommitmentIndicatorAdmin(admin.ModelAdmin):
    list_display = ["commitment", "indicator", "rationale"]
    list_filter = ["indicator", "commitment__country"]
    list_select_related = ["commitment", "indicator"]
    autocomplete_fields = ["commitment"]
    search_fields = ["commitment__code", "indicator__code"]

    def save_model(self, request, obj, form, change):
        if change:  # only the reason changes on an existing link
            services.edit_link(
                link=obj, rationale=obj.rationale, user=request.user, route=Route.ADMIN
            )
            return
        created = services.link_indicator(
            commitment=obj.commitment,
            indicator=obj.indicator,
            rationale=obj.rationale,
            user=request.user,
            route=Route.ADMIN,
        )
        obj.pk = created.pk

    def get_readonly_fields(self, request, obj=None):
        return ["commitment", "indicator"] if obj else []

    def delete_model(self, request, obj):
        services.unlink_indicator(link=obj, user=request.user, route=Route.ADMIN)

    def delete_queryset(self, request, queryset):
        for link in queryset.select_related("commitment", "indicator"):
            services.unlink_indicator(link=link, user=request.user, route=Route.ADMIN)
