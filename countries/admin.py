from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import Country, Membership

User = get_user_model()


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso3", "name_en", "name_es"]
    search_fields = ["iso3", "name_en", "name_es"]


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


# Fields only a superuser may see or set: they grant any permission at all.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts, with their national teams. Staff who are not superusers (the secretariat)
    manage accounts but can never raise anyone, themselves included, above their own rights:
    no superuser flag or single permissions, only groups whose permissions they hold already,
    and no change to a superuser's account (its password included)."""

    inlines = [MembershipInline]

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

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if f not in SUPERUSER_ONLY_FIELDS]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(pk__in=grantable_groups(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


def grantable_groups(user) -> list[int]:
    """Ids of the groups ``user`` may give: those whose every permission ``user`` holds."""
    held = user.get_all_permissions()
    return [
        group.pk
        for group in Group.objects.prefetch_related("permissions__content_type")
        if all(f"{p.content_type.app_label}.{p.codename}" in held for p in group.permissions.all())
    ]
