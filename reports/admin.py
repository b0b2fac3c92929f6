from django.contrib import admin

from psm.admin import ReadOnlyAdmin
from reports.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Read-only: entries are written by the export views, and nobody edits the record."""

    list_display = ("created_at", "user", "kind", "row_count", "include_nik", "purpose")
    list_filter = ("kind", "include_nik")
    search_fields = ("user__username", "user__full_name", "purpose")
