"""The <tr>s of the case list and the triage queue, drawn in Python.

Fifty rows of ten cells cost the template engine about 40% of the page's server time (bench
M2): every `{{ }}`, filter, `{% translate %}` and the per-row include resolve through the
context stack. Here each row is one format_html call, with the labels translated once per
page. The markup is what templates/cases/queue.html drew before (tests read it), plus a
class and a data-label per cell: below 576 px static/css/psm.css lays each row out as a card
with those labels, so a phone never gets a table wider than its screen.

This module knows no case: cases/display.py turns each case into a QueueRow (its texts,
its drawn priority badge, its due and reassignment badges), and the markup is drawn here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from psm.ui.dates import list_datetime

CHECKED = SafeString(" checked")
URGENT_ROW = SafeString(' class="table-danger"')


class QueueRow(NamedTuple):
    """One row as plain values (a NamedTuple: fifty of them per page, built in a loop)."""

    pk: str
    reference: str
    url: str
    person: str
    category: str
    area: str
    priority: SafeString  # a drawn badge (psm.ui.badges), one per priority and page
    urgent: bool  # the whole row is marked (an emergency)
    status: str
    badges: tuple[SafeString, ...]  # after the status: due, needs reassignment
    assignee: object  # str() is the name; falsy: nobody
    filed: dt.datetime | None
    due: dt.datetime | None


def _labels() -> dict[str, SafeString]:
    # data-label: what a cell is when a phone shows the rows as cards (static/css/psm.css).
    return {
        key: conditional_escape(text)
        for key, text in (
            ("ref", _("Reference")),
            ("person", _("Person")),
            ("category", _("Category")),
            ("area", _("Kelurahan")),
            ("priority", _("Priority")),
            ("status", _("Status")),
            ("assignee", _("Assigned to")),
            ("filed", _("Filed")),
            ("due", _("Response due")),
        )
    }


def render_rows(rows: Iterable[QueueRow], *, selectable: bool, selected: set[str]) -> SafeString:
    """The rows; `selectable` adds the bulk form's checkbox first (the triage queue)."""
    select_label = _("Select %(ref)s")
    label = _labels()
    out = []
    for row in rows:
        box = (
            format_html(
                '<td><input class="form-check-input" type="checkbox" name="cases" value="{}"'
                ' form="bulk-form" aria-label="{}"{}></td>',
                row.pk,
                select_label % {"ref": row.reference},
                CHECKED if row.pk in selected else "",
            )
            if selectable
            else ""
        )
        out.append(
            format_html(
                "<tr{}>{}"
                '<td class="text-nowrap c-ref" data-label="{}"><a href="{}">{}</a></td>'
                '<td class="c-person" data-label="{}">{}</td>'
                '<td class="d-none d-md-table-cell c-category" data-label="{}">{}</td>'
                '<td class="d-none d-lg-table-cell c-area" data-label="{}">{}</td>'
                '<td class="c-priority" data-label="{}">{}</td>'
                '<td class="c-status" data-label="{}">{}{}</td>'
                '<td class="d-none d-md-table-cell c-assignee" data-label="{}">{}</td>'
                '<td class="text-nowrap c-filed" data-label="{}">{}</td>'
                '<td class="text-nowrap d-none d-sm-table-cell c-due" data-label="{}">{}</td></tr>',
                URGENT_ROW if row.urgent else "",
                box,
                label["ref"],
                row.url,
                row.reference,
                label["person"],
                row.person,
                label["category"],
                row.category,
                label["area"],
                row.area,
                label["priority"],
                row.priority,
                label["status"],
                row.status,
                format_html_join("", " {}", ((b,) for b in row.badges)),
                label["assignee"],
                row.assignee or "—",
                label["filed"],
                list_datetime(row.filed),
                label["due"],
                list_datetime(row.due),
            )
        )
    return format_html_join("", "{}", ((row,) for row in out))
