"""Rate limits for abuse-prone views (intake, exports), backed by the shared cache.

    from psm.ratelimit import limit

    @limit("intake", "20/m")              # function view: 20 POSTs a minute per user (or IP)
    def case_new(request): ...

    @method_decorator(limit("export", "10/h", methods=("GET", "POST")), name="dispatch")
    class ReportExport(View): ...

Over the limit the view is not called; the client gets 429 with an Indonesian page and a
Retry-After header. A form view passes `on_limit(request, retry_after)` to answer with the
form itself, as typed, and the message on top (nothing the user typed is lost).
Counting uses django-ratelimit's fixed windows in settings.CACHES (Redis in production, so
every web node shares the counts).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

View = Callable[..., HttpResponseBase]
# The request type on_limit takes (a signed-in view's AuthenticatedHttpRequest, say).
R = TypeVar("R", bound=HttpRequest)


def _period_seconds(rate: str) -> int:
    _count, _, period = rate.partition("/")
    digits = "".join(c for c in period if c.isdigit())
    unit = period[len(digits) :] or "s"
    return int(digits or 1) * PERIODS[unit[0].lower()]


def too_many_requests(request: HttpRequest, retry_after: int = 60) -> HttpResponse:
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit(
    group: str,
    rate: str,
    *,
    key: str | Callable[[str, HttpRequest], str] = "user_or_ip",
    methods: tuple[str, ...] = ("POST",),
    on_limit: Callable[[R, int], HttpResponse] | None = None,
) -> Callable[[View], View]:
    """Allow `rate` ("20/m", "100/h") requests per `key` to the views of `group`.

    `key` is one of django-ratelimit's ("user_or_ip", "ip", "post:email", ...) or a
    function (group, request) -> str."""
    retry_after = _period_seconds(rate)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: R, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if is_ratelimited(
                request,
                group=f"psm.{group}",
                key=key,
                rate=rate,
                method=list(methods),
                increment=True,
            ):
                if on_limit is None:
                    return too_many_requests(request, retry_after)
                response = on_limit(request, retry_after)
                response.status_code = 429
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
