from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pghistory
import pghistory.models
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_date
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from psm.dates import validate_past_date, validate_planned_date
from psm.fields import EncryptedCharField, EncryptedPhoneNumberField, KeyedHashField
from psm.nik import mask_nik, nik_validator
from psm.ui.dates import shown


class Kecamatan(models.Model):
    """A district of Kota Banjarmasin. Codes are data (public copies disagree), never logic."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        related_name="kelurahan_set",
        verbose_name=_("kecamatan"),
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):  # type: ignore[django-manager-missing]  # pghistory FK
    """A PSM volunteer's profile; the login is `user` (role volunteer)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        SUSPENDED = "suspended", _("Suspended")

    # Not on duty: their open cases wait for reassignment, and they cannot take new ones.
    OFF_DUTY = (Status.INACTIVE, Status.SUSPENDED)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="volunteer",
        verbose_name=_("user account"),
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("kelurahan served"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    appointed_on = models.DateField(
        _("appointed on"), null=True, blank=True, validators=[validate_past_date]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Roster profile (issue 4). Phone and email live on the user account.
    # NIK and WhatsApp number are encrypted at rest (psm.crypto); the NIK is found and kept
    # unique through its keyed hash.
    nik = EncryptedCharField(_("NIK"), max_length=16, blank=True, validators=[nik_validator])
    nik_hash = KeyedHashField(source="nik")
    whatsapp = EncryptedPhoneNumberField(_("WhatsApp number"), blank=True, region="ID")
    address = models.TextField(_("address"), blank=True)
    sk_number = models.CharField(_("appointment decree (SK) number"), max_length=100, blank=True)
    sk_year = models.PositiveSmallIntegerField(
        _("appointment decree (SK) year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    status_reason = models.CharField(_("reason for status"), max_length=255, blank=True)
    status_changed_on = models.DateField(
        _("status since"), null=True, blank=True, validators=[validate_past_date]
    )
    skills = models.CharField(
        _("skills"), max_length=255, blank=True, help_text=_("Comma separated.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [models.Index(fields=["kelurahan", "status"], name="volunteer_kel_status_idx")]
        constraints = [
            # Unique when present: an old record may still lack its NIK.
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=Q(nik_hash__isnull=False),
                name="volunteer_nik_unique",
                violation_error_message=_("A volunteer with this NIK is already registered."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def appointed_year(self) -> int | None:
        if self.sk_year:
            return self.sk_year
        return self.appointed_on.year if self.appointed_on else None

    @property
    def skill_list(self) -> list[str]:
        return [s.strip() for s in self.skills.split(",") if s.strip()]


# Audit (django-pghistory): the one history of a volunteer. A trigger writes a snapshot on
# every insert and update, bulk ones included; encrypted columns stay out (an NIK change shows
# as its hash). The roster services then annotate their own row with the action, the actor
# and the change as a person reads it (volunteers/services/roster.py, numbers masked), which
# also covers the login's name, email and phone, kept on another table.
if TYPE_CHECKING:  # the generated base is dynamic: its columns are declared below
    _VolunteerEvent = pghistory.models.Event
else:
    _VolunteerEvent = pghistory.create_event_model(
        Volunteer,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        # An invitation changes no column of the volunteer: a manual event records it.
        pghistory.ManualEvent(label="invited"),
        exclude=["nik", "whatsapp"],
        obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
    )


class VolunteerHistory(_VolunteerEvent):
    if TYPE_CHECKING:
        pgh_obj: Volunteer
        pgh_context: Any
        nik_hash: str | None

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        STATUS = "status", _("Status changed")
        IMPORTED = "imported", _("Imported")
        INVITED = "invited", _("Invitation sent")

    # Labels of rows whose columns are the volunteer's at that moment (trigger rows and manual
    # events); rows carried over from the former VolunteerChange table say "carried".
    SNAPSHOT_LABELS = frozenset({"insert", "update", "invited"})

    # Empty on a row no service annotated (a bulk write, the admin, a data fix).
    action = models.CharField(
        _("action"), max_length=16, choices=Action.choices, blank=True, default="", db_default=""
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # {field: [old, new]} with display values; NIKs and phone numbers are stored masked.
    changes = models.JSONField(_("changes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-pgh_created_at", "-pgh_id"]
        verbose_name = _("volunteer change")
        verbose_name_plural = _("volunteer changes")
        indexes = [
            models.Index(fields=["pgh_obj", "-pgh_created_at"], name="volunteer_history_idx")
        ]

    def __str__(self) -> str:
        return f"{self.pgh_obj} {self.action or self.pgh_label} {self.pgh_created_at:%Y-%m-%d}"

    @property
    def at(self) -> dt.datetime:
        return self.pgh_created_at

    @property
    def action_label(self) -> str:
        if self.action:
            return str(self.Action(self.action).label)
        created = self.pgh_label == "insert"
        return str(self.Action.CREATED.label if created else self.Action.UPDATED.label)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field, old, new) as a person reads them: the field's verbose name, choice
        labels for coded values, dates in the active language (the JSON keeps raw values)."""
        rows = []
        for name, pair in (self.changes or {}).items():
            old, new = ([*pair, "", ""] if isinstance(pair, list | tuple) else ["", ""])[:2]
            if old in (None, "") and new in (None, ""):
                continue  # an empty field of a new record: nothing to read
            rows.append((change_label(name), change_value(name, old), change_value(name, new)))
        return rows


def _profile_field(name: str) -> models.Field | None:
    """The Volunteer field, or the login's (full name, email, phone), of a change key."""
    for model in (Volunteer, get_user_model()):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            return field
    return None


def change_label(name: str) -> str:
    """A change key (`phone`, `sk_year`, ...) as its field's verbose name."""
    field = _profile_field(name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def change_value(name: str, value: object) -> str:
    """A recorded value as shown: a choice's label, a date in the local format."""
    text = "" if value is None else str(value)
    field = _profile_field(name)
    if field is None or not text:
        return text
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if isinstance(field, models.DateField):
        day = parse_date(text)
        return shown(day, "long_date") if day else text
    return text


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
