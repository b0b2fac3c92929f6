"""Tables: the dashboard's long <tbody>s (by category, by kelurahan, per week: ~130 rows),
drawn in Python: through the template engine they were a third of the page's time at 100k
cases (bench M1). Numbers are grouped as humanize's `intcomma` groups them; weeks are
`list_date`. And the case list's sortable column headers (aria_sort, sort_link)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

from psm.ui.dates import list_date
from psm.ui.escape import escape


def grouped(value: int, separator: str | None = None) -> str:
    """12345 as `intcomma` draws it in the current language (12.345 in Indonesian)."""
    if separator is None:
        separator = _separator()
    return f"{value:,}".replace(",", separator)


def _separator() -> str:
    return str(formats.get_format("THOUSAND_SEPARATOR"))


# The rows below are f-strings with each value escaped once (psm.ui.escape): ~130 rows of
# format_html cost 1.2 ms of the dashboard's server time (bench M1).


def count_rows(pairs: Iterable[tuple[str, int]], *, empty: str) -> SafeString:
    """name | count, or one row saying `empty`."""
    sep = _separator()
    rows = "".join(
        f'<tr><td>{escape(name)}</td><td class="text-end">{escape(grouped(count, sep))}</td></tr>'
        for name, count in pairs
    )
    if not rows:
        return format_html('<tr><td colspan="2">{}</td></tr>', empty)
    return SafeString(rows)  # nosec B703 - every value escaped


def area_count_rows(rows: Iterable[tuple[str, str, int]]) -> SafeString:
    """area | its parent area | count (the count cell carries the area's name for tests and
    scripts: data-kelurahan)."""
    sep = _separator()
    drawn = []
    for name, parent, count in rows:
        area = escape(name)
        drawn.append(
            f"<tr><td>{area}</td><td>{escape(parent)}</td>"
            f'<td class="text-end" data-kelurahan="{area}">{escape(grouped(count, sep))}</td></tr>'
        )
    return SafeString("".join(drawn))  # nosec B703 - every value escaped


def week_rows(weeks: Iterable[tuple[dt.date, int, int]]) -> SafeString:
    """week's first day | filed | closed."""
    return SafeString(  # nosec B703 - every value escaped
        "".join(
            f'<tr><td>{escape(list_date(week))}</td><td class="text-end">{escape(filed)}</td>'
            f'<td class="text-end">{escape(closed)}</td></tr>'
            for week, filed, closed in weeks
        )
    )


def keyed_count_rows(rows: Iterable[tuple[str, str, int]], *, key: str) -> SafeString:
    """label | count, the count cell naming its row for tests and scripts (`data-<key>`):
    rows of (key value, label, count)."""
    sep = _separator()
    return SafeString(  # nosec B703 - every value escaped
        "".join(
            f'<tr><td>{escape(label)}</td><td class="text-end" data-{key}="{escape(value)}">'
            f"{escape(grouped(count, sep))}</td></tr>"
            for value, label, count in rows
        )
    )


def rate_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """label | due | met | percent (or —) | overdue now: the SLA table, one dict per row
    (key, label, due, met, percent, overdue)."""
    sep = _separator()
    drawn = []
    for row in rows:
        key = escape(row["key"])
        percent = row["percent"]
        shown = escape(formats.localize(percent)) if percent is not None else "—"
        drawn.append(
            f"<tr><td>{escape(row['label'])}</td>"
            f'<td class="text-end">{escape(grouped(row["due"], sep))}</td>'
            f'<td class="text-end">{escape(grouped(row["met"], sep))}</td>'
            f'<td class="text-end" data-sla="{key}">{shown}</td>'
            f'<td class="text-end" data-overdue="{key}">{escape(grouped(row["overdue"], sep))}'
            "</td></tr>"
        )
    return SafeString("".join(drawn))  # nosec B703 - every value escaped


def name_number_rows(rows: Iterable[Sequence[Any]]) -> SafeString:
    """name | number | number ...: the first cell as text, the others right-aligned as the
    template engine shows a number ({{ n }}: localized, not grouped)."""
    return SafeString(  # nosec B703 - every value escaped
        "".join(
            f"<tr><td>{escape(name)}</td>"
            + "".join(f'<td class="text-end">{escape(formats.localize(n))}</td>' for n in numbers)
            + "</tr>"
            for name, *numbers in rows
        )
    )


def aria_sort(direction: str | None) -> SafeString:
    """` aria-sort="ascending"` for the <th> of the sorted column (ARIA allows it on column
    headers only, not on the link inside); nothing for the other columns."""
    return format_html(' aria-sort="{}"', direction) if direction else SafeString("")


def sort_link(
    href: str, label: str, arrow: str, *, target: str, current: bool = False
) -> SafeString:
    """A column header's link that sorts through htmx (replacing `target` whole, outerHTML)
    or, without JavaScript, as a plain link; `arrow` (▲/▼, or "") is hidden from readers,
    who hear aria-sort instead (`current`: marked aria-current, where no aria-sort is)."""
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="{}" hx-swap="outerHTML" hx-push-url="true"{}>{}{}</a>',
        href,
        href,
        target,
        SafeString(' aria-current="true" class="fw-semibold"') if current else "",
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


def sort_choices(
    label: str, links: Iterable[tuple[str, str, str, bool]], *, target: str
) -> SafeString:
    """The sort on a phone, where the sortable column headers are hidden (rows are cards):
    `label` then one link per (href, text, arrow, active); the active one is aria-current."""
    drawn = []
    for href, text, arrow, active in links:
        link = sort_link(href, text, arrow, target=target, current=active)
        drawn.append(f'<li class="list-inline-item">{link}</li>')
    return format_html(
        '<nav class="d-sm-none small mb-2" aria-label="{}">'
        '<span class="text-body-secondary">{}:</span>'
        '<ul class="list-inline d-inline mb-0 ms-1">{}</ul></nav>',
        label,
        label,
        SafeString("".join(drawn)),  # nosec B703 - each link drawn by format_html
    )
