"""The Content-Security-Policy and Permissions-Policy that settings.py hands to their middleware.

Separate from settings.py because turning the map's tile URL template into a CSP source is
logic with its own test (tests/test_case_page_extras.py), and the two policies are long
literal tables that bury the settings around them. Pure Python: settings.py imports this
before Django is set up, and passes in the values it read from the environment.
"""

from __future__ import annotations

import re
from typing import Any

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def tile_source(url: str) -> list[str]:
    """The CSP source of a tile URL template: scheme and host, `{s}.` as a wildcard."""
    if not url:
        return []
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    host = re.sub(r"^\{s\}\.", "*.", host)
    if "{" in host:
        raise ImproperlyConfigured("MAP_TILE_URL: only {s}. may stand in the host name.")
    return [f"{scheme}://{host}"]


def content_security_policy(*, map_tile_url: str) -> dict[str, Any]:
    """django-csp 4's CONTENT_SECURITY_POLICY.

    Scripts only from our origin or with the per-request nonce (`{{ CSP_NONCE }}`); no inline
    styles (htmx is told not to add any).
    """
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF],
            # data:/blob: photo previews before upload; the map's tile host when set
            "img-src": [SELF, "data:", "blob:", *tile_source(map_tile_url)],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": [SELF],
        }
    }


def permissions_policy() -> dict[str, list[str]]:
    """Everything off except what intake needs: GPS location and the camera, on our origin."""
    return {
        "geolocation": ["self"],
        "camera": ["self"],
        **{
            feature: []
            for feature in (
                "accelerometer",
                "autoplay",
                "browsing-topics",
                "display-capture",
                "encrypted-media",
                "fullscreen",
                "gyroscope",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "usb",
            )
        },
    }
