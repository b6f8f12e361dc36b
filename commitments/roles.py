"""The Secretariat group and its permissions, created after every migrate (idempotent)."""

from django.contrib.auth.models import Group, Permission

from .permissions import SECRETARIAT_GROUP

SECRETARIAT_PERMISSIONS = [
    ("commitments", "review_statusupdate"),
    ("commitments", "view_statusupdate"),
    ("commitments", "view_changeevent"),
    ("commitments", "change_commitment"),
    ("commitments", "view_commitment"),
    ("commitments", "change_reportingperiod"),
    ("commitments", "view_reportingperiod"),
    ("countries", "add_membership"),
    ("countries", "change_membership"),
    ("countries", "delete_membership"),
    ("countries", "view_membership"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_user"),
    # the record of every notification sent (read only in the admin)
    ("notifications", "view_notification"),
]


def ensure_roles(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    perms = []
    for app_label, codename in SECRETARIAT_PERMISSIONS:
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is not None:
            perms.append(perm)
    group.permissions.add(*perms)
    return group
