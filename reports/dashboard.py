"""The supervisors' numbers: one definition for the dashboard, its tables and the exports.

Every figure is exact and computed in PostgreSQL in a fixed number of queries (GROUPING
SETS and FILTER clauses), whatever the number of cases. Definitions:

- "in the period": cases filed (created_at) within the chosen dates, local time (WITA);
- area and category filters use the case's current kelurahan and category;
- SLA compliance (per priority): among cases of the period whose first response is due or
  done, the share whose first response came by its due time;
- median time to first response (hours) / to resolution (days): over cases of the period
  that have one;
- open / overdue / new this week / new this month: as of now, with the area and category
  filters but not the period;
- trend: cases filed and cases closed per ISO week over the last 52 weeks, read from the
  weekly summary cases.models.CaseTrendWeek, which triggers keep exact in the same
  transaction as every write to cases (so the dashboard has no "as of" time: it is current).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, TREND_TIME_ZONE, Case, Priority, response_late_q
from cases.selectors.caseload import case_active_sql
from cases.selectors.categories import categories as categories_list
from volunteers.models import Volunteer
from volunteers.selectors import active_cutoff
from volunteers.selectors import areas as areas_list

# The case rules as SQL parameters (cases.models.case): the statements hold no status.
OPEN = [str(s) for s in OPEN_STATUSES]
PRIORITIES = [str(p) for p in Priority.values]
TREND_WEEKS = 52


@dataclass(frozen=True)
class DashboardFilter:
    start: dt.date
    end: dt.date  # inclusive
    kecamatan_id: int | None = None
    category_id: int | None = None

    @classmethod
    def last_days(cls, days: int = 30, **kw: Any) -> DashboardFilter:
        today = timezone.localdate()
        return cls(start=today - dt.timedelta(days=days - 1), end=today, **kw)


@dataclass
class AreaRow:
    id: int
    name: str
    kecamatan: str
    count: int


@dataclass
class Dashboard:
    filter: DashboardFilter
    generated_at: dt.datetime
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_kecamatan: list[tuple[str, int]] = field(default_factory=list)
    by_kelurahan: list[AreaRow] = field(default_factory=list)
    sla: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    median_response_hours: float | None = None
    median_resolution_days: float | None = None
    open_now: int = 0
    overdue_now: dict[str, int] = field(default_factory=dict)
    new_this_week: int = 0
    new_this_month: int = 0
    trend: list[tuple[dt.date, int, int]] = field(default_factory=list)
    volunteers: list[dict[str, Any]] = field(default_factory=list)
    # Loaded anyway for the tables; the filter form reuses them (fewer queries).
    kecamatan_choices: list[tuple[int, str]] = field(default_factory=list)
    category_choices: list[tuple[int, str]] = field(default_factory=list)

    def status_rows(self) -> list[tuple[str, str, int]]:
        """(status, label, cases) for every status, zeros included: the dashboard's and the
        monthly report's "cases by status" table."""
        return [(s, str(label), self.by_status.get(s, 0)) for s, label in Case.Status.choices]

    def sla_rows(self) -> list[dict[str, Any]]:
        """One row per priority and one for all: label, due, met, percent, overdue now."""
        return [
            {
                "key": key,
                "label": str(label),
                **self.sla[key],
                "overdue": self.overdue_now.get(key, sum(self.overdue_now.values())),
            }
            for key, label in [*Priority.choices, ("all", _("All priorities"))]
        ]


def _bounds(f: DashboardFilter) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


KECAMATAN_SQL = (
    " AND c.kelurahan_id IN (SELECT id FROM volunteers_kelurahan WHERE kecamatan_id = %s)"
)
CATEGORY_SQL = " AND c.category_id = %s"


def _scope(f: DashboardFilter) -> tuple[str, list[Any]]:
    """SQL conditions (fixed text, values as parameters) for the area and category filters."""
    sql, params = "", []
    if f.kecamatan_id:
        sql += KECAMATAN_SQL
        params.append(f.kecamatan_id)
    if f.category_id:
        sql += CATEGORY_SQL
        params.append(f.category_id)
    return sql, params


# The period's counts as hashed grouping sets straight off an index-only range of
# case_created_cover_idx, and its two medians from a second read of the same range (an
# ordered-set aggregate inside the grouping sets would force a sort per set: 4x slower at 1M
# cases). Reading the range twice beats reading it once into a MATERIALIZED CTE that feeds
# both: 73.6 against 115.3 ms at 1M cases, 7.0 against 9.9 ms at 100,000 (4,225 in the
# period; medians of 30-40 runs, interleaved), as the CTE's rows are copied into a
# tuplestore and read back twice.
# Medians of intervals sort faster than of epochs.
PERIOD_SQL = """
SELECT GROUPING(status), GROUPING(category_id), GROUPING(kelurahan_id), GROUPING(priority),
       status, category_id, kelurahan_id, priority,
       count(*),
       count(*) FILTER (WHERE first_response_at IS NOT NULL OR due_at < %s),
       count(*) FILTER (WHERE first_response_at <= due_at),
       NULL::float8, NULL::float8
FROM cases_case c
WHERE c.created_at >= %s AND c.created_at < %s {scope}
GROUP BY GROUPING SETS ((status), (category_id), (kelurahan_id), (priority), ())
UNION ALL
SELECT 1, 1, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (
           ORDER BY first_response_at - created_at))::float8,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (
           ORDER BY resolved_at - created_at))::float8
FROM cases_case c
WHERE c.created_at >= %s AND c.created_at < %s {scope}
"""

