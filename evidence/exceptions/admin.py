from django.contrib import admin

from evidence.exceptions.models import RiskException


@admin.register(RiskException)
class RiskExceptionAdmin(admin.ModelAdmin):
    """Read-only: exceptions change through their approval workflow, never by hand."""

    list_display = ["check_id", "scope", "scope_value", "state", "ends_on", "requested_by"]
    list_filter = ["state", "risk_rating", "scope"]
    search_fields = ["check_id", "scope_value", "justification"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
