"""The role home pages' numbers: the volunteer's home (what is theirs to do, on one phone
screen) and the officers' counts.

One selector gathers every block (a handful of queries, the same number whatever the
volunteer holds: each block is one bounded query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, CaseQuerySet, Visit, open_q, overdue_q
from cases.selectors import cases_visible_to
from psm.accounts.models import User
from psm.notifications.models import Notification
from psm.notifications.selectors import notifications_for, unread_count
from volunteers.models import TrainingParticipant, Volunteer
from volunteers.selectors import volunteer_trainings

HOME_CASES = 10
HOME_VISITS = 10
HOME_NOTIFICATIONS = 3
HOME_TRAININGS = 3


@dataclass
class VolunteerHome:
    volunteer: Volunteer | None
    open_cases: Sequence[Case]
    open_total: int
    overdue_total: int
    visits_due: list[Visit]
    week_start: dt.date
    week_end: dt.date
    unread: int
    notifications: list[Notification]
    upcoming_trainings: list[TrainingParticipant] = field(default_factory=list)
    attended_trainings: list[TrainingParticipant] = field(default_factory=list)


def my_open_cases(user: User) -> CaseQuerySet:
    """Open cases assigned to the volunteer or filed by them."""
    return Case.objects.filter(Q(assignee=user) | Q(reported_by=user)).open()


def volunteer_home(*, user: User, now: dt.datetime | None = None) -> VolunteerHome:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    week_start = today - dt.timedelta(days=today.weekday())  # Monday
    week_end = week_start + dt.timedelta(days=6)

    volunteer = (
        Volunteer.objects.select_related("kelurahan__kecamatan").filter(user=user).first()
        if user.is_volunteer
        else None
    )
    if volunteer is not None:  # cases_visible_to reads user.volunteer: no second query
        User.volunteer.related.set_cached_value(user, volunteer)  # type: ignore[attr-defined]
    mine = my_open_cases(user)
    counts = mine.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    cases = list(
        mine.annotate(
            late=SqlCase(
                When(overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .select_related("beneficiary", "category", "kelurahan")
        .order_by("late", "due_at", "-created_at")[:HOME_CASES]
    )
    visits = _visits_due(user, week_start, week_end)
    upcoming: list[TrainingParticipant] = []
    attended: list[TrainingParticipant] = []
    if volunteer is not None:
        for participant in volunteer_trainings(volunteer)[:50]:
            training = participant.training
            if training.ends_on >= today and participant.attendance in (
                TrainingParticipant.Attendance.INVITED,
                TrainingParticipant.Attendance.ATTENDED,
            ):
                upcoming.append(participant)
            elif participant.attendance == TrainingParticipant.Attendance.ATTENDED:
                attended.append(participant)
        upcoming.sort(key=lambda p: p.training.starts_on)
    return VolunteerHome(
        volunteer=volunteer,
        open_cases=cases,
        open_total=counts["total"],
        overdue_total=counts["overdue"],
        visits_due=visits,
        week_start=week_start,
        week_end=week_end,
        unread=unread_count(user=user),
        notifications=list(notifications_for(user=user)[:HOME_NOTIFICATIONS]),
        upcoming_trainings=upcoming[:HOME_TRAININGS],
        attended_trainings=attended[:HOME_TRAININGS],
    )


def _visits_due(user: User, start: dt.date, end: dt.date) -> list[Visit]:
    """The next visits due between `start` and `end` that the user logged or that are on a
    case assigned to them, on open cases they may see.

    Two queries, one per way a visit is theirs, merged here: one query with the OR across
    the visit and its case made the planner join the week's visits with every open case
    (82 ms at 1M cases, 50,194 open); each way alone starts from the user's own rows."""
    week = Visit.objects.filter(
        # a visit they logged on a case since moved out of their reach stays hidden
        open_q("case__"),
        case__in=cases_visible_to(user),
        next_visit_on__range=(start, end),
    ).select_related("case__beneficiary")
    order = ("next_visit_on", "case__reference")
    found: dict[int, Visit] = {}
    for way in (Q(volunteer=user), Q(case__assignee=user)):
        for visit in week.filter(way).order_by(*order)[:HOME_VISITS]:
            found.setdefault(visit.pk, visit)
    return sorted(found.values(), key=lambda v: (v.next_visit_on, v.case.reference))[:HOME_VISITS]


@dataclass(frozen=True)
class HomeCount:
    key: str
    label: str
    count: int
    url: str  # the case list filtered to exactly these cases


def officer_home_counts(*, user: User, now: dt.datetime | None = None) -> list[HomeCount]:
    """New, overdue and assigned-to-me cases for the staff (and supervisor) home, counted with
    the rules the case list filters by (cases.selectors.queue), each linking to that filtered
    list.

    One count per rule, not one aggregate with a FILTER per rule: each rule is a subset of the
    open cases, so each count is an index-only scan of a partial index of open cases, while one
    aggregate reads every case. Bench database, 100,000 cases (5,012 open): 1.1 ms for the
    three against 32 ms for the aggregate, which grew with every case ever filed."""
    now = now or timezone.now()
    open_statuses = [str(s) for s in OPEN_STATUSES]
    # (key, label, condition, the case list's parameters for the same cases)
    rules: list[tuple[str, Any, Q, list[tuple[str, str]]]] = [
        ("new", _("New, to triage"), Q(status=Case.Status.NEW), [("status", Case.Status.NEW)]),
        ("overdue", _("Overdue"), overdue_q(now), [("overdue", "on")]),
        (
            "mine",
            _("Assigned to me"),
            Q(assignee=user) & open_q(),
            [("assignee", user.username), *(("status", s) for s in open_statuses)],
        ),
    ]
    visible = cases_visible_to(user)
    counts = {key: visible.filter(condition).count() for key, _label, condition, _p in rules}
    base = reverse("cases:list")
    return [
        HomeCount(key=key, label=str(label), count=counts[key], url=f"{base}?{urlencode(params)}")
        for key, label, _condition, params in rules
    ]


HOME_TEMPLATES: dict[str, str] = {
    User.Role.VOLUNTEER: "home/volunteer.html",
    User.Role.STAFF: "home/staff.html",
    User.Role.SUPERVISOR: "home/supervisor.html",
    User.Role.ADMIN: "home/admin.html",
}


def home_context(*, user: User) -> tuple[str, dict[str, object]]:
    """The template and context of the role's home page (psm.views.home draws it)."""
    template = HOME_TEMPLATES.get(user.role, "home/volunteer.html")
    context: dict[str, object] = {}
    if template == "home/volunteer.html":
        home = volunteer_home(user=user)
        # The navigation badge shows the same number: counted once per page.
        context.update(home=home, notifications_unread=home.unread)
    elif user.role in (User.Role.STAFF, User.Role.SUPERVISOR):
        context["counts"] = officer_home_counts(user=user)
    return template, context
