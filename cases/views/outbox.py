"""The field app's endpoint: one record from a phone's outbox, answered in JSON.

Statuses the outbox acts on: 201 stored, 200 already stored (the same UUID and content), 400
refused with the reasons per field (the volunteer edits it), 404 the case is not theirs or does
not exist, 409 the UUID was used for other content, 429/5xx try again later.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases.services.intake import case_file_check
from cases.services.outbox import ClientUuidConflict, conflict_reason
from cases.services.outbox_kinds import KINDS, OutboxKind, OutboxRefused, request_hash
from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User
from psm.ratelimit import limit

# Tests only (settings.PSM_FIELD_FAIL_FIRST): how many attempts were answered with a 500.
FAULTS = {"seen": 0}


def field_user(request: AuthenticatedHttpRequest) -> User:
    """The field app is for those who file cases (cases.services.intake.case_file_allowed)."""
    case_file_check(request.user)
    return request.user


def _refused(status: int, reason: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"status": "refused", "reason": reason, **extra}, status=status)


def _stored(kind: OutboxKind, row: Any, client_uuid: uuid.UUID, *, replayed: bool) -> JsonResponse:
    body = {
        "status": "stored",
        "kind": kind.name,
        "client_uuid": str(client_uuid),
        "replayed": replayed,
        **kind.answer(row),
    }
    return JsonResponse(body, status=200 if replayed else 201)


def _errors(form: Any, exc: ValidationError | None = None) -> dict[str, list[str]]:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    if exc is not None:
        if hasattr(exc, "error_dict"):
            for field, errs in exc.message_dict.items():
                errors.setdefault(field, []).extend(errs)
        else:
            errors.setdefault("__all__", []).extend(exc.messages)
    return errors


def _labelled(form: Any, errors: dict[str, list[str]]) -> str:
    parts = []
    for field, texts in errors.items():
        label = form.fields[field].label if field in form.fields else None
        text = " ".join(texts)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


@require_POST
@limit("outbox", "120/m")
def outbox_send(request: AuthenticatedHttpRequest, kind: str) -> JsonResponse:
    user = field_user(request)
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    if settings.PSM_FIELD_FAIL_FIRST and FAULTS["seen"] < settings.PSM_FIELD_FAIL_FIRST:
        FAULTS["seen"] += 1
        return _refused(500, "injected fault (tests)")
    try:
        client_uuid = uuid.UUID(str(request.POST.get("client_uuid", "")))
    except ValueError:
        return _refused(400, _("The record has no valid ID."))
    digest = request_hash(request)
    stored = spec.model._default_manager.filter(client_uuid=client_uuid).first()
    if stored is not None:
        return _replay(spec, stored, user, client_uuid, digest)
    try:
        data = spec.admit(request, user)
    except OutboxRefused as exc:
        return _refused(exc.status, exc.reason)
    form = spec.form(user, data, request.FILES)
    if not form.is_valid():
        errors = _errors(form)
        return _refused(400, _labelled(form, errors), errors=errors)
    try:
        with transaction.atomic():
            row = spec.save(user, form, client_uuid, digest)
    except ClientUuidConflict as exc:
        return _refused(409, exc.reason)
    except Http404:
        return _refused(404, _not_found())
    except ValidationError as exc:
        errors = _errors(form, exc)
        return _refused(400, _labelled(form, errors), errors=errors)
    if spec.owner_id(row) != user.pk:  # a twin sent by someone else won the race
        return _refused(404, _not_found())
    if request.headers.get("X-Outbox-Interactive") and spec.done(row):
        messages.success(request, spec.done(row))
    return _stored(spec, row, client_uuid, replayed=False)


def _replay(
    spec: OutboxKind, stored: Any, user: User, client_uuid: uuid.UUID, digest: str
) -> JsonResponse:
    if spec.owner_id(stored) != user.pk:  # never tell whether someone else's UUID exists
        return _refused(404, _not_found())
    if stored.content_hash != digest:
        return _refused(409, conflict_reason())
    return _stored(spec, stored, client_uuid, replayed=True)


def _not_found() -> str:
    return _(
        "The case was not found, or it is not in your area. It may not have arrived yet: "
        "send its case first."
    )


@require_GET
@never_cache
def outbox_token(request: AuthenticatedHttpRequest) -> JsonResponse:
    """A fresh CSRF token for the outbox (a page cached on the phone may hold an old one)."""
    user = field_user(request)
    return JsonResponse({"csrf": get_token(request), "user": user.pk})
