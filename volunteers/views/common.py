from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User
from psm.search import sealed_query


def require_admin(request: AuthenticatedHttpRequest) -> User:
    user = request.user
    if not user.is_admin_role:
        raise PermissionDenied
    return user


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def query_without_page(request: HttpRequest, drop: tuple[str, ...] = ()) -> str:
    params = sealed_query(request.GET)  # links never carry an NIK (psm.search)
    for name in ("page", *drop):
        params.pop(name, None)
    return params.urlencode()
