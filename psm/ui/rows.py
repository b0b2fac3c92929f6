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

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from psm.ui.dates import list_datetimes
from psm.ui.escape import escape

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
    """The rows; `selectable` adds the bulk form's checkbox first (the triage queue).

    Each row is one f-string with each value escaped once (psm.ui.escape): a format_html of
    23 arguments per row cost ~2 ms of the list page's server time (bench M2)."""
    select_label = _("Select %(ref)s")
    label = _labels()
    list_datetime = list_datetimes()
    out = []
    for row in rows:
        ref = escape(row.reference)
        box = (
            '<td><input class="form-check-input" type="checkbox" name="cases"'
            f' value="{escape(row.pk)}" form="bulk-form"'
            f' aria-label="{escape(select_label % {"ref": row.reference})}"'
            f"{CHECKED if row.pk in selected else ''}></td>"
            if selectable
            else ""
        )
        badges = "".join(f" {escape(b)}" for b in row.badges)
        out.append(
            f"<tr{URGENT_ROW if row.urgent else ''}>{box}"
            f'<td class="text-nowrap c-ref" data-label="{label["ref"]}">'
            f'<a href="{escape(row.url)}">{ref}</a></td>'
            f'<td class="c-person" data-label="{label["person"]}">{escape(row.person)}</td>'
            f'<td class="d-none d-md-table-cell c-category" data-label="{label["category"]}">'
            f"{escape(row.category)}</td>"
            f'<td class="d-none d-lg-table-cell c-area" data-label="{label["area"]}">'
            f"{escape(row.area)}</td>"
            f'<td class="c-priority" data-label="{label["priority"]}">{escape(row.priority)}</td>'
            f'<td class="c-status" data-label="{label["status"]}">'
            f"{escape(row.status)}{badges}</td>"
            f'<td class="d-none d-md-table-cell c-assignee" data-label="{label["assignee"]}">'
            f"{escape(row.assignee or '—')}</td>"
            f'<td class="text-nowrap c-filed" data-label="{label["filed"]}">'
            f"{escape(list_datetime(row.filed))}</td>"
            f'<td class="text-nowrap d-none d-sm-table-cell c-due" data-label="{label["due"]}">'
            f"{escape(list_datetime(row.due))}</td></tr>"
        )
    return SafeString("".join(out))  # nosec B703 - every value escaped above
