"""In-app notifications' read state and a person's channel preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from psm.accounts.models import User
from psm.notifications.models import Notification, NotificationPreference


# --- in-app notifications and preferences ----------------------------------------------
@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preference_update(
    *, user: User, email: bool, whatsapp: bool
) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.email = email
    preference.whatsapp = whatsapp
    preference.full_clean()
    preference.save()
    return preference
