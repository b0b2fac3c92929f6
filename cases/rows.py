"""The <tr>s of the case list and the triage queue, drawn in Python.

Fifty rows of ten cells cost the template engine about 40% of the page's server time (bench
M2): every `{{ }}`, filter, `{% translate %}` and the per-row include resolve through the
context stack. Here each row is one format_html call, with the labels translated once per
page. The markup is what templates/cases/queue.html drew before (tests read it), plus a
class and a data-label per cell: below 576 px static/css/psm.css lays each row out as a card
with those labels, so a phone never gets a table wider than its screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.models import DUE_OVERDUE, DUE_SOON_STATE, Case, Priority
from volunteers.models import Volunteer

PRIORITY_BADGE = {
    Priority.EMERGENCY: "text-bg-danger",
    Priority.HIGH: "text-bg-warning",
}
_REF = "BJM-0000-0"
CHECKED = SafeString(" checked")
EMERGENCY_ROW = SafeString(' class="table-danger"')


@dataclass
class RowNames:
    """Names of the small tables, from the lists the filter form already loaded."""

    categories: dict[int, str]
    kelurahan: dict[int, str]


def short_datetime(value: dt.datetime | None) -> str:
    """`{{ value|date:"d M Y H:i" }}` in the current time zone and language."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    month = str(MONTHS_3[local.month]).title()
    return f"{local.day:02d} {month} {local.year} {local.hour:02d}:{local.minute:02d}"


def render_rows(
    cases: Iterable[Case], *, triage: bool, selected: set[str], names: RowNames
) -> SafeString:
    detail = reverse("cases:detail", kwargs={"reference": _REF})
    priorities = {value: str(label) for value, label in Priority.choices}
    statuses = {value: str(label) for value, label in Case.Status.choices}
    due_badges = {
        DUE_OVERDUE: format_html(
            ' <span class="badge text-bg-danger" data-due-state="overdue">{}</span>', _("Overdue")
        ),
        DUE_SOON_STATE: format_html(
            ' <span class="badge text-bg-warning" data-due-state="due_soon">{}</span>',
            _("Due soon"),
        ),
    }
    reassign = format_html(
        ' <span class="badge text-bg-warning">{}</span>', _("Needs reassignment")
    )
    select_label = _("Select %(ref)s")
    # data-label: what a cell is when a phone shows the rows as cards (static/css/psm.css).
    label = {
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
    out = []
    for case in cases:
        ref = case.reference
        pk = str(case.pk)
        box = (
            format_html(
                '<td><input class="form-check-input" type="checkbox" name="cases" value="{}"'
                ' form="bulk-form" aria-label="{}"{}></td>',
                pk,
                select_label % {"ref": ref},
                CHECKED if pk in selected else "",
            )
            if triage
            else ""
        )
        out.append(
            format_html(
                "<tr{}>{}"
                '<td class="text-nowrap c-ref" data-label="{}"><a href="{}">{}</a></td>'
                '<td class="c-person" data-label="{}">{}</td>'
                '<td class="d-none d-md-table-cell c-category" data-label="{}">{}</td>'
                '<td class="d-none d-lg-table-cell c-area" data-label="{}">{}</td>'
                '<td class="c-priority" data-label="{}"><span class="badge {}">{}</span></td>'
                '<td class="c-status" data-label="{}">{}{}{}</td>'
                '<td class="d-none d-md-table-cell c-assignee" data-label="{}">{}</td>'
                '<td class="text-nowrap c-filed" data-label="{}">{}</td>'
                '<td class="text-nowrap d-none d-sm-table-cell c-due" data-label="{}">{}</td></tr>',
                EMERGENCY_ROW if case.priority == Priority.EMERGENCY else "",
                box,
                label["ref"],
                detail.replace(_REF, ref),
                ref,
                label["person"],
                case.beneficiary.name,
                label["category"],
                names.categories.get(case.category_id, ""),
                label["area"],
                names.kelurahan.get(case.kelurahan_id, ""),
                label["priority"],
                PRIORITY_BADGE.get(case.priority, "text-bg-secondary"),  # type: ignore[call-overload]
                priorities.get(case.priority, case.priority),
                label["status"],
                statuses.get(case.status, case.status),
                due_badges.get(case.due_state, ""),
                reassign if needs_reassignment(case) else "",
                label["assignee"],
                case.assignee or "—",
                label["filed"],
                short_datetime(case.created_at),
                label["due"],
                short_datetime(case.due_at),
            )
        )
    return format_html_join("", "{}", ((row,) for row in out))


def needs_reassignment(case: Case) -> bool:
    """cases.selectors.queue.needs_reassignment_q() for one loaded case (assignee__volunteer
    selected): open, and the assignee's login is off or they are an inactive or
    suspended volunteer."""
    from psm.accounts.models import User

    person = case.assignee
    if person is None or not case.is_open:
        return False
    if not person.is_active:
        return True
    volunteer = getattr(person, "volunteer", None) if person.role == User.Role.VOLUNTEER else None
    return volunteer is not None and volunteer.status in Volunteer.OFF_DUTY
