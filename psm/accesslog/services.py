"""Writing the access log: one INSERT per view, nothing read first."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from psm.accesslog.models import AccessEntry

MAX_PATH = 255


def _entry(
    request: HttpRequest, kind: str, object_id: int | None, beneficiary_id: int | None
) -> AccessEntry:
    # request.path never carries the query string (a search may hold an NIK or a phone).
    return _entry_for(request.user.pk, request.path, kind, object_id, beneficiary_id)


def _entry_for(
    user_id: int | None, path: str, kind: str, object_id: int | None, beneficiary_id: int | None
) -> AccessEntry:
    if user_id is None:  # every logging view is behind the login; never log "nobody"
        raise PermissionError("the access log needs a signed-in user")
    return AccessEntry(
        user_id=user_id,
        kind=kind,
        object_id=object_id,
        beneficiary_id=beneficiary_id,
        path=path[:MAX_PATH],
    )


def access_record(
    *, request: HttpRequest, kind: str, object_id: int | None, beneficiary_id: int | None = None
) -> AccessEntry:
    """Log that request.user was shown object `kind`/`object_id` (about `beneficiary_id`)."""
    entry = _entry(request, kind, object_id, beneficiary_id)
    entry.save(force_insert=True)
    return entry


def access_record_by(
    *, user_id: int, path: str, kind: str, object_id: int | None, beneficiary_id: int | None = None
) -> AccessEntry:
    """access_record for a service that holds the user and the page's path, not the request
    (`path` without its query string)."""
    entry = _entry_for(user_id, path, kind, object_id, beneficiary_id)
    entry.save(force_insert=True)
    return entry


def access_record_many(
    *, request: HttpRequest, kind: str, objects: Iterable[tuple[int, int | None]]
) -> list[AccessEntry]:
    """Several objects shown on one page, as one multi-row INSERT: (object_id, beneficiary_id)."""
    entries = [_entry(request, kind, object_id, person) for object_id, person in objects]
    return AccessEntry.objects.bulk_create(entries)
