"""Where the benchmark meets features still being merged: the reminder sweep (M5) and the
intake view (M6, M7). Each adapter raises NotAvailable until the feature is in the branch;
point it at the real code here, in one place, once it is merged.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# Candidate homes of the sweep, first found wins (issue 5: `manage.py send_reminders` runs
# one sweep with the same code; the delivery log is psm.notifications, `reminders_create`).
SWEEP_CANDIDATES = (
    "cases.reminders:reminders_sweep",
    "cases.services.reminders:reminders_sweep",
    "cases.reminders:sweep",
    "psm.notifications.services:reminders_sweep",
)


class NotAvailable(Exception):
    """The feature this metric measures is not in this branch yet."""


def _find(candidates: tuple[str, ...]) -> Callable[..., Any] | None:
    for dotted in candidates:
        module_name, attr = dotted.split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, attr, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


# M5 measures one rule: "a new case past its due time -> every active staff member", the
# rule the harness makes 10,000 cases due for (bench.metrics._make_due_cases) and the one a
# single INSERT…SELECT can state. The other default sweepers (emergencies, visits) read
# other cases and would make the two sides create different rows.
UNTRIAGED_RULE_CANDIDATES = (
    "cases.reminders:untriaged_cases",
    "cases.reminders:cases_untriaged",
)


def reminder_sweep() -> Callable[[], Any]:
    """One sweep as `manage.py send_reminders` runs it (psm.notifications.reminders_sweep:
    rules, then reminders_create's INSERT…ON CONFLICT), with only the untriaged rule
    configured (M5's numerator)."""
    from django.test.utils import override_settings

    sweep = _find(SWEEP_CANDIDATES)
    rule = _find(UNTRIAGED_RULE_CANDIDATES)
    if sweep is None or rule is None:
        raise NotAvailable("sweep or untriaged-case rule not merged")
    path = f"{rule.__module__}.{rule.__name__}"

    def run() -> Any:
        with override_settings(PSM_REMINDER_SWEEPERS=[path]):
            return sweep()

    return run


def reminder_table() -> str:
    """The Reminder model's table (psm.notifications), emptied between measured sweeps."""
    from django.apps import apps

    try:
        model = apps.get_model("notifications", "Reminder")
    except LookupError as exc:
        raise NotAvailable("Reminder model not merged") from exc
    return str(model._meta.db_table)


def reminder_marks_reset() -> str:
    """SQL that forgets the sweep watermarks (psm.notifications.SweepMark), so the measured
    first sweep is a first sweep: the harness makes cases due with raw SQL (no updated_at),
    which a watermarked sweep after an earlier bench run would rightly not look at."""
    from django.apps import apps

    try:
        model = apps.get_model("notifications", "SweepMark")
    except LookupError:
        return "SELECT 1"  # no watermarks in this branch
    return f"DELETE FROM {model._meta.db_table}"  # nosec B608: the model's table name


# The same rows as cases.reminders.untriaged_cases + reminders_create, in one statement:
# new, non-emergency cases due for triage by now, times every active staff member; the
# occurrence is the triage due time as Python's isoformat() writes it in UTC (the unique key
# must match).
REMINDER_EQUIVALENT_SQL = """
INSERT INTO {table}
    (subject_key, kind, occurrence, recipient_id, title, body, url, is_emergency,
     due_at, state, attempts, last_error, created_at, channels_sent)
SELECT 'case:' || c.id, 'triage_overdue',
       to_char(c.triage_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
       || CASE WHEN extract(microseconds FROM c.triage_due_at)::bigint % 1000000 <> 0
               THEN to_char(c.triage_due_at AT TIME ZONE 'UTC', '.US') ELSE '' END
       || '+00:00',
       u.id, 'Case ' || c.reference || ' waits for triage past its due time', '',
       '/cases/' || c.reference || '/', false, c.triage_due_at, 'pending', 0, '', now(),
       '{{}}'
FROM cases_case c CROSS JOIN accounts_user u
WHERE c.status = 'new' AND c.triage_due_at <= now() AND c.priority <> 'emergency'
  AND u.role = 'staff' AND u.is_active
ON CONFLICT (subject_key, kind, occurrence, recipient_id) DO NOTHING
"""


def reminder_equivalent_sql() -> str:
    """M5's denominator: ONE INSERT ... SELECT ... ON CONFLICT DO NOTHING that creates the same
    rows as the measured sweep (the harness compares the row counts)."""
    return REMINDER_EQUIVALENT_SQL.format(table=reminder_table())


def intake_available() -> bool:
    """True once /cases/new/ is the real intake view (not the placeholder route)."""
    from django.urls import resolve

    from cases.views import queue as views_queue

    return resolve("/cases/new/").func is not views_queue.case_list


def intake_form(n_marker: str) -> dict[str, str]:
    """The POST body of one valid intake (M6): a new person without NIK (many have none)
    and the case, as cases.forms.IntakeForm takes them. `n_marker` is replaced per request
    by wrk, so every submission has its own idempotency key and person."""
    if not intake_available():
        raise NotAvailable("intake view not merged")
    from cases.models import Category
    from volunteers.models import Kelurahan

    category = Category.objects.filter(is_active=True).order_by("code").first()
    kelurahan = Kelurahan.objects.order_by("name").first()
    if category is None or kelurahan is None:
        raise NotAvailable("no category or kelurahan seeded")
    return {
        # 12 hex digits at the end: "000" + the marker (thread digit + 8-digit counter).
        "idempotency_key": f"00000000-0000-4000-8000-000{n_marker}",
        "name": f"Warga Uji {n_marker}",
        "sex": "",
        "category": str(category.pk),
        "priority": "",
        "kelurahan": str(kelurahan.pk),
        "address": "Jl. Uji Beban No. 1",
        "rt": "001",
        "rw": "002",
        "description": "Lansia tinggal sendiri, perlu bantuan makanan (uji beban).",
    }
