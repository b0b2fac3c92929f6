"""Role gates for views: a page a role may not use answers 403 (objects answer 404 through
the selectors). One place, so every view words the rule the same way."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from psm.accounts.models import User


def require_officer(request: HttpRequest) -> User:
    """Dinsos staff, supervisors and admins; everyone else gets 403."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_officer:
        raise PermissionDenied
    return user


def require_supervisor(request: HttpRequest) -> User:
    """Supervisors and admins (exports, escalations); everyone else gets 403."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_supervisor_or_admin:
        raise PermissionDenied
    return user
