from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countries.models import Membership
from countries.permissions import may_manage_account

User = get_user_model()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "country"]
    list_filter = ["country"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    verbose_name = _("national team")
    verbose_name_plural = _("national teams")


# Django stores the names of the permissions it makes in English ("Can view session"): they
# are shown from their code and the model's translated name instead.
PERMISSION_ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission) -> str:
    """ "Compromisos | compromiso | Puede ver compromiso": the app, the model and the action in
    the reader's language (a permission of our own by its translated name)."""
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if model is not None and action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"name": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


def permissions_field(db_field, kwargs: dict) -> dict:
    """``formfield_for_manytomany``'s arguments for a permissions field: readable labels."""
    if db_field.name in ("permissions", "user_permissions"):
        kwargs["form_class"] = PermissionsField
        kwargs.setdefault(
            "queryset", db_field.remote_field.model.objects.select_related("content_type")
        )
    return kwargs


admin.site.unregister(Group)


@admin.register(Group)
class TranslatedGroupAdmin(GroupAdmin):
    """Groups, their permissions written in the reader's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **permissions_field(db_field, kwargs)
        )


# Fields only a superuser may see or set: they grant any permission at all.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts, with their national teams. Staff who are not superusers (the secretariat)
    manage accounts but can never raise anyone, themselves included, above their own rights:
    no superuser flag or single permissions, only groups whose permissions they hold already.
    And they change only the accounts of people with lower rights than theirs
    (``may_manage_account``): the account of a fellow secretariat member or a superuser is read
    only, its password cannot be set and it cannot be deleted; on their own account the
    credentials are read only (their password changes on the password change page, which asks
    for the current one)."""

    inlines = [MembershipInline]
    # what a person signs in with, or resets a password through, and what they may do
    CREDENTIALS = ("username", "email", "is_active", "is_staff", "groups")
    # Facts, not settings: shown, never re-saved (a form saved untouched dropped their seconds'
    # fractions).
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {**opts, "fields": [f for f in opts["fields"] if f not in SUPERUSER_ONLY_FIELDS]},
            )
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            fields += [f for f in self.CREDENTIALS if f not in fields]
        return fields

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if f not in SUPERUSER_ONLY_FIELDS]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(pk__in=grantable_groups(request.user))
        return super().formfield_for_manytomany(
            db_field, request, **permissions_field(db_field, kwargs)
        )

    def _may_change(self, request, obj) -> bool:
        # their own account stays editable (name, national teams), its credentials read only
        return obj is None or obj.pk == request.user.pk or may_manage_account(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, unquote(id))
        if target is not None and not may_manage_account(request.user, target):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


def grantable_groups(user) -> list[int]:
    """Ids of the groups ``user`` may give: those whose every permission ``user`` holds."""
    held = user.get_all_permissions()
    return [
        group.pk
        for group in Group.objects.prefetch_related("permissions__content_type")
        if all(f"{p.content_type.app_label}.{p.codename}" in held for p in group.permissions.all())
    ]
