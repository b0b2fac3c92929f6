"""Workload on the roster, the profile and the bulk assignment: one set of numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.selectors.queue import assignees_with_workload
from cases.services import case_add_note, case_assign, case_transition
from tests.cases_support import file_case
from volunteers.services import volunteer_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def workload(relawan_alalak, relawan_kuin, petugas):
    """relawan_alalak holds: one assigned and overdue, one in progress (due later), one
    resolved (not open); they filed one more that sits unassigned in triage."""
    now = timezone.now()
    overdue = file_case(relawan_alalak)
    case_assign(case=overdue, assignee=relawan_alalak, actor=petugas)
    Case.objects.filter(pk=overdue.pk).update(
        first_response_at=None, due_at=now - dt.timedelta(hours=2)
    )
    working = file_case(relawan_alalak)
    case_assign(case=working, assignee=relawan_alalak, actor=petugas)
    case_transition(case=working, to_status="in_progress", actor=relawan_alalak)
    Case.objects.filter(pk=working.pk).update(
        first_response_at=None, due_at=now + dt.timedelta(days=2)
    )
    done = file_case(relawan_alalak)
    case_assign(case=done, assignee=relawan_alalak, actor=petugas)
    case_transition(case=done, to_status="in_progress", actor=relawan_alalak)
    case_transition(case=done, to_status="resolved", actor=relawan_alalak)
    Case.objects.filter(pk=done.pk).update(first_response_at=None, due_at=now - dt.timedelta(1))
    file_case(relawan_alalak)  # filed, unassigned: not their workload
    file_case(relawan_kuin)
    return {"overdue": overdue, "working": working, "done": done}


def _row(response, user):
    return next(v for v in response.context["page"].rows if v.user_id == user.pk)


def test_roster_shows_open_cases_overdue_and_last_case_activity(
    login, petugas, relawan_alalak, relawan_kuin, workload
):
    response = login(petugas).get(reverse("volunteers:list"))
    alalak = _row(response, relawan_alalak)
    assert (alalak.open_cases, alalak.overdue_cases) == (2, 1)
    assert (alalak.open_new, alalak.open_verified) == (0, 0)
    assert (alalak.open_assigned, alalak.open_in_progress) == (1, 1)
    kuin = _row(response, relawan_kuin)
    assert (kuin.open_cases, kuin.overdue_cases) == (0, 0)
    html = response.content.decode()
    assert 'data-open-cases="2" data-overdue-cases="1"' in html
    assert "1 terlambat" in html
    assert '<span class="text-nowrap ms-1" data-status="assigned">Ditugaskan: 1</span>' in html
    assert 'data-status="new"' not in html  # zero counts stay off the row


def test_profile_shows_workload_by_status(login, kabid, relawan_alalak, workload):
    response = login(kabid).get(reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk]))
    assert response.context["workload"] == [
        ("new", "Baru", 0),
        ("verified", "Terverifikasi", 0),
        ("assigned", "Ditugaskan", 1),
        ("in_progress", "Sedang ditangani", 1),
    ]
    html = response.content.decode()
    assert 'data-open-cases="2"' in html and 'data-overdue-cases="1"' in html


def test_bulk_assignment_numbers_equal_the_roster(login, petugas, relawan_alalak, workload):
    roster = _row(login(petugas).get(reverse("volunteers:list")), relawan_alalak)
    assignee: Any = assignees_with_workload().get(pk=relawan_alalak.pk)
    assert (assignee.open_cases, assignee.overdue_cases) == (
        roster.open_cases,
        roster.overdue_cases,
    )
    # The bulk-assign field suggests people as one types (cases:assignee_search).
    response = login(petugas).get(reverse("cases:assignee_search"), {"q": relawan_alalak.username})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{relawan_alalak.username}"' in html
    assert "2 terbuka, 1 terlambat" in html


def test_last_case_activity_is_their_own_not_what_officers_do_on_their_cases(
    login, petugas, relawan_alalak, relawan_kuin
):
    """Filed by the volunteer, then only officers act on it: the officers' work is not the
    volunteer's activity (issue 13, item 3: one meaning, shared with reminders and dashboard)."""
    case = file_case(relawan_alalak)
    long_ago = timezone.now() - dt.timedelta(days=40)
    CaseEvent.objects.update(created_at=long_ago)
    Case.objects.update(created_at=long_ago, last_event_at=long_ago)
    case_add_note(case=case, actor=petugas, note="Sudah ditelepon.")
    own = CaseEvent.objects.filter(actor=relawan_alalak).aggregate(m=Max("created_at"))["m"]
    response = login(petugas).get(reverse("volunteers:list"))
    assert _row(response, relawan_alalak).last_case_activity == own == long_ago
    assert _row(response, relawan_kuin).last_case_activity is None


@pytest.mark.parametrize("status", ["inactive", "suspended"])
def test_cases_of_a_volunteer_taken_off_duty_wait_on_the_triage_queue(
    login, petugas, admin_user, relawan_alalak, workload, status
):
    """Issue 4: deactivation (through the roster service) puts their open cases back on the
    triage queue with the "needs reassignment" badge; the resolved one stays off it."""
    volunteer_set_status(
        volunteer=relawan_alalak.volunteer,
        status=status,
        reason="Pindah domisili",
        actor=admin_user,
    )
    response = login(petugas).get(reverse("cases:triage"), {"reassign": "on"})
    shown = {c.reference for c in response.context["page"].object_list}
    assert shown == {workload["overdue"].reference, workload["working"].reference}
    assert response.content.decode().count('text-bg-warning">Perlu dialihkan') == 2
    default = login(petugas).get(reverse("cases:triage"))
    assert shown <= {c.reference for c in default.context["page"].object_list}
