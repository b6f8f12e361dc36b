"""The admin: the same rules as every other route. Edits go through the services (audited,
figures invalidated); history and the audit trail are read only and never deleted here."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from commitments.editions import lineage_codes
from commitments.models import (
    Commitment,
    FocusArea,
    NationalPlan,
    Pillar,
    StatedCount,
)
from commitments.services import (
    COMMITMENT_FIELDS,
    COUNTRY_FIELDS,
    FOCUS_AREA_FIELDS,
    PILLAR_FIELDS,
    PLAN_TEXT_MAX_LENGTH,
    PLAN_TRANSLATION_FIELDS,
    TEXT_ES_MAX_LENGTH,
    edit_commitment,
    edit_country,
    edit_focus_area,
    edit_pillar,
    edit_plan_translation,
    edit_stated_count,
    edit_stated_total,
)
from countries.models import Country
from mirps.admin import NoDeleteMixin
from mirps.forms import too_long_message
from mirps.vocabulary import Route


@admin.register(Pillar)
class PillarAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["number", "name_en", "name_es"]
    fields = ["number", "name_en", "name_es", "description_en", "description_es"]

    def get_readonly_fields(self, request, obj=None):
        return ["number"] if obj is not None else []

    def has_add_permission(self, request):
        return False  # the four pillars are the plans' own

    def save_model(self, request, obj, form, change):
        edit_pillar(
            pillar=obj,
            user=request.user,
            route=Route.ADMIN,
            **{f: form.cleaned_data[f] for f in form.changed_data if f in PILLAR_FIELDS},
        )


@admin.register(FocusArea)
class FocusAreaAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code_shown", "name_en", "name_es", "order"]
    fields = ["code_shown", "name_en", "name_es", "order"]
    readonly_fields = ["code_shown"]

    def has_add_permission(self, request):
        return False  # the five focus areas are the plans' own

    @admin.display(description=FocusArea._meta.get_field("code").verbose_name, ordering="code")
    def code_shown(self, obj):
        return obj.code  # "EDU", not the label its choices give it

    def save_model(self, request, obj, form, change):
        edit_focus_area(
            focus_area=obj,
            user=request.user,
            route=Route.ADMIN,
            **{f: form.cleaned_data[f] for f in form.changed_data if f in FOCUS_AREA_FIELDS},
        )


# The seven countries are the catalogue's reference data (load_plans loads them): their
# names are edited here, through the catalogue's service, as the focus areas' are.
@admin.register(Country)
class CountryAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["iso3", "name_en", "name_es"]
    search_fields = ["iso3", "name_en", "name_es"]
    fields = ["iso3", "name_en", "name_es"]

    def get_readonly_fields(self, request, obj=None):
        return ["iso3"] if obj is not None else []

    def has_add_permission(self, request):
        return False  # the MIRPS countries come from the fixtures (manage.py load_plans)

    def save_model(self, request, obj, form, change):
        edit_country(
            country=obj,
            user=request.user,
            route=Route.ADMIN,
            **{f: form.cleaned_data[f] for f in form.changed_data if f in COUNTRY_FIELDS},
        )


class StatedCountForm(forms.ModelForm):
    class Meta:
        model = StatedCount
        fields = ["focus_area", "stated"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["focus_area"]
        # the five focus areas are edited on their own page, not from a plan's
        for link in ("add", "change", "delete", "view"):
            setattr(field.widget, f"can_{link}_related", False)
        if self.instance.pk:  # a stated count belongs to its focus area: set it or remove it
            field.disabled = True


class StatedCountInline(admin.TabularInline):
    model = StatedCount
    form = StatedCountForm
    extra = 0


class LimitsForm(forms.ModelForm):
    """A model form that says the services' length limits (``limits``: field → characters):
    a longer text is refused here, with its count, and kept in the form."""

    limits: dict[str, int] = {}

    def clean(self):
        data = super().clean()
        for field, limit in self.limits.items():
            value = (data.get(field) or "").strip()
            if len(value) > limit:
                self.add_error(field, too_long_message(len(value), limit))
        return data


class NationalPlanForm(LimitsForm):
    limits = PLAN_TEXT_MAX_LENGTH

    class Meta:
        model = NationalPlan
        fields = [*PLAN_TRANSLATION_FIELDS, "stated_total"]


class CommitmentForm(LimitsForm):
    limits = {"text_es": TEXT_ES_MAX_LENGTH}

    class Meta:
        model = Commitment
        fields = COMMITMENT_FIELDS


@admin.register(NationalPlan)
class NationalPlanAdmin(NoDeleteMixin, admin.ModelAdmin):
    """A plan as printed (country, edition, English title and summary: read only, from the
    fixtures) with what the secretariat edits through the services: the Spanish working
    translation, the stated total and the stated counts per focus area (each audited, and the
    figures move)."""

    list_display = ["country", "edition", "starts_on", "stated_total"]
    list_filter = ["edition"]
    form = NationalPlanForm
    inlines = [StatedCountInline]
    fields = [
        "country",
        "edition",
        "starts_on",
        "title_en",
        "title_es",
        "summary_en",
        "summary_es",
        "stated_total",
        "translation_edited_at",
    ]
    readonly_fields = [
        "country",
        "edition",
        "starts_on",
        "title_en",
        "summary_en",
        "translation_edited_at",
    ]

    def has_add_permission(self, request):
        return False  # the plans come from the fixtures (manage.py load_plans)

    def save_model(self, request, obj, form, change):
        translated = {
            f: form.cleaned_data[f] for f in form.changed_data if f in PLAN_TRANSLATION_FIELDS
        }
        if translated:
            edit_plan_translation(plan=obj, user=request.user, route=Route.ADMIN, **translated)
        if "stated_total" in form.changed_data:
            edit_stated_total(
                plan=obj,
                stated_total=form.cleaned_data["stated_total"],
                user=request.user,
                route=Route.ADMIN,
            )

    def save_formset(self, request, form, formset, change):
        # The stated counts, each through the service (set, changed or removed).
        formset.save(commit=False)
        edits = [(row.focus_area, None) for row in formset.deleted_objects]
        edits += [(row.focus_area, row.stated) for row in formset.new_objects]
        edits += [(row.focus_area, row.stated) for row, _fields in formset.changed_objects]
        for focus_area, stated in edits:
            edit_stated_count(
                plan=form.instance,
                focus_area=focus_area,
                stated=stated,
                user=request.user,
                route=Route.ADMIN,
            )


@admin.register(Commitment)
class CommitmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    form = CommitmentForm
    list_display = ["code", "country", "plan", "focus_area", "pillar", "short_text"]
    list_filter = ["country", "plan__edition", "focus_area", "pillar"]
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
        "original_language",
        "responsible_institution",
        "lineage",
        "translation_edited_at",
        "classification_edited_at",
    ]
    fields = [
        "code",
        "plan",
        "country",
        "focus_area",
        "order",
        "original_language",
        "text",
        "text_es",
        "responsible_institution",
        "lineage",
        "pillar",
        "pillar_rationale",
        "pillar_rationale_es",
        "translation_edited_at",
        "classification_edited_at",
    ]

    def has_add_permission(self, request):
        return False  # commitments come from the plans (manage.py load_plans)

    @admin.display(description=_("Lineage"))
    def lineage(self, obj) -> str:
        """What it replaces and what replaces it (issue 22), as loaded with its edition."""
        codes = lineage_codes([obj.pk])[obj.pk]
        return (
            "; ".join(
                part
                for part in (
                    _("replaces %(codes)s") % {"codes": ", ".join(codes["predecessors"])}
                    if codes["predecessors"]
                    else "",
                    _("continued by %(codes)s") % {"codes": ", ".join(codes["successors"])}
                    if codes["successors"]
                    else "",
                )
                if part
            )
            or "—"
        )

    def get_search_results(self, request, queryset, search_term):
        # the site's one search: both languages, any case and accents
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        # Audited per field, and a re-classified pillar moves the figures.
        edit_commitment(
            commitment=obj,
            user=request.user,
            route=Route.ADMIN,
            **{f: form.cleaned_data[f] for f in form.changed_data if f in COMMITMENT_FIELDS},
        )

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:90] + ("…" if len(obj.text) > 90 else "")
