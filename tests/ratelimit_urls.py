"""URLs for tests only: the app's URLs plus small views that exercise the safeguards."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from psm.ratelimit import limit
from psm.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


@limit("test-intake", "3/m")
def limited(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def upload(request: HttpRequest) -> HttpResponse:
    files = sum(len(request.FILES.getlist(name)) for name in request.FILES)
    return HttpResponse(f"{files} files, {len(request.POST)} fields")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug with NIK 6371010101900001 in its message")


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    *urlpatterns,
    path("test/limited/", limited),
    path("test/upload/", upload),
    path("test/forbidden/", forbidden),
    path("test/broken/", broken),
    path("test/database-gone/", database_gone),
]
