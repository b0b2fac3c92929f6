from django.contrib import admin
from django.http import HttpRequest

from psm.accesslog.models import AccessEntry


@admin.register(AccessEntry)
class AccessEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits or deletes it through the admin."""

    list_display = ("at", "user", "kind", "object_id", "beneficiary_id", "path")
    list_filter = ("kind",)
    search_fields = ("user__username", "path")
    date_hierarchy = "at"
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
