"""The case rules of the reminder sweep, against PostgreSQL, with a time machine."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from cases.services import case_transition, visit_log
from psm.notifications.models import Notification, Reminder
from tests.cases_support import file_case

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
