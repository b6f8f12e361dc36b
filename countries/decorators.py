"""View decorators: who may open the workspace's pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from countries.permissions import can_use_workspace, is_secretariat


def workspace_view(view):
    """Signed-in secretariat staff or national team members only (403 for anyone else)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_use_workspace(request.user):
            raise PermissionDenied(_("Your account has no role in the workspace yet."))
        return view(request, *args, **kwargs)

    return wrapper


def secretariat_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied(_("Only the secretariat may open this page."))
        return view(request, *args, **kwargs)

    return wrapper
