from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from psm.notifications import services


class Command(BaseCommand):
    help = "One reminder sweep and delivery, synchronously (the code the beat task runs)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = services.reminders_sweep()
        ids = services.reminders_claim()
        outcomes: dict[str, int] = {}
        for reminder_id in ids:
            outcome = services.reminder_deliver(reminder_id=reminder_id)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"created={created} claimed={len(ids)} {summary}")
