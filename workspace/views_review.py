"""The review queue: every submission waiting for the secretariat, statuses and indicator values,
in one place (filters in the URL, a page of each), each beside the return it answers.

Each row is its own form (approve, or return with the comment typed beside it); the checkboxes
and the comment at the bottom review several at once, of either kind, all or none. The rules
live in the two review services (``commitments.services.review``,
``indicators.services.review_values``); this view parses and renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from countries.decorators import secretariat_view
from indicators import selectors as indicator_selectors
from indicators import services as indicator_services
from indicators.models import IndicatorValue
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.selectors import earlier_returns
from statuses.selectors import review_queue as pending_updates
from workspace.forms import REVIEW_INDICATORS, REVIEW_STATUSES, ReviewFilterForm, ReviewForm

REVIEW_PAGE_SIZE = 25

# What a row's buttons post: (kind, approve?) by the button's name; its value is the row's id.
ROW_BUTTONS = {
    "approve_one": ("u", True),
    "return_one": ("u", False),
    "approve_value": ("v", True),
    "return_value": ("v", False),
}


def _ids(raw) -> list[int]:
    return [int(i) for i in raw if str(i).isdigit()]


def _comment_box(field_id: str, row) -> str:
    """A row's own comment box: the form's widget (its limit and live count beside it), with
    what the person typed kept and the row's error tied to it."""
    attrs = {"id": field_id, "rows": 2}
    if row.row_error:
        attrs.update(
            {"aria-invalid": "true", "aria-describedby": field_id.replace("comment-", "err-")}
        )
    return ReviewForm(initial={"comment": row.row_comment})["comment"].as_widget(attrs=attrs)


def _review(updates, values, *, user, approve: bool, comment: str) -> tuple[int, int]:
    """Review statuses and indicator values together, all or none (one transaction)."""
    with transaction.atomic():
        reviewed = reviewed_values = 0
        if updates:
            reviewed = review(updates=updates, user=user, approve=approve, comment=comment)
        if values:
            reviewed_values = indicator_services.review_values(
                values=values, user=user, approve=approve, comment=comment
            )
    return reviewed, reviewed_values


def _done_message(updates: int, values: int, approve: bool) -> str:
    said = []
    if updates:
        if approve:
            text = ngettext("%(n)d update approved.", "%(n)d updates approved.", updates)
        else:
            text = ngettext("%(n)d update returned.", "%(n)d updates returned.", updates)
        said.append(text % {"n": updates})
    if values:
        if approve:
            text = ngettext("%(n)d value approved.", "%(n)d values approved.", values)
        else:
            text = ngettext("%(n)d value returned.", "%(n)d values returned.", values)
        said.append(text % {"n": values})
    return " ".join(said)


@dataclass
class _RowNotes:
    """What a row's own button left to say on that row: its error, and the comment typed."""

    errors: dict[str, str] = field(default_factory=dict)  # "u12"/"v7" -> the error
    comments: dict[str, str] = field(default_factory=dict)  # "u12"/"v7" -> the comment


@dataclass
class _Queue:
    page: object | None  # the page of status updates (None when only values are asked for)
    values_page: object | None  # the page of indicator values (None for statuses only)
    groups: dict  # country -> {"updates": [...], "values": [...], "count": n}


@secretariat_view
def review_queue(request):
    """Submissions awaiting review (statuses and indicator values), filtered by country, period,
    focus area and kind, a page of each kind at a time."""
    filters_form = ReviewFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    kind = filters.get("kind") or ""
    query = request.GET.copy()
    here = f"{reverse('review-queue')}?{query.urlencode()}" if query else reverse("review-queue")
    form = ReviewForm(request.POST or None)
    notes = _RowNotes()
    if request.method == "POST":
        if _review_posted(request, form, notes):
            return redirect(here)
    if notes.errors:
        form = ReviewForm()  # the bulk box at the bottom starts empty: the row keeps its text
    where = {
        "country": filters.get("country"),
        "period": filters.get("period"),
        "focus_area": filters.get("focus_area"),
    }
    queue = _queue(request, kind, where, notes)
    for error in notes.errors.values():  # its row left the queue meanwhile (reviewed, replaced)
        messages.error(request, error)
    query.pop("page", None)
    query.pop("vpage", None)
    updates_count = queue.page.paginator.count if queue.page else 0
    values_count = queue.values_page.paginator.count if queue.values_page else 0
    return render(
        request,
        "commitments/review.html",
        {
            "groups": sorted(queue.groups.items(), key=lambda item: item[0].name),
            "count": updates_count + values_count,
            "updates_count": updates_count,
            "values_count": values_count,
            "kind": kind,
            "page": queue.page,
            "values_page": queue.values_page,
            "form": form,
            "filters": filters_form,
            "filtered": bool({k: v for k, v in filters.items() if v}),
            "query": query.urlencode(),
            "here": here,
        },
    )


