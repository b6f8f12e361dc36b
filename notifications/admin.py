from django.contrib import admin

from notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The record of every notification made and what happened to its e-mail (read only)."""

    list_display = ["created_at", "recipient", "kind", "key", "email_state", "read_at"]
    list_filter = ["kind", "email_state", "language"]
    search_fields = ["recipient__username", "recipient__email", "key"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "email_reminders", "email_returned"]
    list_filter = ["language", "email_reminders", "email_returned"]
    search_fields = ["user__username", "user__email"]