# Open cases from the partial case_open_due_idx, new ones from case_created_cover_idx: two
# index-only branches instead of one bitmap OR that visits every heap page.
NOW_SQL = """
SELECT c.priority, count(*) AS open,
       count(*) FILTER (WHERE {late}) AS overdue,
       0 AS week, 0 AS month
FROM cases_case c
WHERE c.status = ANY(%s) {scope}
GROUP BY c.priority
UNION ALL
SELECT c.priority, 0, 0, count(*) FILTER (WHERE c.created_at >= %s),
       count(*) FILTER (WHERE c.created_at >= %s)
FROM cases_case c
WHERE c.created_at >= %s {scope}
GROUP BY c.priority
"""

# The trend from the trigger-maintained weekly summary (cases.models.CaseTrendWeek).
TREND_SQL = """
SELECT c.week, sum(c.filed)::int, sum(c.closed)::int
FROM cases_casetrendweek c
WHERE c.week >= %s {scope}
GROUP BY c.week
HAVING sum(c.filed) <> 0 OR sum(c.closed) <> 0
"""

# The same from the cases themselves, when the site's zone is not the summary's.
TREND_RAW_SQL = """
SELECT w, sum(filed)::int, sum(closed)::int FROM (
    SELECT date_trunc('week', c.created_at AT TIME ZONE %s)::date AS w, 1 AS filed, 0 AS closed
    FROM cases_case c WHERE c.created_at >= %s {scope}
    UNION ALL
    SELECT date_trunc('week', c.closed_at AT TIME ZONE %s)::date, 0, 1
    FROM cases_case c WHERE c.closed_at >= %s {scope}
) t GROUP BY w ORDER BY w
"""

VOLUNTEER_SQL = """
SELECT k.kecamatan_id,
       count(*) AS volunteers,
       count(*) FILTER (WHERE {active}) AS active_30d,
       coalesce(sum((SELECT count(*) FROM cases_case c WHERE c.reported_by_id = v.user_id
                     AND c.created_at >= %s AND c.created_at < %s {scope})), 0)::int AS filed,
       coalesce(sum((SELECT count(*) FROM cases_visit vi WHERE vi.volunteer_id = v.user_id
                     AND vi.visited_on BETWEEN %s AND %s)), 0)::int AS visits
FROM volunteers_volunteer v
JOIN volunteers_kelurahan k ON k.id = v.kelurahan_id
WHERE v.status = %s {kec_scope}
GROUP BY k.kecamatan_id
"""


def _case_sql(q: Q) -> tuple[str, list[Any]]:
    """A rule of cases.models (a Q on Case) as a condition on `cases_case c`, with its
    values as parameters: the hand SQL below states no rule of its own."""
    query = Case.objects.filter(q).query
    # Django's own relabelling (the one it uses for subqueries): columns read c."due_at".
    query.change_aliases({Case._meta.db_table: "c"})
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


