"""Retention (issue 8, item 5): the files of a closed case are deleted after a set period.

"Closed" is every status that is no longer open (resolved, closed, rejected, which includes
duplicates, and referred). The clock is the case's last activity (`last_event_at`): a note or
a reopening on an old case restarts it, so a file is never deleted while someone still works
on the case. The Attachment row stays (name, type, size, who and when) with `purged_at` set,
and the case timeline gets one event per case.

Files are deleted inside the case's transaction, before the rows are marked: if the commit
fails the next run deletes again (a missing file is no error) and marks them. A file may thus
be gone before its row says so, never the other way round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from cases.models import CLOSED_STATUSES, Attachment, Case, CaseEvent
from cases.services.thumbnails import thumbnail_delete
from cases.services.workflow import event_record

RETENTION_STATUSES = CLOSED_STATUSES


@dataclass(frozen=True)
class PurgeResult:
    cases: int
    files: int
    bytes: int


def _inactive_since(cutoff: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": RETENTION_STATUSES}) & (
        Q(**{f"{prefix}last_event_at__lt": cutoff})
        | Q(**{f"{prefix}last_event_at__isnull": True, f"{prefix}updated_at__lt": cutoff})
    )


def attachments_due(*, days: int, now: dt.datetime | None = None) -> QuerySet[Attachment]:
    """Attachments whose file the retention policy deletes now."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Attachment.objects.filter(_inactive_since(cutoff, "case__"), purged_at__isnull=True)


def _purge_case(case_id: int, cutoff: dt.datetime, now: dt.datetime) -> tuple[int, int]:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(_inactive_since(cutoff), pk=case_id).first()
        if case is None:  # reopened or touched since the list was made
            return 0, 0
        attachments = list(
            case.attachments.select_for_update().filter(purged_at__isnull=True).order_by("pk")
        )
        if not attachments:
            return 0, 0
        for attachment in attachments:
            default_storage.delete(attachment.file.name)
            thumbnail_delete(attachment=attachment)
        ids = [a.pk for a in attachments]
        Attachment.objects.filter(pk__in=ids).update(purged_at=now)
        event_record(
            case=case,
            kind=CaseEvent.Kind.RETENTION,
            actor=None,
            data={"attachment_ids": ids, "count": len(ids)},
        )
        return len(ids), sum(a.size for a in attachments)


def attachments_purge(
    *, days: int, dry_run: bool = False, now: dt.datetime | None = None
) -> PurgeResult:
    """Delete the files of closed cases inactive for more than `days` days (idempotent).
    With dry_run, only count what would be deleted."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    now = now or timezone.now()
    due = attachments_due(days=days, now=now)
    if dry_run:
        totals = due.aggregate(
            files=Count("pk"), cases=Count("case_id", distinct=True), size=Sum("size")
        )
        return PurgeResult(totals["cases"], totals["files"], totals["size"] or 0)
    cutoff = now - dt.timedelta(days=days)
    case_ids = list(due.order_by("case_id").values_list("case_id", flat=True).distinct())
    cases = files = size = 0
    for case_id in case_ids:
        n, b = _purge_case(case_id, cutoff, now)
        if n:
            cases, files, size = cases + 1, files + n, size + b
    return PurgeResult(cases, files, size)
