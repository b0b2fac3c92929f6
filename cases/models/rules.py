"""The case rules, each defined once: the status sets, their Q forms and CaseQuerySet.

Models (partial indexes), selectors, reminders and the dashboard's SQL (as parameters) all
use these; a copy elsewhere is a bug waiting for the first change.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from psm.accounts.models import User
from volunteers.models import Volunteer

if TYPE_CHECKING:  # QuerySet["Case"] below names it; the model imports this module
    from cases.models.case import Case  # noqa: F401


class CaseStatus(models.TextChoices):
    """Where a case stands (the moves between them: cases.models.workflow)."""

    NEW = "new", _("New")
    VERIFIED = "verified", _("Verified")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REFERRED = "referred", _("Referred")


# The one definition of each case rule: the constants, their Q forms (for Count(filter=...),
# annotations and partial indexes) and CaseQuerySet's methods built on those Q forms. SQL
# written by hand takes the constants as parameters (`= ANY(%s)`), never as literals.
# Waiting for triage: the triage queue's default and its index (case_triage_order_idx).
TRIAGE_STATUSES = (CaseStatus.NEW, CaseStatus.VERIFIED)
# Past triage and still open: someone holds the case and works on it.
ASSIGNED_STATUSES = (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)
OPEN_STATUSES = (*TRIAGE_STATUSES, *ASSIGNED_STATUSES)
# Everything else is done with: resolved, closed, rejected (which includes duplicates), referred.
CLOSED_STATUSES = tuple(s for s in CaseStatus if s not in OPEN_STATUSES)
# Open and not yet being worked on: an emergency in these is "not started" (cases.reminders).
NOT_STARTED_STATUSES = tuple(s for s in OPEN_STATUSES if s != CaseStatus.IN_PROGRESS)


# Lists, not tuples: an index condition is compared with the migrations' Q (whose values are
# lists), so a tuple would read as a changed index; the SQL is the same either way.
def open_q(prefix: str = "") -> Q:
    """Open cases (`prefix`: the path to the case from another model, e.g. "case__")."""
    return Q(**{f"{prefix}status__in": list(OPEN_STATUSES)})


def awaiting_triage_q() -> Q:
    return Q(status__in=list(TRIAGE_STATUSES))


def response_pending_q() -> Q:
    """Open cases still waiting for Dinsos' first response."""
    return open_q() & Q(first_response_at__isnull=True)


def response_late_q(now: dt.datetime) -> Q:
    """No first response and past its due time: "overdue" when the case is open (hand SQL
    that already holds only open cases compiles this part alone, reports.dashboard)."""
    return Q(first_response_at__isnull=True, due_at__lt=now)


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Open cases still waiting for Dinsos' first response after their due time (the
    instance's twin: Case.due_state)."""
    return open_q() & response_late_q(now or timezone.now())


def off_duty_volunteer_q(prefix: str = "") -> Q:
    """Users (at `prefix`) who are volunteers no longer on duty (inactive or suspended)."""
    return Q(
        **{
            f"{prefix}role": User.Role.VOLUNTEER,
            f"{prefix}volunteer__status__in": Volunteer.OFF_DUTY,
        }
    )


def departed_q(prefix: str = "") -> Q:
    """Users (at `prefix`) who can no longer work on their cases: login disabled, or a
    volunteer off duty."""
    return Q(**{f"{prefix}is_active": False}) | off_duty_volunteer_q(prefix)


def needs_reassignment_q() -> Q:
    """Open cases whose assignee can no longer work on them (the loaded row's twin:
    cases.display.needs_reassignment)."""
    return open_q() & departed_q("assignee__")


class CaseQuerySet(models.QuerySet["Case"]):
    """`Case.objects.open()`, `.overdue(now)`, ...: each rule above as a chainable filter."""

    def open(self) -> CaseQuerySet:
        return self.filter(open_q())

    def awaiting_triage(self) -> CaseQuerySet:
        return self.filter(awaiting_triage_q())

    def response_pending(self) -> CaseQuerySet:
        return self.filter(response_pending_q())

    def overdue(self, now: dt.datetime | None = None) -> CaseQuerySet:
        return self.filter(overdue_q(now))

    def needs_reassignment(self) -> CaseQuerySet:
        return self.filter(needs_reassignment_q())
