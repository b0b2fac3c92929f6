"""Fuzzed login and password-change forms: never a 500, never our markup rendered live."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from hypothesis import strategies as st

from tests import fuzz
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_form_survives_fuzzing(relawan_alalak):
    statuses = fuzz.fuzz_form(
        url=reverse("login"),
        fields=["username", "password", "next"],
        client=Client,
        valid={"username": st.just("relawan_alalak"), "password": st.just(PASSWORD)},
        max_examples=80,
    )
    assert statuses[200] > 0  # the form came back with errors, as typed
    assert set(statuses) <= {200, 302, 400}, statuses  # 400: a malformed multipart name


def test_password_change_form_survives_fuzzing(relawan_alalak, login):
    statuses = fuzz.fuzz_form(
        url=reverse("password_change"),
        fields=["old_password", "new_password1", "new_password2"],
        client=lambda: login(relawan_alalak),
        valid={"old_password": st.just(PASSWORD), "new_password1": st.just("Sasirangan-2026")},
        render_urls=lambda: [reverse("home")],
        max_examples=60,
    )
    assert statuses[200] > 0
    assert set(statuses) <= {200, 302, 400}, statuses  # 400: a malformed multipart name
    relawan_alalak.refresh_from_db()
    assert relawan_alalak.check_password(PASSWORD), "every example was rolled back"


# --- the fuzzer itself catches what it is for ------------------------------------------------


def _echo_raw(request: HttpRequest) -> HttpResponse:
    return HttpResponse(mark_safe(f"<p>{request.POST.get('q', '')}</p>"))  # noqa: S308 - the bug


def _echo_escaped(request: HttpRequest) -> HttpResponse:
    return HttpResponse(format_html('<p title="{}">{}</p>', request.POST.get("q", ""), "ok"))


def _crash_on_markup(request: HttpRequest) -> HttpResponse:
    if "<" in request.POST.get("q", ""):  # like a view that feeds input to an XML parser
        raise ValueError("not well-formed (invalid token)")
    return HttpResponse("ok")


urlpatterns = [
    path("raw/", _echo_raw, name="raw"),
    path("escaped/", _echo_escaped, name="escaped"),
    path("crash/", _crash_on_markup, name="crash"),
    # The real URLs too: the error pages (base.html) link to them.
    *__import__("psm.urls", fromlist=["urlpatterns"]).urlpatterns,
]
handler500 = "psm.security.views.server_error"


@pytest.fixture
def as_admin(settings, admin_user):
    """These toy views replace the URL conf; a signed-in user passes LoginRequiredMiddleware."""
    settings.ROOT_URLCONF = __name__

    def make() -> Client:
        client = Client()
        client.force_login(admin_user)
        return client

    return make


@pytest.mark.parametrize(
    ("url", "failure"),
    [("/raw/", "live markup"), ("/crash/", "not well-formed")],
)
def test_fuzzer_finds_unescaped_markup_and_server_errors(as_admin, url, failure):
    with pytest.raises(Exception, match=failure):
        fuzz.fuzz_form(
            url=url,
            fields=["q"],
            client=as_admin,
            valid={"q": st.sampled_from(fuzz.MARKUP)},
            max_examples=100,  # a miss is then ~1e-8 likely: ~1 example in 6 carries markup
        )


def test_fuzzer_accepts_escaped_output(as_admin):
    statuses = fuzz.fuzz_form(
        url="/escaped/", fields=["q"], client=as_admin, valid={"q": st.sampled_from(fuzz.MARKUP)}
    )
    assert statuses == {200: sum(statuses.values())}


@pytest.mark.parametrize(
    "html",
    [
        f"<p>&lt;script&gt;{fuzz.MARKER}(1)&lt;/script&gt;</p>",
        f'<input value="&quot;&gt;&lt;img src=x onerror={fuzz.MARKER}(3)&gt;">',
        f"<textarea>&lt;/textarea&gt;{fuzz.MARKER}</textarea>",
    ],
)
def test_escaped_input_is_not_live_markup(html):
    assert fuzz.live_markup(html) == []


@pytest.mark.parametrize(
    "html",
    [
        f"<p><script>{fuzz.MARKER}(1)</script></p>",
        f'<input value="" autofocus onfocus="{fuzz.MARKER}(5)">',
        f'<a href="javascript:{fuzz.MARKER}(7)">klik</a>',
        f'<div hx-get="/admin/" hx-trigger="load">{fuzz.MARKER}</div><b hx-on="{fuzz.MARKER}">',
    ],
)
def test_live_markup_is_found(html):
    assert fuzz.live_markup(html)


def test_shown_as_text_needs_the_value_escaped_on_the_page():
    value = fuzz.MARKUP[0]
    assert fuzz.shown_as_text(f"<p>&lt;script&gt;{fuzz.MARKER}(1)&lt;/script&gt;</p>", value)
    field = f'<input value="&lt;script&gt;{fuzz.MARKER}(1)&lt;/script&gt;">'
    assert fuzz.shown_as_text(field, value)
    assert not fuzz.shown_as_text("<p>Nama disimpan</p>", value)  # dropped
    assert not fuzz.shown_as_text(f"<p>{value}</p>", value)  # live: a script, not text
    assert not fuzz.shown_as_text("<p>&lt;script&gt;psm</p>", value)  # cut
