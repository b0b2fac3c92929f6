"""The lists draw each case from a CaseRow (cases/display.py: plain values, not a Case with
its person, assignee and volunteer). A row must say what the Case says: open or not, its
due state, whether it needs reassigning, the assignee's name, and the same drawn markup."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.display import ROW_VALUES, CaseRow, RowNames, needs_reassignment, queue_rows
from cases.models import Case
from psm.accounts.models import User
from tests.cases_support import case_with as _case
from tests.cases_support import user_with_role as _person

pytestmark = pytest.mark.django_db


def test_a_row_says_what_its_case_says(relawan_alalak):
    now = timezone.now()
    suspended = _person("v_suspended", "volunteer", volunteer_status="suspended")
    on_duty = _person("v_active", "volunteer", volunteer_status="active")
    named = _person("officer_named", "staff")
    User.objects.filter(pk=named.pk).update(full_name="Rahmat Hidayat")
    gone = _person("officer_gone", "staff")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    cases = [
        _case(relawan_alalak, status="new", due_at=now - dt.timedelta(hours=1)),  # overdue
        _case(relawan_alalak, status="verified", due_at=now + dt.timedelta(hours=3)),  # soon
        _case(relawan_alalak, status="assigned", due_at=now + dt.timedelta(days=3)),
        _case(
            relawan_alalak,
            status="in_progress",
            due_at=now - dt.timedelta(hours=1),
            first_response_at=now - dt.timedelta(hours=2),
            assignee=suspended,
        ),
        _case(relawan_alalak, status="assigned", assignee=on_duty, due_at=None),
        _case(relawan_alalak, status="new", assignee=gone, due_at=now - dt.timedelta(days=1)),
        _case(relawan_alalak, status="closed", assignee=suspended, due_at=now),
        _case(relawan_alalak, status="referred", assignee=named, due_at=now),
    ]
    loaded = {
        c.pk: c
        for c in Case.objects.select_related("beneficiary", "assignee__volunteer").filter(
            pk__in=[c.pk for c in cases]
        )
    }
    rows = {
        values[0]: CaseRow.of(values)
        for values in Case.objects.filter(pk__in=loaded).values_list(*ROW_VALUES)
    }
    seen = set()
    for pk, case in loaded.items():
        row = rows[pk]
        assert (row.is_open, row.due_state, needs_reassignment(row)) == (
            case.is_open,
            case.due_state,
            needs_reassignment(case),
        )
        assert str(row.assignee or "") == str(case.assignee or "")
        assert (row.pk, row.reference, row.person) == (
            case.pk,
            case.reference,
            case.beneficiary.name,
        )
        seen.add((row.due_state, needs_reassignment(row)))
    # The fixture reaches every state the rows show.
    assert {s for s, _r in seen} == {"overdue", "due_soon", ""}
    assert {r for _s, r in seen} == {True, False}
    assert "Rahmat Hidayat" in {str(r.assignee) for r in rows.values() if r.assignee}


def test_rows_drawn_from_rows_and_from_cases_are_the_same_markup(relawan_alalak, monkeypatch):
    gone = _person("officer_gone", "staff")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    now = timezone.now()
    cases = [
        _case(relawan_alalak, status="new", due_at=now - dt.timedelta(hours=1)),
        _case(relawan_alalak, status="assigned", assignee=gone, priority="emergency"),
        _case(relawan_alalak, status="closed", due_at=None),
    ]
    ids = [c.pk for c in cases]
    names = RowNames(categories={cases[0].category_id: "Lansia"}, kelurahan={})
    found = {v[0]: CaseRow.of(v) for v in Case.objects.filter(pk__in=ids).values_list(*ROW_VALUES)}
    as_rows = queue_rows(
        [found[pk] for pk in ids], triage=True, selected={str(ids[1])}, names=names
    )
    monkeypatch.setattr(Case, "person", property(lambda c: c.beneficiary.name), raising=False)
    loaded = Case.objects.select_related("beneficiary", "assignee__volunteer").in_bulk(ids)
    as_cases = queue_rows(
        [loaded[pk] for pk in ids],  # type: ignore[misc]
        triage=True,
        selected={str(ids[1])},
        names=names,
    )
    assert as_rows == as_cases
    assert "Perlu dialihkan" in as_rows or "Needs reassignment" in as_rows
