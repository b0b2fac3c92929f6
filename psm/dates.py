"""Plausible dates, defined once: every date a person types is checked against one of these.

Three kinds of date, each a validator usable on a model field (so a service's full_clean()
refuses it too) and on a form field:

* a birth date: from 1 January 1900 to today;
* a date that has happened (a visit, an appointment decree, a status change, a report's month):
  from 1 January 1990 (the first appointment-decree year the roster accepts) to today;
* a planned date (the next visit, a training): from 1 January 1990 to two years ahead.

"Today" is the local date of the deployment's time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from psm.ui.dates import shown

EARLIEST_BIRTH = dt.date(1900, 1, 1)
EARLIEST_RECORD = dt.date(1990, 1, 1)
PLANNED_YEARS_AHEAD = 2


def today() -> dt.date:
    return timezone.localdate()


def latest_planned() -> dt.date:
    now = today()
    try:
        return now.replace(year=now.year + PLANNED_YEARS_AHEAD)
    except ValueError:  # 29 February
        return now.replace(year=now.year + PLANNED_YEARS_AHEAD, day=28)


def _shown(value: dt.date) -> str:
    return shown(value, "long_date")


def _check(
    value: dt.date | None, earliest: dt.date, latest: dt.date, message: Callable[[], str]
) -> None:
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    if not earliest <= value <= latest:
        raise ValidationError(
            message(),
            code="date_out_of_range",
            params={"earliest": _shown(earliest), "latest": _shown(latest)},
        )


def validate_birth_date(value: dt.date | None) -> None:
    _check(
        value,
        EARLIEST_BIRTH,
        today(),
        lambda: _("A birth date lies between %(earliest)s and today."),
    )


def validate_past_date(value: dt.date | None) -> None:
    _check(
        value,
        EARLIEST_RECORD,
        today(),
        lambda: _("Enter a date between %(earliest)s and today (not in the future)."),
    )


def validate_planned_date(value: dt.date | None) -> None:
    _check(
        value,
        EARLIEST_RECORD,
        latest_planned(),
        lambda: _("Enter a date between %(earliest)s and %(latest)s."),
    )
