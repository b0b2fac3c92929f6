from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache

from psm.accounts.http import AuthenticatedHttpRequest


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The role's home page. Each role sees what it works on first.

    What it shows comes from the case side (settings.PSM_HOME_CONTEXT, cases.selectors.home):
    psm sits below the apps and imports none of them (import-linter's layers contract).
    """
    user = request.user
    template, context = import_string(settings.PSM_HOME_CONTEXT)(user=user)
    return render(request, template, context)


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"; the reason is reported
        return False, exc.__class__.__name__
    return True, "ok"


def _check_broker() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "embedded (filesystem)"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return False, exc.__class__.__name__
    return True, "ok"


def _oldest_pending_reminder() -> float | None:
    from psm.notifications.selectors import oldest_pending_reminder_age_seconds

    try:
        return oldest_pending_reminder_age_seconds()
    except Exception:  # noqa: BLE001 - the database check above reports the outage
        return None


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Load balancer probe: 200 when the database answers, 503 when it does not."""
    started = time.monotonic()
    db_ok, db_detail = _check_database()
    broker_ok, broker_detail = _check_broker()
    body = {
        "status": "ok" if db_ok and broker_ok else "unavailable",
        "database": db_detail,
        "broker": broker_detail,
        "broker_ok": broker_ok,
        "oldest_pending_reminder_seconds": _oldest_pending_reminder(),
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    # The broker is degraded service (reminders wait), not an outage of the web app.
    return JsonResponse(body, status=200 if db_ok else 503)
