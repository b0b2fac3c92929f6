"""The app's URLs plus /bench/minimal/: M2's denominator, the cheapest logged-in Django page
(same middleware: session, auth, CSRF, login required; the session renewed at most once a
minute, psm.security.middleware.SessionIdleMiddleware)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from psm.urls import urlpatterns as app_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *app_urlpatterns]
