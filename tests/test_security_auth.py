"""Authentication: lockout, passwords, session lifetime, two-factor for supervisors/admins."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _attempt(username: str, password: str, ip: str = "10.1.1.1"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def _logs_in(username: str, ip: str = "10.1.1.1") -> bool:
    response = _attempt(username, PASSWORD, ip)
    return response.status_code == 302 and response["Location"] == reverse("home")


# --- Lockout (django-axes) ---------------------------------------------------------------


def test_fifth_wrong_password_locks_that_account_on_that_ip_with_a_clear_message(petugas):
    for _ in range(4):
        assert _attempt("petugas", "salah-sekali").status_code == 200
    response = _attempt("petugas", "salah-sekali")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in html
    assert "15 menit" in html
    assert 'name="password"' in html  # the login page itself, not a bare error page
    # Even the right password is refused while locked.
    assert not _logs_in("petugas")
    assert _attempt("petugas", PASSWORD).status_code == 429


def test_lockout_is_per_account_and_ip_and_ends_after_the_cool_off(petugas, kabid):
    for _ in range(5):
        _attempt("petugas", "salah-sekali", ip="10.1.1.1")
    assert not _logs_in("petugas", ip="10.1.1.1")
    assert _logs_in("petugas", ip="10.2.2.2")  # the same account from another phone
    assert _logs_in("kabid", ip="10.1.1.1")  # another account from the same office
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
        assert _logs_in("petugas", ip="10.1.1.1")


def test_many_failures_from_one_ip_lock_the_whole_ip(petugas, settings):
    # Four wrong guesses each on five accounts: no single account reaches its limit.
    for n in range(5):
        for _ in range(4):
            _attempt(f"tebakan{n}", "salah", ip="10.9.9.9")
    assert settings.PSM_LOGIN_IP_FAILURE_LIMIT == 20
    response = _attempt("petugas", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert _logs_in("petugas", ip="10.8.8.8")


def test_a_successful_login_resets_the_count(petugas):
    for _ in range(4):
        _attempt("petugas", "salah")
    assert _logs_in("petugas")
    for _ in range(4):
        assert _attempt("petugas", "salah").status_code == 200


def test_a_typed_name_that_is_no_account_is_never_recorded_in_clear(petugas):
    """A password typed into the username field, or a phone number, must not sit in clear in
    axes' records (the admin lists them); its failures still lock it out."""
    from axes.models import AccessAttempt, AccessLog

    typed = "Rahasia-0812345678"  # what a person might type into the wrong field
    for _ in range(4):
        assert _attempt(typed, "salah").status_code == 200
    assert _attempt(typed, "salah").status_code == 429  # the same typed name adds up
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 5
    for model in (AccessAttempt, AccessLog):
        for row in model.objects.values():
            assert not any(typed in str(v) or "0812345678" in str(v) for v in row.values()), row
    # An account's name stays readable: an admin unlocks it by name (axes_reset_username).
    _attempt("petugas", "salah")
    assert AccessAttempt.objects.filter(username="petugas").exists()


# --- Passwords and sessions --------------------------------------------------------------


@pytest.mark.parametrize("weak", ["pendek1", "12345678901234", "password1234"])
def test_weak_passwords_are_refused_in_indonesian(login, petugas, weak):
    client = login(petugas)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert errors
    assert any("sandi" in str(e).lower() for e in errors), errors
    assert Client().login(request=_request(), username="petugas", password=PASSWORD)


def _request():
    from django.test import RequestFactory

    return RequestFactory().post(LOGIN)


