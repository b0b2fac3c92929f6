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


def reminder_sweep() -> Callable[[], Any]:
    """One sweep, as `manage.py send_reminders` runs it (M5's numerator)."""
    fn = _find(SWEEP_CANDIDATES)
    if fn is None:
        raise NotAvailable("sweep not merged")
    return fn


def reminder_table() -> str:
    """The Reminder model's table (psm.notifications), emptied between measured sweeps."""
    from django.apps import apps

    try:
        model = apps.get_model("notifications", "Reminder")
    except LookupError as exc:
        raise NotAvailable("Reminder model not merged") from exc
    return str(model._meta.db_table)


def reminder_equivalent_sql() -> str:
    """M5's denominator: ONE INSERT ... SELECT ... ON CONFLICT DO NOTHING that creates the same
    rows the sweep creates for the 10,000 due cases. Write it against the merged Reminder
    model's columns and unique constraint; the harness times it and compares the counts."""
    raise NotAvailable("equivalent INSERT…SELECT not written: Reminder model not merged")


def intake_available() -> bool:
    """True once /cases/new/ is the real intake view (not the placeholder route)."""
    from django.urls import resolve

    from cases import views_queue

    return resolve("/cases/new/").func is not views_queue.case_list


def intake_form(n_marker: str) -> dict[str, str]:
    """The POST body of one valid intake (M6). `n_marker` is replaced per request by wrk so
    every submission has its own idempotency key and beneficiary. Adjust to the merged form."""
    if not intake_available():
        raise NotAvailable("intake view not merged")
    raise NotAvailable("intake form fields not mapped yet (bench/adapters.py:intake_form)")
