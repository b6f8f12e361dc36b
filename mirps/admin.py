"""Admin helpers shared by every app."""


class NoDeleteMixin:
    """Rows whose deletion would cascade to statuses or the audit trail: never deleted here."""

    def has_delete_permission(self, request, obj=None):
        return False
