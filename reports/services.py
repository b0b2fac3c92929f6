"""The export log: every report or case list that leaves psm is written down first."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from psm.accounts.models import User
from reports.models import ExportLog


@transaction.atomic
def export_log_create(
    *,
    user: User,
    kind: str,
    filters: dict[str, Any],
    purpose: str,
    include_nik: bool = False,
    row_count: int | None = None,
) -> ExportLog:
    """Log an export before its data goes out. `row_count` given: the export is complete
    (a report built in memory); None: a streamed export that `export_log_finish` completes."""
    entry = ExportLog(
        user=user,
        kind=kind,
        filters=filters,
        purpose=purpose.strip(),
        include_nik=include_nik,
        row_count=row_count or 0,
        finished_at=timezone.now() if row_count is not None else None,
    )
    entry.full_clean()
    entry.save()
    return entry


def export_log_finish(*, entry_id: int, row_count: int) -> None:
    """A streamed export sent its last row: record how many went out."""
    ExportLog.objects.filter(pk=entry_id).update(row_count=row_count, finished_at=timezone.now())
