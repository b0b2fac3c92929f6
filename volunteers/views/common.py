from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from psm.accounts.models import User
from psm.search import sealed_query

PER_PAGE = 25
MAX_PAGE = 2000


def current_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def require_admin(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_admin_role:
        raise PermissionDenied
    return user


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@dataclass
class Page:
    """A page without COUNT(*): fetch one row more than shown to know if there is a next."""

    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def paginate(request: HttpRequest, queryset: Any, per_page: int = PER_PAGE) -> Page:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    number = min(max(number, 1), MAX_PAGE)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return Page(rows=rows[:per_page], number=number, has_next=len(rows) > per_page)


def query_without_page(request: HttpRequest, drop: tuple[str, ...] = ()) -> str:
    params = sealed_query(request.GET)  # links never carry an NIK (psm.search)
    for name in ("page", *drop):
        params.pop(name, None)
    return params.urlencode()
