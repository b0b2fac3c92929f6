from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str) -> str:
    """A column header that sorts the list by `key` (again: reverses), via htmx or a link."""
    current = context["queue"].sort
    sort = f"-{key}" if current == key else key
    base = context.get("sort_query", "")
    href = f"?{base}&sort={sort}" if base else f"?sort={sort}"
    arrow = ""
    if current.lstrip("-") == key:
        arrow = " ▼" if current.startswith("-") else " ▲"
    aria = "descending" if current == f"-{key}" else "ascending" if current == key else None
    if aria:
        return format_html(
            '<a href="{}" hx-get="{}" hx-target="#case-table" hx-push-url="true" '
            'aria-sort="{}">{}{}</a>',
            href,
            href,
            aria,
            label,
            arrow,
        )
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="#case-table" hx-push-url="true">{}</a>',
        href,
        href,
        label,
    )
