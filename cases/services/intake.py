"""Filing a case (intake), and who may file one."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Beneficiary, Case, CaseEvent, Category
from cases.services.attachments import MAX_FILES, attachment_add
from cases.services.beneficiaries import beneficiary_create
from cases.services.outbox import client_uuid_stored, recorded_at_check, uuid_lock
from cases.services.reference import reference_next
from cases.services.stored_files import files_removed_on_error
from cases.sla import due_fields
from psm.accounts.models import User
from volunteers.models import Kelurahan

# Who files cases: volunteers in the field and Dinsos staff at the desk. Supervisors and
# admins read, decide and export; a case they file would have nobody's kelurahan behind it.
CASE_FILERS = (User.Role.VOLUNTEER, User.Role.STAFF)


def case_file_allowed(user: User) -> bool:
    """Whether this user may file cases (the intake page, the person search, the field app)."""
    return user.role in CASE_FILERS


def case_file_check(user: User) -> None:
    """PermissionDenied (403) for a user who may not file cases."""
    if not case_file_allowed(user):
        raise PermissionDenied


def too_many_files() -> ValidationError:
    return ValidationError(
        _("At most %(n)d files per submission.") % {"n": MAX_FILES}, code="too_many_files"
    )


@files_removed_on_error
@transaction.atomic
def case_file(
    *,
    reported_by: User,
    beneficiary: Beneficiary,
    category: Category,
    kelurahan: Kelurahan,
    address: str,
    description: str,
    rt: str = "",
    rw: str = "",
    priority: str | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    idempotency_key: uuid.UUID | None = None,
    files: Sequence[UploadedFile] = (),
    created_at: dt.datetime | None = None,
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
    recorded_at: dt.datetime | None = None,
) -> Case:
    """File a new case. Idempotent on `idempotency_key`: a resubmission returns the case
    the first submission made (and adds nothing). A case from the field app's outbox also
    carries its phone UUID, content hash and the phone's `recorded_at`; its SLA clock still
    starts at `created_at`, the arrival. Only who may file cases files one (case_file_check:
    a later API calling this service directly is held to the same rule)."""
    case_file_check(reported_by)
    if idempotency_key is not None:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if len(files) > MAX_FILES:
        raise too_many_files()
    if beneficiary.merged_into_id:
        beneficiary = beneficiary.merged_into  # type: ignore[assignment]
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    recorded_at_check(recorded_at)
    created_at = created_at or timezone.now()
    priority = priority or category.default_priority
    case = Case(
        reference=reference_next(year=timezone.localtime(created_at).year),
        beneficiary=beneficiary,
        category=category,
        kelurahan=kelurahan,
        address=address.strip(),
        rt=rt.strip(),
        rw=rw.strip(),
        description=description.strip(),
        priority=priority,
        reported_by=reported_by,
        created_at=created_at,
        **due_fields(created_at, priority, category),
        last_event_at=created_at,
        latitude=latitude,
        longitude=longitude,
        idempotency_key=idempotency_key or uuid.uuid4(),
        client_uuid=client_uuid,
        content_hash=content_hash,
        recorded_at=recorded_at,
    )
    case.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # A concurrent double submit: the other request committed first. Return its case.
        existing = Case.objects.filter(idempotency_key=case.idempotency_key).first()
        if existing is None:
            raise
        return existing
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.CREATED,
        actor=reported_by,
        created_at=created_at,
        to_status=Case.Status.NEW,
        data={
            "reference": case.reference,
            **({"recorded_at": recorded_at.isoformat()} if recorded_at else {}),
        },
    )
    for upload in files:
        attachment_add(case=case, upload=upload, actor=reported_by)
    return case


@files_removed_on_error
@transaction.atomic
def case_intake(
    *,
    reported_by: User,
    idempotency_key: uuid.UUID,
    beneficiary: Beneficiary | None,
    new_beneficiary: dict[str, Any] | None,
    case_fields: dict[str, Any],
    files: Sequence[UploadedFile] = (),
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
    recorded_at: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """The intake form's submission: an existing or a new person, then the case.
    Returns (case, created); created is False for a resubmitted form. With a `client_uuid`
    (the field app's outbox) the same UUID returns the stored case and the same UUID with
    other content raises ClientUuidConflict (cases.services.outbox). PermissionDenied for a
    user who may not file cases (case_file_allowed)."""
    case_file_check(reported_by)
    if client_uuid is not None:
        stored = client_uuid_stored(Case, client_uuid=client_uuid, digest=content_hash)
        if stored is not None:
            return stored, False
    # A twin of this form (a double tap, a retried request) waits here until the first has
    # committed, then finds its case: otherwise both would register the new person and the
    # loser's would be left with no case (test_cases_concurrency).
    uuid_lock(idempotency_key)
    existing = Case.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if beneficiary is None:
        if new_beneficiary is None:
            raise ValidationError(_("Choose a registered person or enter a new one."))
        beneficiary = beneficiary_create(created_by=reported_by, **new_beneficiary)
    case = case_file(
        reported_by=reported_by,
        beneficiary=beneficiary,
        idempotency_key=idempotency_key,
        files=files,
        client_uuid=client_uuid,
        content_hash=content_hash,
        recorded_at=recorded_at,
        **case_fields,
    )
    # A concurrent twin may have won the race inside case_file: then no new event is ours.
    created = case.events.filter(kind=CaseEvent.Kind.CREATED, case__idempotency_key=idempotency_key)
    return case, created.exists() and case.beneficiary_id == beneficiary.pk
