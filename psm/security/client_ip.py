"""The client's address: one rule for the login lockout (django-axes) and the rate limits.

Behind TRUSTED_PROXY_COUNT proxies that each append the address they received from to
X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`), the client is the entry that many
places from the right: entries further left were written by the client and can be forged.
Without proxies (the default) it is REMOTE_ADDR and the header is ignored.

Why not django-ipware: axes would need it installed and configured through four settings of
its own, and django-ratelimit does not read them; this is one function both call.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.PSM_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: a proxy that did not append; the left-most is all we know.
    chosen = hops[-proxies] if len(hops) >= proxies else hops[0]
    return _valid(chosen) or remote
