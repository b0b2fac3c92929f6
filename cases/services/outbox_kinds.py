"""The field app's outbox kinds: what a phone may send, and how it is checked and stored.

A kind is a form (validation, the online form's rules plus the phone's UUID), a model (where
`client_uuid` and `content_hash` are stored), the owner of a stored row, a `save` that calls
the app's own service, the JSON answer, and what it `admit`s before its form (the case kind
counts NIK lookups and files a queued case as typed). The one endpoint `cases:outbox_send`
serves every kind, so a later field form (the RTLH house survey) is one more
`register(OutboxKind(...))` and the same outbox.js on the phone.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from cases import services
from cases.forms.outbox import FieldAttachmentForm, FieldIntakeForm, FieldNoteForm, FieldVisitForm
from cases.models import Attachment, Case, CaseEvent, Visit
from cases.services.nik_lookup import intake_lookups_allowed
from psm.accounts.models import User

# Fields that never count as content: the CSRF token, and the online form's own key (the
# phone sets it to the client UUID).
NOT_CONTENT = frozenset({"csrfmiddlewaretoken", "client_uuid", "idempotency_key"})


class OutboxRefused(Exception):
    """A record this kind will not look at now: answered with `status` (429: try later)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _as_sent(request: HttpRequest, user: User) -> QueryDict:
    return request.POST


@dataclass(frozen=True)
class OutboxKind:
    name: str
    model: type[models.Model]
    form: Callable[..., forms.Form]
    owner_id: Callable[[Any], int | None]
    save: Callable[[User, Any, uuid.UUID, str], Any]
    answer: Callable[[Any], dict[str, Any]]
    # What the next page says after a record sent from its own form (as the online forms do).
    done: Callable[[Any], str] = lambda row: ""
    # Before the form: the data it validates (the POST as sent, or amended), or OutboxRefused.
    admit: Callable[[HttpRequest, User], QueryDict] = _as_sent


KINDS: dict[str, OutboxKind] = {}


def register(kind: OutboxKind) -> OutboxKind:
    KINDS[kind.name] = kind
    return kind


def request_hash(request: HttpRequest) -> str:
    """What was sent, as a hash: every field but NOT_CONTENT, and each file's bytes."""
    digest = hashlib.sha256()
    for key in sorted(request.POST):
        if key in NOT_CONTENT:
            continue
        for value in request.POST.getlist(key):
            digest.update(f"{key}={value}\x00".encode())
    for key in sorted(request.FILES):
        for upload in request.FILES.getlist(key):
            file_hash = hashlib.sha256()
            for chunk in upload.chunks():
                file_hash.update(chunk)
            upload.seek(0)
            digest.update(f"{key}:{file_hash.hexdigest()}\x00".encode())
    return digest.hexdigest()


# --- case ---------------------------------------------------------------------------------


def _case_admit(request: HttpRequest, user: User) -> QueryDict:
    # The same count of exact-NIK lookups as the intake page (an oracle otherwise).
    if not intake_lookups_allowed(user=user, data=request.POST, path=request.path):
        raise OutboxRefused(429, _("Too many NIK checks in a short time. Try again later."))
    if request.headers.get("X-Outbox-Interactive"):
        return request.POST
    # Sent from the queue, nobody is there to answer "is this the same person?": the case
    # is filed as typed and staff see the possible duplicates (issue 17.5).
    data = request.POST.copy()
    data["not_duplicate"] = "on"
    return data


def _case_form(user: User, data: Any, files: Any) -> forms.Form:
    data = data.copy()
    data["idempotency_key"] = data.get("client_uuid", "")
    return FieldIntakeForm(data, files, user=user)


def _case_save(user: User, form: Any, client_uuid: uuid.UUID, digest: str) -> Case:
    chosen = form.cleaned_data.get("beneficiary")
    case, _created = services.case_intake(
        reported_by=user,
        idempotency_key=client_uuid,
        beneficiary=chosen,
        new_beneficiary=None if chosen else form.new_beneficiary(),
        case_fields=form.case_fields(),
        client_uuid=client_uuid,
        content_hash=digest,
        recorded_at=form.cleaned_data.get("recorded_at"),
    )
    return case


def _case_answer(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "url": case.get_absolute_url(),
        "label": _("Case %(ref)s") % {"ref": case.reference},
    }


register(
    OutboxKind(
        name="case",
        model=Case,
        form=_case_form,
        owner_id=lambda case: case.reported_by_id,
        save=_case_save,
        answer=_case_answer,
        done=lambda case: _("Case %(ref)s filed. Thank you.") % {"ref": case.reference},
        admit=_case_admit,
    )
)


# --- records on a case (visit, note, attachment) -------------------------------------------


def _on_case(label: Callable[[Any], str]) -> Callable[[Any], dict[str, Any]]:
    """The JSON answer for a record stored on a case: the case, its page, and the record's
    label on the outbox page (one shape for every kind sent for an existing case)."""

    def answer(row: Any) -> dict[str, Any]:
        return {
            "reference": row.case.reference,
            "url": row.case.get_absolute_url(),
            "label": label(row),
        }

    return answer


# --- visit --------------------------------------------------------------------------------


def _visit_save(user: User, form: Any, client_uuid: uuid.UUID, digest: str) -> Visit:
    case = form.parent_case(user)
    d = form.cleaned_data
    return services.visit_log(
        case=case,
        actor=user,
        visited_on=d["visited_on"],
        findings=d["findings"],
        next_visit_on=d.get("next_visit_on"),
        client_uuid=client_uuid,
        content_hash=digest,
    )


register(
    OutboxKind(
        name="visit",
        model=Visit,
        form=lambda user, data, files: FieldVisitForm(data),
        owner_id=lambda visit: visit.volunteer_id,
        save=_visit_save,
        done=lambda visit: _("Visit logged."),
        answer=_on_case(lambda visit: _("Visit on %(ref)s") % {"ref": visit.case.reference}),
    )
)


# --- note ---------------------------------------------------------------------------------


def _note_save(user: User, form: Any, client_uuid: uuid.UUID, digest: str) -> CaseEvent:
    return services.case_add_note(
        case=form.parent_case(user),
        actor=user,
        note=form.cleaned_data["note"],
        client_uuid=client_uuid,
        content_hash=digest,
    )


register(
    OutboxKind(
        name="note",
        model=CaseEvent,
        form=lambda user, data, files: FieldNoteForm(data),
        owner_id=lambda event: event.actor_id,
        save=_note_save,
        done=lambda event: _("Note added."),
        answer=_on_case(lambda event: _("Note on %(ref)s") % {"ref": event.case.reference}),
    )
)


# --- attachment ---------------------------------------------------------------------------


def _attachment_save(user: User, form: Any, client_uuid: uuid.UUID, digest: str) -> Attachment:
    case = form.parent_case(user)
    return services.attachment_add(
        case=case,
        upload=form.cleaned_data["upload"],
        actor=user,
        visit=form.parent_visit(case),
        client_uuid=client_uuid,
        content_hash=digest,
    )


register(
    OutboxKind(
        name="attachment",
        model=Attachment,
        form=lambda user, data, files: FieldAttachmentForm(data, files),
        owner_id=lambda attachment: attachment.uploaded_by_id,
        save=_attachment_save,
        answer=_on_case(lambda attachment: attachment.original_name),
    )
)
