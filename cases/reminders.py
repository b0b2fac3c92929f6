"""The case rules of the reminder sweep (issue 5): which reminders are due now.

Each function is a sweeper for psm.notifications (settings.PSM_REMINDER_SWEEPERS): it
returns ReminderSpecs; `reminders_create` inserts them with ON CONFLICT DO NOTHING, so a
rule may return the same reminder on every sweep and it is created (and sent) once. The
occurrence is the due moment, so a new due time (priority changed) is a new reminder.
Only open cases are read, through partial indexes on their due times; rules whose work is
done stop reading old rows (a horizon), so a sweep does not grow with the case history.
The high-volume rules (a due case x every officer: untriaged, emergency) return one
SqlReminders instead: a SELECT inserted set-based, watermarked so that an idle sweep reads
only what fell due or changed since the last one (issue 7, M5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    ASSIGNED_STATUSES,
    NOT_STARTED_STATUSES,
    Case,
    CaseStatus,
    Priority,
    Visit,
    open_q,
)
from cases.notices import PERSON_LINE, person_line
from cases.selectors.caseload import last_case_activity
from cases.sla import WITA, Calendar
from psm.accounts.models import User
from psm.notifications.models import Reminder
from psm.notifications.services import ReminderSpec, SqlReminders, sweep_mark
from psm.ui.dates import shown
from volunteers.models import ActivityReport, Volunteer, previous_month
from volunteers.selectors import active_cutoff

BATCH = 2000
# A case with no activity since its response due time: reminders 1 and 2 to the assignee,
# then the supervisors. Past this horizon every step has been created: old rows are not read.
STALL_HORIZON = dt.timedelta(days=30)
REPORT_DUE_DAY = 5  # the monthly report is due by the 5th of the next month
DIGEST_HOUR = 7  # 07:00 WITA


def _officers(*roles: str) -> list[int]:
    return list(User.objects.filter(role__in=roles, is_active=True).values_list("pk", flat=True))


# Python's isoformat() of a UTC datetime, in SQL: the occurrence of the unique key must be
# the same string whichever way a reminder was made.
def _iso(column: str) -> str:
    return (
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {column})::bigint %% 1000000 <> 0"
        f" THEN to_char({column} AT TIME ZONE 'UTC', '.US') ELSE '' END || '+00:00'"
    )


def _sql_template(translated: str, names: tuple[str, ...] = ("ref", "category")) -> str:
    """A translated "... %(ref)s ... %(category)s ..." text as a format() template of
    PostgreSQL: each %(name)s becomes the positional argument of that name (%1$s, %2$s)."""
    template = translated.replace("%", "%%")
    for position, name in enumerate(names, start=1):
        template = template.replace(f"%%({name})s", f"%{position}$s")
    return template


def _case_rule(
    *,
    rule: str,
    kind: str,
    due_column: str,
    where: str,
    where_params: list[object],
    roles: list[str],
    title: str,
    is_emergency: bool,
    now: dt.datetime,
) -> list[SqlReminders]:
    """One reminder per due case x each active officer of `roles`, as one INSERT ... SELECT.
    Watermarked: after the first sweep only cases whose due time passed since the last
    sweep, or that changed since then (a raised priority moves the due time into the past;
    Case.updated_at, partial index case_open_updated_idx), are read, both minus
    SWEEP_MARK_MARGIN. A staff member added later therefore gets no reminders for cases that
    were already due (they see them in the queues). A case re-read in that window whose
    reminders of this due time exist is skipped (one probe of the unique index), so a sweep
    right after another creates and probes nothing per officer."""
    since = sweep_mark(rule=rule)
    window = ""
    person = _sql_template(str(PERSON_LINE), names=("name", "kelurahan"))
    params: list[object] = [kind, _sql_template(title), is_emergency, person, *where_params, now]
    if since is not None:
        # A case re-read because it changed keeps its reminders while its due time stands.
        window = f"""
          AND (c.{due_column} > %s OR c.updated_at > %s)
          AND NOT EXISTS (SELECT 1 FROM notifications_reminder r
                          WHERE r.subject_key = 'case:' || c.id AND r.kind = %s
                            AND r.occurrence = {_iso("c." + due_column)})"""  # nosec B608  # noqa: S608
        params += [since, since, kind]
    params.append(roles)
    select = f"""
        SELECT 'case:' || c.id, %s, {_iso("c." + due_column)}, u.id,
               format(%s, c.reference, cat.name), '', '/cases/' || c.reference || '/', %s,
               c.{due_column}, format(%s, b.name, k.name)
        FROM cases_case c
          JOIN cases_category cat ON cat.id = c.category_id
          JOIN cases_beneficiary b ON b.id = c.beneficiary_id
          JOIN volunteers_kelurahan k ON k.id = c.kelurahan_id
          CROSS JOIN accounts_user u
        WHERE {where} AND c.{due_column} <= %s{window}
          AND u.role = ANY(%s) AND u.is_active
    """  # nosec B608  # noqa: S608 (column names and conditions: constants of this module;
    # their values, statuses and priorities included, are parameters)
    return [SqlReminders(select=select, params=tuple(params), mark=rule, swept_until=now)]


def untriaged_cases(*, now: dt.datetime) -> list[SqlReminders]:
    """A new case not triaged by its due time -> every active staff member."""
    return _case_rule(
        rule="untriaged_cases",
        kind="triage_overdue",
        due_column="triage_due_at",
        # emergencies have their own, louder rule
        where="c.status = %s AND c.priority <> %s",
        where_params=[str(CaseStatus.NEW), str(Priority.EMERGENCY)],
        roles=[User.Role.STAFF.value],
        title=_("Case %(ref)s (%(category)s) waits for triage past its due time"),
        is_emergency=False,
        now=now,
    )


def emergency_cases(*, now: dt.datetime) -> list[SqlReminders]:
    """An emergency case not started within 45 minutes -> staff and supervisors at once."""
    return _case_rule(
        rule="emergency_cases",
        kind="emergency_not_started",
        due_column="due_at",
        where="c.priority = %s AND c.status = ANY(%s)",
        where_params=[str(Priority.EMERGENCY), [str(s) for s in NOT_STARTED_STATUSES]],
        roles=[User.Role.STAFF.value, User.Role.SUPERVISOR.value],
        title=_("EMERGENCY: case %(ref)s (%(category)s) has not been started within 45 minutes"),
        is_emergency=True,
        now=now,
    )


def visits_due(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """A visit whose next-visit date is today or tomorrow -> the volunteer who planned it."""
    today = timezone.localtime(now).date()
    visits = (
        Visit.objects.filter(
            open_q("case__"),
            next_visit_on__range=(today, today + dt.timedelta(days=1)),
        )
        .filter(Q(volunteer__is_active=True))
        .values_list(
            "pk",
            "volunteer_id",
            "next_visit_on",
            "case__reference",
            "case__category__name",
            "case__beneficiary__name",
            "case__kelurahan__name",
        )
    )
    rows = visits.iterator(chunk_size=BATCH)
    for pk, user_id, day, reference, category, name, kelurahan in rows:
        if day is None:  # excluded by the filter; for the type checker
            continue
        yield ReminderSpec(
            subject_key=f"visit:{pk}",
            kind="visit_due",
            occurrence=day.isoformat(),
            recipient_id=user_id,
            title=_("Home visit for case %(ref)s (%(category)s) is due on %(day)s")
            % {"ref": reference, "category": category, "day": shown(day, "date")},
            private_body=person_line(name=name, kelurahan=kelurahan),
            url=f"/cases/{reference}/",
        )


def _local_date(day: dt.date) -> str:
    return shown(day, "date")


def _again_after(
    due_at: dt.datetime, steps: int, priority: str, category_id: int, calendar: Calendar
) -> dt.datetime:
    """When reminder `steps + 1` of a stalled case is due: one working day apart, or for a
    clock-time policy (emergencies) its response time apart."""
    response = calendar.targets(priority, category_id).response
    if response.unit == "minutes":
        return due_at + dt.timedelta(minutes=response.amount * steps)
    return calendar.add_working_days(due_at, steps)


def stalled_assigned_cases(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """An assigned case with no event since its response due time -> the assignee, at the
    due time and again a working day later; a working day after that second unanswered
    reminder -> every supervisor ("escalated"). Any new event on the case stops the chain
    (reminders themselves are no case events)."""
    calendar = Calendar()
    supervisors = _officers(User.Role.SUPERVISOR)
    cases = (
        Case.objects.filter(
            status__in=ASSIGNED_STATUSES,
            assignee__isnull=False,
            due_at__lte=now,
            due_at__gt=now - STALL_HORIZON,
        )
        .filter(Q(last_event_at__isnull=True) | Q(last_event_at__lt=F("due_at")))
        .values_list(
            "pk",
            "reference",
            "due_at",
            "priority",
            "category_id",
            "assignee_id",
            "category__name",
            "beneficiary__name",
            "kelurahan__name",
        )
        .order_by("due_at")
    )
    rows = cases.iterator(chunk_size=BATCH)
    for pk, reference, due_at, priority, category_id, assignee_id, category, name, kel in rows:
        if due_at is None or assignee_id is None:  # excluded by the filter; for mypy
            continue
        url = f"/cases/{reference}/"
        for step in (1, 2):
            at = _again_after(due_at, step - 1, priority, category_id, calendar)
            if at > now:
                break
            yield ReminderSpec(
                subject_key=f"case:{pk}",
                kind="response_overdue",
                occurrence=f"{due_at.isoformat()}#{step}",
                recipient_id=assignee_id,
                title=_(
                    "Case %(ref)s (%(category)s) has had no activity since its response was due"
                )
                % {"ref": reference, "category": category},
                private_body=person_line(name=name, kelurahan=kel),
                body=_("Reminder %(n)s of 2: log the response, a note or a visit.") % {"n": step},
                url=url,
                is_emergency=priority == Priority.EMERGENCY,
                due_at=at,
            )
        escalate_at = _again_after(due_at, 2, priority, category_id, calendar)
        if escalate_at > now:
            continue
        for user_id in supervisors:
            yield ReminderSpec(
                subject_key=f"case:{pk}",
                kind="escalated",
                occurrence=due_at.isoformat(),
                recipient_id=user_id,
                title=_(
                    "Escalation: case %(ref)s (%(category)s) is stalled after two reminders "
                    "to its officer"
                )
                % {"ref": reference, "category": category},
                private_body=person_line(name=name, kelurahan=kel),
                url=url,
                is_emergency=priority == Priority.EMERGENCY,
                due_at=escalate_at,
            )


def inactive_volunteers(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """An active volunteer with no case activity of their own (cases.selectors.caseload.
    last_case_activity: filing, their events, their visits) for ACTIVE_DAYS -> every
    supervisor, once per stretch of inactivity (the occurrence is the day of their last
    activity)."""
    supervisors = _officers(User.Role.SUPERVISOR)
    if not supervisors:
        return
    cutoff = active_cutoff(now)
    rows = (
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE, user__is_active=True)
        .annotate(last_activity=last_case_activity("user_id"))
        .filter(Q(last_activity__lt=cutoff) | Q(last_activity__isnull=True, created_at__lte=cutoff))
        .values_list("pk", "user__full_name", "user__username", "last_activity", "created_at")
    )
    for pk, full_name, username, last_activity, created_at in rows:
        since = timezone.localtime(last_activity or created_at, WITA).date()
        for user_id in supervisors:
            yield ReminderSpec(
                subject_key=f"volunteer:{pk}",
                kind="volunteer_inactive",
                occurrence=since.isoformat(),
                recipient_id=user_id,
                title=_("Volunteer %(name)s has had no case activity since %(day)s")
                % {"name": full_name or username, "day": _local_date(since)},
                url=f"/volunteers/{pk}/",
            )


def missing_monthly_reports(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """No submitted activity report for the previous month once the 5th has passed ->
    every supervisor, one reminder per volunteer and month."""
    today = timezone.localtime(now, WITA).date()
    if today.day <= REPORT_DUE_DAY:
        return
    supervisors = _officers(User.Role.SUPERVISOR)
    if not supervisors:
        return
    month = previous_month(today)
    this_month = today.replace(day=1)
    due_at = dt.datetime.combine(
        this_month.replace(day=REPORT_DUE_DAY + 1), dt.time(0, 0), tzinfo=WITA
    )
    reported = ActivityReport.objects.filter(
        volunteer=OuterRef("pk"),
        month=month,
        status__in=ActivityReport.COUNTS_AS_REPORTED,
    )
    rows = (
        Volunteer.objects.filter(
            status=Volunteer.Status.ACTIVE,
            user__is_active=True,
            # Registered before the month ended: they owe a report for it.
            created_at__lt=dt.datetime.combine(this_month, dt.time(0, 0), tzinfo=WITA),
        )
        .exclude(Exists(reported))
        .values_list("pk", "user__full_name", "user__username")
    )
    label = month.strftime("%m-%Y")
    for pk, full_name, username in rows:
        for user_id in supervisors:
            yield ReminderSpec(
                subject_key=f"volunteer:{pk}",
                kind="report_missing",
                occurrence=month.strftime("%Y-%m"),
                recipient_id=user_id,
                title=_("Volunteer %(name)s has not submitted the activity report for %(month)s")
                % {"name": full_name or username, "month": label},
                url=f"/volunteers/{pk}/",
                due_at=due_at,
            )


def daily_digest(*, now: dt.datetime) -> Iterator[ReminderSpec]:
    """At 07:00 WITA every day: to each active staff member and supervisor, how many cases
    are new (waiting for triage), overdue and due today. One per person per day (the
    occurrence is the date); the counts are read only while someone still lacks today's."""
    local = timezone.localtime(now, WITA)
    if local.hour < DIGEST_HOUR:
        return
    today = local.date()
    people = _officers(User.Role.STAFF, User.Role.SUPERVISOR)
    done = set(
        Reminder.objects.filter(
            kind="daily_digest", occurrence=today.isoformat(), recipient_id__in=people
        ).values_list("recipient_id", flat=True)
    )
    missing = [p for p in people if p not in done]
    if not missing:
        return
    end_of_day = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 0), tzinfo=WITA)
    counts = {
        "new": Case.objects.filter(status=CaseStatus.NEW).count(),
        "overdue": Case.objects.overdue(now).count(),
        "today": Case.objects.response_pending()
        .filter(due_at__gte=now, due_at__lt=end_of_day)
        .count(),
    }
    title = _("Daily summary %(day)s: %(new)s new, %(overdue)s overdue, %(today)s due today") % {
        **counts,
        "day": _local_date(today),
    }
    body = "\n".join(
        [
            _("New cases waiting for triage: %(n)s") % {"n": counts["new"]},
            _("Cases past their response due time: %(n)s") % {"n": counts["overdue"]},
            _("Cases whose response is due today: %(n)s") % {"n": counts["today"]},
        ]
    )
    due_at = dt.datetime.combine(today, dt.time(DIGEST_HOUR, 0), tzinfo=WITA)
    for user_id in missing:
        yield ReminderSpec(
            subject_key="digest",
            kind="daily_digest",
            occurrence=today.isoformat(),
            recipient_id=user_id,
            title=title,
            body=body,
            url="/cases/",
            due_at=due_at,
        )
