"""Who took which data out (ExportLog).

The table was created by the cases app (migration cases 0008) and keeps its name; the model
moved here with the exports (migrations cases 0023 and reports 0001 move only the state).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportLog(models.Model):
    """One row per report or case-list export: who took which data out, why, and how much."""

    class Kind(models.TextChoices):
        MONTHLY_XLSX = "monthly_xlsx", _("Monthly report (XLSX)")
        MONTHLY_PDF = "monthly_pdf", _("Monthly report (PDF)")
        CASES_CSV = "cases_csv", _("Case list (CSV)")
        CASES_XLSX = "cases_xlsx", _("Case list (XLSX)")
        ROSTER_CSV = "roster_csv", _("Volunteer roster (CSV)")
        ROSTER_XLSX = "roster_xlsx", _("Volunteer roster (XLSX)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exported by"),
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # Streamed exports write the count when the last row has gone out (finished_at set then).
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    include_nik = models.BooleanField(_("full NIK included"), default=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        db_table = "cases_exportlog"
        ordering = ["-created_at", "-id"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def filters_text(self) -> str:
        """The filters as `key=value; ...` for the log page."""
        parts = []
        for key, value in self.filters.items():
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            parts.append(f"{key}={value}")
        return "; ".join(parts)
