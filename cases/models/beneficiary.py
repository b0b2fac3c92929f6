"""The people cases are about (Beneficiary): NIK encrypted, found by its keyed hash."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from psm.dates import validate_birth_date
from psm.fields import EncryptedCharField, EncryptedPhoneNumberField, KeyedHashField
from psm.nik import SEX_FEMALE, SEX_MALE, mask_nik, nik_validator
from volunteers.models import Kelurahan

SEX_CHOICES = [(SEX_MALE, _("Male")), (SEX_FEMALE, _("Female"))]
rt_rw_validator = RegexValidator(r"^\d{1,3}$", _("RT/RW is a number of up to 3 digits."))
kk_validator = RegexValidator(r"^\d{16}$", _("The KK number must be exactly 16 digits."))


# Audit (django-pghistory): a trigger writes a snapshot on every insert and update, bulk ones
# included. Encrypted columns stay out of it; a change of NIK shows as a change of its hash.
@pghistory.track(
    exclude=["nik", "phone"],
    model_name="BeneficiaryHistory",
    obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
)
class Beneficiary(models.Model):
    """A person a case is about (penerima manfaat). NIK unique when present."""

    # Encrypted at rest (psm.crypto); found and kept unique through its keyed hash.
    nik = EncryptedCharField(
        _("NIK"), max_length=16, null=True, blank=True, validators=[nik_validator]
    )
    nik_hash = KeyedHashField(source="nik")
    kk_number = models.CharField(
        _("KK number"), max_length=16, blank=True, validators=[kk_validator]
    )
    name = models.CharField(_("name"), max_length=150)
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, validators=[validate_birth_date]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=SEX_CHOICES, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("kelurahan"),
        db_index=False,  # beneficiary_kel_address_idx leads with it
    )
    phone = EncryptedPhoneNumberField(_("phone number"), blank=True, region="ID")
    # Many vulnerable people have no NIK; they are registered anyway and referred to Dukcapil.
    needs_dukcapil_referral = models.BooleanField(_("needs Dukcapil referral"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=Q(nik_hash__isnull=False),
                name="beneficiary_unique_nik",
                violation_error_message=_("A person with this NIK is already registered."),
            ),
        ]
        indexes = [
            GinIndex(fields=["name"], name="beneficiary_name_trgm", opclasses=["gin_trgm_ops"]),
            # icontains compiles to UPPER(name) LIKE '%...%': the index above cannot serve it.
            GinIndex(
                OpClass(Upper("name"), name="gin_trgm_ops"), name="beneficiary_name_upper_trgm"
            ),
            models.Index(fields=["kk_number"], name="beneficiary_kk_idx"),
            models.Index(fields=["birth_date"], name="beneficiary_birth_idx"),
            # The same address in the same kelurahan (address__iexact: UPPER(address)), the
            # second way to a possible duplicate (cases.selectors.people): without it the
            # planner ANDs a trigram bitmap of the name with the whole kelurahan's people,
            # 36-48 ms on the case page at 1M cases; with it, 2 ms. It replaces the foreign
            # key's own index on kelurahan_id, its first column.
            models.Index("kelurahan", Upper("address"), name="beneficiary_kel_address_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)
