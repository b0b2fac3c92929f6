"""Roster writes: create, update, status changes, invitations, each annotating its history
row (volunteers.models.VolunteerHistory) with the action, the actor and the masked change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python

from psm.accounts.models import User
from psm.accounts.services import invitation_create, user_create, user_set_active
from psm.masking import mask_phone
from psm.nik import mask_nik
from volunteers.models import Kelurahan, Volunteer, VolunteerHistory

# Fields a profile edit may change, on the volunteer and on their login.
PROFILE_FIELDS = frozenset(
    {
        "kelurahan",
        "nik",
        "whatsapp",
        "address",
        "sk_number",
        "sk_year",
        "appointed_on",
        "skills",
    }
)
USER_FIELDS = frozenset({"full_name", "email", "phone"})


def _display(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in ("phone", "whatsapp"):
        number = to_python(value, region="ID")
        return number.as_e164 if number and number.is_valid() else str(value)
    if field == "nik":
        return mask_nik(str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _snapshot(volunteer: Volunteer) -> dict[str, str]:
    values = {f: _display(f, getattr(volunteer, f)) for f in PROFILE_FIELDS}
    values.update({f: _display(f, getattr(volunteer.user, f)) for f in USER_FIELDS})
    values["status"] = volunteer.status
    return values


def _diff(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    return {k: [before.get(k, ""), after[k]] for k in sorted(after) if before.get(k) != after[k]}


# Kept masked in the history (NIKs are masked already by _display): the diff is computed on
# the whole numbers, so a changed number is recorded even when its masks look alike.
MASKED_FIELDS = frozenset({"phone", "whatsapp"})


def _masked(changes: Mapping[str, list[str]]) -> dict[str, list[str]]:
    return {
        field: [mask_phone(v) for v in pair] if field in MASKED_FIELDS else list(pair)
        for field, pair in changes.items()
    }


def _record(
    *,
    volunteer: Volunteer,
    actor: User | None,
    action: str,
    changes: dict[str, list[str]] | None = None,
    note: str = "",
    manual: bool = False,
) -> VolunteerHistory:
    """Annotate the history row the trigger just wrote for this write of `volunteer` (the
    caller holds its row lock or created it), or with `manual` write an "invited" event: a
    write that changes no column leaves no trigger row."""
    if manual:
        pghistory.create_event(volunteer, label="invited")
    row = VolunteerHistory.objects.filter(pgh_obj=volunteer).order_by("-pgh_id").first()
    if row is None:  # pragma: no cover - the trigger writes one on every insert and update
        raise RuntimeError(f"no history row for volunteer {volunteer.pk}")
    row.action = action
    row.actor = actor
    row.changes = _masked(changes or {})
    row.note = note[:255]
    row.save(update_fields=["action", "actor", "changes", "note"])
    return row


@transaction.atomic
def volunteer_create(
    *,
    kelurahan: Kelurahan,
    user: User | None = None,
    username: str = "",
    full_name: str = "",
    email: str = "",
    phone: str = "",
    nik: str = "",
    whatsapp: str = "",
    address: str = "",
    sk_number: str = "",
    sk_year: int | None = None,
    appointed_on: dt.date | None = None,
    skills: str = "",
    status: str = Volunteer.Status.ACTIVE,
    status_reason: str = "",
    actor: User | None = None,
    invite: bool = True,
    base_url: str = "",
    action: str = VolunteerHistory.Action.CREATED,
) -> Volunteer:
    """Add a volunteer to the roster.

    With `user` the profile is attached to an existing login (demo data, fixtures). Without
    it a login is made from `username`/`full_name`/`email`/`phone` with no usable password,
    and (`invite`) a one-time set-password invitation is created and sent after commit.
    """
    created_login = user is None
    if status != Volunteer.Status.ACTIVE and not status_reason.strip():
        raise ValidationError(
            {"status_reason": _("Give a reason for this status.")}, code="required"
        )
    if user is None:
        user = user_create(
            username=username,
            role=User.Role.VOLUNTEER,
            full_name=full_name,
            email=email,
            phone=phone,
        )
    volunteer = Volunteer(
        user=user,
        kelurahan=kelurahan,
        status=status,
        appointed_on=appointed_on,
        nik=nik,
        whatsapp=whatsapp,
        address=address,
        sk_number=sk_number,
        sk_year=sk_year,
        skills=skills,
        status_reason=status_reason.strip(),
        status_changed_on=timezone.localdate(),
    )
    # user and kelurahan are saved instances: no existence lookups (keeps imports fast).
    volunteer.full_clean(exclude=["user", "kelurahan"])
    volunteer.save()
    if status != Volunteer.Status.ACTIVE:
        user_set_active(user=user, active=False)
    invited = created_login and invite and status == Volunteer.Status.ACTIVE
    if invited:
        invitation_create(user=user, base_url=base_url, created_by=actor)
    _record(
        volunteer=volunteer,
        actor=actor,
        action=action,
        changes=_diff({}, _snapshot(volunteer)),
        note=_("Invitation sent") if invited else "",
    )
    return volunteer


@transaction.atomic
def volunteer_invite(*, volunteer: Volunteer, base_url: str, actor: User | None = None) -> None:
    """(Re)send the set-password invitation; an earlier unused link dies."""
    if not volunteer.user.is_active:
        raise ValidationError(
            _("An inactive volunteer cannot be invited; reactivate them first."),
            code="inactive",
        )
    invitation_create(user=volunteer.user, base_url=base_url, created_by=actor)
    _record(volunteer=volunteer, actor=actor, action=VolunteerHistory.Action.INVITED, manual=True)


@transaction.atomic
def volunteer_update(
    *,
    volunteer: Volunteer,
    data: Mapping[str, Any],
    actor: User | None = None,
    action: str = VolunteerHistory.Action.UPDATED,
) -> dict[str, list[str]]:
    """Change profile fields (PROFILE_FIELDS and the login's USER_FIELDS).

    Returns the changes recorded ({field: [old, new]}); no change writes nothing.
    Status has its own service, `volunteer_set_status`.
    """
    unknown = set(data) - PROFILE_FIELDS - USER_FIELDS
    if unknown:
        raise ValueError(f"volunteer_update cannot change {sorted(unknown)}")
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    before = _snapshot(volunteer)
    for field, value in data.items():
        target = volunteer.user if field in USER_FIELDS else volunteer
        setattr(target, field, value)
    after = _snapshot(volunteer)
    changes = _diff(before, after)
    if not changes:
        return {}
    if USER_FIELDS & set(changes):
        volunteer.user.full_clean()
        volunteer.user.save()
    volunteer.full_clean()
    volunteer.save()
    _record(volunteer=volunteer, actor=actor, action=action, changes=changes)
    return changes


@transaction.atomic
def volunteer_set_status(
    *, volunteer: Volunteer, status: str, reason: str = "", actor: User | None = None
) -> Volunteer:
    """Active, inactive or suspended. Only an active volunteer can log in.

    Leaving "active" needs a reason, disables the login and ends its sessions. Nobody is
    ever deleted: cases keep pointing at the person who handled them.
    """
    if status not in Volunteer.Status.values:
        raise ValidationError({"status": _("Unknown status.")}, code="invalid")
    reason = (reason or "").strip()
    if status != Volunteer.Status.ACTIVE and not reason:
        raise ValidationError(
            {"status_reason": _("Give a reason for this status.")}, code="required"
        )
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    if volunteer.status == status and volunteer.status_reason == reason:
        return volunteer
    old = volunteer.status
    volunteer.status = status
    volunteer.status_reason = reason
    volunteer.status_changed_on = timezone.localdate()
    volunteer.full_clean()
    volunteer.save()
    user_set_active(user=volunteer.user, active=status == Volunteer.Status.ACTIVE)
    _record(
        volunteer=volunteer,
        actor=actor,
        action=VolunteerHistory.Action.STATUS,
        changes={"status": [old, status]} if old != status else {},
        note=reason,
    )
    return volunteer


def volunteer_deactivate(
    *, volunteer: Volunteer, reason: str, actor: User | None = None
) -> Volunteer:
    """Take a volunteer off duty: login disabled, sessions ended, history kept."""
    return volunteer_set_status(
        volunteer=volunteer, status=Volunteer.Status.INACTIVE, reason=reason, actor=actor
    )
