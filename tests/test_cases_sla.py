"""First-response due times: 45 minutes for emergencies, else 3 working days (WITA)."""

from __future__ import annotations

import datetime as dt

from cases.models import Priority
from cases.sla import WITA, response_due_at


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=WITA)


def test_emergency_is_due_45_minutes_later_even_at_night_on_a_holiday():
    assert response_due_at(at(2026, 8, 17, 23, 30), Priority.EMERGENCY) == at(2026, 8, 18, 0, 15)


def test_a_monday_case_is_due_on_thursday():
    assert response_due_at(at(2026, 11, 23), Priority.NORMAL) == at(2026, 11, 26)


def test_weekends_are_skipped():
    assert response_due_at(at(2026, 11, 26), Priority.NORMAL) == at(2026, 12, 1)  # Thu -> Tue
    assert response_due_at(at(2026, 11, 28), Priority.LOW) == at(2026, 12, 2)  # Sat -> Wed


def test_indonesian_holidays_are_skipped():
    # Independence Day, Monday 17 August 2026: Fri 14th -> Tue 18, Wed 19, Thu 20.
    assert response_due_at(at(2026, 8, 14), Priority.HIGH) == at(2026, 8, 20)
