"""Case references <prefix>-<year>-<6 digits> (BJM-2026-000123): one PostgreSQL sequence per year.

The prefix is the region's (settings.CASE_REFERENCE_PREFIX, BJM for Banjarmasin).

A sequence never blocks concurrent intakes and never hands out a number twice; a rolled back
intake leaves a gap, which the architecture allows ("gap-tolerant").
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone


def reference_prefix() -> str:
    return str(settings.CASE_REFERENCE_PREFIX)


@cache
def _reference_re(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}-\d{{4}}-\d{{1,6}}$", re.IGNORECASE)


def reference_re() -> re.Pattern[str]:
    """A whole reference as people type it (any case, leading zeros optional)."""
    return _reference_re(reference_prefix())


def reference_example() -> str:
    """A reference as the region writes them (form placeholders): BJM-2026-000123."""
    return f"{reference_prefix()}-{timezone.localdate().year}-000123"


def reference_normal(typed: str) -> str:
    """bjm-2026-123 -> BJM-2026-000123, the stored form (for a value reference_re matched)."""
    prefix, year, number = typed.upper().split("-")
    return f"{prefix}-{year}-{int(number):06d}"


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
    return f"{reference_prefix()}-{year}-{number:06d}"
