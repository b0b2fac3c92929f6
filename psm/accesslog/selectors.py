from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from psm.accesslog.models import AccessEntry


def access_log_for_people(beneficiary_ids: Iterable[int]) -> QuerySet[AccessEntry]:
    """Newest first, with the user; the caller decides who may read it (supervisors)."""
    return AccessEntry.objects.filter(beneficiary_id__in=list(beneficiary_ids)).select_related(
        "user"
    )
