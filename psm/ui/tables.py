"""Tables: the dashboard's long <tbody>s (by category, by kelurahan, per week: ~130 rows),
drawn in Python: through the template engine they were a third of the page's time at 100k
cases (bench M1). Numbers are grouped as humanize's `intcomma` groups them; weeks are
`list_date`. And the case list's sortable column headers (aria_sort, sort_link)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from psm.ui.dates import list_date


def grouped(value: int) -> str:
    """12345 as `intcomma` draws it in the current language (12.345 in Indonesian)."""
    return f"{value:,}".replace(",", str(formats.get_format("THOUSAND_SEPARATOR")))


def count_rows(pairs: Iterable[tuple[str, int]], *, empty: str) -> SafeString:
    """name | count, or one row saying `empty`."""
    rows = format_html_join(
        "",
        '<tr><td>{}</td><td class="text-end">{}</td></tr>',
        ((name, grouped(count)) for name, count in pairs),
    )
    return rows or format_html('<tr><td colspan="2">{}</td></tr>', empty)


def area_count_rows(rows: Iterable[tuple[str, str, int]]) -> SafeString:
    """area | its parent area | count (the count cell carries the area's name for tests and
    scripts: data-kelurahan)."""
    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td class="text-end" data-kelurahan="{}">{}</td></tr>',
        ((name, parent, name, grouped(count)) for name, parent, count in rows),
    )


def week_rows(weeks: Iterable[tuple[dt.date, int, int]]) -> SafeString:
    """week's first day | filed | closed."""
    return format_html_join(
        "",
        '<tr><td>{}</td><td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        ((list_date(week), filed, closed) for week, filed, closed in weeks),
    )


def aria_sort(direction: str | None) -> SafeString:
    """` aria-sort="ascending"` for the <th> of the sorted column (ARIA allows it on column
    headers only, not on the link inside); nothing for the other columns."""
    return format_html(' aria-sort="{}"', direction) if direction else SafeString("")


def sort_link(href: str, label: str, arrow: str, *, target: str) -> SafeString:
    """A column header's link that sorts through htmx (replacing `target` whole, outerHTML)
    or, without JavaScript, as a plain link; `arrow` (▲/▼, or "") is hidden from readers,
    who hear aria-sort instead."""
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="{}" hx-swap="outerHTML" hx-push-url="true">{}{}</a>',
        href,
        href,
        target,
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )
