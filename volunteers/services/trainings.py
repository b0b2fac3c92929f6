"""Training (bimtek) writes: the event, invitations, attendance and certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from psm.accounts.models import User
from volunteers.models import Kelurahan, Training, TrainingParticipant, Volunteer

TRAINING_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "venue",
    "organiser",
    "speakers",
    "capacity",
    "is_basic_psm",
)


def _check_dates(training: Training) -> None:
    if training.starts_on and training.ends_on and training.ends_on < training.starts_on:
        raise ValidationError(
            {"ends_on": _("The training cannot end before it starts.")}, code="dates"
        )


@transaction.atomic
def training_create(
    *,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    venue: str = "",
    organiser: str = "",
    speakers: str = "",
    capacity: int | None = None,
    is_basic_psm: bool = False,
    actor: User | None = None,
) -> Training:
    training = Training(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        venue=venue,
        organiser=organiser,
        speakers=speakers,
        capacity=capacity,
        is_basic_psm=is_basic_psm,
        created_by=actor,
    )
    _check_dates(training)
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def training_update(
    *, training: Training, data: dict[str, object], actor: User | None = None
) -> Training:
    unknown = set(data) - set(TRAINING_FIELDS)
    if unknown:
        raise ValueError(f"training_update cannot change {sorted(unknown)}")
    training = Training.objects.select_for_update().get(pk=training.pk)
    for field, value in data.items():
        setattr(training, field, value)
    _check_dates(training)
    capacity = training.capacity
    if capacity is not None and training.participants.count() > capacity:
        raise ValidationError(
            {"capacity": _("More volunteers are already invited than this capacity.")},
            code="capacity",
        )
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def training_invite(
    *,
    training: Training,
    volunteers: Iterable[Volunteer] = (),
    kelurahan: Kelurahan | None = None,
    actor: User | None = None,
) -> list[TrainingParticipant]:
    """Invite volunteers individually and/or every active volunteer of a kelurahan.

    Already invited volunteers are skipped; going over capacity invites nobody.
    """
    training = Training.objects.select_for_update().get(pk=training.pk)
    wanted = {v.pk: v for v in volunteers}
    if kelurahan is not None:
        for volunteer in Volunteer.objects.filter(
            kelurahan=kelurahan, status=Volunteer.Status.ACTIVE
        ):
            wanted.setdefault(volunteer.pk, volunteer)
    already = set(training.participants.values_list("volunteer_id", flat=True))
    new = [v for pk, v in wanted.items() if pk not in already]
    inactive = [v for v in new if v.status != Volunteer.Status.ACTIVE]
    if inactive:
        raise ValidationError(
            _("Only active volunteers can be invited: %(names)s.")
            % {"names": ", ".join(str(v) for v in inactive)},
            code="inactive",
        )
    if training.capacity is not None and len(already) + len(new) > training.capacity:
        raise ValidationError(
            _(
                "This would invite %(total)d volunteers but the capacity is %(capacity)d; "
                "nobody was invited."
            )
            % {"total": len(already) + len(new), "capacity": training.capacity},
            code="capacity",
        )
    participants = [TrainingParticipant(training=training, volunteer=v) for v in new]
    for participant in participants:
        participant.full_clean(validate_unique=False)
    return TrainingParticipant.objects.bulk_create(participants)


@transaction.atomic
def training_attendance_set(
    *,
    participant: TrainingParticipant,
    attendance: str,
    certificate_number: str = "",
    actor: User | None = None,
) -> TrainingParticipant:
    """Record attendance; a certificate number only makes sense for someone who attended."""
    participant = TrainingParticipant.objects.select_for_update().get(pk=participant.pk)
    certificate_number = (certificate_number or "").strip()
    if certificate_number and attendance != TrainingParticipant.Attendance.ATTENDED:
        raise ValidationError(
            {
                "certificate_number": _(
                    "A certificate number can only be given to someone who attended."
                )
            },
            code="certificate",
        )
    participant.attendance = attendance
    participant.certificate_number = certificate_number
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def training_uninvite(*, participant: TrainingParticipant, actor: User | None = None) -> None:
    """Withdraw an invitation; attendance already recorded is history and stays."""
    if participant.attendance != TrainingParticipant.Attendance.INVITED:
        raise ValidationError(
            _("Attendance is already recorded; it cannot be withdrawn."), code="recorded"
        )
    participant.delete()
