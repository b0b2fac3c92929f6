"""M1's denominator: the dashboard's numbers (default view: last 30 days, whole city) written
by hand as the cheapest SQL we know, run with psycopg directly.

It reads the period once (a MATERIALIZED CTE feeds both the grouping and the medians), one
GROUP BY of the four dimensions summed in Python, the trend from the trigger-maintained weekly
summary (cases_casetrendweek: part of the schema, so the best hand-written SQL uses it too),
open/new counts and volunteer activity as below. TREND_RAW is the trend from the cases
themselves, timed separately (M1 details: what the summary saves). `compare()` checks that
both sides give the same numbers.

It is the fastest shape per statement measured when M1 was first judged (27 November), and it
stays as it was so that M1 compares across sessions. The dashboard's own statements have since
found cheaper shapes for two of its four (reports/dashboard.py: the period as grouping sets
read straight off the index, the open cases from two index-only branches), so M1 also says how
much of the request the app's SQL makes up for; `dashboard_numbers()` ÷ this SQL says how
the SQL alone compares (the README's figures list both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

OPEN = ["new", "verified", "assigned", "in_progress"]
WITA = "Asia/Makassar"

PERIOD = """
WITH p AS MATERIALIZED (
    SELECT status, category_id, kelurahan_id, priority, created_at, due_at,
           first_response_at, resolved_at
    FROM cases_case WHERE created_at >= %(start)s AND created_at < %(end)s
)
SELECT status, category_id, kelurahan_id, priority, count(*)::int,
       count(*) FILTER (WHERE first_response_at IS NOT NULL OR due_at < %(now)s)::int,
       count(*) FILTER (WHERE first_response_at <= due_at)::int, NULL::float8, NULL::float8
FROM p GROUP BY status, category_id, kelurahan_id, priority
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (
           ORDER BY first_response_at - created_at))::float8,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (
           ORDER BY resolved_at - created_at))::float8
FROM p
"""

NOW = """
SELECT priority,
       count(*) FILTER (WHERE status = ANY(%(open)s))::int,
       count(*) FILTER (WHERE status = ANY(%(open)s) AND first_response_at IS NULL
                        AND due_at < %(now)s)::int,
       count(*) FILTER (WHERE created_at >= %(week)s)::int,
       count(*) FILTER (WHERE created_at >= %(month)s)::int
FROM cases_case
WHERE status = ANY(%(open)s) OR created_at >= %(earliest)s
GROUP BY priority
"""

TREND_RAW = """
SELECT w, sum(f)::int, sum(c)::int FROM (
    SELECT date_trunc('week', created_at AT TIME ZONE %(tz)s)::date AS w, 1 AS f, 0 AS c
    FROM cases_case WHERE created_at >= %(trend)s
    UNION ALL
    SELECT date_trunc('week', closed_at AT TIME ZONE %(tz)s)::date, 0, 1
    FROM cases_case WHERE closed_at >= %(trend)s
) t GROUP BY w ORDER BY w
"""

# Volunteer activity as per-volunteer probes of the (user, time) indexes (faster
# than joining pre-grouped counts once those indexes exist; measured with EXPLAIN ANALYZE).
TREND = """
SELECT week, sum(filed)::int, sum(closed)::int FROM cases_casetrendweek
WHERE week >= %(trend_day)s GROUP BY week HAVING sum(filed) <> 0 OR sum(closed) <> 0
"""

VOLUNTEERS = """
SELECT k.kecamatan_id, count(*)::int,
       count(*) FILTER (WHERE {active})::int,
       coalesce(sum((SELECT count(*) FROM cases_case c WHERE c.reported_by_id = v.user_id
                     AND c.created_at >= %(start)s AND c.created_at < %(end)s)), 0)::int,
       coalesce(sum((SELECT count(*) FROM cases_visit vi WHERE vi.volunteer_id = v.user_id
                     AND vi.visited_on BETWEEN %(start_day)s AND %(end_day)s)), 0)::int
