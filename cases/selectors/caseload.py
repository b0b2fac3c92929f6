"""A volunteer's caseload, as the volunteers app shows it (settings.PSM_VOLUNTEER_CASELOAD).

`volunteers` sits below `cases` and never imports it: the roster, the profile and the monthly
report's pre-fill ask this module, through the setting, for the case numbers, which are
therefore counted with cases' own rules (cases.models: CaseQuerySet.open(), .overdue(now)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case, CaseEvent, Visit
from psm.accounts.models import User


def _count(qs: QuerySet[Any], group: str) -> Coalesce:
    """COUNT(*) of `qs` per `group` value, as a correlated subquery (0 when none)."""
    counted = qs.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


# --- last case activity -------------------------------------------------------------------
# ONE meaning of "last case activity", used by the roster, the volunteer page, the 30-day
# inactivity reminder (cases/reminders.py) and the dashboard's "active in 30 days"
# (reports/dashboard.py): the latest time the volunteer themself acted on a case: filed it,
# wrote an event on its timeline (a note, a status change, an attachment, ...) or logged a
# visit. What others do on their cases does not count: it says nothing about the volunteer.
# (model, its user field, its time field): the volunteer's own actions.
_OWN_CASE_ACTIONS: tuple[tuple[Any, str, str], ...] = (
    (Case, "reported_by", "created_at"),
    (CaseEvent, "actor", "created_at"),
    (Visit, "volunteer", "created_at"),
)


def last_case_activity(user_ref: str = "pk") -> Greatest:
    """The time of the volunteer's own latest case action (NULL when none), for a queryset
    whose `user_ref` is a user id. Each part is one backward probe of a (user, time) index."""
    user = OuterRef(user_ref)
    return Greatest(
        *(
            Subquery(model.objects.filter(**{field: user}).order_by(f"-{at}").values(at)[:1])
            for model, field, at in _OWN_CASE_ACTIONS
        )
    )


def case_active_sql(user_column: str, cutoff: dt.datetime) -> tuple[str, list[dt.datetime]]:
    """ "Acted on a case at or after `cutoff`" (`last_case_activity >= cutoff`) as (SQL,
    params) for a raw query (the dashboard's volunteer query) whose volunteer's user id is
    `user_column`: EXISTS probes of the same table of actions, so the two cannot drift."""
    probes = []
    # Table and column names come from the models (and the caller's code), never from input.
    template = "EXISTS (SELECT 1 FROM {table} a WHERE a.{user} = {outer} AND a.{at} >= %s)"
    for model, field, at in _OWN_CASE_ACTIONS:
        meta = model._meta
        probes.append(
            template.format(
                table=meta.db_table,
                user=meta.get_field(field).column,
                outer=user_column,
                at=meta.get_field(at).column,
            )
        )
    return "(" + " OR ".join(probes) + ")", [cutoff] * len(probes)


# --- workload -----------------------------------------------------------------------------
def workload_annotations(
    user_ref: str = "pk", *, now: dt.datetime | None = None, detail: bool = True
) -> dict[str, Func]:
    """Annotations for a queryset whose `user_ref` is a user id (`pk` on users, `user_id` on
    volunteers): open cases assigned to them in all and by status, how many of those are
    overdue (CaseQuerySet.overdue), and their `last_case_activity` (see above). Without
    `detail`, only `open_cases` and `overdue_cases`.

    Each number is its own correlated subquery on an indexed column, so they add no join to
    the outer query (no row multiplication with other annotations) and cost the same per row.
    """
    now = now or timezone.now()
    assigned_open = Case.objects.open().filter(assignee=OuterRef(user_ref))
    annotations: dict[str, Func] = {
        "open_cases": _count(assigned_open, "assignee"),
        "overdue_cases": _count(assigned_open.overdue(now), "assignee"),
    }
    if not detail:
        return annotations
    for status in OPEN_STATUSES:
        annotations[f"open_{status}"] = _count(assigned_open.filter(status=status), "assignee")
    annotations["last_case_activity"] = last_case_activity(user_ref)
    return annotations


def workload_by_status(obj: Any) -> list[tuple[str, str, int]]:
    """(status, label, count) of an object annotated by workload_annotations."""
    return [
        (str(status), str(Case.Status(status).label), getattr(obj, f"open_{status}", 0))
        for status in OPEN_STATUSES
    ]


def cases_handled(*, user: User, start: dt.datetime, end: dt.datetime) -> int:
    """How many distinct cases `user` acted on in [start, end): a timeline event by them, a
    visit they logged (by visit date, the local days of the window), or a case they filed."""
    acted = CaseEvent.objects.filter(actor=user, created_at__gte=start, created_at__lt=end)
    visited = Visit.objects.filter(
        volunteer=user, visited_on__gte=start.date(), visited_on__lt=end.date()
    )
    filed = Case.objects.filter(reported_by=user, created_at__gte=start, created_at__lt=end)
    return Case.objects.filter(
        Q(pk__in=acted.values("case_id"))
        | Q(pk__in=visited.values("case_id"))
        | Q(pk__in=filed.values("pk"))
    ).count()


class _Caseload:
    """What settings.PSM_VOLUNTEER_CASELOAD names (volunteers.caseload.Caseload)."""

    workload_annotations = staticmethod(workload_annotations)
    workload_by_status = staticmethod(workload_by_status)
    cases_handled = staticmethod(cases_handled)


CASELOAD = _Caseload()
