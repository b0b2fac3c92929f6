"""The SLA clock (cases/sla.py): policies per category and priority, working days in WITA
minus weekends, Indonesian holidays and collective leave. On PostgreSQL, with the seeded
default policies, and cases filed through the intake service under a time machine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases import sla
from cases.models import Case, CollectiveLeave, Priority, SlaPolicy, SlaUnit
from cases.services import case_set_category, case_set_priority
from cases.sla import WITA, response_due_at
from tests.cases_support import category, file_case

pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=WITA)


def filed_at(when: dt.datetime, reporter, **kw) -> Case:
    with time_machine.travel(when, tick=False):
        return file_case(reporter, **kw)


def test_the_migration_seeds_the_published_defaults():
    defaults = {
        p.priority: (
            (p.triage_amount, p.triage_unit),
            (p.response_amount, p.response_unit),
            (p.resolution_amount, p.resolution_unit),
        )
        for p in SlaPolicy.objects.filter(category=None)
    }
    assert defaults[Priority.EMERGENCY][1] == (45, SlaUnit.MINUTES)
    assert defaults[Priority.NORMAL][1] == (3, SlaUnit.WORKING_DAYS)
    assert set(defaults) == set(Priority.values)


def test_emergency_is_due_45_minutes_later_even_at_night_on_a_holiday(relawan_alalak):
    # Independence Day, Monday 17 August 2026, 23:30: clock time, every day.
    case = filed_at(at(2026, 8, 17, 23, 30), relawan_alalak, priority=Priority.EMERGENCY)
    assert case.due_at == at(2026, 8, 18, 0, 15)
    assert case.triage_due_at == at(2026, 8, 18, 0, 15)


def test_a_monday_case_is_due_on_thursday_same_time(relawan_alalak):
    case = filed_at(at(2026, 11, 23, 9, 5), relawan_alalak)
    assert case.due_at == at(2026, 11, 26, 9, 5)
    assert case.triage_due_at == at(2026, 11, 26, 9, 5)
    # Resolution: 14 working days (no holiday until Christmas) -> Friday 11 December.
    assert case.resolution_due_at == at(2026, 12, 11, 9, 5)


def test_the_weekend_is_skipped(relawan_alalak):
    thursday = filed_at(at(2026, 11, 26), relawan_alalak)
    assert thursday.due_at == at(2026, 12, 1)  # Fri, (Sat, Sun), Mon, Tue
    saturday = filed_at(at(2026, 11, 28), relawan_alalak, priority=Priority.LOW)
    assert saturday.due_at == at(2026, 12, 2)  # counted from Monday: Mon, Tue, Wed


def test_a_national_holiday_is_skipped(relawan_alalak):
    # Independence Day, Monday 17 August 2026: Fri 14th -> Tue 18, Wed 19, Thu 20.
    case = filed_at(at(2026, 8, 14), relawan_alalak, priority=Priority.HIGH)
    assert case.due_at == at(2026, 8, 20)


def test_a_collective_leave_day_is_skipped_once_an_admin_enters_it(relawan_alalak):
    # Tuesday 22 December 2026: Wed 23, Thu 24, (Fri 25 is Christmas), Mon 28.
    before = filed_at(at(2026, 12, 22), relawan_alalak)
    assert before.due_at == at(2026, 12, 28)
    CollectiveLeave.objects.create(date=dt.date(2026, 12, 24), name="Cuti bersama Natal")
    after = filed_at(at(2026, 12, 22), relawan_alalak)
    assert after.due_at == at(2026, 12, 29)  # Wed 23, (Thu 24 leave, Fri 25), Mon 28, Tue 29
    assert not sla.is_working_day(dt.date(2026, 12, 24))
    assert before.due_at == Case.objects.get(pk=before.pk).due_at  # filed cases keep theirs


def test_a_category_policy_overrides_the_default_for_that_category_only(relawan_alalak):
    neglected_toddlers, other = category("PPKS-01"), category("PPKS-02")
    SlaPolicy.objects.create(
        category=neglected_toddlers,
        priority=Priority.NORMAL,
        triage_amount=120,
        triage_unit=SlaUnit.MINUTES,
        response_amount=10,
        response_unit=SlaUnit.WORKING_DAYS,
        resolution_amount=40,
        resolution_unit=SlaUnit.WORKING_DAYS,
    )
    monday = at(2026, 11, 23, 9, 0)
    special = filed_at(
        monday, relawan_alalak, category=neglected_toddlers, priority=Priority.NORMAL
    )
    ordinary = filed_at(monday, relawan_alalak, category=other, priority=Priority.NORMAL)
    assert special.triage_due_at == at(2026, 11, 23, 11, 0)
    assert special.due_at == at(2026, 12, 7, 9, 0)  # 10 working days
    assert ordinary.due_at == at(2026, 11, 26, 9, 0)
    # Another priority of that category falls back to the default policy.
    high = filed_at(monday, relawan_alalak, category=neglected_toddlers, priority=Priority.HIGH)
    assert high.due_at == at(2026, 11, 26, 9, 0)


def test_changing_the_category_or_priority_moves_the_due_times(relawan_alalak, petugas):
    SlaPolicy.objects.create(
        category=category("PPKS-02"),
        priority=Priority.NORMAL,
        triage_amount=1,
        response_amount=5,
        resolution_amount=20,
    )
    case = filed_at(
        at(2026, 11, 23, 9, 0), relawan_alalak, category=category("PPKS-01"), priority="normal"
    )
    case_set_category(case=case, category=category("PPKS-02"), actor=petugas)
    case.refresh_from_db()
    assert (case.triage_due_at, case.due_at) == (at(2026, 11, 24, 9, 0), at(2026, 11, 30, 9, 0))
    case_set_priority(case=case, priority=Priority.EMERGENCY, actor=petugas)
    case.refresh_from_db()
    assert case.due_at == at(2026, 11, 23, 9, 45)


def test_an_edited_default_policy_applies_to_new_cases(relawan_alalak):
    SlaPolicy.objects.filter(category=None, priority=Priority.NORMAL).update(response_amount=5)
    assert response_due_at(at(2026, 11, 23), Priority.NORMAL) == at(2026, 11, 30)


def test_with_no_policy_rows_the_published_standard_still_applies():
    SlaPolicy.objects.all().delete()
    assert response_due_at(at(2026, 11, 23), Priority.NORMAL) == at(2026, 11, 26)
    assert response_due_at(at(2026, 11, 23), Priority.EMERGENCY) == at(2026, 11, 23, 10, 45)


def test_a_bulk_job_reads_the_policies_once(django_assert_num_queries):
    with django_assert_num_queries(2), sla.sla_cache():
        for day in range(1, 29):
            sla.due_times(at(2026, 2, day), Priority.NORMAL, None)
            sla.response_due_at(at(2026, 2, day), Priority.EMERGENCY)


def test_due_state_is_due_soon_a_day_ahead_then_overdue_until_answered(relawan_alalak, petugas):
    case = filed_at(at(2026, 11, 23, 9, 0), relawan_alalak)  # due Thursday 09:00
    with time_machine.travel(at(2026, 11, 25, 8, 59), tick=False):
        assert case.due_state == ""
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        assert case.due_state == "due_soon"
    with time_machine.travel(at(2026, 11, 26, 9, 1), tick=False):
        assert case.due_state == "overdue" and case.is_overdue
        case.first_response_at = at(2026, 11, 26, 9, 1)
        assert case.due_state == "" and not case.is_overdue


def test_the_case_page_and_the_lists_show_the_due_times_and_state(relawan_alalak, petugas, client):
    case = filed_at(at(2026, 11, 23, 9, 0), relawan_alalak)  # due Thursday 26, 09:00

    def pages() -> tuple[str, str, str]:
        client.force_login(petugas)
        return tuple(  # type: ignore[return-value]
            client.get(url).content.decode()
            for url in (case.get_absolute_url(), "/cases/", "/triage/")
        )

    with time_machine.travel(at(2026, 11, 25, 12, 0), tick=False):
        detail, listing, triage = pages()
    assert 'data-due="triage">26-11-2026 09:00<' in detail
    assert 'data-due="response">26-11-2026 09:00' in detail
    assert 'data-due="resolution">11-12-2026 09:00' in detail
    for html in (detail, listing, triage):
        assert 'data-due-state="due_soon"' in html and 'data-due-state="overdue"' not in html
    with time_machine.travel(at(2026, 11, 26, 9, 30), tick=False):
        for html in pages():
            assert 'data-due-state="overdue"' in html


def test_admins_edit_policies_and_collective_leave_in_the_admin_in_indonesian(admin_user, client):
    client.force_login(admin_user)
    policies = client.get("/admin/cases/slapolicy/").content.decode()
    assert "kebijakan SLA" in policies and "45 menit" in policies
    assert "3 hari kerja" in policies
    form = client.get("/admin/cases/slapolicy/add/").content.decode()
    assert "Waktu tanggapan pertama" in form
    response = client.post(
        "/admin/cases/collectiveleave/add/", {"date": "24-12-2026", "name": "Cuti bersama Natal"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CollectiveLeave.objects.get().date == dt.date(2026, 12, 24)
    assert "hari cuti bersama" in client.get("/admin/cases/collectiveleave/").content.decode()


def test_with_no_policy_rows_every_priority_gets_the_written_out_fallback():
    """FALLBACK, pinned: filed Monday 23 November 2026 10:00 WITA (no holiday until 14 Dec)."""
    SlaPolicy.objects.all().delete()
    monday = at(2026, 11, 23)
    expected = {
        # priority: (triage, first response, resolution)
        Priority.EMERGENCY: (at(2026, 11, 23, 10, 45), at(2026, 11, 23, 10, 45), at(2026, 11, 26)),
        Priority.HIGH: (at(2026, 11, 26), at(2026, 11, 26), at(2026, 12, 11)),
        Priority.NORMAL: (at(2026, 11, 26), at(2026, 11, 26), at(2026, 12, 11)),
        Priority.LOW: (at(2026, 11, 26), at(2026, 11, 26), at(2026, 12, 11)),
        "unknown": (at(2026, 11, 26), at(2026, 11, 26), at(2026, 12, 11)),  # as normal
    }
    for priority, (triage, response, resolution) in expected.items():
        due = sla.due_times(monday, priority)
        assert (due.triage, due.response, due.resolution) == (triage, response, resolution)


def test_a_year_of_working_days_ends_on_a_working_day_within_the_year_after():
    start = at(2026, 1, 5)
    end = sla.add_working_days(start, 260)
    assert sla.is_working_day(end.date()) and end.timetz() == start.timetz()
    assert dt.date(2026, 12, 20) < end.date() < dt.date(2027, 2, 1)
    assert sla.add_working_days(start, 0) == start
