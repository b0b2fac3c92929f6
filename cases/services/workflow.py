"""Every change of a case's state: transitions, assignment, notes, priority and category.

Each write locks the case row (select_for_update), checks the transition table, and leaves
one CaseEvent on the timeline.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    Category,
    Priority,
    departed_q,
    off_duty_volunteer_q,
)
from cases.models.workflow import ALLOWED_TRANSITIONS, FIRST_RESPONSE_STATUSES, actor_may
from cases.notices import person_line
from cases.services.outbox import client_uuid_stored
from psm.accounts.models import User

S = Case.Status


class TransitionRefused(ValidationError):
    """An illegal or unauthorised move; the message says why, in the user's language."""


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def event_record(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
) -> CaseEvent:
    """Append a timeline row and bump the case's last_event_at (caller holds the lock)."""
    now = timezone.now()
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        created_at=now,
        note=note,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        client_uuid=client_uuid,
        content_hash=content_hash,
    )
    event.full_clean()
    event.save()
    Case.objects.filter(pk=case.pk).update(last_event_at=now)
    case.last_event_at = now
    return event


def _mark_first_response(case: Case, actor: User, to_status: str, now: Any) -> None:
    if case.first_response_at is None and actor.is_officer and to_status in FIRST_RESPONSE_STATUSES:
        case.first_response_at = now


def _refuse_unknown(case: Case, to_status: str) -> None:
    labels = dict(S.choices)
    raise TransitionRefused(
        _("A case that is “%(from)s” cannot be moved to “%(to)s”.")
        % {"from": labels.get(case.status, case.status), "to": labels.get(to_status, to_status)},
        code="transition_not_allowed",
    )


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_status: str,
    actor: User,
    note: str = "",
    reason: str = "",
    partner: str = "",
) -> Case:
    """Move `case` to `to_status` if the table and the actor's role allow it."""
    locked = _lock(case)
    from_status = locked.status
    rule = ALLOWED_TRANSITIONS.get((from_status, to_status))
    if rule is None:
        _refuse_unknown(locked, to_status)
    if rule is None:  # pragma: no cover - _refuse_unknown raised; for the type checker
        raise TransitionRefused(_("You may not make this change to the case."))
    if rule.via_assign:
        raise TransitionRefused(
            _("Choose who handles the case: use “Assign”."), code="transition_via_assign"
        )
    if not actor_may(rule, case=locked, user=actor):
        raise TransitionRefused(
            _("You may not make this change to the case."), code="transition_forbidden"
        )
    note, reason, partner = note.strip(), reason.strip(), partner.strip()
    now = timezone.now()
    if rule.needs_reason:
        if not reason:
            raise TransitionRefused(_("Give a reason for the rejection."), code="reason_required")
        locked.rejection_reason = reason
    if rule.needs_partner:
        if not partner:
            raise TransitionRefused(
                _("Name the partner the case is referred to."), code="partner_required"
            )
        locked.referral_partner = partner
    if to_status == S.RESOLVED and note:
        locked.resolution_note = note
    if rule.needs_resolution_note:
        if note:
            locked.resolution_note = note
        if not locked.resolution_note.strip():
            raise TransitionRefused(
                _("Closing a case needs a resolution note."), code="resolution_note_required"
            )
    if to_status == S.VERIFIED:
        locked.verified_at = now
    elif to_status == S.RESOLVED:
        locked.resolved_at = now
    elif to_status == S.CLOSED:
        locked.closed_at = now
    elif to_status == S.IN_PROGRESS and from_status in (S.RESOLVED, S.CLOSED):
        locked.resolved_at = None
        locked.closed_at = None
    _mark_first_response(locked, actor, to_status, now)
    locked.status = to_status
    locked.full_clean(exclude=["beneficiary", "category", "kelurahan", "reported_by"])
    locked.save()
    data = {k: v for k, v in (("reason", reason), ("partner", partner)) if v}
    event_record(
        case=locked,
        kind=CaseEvent.Kind.TRANSITION,
        actor=actor,
        note=note or reason or partner,
        from_status=from_status,
        to_status=to_status,
        data=data,
    )
    case.refresh_from_db()
    return locked


def assignable_users() -> Any:
    """Who can be given a case: active volunteers and active officers."""
    return User.objects.filter(is_active=True).exclude(off_duty_volunteer_q())


def departed_users() -> Any:
    """Who can no longer work on their cases: the rest (login off, volunteer off duty);
    the same rule as Case.objects.needs_reassignment()."""
    return User.objects.filter(departed_q())


@transaction.atomic
def case_assign(
    *, case: Case, assignee: User, actor: User, note: str = "", tell: bool = True
) -> Case:
    """Give an open case to a volunteer or officer. A new/verified case becomes assigned.
    `tell=False`: the caller tells the assignee itself (bulk assignment sends one digest)."""
    if not actor.is_officer:
        raise TransitionRefused(_("Only Dinsos officers assign cases."), code="assign_forbidden")
    locked = _lock(case)
    if locked.status not in OPEN_STATUSES:
        raise TransitionRefused(_("Only open cases can be assigned."), code="assign_closed_case")
    if not assignable_users().filter(pk=assignee.pk).exists():
        raise TransitionRefused(
            _("This person cannot take cases (inactive account or volunteer)."),
            code="assignee_inactive",
        )
    if locked.assignee_id == assignee.pk:
        raise TransitionRefused(
            _("The case is already assigned to %(name)s.") % {"name": assignee},
            code="assign_same",
        )
    from_status = locked.status
    to_status = from_status
    rule = ALLOWED_TRANSITIONS.get((from_status, S.ASSIGNED))  # new/verified: the table says
    if rule is not None:
        if not actor_may(rule, case=locked, user=actor):  # pragma: no cover - officer checked
            raise TransitionRefused(_("You may not make this change to the case."))
        to_status = S.ASSIGNED
    previous = locked.assignee_id
    now = timezone.now()
    locked.assignee = assignee
    locked.status = to_status
    _mark_first_response(locked, actor, S.ASSIGNED, now)
    locked.save()
    event = event_record(
        case=locked,
        kind=CaseEvent.Kind.ASSIGNMENT,
        actor=actor,
        note=note.strip(),
        from_status=from_status,
        to_status=to_status,
        data={"assignee_id": assignee.pk, "assignee": str(assignee), "previous_id": previous},
    )
    if tell and assignee.pk != actor.pk:
        _tell_assignee(case=locked, assignee=assignee, event=event)
    case.refresh_from_db()
    return locked


