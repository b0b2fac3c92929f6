"""M4 of the benchmark issue as ordinary tests: a page costs the same number of queries with
5 rows as with 50, and never more than 12.

tests/test_cases_queue.py and tests/test_dashboard.py already check the default /cases/,
/triage/ and /dashboard/ for an officer; these cover the other ways the same pages are
reached: a volunteer's own list, filtered and sorted lists, the htmx fragments, and the
dashboard with its area and category filters. (The case detail page joins this list when its
view is merged.)
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services import case_assign, case_transition
from tests.cases_support import category, file_case, kelurahan

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
HTMX = {"HTTP_HX_REQUEST": "true"}


def _office(relawan, petugas, n: int, start: int = 0, *, assign: bool = True) -> None:
    """n cases in Alalak Utara with varied related rows (assignees, statuses); without
    `assign` they all stay in the triage queue (new or verified)."""
    for i in range(start, start + n):
        case = file_case(relawan)
        if assign and i % 3 == 0:
            case_assign(case=case, assignee=relawan, actor=petugas)
        elif i % 3 == 1:
            case_transition(case=case, to_status="verified", actor=petugas)


def _count(client, url: str, params: dict, headers: dict) -> tuple[int, object]:
    client.get(url, params, **headers)  # warm: session and per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _rows(response) -> int:
    if response.context is None:  # an htmx fragment (a partial): count the cases shown
        return len(set(re.findall(r"BJM-\d{4}-\d{6}", response.content.decode())))
    if "page" in response.context:
        return len(response.context["page"].object_list)
    return response.context["board"].total


LIST_PAGES = [
    pytest.param("relawan_alalak", "cases:list", {}, {}, id="volunteer-own-list"),
    pytest.param("relawan_alalak", "cases:list", {}, HTMX, id="volunteer-list-fragment"),
    pytest.param(
        "petugas", "cases:list", {"status": ["new", "verified", "assigned"]}, {}, id="status-filter"
    ),
    pytest.param("petugas", "cases:list", {"sort": "-kelurahan"}, {}, id="sorted-by-area"),
    pytest.param("petugas", "cases:list", {"q": "BJM-"}, {}, id="reference-search"),
    pytest.param("petugas", "cases:list", {}, HTMX, id="case-list-fragment"),
    pytest.param("petugas", "cases:triage", {}, HTMX, id="triage-fragment"),
    pytest.param("petugas", "cases:triage", {"sort": "due"}, {}, id="triage-sorted-by-due"),
]


@pytest.mark.parametrize(("persona", "url_name", "params", "headers"), LIST_PAGES)
def test_list_pages_cost_the_same_queries_at_5_and_50_rows(
    request, login, relawan_alalak, petugas, persona, url_name, params, headers
):
    client = login(request.getfixturevalue(persona))
    url = reverse(url_name)
    assign = url_name != "cases:triage"
    _office(relawan_alalak, petugas, 5, assign=assign)
    at_five, response = _count(client, url, params, headers)
    assert _rows(response) == 5
    _office(relawan_alalak, petugas, 45, start=5, assign=assign)
    at_fifty, response = _count(client, url, params, headers)
    assert _rows(response) == 50
    assert at_five == at_fifty <= MAX_QUERIES


def test_filtered_dashboard_costs_the_same_queries_at_5_and_50_cases(
    login, kabid, relawan_alalak, petugas
):
    client = login(kabid)
    area = kelurahan("Alalak Utara")
    params = {"kecamatan": area.kecamatan_id, "category": category().pk, "period": "90d"}
    _office(relawan_alalak, petugas, 5)
    at_five, response = _count(client, reverse("reports:dashboard"), params, {})
    assert _rows(response) == 5
    _office(relawan_alalak, petugas, 45, start=5)
    at_fifty, response = _count(client, reverse("reports:dashboard"), params, {})
    assert _rows(response) == 50
    assert at_five == at_fifty <= MAX_QUERIES


def test_roster_costs_the_same_queries_at_5_and_25_volunteers_with_cases(login, petugas):
    """The roster's workload columns (open, overdue, last case activity) are subqueries:
    a full page costs what a short one does."""
    from tests.factories import VolunteerFactory

    client = login(petugas)

    def add(n: int) -> None:
        for volunteer in VolunteerFactory.create_batch(n):
            case = file_case(volunteer.user)
            case_assign(case=case, assignee=volunteer.user, actor=petugas)
            file_case(volunteer.user)

    add(5)
    at_five, response = _count(client, reverse("volunteers:list"), {}, {})
    assert len(response.context["page"].rows) == 5  # type: ignore[attr-defined]
    add(25)
    at_full, response = _count(client, reverse("volunteers:list"), {}, {})
    assert len(response.context["page"].rows) == 25  # type: ignore[attr-defined]
    assert at_five == at_full <= MAX_QUERIES
