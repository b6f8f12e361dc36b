"""The Secretariat group's permissions on indicators (added after every migrate; idempotent)."""

from django.contrib.auth.models import Group, Permission

from commitments.permissions import SECRETARIAT_GROUP

PERMISSIONS = [
    ("indicators", "review_indicatorvalue"),
    ("indicators", "view_indicatorvalue"),
    ("indicators", "view_indicatorevent"),
    ("indicators", "view_indicator"),
    ("indicators", "add_indicator"),
    ("indicators", "change_indicator"),
    ("indicators", "view_commitmentindicator"),
    ("indicators", "add_commitmentindicator"),
    ("indicators", "change_commitmentindicator"),
    ("indicators", "delete_commitmentindicator"),
]


def ensure_roles(**kwargs) -> Group:
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.add(
        *[
            perm
            for app_label, codename in PERMISSIONS
            for perm in Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        ]
    )
    return group