def _tell(assignee: User, **spec: Any) -> None:
    """One message to `assignee` (in-app at the next dispatch, plus the channels they chose),
    written in the caller's transaction."""
    from psm.notifications.services import ReminderSpec, reminders_create

    reminders_create(specs=[ReminderSpec(recipient_id=assignee.pk, **spec)])


def _tell_assignee(*, case: Case, assignee: User, event: CaseEvent) -> None:
    """The new assignee hears of it; written in the assignment's transaction, so a
    rolled-back assignment leaves no message, and the event id makes a re-assignment a new
    message."""
    _tell(
        assignee,
        subject_key=f"case:{case.pk}",
        kind="case_assigned",
        occurrence=f"event:{event.pk}",
        title=_("Case %(ref)s (%(category)s) was assigned to you")
        % {"ref": case.reference, "category": case.category.name},
        private_body=person_line(name=case.beneficiary.name, kelurahan=case.kelurahan.name),
        url=case.get_absolute_url(),
    )


def tell_assigned_many(*, assignee: User, actor: User, references: list[str]) -> None:
    """One message for a bulk assignment (one per case made 200 WhatsApp messages for 200
    cases): how many, their references, a link to the assignee's list."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils.translation import ngettext

    if not references or assignee.pk == actor.pk:
        return
    count = len(references)
    if count == 1:
        url = reverse("cases:detail", kwargs={"reference": references[0]})
    else:
        url = reverse("cases:list")
        if assignee.is_officer:  # volunteers' list starts with their own cases anyway
            url += "?" + urlencode({"assignee": assignee.username})
    title = ngettext("%(n)d case was assigned to you", "%(n)d cases were assigned to you", count)
    _tell(
        assignee,
        subject_key=f"user:{assignee.pk}",
        kind="cases_assigned",
        occurrence=f"bulk:{timezone.now().isoformat()}",
        title=title % {"n": count},
        body=", ".join(references),
        url=url,
    )


@transaction.atomic
def case_add_note(
    *,
    case: Case,
    actor: User,
    note: str,
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
) -> CaseEvent:
    """A note on the timeline; with a `client_uuid` (the outbox) a resend returns the stored one."""
    if client_uuid is not None:
        stored = client_uuid_stored(CaseEvent, client_uuid=client_uuid, digest=content_hash)
        if stored is not None:
            return stored
    note = note.strip()
    if not note:
        raise ValidationError(_("The note is empty."), code="note_empty")
    locked = _lock(case)
    return event_record(
        case=locked,
        kind=CaseEvent.Kind.NOTE,
        actor=actor,
        note=note,
        client_uuid=client_uuid,
        content_hash=content_hash,
    )


@transaction.atomic
def case_set_priority(*, case: Case, priority: str, actor: User, note: str = "") -> Case:
    """Officers change urgency; the due times follow the new priority."""
    from cases.sla import due_fields

    if not actor.is_officer:
        raise TransitionRefused(_("You may not make this change to the case."))
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."), code="priority_unknown")
    locked = _lock(case)
    if locked.priority == priority:
        return locked
    old = locked.priority
    locked.priority = priority
    for field, value in due_fields(locked.created_at, priority, locked.category_id).items():
        setattr(locked, field, value)
    locked.save()
    event_record(
        case=locked,
        kind=CaseEvent.Kind.PRIORITY,
        actor=actor,
        note=note.strip(),
        data={"from": old, "to": priority},
    )
    case.refresh_from_db()
    return locked


@transaction.atomic
def case_set_category(*, case: Case, category: Category, actor: User, note: str = "") -> Case:
    if not actor.is_officer:
        raise TransitionRefused(_("You may not make this change to the case."))
    locked = _lock(case)
    if locked.category_id == category.pk:
        return locked
    from cases.sla import due_fields

    old = locked.category
    locked.category = category
    # A category may have its own SLA policy: the due times follow it.
    for field, value in due_fields(locked.created_at, locked.priority, category).items():
        setattr(locked, field, value)
    locked.save()
    event_record(
        case=locked,
        kind=CaseEvent.Kind.CATEGORY,
        actor=actor,
        note=note.strip(),
        data={
            "from": old.code,
            "to": category.code,
            "from_name": old.name,
            "to_name": category.name,
        },
    )
    case.refresh_from_db()
    return locked


@transaction.atomic
def case_mark_duplicate(*, case: Case, duplicate_of: Case, actor: User) -> Case:
    """Reject `case` as a duplicate of another case (an ordinary rejection with a reason)."""
    if duplicate_of.pk == case.pk:
        raise ValidationError(_("A case cannot duplicate itself."), code="duplicate_self")
    Case.objects.filter(pk=case.pk).update(duplicate_of=duplicate_of)
    reason = _("Duplicate of %(reference)s") % {"reference": duplicate_of.reference}
    return case_transition(case=case, to_status=S.REJECTED, actor=actor, reason=reason)
