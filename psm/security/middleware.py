from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from psm.security.views import database_unavailable, request_too_large

GetResponse = Callable[[HttpRequest], HttpResponse]


class RequestSizeLimitMiddleware:
    """413 before anything reads a body larger than MAX_REQUEST_MB.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, so without this a
    client could stream any amount of data to the temporary upload directory.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PSM_MAX_REQUEST_BYTES:
            return request_too_large(request)
        return self.get_response(request)


# How often an active session is written back (its expiry moved on). Saving it on every
# request (SESSION_SAVE_EVERY_REQUEST) cost an UPDATE of django_session and 1.1-1.4 ms of
# server time per page (bench M2, 100k cases); written at most once a minute, the idle
# timeout (SESSION_COOKIE_AGE) ends a session between AGE - 60 s and AGE after its last request.
SESSION_REFRESH_SECONDS = 60
SESSION_REFRESHED_KEY = "_psm_refreshed_at"


class SessionIdleMiddleware:
    """SESSION_COOKIE_AGE as an idle timeout: a session in use is saved again (its expiry
    and its cookie's renewed) once SESSION_REFRESH_SECONDS have passed since it last was."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # Before the view: a logout in it flushes this mark with the rest of the session.
        if session is not None and session.session_key:
            refreshed = session.get(SESSION_REFRESHED_KEY)  # loads it: an expired key is None
            now = int(time.time())
            fresh = isinstance(refreshed, int) and 0 <= now - refreshed < SESSION_REFRESH_SECONDS
            if session.session_key and not fresh:
                session[SESSION_REFRESHED_KEY] = now  # modified: SessionMiddleware saves it
        return self.get_response(request)


def mark_session_refreshed(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """user_logged_in: a login writes the session anyway, so it counts as the refresh (the
    first page after it does not write it again)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_REFRESHED_KEY] = int(time.time())


class PrivateResponsesMiddleware:
    """Nothing shown to a logged-in user is kept by a browser or a proxy cache.

    Field phones are shared: without `no-store` the back button or the browser's cache
    shows the last user's case pages, lists and downloaded exports to the next one. One rule
    for every authenticated response rather than a list of views that is one view short;
    static files are answered by whitenoise before this runs and stay cacheable.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        try:
            private = user is not None and user.is_authenticated
        except (OperationalError, InterfaceError):  # the 503 page: keep it out of caches too
            private = True
        if private:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class DatabaseUnavailableMiddleware:
    """A view that loses PostgreSQL answers 503 (handler500 covers the middleware layers)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request, exception)
        return None


# Pages a supervisor/admin may open before the second factor: the two-factor pages
# themselves, logging out and the language switch.
TWO_FACTOR_OPEN = {
    "security:otp_setup",
    "security:otp_verify",
    "logout",
    "admin:logout",
    "set_language",
    "healthz",
    "login",
}


class TwoFactorMiddleware:
    """With REQUIRE_2FA, supervisors and admins must pass TOTP before any page (admin too)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not settings.REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or not user.is_supervisor_or_admin:  # type: ignore[union-attr]
            return None
        if user.is_verified():  # type: ignore[union-attr,attr-defined]  # set by OTPMiddleware
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN:
            return None
        has_device = user_has_device(user)  # type: ignore[arg-type]
        target = "security:otp_verify" if has_device else "security:otp_setup"
        query = urlencode({"next": request.get_full_path()})
        url = f"{reverse(target)}?{query}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
