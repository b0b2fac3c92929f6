"""Celery tasks: thin, take ids, call services. The database owns retries (the sweep)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction

from psm.notifications import services

TIME_LIMIT = settings.PSM_REMINDER_TASK_TIME_LIMIT


@shared_task(
    name="psm.notifications.tasks.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    # A hard limit only: a soft limit raises inside the send, possibly after the sink has
    # accepted the message, and the rollback would send it again. Network timeouts
    # (EMAIL_TIMEOUT, the gateway's) are shorter and end a stuck send cleanly first.
    time_limit=TIME_LIMIT,
)
def deliver(reminder_id: int) -> str:
    return services.reminder_deliver(reminder_id=reminder_id)


def _enqueue(ids: list[int]) -> None:
    for reminder_id in ids:
        deliver.delay(reminder_id)


@shared_task(
    name="psm.notifications.tasks.dispatch",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=TIME_LIMIT,
    soft_time_limit=max(TIME_LIMIT - 10, 1),
)
def dispatch() -> dict[str, int]:
    """The beat task: sweep (create due reminders), reclaim expired leases, enqueue.

    Deliveries are enqueued after the claim commits; if the broker is down then, the rows
    stay `sending` and the next sweep after their lease reclaims them.
    """
    created = services.reminders_sweep()
    with transaction.atomic():
        ids = services.reminders_claim()
        transaction.on_commit(lambda: _enqueue(ids))
    return {"created": created, "claimed": len(ids)}


def dispatch_soon() -> None:
    """Run a dispatch right after the current transaction commits (emergencies)."""
    transaction.on_commit(dispatch.delay)
