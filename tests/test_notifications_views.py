"""/notifications/: the list, mark read, the navbar badge, channel settings, /healthz."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from psm.notifications.models import Notification, NotificationPreference, Reminder
from psm.notifications.services import ReminderSpec, reminders_create

pytestmark = pytest.mark.django_db


def notify(user, n: int = 1, **extra) -> Notification:
    return Notification.objects.create(
        recipient=user, title=f"Kasus {n} belum ditriase", url=f"/cases/BJM-2026-{n:06d}/", **extra
    )


def test_a_user_sees_only_their_own_notifications_newest_first(login, petugas, kabid):
    notify(petugas, 1)
    notify(petugas, 2)
    notify(kabid, 3)
    response = login(petugas).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Kasus 2 belum") < html.index("Kasus 1 belum")
    assert "Kasus 3 belum" not in html


def test_the_list_is_paginated_and_has_an_empty_state(login, relawan_alalak):
    client = login(relawan_alalak)
    empty = client.get(reverse("notifications:list"))
    assert "Belum ada notifikasi." in empty.content.decode()
    for n in range(30):
        notify(relawan_alalak, n)
    first = client.get(reverse("notifications:list"))
    assert first.content.decode().count("data-notification=") == 25
    assert "Halaman 1 dari 2" in first.content.decode()
    second = client.get(reverse("notifications:list") + "?page=2")
    assert second.content.decode().count("data-notification=") == 5
    garbage = client.get(reverse("notifications:list") + "?page=abc")
    assert garbage.status_code == 200


def test_marking_one_read_updates_the_badge(login, petugas):
    first, _ = notify(petugas, 1), notify(petugas, 2)
    client = login(petugas)
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-unread="2"' in badge
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-unread="1"' in client.get(reverse("notifications:badge")).content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link_only_on_this_site(
    login, petugas
):
    notification = notify(petugas, 7)
    client = login(petugas)
    url = reverse("notifications:read", args=[notification.pk])
    response = client.post(url, {"next": "/cases/BJM-2026-000007/"})
    assert response["Location"] == "/cases/BJM-2026-000007/"
    evil = client.post(url, {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("notifications:list")


def test_a_user_cannot_mark_another_users_notification(login, relawan_alalak, relawan_kuin):
    theirs = notify(relawan_kuin, 1)
    response = login(relawan_alalak).post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_my_notifications(login, petugas, kabid):
    notify(petugas, 1)
    notify(petugas, 2)
    other = notify(kabid, 3)
    response = login(petugas).post(reverse("notifications:read_all"), follow=True)
    assert "Semua notifikasi sudah ditandai dibaca." in response.content.decode()
    assert not Notification.objects.filter(recipient=petugas, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_read_needs_post(login, petugas):
    notification = notify(petugas)
    assert (
        login(petugas).get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    )
    assert login(petugas).get(reverse("notifications:read_all")).status_code == 405


def test_the_navbar_on_every_page_shows_the_unread_count(login, petugas):
    notify(petugas)
    html = login(petugas).get(reverse("home")).content.decode()
    assert 'id="notification-badge"' in html
    assert 'data-unread="1"' in html
    assert f'hx-get="{reverse("notifications:badge")}"' in html


def test_anonymous_visitors_are_sent_to_login():
    response = Client().get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_volunteer_turns_whatsapp_on_and_email_off(login, relawan_alalak):
    client = login(relawan_alalak)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Akun Anda belum punya nomor telepon" in page
    response = client.post(reverse("notifications:preferences"), {"whatsapp": "on"}, follow=True)
    assert "Pengaturan notifikasi Anda sudah disimpan." in response.content.decode()
    preference = NotificationPreference.objects.get(user=relawan_alalak)
    assert (preference.email, preference.whatsapp) == (False, True)


def test_healthz_reports_the_age_of_the_oldest_pending_reminder(petugas):
    assert Client().get("/healthz").json()["oldest_pending_reminder_seconds"] is None
    reminders_create(
        specs=[
            ReminderSpec(
                "case:1",
                "triage_overdue",
                "x",
                petugas.pk,
                "t",
                due_at=timezone.now() - dt.timedelta(minutes=5),
            )
        ]
    )
    body = Client().get("/healthz").json()
    assert 299 <= body["oldest_pending_reminder_seconds"] <= 330
    assert "broker" in body and "broker_ok" in body
    Reminder.objects.update(state=Reminder.State.SENT)
    assert Client().get("/healthz").json()["oldest_pending_reminder_seconds"] is None


def test_admin_lists_reminders_by_state_and_retries_failed_ones(login, admin_user, petugas):
    reminders_create(specs=[ReminderSpec("case:1", "k", "o", petugas.pk, "t")])
    reminder = Reminder.objects.get()
    Reminder.objects.update(state=Reminder.State.FAILED, attempts=8)
    client = login(admin_user)
    changelist = reverse("admin:notifications_reminder_changelist")
    assert client.get(changelist + "?state__exact=failed").status_code == 200
    response = client.post(
        changelist, {"action": "retry", "_selected_action": [reminder.pk]}, follow=True
    )
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.PENDING, 0)
