"""psm.pagination: one paginator for every list; a bad ?page= never answers 500."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from psm.pagination import MAX_PAGE, paginate

ROWS = list(range(60))


def _page(value: str, **kw):
    return paginate(RequestFactory().get("/", {"page": value}), ROWS, 25, **kw)


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-3", "0", "9" * 5000])
@pytest.mark.parametrize("counted", [False, True])
def test_a_page_number_that_is_no_page_reads_as_the_first_or_last(value, counted):
    page = _page(value, counted=counted)
    assert page.number in (1, 3)
    assert page.object_list


def test_a_counted_list_knows_its_size_and_stops_at_its_last_page():
    page = _page("7", counted=True)
    assert (page.number, page.count, page.num_pages) == (3, 60, 3)
    assert page.object_list == ROWS[50:] and not page.has_next and page.has_previous


def test_a_list_without_a_count_fetches_one_row_more_and_stops_at_max_page():
    first = _page("1")
    assert first.rows == ROWS[:25] and first.has_next and first.count is None
    assert not _page("3").has_next
    assert _page(str(MAX_PAGE + 5)).number == MAX_PAGE
