"""When a case needs its first response (service_standards.md).

A first version: emergency cases within 45 minutes (clock time); every other case within
3 working days (Monday-Friday in Asia/Makassar, Indonesian holidays skipped). The reminders
work makes this policy-driven; keep every caller on `response_due_at`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from cases.models import Category, Priority

WITA = ZoneInfo("Asia/Makassar")
EMERGENCY_RESPONSE = dt.timedelta(minutes=45)
RESPONSE_WORKING_DAYS = 3


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local clock time `days` working days after `start` (a weekend start counts
    from the next working day)."""
    local = start.astimezone(WITA)
    day = local.date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=WITA)


def response_due_at(
    created_at: dt.datetime, priority: str, category: Category | None = None
) -> dt.datetime:
    """Deadline for Dinsos' first response to a case filed at `created_at`."""
    del category  # the policy-driven version will vary by category
    if priority == Priority.EMERGENCY:
        return created_at + EMERGENCY_RESPONSE
    return add_working_days(created_at, RESPONSE_WORKING_DAYS)
