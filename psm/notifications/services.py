"""Every write of psm.notifications: create, claim and deliver reminders; in-app reads.

Delivery contract (why no reminder is lost, and how close we get to "never twice"):

* The database remembers what is due. A reminder is `pending` until a claim moves it to
  `sending` with a lease; a worker that dies, a lost task message or a restarted Redis only
  delays it: the next sweep reclaims every `sending` row whose lease expired.
* `reminder_deliver` sends one channel per transaction. It locks the row
  (`SELECT ... FOR UPDATE SKIP LOCKED`), writes the channel as sent (and the reminder as
  `sent` when it is the last one), *then* calls the sink, and commits as the very next step
  after the sink's acknowledgement. A worker killed before the acknowledgement leaves the
  transaction uncommitted: PostgreSQL rolls it back when the connection drops and the row is
  retried. While the lock is held no other worker (nor a reclaim) can touch the row.
* Residual window (at-least-once, documented honestly): if the process dies after the sink has
  taken the message but before the COMMIT reaches PostgreSQL, the message is sent again. On
  our side that is the time from the sink's 250 to the COMMIT (measured 2026-11-27 on the
  loaded 2-core machine: median 0.4 ms, p99 7 ms, about 1% of a delivery). The larger part is
  the sink's own: SMTP cannot take a message back once the final "." is sent, so a sender that
  dies while the server stores it (before the 250 arrives) has delivered a message it will
  send again; in a SIGKILL experiment every duplicate was recorded by the sink 8-14 ms after
  the sender was dead. No commit order closes that. Every external message carries
  `psm-reminder-<id>` as its idempotency key (email Message-ID, `Idempotency-Key` HTTP
  header) so a sink that dedupes closes it. The in-app channel is written in the same
  transaction and is exactly once.
* Quiet hours: in-app notifications go out at any hour; email and WhatsApp/SMS of a
  non-emergency reminder wait (the row goes back to `pending`, due at the end of quiet hours).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from psm.accounts.models import User
from psm.notifications import channels
from psm.notifications.models import Notification, NotificationPreference, Reminder, SweepMark

logger = logging.getLogger(__name__)

State = Reminder.State
OPEN_STATES = (State.PENDING, State.SENDING)
BACKOFF_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600


@dataclass(frozen=True)
class ReminderSpec:
    """What a sweeper returns: one message for one person about one occurrence.

    `subject_key` names what it is about ("case:123"), `kind` the rule ("triage_overdue"),
    `occurrence` which instance of the rule (an ISO due time or date): the four together with
    the recipient are unique, so returning the same spec again creates nothing.
    """

    subject_key: str
    kind: str
    occurrence: str
    recipient_id: int
    title: str
    body: str = ""
    url: str = ""
    # In-app only (the person's name...): never in an email or a WhatsApp message.
    private_body: str = ""
    is_emergency: bool = False
    due_at: datetime | None = None

    def __post_init__(self) -> None:
        limits = {"subject_key": 100, "kind": 64, "occurrence": 64, "title": 200, "url": 500}
        for name, limit in limits.items():
            value = getattr(self, name)
            if name != "url" and not value:
                raise ValidationError(f"ReminderSpec.{name} must not be empty")
            if len(value) > limit:
                raise ValidationError(f"ReminderSpec.{name} is longer than {limit} characters")
        if self.due_at is not None and timezone.is_naive(self.due_at):
            raise ValidationError("ReminderSpec.due_at must be timezone-aware")


@dataclass(frozen=True)
class SqlReminders:
    """What a set-based sweeper returns instead of many ReminderSpecs (issue 7, M5): a SELECT
    of the columns (subject_key, kind, occurrence, recipient_id, title, body, url,
    is_emergency, due_at, private_body), inserted by `reminders_create` in one
    INSERT ... SELECT ... ON CONFLICT DO NOTHING. With `mark` set, the sweep time
    `swept_until` is stored under that name in the same transaction (`sweep_mark` reads it
    for the next sweep's window)."""

    select: str
    params: tuple[Any, ...] = ()
    mark: str = ""
    swept_until: datetime | None = None


# How far back of the last sweep a watermarked rule looks again: a case saved in a
# transaction that committed after the sweep's snapshot carries an earlier updated_at.
SWEEP_MARK_MARGIN = timedelta(minutes=10)


def sweep_mark(*, rule: str) -> datetime | None:
    """The start of the window a watermarked rule reads: its last sweep minus the margin
    (None: never swept, read everything due)."""
    swept = SweepMark.objects.filter(rule=rule).values_list("swept_until", flat=True).first()
    return None if swept is None else swept - SWEEP_MARK_MARGIN


def _as_spec(spec: ReminderSpec | Mapping[str, Any]) -> ReminderSpec:
    return spec if isinstance(spec, ReminderSpec) else ReminderSpec(**spec)


# --- quiet hours -----------------------------------------------------------------------
def quiet_hours_end(at: datetime) -> datetime:
    """The next end of quiet hours after `at` (06:00 local time by default)."""
    end = settings.PSM_QUIET_HOURS[1]
    local = at.astimezone(ZoneInfo(settings.TIME_ZONE))
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    return morning if morning > local else morning + timedelta(days=1)


def in_quiet_hours(at: datetime | None = None) -> bool:
    """21:00-06:00 local time (settings.PSM_QUIET_HOURS, TIME_ZONE) by default."""
    start, end = settings.PSM_QUIET_HOURS
    hour = (at or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE)).hour
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


