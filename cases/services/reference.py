"""Case references BJM-<year>-<6 digits>: one PostgreSQL sequence per year.

A sequence never blocks concurrent intakes and never hands out a number twice; a rolled back
intake leaves a gap, which the architecture allows ("gap-tolerant").
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

PREFIX = "BJM"


def _sequence_name(year: int) -> str:
    return f"cases_reference_{int(year)}"


def reference_next(*, year: int | None = None) -> str:
    year = int(year or timezone.localdate().year)
    seq = _sequence_name(year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [seq])
        if cursor.fetchone()[0] is None:
            # The first case of a year creates its sequence. The advisory lock makes a
            # concurrent first case wait for it instead of failing on pg_class uniqueness.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [seq])
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {seq}")  # noqa: S608 - int only
        cursor.execute("SELECT nextval(%s)", [seq])
        number = cursor.fetchone()[0]
    return f"{PREFIX}-{year}-{number:06d}"
