"""Monthly activity reports: draft -> submitted -> approved / revision_requested / rejected."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from psm.accounts.models import User
from psm.localtime import WITA
from volunteers.caseload import caseload
from volunteers.models import ActivityReport, Volunteer, month_start

S = ActivityReport.Status
REPORT_FIELDS = ("activities", "visits_count", "cases_handled", "notes")
# Months are the city's months, whatever TIME_ZONE the process runs with.


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the calendar month in Asia/Makassar (WITA), as aware datetimes."""
    start = month_start(month)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=WITA),
        dt.datetime.combine(end, dt.time.min, tzinfo=WITA),
    )


def activity_report_cases_handled_prefill(*, volunteer: Volunteer, month: dt.date) -> int:
    """How many distinct cases the volunteer acted on in `month` (WITA): a timeline event by
    them, a visit they logged (by visit date), or a case they filed. Counted by `cases`
    (volunteers.caseload: this app does not import it)."""
    start, end = month_bounds(month)
    return caseload().cases_handled(user=volunteer.user, start=start, end=end)


def _check_month(month: dt.date) -> dt.date:
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError({"month": _("A report cannot be for a future month.")})
    return month


@transaction.atomic
def activity_report_create(
    *,
    volunteer: Volunteer,
    month: dt.date,
    activities: str,
    visits_count: int = 0,
    cases_handled: int | None = None,
    notes: str = "",
    submit: bool = False,
) -> ActivityReport:
    month = _check_month(month)
    if ActivityReport.objects.filter(volunteer=volunteer, month=month).exists():
        raise ValidationError(
            {"month": _("You already have a report for this month; open it to edit it.")},
            code="duplicate",
        )
    if cases_handled is None:
        cases_handled = activity_report_cases_handled_prefill(volunteer=volunteer, month=month)
    report = ActivityReport(
        volunteer=volunteer,
        month=month,
        activities=activities,
        visits_count=visits_count,
        cases_handled=cases_handled,
        notes=notes,
    )
    report.full_clean()
    report.save()
    if submit:
        report = activity_report_submit(report=report, actor=volunteer.user)
    return report


@transaction.atomic
def activity_report_update(
    *, report: ActivityReport, data: dict[str, object], actor: User
) -> ActivityReport:
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"activity_report_update cannot change {sorted(unknown)}")
    report = (
        ActivityReport.objects.select_for_update().select_related("volunteer").get(pk=report.pk)
    )
    if report.volunteer.user_id != actor.pk:
        raise PermissionDenied
    if not report.is_editable:
        raise ValidationError(
            _("Only a draft or a report sent back for revision can be edited."),
            code="not_editable",
        )
    for field, value in data.items():
        setattr(report, field, value)
    report.full_clean()
    report.save()
    return report


def _transition(
    report: ActivityReport, status: str, *, reason: str = "", reviewer: User | None = None
) -> ActivityReport:
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if not report.can_move_to(status):
        raise ValidationError(
            _("A report that is %(current)s cannot become %(new)s.")
            % {"current": report.get_status_display(), "new": S(status).label},
            code="transition",
        )
    reason = (reason or "").strip()
    if status in ActivityReport.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("A reason is required.")}, code="reason_required")
    report.status = status
    if reviewer is not None:
        report.review_reason = reason
        report.reviewed_by = reviewer
        report.reviewed_at = timezone.now()
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def activity_report_submit(*, report: ActivityReport, actor: User) -> ActivityReport:
    """The volunteer sends their report (again, after a revision request)."""
    if report.volunteer.user_id != actor.pk:
        raise PermissionDenied
    report = _transition(report, S.SUBMITTED)
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at"])
    return report


@transaction.atomic
def activity_report_review(
    *, report: ActivityReport, decision: str, reviewer: User, reason: str = ""
) -> ActivityReport:
    """A supervisor (or admin) approves, asks for revision or rejects (reason required)."""
    if not reviewer.is_supervisor_or_admin:
        raise PermissionDenied
    if decision not in (S.APPROVED, S.REVISION_REQUESTED, S.REJECTED):
        raise ValidationError({"decision": _("Choose approve, revision or reject.")})
    return _transition(report, decision, reason=reason, reviewer=reviewer)
