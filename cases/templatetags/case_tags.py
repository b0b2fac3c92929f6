"""`{% priority_badge case %}`, `{% due_badge case %}`: a case's badges, with the tones of
cases.display (the same the list's rows draw)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from cases import display

register = template.Library()


@register.simple_tag
def priority_badge(case: Any) -> SafeString:
    return display.priority_badge(case.priority, case.get_priority_display())


@register.simple_tag
def due_badge(case: Any) -> SafeString | str:
    """The first response's due state ("Overdue", "Due soon"), or nothing."""
    return display.due_badge(case.due_state) or ""


@register.filter
def due_tone(state: str) -> str:
    """The tone of a due state (cases.display.DUE_STATES); "light" when nothing is near."""
    return display.due_tone(state)
