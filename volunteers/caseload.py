"""The volunteers' window on the cases above them (architecture.md, Layers).

`volunteers` never imports `cases`: the case numbers of the roster, the profile and the
report pre-fill come from the object settings.PSM_VOLUNTEER_CASELOAD names (as
PSM_REMINDER_SWEEPERS does for reminders), so every case rule stays in `cases`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Func
from django.utils.module_loading import import_string

from psm.accounts.models import User


class Caseload(Protocol):
    def workload_annotations(
        self, user_ref: str = "pk", *, now: dt.datetime | None = None, detail: bool = True
    ) -> dict[str, Func]:
        """Annotations for a queryset whose `user_ref` is a user id: `open_cases`,
        `overdue_cases` and, with `detail`, `open_<status>` and `last_case_activity`."""
        ...

    def workload_by_status(self, obj: Any) -> list[tuple[str, str, int]]:
        """(status, label, count) of an object annotated with `detail`."""
        ...

    def cases_handled(self, *, user: User, start: dt.datetime, end: dt.datetime) -> int:
        """How many distinct cases `user` acted on in [start, end)."""
        ...


@functools.cache
def _load(path: str) -> Caseload:
    return import_string(path)  # type: ignore[no-any-return]


def caseload() -> Caseload:
    return _load(settings.PSM_VOLUNTEER_CASELOAD)
