"""The volunteer (relawan PSM) and their profile."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from psm.dates import validate_past_date
from psm.fields import EncryptedCharField, EncryptedPhoneNumberField, KeyedHashField
from psm.nik import mask_nik, nik_validator
from volunteers.models.areas import Kelurahan


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
