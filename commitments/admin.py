"""The admin: the same rules as every other route. Edits go through the services (audited,
figures invalidated); history and the audit trail are read only and never deleted here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .models import (
    ChangeEvent,
    Commitment,
    FocusArea,
    NationalPlan,
    Pillar,
    ReportingPeriod,
    Source,
    StatedCount,
    StatusUpdate,
)


class NoDeleteMixin:
    """Rows whose deletion would cascade to statuses or the audit trail: never deleted here."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pillar)
class PillarAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["number", "name_en", "name_es"]
    fields = ["number", "name_en", "name_es", "description_en", "description_es"]

    def get_readonly_fields(self, request, obj=None):
        return ["number"] if obj is not None else []

    def has_add_permission(self, request):
        return False  # the four pillars are the plans' own

    def save_model(self, request, obj, form, change):
        services.edit_pillar(
            pillar=obj,
            user=request.user,
            route=Source.ADMIN,
            **{f: form.cleaned_data[f] for f in form.changed_data if f in services.PILLAR_FIELDS},
        )


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
    readonly_fields = ["translation_edited_at"]

    def save_model(self, request, obj, form, change):
        # The Spanish working translation goes through the service (audited, old and new
        # text; load_plans then leaves it alone); the rest is saved as the admin does.
        translated = {
            f: form.cleaned_data[f]
            for f in form.changed_data
            if f in services.PLAN_TRANSLATION_FIELDS
        }
        if change and translated:
            stored = NationalPlan.objects.get(pk=obj.pk)
            for f in translated:
                setattr(obj, f, getattr(stored, f))
        super().save_model(request, obj, form, change)
        if change and translated:
            services.edit_plan_translation(
                plan=obj, user=request.user, route=Source.ADMIN, **translated
            )


@admin.register(Commitment)
class CommitmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "country", "focus_area", "pillar", "short_text"]
    list_filter = ["country", "focus_area", "pillar"]
    search_fields = ["code", "text", "text_es"]
    list_select_related = ["country", "focus_area", "pillar"]
    # Code, plan and country come from the fixtures; the pillar is our classification and
    # stays editable (with the reason), and so is the Spanish text.
    readonly_fields = [
        "code",
        "plan",
        "country",
        "focus_area",
        "text",
        "order",
        "translation_edited_at",
        "classification_edited_at",
    ]
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
        "pillar_rationale_es",
        "translation_edited_at",
        "classification_edited_at",
    ]

    def has_add_permission(self, request):
        return False  # commitments come from the plans (manage.py load_plans)

    def get_search_results(self, request, queryset, search_term):
        # the site's one search: both languages, any case and accents
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        # Audited per field, and a re-classified pillar moves the figures.
        services.edit_commitment(
            commitment=obj,
            user=request.user,
            route=Source.ADMIN,
            **{
                f: form.cleaned_data[f]
                for f in form.changed_data
                if f in services.COMMITMENT_FIELDS
            },
        )

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:90] + ("…" if len(obj.text) > 90 else "")


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["start_date", "end_date", "locked", "submission_deadline", "review_deadline"]

    def clean(self):
        data = super().clean()
        start = data.get("start_date") or getattr(self.instance, "start_date", None)
        if start is not None and not self.has_error("submission_deadline"):
            try:  # the calendar's rules, against the start being saved
                services.check_deadlines(
                    start=start,
                    submission=data.get("submission_deadline"),
                    review=data.get("review_deadline"),
                )
            except ValidationError as refused:
                for field, errors in refused.message_dict.items():
                    self.add_error(field, errors)
        if self.instance.pk and data.get("start_date") and data.get("end_date"):
            stored = ReportingPeriod.objects.get(pk=self.instance.pk)
            # the dates are checked with the deadlines being saved (checked above)
            stored.submission_deadline = data.get("submission_deadline")
            stored.review_deadline = data.get("review_deadline")
            problems = services.period_edit_problems(
                stored,
                start_date=data["start_date"],
                end_date=data["end_date"],
                locked=data.get("locked", False),
            )
            for field, message in problems.items():
                if field != "start_date" or not self.has_error("submission_deadline"):
                    self.add_error(field, message)
        return data


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "start_date",
        "end_date",
        "submission_deadline",
        "review_deadline",
        "locked",
    ]
    form = PeriodForm
    fields = list_display  # the list shows every field the form edits
    readonly_fields = ["code", "kind"]

    def has_add_permission(self, request):
        return False  # opened on the workspace's Periods page (services.open_period)

    def save_model(self, request, obj, form, change):
        # Both through the services (audited, figures and reminders follow), all or nothing.
        # The deadlines must fall on or after the start: they are set before the dates move
        # unless they only fit the new start.
        data = form.cleaned_data
        stored = ReportingPeriod.objects.get(pk=obj.pk)

        def dates():
            services.edit_period(
                period=stored,
                user=request.user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                locked=data["locked"],
                route=Source.ADMIN,
            )

        def deadlines():
            if {"submission_deadline", "review_deadline"} & set(form.changed_data):
                services.set_period_deadlines(
                    period=stored,
                    submission_deadline=data["submission_deadline"],
                    review_deadline=data["review_deadline"],
                    user=request.user,
                    route=Source.ADMIN,
                )

        fits_stored_start = (
            data["submission_deadline"] is None or data["submission_deadline"] >= stored.start_date
        )
        try:
            with transaction.atomic():
                for step in (deadlines, dates) if fits_stored_start else (dates, deadlines):
                    step()
        except ValidationError as exc:  # changed by someone else since the form was checked
            self.message_user(request, " ".join(exc.messages), messages.ERROR)


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

    def has_add_permission(self, request):
        return False  # statuses are recorded in the workspace, by spreadsheet or the API

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
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
        "pillar",
        "short_old",
        "short_new",
    ]
    list_filter = ["action", "route", "period"]
    search_fields = ["commitment__code", "user__username", "comment"]
    list_select_related = ["user", "commitment", "period", "pillar"]

    @admin.display(description=ChangeEvent._meta.get_field("old_value").verbose_name)
    def short_old(self, obj):
        return obj.old_value[:100]

    @admin.display(description=ChangeEvent._meta.get_field("new_value").verbose_name)
    def short_new(self, obj):
        return obj.new_value[:100]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
