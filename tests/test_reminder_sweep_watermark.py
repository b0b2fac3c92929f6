"""The set-based, watermarked case rules of the reminder sweep (issue 7, M5): the same
reminders as before, nothing missed when a due time moves into the past, idle sweeps cheap."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.models import Case, Priority
from cases.reminders import emergency_cases, untriaged_cases
from cases.services.workflow import case_set_priority
from psm.notifications.models import Reminder, SweepMark
from psm.notifications.services import SWEEP_MARK_MARGIN, SqlReminders, reminders_create
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WITA)


def run(rule, now: dt.datetime) -> int:
    with time_machine.travel(now, tick=False):
        return reminders_create(specs=rule(now=now))


def candidates(rule, now: dt.datetime) -> int:
    """How many (case, officer) rows the rule's SELECT would offer to the INSERT."""
    (spec,) = rule(now=now)
    assert isinstance(spec, SqlReminders)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({spec.select}) s", spec.params)  # noqa: S608
        return cursor.fetchone()[0]


def test_set_based_reminders_have_the_columns_the_python_rule_made(relawan_alalak, petugas, kabid):
    with time_machine.travel(at(23, 9, 0), tick=False):
        case = file_case(relawan_alalak)
    # A due time with microseconds: the occurrence must be Python's isoformat() exactly.
    due = dt.datetime(2026, 11, 26, 1, 0, 0, 123456, tzinfo=dt.UTC)
    Case.objects.filter(pk=case.pk).update(triage_due_at=due)
    with override("id"):
        assert run(untriaged_cases, at(26, 9, 30)) == 1
        title = _("Case %(ref)s (%(category)s) waits for triage past its due time") % {
            "ref": case.reference,
            "category": case.category.name,
        }
    reminder = Reminder.objects.get(kind="triage_overdue")
    assert reminder.recipient == petugas  # staff only
    assert reminder.subject_key == f"case:{case.pk}"
    assert reminder.occurrence == due.isoformat() == "2026-11-26T01:00:00.123456+00:00"
    assert reminder.title == title and title != f"Case {case.reference}"
    assert reminder.url == f"/cases/{case.reference}/"
    assert reminder.due_at == due and reminder.is_emergency is False
    assert reminder.body == "" and reminder.state == Reminder.State.PENDING


def test_whole_second_due_time_has_no_fraction_in_the_occurrence(relawan_alalak, petugas):
    with time_machine.travel(at(23, 9, 0), tick=False):
        case = file_case(relawan_alalak)
    run(untriaged_cases, at(26, 9, 30))
    case.refresh_from_db()
    assert Reminder.objects.get().occurrence == case.triage_due_at.isoformat()
    assert "." not in Reminder.objects.get().occurrence


def test_case_made_emergency_after_a_sweep_is_reminded_on_the_next(relawan_alalak, petugas, kabid):
    with time_machine.travel(at(23, 9, 0), tick=False):
        case = file_case(relawan_alalak, priority=Priority.NORMAL)
    run(emergency_cases, at(23, 10, 0))
    run(emergency_cases, at(24, 10, 0))  # the mark is now Tuesday 10:00
    assert not Reminder.objects.exists()
    with time_machine.travel(at(24, 11, 0), tick=False):
        case_set_priority(case=case, priority=Priority.EMERGENCY, actor=petugas)
    case.refresh_from_db()
    assert case.due_at is not None
    mark = SweepMark.objects.get(rule="emergency_cases").swept_until
    # Its due time (filed + 45 minutes) is now far before the window of due times.
    assert case.due_at < mark - SWEEP_MARK_MARGIN
    assert run(emergency_cases, at(24, 11, 5)) == 2  # staff and supervisor
    assert {r.recipient for r in Reminder.objects.all()} == {petugas, kabid}
    assert run(emergency_cases, at(24, 11, 6)) == 0


def test_untriaged_case_whose_due_time_moves_earlier_is_reminded(relawan_alalak, petugas):
    from cases.models import SlaPolicy

    with time_machine.travel(at(23, 9, 0), tick=False):
        case = file_case(relawan_alalak, priority=Priority.NORMAL)  # due Thursday
    run(untriaged_cases, at(24, 10, 0))
    assert not Reminder.objects.exists()
    SlaPolicy.objects.filter(category=None, priority=Priority.HIGH).update(triage_amount=1)
    with time_machine.travel(at(24, 11, 0), tick=False):
        case_set_priority(case=case, priority=Priority.HIGH, actor=petugas)
    case.refresh_from_db()
    assert case.triage_due_at == at(24, 9, 0)  # one working day after filing: passed
    assert run(untriaged_cases, at(24, 11, 5)) == 1
    assert Reminder.objects.get().occurrence == case.triage_due_at.isoformat()


def test_second_sweep_right_after_creates_nothing_and_reads_no_candidates(
    relawan_alalak, petugas, kabid
):
    with time_machine.travel(at(23, 9, 0), tick=False):
        for _n in range(3):
            file_case(relawan_alalak)
    first = at(26, 9, 5)  # all three fell due at 09:00, inside the margin of the next sweep
    assert candidates(untriaged_cases, first) == 3
    assert run(untriaged_cases, first) == 3
    later = first + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert candidates(untriaged_cases, later) == 0
        with CaptureQueriesContext(connection) as queries:
            assert reminders_create(specs=untriaged_cases(now=later)) == 0
    # savepoint, the mark, the insert, the new mark, release: no query per case or officer
    assert len(queries) <= 5, [q["sql"] for q in queries.captured_queries]
    # A day later the window holds none of them either.
    assert candidates(untriaged_cases, later + dt.timedelta(days=1)) == 0
