"""Cases: priority, category, the case itself and its timeline (CaseEvent)."""

from __future__ import annotations

import datetime as dt
import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.beneficiary import Beneficiary, rt_rw_validator
from cases.models.rules import (
    OPEN_STATUSES,
    TRIAGE_STATUSES,
    CaseQuerySet,
    CaseStatus,
    awaiting_triage_q,
    open_q,
    response_pending_q,
)
from volunteers.models import Kelurahan


class Priority(models.TextChoices):
    """Urgency of a case. Emergency: first response within 45 minutes, clock time."""

    EMERGENCY = "emergency", _("Emergency")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


# Emergency first: the triage queue's order (cases.selectors.queue) and the index that serves it.
PRIORITY_RANK = models.Case(
    models.When(priority=Priority.EMERGENCY, then=models.Value(0)),
    models.When(priority=Priority.HIGH, then=models.Value(1)),
    models.When(priority=Priority.NORMAL, then=models.Value(2)),
    default=models.Value(3),
    output_field=models.IntegerField(),
)


class Category(models.Model):
    """A case category: the 26 PPKS types plus home repair (RTLH). Editable by admins."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    group = models.CharField(_("group"), max_length=32, blank=True)
    default_priority = models.CharField(
        _("default priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


DUE_OVERDUE = "overdue"
DUE_SOON_STATE = "due_soon"
# A case whose first response is due within this time is shown as "due soon".
DUE_SOON = dt.timedelta(hours=24)


def first_response_due_state(
    status: str, due_at: dt.datetime | None, first_response_at: dt.datetime | None
) -> str:
    """ "overdue" / "due_soon" (within DUE_SOON) / "" for a case's first-response due time:
    the same rule as the queue's "overdue only" filter and the dashboard. A function of the
    case's values, so a list row read as values (cases.display.CaseRow) applies it too."""
    if first_response_at is not None or due_at is None or status not in OPEN_STATUSES:
        return ""
    left = due_at - timezone.now()
    if left < dt.timedelta(0):
        return DUE_OVERDUE
    return DUE_SOON_STATE if left <= DUE_SOON else ""


