"""Acceptance (issue 5): in `make run` without Redis, a case left untriaged past its due time
produces an in-app reminder, at any hour of the day.

Two ways in: the exact process `make run` starts (scripts/run.sh: `celery -A psm worker -B`
with no REDIS_URL, so kombu's filesystem broker and the database beat schedule), and
`manage.py send_reminders` (the same sweep and delivery, synchronously), both at night.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.models import Category
from psm.accounts.models import User
from psm.accounts.services import user_create
from psm.notifications.models import Notification, Reminder
from tests.cases_support import file_case
from tests.test_notifications_delivery import database_url, wait_for
from volunteers.models import Kecamatan, Kelurahan

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.django_db
def test_send_reminders_at_night_turns_an_untriaged_case_into_an_in_app_reminder(
    relawan_alalak, petugas, settings, mailoutbox
):
    settings.PSM_QUIET_HOURS = (21, 6)
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA), tick=False):
        case = file_case(relawan_alalak)  # triage due Thursday 26, 09:00
    with time_machine.travel(dt.datetime(2026, 11, 26, 23, 30, tzinfo=WITA), tick=False):
        call_command("send_reminders")
    note = Notification.objects.get(recipient=petugas, reminder__kind="triage_overdue")
    assert case.reference in note.title and note.url == f"/cases/{case.reference}/"
    assert mailoutbox == []  # the email waits for 06:00; the in-app one does not
    reminder = Reminder.objects.get(kind="triage_overdue", recipient=petugas)
    assert reminder.state == Reminder.State.PENDING
    assert reminder.due_at == dt.datetime(2026, 11, 27, 6, 0, tzinfo=WITA)


def _own_area_and_category() -> tuple[Kelurahan, Category]:
    """A transactional test may run after another one's flush emptied the seeded tables."""
    kecamatan, _ = Kecamatan.objects.get_or_create(code="63.71.99", defaults={"name": "Uji"})
    kelurahan, _ = Kelurahan.objects.get_or_create(
        kecamatan=kecamatan, name="Kelurahan Uji", defaults={"code": "63.71.99.1001"}
    )
    category, _ = Category.objects.get_or_create(code="UJI-01", defaults={"name": "Kasus uji"})
    return kelurahan, category


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_make_run_worker_without_redis_delivers_an_in_app_reminder(transactional_db, tmp_path):
    kelurahan, category = _own_area_and_category()
    petugas = user_create(username="petugas_malam", role=User.Role.STAFF, full_name="Petugas")
    filed = timezone.now() - dt.timedelta(days=10)  # past its triage due time, whatever the day
    case = file_case(petugas, kel=kelurahan, category=category, created_at=filed)
    broker = tmp_path / "broker"
    for sub in ("queue", "processed"):
        (broker / sub).mkdir(parents=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "EMAIL_URL", "QUIET_HOURS_START", "QUIET_HOURS_END"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="psm.settings",
        PSM_TESTING="1",
        DEBUG="0",
        DATABASE_URL=database_url(),
        CELERY_BROKER_DIR=str(broker),
        REMINDER_SWEEP_SECONDS="2",
    )
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        # The command scripts/run.sh runs (with a short sweep interval).
        worker = subprocess.Popen(
            [CELERY, "-A", "psm", "worker", "-B", "--loglevel=INFO", "--concurrency=2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            arrived = wait_for(
                lambda: Notification.objects.filter(
                    recipient=petugas, reminder__kind="triage_overdue"
                ).exists(),
                90,
                0.5,
            )
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
    assert arrived, log.read_text(errors="replace")[-5000:]
    note = Notification.objects.get(recipient=petugas, reminder__kind="triage_overdue")
    assert case.reference in note.title
