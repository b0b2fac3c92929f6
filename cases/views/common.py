"""What the case views share: the typed user and a service error as one message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cases.models import Case
from psm.accounts.models import User

VISIT_CLOSED_STATUSES = (Case.Status.CLOSED, Case.Status.REJECTED)


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Intake ------------------------------------------------------------------------------
