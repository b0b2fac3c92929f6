"""Invitations go out by email and through the WhatsApp/SMS gateway (a real local HTTP server
here); the console gateway never prints a usable link outside development."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from psm.accounts.services import invitation_create
from tests.factories import UserFactory
from tests.http_gateway import running_gateway
from tests.test_volunteers_accounts import NEW_PASSWORD, _create_form
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/\S+)")


@pytest.fixture
def gateway(settings):
    with running_gateway(settings) as recorder:
        yield recorder


def _reachable(user, phone: str = "+6281299990002") -> None:
    user.phone = phone
    user.email = f"{user.username}@test.invalid"
    user.save(update_fields=["phone", "email"])


@pytest.fixture
def console(settings):
    settings.WHATSAPP_GATEWAY_URL = ""
    settings.WHATSAPP_GATEWAY_TOKEN = ""
    settings.DEBUG = False


def test_new_volunteer_gets_the_link_by_email_and_whatsapp_and_it_works_once(
    login, admin_user, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).post(reverse("volunteers:create"), _create_form())
    volunteer = Volunteer.objects.get(user__username="siti_pelambuan")
    [request] = gateway.received
    invitation = volunteer.user.invitations.get()
    assert request["headers"]["Idempotency-Key"] == f"psm-invitation-{invitation.pk}"
    assert request["json"]["to"] == "+6281255550101"
    text = request["json"]["text"]
    assert "siti_pelambuan" in text and "kata sandi" in text  # Indonesian
    whatsapp_link = LINK.search(text).group(1)
    assert whatsapp_link == LINK.search(mail.outbox[0].body).group(1)
    client = Client()
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(whatsapp_link, data).status_code == 302
    assert Client().get(whatsapp_link).status_code == 404


def test_the_whatsapp_number_wins_over_the_phone_and_no_number_means_email_only(
    gateway, django_capture_on_commit_callbacks, relawan_alalak
):
    volunteer = relawan_alalak.volunteer
    volunteer.whatsapp = "+6281377770001"
    volunteer.save(update_fields=["whatsapp"])
    _reachable(relawan_alalak)
    office = UserFactory(role="staff", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=relawan_alalak, base_url="http://testserver/")
        invitation_create(user=office, base_url="http://testserver/")
    assert [r["json"]["to"] for r in gateway.received] == ["+6281377770001"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([relawan_alalak.email, office.email])


def test_a_gateway_failure_still_sends_the_email_and_logs_no_link(
    gateway, django_capture_on_commit_callbacks, relawan_alalak, caplog
):
    gateway.status = 503
    _reachable(relawan_alalak)
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        _invitation, token = invitation_create(user=relawan_alalak, base_url="http://testserver/")
    assert len(gateway.received) == 1 and len(mail.outbox) == 1
    assert token in mail.outbox[0].body
    assert "WhatsApp not sent" in caplog.text and "503" in caplog.text
    assert token not in caplog.text


def test_console_gateway_masks_the_token_outside_development(
    console, django_capture_on_commit_callbacks, relawan_alalak, capsys, caplog
):
    _reachable(relawan_alalak)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        invitation, token = invitation_create(user=relawan_alalak, base_url="http://testserver/")
    out = capsys.readouterr().out
    # The number is masked too (issue 14: the console printed it past the log redaction).
    assert f"[whatsapp psm-invitation-{invitation.pk}] to +628*******002" in out
    assert "+6281299990002" not in out
    assert "[redacted]" in out
    assert token not in out and token not in caplog.text
    assert token in mail.outbox[0].body  # the email still carries the working link


def test_console_gateway_prints_the_whole_link_in_development(
    console, settings, django_capture_on_commit_callbacks, relawan_alalak, capsys
):
    settings.DEBUG = True
    _reachable(relawan_alalak)
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = invitation_create(user=relawan_alalak, base_url="http://testserver/")
    assert token in capsys.readouterr().out
