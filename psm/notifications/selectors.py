"""Reads for views and /healthz, scoped to the user (404 for another user's notification)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Min, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from psm.accounts.models import User
from psm.notifications.models import Notification, NotificationPreference, Reminder


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_get(*, user: User, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=user)


# The badge on every page: Notification.objects.filter(recipient=user, read_at__isnull=True)
# .count() as SQL written once. Building and compiling that queryset cost 0.25 ms of the
# page's server time (bench M2) for a count that takes PostgreSQL 0.02 ms from the partial
# index notification_unread_idx (its condition is this WHERE clause).
UNREAD_SQL = (
    f"SELECT count(*) FROM {Notification._meta.db_table}"  # noqa: S608  # nosec B608 - the model's table, no user input
    " WHERE recipient_id = %s AND read_at IS NULL"
)


def unread_count(*, user: User) -> int:
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, [user.pk])
        return int(cursor.fetchone()[0])


def preference_for(*, user: User) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def oldest_pending_reminder_age_seconds() -> float | None:
    """How long the oldest due, unsent reminder has waited (None when none waits)."""
    now = timezone.now()
    oldest = Reminder.objects.filter(
        state__in=[Reminder.State.PENDING, Reminder.State.SENDING], due_at__lte=now
    ).aggregate(oldest=Min("due_at"))["oldest"]
    if oldest is None:
        return None
    return round((now - oldest).total_seconds(), 1)