def _review_posted(request, form, notes: _RowNotes) -> bool:
    """Approve or return what was posted (a row's own button, or the ticked rows with the bulk
    box); True when done. A refusal is said on the row its button belongs to (``notes``), or
    as a message for the bulk action."""
    button = next((name for name in ROW_BUTTONS if request.POST.get(name)), None)
    row_key = f"{ROW_BUTTONS[button][0]}{request.POST[button]}" if button else ""
    if not form.is_valid():  # a comment over the limit: said on the row it came from
        if button:
            notes.errors[row_key] = " ".join(form.errors.get("comment", []))
            notes.comments[row_key] = request.POST.get("comment", "")
        else:
            messages.error(request, " ".join(form.errors.get("comment", [])))
        return False
    comment = form.cleaned_data["comment"]
    if button:
        which, approve = ROW_BUTTONS[button]
        ids = _ids([request.POST[button]])
        update_ids, value_ids = (ids, []) if which == "u" else ([], ids)
    else:
        approve = request.POST.get("action") == "approve"
        update_ids = _ids(request.POST.getlist("update"))
        value_ids = _ids(request.POST.getlist("value"))
    updates = list(StatusUpdate.objects.filter(pk__in=update_ids))
    values = list(IndicatorValue.objects.filter(pk__in=value_ids))
    if not updates and not values:
        messages.error(request, _("Select at least one update."))
        return False
    try:
        done = _review(updates, values, user=request.user, approve=approve, comment=comment)
    except ValidationError as exc:
        if button:  # said on the row, with what was typed kept
            notes.errors[row_key] = " ".join(exc.messages)
            notes.comments[row_key] = comment
        else:
            messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, _done_message(*done, approve))
    return True


def _queue(request, kind: str, where: dict, notes: _RowNotes) -> _Queue:
    """The pages of pending statuses and values, grouped by country; each row carries what its
    button left to say (taken out of ``notes``: what remains is for rows no longer here)."""
    queue = _Queue(page=None, values_page=None, groups={})

    def group_of(country) -> dict:
        return queue.groups.setdefault(country, {"updates": [], "values": []})

    if kind != REVIEW_INDICATORS:
        queue.page = Paginator(pending_updates(**where), REVIEW_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        returns = earlier_returns(queue.page.object_list)
        for update in queue.page.object_list:
            key = f"u{update.pk}"
            update.row_error = notes.errors.pop(key, "")
            update.row_comment = notes.comments.get(key, "")
            update.earlier_return = returns.get(update.pk)
            update.comment_box = _comment_box(f"comment-{update.pk}", update)
            group_of(update.commitment.country)["updates"].append(update)
    if kind != REVIEW_STATUSES:
        queue.values_page = Paginator(
            indicator_selectors.pending_values(**where), REVIEW_PAGE_SIZE
        ).get_page(request.GET.get("vpage"))
        for row in indicator_selectors.queue_rows(queue.values_page.object_list):
            key = f"v{row.value.pk}"
            row.row_error = notes.errors.pop(key, "")
            row.row_comment = notes.comments.get(key, "")
            row.comment_box = _comment_box(f"comment-v{row.value.pk}", row)
            group_of(row.value.country)["values"].append(row)
    for group in queue.groups.values():
        group["count"] = len(group["updates"]) + len(group["values"])
    return queue
