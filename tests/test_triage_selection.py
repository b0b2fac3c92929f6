"""The triage bulk form when an action is refused: the officer stays on the list page they
were on, with their ticks, and every link of that page still leads to the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from cases.selectors.queue import PAGE_SIZE
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db


def test_a_refused_bulk_action_shows_the_list_page_it_came_from(login, petugas, relawan_alalak):
    cases = [file_case(relawan_alalak) for _ in range(PAGE_SIZE + 2)]
    picked = [cases[0], cases[-1]]  # one of page 1, one of page 2
    client = login(petugas)
    came_from = "/triage/?sort=created&page=2"
    response = client.post(
        reverse("cases:triage_bulk"),
        {
            "cases": [c.pk for c in picked],
            "action": "assign",
            "assignee": "orang-yang-tidak-ada",
            "next": came_from,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert response.context["page"].number == 2
    assert response.context["queue"].sort == "created"
    # Filters, sorting and pages lead to the list, not to /triage/bulk/ (which only takes POST).
    assert 'action="/triage/" hx-get="/triage/"' in " ".join(html.split())
    assert 'href="/triage/?sort=created&amp;page=1"' in html
    assert 'href="/triage/?sort=-created"' in html
    assert 'href="?' not in html
    # Sent again, the corrected form returns to that page; the ticks of both pages go along.
    assert 'name="next" value="/triage/?sort=created&amp;page=2"' in html
    assert f'data-selected="{picked[0].pk} {picked[1].pk}"' in html
    assert response.context["bulk_form"].errors["assignee"] == [
        "Tidak ada orang dengan nama pengguna atau nama ini yang dapat menerima kasus di sini."
    ]
    assert not Case.objects.filter(assignee__isnull=False).exists()

    response = client.post(
        reverse("cases:triage_bulk"),
        {
            "cases": [c.pk for c in picked],
            "action": "assign",
            "assignee": relawan_alalak.username,
            "next": came_from,
        },
    )
    assert response.status_code == 302 and response.url == came_from
    assert set(Case.objects.filter(assignee=relawan_alalak)) == set(picked)


def test_a_refused_bulk_action_without_next_returns_to_the_queue(login, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    response = login(petugas).post(
        reverse("cases:triage_bulk"), {"cases": [case.pk], "action": "assign"}
    )
    assert response.status_code == 400
    assert 'name="next" value="/triage/"' in response.content.decode()
    assert response.context["bulk_form"].errors["assignee"] == ["Pilih siapa yang menerima kasus."]


def test_an_external_next_is_ignored(login, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    response = login(petugas).post(
        reverse("cases:triage_bulk"),
        {"cases": [case.pk], "action": "verify", "next": "https://example.invalid/triage/"},
    )
    assert response.status_code == 302 and response.url == reverse("cases:triage")


def test_a_bulk_action_with_an_absurdly_long_case_id_is_refused_not_a_500(login, petugas):
    # int() refuses strings of more than 4300 digits; the refused form drew the ticks with it.
    response = login(petugas).post(
        reverse("cases:triage_bulk"), {"cases": ["9" * 5000], "action": "assign"}
    )
    assert response.status_code == 400
