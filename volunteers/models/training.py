"""Trainings (bimtek) and activity reports, and the month arithmetic of the reports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from psm.dates import validate_past_date, validate_planned_date
from volunteers.models.volunteer import Volunteer


class Training(models.Model):
    """A capacity-building event (bimbingan teknis, "bimtek")."""

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"), validators=[validate_planned_date])
    ends_on = models.DateField(_("ends on"), validators=[validate_planned_date])
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One per line."))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    is_basic_psm = models.BooleanField(
        _("basic PSM training"),
        default=False,
        help_text=_("Attending it counts as having completed the basic PSM training."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="training_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def speaker_list(self) -> list[str]:
        return [s.strip() for s in self.speakers.splitlines() if s.strip()]


class TrainingParticipant(models.Model):
    class Attendance(models.TextChoices):
        INVITED = "invited", _("Invited")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    training = models.ForeignKey(
        Training,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("training"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("volunteer"),
    )
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.INVITED
    )
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["volunteer__user__full_name"]
        verbose_name = _("training participant")
        verbose_name_plural = _("training participants")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "volunteer"], name="training_participant_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "attendance"], name="participant_vol_att_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.training}"


class ActivityReport(models.Model):
    """A volunteer's monthly activity report, reviewed by a supervisor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        REJECTED = "rejected", _("Rejected")

    # The one transition table: status -> statuses it may move to.
    ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.SUBMITTED}),
        Status.SUBMITTED: frozenset({Status.APPROVED, Status.REVISION_REQUESTED, Status.REJECTED}),
        Status.REVISION_REQUESTED: frozenset({Status.SUBMITTED}),
        Status.APPROVED: frozenset(),
        Status.REJECTED: frozenset(),
    }
    EDITABLE = frozenset({Status.DRAFT, Status.REVISION_REQUESTED})
    REASON_REQUIRED = frozenset({Status.REVISION_REQUESTED, Status.REJECTED})
    # A report in one of these counts as "reported" for its month.
    COUNTS_AS_REPORTED = frozenset({Status.SUBMITTED, Status.APPROVED})

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="activity_reports",
        verbose_name=_("volunteer"),
    )
    month = models.DateField(
        _("month"),
        help_text=_("The first day of the month reported."),
        validators=[validate_past_date],
    )
    activities = models.TextField(_("activities"))
    visits_count = models.PositiveIntegerField(_("home visits"), default=0)
    # Pre-filled from the case timeline (activity_report_cases_handled_prefill); editable.
    cases_handled = models.PositiveIntegerField(_("cases handled"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    review_reason = models.TextField(_("reviewer's reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-month", "volunteer__user__full_name"]
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "month"], name="activity_report_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="activity_report_month_first_day"
            ),
        ]
        indexes = [models.Index(fields=["month", "status"], name="report_month_status_idx")]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.month:%Y-%m}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, frozenset())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return month_start(month_start(day) - dt.timedelta(days=1))
