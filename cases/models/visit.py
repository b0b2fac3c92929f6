"""What happens on a case in the field: home visits and attachments (photos, documents)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from psm.dates import validate_past_date, validate_planned_date


class Visit(models.Model):
    """A home visit logged by a volunteer or officer; next_visit_on feeds reminders."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="visits", verbose_name=_("case")
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("visited by"),
    )
    visited_on = models.DateField(_("visit date"), validators=[validate_past_date])
    findings = models.TextField(_("findings"), max_length=4000)
    next_visit_on = models.DateField(
        _("next visit"), null=True, blank=True, db_index=True, validators=[validate_planned_date]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The field app's outbox: see Case.client_uuid.
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        # Dashboard: visits per volunteer within the period.
        indexes = [
            models.Index(fields=["volunteer", "visited_on"], name="visit_volunteer_day_idx"),
            # A volunteer's last case activity (volunteers.selectors) probes visits by when
            # they were logged, newest first, per volunteer.
            models.Index(fields=["volunteer", "-created_at"], name="visit_volunteer_logged_idx"),
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


class Attachment(models.Model):
    """A photo or PDF. Stored under a random name; served only by a permission-checked view."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("visit"),
    )
    file = models.FileField(_("file"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    original_name = models.CharField(_("original name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when the retention policy deleted the file; the record stays (what, when, by whom).
    purged_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    # The field app's outbox: see Case.client_uuid.
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
