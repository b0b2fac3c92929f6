"""The case rules of the reminder sweep (issue 5): which reminders are due now.

Each function is a sweeper for psm.notifications (settings.PSM_REMINDER_SWEEPERS): it
returns ReminderSpecs; `reminders_create` inserts them with ON CONFLICT DO NOTHING, so a
rule may return the same reminder on every sweep and it is created (and sent) once. The
occurrence is the due moment, so a new due time (priority changed) is a new reminder.
Only open cases are read, through the partial index on (due_at) of open cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Priority, Visit
from psm.accounts.models import User
from psm.notifications.services import ReminderSpec

BATCH = 2000


def _officers(*roles: str) -> list[int]:
    return list(User.objects.filter(role__in=roles, is_active=True).values_list("pk", flat=True))


def untriaged_cases(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """A new case not triaged by its due time -> every active staff member."""
    staff = _officers(User.Role.STAFF)
    cases = (
        Case.objects.filter(status=Case.Status.NEW, due_at__lte=now)
        .exclude(priority=Priority.EMERGENCY)  # emergencies have their own, louder rule
        .values_list("pk", "reference", "due_at")
        .order_by("due_at")
    )
    for pk, reference, due_at in cases.iterator(chunk_size=BATCH):
        if due_at is None:  # excluded by the filter; for the type checker
            continue
        for user_id in staff:
            yield ReminderSpec(
                subject_key=f"case:{pk}",
                kind="triage_overdue",
                occurrence=due_at.isoformat(),
                recipient_id=user_id,
                title=_("Case %(ref)s waits for triage past its due time") % {"ref": reference},
                url=f"/cases/{reference}/",
                due_at=due_at,
            )


def emergency_cases(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """An emergency case not started within 45 minutes -> staff and supervisors at once."""
    people = _officers(User.Role.STAFF, User.Role.SUPERVISOR)
    cases = (
        Case.objects.filter(
            priority=Priority.EMERGENCY,
            status__in=[Case.Status.NEW, Case.Status.VERIFIED, Case.Status.ASSIGNED],
            due_at__lte=now,
        )
        .values_list("pk", "reference", "due_at")
        .order_by("due_at")
    )
    for pk, reference, due_at in cases.iterator(chunk_size=BATCH):
        if due_at is None:  # excluded by the filter; for the type checker
            continue
        for user_id in people:
            yield ReminderSpec(
                subject_key=f"case:{pk}",
                kind="emergency_not_started",
                occurrence=due_at.isoformat(),
                recipient_id=user_id,
                title=_("EMERGENCY: case %(ref)s has not been started within 45 minutes")
                % {"ref": reference},
                url=f"/cases/{reference}/",
                is_emergency=True,
                due_at=due_at,
            )


def visits_due(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """A visit whose next-visit date is today or tomorrow -> the volunteer who planned it."""
    today = timezone.localtime(now).date()
    visits = (
        Visit.objects.filter(
            next_visit_on__range=(today, today + dt.timedelta(days=1)),
            case__status__in=Case.OPEN_STATUSES,
        )
        .filter(Q(volunteer__is_active=True))
        .values_list("pk", "volunteer_id", "next_visit_on", "case__reference")
    )
    for pk, user_id, day, reference in visits.iterator(chunk_size=BATCH):
        if day is None:  # excluded by the filter; for the type checker
            continue
        yield ReminderSpec(
            subject_key=f"visit:{pk}",
            kind="visit_due",
            occurrence=day.isoformat(),
            recipient_id=user_id,
            title=_("Home visit for case %(ref)s is due on %(day)s")
            % {"ref": reference, "day": day.strftime("%d-%m-%Y")},
            url=f"/cases/{reference}/",
        )