def dashboard_numbers(f: DashboardFilter, *, now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    start, end = _bounds(f)
    scope, scope_params = _scope(f)
    board = Dashboard(filter=f, generated_at=now)
    # The reference lists, read once per process (psm.cachedlists).
    areas = areas_list()
    kelurahan = areas.kelurahan
    categories = categories_list().names
    board.category_choices = sorted(categories.items(), key=lambda x: x[1])
    board.kecamatan_choices = list(areas.kecamatan)

    with connection.cursor() as cur:
        cur.execute(
            PERIOD_SQL.format(scope=scope),
            [now, start, end, *scope_params, start, end, *scope_params],
        )
        kel_counts: dict[int, int] = {}
        cat_counts: dict[int, int] = {}
        for row in cur.fetchall():
            g_status, g_cat, g_kel, g_prio, status, cat, kel, prio = row[:8]
            n, sla_due, sla_met, med_resp, med_res = row[8:]
            if not g_status:
                board.by_status[status] = n
            elif not g_cat:
                cat_counts[cat] = n
            elif not g_kel:
                kel_counts[kel] = n
            elif not g_prio:
                board.sla[prio] = _sla_row(sla_due, sla_met)
            elif n is None:  # the medians' row
                board.median_response_hours = (
                    round(med_resp / 3600, 1) if med_resp is not None else None
                )
                board.median_resolution_days = (
                    round(med_res / 86400, 1) if med_res is not None else None
                )
            else:  # the empty grouping set: the whole period
                board.total = n
                board.sla["all"] = _sla_row(sla_due, sla_met)
        if not board.total:
            board.sla.setdefault("all", _sla_row(0, 0))

        local_now = timezone.localtime(now)
        week_start = dt.datetime.combine(
            local_now.date() - dt.timedelta(days=local_now.weekday()),
            dt.time.min,
            tzinfo=local_now.tzinfo,
        )
        month_start = dt.datetime.combine(
            local_now.date().replace(day=1), dt.time.min, tzinfo=local_now.tzinfo
        )
        earliest = min(week_start, month_start)
        # Overdue: the open cases of this branch that are late (cases.models.overdue_q).
        late, late_params = _case_sql(response_late_q(now))
        cur.execute(
            NOW_SQL.format(scope=scope, late=late),
            [*late_params, OPEN, *scope_params, week_start, month_start, earliest, *scope_params],
        )
        for prio, open_n, overdue, week, month in cur.fetchall():
            board.open_now += open_n
            board.overdue_now[prio] = board.overdue_now.get(prio, 0) + overdue
            board.new_this_week += week
            board.new_this_month += month

        trend_start = week_start - dt.timedelta(weeks=TREND_WEEKS - 1)
        tz_name = str(timezone.get_current_timezone())
        if tz_name == TREND_TIME_ZONE:
            cur.execute(TREND_SQL.format(scope=scope), [trend_start.date(), *scope_params])
        else:  # pragma: no cover - the summary's weeks are cut in WITA
            cur.execute(
                TREND_RAW_SQL.format(scope=scope),
                [tz_name, trend_start, *scope_params, tz_name, trend_start, *scope_params],
            )
        weekly = {w: (filed, closed) for w, filed, closed in cur.fetchall()}

        kec_scope, kec_params = "", []
        if f.kecamatan_id:
            kec_scope, kec_params = " AND k.kecamatan_id = %s", [f.kecamatan_id]
        # "Active" by the one rule of volunteers.selectors (the roster and reminders use it).
        active, active_params = case_active_sql("v.user_id", active_cutoff(now))
        cur.execute(
            VOLUNTEER_SQL.format(active=active, scope=scope, kec_scope=kec_scope),
            [
                *active_params,
                start,
                end,
                *scope_params,
                f.start,
                f.end,
                str(Volunteer.Status.ACTIVE),
                *kec_params,
            ],
        )
        volunteer_rows = {row[0]: row[1:] for row in cur.fetchall()}

    # A category or kelurahan added by another web process (or a bulk write) since this one
    # read its lists: read them again rather than fail on a case that names it.
    if not cat_counts.keys() <= categories.keys():
        categories = categories_list(fresh=True).names
        board.category_choices = sorted(categories.items(), key=lambda x: x[1])
    if not kel_counts.keys() <= {k.id for k in kelurahan}:
        areas = areas_list(fresh=True)
        kelurahan = areas.kelurahan
        board.kecamatan_choices = list(areas.kecamatan)
    for prio in PRIORITIES:
        board.sla.setdefault(prio, _sla_row(0, 0))
        board.overdue_now.setdefault(prio, 0)
    for status in Case.Status.values:
        board.by_status.setdefault(status, 0)
    board.by_category = sorted(
        ((categories[c], n) for c, n in cat_counts.items()), key=lambda x: (-x[1], x[0])
    )
    # Every kelurahan of the filtered area is listed, also those with no case.
    shown = [k for k in kelurahan if not f.kecamatan_id or k.kecamatan_id == f.kecamatan_id]
    board.by_kelurahan = [
        AreaRow(k.id, k.name, k.kecamatan, kel_counts.get(k.id, 0)) for k in shown
    ]
    per_kecamatan: dict[str, int] = defaultdict(int)
    kecamatan_names: dict[int, str] = {}
    for k in shown:
        per_kecamatan[k.kecamatan] += kel_counts.get(k.id, 0)
        kecamatan_names[k.kecamatan_id] = k.kecamatan
    board.by_kecamatan = sorted(per_kecamatan.items())
    weeks = [(trend_start + dt.timedelta(weeks=i)).date() for i in range(TREND_WEEKS)]
    board.trend = [(w, *weekly.get(w, (0, 0))) for w in weeks]
    columns = ("volunteers", "active_30d", "cases_filed", "visits")
    board.volunteers = [
        {
            "kecamatan": name,
            **dict(zip(columns, volunteer_rows.get(kec_id, (0, 0, 0, 0)), strict=True)),
        }
        for kec_id, name in sorted(kecamatan_names.items(), key=lambda x: x[1])
    ]
    return board


def _sla_row(due: int, met: int) -> dict[str, float | int | None]:
    return {
        "due": due,
        "met": met,
        "percent": round(100 * met / due, 1) if due else None,
    }
