"""The staff home's counts (issue 13, item 9): new, overdue, assigned to me, each a link to
the case list that shows exactly those cases."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone

from cases.models import Case
from cases.selectors.queue import filtered_cases
from cases.services import case_assign
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db


def _counts(page: str) -> dict[str, tuple[int, str]]:
    found = re.findall(
        r'href="([^"]+)" data-count="(\w+)">\s*<div class="card-body py-2">\s*'
        r'<div class="fs-2[^"]*" data-number>(\d+)</div>',
        page,
    )
    return {key: (int(n), unescape(url)) for url, key, n in found}


def test_staff_home_counts_new_overdue_and_mine_each_linking_to_that_list(
    login, petugas, relawan_alalak
):
    a = file_case(relawan_alalak)  # new
    b = file_case(relawan_alalak)  # new, overdue
    c = file_case(relawan_alalak)  # assigned to petugas
    Case.objects.filter(pk=b.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    case_assign(case=c, assignee=petugas, actor=petugas)
    file_case(relawan_alalak)  # a fourth new one, assigned to the volunteer
    case_assign(case=Case.objects.order_by("-pk")[0], assignee=relawan_alalak, actor=petugas)

    page = login(petugas).get("/").content.decode()
    counts = _counts(page)
    assert {k: n for k, (n, _u) in counts.items()} == {"new": 2, "overdue": 1, "mine": 1}
    for key, (number, url) in counts.items():
        parts = urlsplit(url)
        assert parts.path == "/cases/"
        _f, rows, _s = filtered_cases(petugas, QueryDict(parts.query), triage=False)
        assert rows.count() == number, key  # the link lists exactly the counted cases
    new_query = QueryDict(urlsplit(counts["new"][1]).query)
    _f, rows, _s = filtered_cases(petugas, new_query, triage=False)
    assert set(rows.values_list("pk", flat=True)) == {a.pk, b.pk}
    # the list page itself answers (the link is not a dead end)
    assert login(petugas).get(counts["mine"][1]).status_code == 200


def test_supervisor_home_shows_the_counts_and_volunteer_home_does_not(login, kabid, relawan_alalak):
    file_case(relawan_alalak)
    assert _counts(login(kabid).get("/").content.decode())["new"][0] == 1
    assert 'data-testid="home-counts"' not in login(relawan_alalak).get("/").content.decode()
