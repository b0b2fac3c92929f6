"""Reminders (the delivery log the database owns) and in-app notifications.

A `Reminder` is one message that must reach one person once: (subject_key, kind, occurrence,
recipient) is unique, so a sweep that runs twice creates nothing the second time. The state
machine is pending -> sending (a lease) -> sent / failed; see services.py for how delivery
keeps "sent" and "accepted by the sink" as close together as a database allows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    subject_key = models.CharField(_("subject"), max_length=100)
    kind = models.CharField(_("kind"), max_length=64)
    occurrence = models.CharField(_("occurrence"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # Shown in the app only (behind the login, to this recipient), never sent by email or
    # WhatsApp: the person's name and kelurahan a case reminder names. db_default: the
    # set-based INSERTs that leave it out store "".
    private_body = models.TextField(_("in-app detail"), blank=True, default="", db_default="")
    url = models.CharField(_("link"), max_length=500, blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    # Not sent before this moment (a retry backs off by moving it forward).
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    channels_sent = ArrayField(
        models.CharField(max_length=16), verbose_name=_("channels sent"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "kind", "occurrence", "recipient"],
                name="reminder_once_per_occurrence",
            ),
        ]
        indexes = [
            # The claim reads only what is due or whose lease ran out: cost follows the
            # number of open reminders, never the size of the history.
            models.Index(
                fields=["due_at"], name="reminder_pending_due_idx", condition=Q(state="pending")
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="reminder_sending_lease_idx",
                condition=Q(state="sending"),
            ),
            models.Index(fields=["state", "created_at"], name="reminder_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} @ {self.occurrence} -> {self.recipient_id}"

    @property
    def idempotency_key(self) -> str:
        """Sent with every external message so a gateway able to dedupe can do so."""
        return f"psm-reminder-{self.pk}"


class Notification(models.Model):
    """What the user sees under /notifications/ (the in-app channel)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # One in-app notification per reminder at most, enforced by the database.
    reminder = models.OneToOneField(
        Reminder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("reminder"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Which channels a user wants besides in-app (always on). No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("email"), default=True)
    whatsapp = models.BooleanField(_("WhatsApp/SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class SweepMark(models.Model):
    """Until when a set-based sweep rule has looked (issue 7, M5): the next sweep reads only
    cases that fell due or changed since then (minus a safety margin), not every due case."""

    rule = models.CharField(_("rule"), max_length=100, primary_key=True)
    swept_until = models.DateTimeField(_("swept until"))

    class Meta:
        verbose_name = _("sweep mark")
        verbose_name_plural = _("sweep marks")

    def __str__(self) -> str:
        return f"{self.rule} @ {self.swept_until.isoformat()}"
