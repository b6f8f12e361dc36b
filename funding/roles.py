"""The Secretariat group's permissions on funding (added after every migrate; idempotent)."""

from django.contrib.auth.models import Group, Permission

from commitments.permissions import SECRETARIAT_GROUP

PERMISSIONS = [
    (model, action)
    for model in ("quantification", "fundingline", "contribution")
    for action in ("view", "add", "change", "delete")
]


def ensure_roles(**kwargs) -> Group:
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="funding",
            codename__in=[f"{action}_{model}" for model, action in PERMISSIONS],
        )
    )
    return group
