from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db.models import Q, QuerySet

from psm.accesslog.models import AccessEntry


def access_log_for_people(beneficiary_ids: Iterable[int]) -> QuerySet[AccessEntry]:
    """Newest first, with the user; the caller decides who may read it (supervisors)."""
    return AccessEntry.objects.filter(beneficiary_id__in=list(beneficiary_ids)).select_related(
        "user"
    )


def access_log_search(
    *,
    user_ids: Iterable[int] | None = None,
    objects: Mapping[str, Iterable[int]] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AccessEntry]:
    """The whole log, newest first, narrowed to these users, these objects ({kind: ids}:
    a case and its files) and [start, end). The caller decides who may read it."""
    qs = AccessEntry.objects.select_related("user")
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    if objects is not None:
        match = Q(pk__in=[])
        for kind, ids in objects.items():
            match |= Q(kind=kind, object_id__in=list(ids))
        qs = qs.filter(match)
    if start is not None:
        qs = qs.filter(at__gte=start)
    if end is not None:
        qs = qs.filter(at__lt=end)
    return qs
