from django.contrib import admin

from .models import (
    ChangeEvent,
    Commitment,
    FocusArea,
    NationalPlan,
    Pillar,
    ReportingPeriod,
    StatedCount,
    StatusUpdate,
)
from .signals import announce_figures_changed


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["number", "name_en", "name_es"]


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "order"]


class StatedCountInline(admin.TabularInline):
    model = StatedCount
    extra = 0


@admin.register(NationalPlan)
class NationalPlanAdmin(admin.ModelAdmin):
    list_display = ["country", "edition", "stated_total"]
    list_filter = ["edition"]
    inlines = [StatedCountInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["code", "country", "focus_area", "pillar", "short_text"]
    list_filter = ["country", "focus_area", "pillar"]
    search_fields = ["code", "text", "text_es"]
    list_select_related = ["country", "focus_area", "pillar"]
    # Code, plan and country come from the fixtures; the pillar is our classification and
    # stays editable (with the reason), and so is the Spanish text.
    readonly_fields = ["code", "plan", "country", "focus_area", "text", "order"]
    fields = [
        "code",
        "plan",
        "country",
        "focus_area",
        "order",
        "text",
        "text_es",
        "pillar",
        "pillar_rationale",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        announce_figures_changed(Commitment)  # a re-classified pillar moves the figures

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:90] + ("…" if len(obj.text) > 90 else "")


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "start_date", "end_date"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = [
        "commitment",
        "period",
        "status",
        "review_state",
        "source",
        "created_by",
        "created_at",
    ]
    list_filter = ["review_state", "source", "period", "status", "commitment__country"]
    search_fields = ["commitment__code", "narrative"]
    list_select_related = ["commitment", "period", "created_by"]
    # History is append-only: rows are read here, never edited.
    readonly_fields = [
        "commitment",
        "period",
        "status",
        "status_before",
        "narrative",
        "evidence_url",
        "evidence_file",
        "created_by",
        "created_at",
        "source",
        "previous",
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    ]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin):
    """The audit trail, read only: who changed what, when, by which route."""

    list_display = [
        "at",
        "user",
        "action",
        "route",
        "commitment",
        "period",
        "old_value",
        "new_value",
    ]
    list_filter = ["action", "route", "period"]
    search_fields = ["commitment__code", "user__username", "comment"]
    list_select_related = ["user", "commitment", "period"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
