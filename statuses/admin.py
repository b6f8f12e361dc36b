"""Status history in the admin: read only."""

from django.contrib import admin

from statuses.models import StatusUpdate


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = [
        "commitment",
        "period",
        "status",
        "review_state",
        "source",
        "created_by",
        "created_at",
    ]
    list_filter = ["review_state", "source", "period", "status", "commitment__country"]
    search_fields = ["commitment__code", "narrative"]
    list_select_related = ["commitment", "period", "created_by"]
    # History is append-only: rows are read here, never edited.
    readonly_fields = [
        "commitment",
        "period",
        "status",
        "status_before",
        "narrative",
        "evidence_url",
        "evidence_file",
        "created_by",
        "created_at",
        "source",
        "previous",
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    ]

    def has_add_permission(self, request):
        return False  # statuses are recorded in the workspace, by spreadsheet or the API

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