# --- create ----------------------------------------------------------------------------
_INSERT = """
INSERT INTO notifications_reminder
    (subject_key, kind, occurrence, recipient_id, title, body, url, is_emergency,
     due_at, private_body, state, attempts, last_error, created_at, channels_sent)
SELECT s.subject_key, s.kind, s.occurrence, s.recipient_id, s.title, s.body, s.url,
       s.is_emergency, s.due_at, s.private_body, %s, 0, '', %s, '{}'
FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[],
            %s::text[], %s::boolean[], %s::timestamptz[], %s::text[])
     AS s(subject_key, kind, occurrence, recipient_id, title, body, url, is_emergency, due_at,
          private_body)
ON CONFLICT (subject_key, kind, occurrence, recipient_id) DO NOTHING
"""
_CHUNK = 5000


_INSERT_SELECT = """
INSERT INTO notifications_reminder
    (subject_key, kind, occurrence, recipient_id, title, body, url, is_emergency,
     due_at, private_body, state, attempts, last_error, created_at, channels_sent)
SELECT s.subject_key, s.kind, s.occurrence, s.recipient_id, s.title, s.body, s.url,
       s.is_emergency, s.due_at, s.private_body, %s, 0, '', %s, '{{}}'
FROM ({select}) AS s(subject_key, kind, occurrence, recipient_id, title, body, url,
                     is_emergency, due_at, private_body)
ON CONFLICT (subject_key, kind, occurrence, recipient_id) DO NOTHING
"""


def reminders_create(*, specs: Iterable[ReminderSpec | SqlReminders | Mapping[str, Any]]) -> int:
    """Insert reminders idempotently (INSERT ... ON CONFLICT DO NOTHING); return how many
    were new. Specs may be `ReminderSpec`s, dicts with the same keys, or `SqlReminders`
    (a set of reminders as one SELECT, inserted in one statement)."""
    now = timezone.now()
    created = 0
    batch: list[ReminderSpec] = []
    with transaction.atomic():
        for spec in specs:
            if isinstance(spec, SqlReminders):
                created += _insert_select(spec, now)
                continue
            batch.append(_as_spec(spec))
            if len(batch) >= _CHUNK:
                created += _insert(batch, now)
                batch = []
        if batch:
            created += _insert(batch, now)
    return created


def _insert(batch: list[ReminderSpec], now: datetime) -> int:
    columns: list[list[Any]] = [
        [s.subject_key for s in batch],
        [s.kind for s in batch],
        [s.occurrence for s in batch],
        [s.recipient_id for s in batch],
        [s.title for s in batch],
        [s.body for s in batch],
        [s.url for s in batch],
        [s.is_emergency for s in batch],
        [s.due_at or now for s in batch],
        [s.private_body for s in batch],
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [State.PENDING.value, now, *columns])
        return max(cursor.rowcount, 0)


def _insert_select(spec: SqlReminders, now: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SELECT.format(select=spec.select),
            [State.PENDING.value, now, *spec.params],
        )
        created = max(cursor.rowcount, 0)
        if spec.mark:
            # Last writer wins: an older mark only widens the next window (never misses).
            table = SweepMark._meta.db_table  # the model's table name, never input
            cursor.execute(
                f"""INSERT INTO {table} (rule, swept_until) VALUES (%s, %s)
                    ON CONFLICT (rule) DO UPDATE SET swept_until = EXCLUDED.swept_until""",  # nosec B608  # noqa: S608
                [spec.mark, spec.swept_until or now],
            )
    return created


# --- claim -----------------------------------------------------------------------------
@transaction.atomic
def reminders_claim(*, limit: int | None = None) -> list[int]:
    """Claim due reminders for delivery and return their ids.

    Takes `pending` rows that are due and `sending` rows whose lease expired (a worker died
    or a task message was lost), skipping rows another transaction holds
    (`FOR UPDATE SKIP LOCKED`, so concurrent sweeps never claim the same row). Claimed rows
    become `sending` with a fresh lease. Attempts are counted when a delivery starts, so a
    reclaim of a task that never ran costs no attempt. Quiet hours claim everything due:
    in-app notifications go out at any hour; the delivery holds the other channels.
    """
    limit = limit or settings.PSM_REMINDER_BATCH
    now = timezone.now()
    expired = Reminder.objects.filter(state=State.SENDING, lease_expires_at__lte=now)
    pending = Reminder.objects.filter(state=State.PENDING, due_at__lte=now)
    ids = list(
        expired.order_by("lease_expires_at")
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[:limit]
    )
    if len(ids) < limit:
        ids += list(
            pending.order_by("-is_emergency", "due_at")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[: limit - len(ids)]
        )
    if ids:
        lease = now + timedelta(seconds=settings.PSM_REMINDER_LEASE_SECONDS)
        Reminder.objects.filter(id__in=ids).update(state=State.SENDING, lease_expires_at=lease)
    return ids


# --- deliver ---------------------------------------------------------------------------
def channels_for(user: User) -> list[str]:
    """In-app always; email and WhatsApp/SMS when chosen and an address is known."""
    chosen = [channels.IN_APP]
    if not user.is_active:
        return chosen
    preference = NotificationPreference.objects.filter(user=user).first()
    preference = preference or NotificationPreference(user=user)
    if preference.email and user.email:
        chosen.append(channels.EMAIL)
    if preference.whatsapp and user.phone:
        chosen.append(channels.WHATSAPP)
    return chosen


def reminder_deliver(*, reminder_id: int) -> str:
    """Send a reminder on each of its recipient's channels, each once as far as a database
    can tell (see the module docstring). In quiet hours a non-emergency reminder goes out
    in-app only and waits for the morning for email and WhatsApp/SMS. Returns what
    happened: "sent", "held" (quiet hours), "busy" (another worker holds it), "done"
    (already sent, failed or not due), "retry" (a channel failed, retried later), "failed"
    (out of attempts) or "gone"."""
    started = _delivery_start(reminder_id)
    if isinstance(started, str):
        return started
    recipient = started.recipient
    planned = channels_for(recipient)
    lease_seconds = timedelta(seconds=settings.PSM_REMINDER_LEASE_SECONDS)
    while True:
        channel = ""
        try:
            with transaction.atomic():
                row = (
                    Reminder.objects.select_for_update(skip_locked=True)
                    .filter(pk=reminder_id, state=State.SENDING)
                    .first()
                )
                if row is None:
                    return "busy" if _is_open(reminder_id) else "done"
                remaining = [c for c in planned if c not in row.channels_sent]
                now = timezone.now()
                quiet = not row.is_emergency and in_quiet_hours(now)
                sendable = [c for c in remaining if c == channels.IN_APP or not quiet]
                if remaining and not sendable:
                    _hold(row, now)
                    return "held"
                row.lease_expires_at = now + lease_seconds
                if len(remaining) <= 1:
                    row.state = State.SENT
                    row.sent_at = now
                    row.lease_expires_at = None
                    row.last_error = ""
                if sendable:
                    channel = sendable[0]
                    row.channels_sent = [*row.channels_sent, channel]
                row.save(
                    update_fields=[
                        "state",
                        "sent_at",
                        "lease_expires_at",
                        "last_error",
                        "channels_sent",
                    ]
                )
                if channel:
                    # The last step before COMMIT: the sink's acknowledgement is followed
                    # directly by the commit of the row written above.
                    channels.SENDERS[channel](row, recipient)
        except Exception as exc:  # any channel failure: roll back, retry later
            logger.warning("reminder %s: %s failed: %s", reminder_id, channel, exc)
            return _record_failure(reminder_id, channel, exc)
        if len(remaining) <= 1:
            return "sent"


