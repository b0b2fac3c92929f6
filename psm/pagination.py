"""One paginator for every list page, and one Page that templates/_pager.html draws.

    page = paginate(request, queryset, per_page=50)             # "Page 2", no COUNT(*)
    page = paginate(request, queryset, per_page=50, counted=True)  # "Page 2 of 9", page.count

`?page=` comes from the address bar: a value that is not a whole number reads as page 1, and
no value ever answers 500. A counted list knows its last page and never goes past it (as
Django's Paginator.get_page); a list without a count fetches one row more than it shows to
know whether there is a next page, and stops at MAX_PAGE (a deeper OFFSET reads every row
before it: nobody pages 2000 times, a crawler does).

The case list and the triage queue keep their own BoundedPaginator (cases.selectors.queue):
their count stops at a limit and their rows come from a merge of index-ordered branches.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")

PER_PAGE = 25
MAX_PAGE = 2000


@dataclass
class Page(Generic[T]):
    object_list: list[T]
    number: int
    has_next: bool
    # The whole list's size and last page, for a counted list; None without a count.
    count: int | None = None
    num_pages: int | None = None

    @property
    def rows(self) -> list[T]:
        """The page's rows (the name volunteers' lists gave them)."""
        return self.object_list

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Iterator[T]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_number(request: HttpRequest, *, last: int = MAX_PAGE) -> int:
    """`?page=` as a page between 1 and `last`; what is not a whole number reads as page 1."""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:  # also a digit string past Python's 4300-digit limit
        number = 1
    return min(max(number, 1), last)


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any] | Sequence[Any],
    per_page: int = PER_PAGE,
    *,
    counted: bool = False,
) -> Page[Any]:
    """The page of `queryset` that `?page=` asks for (see the module docstring)."""
    if counted:
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        num_pages = max(1, math.ceil(count / per_page))
        number = page_number(request, last=num_pages)
        offset = (number - 1) * per_page
        rows = list(queryset[offset : offset + per_page])
        return Page(rows, number, number < num_pages, count=count, num_pages=num_pages)
    number = page_number(request)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return Page(rows[:per_page], number, len(rows) > per_page)
