"""The installable field app: manifest, service worker, and the pages it keeps on the phone.

The service worker (/sw.js, scope /) precaches, per release (psm.release), the static files
and the pages a volunteer needs without a signal: the intake form (its selects hold the active
categories and the kelurahan list), the visit form, the outbox and an offline home. Those pages
carry no personal data; pages that do (the home's case list, case pages) are never cached and,
offline, fall back to the offline home. A new release is a new /sw.js: it precaches the new
files, drops the old ones and the page says "Versi baru tersedia".
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.forms import VisitForm
from cases.views.outbox import field_user
from psm.accounts.http import AuthenticatedHttpRequest
from psm.release import release

# What the service worker precaches besides the pages (in the order pages load them).
PRECACHED_STATIC = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/psm.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/idb.umd.js",
    "js/outbox.js",
    "js/intake.js",
    "img/favicon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
)
PRECACHED_PAGES = (
    "cases:field_home",
    "cases:new",
    "cases:field_visit",
    "cases:outbox",
    "cases:web_manifest",
)
WORKBOX = ("workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching")


def precache_manifest() -> list[dict[str, str | None]]:
    version = release()
    entries: list[dict[str, str | None]] = [
        {"url": static(path), "revision": version} for path in PRECACHED_STATIC
    ]
    entries += [{"url": reverse(name), "revision": version} for name in PRECACHED_PAGES]
    return entries


@login_not_required  # nothing personal in it; the browser fetches it to check for updates
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "field/sw.js",
        {
            "release": release(),
            "workbox": [static(f"vendor/workbox/{name}.prod.js") for name in WORKBOX],
            "manifest": json.dumps(precache_manifest()),
            "offline_url": reverse("cases:field_home"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    # The browser must see a new release at once (it also revalidates at most daily).
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    icon = "img/icon-{}.png"
    manifest = {
        "name": str(admin.site.site_header),
        "short_name": _("PSM Field"),
        "description": _("File cases, visits and notes in the field, also without a signal."),
        "lang": "id",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": static(icon.format(192)), "sizes": "192x192", "type": "image/png"},
            {"src": static(icon.format(512)), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache  # the service worker keeps its own copy; the browser's HTTP cache must not
def field_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The offline home: what works without a signal (precached; no personal data)."""
    field_user(request)
    return render(request, "field/home.html")


@never_cache
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The outbox page: drawn by outbox.js from the phone's IndexedDB."""
    field_user(request)
    return render(request, "field/outbox.html")


@never_cache
def field_visit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A visit logged from the phone, online or not, on a case by reference or on a case
    still in the outbox (outbox.js fills the choice and sends it as a `visit` record)."""
    field_user(request)
    return render(request, "field/visit.html", {"form": VisitForm()})
