"""The inbox, notification settings and the unsubscribe link. Thin: the words come from
``messages.describe``, the rules from ``cycle``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import cycle
from notifications.forms import PreferenceForm
from notifications.messages import describe
from notifications.models import Notification, Preference

INBOX_ITEMS = 8  # commitments listed per block in the inbox (the e-mail lists more)


@login_required
def inbox(request):
    """The signed-in person's notifications, newest first; unread ones stand out."""
    page = Paginator(
        Notification.objects.filter(recipient=request.user).select_related("recipient"), 30
    ).get_page(request.GET.get("page"))
    items = []
    for notification in page.object_list:
        message = describe(notification)
        blocks = [
            (heading, lines[:INBOX_ITEMS], more + max(0, len(lines) - INBOX_ITEMS))
            for heading, lines, more in message.blocks
        ]
        items.append((notification, message, blocks))
    unread = Notification.objects.filter(recipient=request.user).unread().count()
    return render(
        request, "notifications/inbox.html", {"page": page, "items": items, "unread": unread}
    )


@login_required
def open_notification(request, pk):
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    target = describe(notification).link or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@require_POST
@login_required
def mark_read(request):
    """Mark one (``id``) or all of the person's notifications read."""
    mine = Notification.objects.filter(recipient=request.user).unread()
    if request.POST.get("id"):
        if not request.POST["id"].isdigit():
            return HttpResponseBadRequest(_("Unknown notification."))
        mine = mine.filter(pk=int(request.POST["id"]))
    count = mine.update(read_at=timezone.now())
    if not request.POST.get("id"):
        messages.success(
            request,
            ngettext(
                "%(n)d notification marked as read.", "%(n)d notifications marked as read.", count
            )
            % {"n": count},
        )
    return redirect("notifications")


@login_required
def preferences(request):
    preference, _created = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications-settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )


@csrf_exempt  # the signed token is the credential; mail programs post here in one click
def unsubscribe(request, token):
    """Stop reminder and digest e-mails for the person the signed link was made for. A GET
    asks for confirmation (a link preview must not unsubscribe anyone); a POST does it."""
    user = cycle.user_from_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        Preference.objects.update_or_create(user=user, defaults={"email_reminders": False})
        done = True
    return render(
        request, "notifications/unsubscribe.html", {"done": done, "account": user, "token": token}
    )
