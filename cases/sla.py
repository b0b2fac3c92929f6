"""The SLA clock: when a case must be triaged, first answered and resolved.

Targets come from `SlaPolicy` rows (admin-editable): the policy of the case's category and
priority, else the default policy of that priority (no category), else `FALLBACK` (the same
values the data migration seeds, from Dinsos' published standards: emergency first response
within 45 minutes of clock time, every day; a normal response within 3 working days).

A target is either clock minutes or working days. Working days are Monday-Friday in
Asia/Makassar, minus Indonesian public holidays (the `holidays` package) and the
collective-leave days (cuti bersama) admins enter as `CollectiveLeave`. "N working days after"
keeps the local clock time: a case filed Monday 09:00 with 3 working days is due Thursday
09:00; one filed on a day off counts from the next working day.

Every caller goes through the functions here. The policies and leave days are two small
tables; a caller that computes many due times (a sweep, the demo seeder) wraps the loop in
`sla_cache()` so they are read once, not once per case.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import holidays

from cases.models import Category, CollectiveLeave, Priority, SlaPolicy, SlaUnit
from psm.localtime import WITA

MINUTES = SlaUnit.MINUTES.value
WORKING_DAYS = SlaUnit.WORKING_DAYS.value


@dataclass(frozen=True)
class Span:
    amount: int
    unit: str

    def after(self, start: dt.datetime, calendar: Calendar) -> dt.datetime:
        if self.unit == MINUTES:
            return start + dt.timedelta(minutes=self.amount)
        return calendar.add_working_days(start, self.amount)


@dataclass(frozen=True)
class Targets:
    triage: Span
    response: Span
    resolution: Span


@dataclass(frozen=True)
class DueTimes:
    triage: dt.datetime
    response: dt.datetime
    resolution: dt.datetime


def _days(n: int) -> Span:
    return Span(n, WORKING_DAYS)


# service_standards.md names two numbers: emergency first response 45 minutes (clock time)
# and a normal response in 3 working days. Triage may take at most the response time;
# high and low follow normal. Resolution times are not published: team defaults for admins
# to adjust (emergency 3 working days, else 14, the longest published service time).
FALLBACK: dict[str, Targets] = {
    Priority.EMERGENCY: Targets(Span(45, MINUTES), Span(45, MINUTES), _days(3)),
    Priority.HIGH: Targets(_days(3), _days(3), _days(14)),
    Priority.NORMAL: Targets(_days(3), _days(3), _days(14)),
    Priority.LOW: Targets(_days(3), _days(3), _days(14)),
}


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


class Calendar:
    """Policies and days off, read from the database once per instance."""

    def __init__(self) -> None:
        self.policies: dict[tuple[int | None, str], Targets] = {
            (p.category_id, p.priority): Targets(
                Span(p.triage_amount, p.triage_unit),
                Span(p.response_amount, p.response_unit),
                Span(p.resolution_amount, p.resolution_unit),
            )
            for p in SlaPolicy.objects.all()
        }
        self.leave_days: frozenset[dt.date] = frozenset(
            CollectiveLeave.objects.values_list("date", flat=True)
        )

    def targets(self, priority: str, category_id: int | None) -> Targets:
        return (
            self.policies.get((category_id, priority))
            or self.policies.get((None, priority))
            or FALLBACK.get(priority)
            or FALLBACK[Priority.NORMAL]
        )

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _holidays(day.year) and day not in self.leave_days

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        local = start.astimezone(WITA)
        day = local.date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=WITA)

    def due_times(
        self, created_at: dt.datetime, priority: str, category_id: int | None
    ) -> DueTimes:
        targets = self.targets(priority, category_id)
        return DueTimes(
            triage=targets.triage.after(created_at, self),
            response=targets.response.after(created_at, self),
            resolution=targets.resolution.after(created_at, self),
        )


_cached: ContextVar[Calendar | None] = ContextVar("psm_sla_calendar", default=None)


@contextlib.contextmanager
def sla_cache() -> Iterator[Calendar]:
    """Read policies and leave days once for the block (a sweep, a bulk job). Nested blocks
    share the outer calendar."""
    current = _cached.get()
    if current is not None:
        yield current
        return
    calendar = Calendar()
    token = _cached.set(calendar)
    try:
        yield calendar
    finally:
        _cached.reset(token)


def calendar() -> Calendar:
    """The calendar of the enclosing `sla_cache()` block, else a freshly read one."""
    return _cached.get() or Calendar()


def _category_id(category: Category | int | None) -> int | None:
    return category.pk if isinstance(category, Category) else category


def is_working_day(day: dt.date) -> bool:
    return calendar().is_working_day(day)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local clock time `days` working days after `start` (a start on a day off
    counts from the next working day)."""
    return calendar().add_working_days(start, days)


def due_times(
    created_at: dt.datetime, priority: str, category: Category | int | None = None
) -> DueTimes:
    """Triage, first-response and resolution deadlines of a case filed at `created_at`."""
    return calendar().due_times(created_at, priority, _category_id(category))


def due_fields(
    created_at: dt.datetime, priority: str, category: Category | int | None = None
) -> dict[str, dt.datetime]:
    """The Case columns of `due_times` (for create/update calls)."""
    due = due_times(created_at, priority, category)
    return {
        "triage_due_at": due.triage,
        "due_at": due.response,
        "resolution_due_at": due.resolution,
    }


def response_due_at(
    created_at: dt.datetime, priority: str, category: Category | int | None = None
) -> dt.datetime:
    """Deadline for Dinsos' first response to a case filed at `created_at`."""
    return due_times(created_at, priority, category).response
