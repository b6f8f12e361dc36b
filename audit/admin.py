"""The audit trail in the admin: read only."""

from django.contrib import admin

from audit.models import ChangeEvent


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin):
    """The audit trail, read only: who changed what, when, by which route."""

    list_display = [
        "at",
        "user",
        "action",
        "route",
        "commitment",
        "period",
        "pillar",
        "short_old",
        "short_new",
    ]
    list_filter = ["action", "route", "period"]
    search_fields = ["commitment__code", "user__username", "comment"]
    list_select_related = ["user", "commitment", "period", "pillar"]

    # Read only: the values as a reader reads them (review states by their label, a lock as
    # locked / unlocked), never the stored "submitted" or "True".
    fields = [
        "at",
        "user",
        "action",
        "route",
        "commitment",
        "period",
        "status_update",
        "pillar",
        "plan",
        "old_display",
        "new_display",
        "comment",
    ]
    readonly_fields = fields

    @admin.display(description=ChangeEvent._meta.get_field("old_value").verbose_name)
    def short_old(self, obj):
        return obj.old_display[:100]

    @admin.display(description=ChangeEvent._meta.get_field("new_value").verbose_name)
    def short_new(self, obj):
        return obj.new_display[:100]

    @admin.display(description=ChangeEvent._meta.get_field("old_value").verbose_name)
    def old_display(self, obj):
        return obj.old_display

    @admin.display(description=ChangeEvent._meta.get_field("new_value").verbose_name)
    def new_display(self, obj):
        return obj.new_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