# Each timeline event bumps last_event_at with a bulk update: that alone is no change worth
# a snapshot (the event itself is on the timeline), so one action leaves one history row.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pgtrigger.AnyChange(exclude=["last_event_at"])),
    model_name="CaseHistory",
    obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
)
class Case(models.Model):
    """A citizen's case filed by a volunteer or officer; its history is `events`."""

    # The statuses and the rules on them live at module level (above): the partial indexes
    # of Meta must read them before the class exists. Case.Status and Case.OPEN_STATUSES
    # stay the names everyone uses.
    Status = CaseStatus
    OPEN_STATUSES = OPEN_STATUSES
    TRIAGE_STATUSES = TRIAGE_STATUSES

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("beneficiary"),
        db_index=False,  # case_person_created_idx leads with it
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="cases", verbose_name=_("kelurahan")
    )
    address = models.CharField(_("address"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    description = models.TextField(_("description"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_cases",
        verbose_name=_("reported by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The SLA clock (cases/sla.py): set at intake, moved when the priority or category changes.
    triage_due_at = models.DateTimeField(_("triage due"), null=True, blank=True)
    due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True, max_length=2000)
    referral_partner = models.CharField(_("referred to"), max_length=200, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True, max_length=4000)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True, default=uuid.uuid4)
    # Filed from the field app's outbox (cases/services/outbox_kinds.py): the UUID made on the
    # phone, the hash of what was sent (a reuse with other content is refused), and the
    # phone's clock when it was recorded. created_at stays the arrival: the SLA clock starts there.
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("recorded on the phone at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["status", "priority", "created_at"],
                condition=open_q(),
                name="case_open_queue_idx",
            ),
            models.Index(
                fields=["assignee", "status"],
                condition=open_q(),
                name="case_open_assignee_idx",
            ),
            # With the one above, "my open cases" (assigned to me or filed by me: the
            # volunteer's home) as a BitmapOr of two small ranges; without it the planner
            # walked every open case (46 ms at 1M cases, 50,194 open, for 143 rows).
            models.Index(fields=["reported_by"], condition=open_q(), name="case_open_reporter_idx"),
            models.Index(
                fields=["due_at"],
                include=["priority", "first_response_at", "kelurahan", "category"],
                condition=open_q(),
                name="case_open_due_idx",
            ),
            # The overdue list and its count (the staff home's "Overdue" link): the open
            # cases still waiting for a first response, by due time, newest first. The index
            # above holds every open case and not created_at, so the list walked all of them
            # (41 ms at 1M cases, 50,194 open, for 3,699 overdue); this one holds only the
            # waiting ones (1.4 ms).
            models.Index(
                fields=["due_at"],
                include=["created_at", "id"],
                condition=response_pending_q(),
                name="case_pending_due_idx",
            ),
            # The reminder sweep's watermark: open cases changed since the last sweep.
            models.Index(
                fields=["updated_at"],
                condition=open_q(),
                name="case_open_updated_idx",
            ),
            # The untriaged-case sweep: new cases by triage due time.
            models.Index(
                fields=["triage_due_at"],
                condition=Q(status=CaseStatus.NEW),
                name="case_new_triage_due_idx",
            ),
            # The triage default order, read in index order (cases.selectors.queue.MergedRows).
            models.Index(
                PRIORITY_RANK,
                models.F("created_at"),
                models.F("id"),
                condition=awaiting_triage_q(),
                name="case_triage_order_idx",
            ),
            # The case list filtered by an open status, newest first (bench M2).
            models.Index(
                fields=["status", "-created_at", "-id"],
                condition=open_q(),
                name="case_open_status_new_idx",
            ),
            models.Index(fields=["kelurahan", "status"], name="case_kelurahan_status_idx"),
            # Covering: the dashboard's period and "new this week/month" numbers are
            # index-only scans (no heap visits for the ~40k cases of 30 days at 1M cases).
            models.Index(
                fields=["created_at"],
                include=[
                    "status",
                    "priority",
                    "kelurahan",
                    "category",
                    "due_at",
                    "first_response_at",
                    "resolved_at",
                ],
                name="case_created_cover_idx",
            ),
            # Dashboard at 1M cases (bench M1, EXPLAIN in README "Benchmarks"): the weekly
            # closed trend and the per-volunteer "cases filed in the period".
            models.Index(
                fields=["closed_at"], condition=Q(closed_at__isnull=False), name="case_closed_idx"
            ),
            models.Index(fields=["reported_by", "created_at"], name="case_reporter_created_idx"),
            # A person's cases, newest first: the name search reads the cases of the people
            # found (cases.selectors.queue.EnumeratedRows) from this index alone, 2,454 cases
            # of 1,462 people for "Siti" at 1M in 5.7 ms instead of 10.5 ms through the heap.
            # It replaces the foreign key's own index on beneficiary_id, its first column.
            models.Index(
                fields=["beneficiary", "-created_at", "-id"], name="case_person_created_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"reference": self.reference})

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                _("A location needs both its latitude and its longitude, or neither."),
                code="half_coordinate",
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Still waiting for a first response from Dinsos after its due time."""
        return self.due_state == DUE_OVERDUE

    @property
    def due_state(self) -> str:
        return first_response_due_state(self.status, self.due_at, self.first_response_at)

    @property
    def resolution_overdue(self) -> bool:
        return (
            self.is_open
            and self.resolution_due_at is not None
            and self.resolution_due_at < timezone.now()
        )


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when. Never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Filed")
        TRANSITION = "transition", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        NOTE = "note", _("Note")
        VISIT = "visit", _("Visit")
        ATTACHMENT = "attachment", _("Attachment")
        MERGE = "merge", _("Merge")
        PRIORITY = "priority", _("Priority change")
        CATEGORY = "category", _("Category change")
        RETENTION = "retention", _("Attachments deleted under the retention policy")

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # covered by (case, created_at)
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_events",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The field app's outbox: see Case.client_uuid.
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(fields=["case", "created_at"], name="caseevent_case_at_idx"),
            # Dashboard: "volunteers active in the last 30 days" probes this per volunteer.
            models.Index(fields=["actor", "created_at"], name="caseevent_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(value: str) -> str:
    try:
        return str(Case.Status(value).label)
    except ValueError:
        return value
