"""The Secretariat group and its permissions, created after every migrate (idempotent).

Each app names, on its AppConfig, the permissions of its own models the secretariat holds
(``secretariat_permissions``); this one function gathers them, so no app writes its own copy
and no app below knows of the apps above it. The group may also manage accounts
(``ACCOUNT_PERMISSIONS``): ``countries/admin.py`` keeps anyone from raising themselves above
their own rights.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from countries.permissions import SECRETARIAT_GROUP

ACCOUNT_PERMISSIONS = [("auth", "add_user"), ("auth", "change_user"), ("auth", "view_user")]


def secretariat_permissions() -> list[tuple[str, str]]:
    """(app label, codename) of every permission the Secretariat group holds."""
    named = [
        (config.label, codename)
        for config in apps.get_app_configs()
        for codename in getattr(config, "secretariat_permissions", ())
    ]
    return ACCOUNT_PERMISSIONS + named


def ensure_roles(**kwargs) -> Group:
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    wanted = Q(pk__in=[])
    for app_label, codename in secretariat_permissions():
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group
