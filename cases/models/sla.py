"""The service standard's clock: SLA policies per category and priority, collective leave."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.case import Category, Priority


class SlaUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes (clock time, every day)")
    WORKING_DAYS = "working_days", _("working days")


class SlaPolicy(models.Model):
    """Service-level targets for one priority: of one category, or (no category) the default
    for every category without its own. Edited by admins; read through cases/sla.py."""

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("category"),
        help_text=_("Empty: the default for every category without a policy of its own."),
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    triage_amount = models.PositiveIntegerField(
        _("time to triage"), validators=[MinValueValidator(1)]
    )
    triage_unit = models.CharField(
        _("unit"), max_length=16, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS
    )
    response_amount = models.PositiveIntegerField(
        _("time to first response"), validators=[MinValueValidator(1)]
    )
    response_unit = models.CharField(
        _("unit"), max_length=16, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS
    )
    resolution_amount = models.PositiveIntegerField(
        _("time to resolution"), validators=[MinValueValidator(1)]
    )
    resolution_unit = models.CharField(
        _("unit"), max_length=16, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category__name", "priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority"],
                condition=Q(category__isnull=False),
                name="slapolicy_one_per_category_priority",
                violation_error_message=_("This category already has a policy for this priority."),
            ),
            models.UniqueConstraint(
                fields=["priority"],
                condition=Q(category__isnull=True),
                name="slapolicy_one_default_per_priority",
                violation_error_message=_("There is already a default policy for this priority."),
            ),
        ]

    # At most about a year: each working day is a step of the due-time calculation run on
    # every intake and priority change, so an amount typed with extra zeros must not pass.
    MAX_AMOUNT = {SlaUnit.MINUTES: 60 * 24 * 365, SlaUnit.WORKING_DAYS: 250}

    def __str__(self) -> str:
        scope = self.category.name if self.category else _("all categories")
        return f"{scope} · {self.get_priority_display()}"

    def clean(self) -> None:
        errors = {}
        for step in ("triage", "response", "resolution"):
            amount, unit = getattr(self, f"{step}_amount"), getattr(self, f"{step}_unit")
            limit = self.MAX_AMOUNT.get(unit)
            if amount is not None and limit is not None and amount > limit:
                errors[f"{step}_amount"] = _("At most %(limit)d %(unit)s.") % {
                    "limit": limit,
                    "unit": SlaUnit(unit).label,
                }
        if errors:
            raise ValidationError(errors)


class CollectiveLeave(models.Model):
    """A cuti bersama day announced by the government: not a working day for the SLA clock."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("collective leave day")
        verbose_name_plural = _("collective leave days")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.name}"