def test_session_ends_after_idle_time_but_not_while_working(login, petugas, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(petugas)
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(hours=7, minutes=50))
        assert client.get("/").status_code == 200  # activity renews the session
        traveller.shift(dt.timedelta(hours=7, minutes=50))
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def _expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_session_in_use_is_written_at_most_once_a_minute(login, petugas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(petugas)
        assert client.get("/").status_code == 200
        renewed = _expiry(client)
        traveller.shift(dt.timedelta(seconds=59))
        assert client.get("/").status_code == 200
        assert _expiry(client) == renewed  # no UPDATE of django_session within the minute
        traveller.shift(dt.timedelta(seconds=2))
        assert client.get("/").status_code == 200
        assert _expiry(client) == renewed + dt.timedelta(seconds=61)


def test_the_first_page_after_login_does_not_write_the_session_again(login, petugas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(petugas)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in captured)


def test_idle_limit_is_the_session_age_within_a_minute(login, petugas, settings):
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(petugas)
        assert client.get("/").status_code == 200  # renewed: ends at start + age
        traveller.shift(dt.timedelta(seconds=59))
        assert client.get("/").status_code == 200  # not renewed (within the minute)
        # Idle for age - 60 s after the last request: still logged in.
        traveller.shift(age - dt.timedelta(seconds=60))
        assert client.get("/").status_code == 200  # renewed: ends at now + age
        # Idle for longer than the age: logged out.
        traveller.shift(age + dt.timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    with time_machine.travel(start, tick=False) as traveller:
        client = login(petugas)
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(seconds=59))
        assert client.get("/").status_code == 200
        # The earliest end: age - 59 s after the last request (age after the last renewal).
        traveller.shift(age - dt.timedelta(seconds=58))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_logout_ends_the_session_on_the_server(petugas):
    client = Client()
    assert client.post(LOGIN, {"username": "petugas", "password": PASSWORD}).status_code == 302
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/").status_code == 302


def test_password_change_ends_the_other_sessions_but_keeps_this_one(petugas):
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        client.post(LOGIN, {"username": "petugas", "password": PASSWORD})
        assert client.get("/").status_code == 200
    new = "Sasirangan-Baru-2026"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    response = phone.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- Two-factor (TOTP) -------------------------------------------------------------------


def _token(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def _password_login(user) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_supervisor_must_enrol_then_verify_on_each_login(require_2fa, kabid):
    client = _password_login(kabid)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp_setup"))
    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=kabid, confirmed=False)
    assert "otpauth://totp/" in html and 'src="data:image/svg+xml' in html
    assert page.context["secret"] in html
    assert page["Cache-Control"].startswith("max-age=0")

    wrong = client.post(reverse("security:otp_setup"), {"token": "000000", "next": "/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # A wrong code throttles the device briefly (django-otp), as it should.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=False):
        token = _token(device)
        response = client.post(reverse("security:otp_setup"), {"token": token, "next": "/"})
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    # Next login, a minute later: the password alone is not enough, nor may it enrol anew.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False) as traveller:
        second = _password_login(kabid)
        response = second.get("/?tab=1")
        assert response["Location"].startswith(reverse("security:otp_verify"))
        assert second.get(reverse("security:otp_setup"))["Location"].startswith(
            reverse("security:otp_verify")
        )
        assert second.post(reverse("security:otp_verify"), {"token": "123456"}).status_code == 200
        assert second.get("/").status_code == 302
        traveller.shift(dt.timedelta(seconds=3))  # past the throttle of the wrong code
        response = second.post(
            reverse("security:otp_verify"), {"token": _token(device), "next": "/"}
        )
        assert response.status_code == 302
        assert second.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=kabid).count() == 1


def test_admin_site_requires_the_second_factor(require_2fa, admin_user):
    client = _password_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp_setup"))
    device = TOTPDevice.objects.create(user=admin_user, confirmed=True)
    assert client.get("/admin/")["Location"].startswith(reverse("security:otp_verify"))
    client.post(reverse("security:otp_verify"), {"token": _token(device)})
    assert client.get("/admin/").status_code == 200


def test_htmx_requests_get_a_client_redirect_to_the_second_factor(require_2fa, kabid):
    client = _password_login(kabid)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("security:otp_setup"))


def test_open_redirect_is_refused_after_verification(require_2fa, kabid):
    device = TOTPDevice.objects.create(user=kabid, confirmed=True)
    client = _password_login(kabid)
    response = client.post(
        reverse("security:otp_verify"), {"token": _token(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("persona", ["relawan_alalak", "petugas"])
def test_volunteers_and_staff_need_no_second_factor(require_2fa, persona, request):
    user = request.getfixturevalue(persona)
    assert _password_login(user).get("/").status_code == 200


def test_second_factor_is_off_unless_required(kabid, settings):
    assert settings.REQUIRE_2FA is False  # the test settings; production default is on
    assert _password_login(kabid).get("/").status_code == 200
