"""The case rules of the reminder sweep, against PostgreSQL, with a time machine."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from cases.models import Case
from cases.services import case_add_note, case_assign, case_transition, visit_log
from psm.notifications.models import Notification, Reminder
from tests.cases_support import file_case
from tests.conftest import _volunteer
from volunteers.services.reports import activity_report_create

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(autouse=True)
def _daytime(settings):
    settings.PSM_QUIET_HOURS = (21, 6)


def sweep() -> None:
    call_command("send_reminders")


def test_untriaged_case_reminds_staff_once_after_its_due_time(relawan_alalak, petugas, kabid):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA), tick=False):
        case = file_case(relawan_alalak)  # Monday: due Thursday 09:00
    with time_machine.travel(dt.datetime(2026, 11, 26, 8, 59, tzinfo=WITA), tick=False):
        sweep()
        assert not Reminder.objects.filter(kind="triage_overdue").exists()
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 1, tzinfo=WITA), tick=False):
        sweep()
        sweep()  # a second sweep creates nothing new
    reminders = Reminder.objects.filter(kind="triage_overdue")
    assert [r.recipient for r in reminders] == [petugas]  # staff, not the supervisor
    assert reminders[0].state == Reminder.State.SENT
    note = Notification.objects.get(recipient=petugas, reminder__kind="triage_overdue")
    assert case.reference in note.title


def test_triaged_case_is_not_reminded(relawan_alalak, petugas):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA), tick=False):
        case = file_case(relawan_alalak)
        case_transition(case=case, to_status="verified", actor=petugas)
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=WITA), tick=False):
        sweep()
    assert not Reminder.objects.filter(kind="triage_overdue").exists()


def test_emergency_not_started_in_45_minutes_alerts_staff_and_supervisor_at_night(
    relawan_alalak, petugas, kabid
):
    with time_machine.travel(dt.datetime(2026, 11, 28, 23, 0, tzinfo=WITA), tick=False):
        file_case(relawan_alalak, priority="emergency")  # Saturday night: clock time
    with time_machine.travel(dt.datetime(2026, 11, 28, 23, 46, tzinfo=WITA), tick=False):
        sweep()  # quiet hours hold ordinary reminders, not emergencies
    sent = Reminder.objects.filter(kind="emergency_not_started", state=Reminder.State.SENT)
    assert {r.recipient for r in sent} == {petugas, kabid}
    assert all(r.is_emergency for r in sent)


def test_visit_due_tomorrow_reminds_the_volunteer(relawan_alalak, petugas):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA), tick=False):
        case = file_case(relawan_alalak)
        visit_log(
            case=case,
            actor=relawan_alalak,
            visited_on=dt.date(2026, 11, 23),
            findings="Lansia sehat",
            next_visit_on=dt.date(2026, 11, 27),
        )
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=WITA), tick=False):
        sweep()
        assert not Reminder.objects.filter(kind="visit_due").exists()
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=WITA), tick=False):
        sweep()
    reminder = Reminder.objects.get(kind="visit_due")
    assert reminder.recipient == relawan_alalak and reminder.state == Reminder.State.SENT


# --- an assigned case without activity: the assignee twice, then the supervisors ----------
def kinds(kind: str) -> list[tuple[str, str]]:
    return sorted(
        Reminder.objects.filter(kind=kind).values_list("recipient__username", "occurrence")
    )


def stalled_case(relawan, petugas):
    """Filed and assigned on Monday 23 November 09:00; response due Thursday 09:00."""
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA), tick=False):
        case = file_case(relawan)
        case_transition(case=case, to_status="verified", actor=petugas)
        case_assign(case=case, assignee=relawan, actor=petugas)
    return case


def sweep_at(year: int, month: int, day: int, hour: int, minute: int) -> None:
    with time_machine.travel(dt.datetime(year, month, day, hour, minute, tzinfo=WITA), tick=False):
        sweep()
        sweep()  # a second sweep right after creates nothing new


def test_assigned_case_without_activity_reminds_the_assignee_twice_then_escalates(
    relawan_alalak, petugas, kabid
):
    case = stalled_case(relawan_alalak, petugas)
    due = case.due_at.isoformat()
    sweep_at(2026, 11, 26, 8, 59)
    assert kinds("response_overdue") == []
    sweep_at(2026, 11, 26, 9, 1)
    assert kinds("response_overdue") == [("relawan_alalak", f"{due}#1")]
    sweep_at(2026, 11, 27, 9, 1)  # one working day later: the second reminder
    assert kinds("response_overdue") == [
        ("relawan_alalak", f"{due}#1"),
        ("relawan_alalak", f"{due}#2"),
    ]
    assert kinds("escalated") == []
    sweep_at(2026, 11, 29, 12, 0)  # Sunday: not a working day
    assert kinds("escalated") == []
    sweep_at(2026, 11, 30, 9, 1)  # Monday, a working day after the second: supervisors
    assert kinds("escalated") == [("kabid", due)]
    assert kinds("response_overdue") == [
        ("relawan_alalak", f"{due}#1"),
        ("relawan_alalak", f"{due}#2"),
    ]
    assert Notification.objects.filter(recipient=kabid, reminder__kind="escalated").count() == 1


def test_an_answer_after_the_first_reminder_stops_the_chain(relawan_alalak, petugas, kabid):
    case = stalled_case(relawan_alalak, petugas)
    sweep_at(2026, 11, 26, 9, 1)
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=WITA), tick=False):
        case_add_note(case=case, actor=relawan_alalak, note="Sudah dikunjungi, lansia sehat.")
    sweep_at(2026, 12, 4, 9, 0)
    assert len(kinds("response_overdue")) == 1
    assert kinds("escalated") == []


# --- volunteers: 30 days without case activity; no monthly report by the 5th ---------------
def volunteer_at(when: dt.datetime, username: str, kelurahan: str = "Kuin Cerucuk"):
    with time_machine.travel(when, tick=False):
        return _volunteer(username, kelurahan)


def test_a_volunteer_without_case_activity_for_30_days_is_reported_to_supervisors(kabid):
    relawan = volunteer_at(dt.datetime(2026, 10, 1, 10, 0, tzinfo=WITA), "relawan_sepi")
    with time_machine.travel(dt.datetime(2026, 10, 5, 10, 0, tzinfo=WITA), tick=False):
        file_case(relawan)  # their last case activity
    sweep_at(2026, 11, 4, 9, 59)
    assert kinds("volunteer_inactive") == []
    sweep_at(2026, 11, 4, 10, 1)
    assert kinds("volunteer_inactive") == [("kabid", "2026-10-05")]
    sweep_at(2026, 11, 20, 10, 0)
    assert len(kinds("volunteer_inactive")) == 1
    # Active again, then quiet again: a new stretch, a new reminder.
    case = Case.objects.get(reported_by=relawan)
    with time_machine.travel(dt.datetime(2026, 11, 10, 8, 0, tzinfo=WITA), tick=False):
        case_add_note(case=case, actor=relawan, note="Kunjungan ulang.")
    sweep_at(2026, 12, 10, 9, 0)
    assert kinds("volunteer_inactive") == [("kabid", "2026-10-05"), ("kabid", "2026-11-10")]


def test_a_missing_monthly_report_is_reported_after_the_5th(kabid):
    lazy = volunteer_at(dt.datetime(2026, 9, 15, 10, 0, tzinfo=WITA), "relawan_lupa")
    diligent = volunteer_at(dt.datetime(2026, 9, 15, 10, 0, tzinfo=WITA), "relawan_rajin")
    volunteer_at(dt.datetime(2026, 11, 2, 10, 0, tzinfo=WITA), "relawan_baru")  # owes none
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, 0, tzinfo=WITA), tick=False):
        activity_report_create(
            volunteer=diligent.volunteer,
            month=dt.date(2026, 10, 1),
            activities="Mendampingi 4 lansia.",
            submit=True,
        )
        activity_report_create(  # a draft is not a report
            volunteer=lazy.volunteer, month=dt.date(2026, 10, 1), activities="Belum selesai."
        )
    sweep_at(2026, 11, 5, 23, 59)
    assert kinds("report_missing") == []
    sweep_at(2026, 11, 6, 8, 0)
    assert kinds("report_missing") == [("kabid", "2026-10")]
    reminder = Reminder.objects.get(kind="report_missing")
    assert reminder.subject_key == f"volunteer:{lazy.volunteer.pk}"
    sweep_at(2026, 11, 20, 8, 0)
    assert len(kinds("report_missing")) == 1


# --- the daily digest ----------------------------------------------------------------------
def test_the_daily_digest_goes_to_staff_and_supervisors_at_seven_once_a_day(
    relawan_alalak, petugas, kabid, admin_user
):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=WITA), tick=False):
        file_case(relawan_alalak)  # Friday: due Wednesday 25 09:00 -> overdue on the 26th
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA), tick=False):
        file_case(relawan_alalak)  # Monday: due Thursday 26 09:00 -> due that day
    sweep_at(2026, 11, 26, 6, 59)
    assert kinds("daily_digest") == []
    sweep_at(2026, 11, 26, 7, 0)
    assert kinds("daily_digest") == [("kabid", "2026-11-26"), ("petugas", "2026-11-26")]
    digest = Reminder.objects.filter(kind="daily_digest").first()
    assert digest is not None
    assert "2 baru, 1 terlambat, 1 jatuh tempo hari ini" in digest.title
    sweep_at(2026, 11, 26, 15, 0)
    assert len(kinds("daily_digest")) == 2
    sweep_at(2026, 11, 27, 7, 5)
    assert len(kinds("daily_digest")) == 4
