"""Who opened which person's or case's data, and when (UU PDP 27/2022: accountability).

Only identifiers are kept: the user, the kind and id of the object, the path without its query
string. Never the data itself, never the query (a search could carry an NIK).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from psm.accesslog.kinds import ACCESS_KINDS, MAX_LENGTH, access_kind_choices


class AccessEntry(models.Model):
    """One page or file a user opened. Written once, never edited (append-only)."""

    # Registered by the apps (psm.accesslog.kinds): AccessEntry.Kind.CASE is "case".
    Kind = ACCESS_KINDS

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=MAX_LENGTH, choices=access_kind_choices)
    # Empty for an export (a file of many records; its path says which list).
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    # The person whose data was shown (a case's beneficiary), so a supervisor reads one
    # person's log with one index scan. A plain id: psm apps do not import `cases`.
    beneficiary_id = models.PositiveBigIntegerField(_("person id"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=255)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(
                fields=["beneficiary_id", "-at"],
                condition=models.Q(beneficiary_id__isnull=False),
                name="access_beneficiary_at_idx",
            ),
            models.Index(fields=["user", "-at"], name="access_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}:{self.object_id} {self.at:%Y-%m-%d %H:%M}"
