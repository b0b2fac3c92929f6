from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.display import queue_rows as draw_rows
from psm.ui.tables import aria_sort, sort_choices, sort_link

register = template.Library()


def _direction(context: template.Context, key: str) -> str | None:
    current = context["queue"].sort
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return None


@register.simple_tag(takes_context=True)
def sort_aria(context: template.Context, key: str) -> SafeString:
    """` aria-sort="..."` for the <th> of the column the list is sorted by (ARIA allows it
    on column headers only, not on the link inside)."""
    direction = _direction(context, key)
    return aria_sort(direction)


def _sort_href(context: template.Context, key: str) -> tuple[str, str]:
    """The link that sorts the list by `key` (again: reverses it), and its arrow (▲/▼/"")."""
    current = context["queue"].sort
    sort = f"-{key}" if current == key else key
    base = context.get("sort_query", "")
    path = context.get("list_url", "")
    href = f"{path}?{base}&sort={sort}" if base else f"{path}?sort={sort}"
    direction = _direction(context, key)
    return href, {"ascending": "▲", "descending": "▼"}.get(direction or "", "")


# Each sort of the list (cases.selectors.queue.SORTS) and its name: the column header's on
# a wide screen, the link's above the cards on a phone, in the order a person looks for them.
SORT_LABELS = {
    "created": gettext_lazy("Filed"),
    "priority": gettext_lazy("Priority"),
    "due": gettext_lazy("Response due"),
    "status": gettext_lazy("Status"),
    "kelurahan": gettext_lazy("Kelurahan"),
    "reference": gettext_lazy("Reference"),
}


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str) -> str:
    """A column header that sorts the list by `key` (again: reverses), via htmx or a link.
    The fragment is the whole <div id="case-table">, so it replaces the old one (outerHTML)."""
    href, arrow = _sort_href(context, key)
    return sort_link(href, str(SORT_LABELS[key]), arrow, target="#case-table")


@register.simple_tag(takes_context=True)
def sort_phone(context: template.Context) -> SafeString:
    """Below 576 px the rows are cards and the column headers are hidden: the same sorts as
    links above the cards."""
    links = []
    for key, label in SORT_LABELS.items():
        href, arrow = _sort_href(context, key)
        links.append((href, str(label), arrow, bool(arrow)))
    return sort_choices(_("Sort by"), links, target="#case-table")


@register.simple_tag(takes_context=True)
def queue_rows(context: template.Context) -> SafeString:
    """The page's <tr>s (cases.display -> psm.ui.rows: drawn in Python, the labels
    translated once)."""
    queue = context["queue"]
    return draw_rows(
        queue.page.object_list,
        triage=queue.triage,
        selected=context.get("selected") or set(),
        names=queue.filter.names,
    )