def _hold(row: Reminder, now: datetime) -> None:
    """Quiet hours: back to pending until they end; the held channels cost no attempt."""
    row.state = State.PENDING
    row.lease_expires_at = None
    row.due_at = quiet_hours_end(now)
    row.attempts = max(row.attempts - 1, 0)
    row.save(update_fields=["state", "lease_expires_at", "due_at", "attempts"])


def _is_open(reminder_id: int) -> bool:
    return Reminder.objects.filter(pk=reminder_id, state__in=OPEN_STATES).exists()


@transaction.atomic
def _delivery_start(reminder_id: int) -> Reminder | str:
    """Count the attempt and renew the lease in its own committed transaction, so a worker
    killed mid-send still used up an attempt (a reminder that crashes workers ends failed)."""
    row = (
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(pk=reminder_id)
        .first()
    )
    if row is None:
        return "busy" if _is_open(reminder_id) else "gone"
    now = timezone.now()
    if row.state not in OPEN_STATES or (row.state == State.PENDING and row.due_at > now):
        return "done"
    if row.attempts >= settings.PSM_REMINDER_MAX_ATTEMPTS:
        row.state = State.FAILED
        row.lease_expires_at = None
        row.last_error = row.last_error or "out of attempts"
        row.save(update_fields=["state", "lease_expires_at", "last_error"])
        return "failed"
    row.attempts += 1
    row.state = State.SENDING
    row.lease_expires_at = now + timedelta(seconds=settings.PSM_REMINDER_LEASE_SECONDS)
    row.save(update_fields=["attempts", "state", "lease_expires_at"])
    return row


@transaction.atomic
def _record_failure(reminder_id: int, channel: str, exc: Exception) -> str:
    row = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
    if row is None or row.state not in OPEN_STATES:
        return "done"
    row.last_error = f"{channel}: {exc.__class__.__name__}: {exc}"[:2000]
    row.lease_expires_at = None
    if row.attempts >= settings.PSM_REMINDER_MAX_ATTEMPTS:
        row.state = State.FAILED
    else:
        row.state = State.PENDING
        delay = min(BACKOFF_SECONDS * 2 ** max(row.attempts - 1, 0), BACKOFF_MAX_SECONDS)
        row.due_at = timezone.now() + timedelta(seconds=delay)
    row.save(update_fields=["last_error", "lease_expires_at", "state", "due_at"])
    return "failed" if row.state == State.FAILED else "retry"


@transaction.atomic
def reminder_retry(*, reminder: Reminder) -> bool:
    """Put a failed (or waiting) reminder back in the queue with a fresh attempt budget.
    A sent reminder is never resent; returns whether anything changed."""
    updated = Reminder.objects.filter(
        pk=reminder.pk, state__in=[State.FAILED, State.PENDING]
    ).update(state=State.PENDING, due_at=timezone.now(), attempts=0, lease_expires_at=None)
    return bool(updated)


# --- sweep -----------------------------------------------------------------------------
def reminders_sweep(*, now: datetime | None = None) -> int:
    """Ask every sweeper in settings.PSM_REMINDER_SWEEPERS for due reminders and create
    them; return how many were new. A failing sweeper is logged and does not stop others."""
    now = now or timezone.now()
    created = 0
    for path in settings.PSM_REMINDER_SWEEPERS:
        try:
            sweeper = import_string(path)
            created += reminders_create(specs=sweeper(now=now))
        except Exception:
            logger.exception("reminder sweeper %s failed", path)
    return created


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
