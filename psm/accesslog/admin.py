from django.contrib import admin

from psm.accesslog.models import AccessEntry
from psm.admin import ReadOnlyAdmin


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is evidence, nobody edits or deletes it through the admin."""

    list_display = ("at", "user", "kind", "object_id", "beneficiary_id", "path")
    list_filter = ("kind",)
    search_fields = ("user__username", "path")
    date_hierarchy = "at"
    list_select_related = ("user",)