FROM volunteers_volunteer v
JOIN volunteers_kelurahan k ON k.id = v.kelurahan_id
WHERE v.status = 'active'
GROUP BY k.kecamatan_id
"""


def _volunteers_sql() -> str:
    """VOLUNTEERS with the app's one "active" rule (cases.selectors.caseload.case_active_sql:
    the volunteer filed a case, wrote an event or logged a visit since %(active)s)."""
    from cases.selectors.caseload import case_active_sql

    active, _cutoffs = case_active_sql("v.user_id", dt.datetime.now(dt.UTC))
    return VOLUNTEERS.replace("{active}", active.replace("%s", "%(active)s"))


def params(now: dt.datetime, start_day: dt.date, end_day: dt.date) -> dict[str, Any]:
    """The same moments reports/dashboard.py derives (local WITA days and weeks)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(WITA)
    local = now.astimezone(tz)
    week = dt.datetime.combine(
        local.date() - dt.timedelta(days=local.weekday()), dt.time.min, tzinfo=tz
    )
    month = dt.datetime.combine(local.date().replace(day=1), dt.time.min, tzinfo=tz)
    return {
        "now": now,
        "start": dt.datetime.combine(start_day, dt.time.min, tzinfo=tz),
        "end": dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        "start_day": start_day,
        "end_day": end_day,
        "open": OPEN,
        "week": week,
        "month": month,
        "earliest": min(week, month),
        "trend": week - dt.timedelta(weeks=51),
        "trend_day": (week - dt.timedelta(weeks=51)).date(),
        "tz": WITA,
        "active": now - dt.timedelta(days=30),
    }


def numbers(
    conn: psycopg.Connection, p: dict[str, Any], *, raw_trend: bool = False
) -> dict[str, Any]:
    """Every figure of the default dashboard, from four statements."""
    out: dict[str, Any] = {"by_status": {}, "sla": {}, "overdue": {}, "open": 0}
    total = due = met = 0
    by_prio: dict[str, list[int]] = {}
    by_cat: dict[int, int] = {}
    by_kel: dict[int, int] = {}
    for status, cat, kel, prio, n, d, m, med_resp, med_res in conn.execute(PERIOD, p):
        if status is None:
            out["median_response_hours"] = round(med_resp / 3600, 1) if med_resp else None
            out["median_resolution_days"] = round(med_res / 86400, 1) if med_res else None
            continue
        total += n
        due += d
        met += m
        out["by_status"][status] = out["by_status"].get(status, 0) + n
        by_cat[cat] = by_cat.get(cat, 0) + n
        by_kel[kel] = by_kel.get(kel, 0) + n
        acc = by_prio.setdefault(prio, [0, 0])
        acc[0] += d
        acc[1] += m
    out["total"] = total
    out["sla"] = {k: tuple(v) for k, v in by_prio.items()} | {"all": (due, met)}
    out["by_category"] = by_cat
    out["by_kelurahan"] = by_kel
    week = month = 0
    for prio, open_n, overdue, w, m in conn.execute(NOW, p):
        out["open"] += open_n
        out["overdue"][prio] = overdue
        week += w
        month += m
    out["new_this_week"], out["new_this_month"] = week, month
    out["trend"] = {w: (f, c) for w, f, c in conn.execute(TREND_RAW if raw_trend else TREND, p)}
    out["volunteers"] = {r[0]: tuple(r[1:]) for r in conn.execute(_volunteers_sql(), p)}
    return out


def compare(mine: dict[str, Any], board: Any) -> list[str]:
    """Differences between these numbers and the app's Dashboard (empty: identical)."""
    diffs = []

    def check(name: str, a: Any, b: Any) -> None:
        if a != b:
            diffs.append(f"{name}: hand SQL {a!r} != dashboard {b!r}")

    check("total", mine["total"], board.total)
    check("by_status", mine["by_status"], {k: v for k, v in board.by_status.items() if v})
    check("median_response_hours", mine.get("median_response_hours"), board.median_response_hours)
    check(
        "median_resolution_days", mine.get("median_resolution_days"), board.median_resolution_days
    )
    check(
        "sla",
        {k: v for k, v in mine["sla"].items()},
        {k: (v["due"], v["met"]) for k, v in board.sla.items() if v["due"] or k in mine["sla"]},
    )
    check("open", mine["open"], board.open_now)
    check(
        "overdue",
        mine["overdue"],
        {k: v for k, v in board.overdue_now.items() if k in mine["overdue"]},
    )
    check("new_this_week", mine["new_this_week"], board.new_this_week)
    check("new_this_month", mine["new_this_month"], board.new_this_month)
    check(
        "by_kelurahan", mine["by_kelurahan"], {r.id: r.count for r in board.by_kelurahan if r.count}
    )
    check("trend", mine["trend"], {w: (f, c) for w, f, c in board.trend if f or c})
    vols = {
        r["kecamatan"]: (r["volunteers"], r["active_30d"], r["cases_filed"], r["visits"])
        for r in board.volunteers
    }
    check(
        "volunteers", sorted(mine["volunteers"].values()), sorted(v for v in vols.values() if v[0])
    )
    return diffs
