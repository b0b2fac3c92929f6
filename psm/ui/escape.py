"""One escape for the Python renderers' hot loops."""

from __future__ import annotations

import html
from typing import Any


def escape(value: Any) -> str:
    """What format_html does to each argument (django.utils.html.conditional_escape: a safe
    string as it is, anything else str() and HTML-escaped), without the lazy-string check
    around every call: the list page's rows and selects escape ~1,500 values (bench M2)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
