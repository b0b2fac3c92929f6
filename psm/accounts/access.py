"""Role gates for views: a page a role may not use answers 403 (objects answer 404 through
the selectors). One place, so every view words the rule the same way."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User


def require_officer(request: AuthenticatedHttpRequest) -> User:
    """Dinsos staff, supervisors and admins; everyone else gets 403."""
    user = request.user
    if not user.is_officer:
        raise PermissionDenied
    return user


def require_supervisor(request: AuthenticatedHttpRequest) -> User:
    """Supervisors and admins (exports, escalations); everyone else gets 403."""
    user = request.user
    if not user.is_supervisor_or_admin:
        raise PermissionDenied
    return user
