"""Password reset is rate-limited per client address and per email address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"


def _ask(email: str, ip: str = "10.3.3.3"):
    return Client(REMOTE_ADDR=ip).post(RESET, {"email": email})


def test_one_address_gets_at_most_three_reset_emails_an_hour_from_any_client(kabid):
    answers = [_ask(" Kabid@Test.Invalid ", ip=f"10.3.3.{n}").status_code for n in range(16)]
    assert answers[:3] == [302, 302, 302]
    assert set(answers[3:]) == {429}
    assert len(mail.outbox) == 3
    limited = _ask("kabid@test.invalid", ip="10.4.4.4")
    assert limited.status_code == 429 and "Retry-After" in limited
    assert "Terlalu banyak" in limited.content.decode()


def test_one_client_can_ask_for_ten_resets_an_hour(db):
    users = [UserFactory(email=f"orang{n}@test.invalid") for n in range(12)]
    answers = [_ask(user.email).status_code for user in users]
    assert answers[:10] == [302] * 10
    assert answers[10:] == [429, 429]
    assert len(mail.outbox) == 10
    assert _ask(users[11].email, ip="10.5.5.5").status_code == 302  # another client


def test_the_reset_page_still_opens(db):
    assert Client().get(reverse("password_reset")).status_code == 200
