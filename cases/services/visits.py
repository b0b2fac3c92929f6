"""Logging home visits, and the one rule of which cases take them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Visit
from cases.services.attachments import MAX_FILES, attachment_add
from cases.services.intake import too_many_files
from cases.services.outbox import client_uuid_stored
from cases.services.stored_files import files_removed_on_error
from cases.services.workflow import event_record
from psm.accounts.models import User

# A closed or rejected case takes no more visits (reopening it brings the visit form back);
# the case page, the HTML form, the field outbox and any later API all ask visit_allowed.
# One exception keeps field work from being lost: a visit a phone recorded offline and sends
# late is kept when it took place on or before the day the case was closed (the volunteer was
# there before the office closed it; refusing it would leave the phone a record nobody can
# fix). A visit dated after the closing day is refused from the phone too.
VISIT_CLOSED_STATUSES = (Case.Status.CLOSED, Case.Status.REJECTED)


def _closed_on(case: Case) -> dt.date | None:
    """The local day of the case's latest move into a closed or rejected status."""
    moved = (
        CaseEvent.objects.filter(case=case, to_status__in=VISIT_CLOSED_STATUSES)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    at = moved or case.closed_at
    return timezone.localdate(at) if at else None


def visit_allowed(
    case: Case, *, visited_on: dt.date | None = None, sent_late: bool = False
) -> bool:
    """Whether a visit may be logged on this case now (`sent_late`: recorded offline on a
    phone and sent from its outbox, `visited_on` the day of the visit)."""
    if case.status not in VISIT_CLOSED_STATUSES:
        return True
    if not sent_late or visited_on is None:
        return False
    closed_on = _closed_on(case)
    return closed_on is not None and visited_on <= closed_on


def visit_check(*, case: Case, visited_on: dt.date | None = None, sent_late: bool = False) -> None:
    """ValidationError (code "case_closed") when no visit may be logged on this case."""
    if not visit_allowed(case, visited_on=visited_on, sent_late=sent_late):
        raise ValidationError(
            _("Visits cannot be logged on a closed or rejected case."), code="case_closed"
        )


@files_removed_on_error
@transaction.atomic
def visit_log(
    *,
    case: Case,
    actor: User,
    visited_on: dt.date,
    findings: str,
    next_visit_on: dt.date | None = None,
    files: Sequence[UploadedFile] = (),
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
) -> Visit:
    """Log a home visit. With a `client_uuid` (the outbox) a resend returns the stored visit
    (also once the case is closed); a new visit on a closed or rejected case is refused
    (visit_check, on the locked row), except one from the outbox dated on or before the
    closing day."""
    if client_uuid is not None:
        stored = client_uuid_stored(Visit, client_uuid=client_uuid, digest=content_hash)
        if stored is not None:
            return stored
    if len(files) > MAX_FILES:
        raise too_many_files()
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if visited_on > today:
        errors["visited_on"] = _("The visit date cannot be in the future.")
    if next_visit_on is not None and next_visit_on < max(visited_on, today):
        errors["next_visit_on"] = _("The next visit must be after the visit and not in the past.")
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    visit_check(case=case, visited_on=visited_on, sent_late=client_uuid is not None)
    visit = Visit(
        case=case,
        volunteer=actor,
        visited_on=visited_on,
        findings=findings.strip(),
        next_visit_on=next_visit_on,
        client_uuid=client_uuid,
        content_hash=content_hash,
    )
    visit.full_clean()
    visit.save()
    event_record(
        case=case,
        kind=CaseEvent.Kind.VISIT,
        actor=actor,
        note=visit.findings,
        data={
            "visit_id": visit.pk,
            "visited_on": visited_on.isoformat(),
            "next_visit_on": next_visit_on.isoformat() if next_visit_on else None,
        },
    )
    for upload in files:
        attachment_add(case=case, upload=upload, actor=actor, visit=visit)
    return visit
