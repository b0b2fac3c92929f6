"""Reminder creation, claim/lease/reclaim, delivery, quiet hours and the sweep, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from psm.accounts.models import User
from psm.notifications import services
from psm.notifications.models import Notification, Reminder
from psm.notifications.services import ReminderSpec
from tests.factories import UserFactory

WITA = ZoneInfo("Asia/Makassar")
# A Tuesday morning in Banjarmasin: outside quiet hours.
MORNING = dt.datetime(2026, 3, 10, 10, 0, tzinfo=WITA)


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=True) as traveller:
        yield traveller


def spec(user: User, n: int = 1, **extra) -> ReminderSpec:
    return ReminderSpec(
        subject_key=f"case:{n}",
        kind="triage_overdue",
        occurrence="2026-03-10T09:00",
        recipient_id=user.pk,
        title=f"Kasus {n} belum ditriase",
        body="Segera lakukan triase.",
        url=f"/cases/BJM-2026-{n:06d}/",
        **extra,
    )


def sample_sweeper(*, now):
    """A sweeper as the cases app will register one: returns specs, knows nothing else."""
    user = User.objects.get(username="petugas")
    return [spec(user, n) for n in range(1, 4)]


def broken_sweeper(*, now):
    raise RuntimeError("rule bug")


# --- create ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_creating_the_same_reminders_twice_creates_nothing_the_second_time(petugas, kabid):
    specs = [spec(petugas, n) for n in range(50)] + [spec(kabid, 1)]
    assert services.reminders_create(specs=specs) == 51
    assert services.reminders_create(specs=specs) == 0
    assert Reminder.objects.count() == 51


@pytest.mark.django_db
def test_duplicates_inside_one_batch_and_dict_specs_are_accepted(petugas):
    as_dict = {
        "subject_key": "case:7",
        "kind": "triage_overdue",
        "occurrence": "2026-03-10T09:00",
        "recipient_id": petugas.pk,
        "title": "duplikat",
    }
    assert services.reminders_create(specs=[spec(petugas, 7), as_dict, spec(petugas, 8)]) == 2
    reminder = Reminder.objects.get(subject_key="case:7")
    assert reminder.title == "Kasus 7 belum ditriase"  # the first one wins, never overwritten
    assert reminder.state == Reminder.State.PENDING


@pytest.mark.django_db
def test_a_new_occurrence_of_the_same_rule_is_a_new_reminder(petugas):
    services.reminders_create(specs=[spec(petugas, 1)])
    later = ReminderSpec("case:1", "triage_overdue", "2026-03-11T09:00", petugas.pk, "lagi")
    assert services.reminders_create(specs=[later]) == 1


def test_a_spec_without_a_kind_or_with_a_naive_due_time_is_refused():
    with pytest.raises(Exception, match="kind"):
        ReminderSpec("case:1", "", "x", 1, "t")
    with pytest.raises(Exception, match="timezone-aware"):
        ReminderSpec("case:1", "k", "x", 1, "t", due_at=dt.datetime(2026, 1, 1, 9, 0))


# --- claim, lease, reclaim -------------------------------------------------------------
@pytest.mark.django_db
def test_claim_takes_due_rows_once_and_leaves_future_ones(petugas, morning, settings):
    settings.PSM_REMINDER_LEASE_SECONDS = 60
    future = timezone.now() + dt.timedelta(hours=1)
    services.reminders_create(specs=[spec(petugas, 1), spec(petugas, 2, due_at=future)])
    ids = services.reminders_claim()
    assert len(ids) == 1
    claimed = Reminder.objects.get(pk=ids[0])
    assert claimed.state == Reminder.State.SENDING
    assert claimed.lease_expires_at == pytest.approx(
        timezone.now() + dt.timedelta(seconds=60), abs=dt.timedelta(seconds=5)
    )
    assert services.reminders_claim() == []  # leased: nobody else takes it


@pytest.mark.django_db
def test_an_expired_lease_is_reclaimed_by_the_next_sweep(petugas, morning, settings):
    settings.PSM_REMINDER_LEASE_SECONDS = 60
    services.reminders_create(specs=[spec(petugas, 1)])
    first = services.reminders_claim()
    morning.shift(dt.timedelta(seconds=30))
    assert services.reminders_claim() == []
    morning.shift(dt.timedelta(seconds=31))
    assert services.reminders_claim() == first


@pytest.mark.django_db
def test_emergencies_are_claimed_first_and_the_batch_is_limited(petugas, morning):
    services.reminders_create(specs=[spec(petugas, n) for n in range(5)])
    services.reminders_create(specs=[spec(petugas, 99, is_emergency=True)])
    ids = services.reminders_claim(limit=2)
    assert len(ids) == 2
    assert Reminder.objects.get(pk=ids[0]).is_emergency


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_another_transaction_is_skipped_not_waited_for(petugas, morning):
    services.reminders_create(specs=[spec(petugas, 1), spec(petugas, 2)])
    locked = Reminder.objects.order_by("pk").first()
    holding = threading.Event()
    release = threading.Event()

    def hold_lock():
        with transaction.atomic():
            Reminder.objects.select_for_update().get(pk=locked.pk)
            holding.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=hold_lock)
    thread.start()
    try:
        assert holding.wait(10)
        ids = services.reminders_claim()
        assert locked.pk not in ids and len(ids) == 1
        assert services.reminder_deliver(reminder_id=locked.pk) == "busy"
    finally:
        release.set()
        thread.join()


# --- deliver ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_delivery_writes_one_in_app_notification_and_one_email(petugas, morning, mailoutbox):
    services.reminders_create(specs=[spec(petugas, 1)])
    [reminder_id] = services.reminders_claim()
    assert services.reminder_deliver(reminder_id=reminder_id) == "sent"
    assert services.reminder_deliver(reminder_id=reminder_id) == "done"
    reminder = Reminder.objects.get(pk=reminder_id)
    assert reminder.state == Reminder.State.SENT
    assert reminder.channels_sent == ["in_app", "email"]
    assert reminder.attempts == 1 and reminder.sent_at is not None
    assert Notification.objects.get(recipient=petugas).reminder_id == reminder_id
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"].startswith(f"<psm-reminder-{reminder_id}@")


@pytest.mark.django_db
def test_a_user_without_email_gets_the_reminder_in_app_only(relawan_alalak, morning, mailoutbox):
    services.reminders_create(specs=[spec(relawan_alalak, 1)])
    [reminder_id] = services.reminders_claim()
    services.reminder_deliver(reminder_id=reminder_id)
    assert Reminder.objects.get(pk=reminder_id).channels_sent == ["in_app"]
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_failing_channel_is_retried_later_without_repeating_the_ones_that_worked(
    petugas, morning, settings, mailoutbox
):
    services.reminders_create(specs=[spec(petugas, 1)])
    [reminder_id] = services.reminders_claim()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert services.reminder_deliver(reminder_id=reminder_id) == "retry"
    reminder = Reminder.objects.get(pk=reminder_id)
    assert reminder.state == Reminder.State.PENDING
    assert reminder.channels_sent == ["in_app"]
    assert reminder.last_error.startswith("email:")
    assert reminder.due_at > timezone.now()  # backs off
    assert services.reminders_claim() == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    morning.shift(dt.timedelta(minutes=2))
    assert services.reminders_claim() == [reminder_id]
    assert services.reminder_deliver(reminder_id=reminder_id) == "sent"
    assert Notification.objects.filter(reminder_id=reminder_id).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_reminder_out_of_attempts_fails_and_admin_retry_requeues_it(petugas, morning, settings):
    settings.PSM_REMINDER_MAX_ATTEMPTS = 1
    settings.PSM_REMINDER_LEASE_SECONDS = 10
    services.reminders_create(specs=[spec(petugas, 1)])
    [reminder_id] = services.reminders_claim()
    reminder = Reminder.objects.get(pk=reminder_id)
    # A worker that died mid-send: the attempt was counted, the lease runs out.
    Reminder.objects.filter(pk=reminder_id).update(attempts=1)
    morning.shift(dt.timedelta(seconds=11))
    assert services.reminders_claim() == [reminder_id]
    assert services.reminder_deliver(reminder_id=reminder_id) == "failed"
    assert Reminder.objects.get(pk=reminder_id).state == Reminder.State.FAILED

    assert services.reminder_retry(reminder=reminder)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.PENDING, 0)
    assert services.reminders_claim() == [reminder_id]
    assert services.reminder_deliver(reminder_id=reminder_id) == "sent"
    assert not services.reminder_retry(reminder=reminder)  # a sent reminder is never resent


# --- quiet hours -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 30, True), (3, 0, True), (5, 59, True), (6, 0, False)],
)
def test_quiet_hours_run_from_21_to_06_wita(hour, minute, quiet):
    at = dt.datetime(2026, 3, 10, hour, minute, tzinfo=WITA)
    assert services.in_quiet_hours(at) is quiet
    # The same instant seen from UTC is still judged in Banjarmasin time.
    assert services.in_quiet_hours(at.astimezone(dt.UTC)) is quiet


@pytest.mark.django_db
def test_at_night_in_app_arrives_at_once_email_waits_for_six_emergencies_go_out_fully(
    petugas, mailoutbox
):
    with time_machine.travel(dt.datetime(2026, 3, 10, 22, 15, tzinfo=WITA), tick=False) as t:
        services.reminders_create(specs=[spec(petugas, 1), spec(petugas, 2, is_emergency=True)])
        ids = services.reminders_claim()
        assert len(ids) == 2  # everything due is claimed: in-app goes out at any hour
        outcomes = {
            Reminder.objects.get(pk=i).is_emergency: services.reminder_deliver(reminder_id=i)
            for i in ids
        }
        assert outcomes == {True: "sent", False: "held"}
        assert Notification.objects.filter(recipient=petugas).count() == 2
        assert [m.extra_headers["X-PSM-Reminder-Id"] for m in mailoutbox] == [
            str(Reminder.objects.get(is_emergency=True).pk)
        ]
        ordinary = Reminder.objects.get(is_emergency=False)
        assert ordinary.state == Reminder.State.PENDING
        assert ordinary.channels_sent == ["in_app"]
        assert ordinary.due_at == dt.datetime(2026, 3, 11, 6, 0, tzinfo=WITA)
        assert ordinary.attempts == 0  # holding is no failed attempt

        t.move_to(dt.datetime(2026, 3, 11, 5, 59, tzinfo=WITA))
        assert services.reminders_claim() == []
        t.move_to(dt.datetime(2026, 3, 11, 6, 0, tzinfo=WITA))
        [morning_id] = services.reminders_claim()
        assert services.reminder_deliver(reminder_id=morning_id) == "sent"
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(recipient=petugas).count() == 2  # in-app not repeated
    ordinary.refresh_from_db()
    assert ordinary.state == Reminder.State.SENT
    assert ordinary.channels_sent == ["in_app", "email"]


@pytest.mark.django_db
def test_a_claimed_reminder_reaching_a_worker_after_21_sends_in_app_and_holds_email(
    petugas, mailoutbox
):
    with time_machine.travel(dt.datetime(2026, 3, 10, 20, 59, 59, tzinfo=WITA), tick=False) as t:
        services.reminders_create(specs=[spec(petugas, 1)])
        [reminder_id] = services.reminders_claim()
        t.move_to(dt.datetime(2026, 3, 10, 21, 0, 1, tzinfo=WITA))
        assert services.reminder_deliver(reminder_id=reminder_id) == "held"
    assert Reminder.objects.get(pk=reminder_id).state == Reminder.State.PENDING
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=petugas).count() == 1


@pytest.mark.django_db
def test_a_user_with_in_app_only_gets_a_night_reminder_fully_sent(mailoutbox):
    user = UserFactory(email="")
    with time_machine.travel(dt.datetime(2026, 3, 10, 23, 0, tzinfo=WITA), tick=False):
        services.reminders_create(specs=[spec(user, 1)])
        [reminder_id] = services.reminders_claim()
        assert services.reminder_deliver(reminder_id=reminder_id) == "sent"
    assert Reminder.objects.get(pk=reminder_id).state == Reminder.State.SENT
    assert Notification.objects.filter(reminder_id=reminder_id).count() == 1 and mailoutbox == []


# --- sweep and the command ---------------------------------------------------------------
@pytest.mark.django_db
def test_send_reminders_runs_the_sweepers_and_delivers_and_a_second_run_does_nothing(
    petugas, morning, settings, mailoutbox, capsys
):
    settings.PSM_REMINDER_SWEEPERS = [
        "tests.test_notifications_services.broken_sweeper",  # logged, does not stop the rest
        "tests.test_notifications_services.sample_sweeper",
    ]
    call_command("send_reminders")
    assert "created=3 claimed=3 sent=3" in capsys.readouterr().out
    call_command("send_reminders")
    assert "created=0 claimed=0 nothing due" in capsys.readouterr().out
    assert Notification.objects.filter(recipient=petugas).count() == 3
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_inactive_users_get_no_email(morning, mailoutbox):
    user: User = UserFactory(is_active=False, email="pensiun@test.invalid")  # type: ignore[assignment]
    active: User = UserFactory(email="aktif@test.invalid")  # type: ignore[assignment]
    services.reminders_create(specs=[spec(user, 1), spec(active, 2)])
    claimed = services.reminders_claim()
    assert len(claimed) == 2
    assert [services.reminder_deliver(reminder_id=pk) for pk in claimed] == ["sent", "sent"]
    # Delivery ran: the active user has the email, both have the in-app notification, and
    # the inactive user's reminder is finished (sent in-app), not waiting for an email.
    assert [m.to for m in mailoutbox] == [["aktif@test.invalid"]]
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Notification.objects.filter(recipient=active).count() == 1
    mine = Reminder.objects.get(recipient=user)
    assert (mine.state, mine.channels_sent) == (Reminder.State.SENT, ["in_app"])
