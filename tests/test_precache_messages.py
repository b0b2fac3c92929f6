"""A page the field app's service worker fetches to precache it (X-PSM-Precache, sw.js) does
not take the flash messages: they stay for the page the person opens next (and never sit in the
cache). A navigation the worker passes on arrives as a fetch (Sec-Fetch-Dest: empty) and shows
them."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants, get_messages
from django.urls import reverse

pytestmark = pytest.mark.django_db

FILED = "Kasus BJM-2026-000123 terkirim."


def _flash(client, text: str) -> None:
    """Store a success message as the outbox's send does (cookie storage, next response)."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value


@pytest.mark.parametrize("name", ["cases:field_home", "cases:outbox", "cases:new"])
def test_a_precache_fetch_leaves_the_message_for_the_next_page(login, relawan_alalak, name):
    client = login(relawan_alalak)
    _flash(client, FILED)
    precached = client.get(reverse(name), headers={"x-psm-precache": "1"})
    assert precached.status_code == 200
    assert FILED not in precached.content.decode()
    opened = client.get(reverse("home"), headers={"sec-fetch-dest": "empty"})
    assert FILED in opened.content.decode()
    # Shown once: the page after it has no message left.
    again = client.get(reverse("home"), headers={"sec-fetch-dest": "empty"})
    assert FILED not in again.content.decode()
    assert not list(get_messages(again.wsgi_request))
