"""Creating reminders: what a sweeper returns, and the idempotent insert of it.

Sweepers (settings.PSM_REMINDER_SWEEPERS, in the apps above psm) return `ReminderSpec`s or
`SqlReminders`; `reminders_sweep` asks each of them and `reminders_create` inserts what they
return with INSERT ... ON CONFLICT DO NOTHING, so a sweep run twice creates nothing twice.
Delivery of what is created is in `delivery.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from psm.notifications.models import Reminder, SweepMark

logger = logging.getLogger("psm.notifications.services")  # one name for the package's log lines

State = Reminder.State


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
