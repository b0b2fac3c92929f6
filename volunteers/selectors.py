"""Every read the volunteers views need, already scoped to the user (404 for "not yours")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from psm.accounts.models import User
from psm.crypto import nik_hash
from volunteers.models import (
    ActivityReport,
    Training,
    TrainingParticipant,
    Volunteer,
    previous_month,
)


def last_month(today: dt.date | None = None) -> dt.date:
    return previous_month(today or timezone.localdate())


def basic_training_done() -> Exists:
    """True when the volunteer attended a training flagged as the basic PSM training."""
    return Exists(
        TrainingParticipant.objects.filter(
            volunteer=OuterRef("pk"),
            attendance=TrainingParticipant.Attendance.ATTENDED,
            training__is_basic_psm=True,
        )
    )


def reported_for(month: dt.date) -> Exists:
    return Exists(
        ActivityReport.objects.filter(
            volunteer=OuterRef("pk"),
            month=month,
            status__in=ActivityReport.COUNTS_AS_REPORTED,
        )
    )


# --- workload ---------------------------------------------------------------------------
# `volunteers` never imports `cases` (it sits below it). The case models are reached through
# the user's related names (assigned_cases, reported_cases, case_events) at call time, so the
# roster, the profile and the bulk assignment in cases/queues.py share these numbers.
def _related(name: str) -> Any:
    return User._meta.get_field(name).related_model


def _count(qs: QuerySet[Any], group: str) -> Coalesce:
    """COUNT(*) of `qs` per `group` value, as a correlated subquery (0 when none)."""
    counted = qs.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


# --- last case activity -------------------------------------------------------------------
# ONE meaning of "last case activity", used by the roster, the volunteer page, the 30-day
# inactivity reminder (cases/reminders.py) and the dashboard's "active in 30 days"
# (cases/dashboard.py): the latest time the volunteer themself acted on a case: filed it,
# wrote an event on its timeline (a note, a status change, an attachment, ...) or logged a
# visit. What others do on their cases does not count: it says nothing about the volunteer.
ACTIVE_DAYS = 30
# (user's related name, the model's user field, its time field): the volunteer's own actions.
_OWN_CASE_ACTIONS = (
    ("reported_cases", "reported_by", "created_at"),
    ("case_events", "actor", "created_at"),
    ("visits", "volunteer", "created_at"),
)


def _own_case_actions(user_ref: str) -> list[tuple[QuerySet[Any], str]]:
    user = OuterRef(user_ref)
    return [
        (_related(name).objects.filter(**{field: user}).order_by(), at)
        for name, field, at in _OWN_CASE_ACTIONS
    ]


def last_case_activity(user_ref: str = "pk") -> Greatest:
    """The time of the volunteer's own latest case action (NULL when none), for a queryset
    whose `user_ref` is a user id. Each part is one backward probe of a (user, time) index."""
    return Greatest(
        *(Subquery(qs.order_by(f"-{at}").values(at)[:1]) for qs, at in _own_case_actions(user_ref))
    )


def case_active_sql(user_column: str, cutoff: dt.datetime) -> tuple[str, list[dt.datetime]]:
    """ "Acted on a case at or after `cutoff`" (`last_case_activity >= cutoff`) as (SQL,
    params) for a raw query (the dashboard's volunteer query) whose volunteer's user id is
    `user_column`: EXISTS probes of the same table of actions, so the two cannot drift."""
    probes = []
    # Table and column names come from the models (and the caller's code), never from input.
    template = "EXISTS (SELECT 1 FROM {table} a WHERE a.{user} = {outer} AND a.{at} >= %s)"
    for name, field, at in _OWN_CASE_ACTIONS:
        meta = _related(name)._meta
        probes.append(
            template.format(
                table=meta.db_table,
                user=meta.get_field(field).column,
                outer=user_column,
                at=meta.get_field(at).column,
            )
        )
    return "(" + " OR ".join(probes) + ")", [cutoff] * len(probes)


def active_cutoff(now: dt.datetime) -> dt.datetime:
    """The start of the window in which a volunteer counts as active."""
    return now - dt.timedelta(days=ACTIVE_DAYS)


def workload_annotations(
    user_ref: str = "pk", *, now: dt.datetime | None = None, detail: bool = True
) -> dict[str, Func]:
    """Annotations for a queryset whose `user_ref` is a user id (`pk` on users, `user_id` on
    volunteers): open cases assigned to them in all and by status, how many of those are
    overdue (the rule of Case.is_overdue: no first response and past due), and their
    `last_case_activity` (see above). Without `detail`, only `open_cases` and
    `overdue_cases`.

    Each number is its own correlated subquery on an indexed column, so they add no join to
    the outer query (no row multiplication with other annotations) and cost the same per row.
    """
    now = now or timezone.now()
    case_model = _related("assigned_cases")
    open_statuses = tuple(case_model.OPEN_STATUSES)
    user = OuterRef(user_ref)
    assigned_open = case_model.objects.filter(assignee=user, status__in=open_statuses)
    annotations: dict[str, Func] = {
        "open_cases": _count(assigned_open, "assignee"),
        "overdue_cases": _count(
            assigned_open.filter(first_response_at__isnull=True, due_at__lt=now), "assignee"
        ),
    }
    if not detail:
        return annotations
    for status in open_statuses:
        annotations[f"open_{status}"] = _count(assigned_open.filter(status=status), "assignee")
    annotations["last_case_activity"] = last_case_activity(user_ref)
    return annotations


def workload_by_status(obj: Any) -> list[tuple[str, str, int]]:
    """(status, label, count) of an object annotated by workload_annotations."""
    case_model = _related("assigned_cases")
    return [
        (str(status), str(case_model.Status(status).label), getattr(obj, f"open_{status}", 0))
        for status in case_model.OPEN_STATUSES
    ]


def _require_officer(user: User) -> None:
    if not user.is_officer:
        raise PermissionDenied


def volunteer_roster(*, user: User, workload: bool = True) -> QuerySet[Volunteer]:
    """The roster, for officers only (volunteers get 403: the page is role-gated); with
    each volunteer's workload unless `workload` is off (the export does not show it)."""
    _require_officer(user)
    extra = workload_annotations("user_id") if workload else {}
    return Volunteer.objects.select_related("user", "kelurahan__kecamatan").annotate(
        has_basic_training=basic_training_done(),
        reported_last_month=reported_for(last_month()),
        **extra,
    )


def volunteer_get(*, user: User, pk: int) -> Volunteer:
    """A profile: officers see all; a volunteer sees only their own; else 404."""
    qs = Volunteer.objects.select_related("user", "kelurahan__kecamatan").annotate(
        has_basic_training=basic_training_done(),
        reported_last_month=reported_for(last_month()),
        **workload_annotations("user_id"),
    )
    if not user.is_officer:
        qs = qs.filter(user=user)
    volunteer = qs.filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def volunteer_for_user(user: User) -> Volunteer | None:
    if not user.is_volunteer:
        return None
    return Volunteer.objects.select_related("kelurahan").filter(user=user).first()


def volunteer_trainings(volunteer: Volunteer) -> QuerySet[TrainingParticipant]:
    return volunteer.trainings.select_related("training").order_by("-training__starts_on")


def volunteer_reports(volunteer: Volunteer) -> QuerySet[ActivityReport]:
    return volunteer.activity_reports.order_by("-month")


def training_list(*, user: User) -> QuerySet[Training]:
    """Officers see every training; a volunteer sees those they were invited to."""
    qs = Training.objects.all()
    if not user.is_officer:
        qs = qs.filter(participants__volunteer__user=user)
    return qs.order_by("-starts_on", "title")


def training_get(*, user: User, pk: int) -> Training:
    training = training_list(user=user).filter(pk=pk).first()
    if training is None:
        raise Http404
    return training


def training_participants(training: Training) -> QuerySet[TrainingParticipant]:
    return training.participants.select_related("volunteer__user", "volunteer__kelurahan").order_by(
        "volunteer__user__full_name"
    )


def training_participant_get(*, user: User, training: Training, pk: int) -> TrainingParticipant:
    if not user.is_admin_role:
        raise PermissionDenied
    participant = training.participants.select_related("volunteer__user").filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


def activity_report_list(*, user: User) -> QuerySet[ActivityReport]:
    """Officers see every report; a volunteer only their own."""
    qs = ActivityReport.objects.select_related(
        "volunteer__user", "volunteer__kelurahan", "reviewed_by"
    )
    if not user.is_officer:
        qs = qs.filter(volunteer__user=user)
    return qs.order_by("-month", "volunteer__user__full_name")


def activity_report_get(*, user: User, pk: int) -> ActivityReport:
    report = activity_report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def volunteers_not_reported(*, user: User, month: dt.date) -> QuerySet[Volunteer]:
    """Active volunteers with no submitted/approved report for `month` (officers only)."""
    _require_officer(user)
    return (
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
        .filter(~reported_for(month))
        .select_related("user", "kelurahan")
    )


def search_filter(term: str) -> Q:
    term = term.strip()
    q = (
        Q(user__full_name__icontains=term)
        | Q(user__username__icontains=term)
        | Q(sk_number__icontains=term)
        | Q(skills__icontains=term)
    )
    if term.isdigit() and len(term) == 16:
        # NIK and phone are encrypted at rest: a full NIK is found through its keyed hash.
        q |= Q(nik_hash=nik_hash(term))
    return q
