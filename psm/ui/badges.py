"""Badges: each tone's colour is defined here once, for the templates (`{% badge %}`) and the
Python renderers alike. An app says which of its states takes which tone (cases/display.py);
this module knows tones, not cases."""

from __future__ import annotations

from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

# Bootstrap 5's colour-and-contrast classes. "light" needs a border to show on white.
TONES = {
    "danger": "text-bg-danger",
    "warning": "text-bg-warning",
    "secondary": "text-bg-secondary",
    "primary": "text-bg-primary",
    "info": "text-bg-info",
    "success": "text-bg-success",
    "light": "text-bg-light border",
}


def badge_class(tone: str, *, pill: bool = False, extra: str = "") -> str:
    """The class attribute of a badge of this tone (`badge rounded-pill text-bg-danger me-1`)."""
    css = f"badge rounded-pill {TONES[tone]}" if pill else f"badge {TONES[tone]}"
    return f"{css} {extra}" if extra else css


def _attributes(data: dict[str, object]) -> SafeString:
    """` data-due-state="overdue"` from data_due_state="overdue" (a template tag's keyword
    cannot hold a hyphen); True draws the bare attribute (`hidden`), None and False nothing
    (Django's flatatt)."""
    return flatatt({key.replace("_", "-"): value for key, value in data.items()})


def badge(
    text: object, tone: str, *, pill: bool = False, extra: str = "", **data: object
) -> SafeString:
    """`<span class="badge text-bg-danger" data-...>text</span>`; text is escaped unless safe."""
    return format_html(
        '<span class="{}"{}>{}</span>',
        badge_class(tone, pill=pill, extra=extra),
        _attributes(data),
        conditional_escape(str(text)),  # str() of a SafeString is itself: kept safe
    )
