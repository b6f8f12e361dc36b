"""What an admin change form posts when saved as it was shown, to change a field or two."""

from __future__ import annotations

from django import forms


def _posted(bound):
    """What the browser posts for a bound field as shown (None: nothing)."""
    value = bound.value()
    widget = bound.field.widget
    if isinstance(widget, forms.NullBooleanSelect):
        return {True: "true", False: "false"}.get(value, "unknown")
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    if value is None:
        return None
    return getattr(value, "pk", value)


def form_data(response, **overrides) -> dict:
    """The data of the admin page ``response`` (a change or add form) as its form and inline
    formsets show it (management forms included), then ``overrides`` (None removes a field)."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data[form.add_prefix(name)] = _posted(form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for row in formset.forms:
            for name in row.fields:
                data[row.add_prefix(name)] = _posted(row[name])
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
