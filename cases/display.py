"""How a case shows: which tone each priority and due state takes, defined once for the
templates (cases/templatetags/case_tags.py) and the list's rows (psm.ui.rows draws them).

psm.ui knows tones and markup, not cases; this module hands it the case's knowledge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import DUE_OVERDUE, DUE_SOON_STATE, OPEN_STATUSES, Case, Priority
from cases.models.case import first_response_due_state
from psm.accounts.models import User
from psm.ui.badges import badge
from psm.ui.rows import QueueRow, render_rows
from volunteers.models import Volunteer

# An emergency is red, a high priority amber, the rest grey.
PRIORITY_TONE = {Priority.EMERGENCY: "danger", Priority.HIGH: "warning"}
PRIORITY_TONE_OTHER = "secondary"
# The first response's due state: (words, tone); "" (nothing due soon) draws no badge.
DUE_STATES = {
    DUE_OVERDUE: (gettext_lazy("Overdue"), "danger"),
    DUE_SOON_STATE: (gettext_lazy("Due soon"), "warning"),
}
# Any token a reference never is: the detail URL is reversed once and the marker replaced.
_REF = "REFERENCE-MARKER"


def priority_badge(priority: str, label: str) -> SafeString:
    return badge(label, PRIORITY_TONE.get(priority, PRIORITY_TONE_OTHER))  # type: ignore[call-overload]


def due_badge(state: str) -> SafeString | None:
    """The badge of a first-response due state ("overdue", "due_soon"); None for ""."""
    if state not in DUE_STATES:
        return None
    words, tone = DUE_STATES[state]
    return badge(words, tone, data_due_state=state)


def due_tone(state: str) -> str:
    """The tone of a due state; "light" for a due time not yet near."""
    return DUE_STATES[state][1] if state in DUE_STATES else "light"


def reassignment_badge() -> SafeString:
    return badge(_("Needs reassignment"), "warning")


class RowVolunteer(NamedTuple):
    status: str


class RowPerson:
    """An assignee as a list row reads them (the username, full name, login, role and, for
    a volunteer, their roster status): what needs_reassignment and the name need."""

    __slots__ = ("username", "full_name", "is_active", "role", "volunteer")
    __str__ = User.__str__  # the user's own name rule, not a copy of it

    def __init__(
        self, username: str, full_name: str, is_active: bool, role: str, status: str | None
    ):
        self.username = username
        self.full_name = full_name
        self.is_active = is_active
        self.role = role
        self.volunteer = RowVolunteer(status) if status is not None else None


@dataclass(slots=True)
class CaseRow:
    """One case as the case list and the triage queue show it, from plain values
    (ROW_VALUES, one values_list): fifty Cases with their person, assignee and volunteer were
    about 190 model instances a page, 1.5 ms of a 20 ms request (bench M2, M8). What the row
    shows by rule, open or not and its due state, are the rules Case itself uses."""

    pk: int
    reference: str
    status: str
    priority: str
    created_at: dt.datetime
    due_at: dt.datetime | None
    first_response_at: dt.datetime | None
    category_id: int
    kelurahan_id: int
    person: str
    assignee: RowPerson | None

    @classmethod
    def of(cls, values: tuple[Any, ...]) -> CaseRow:
        """The row of one `values_list(*ROW_VALUES)` tuple."""
        assignee = RowPerson(*values[10:]) if values[10] is not None else None
        # mypy cannot count the values a slice of tuple[Any, ...] holds: ten, as above.
        return cls(*values[:10], assignee=assignee)  # type: ignore[misc]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def due_state(self) -> str:
        return first_response_due_state(self.status, self.due_at, self.first_response_at)

    def __str__(self) -> str:
        return str(self.reference)


# The values a CaseRow is built from, in its order (cases.selectors.queue reads them).
ROW_VALUES = (
    "id",
    "reference",
    "status",
    "priority",
    "created_at",
    "due_at",
    "first_response_at",
    "category",
    "kelurahan",
    "beneficiary__name",
    "assignee__username",
    "assignee__full_name",
    "assignee__is_active",
    "assignee__role",
    "assignee__volunteer__status",
)


@dataclass
class RowNames:
    """Names of the small tables, from the lists the filter form already loaded."""

    categories: dict[int, str]
    kelurahan: dict[int, str]


def queue_rows(
    cases: Iterable[CaseRow], *, triage: bool, selected: set[str], names: RowNames
) -> SafeString:
    """The list's rows: each case as a QueueRow, its badges drawn once per page."""
    detail = reverse("cases:detail", kwargs={"reference": _REF})
    priorities = {value: priority_badge(value, str(label)) for value, label in Priority.choices}
    statuses = {value: str(label) for value, label in Case.Status.choices}
    dues = {state: drawn for state in DUE_STATES if (drawn := due_badge(state)) is not None}
    reassign = reassignment_badge()
    rows = []
    for case in cases:
        due = dues.get(case.due_state)
        flags: tuple[SafeString, ...] = (due,) if due else ()
        if needs_reassignment(case):
            flags = (*flags, reassign)
        rows.append(
            QueueRow(
                pk=str(case.pk),
                reference=case.reference,
                url=detail.replace(_REF, case.reference),
                person=case.person,
                category=names.categories.get(case.category_id, ""),
                area=names.kelurahan.get(case.kelurahan_id, ""),
                priority=priorities.get(case.priority)
                or priority_badge(case.priority, case.priority),
                urgent=case.priority == Priority.EMERGENCY,
                status=statuses.get(case.status, case.status),
                badges=flags,
                assignee=case.assignee,
                filed=case.created_at,
                due=case.due_at,
            )
        )
    return render_rows(rows, selectable=triage, selected=selected)


def needs_reassignment(case: Case | CaseRow) -> bool:
    """cases.models.rules.needs_reassignment_q() for one loaded case (a Case with
    assignee__volunteer selected, or a list's CaseRow): open, and the assignee's login is off
    or they are an inactive or suspended volunteer."""
    person = case.assignee
    if person is None or not case.is_open:
        return False
    if not person.is_active:
        return True
    volunteer = getattr(person, "volunteer", None) if person.role == User.Role.VOLUNTEER else None
    return volunteer is not None and volunteer.status in Volunteer.OFF_DUTY
