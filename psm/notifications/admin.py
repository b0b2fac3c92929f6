from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from psm.notifications.models import Notification, NotificationPreference, Reminder
from psm.notifications.services import reminder_retry


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "state",
        "kind",
        "subject_key",
        "occurrence",
        "recipient",
        "is_emergency",
        "due_at",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "is_emergency", "kind"]
    search_fields = ["subject_key", "kind", "recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = [
        "state",
        "lease_expires_at",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "channels_sent",
    ]
    actions = ["retry"]

    @admin.action(description=_("Retry the selected failed reminders"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        retried = sum(reminder_retry(reminder=r) for r in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder queued again.",
                "%(count)d reminders queued again.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["is_emergency"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient", "reminder"]
    list_select_related = ["recipient"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "whatsapp"]
    raw_id_fields = ["user"]
