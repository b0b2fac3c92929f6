"""Two-factor pages and the Indonesian error pages (handler400/403/404/500, 413, 503)."""

from __future__ import annotations

import logging
import sys

import segno
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from psm.accounts.http import AuthenticatedHttpRequest
from psm.security.forms import TokenForm

logger = logging.getLogger(__name__)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@sensitive_post_parameters("token")
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show the secret once, confirm with a first code."""
    user = request.user
    if user_has_device(user):
        if not user.is_verified():  # type: ignore[attr-defined]
            # A password alone must never enrol a second device.
            return HttpResponseRedirect(f"{reverse('security:otp_verify')}?next={reverse('home')}")
        return render(request, "security/otp_setup.html", {"already": True})
    device = next(iter(devices_for_user(user, confirmed=False)), None)
    if not isinstance(device, TOTPDevice):
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            logger.info("two-factor device confirmed for user id %s", user.pk)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("That code is not right. Check the phone's clock and retry."))
    uri = device.config_url
    qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    context = {
        "form": form,
        "secret": uri.split("secret=", 1)[1].split("&", 1)[0],
        "otpauth_uri": uri,
        "qr_data_uri": qr,
        "next": _next_url(request),
    }
    return render(request, "security/otp_setup.html", context)


@never_cache
@sensitive_post_parameters("token")
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step after the password: a code from the enrolled app."""
    user = request.user
    if not user_has_device(user):
        return HttpResponseRedirect(reverse("security:otp_setup"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("That code is not right. Wait for a new code and retry."))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next_url(request)})


# --- Error pages -------------------------------------------------------------------------


def _plain(template: str, status: int, context: dict[str, object] | None = None) -> HttpResponse:
    # No request context: rendering must not touch the session or the database.
    html = loader.get_template(template).render(context or {})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.core.exceptions import RequestDataTooBig, TooManyFilesSent

    if isinstance(exception, RequestDataTooBig | TooManyFilesSent):
        return request_too_large(request)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database anywhere in the stack becomes a 503, not a 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable(request, exc)
    return _plain("500.html", 500)


def database_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.error("database unavailable: %s", exception.__class__.__name__)
    response = _plain("503.html", 503)
    response["Retry-After"] = "30"
    return response


def request_too_large(request: HttpRequest) -> HttpResponse:
    limits = {
        "max_mb": settings.PSM_MAX_REQUEST_BYTES // (1024 * 1024),
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }
    return _plain("413.html", 413, limits)
