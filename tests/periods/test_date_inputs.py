"""Date inputs always carry YYYY-MM-DD (issue 19): Django renders a date input's value in the
language's first input format (31/08/2025 in Spanish), which <input type="date"> cannot show;
the Spanish periods page looked empty and, saved untouched, cleared both deadlines."""

import datetime as dt
import importlib
import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from audit.models import ChangeEvent
from mirps.forms import DateInput
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines
from tests import cast as casts
from tests.cast import client_in

# Guatemala's team and the secretariat (formerly tests/forms/conftest.py).
people = casts.team_and_secretariat


pytestmark = pytest.mark.django_db

AUGUST_31 = dt.date(2025, 8, 31)


def project_forms():
    """Every form class of the project's apps (their forms.py and the shared mirps.forms)."""
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or ".venv" in config.path:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def date_fields(form_class):
    return [
        name for name, field in form_class.base_fields.items() if isinstance(field, forms.DateField)
    ]


def test_the_sweep_finds_the_forms_with_dates():
    with_dates = {cls.__name__ for cls in project_forms() if date_fields(cls)}
    assert {"OpenPeriodForm", "DeadlinesForm", "IndicatorValueForm"} <= with_dates


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_date_field_of_every_form_renders_iso_in_both_languages(plans, language):
    checked = 0
    for form_class in project_forms():
        names = date_fields(form_class)
        if not names:
            continue
        for name in names:
            field = form_class.base_fields[name]
            assert isinstance(field.widget, DateInput), f"{form_class.__name__}.{name}"
        kwargs = (
            {"countries": None} if "countries" in inspect.signature(form_class).parameters else {}
        )
        form = form_class(initial={n: AUGUST_31 for n in names}, **kwargs)
        with translation.override(language):
            for name in names:
                html = str(form[name])
                assert 'type="date"' in html, html
                assert 'value="2025-08-31"' in html, (form_class.__name__, name, html)
                checked += 1
    assert checked >= 6


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_date_typed_either_way_is_read(language):
    from periods.forms import DeadlinesForm

    with translation.override(language):
        iso = DeadlinesForm({"submission_deadline": "2025-08-31", "review_deadline": ""})
        assert iso.is_valid() and iso.cleaned_data["submission_deadline"] == AUGUST_31


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_periods_page_saved_untouched_keeps_the_deadlines(people, language):
    period = set_period_deadlines(
        period=ReportingPeriod.objects.get(code="2025"),
        submission_deadline=AUGUST_31,
        review_deadline=dt.date(2025, 9, 15),
        user=people["sofia"],
    )
    events = ChangeEvent.objects.count()
    client = client_in(language, people["sofia"])
    html = client.get(reverse("periods")).content.decode()
    # what the page's date inputs carry, as the browser would send them back
    values = dict(re.findall(r'<input type="date" name="(2025-[a-z_]+)" value="([^"]*)"', html))
    assert values == {
        "2025-submission_deadline": "2025-08-31",
        "2025-review_deadline": "2025-09-15",
    }
    response = client.post(reverse("period-deadlines", args=["2025"]), values, follow=True)
    assert response.status_code == 200
    period.refresh_from_db()
    assert (period.submission_deadline, period.review_deadline) == (
        AUGUST_31,
        dt.date(2025, 9, 15),
    )
    assert ChangeEvent.objects.count() == events  # nothing changed, nothing audited
    said = {"es": "No cambió nada", "en": "Nothing changed"}[language]
    assert said in response.content.decode()


def test_a_real_change_of_deadline_is_still_saved_and_said(people):
    client = client_in("es", people["sofia"])
    response = client.post(
        reverse("period-deadlines", args=["2025"]),
        {"2025-submission_deadline": "2025-10-01", "2025-review_deadline": ""},
        follow=True,
    )
    assert "Fechas límite de 2025 guardadas" in response.content.decode()
    period = ReportingPeriod.objects.get(code="2025")
    assert period.submission_deadline == dt.date(2025, 10, 1)
