"""django-axes glue: two lockout limits and a lockout answer on the login page itself."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from psm.accounts.forms import LoginForm
from psm.accounts.models import User
from psm.crypto import keyed_digest


class LockoutHandler(AxesDatabaseHandler):
    """Axes compares one failure count with AXES_FAILURE_LIMIT.

    AXES_LOCKOUT_PARAMETERS gives two counts, (username, IP) and IP. The per-IP count is
    scaled so it reaches AXES_FAILURE_LIMIT exactly when it reaches its own, higher
    PSM_LOGIN_IP_FAILURE_LIMIT: a shared office IP is not locked by one person's typos.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair, by_ip = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        return max(pair, by_ip * limit // settings.PSM_LOGIN_IP_FAILURE_LIMIT)


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name axes counts failures for and keeps in its records.

    A name that is an account's stays as it is (an admin unlocks it by name). Any other typed
    name is kept only as a keyed digest: it may be a password typed into the wrong field, a
    phone number or an NIK, and axes writes it to AccessAttempt, which the admin lists.
    The same typed name always gives the same digest, so its failures still add up.
    """
    username = (credentials or {}).get("username") or request.POST.get("username")
    if not username:
        return None
    if User.objects.filter(username=username).exists():
        return str(username)
    return "?" + keyed_digest(str(username), purpose="login-username")[:32]


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    message = _(
        "Too many failed login attempts. For your safety this login is blocked for "
        "%(minutes)s minutes. Try again later or ask the administrator to unlock it."
    ) % {"minutes": minutes}
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
