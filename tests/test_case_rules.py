"""The case rules, pinned by hand: each CaseQuerySet method (and its Q form, and the model's
instance properties) against statuses, dates and people written out here, not read from
cases.models' constants, so a change to a rule shows up as a failing test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from cases.models import Case, needs_reassignment_q, overdue_q
from psm.accounts.models import User
from reports.dashboard import DashboardFilter, dashboard_numbers
from tests.cases_support import case_with as _case
from tests.cases_support import user_with_role as _person

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
STATUSES = ["new", "verified", "assigned", "in_progress", "resolved", "closed", "rejected"]
STATUSES += ["referred"]


def _by_status(reporter: User) -> dict[str, Case]:
    return {s: _case(reporter, status=s, due_at=None) for s in STATUSES}


def _statuses(qs) -> set[str]:
    return set(qs.values_list("status", flat=True))


def test_open_cases_are_new_verified_assigned_and_in_progress(relawan_alalak):
    cases = _by_status(relawan_alalak)
    assert _statuses(Case.objects.open()) == {"new", "verified", "assigned", "in_progress"}
    assert {s for s, c in cases.items() if c.is_open} == {
        "new",
        "verified",
        "assigned",
        "in_progress",
    }
    assert Case.objects.open().count() == 4


def test_cases_awaiting_triage_are_new_and_verified(relawan_alalak):
    _by_status(relawan_alalak)
    assert _statuses(Case.objects.awaiting_triage()) == {"new", "verified"}
    assert _statuses(Case.objects.response_pending()) == {
        "new",
        "verified",
        "assigned",
        "in_progress",
    }


def test_overdue_means_open_without_first_response_past_its_due_time(relawan_alalak):
    late = _case(relawan_alalak, status="new", due_at=dt.datetime(2026, 3, 10, 8, 59, tzinfo=UTC))
    late_assigned = _case(
        relawan_alalak, status="in_progress", due_at=dt.datetime(2026, 3, 1, tzinfo=UTC)
    )
    answered = _case(
        relawan_alalak,
        status="assigned",
        due_at=dt.datetime(2026, 3, 9, tzinfo=UTC),
        first_response_at=dt.datetime(2026, 3, 9, 12, tzinfo=UTC),
    )
    due_now = _case(
        relawan_alalak, status="verified", due_at=dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    )
    not_yet = _case(relawan_alalak, status="verified", due_at=dt.datetime(2026, 3, 11, tzinfo=UTC))
    closed = _case(relawan_alalak, status="closed", due_at=dt.datetime(2026, 3, 1, tzinfo=UTC))
    referred = _case(relawan_alalak, status="referred", due_at=dt.datetime(2026, 3, 1, tzinfo=UTC))
    undated = _case(relawan_alalak, status="new", due_at=None)
    all_ids = [c.pk for c in (late, late_assigned, answered, due_now, not_yet, closed, referred)]
    all_ids.append(undated.pk)

    overdue = set(Case.objects.overdue(NOW).values_list("pk", flat=True))
    assert overdue == {late.pk, late_assigned.pk}
    # The Q form counts the same cases (home counts, Count(filter=...)).
    counted = Case.objects.filter(pk__in=all_ids).aggregate(n=Count("pk", filter=overdue_q(NOW)))
    assert counted["n"] == 2
    # The dashboard's hand SQL counts the same two.
    board = dashboard_numbers(DashboardFilter.last_days(), now=NOW)
    assert sum(board.overdue_now.values()) == 2


def test_the_instance_overdue_flag_follows_the_same_rule(relawan_alalak):
    past = dt.datetime(2020, 1, 1, tzinfo=UTC)
    future = dt.datetime(2100, 1, 1, tzinfo=UTC)
    assert _case(relawan_alalak, status="assigned", due_at=past).is_overdue
    assert not _case(relawan_alalak, status="assigned", due_at=future).is_overdue
    assert not _case(relawan_alalak, status="resolved", due_at=past).is_overdue
    assert not _case(relawan_alalak, status="new", due_at=past, first_response_at=past).is_overdue


def test_needs_reassignment_means_open_with_an_assignee_who_left(relawan_alalak):
    on_duty = _person("v_active", "volunteer", volunteer_status="active")
    suspended = _person("v_suspended", "volunteer", volunteer_status="suspended")
    inactive = _person("v_inactive", "volunteer", volunteer_status="inactive")
    officer = _person("officer_on", "staff")
    officer_gone = _person("officer_gone", "staff")
    User.objects.filter(pk=officer_gone.pk).update(is_active=False)

    expected = {
        _case(relawan_alalak, status="assigned", assignee=suspended).pk,
        _case(relawan_alalak, status="in_progress", assignee=inactive).pk,
        _case(relawan_alalak, status="new", assignee=officer_gone).pk,
    }
    _case(relawan_alalak, status="assigned", assignee=on_duty)
    _case(relawan_alalak, status="in_progress", assignee=officer)
    _case(relawan_alalak, status="closed", assignee=suspended)
    _case(relawan_alalak, status="referred", assignee=officer_gone)
    _case(relawan_alalak, status="new", assignee=None)

    assert set(Case.objects.needs_reassignment().values_list("pk", flat=True)) == expected
    assert set(Case.objects.filter(needs_reassignment_q()).values_list("pk", flat=True)) == (
        expected
    )
