"""Reporting periods in the admin, edited through the period services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from mirps.admin import NoDeleteMixin
from mirps.vocabulary import Route
from periods.models import ReportingPeriod
from periods.services import (
    check_deadlines,
    edit_period,
    period_edit_problems,
    set_period_deadlines,
)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["start_date", "end_date", "locked", "submission_deadline", "review_deadline"]

    def clean(self):
        data = super().clean()
        start = data.get("start_date") or getattr(self.instance, "start_date", None)
        if start is not None and not self.has_error("submission_deadline"):
            try:  # the calendar's rules, against the start being saved
                check_deadlines(
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
            problems = period_edit_problems(
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
        return False  # opened on the workspace's Periods page (open_period)

    def save_model(self, request, obj, form, change):
        # Both through the services (audited, figures and reminders follow), all or nothing.
        # The deadlines must fall on or after the start: they are set before the dates move
        # unless they only fit the new start.
        data = form.cleaned_data
        stored = ReportingPeriod.objects.get(pk=obj.pk)

        def dates():
            edit_period(
                period=stored,
                user=request.user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                locked=data["locked"],
                route=Route.ADMIN,
            )

        def deadlines():
            if {"submission_deadline", "review_deadline"} & set(form.changed_data):
                set_period_deadlines(
                    period=stored,
                    submission_deadline=data["submission_deadline"],
                    review_deadline=data["review_deadline"],
                    user=request.user,
                    route=Route.ADMIN,
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
