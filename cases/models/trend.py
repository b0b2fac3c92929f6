"""The weekly case-count summary the dashboard's trend reads, kept by triggers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Category
from volunteers.models import Kelurahan

# The zone the trend summary's weeks are cut in (the trigger in migration 0006 names it too).
TREND_TIME_ZONE = "Asia/Makassar"


class CaseTrendWeek(models.Model):
    """Cases filed and cases closed per local week (Monday, WITA), kelurahan and category.

    The dashboard's 12-month trend reads this instead of ~700,000 cases at 1M. It is exact by
    construction: statement-level triggers on cases_case (migration 0006) apply every INSERT,
    UPDATE (kelurahan, category, created/closed time), DELETE and COPY in the same transaction,
    so no Python code writes it and bulk `QuerySet.update()` calls are covered as well.
    """

    week = models.DateField(_("week of"))
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kelurahan")
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    filed = models.IntegerField(_("filed"), default=0)
    closed = models.IntegerField(_("closed"), default=0)

    class Meta:
        verbose_name = _("weekly case count")
        verbose_name_plural = _("weekly case counts")
        constraints = [
            # Covering: the 12-month trend is an index-only range scan of this key.
            models.UniqueConstraint(
                fields=["week", "kelurahan", "category"],
                include=["filed", "closed"],
                name="case_trend_week_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.kelurahan_id}/{self.category_id}: {self.filed}/{self.closed}"
