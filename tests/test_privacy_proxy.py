"""Behind a reverse proxy the lockout and the rate limits count the client, not the proxy."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from psm.security.client_ip import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"  # the nginx in front of every web node
CLIENT_A = "203.0.113.10"
CLIENT_B = "198.51.100.20"


def _via_proxy(client_address: str, forged: str = "") -> Client:
    """A client whose request nginx forwards: it appends the address it saw to the header."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


def _attempt(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def _logs_in(client: Client, username: str) -> bool:
    response = _attempt(client, username, PASSWORD)
    return response.status_code == 302 and response["Location"] == reverse("home")


@pytest.fixture
def one_proxy(settings):
    settings.PSM_TRUSTED_PROXY_COUNT = 1


def test_twenty_failures_from_one_client_do_not_block_another_behind_the_proxy(one_proxy, petugas):
    for n in range(20):
        _attempt(_via_proxy(CLIENT_A), f"tebakan{n % 5}", "salah")
    assert _attempt(_via_proxy(CLIENT_A), "petugas", PASSWORD).status_code == 429
    assert _logs_in(_via_proxy(CLIENT_B), "petugas")


def test_five_failures_on_kabid_from_one_client_do_not_block_the_real_kabid(one_proxy, kabid):
    for _ in range(5):
        _attempt(_via_proxy(CLIENT_A), "kabid", "salah-sekali")
    assert _attempt(_via_proxy(CLIENT_A), "kabid", PASSWORD).status_code == 429
    assert _logs_in(_via_proxy(CLIENT_B), "kabid")


def test_a_forged_forwarded_header_does_not_escape_the_lockout(one_proxy, kabid):
    # The attacker writes a new left-most address each time; nginx appends the real one.
    for n in range(5):
        _attempt(_via_proxy(CLIENT_A, forged=f"192.0.2.{n}"), "kabid", "salah-sekali")
    assert _attempt(_via_proxy(CLIENT_A, forged="192.0.2.99"), "kabid", PASSWORD).status_code == (
        429
    )


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.PSM_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A)
    assert client_ip(request) == PROXY


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    settings.PSM_TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {CLIENT_A}, 10.0.0.1"
    )
    assert client_ip(request) == CLIENT_A
    junk = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="x, <script>")
    assert client_ip(junk) == PROXY


def test_rate_limits_count_the_client_behind_the_proxy(one_proxy, settings):
    from django_ratelimit.core import get_usage

    def usage(address: str) -> int:
        request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
        found = get_usage(
            request, group="psm.proxy-probe", key="ip", rate="5/m", method="POST", increment=True
        )
        assert found is not None
        return int(found["count"])

    assert [usage(CLIENT_A) for _ in range(3)] == [1, 2, 3]
    assert usage(CLIENT_B) == 1
