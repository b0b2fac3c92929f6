"""Accounts for volunteers: invitation links, deactivation ends the login and its sessions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from psm.accounts.models import Invitation, User
from psm.nik import SEX_FEMALE, generate_nik
from tests.conftest import PASSWORD
from volunteers.models import Kelurahan, Volunteer, VolunteerHistory
from volunteers.services import volunteer_create, volunteer_deactivate


def _login_request():
    """django-axes needs the request that a login comes from."""
    from django.test import RequestFactory

    return RequestFactory().post("/accounts/login/")


pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Sasirangan-Martapura-26"


def _create_form(**overrides):
    data = {
        "username": "siti_pelambuan",
        "full_name": "Siti Rahmah",
        "email": "siti@test.invalid",
        "phone": "0812 5555 0101",
        "nik": generate_nik(birth_date=dt.date(1990, 3, 4), sex=SEX_FEMALE, serial=7),
        "kelurahan": Kelurahan.objects.get(name="Pelambuan").pk,
        "whatsapp": "0812 5555 0101",
        "address": "Jl. Barito Hilir No. 5",
        "sk_number": "188.45/012/DINSOS/2024",
        "sk_year": "2024",
        "appointed_on": "2024-02-01",
        "skills": "pendampingan lansia, pendataan",
    }
    data.update(overrides)
    return data


def _link_from_last_email() -> str:
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_admin_creates_a_volunteer_with_login_and_an_emailed_invitation(
    login, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin_user).post(reverse("volunteers:create"), _create_form())
    volunteer = Volunteer.objects.get(user__username="siti_pelambuan")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:detail", args=[volunteer.pk])
    assert volunteer.user.role == User.Role.VOLUNTEER
    assert not volunteer.user.has_usable_password()
    assert volunteer.sk_year == 2024 and volunteer.kelurahan.name == "Pelambuan"
    assert volunteer.audit_history.filter(action=VolunteerHistory.Action.CREATED).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti@test.invalid"]
    assert "kata sandi" in mail.outbox[0].body  # Indonesian text
    invitation = Invitation.objects.get(user=volunteer.user)
    token = _link_from_last_email().rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_invitation_link_sets_the_password_once_then_is_dead(
    login, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).post(reverse("volunteers:create"), _create_form())
    link = _link_from_last_email()
    client = Client()
    assert client.get(link).status_code == 200
    form = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(link, form)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert Client().login(
        request=_login_request(), username="siti_pelambuan", password=NEW_PASSWORD
    )
    again = Client().post(
        link, {"new_password1": "Lain-lagi-2026x", "new_password2": "Lain-lagi-2026x"}
    )
    assert again.status_code == 404
    assert Client().login(
        request=_login_request(), username="siti_pelambuan", password=NEW_PASSWORD
    )


def test_expired_invitation_link_is_refused(login, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).post(reverse("volunteers:create"), _create_form())
    link = _link_from_last_email()
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=7, minutes=1)
    with time_machine.travel(later):
        response = Client().post(
            link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    assert response.status_code == 404
    assert "kedaluwarsa" in response.content.decode()
    assert not User.objects.get(username="siti_pelambuan").has_usable_password()


def test_invitation_link_still_works_on_day_six(
    login, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).post(reverse("volunteers:create"), _create_form())
    link = _link_from_last_email()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=6)):
        response = Client().post(
            link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    assert response.status_code == 302


def test_resending_an_invitation_kills_the_earlier_link(
    login, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:create"), _create_form())
    first = _link_from_last_email()
    volunteer = Volunteer.objects.get(user__username="siti_pelambuan")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:invite", args=[volunteer.pk]))
    second = _link_from_last_email()
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_weak_password_on_invitation_page_keeps_the_link_alive(
    login, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).post(reverse("volunteers:create"), _create_form())
    link = _link_from_last_email()
    response = Client().post(link, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Client().get(link).status_code == 200


def test_unknown_invitation_token_is_404(db):
    assert Client().get(reverse("invitation_accept", args=["tidak-ada"])).status_code == 404


def test_deactivated_volunteer_cannot_log_in_and_open_sessions_end(
    login, admin_user, relawan_alalak
):
    volunteer_client = Client()
    assert volunteer_client.login(
        request=_login_request(), username="relawan_alalak", password=PASSWORD
    )
    other_device = Client()
    assert other_device.login(
        request=_login_request(), username="relawan_alalak", password=PASSWORD
    )
    assert volunteer_client.get(reverse("home")).status_code == 200
    response = login(admin_user).post(
        reverse("volunteers:deactivate", args=[relawan_alalak.volunteer.pk]),
        {"status": "inactive", "reason": "Pindah domisili ke luar kota"},
    )
    assert response.status_code == 302
    for client in (volunteer_client, other_device):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Client().login(
        request=_login_request(), username="relawan_alalak", password=PASSWORD
    )
    relawan_alalak.refresh_from_db()
    volunteer = relawan_alalak.volunteer
    assert not relawan_alalak.is_active
    assert volunteer.status == Volunteer.Status.INACTIVE
    assert volunteer.status_reason == "Pindah domisili ke luar kota"
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()  # never deleted


def test_deactivation_without_reason_is_refused_and_changes_nothing(
    login, admin_user, relawan_alalak
):
    response = login(admin_user).post(
        reverse("volunteers:deactivate", args=[relawan_alalak.volunteer.pk]),
        {"status": "inactive", "reason": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    relawan_alalak.refresh_from_db()
    assert relawan_alalak.is_active and relawan_alalak.volunteer.status == "active"


def test_deactivated_volunteers_old_invitation_link_is_dead(admin_user):
    volunteer = volunteer_create(
        username="baru",
        full_name="Relawan Baru",
        email="baru@test.invalid",
        kelurahan=Kelurahan.objects.get(name="Pelambuan"),
        actor=admin_user,
        base_url="http://testserver/",
    )
    from psm.accounts.services import invitation_create

    _, token = invitation_create(user=volunteer.user, base_url="http://testserver/", send=False)
    volunteer_deactivate(volunteer=volunteer, reason="Mengundurkan diri", actor=admin_user)
    response = Client().get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 404


def test_reactivating_restores_the_login(login, admin_user, relawan_alalak):
    client = login(admin_user)
    pk = relawan_alalak.volunteer.pk
    client.post(
        reverse("volunteers:status", args=[pk]), {"status": "suspended", "reason": "Evaluasi"}
    )
    assert not Client().login(
        request=_login_request(), username="relawan_alalak", password=PASSWORD
    )
    client.post(reverse("volunteers:status", args=[pk]), {"status": "active", "reason": ""})
    assert Client().login(request=_login_request(), username="relawan_alalak", password=PASSWORD)
    actions = list(relawan_alalak.volunteer.audit_history.values_list("action", flat=True))
    assert actions.count(VolunteerHistory.Action.STATUS) == 2
