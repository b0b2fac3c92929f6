"""Every write of psm.notifications: create, claim and deliver reminders; in-app reads.

A package by concern (architecture: no module over ~400 lines): `creating` (what sweepers
return and its idempotent insert), `delivery` (claim, send once per channel, retry, quiet
hours; its docstring is the delivery contract), `inbox` (read state and preferences). Every
name is importable from here, as callers always did.
"""

from psm.notifications.services.creating import (
    SWEEP_MARK_MARGIN,
    ReminderSpec,
    SqlReminders,
    reminders_create,
    reminders_sweep,
    sweep_mark,
)
from psm.notifications.services.delivery import (
    BACKOFF_MAX_SECONDS,
    BACKOFF_SECONDS,
    OPEN_STATES,
    State,
    channels_for,
    in_quiet_hours,
    quiet_hours_end,
    reminder_deliver,
    reminder_retry,
    reminders_claim,
)
from psm.notifications.services.inbox import (
    notification_mark_read,
    notification_preference_update,
    notifications_mark_all_read,
)

__all__ = [
    "BACKOFF_MAX_SECONDS",
    "BACKOFF_SECONDS",
    "OPEN_STATES",
    "SWEEP_MARK_MARGIN",
    "ReminderSpec",
    "SqlReminders",
    "State",
    "channels_for",
    "in_quiet_hours",
    "notification_mark_read",
    "notification_preference_update",
    "notifications_mark_all_read",
    "quiet_hours_end",
    "reminder_deliver",
    "reminder_retry",
    "reminders_claim",
    "reminders_create",
    "reminders_sweep",
    "sweep_mark",
]
