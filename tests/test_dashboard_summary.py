"""The weekly trend summary (CaseTrendWeek) stays equal to counting the cases themselves,
whatever writes them: intake, transitions, a kelurahan or category change, bulk updates,
deletes and COPY."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseTrendWeek, Category
from cases.services import case_assign, case_set_category, case_transition
from cases.services.bulk import cases_bulk_apply
from reports.dashboard import DashboardFilter, dashboard_numbers
from tests.cases_support import file_case, kelurahan

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def week_of(moment: dt.datetime) -> dt.date:
    day = moment.astimezone(WITA).date()
    return day - dt.timedelta(days=day.weekday())


def counted_from_cases() -> dict[tuple[dt.date, int, int], tuple[int, int]]:
    filed: Counter[tuple[dt.date, int, int]] = Counter()
    closed: Counter[tuple[dt.date, int, int]] = Counter()
    for created, closed_at, kel, cat in Case.objects.values_list(
        "created_at", "closed_at", "kelurahan_id", "category_id"
    ):
        filed[(week_of(created), kel, cat)] += 1
        if closed_at:
            closed[(week_of(closed_at), kel, cat)] += 1
    return {k: (filed[k], closed[k]) for k in filed.keys() | closed.keys()}


def summary() -> dict[tuple[dt.date, int, int], tuple[int, int]]:
    return {
        (w, kel, cat): (f, c)
        for w, kel, cat, f, c in CaseTrendWeek.objects.values_list(
            "week", "kelurahan_id", "category_id", "filed", "closed"
        )
        if f or c
    }


def at(day: int, hour: int, month: int = 11):
    return time_machine.travel(dt.datetime(2026, month, day, hour, tzinfo=WITA), tick=False)


def test_summary_follows_intake_transitions_moves_and_bulk_updates(
    relawan_alalak, relawan_kuin, petugas, kabid
):
    with at(1, 23, month=11):  # Sunday 23:00 WITA = Sunday 15:00 UTC: the week is local
        sunday = file_case(relawan_kuin)
    with at(2, 7):
        monday = file_case(relawan_alalak)
        other = file_case(relawan_alalak)
    assert summary() == counted_from_cases()
    assert summary()[(dt.date(2026, 10, 26), sunday.kelurahan_id, sunday.category_id)] == (1, 0)

    with at(3, 9):
        case_transition(case=monday, to_status="verified", actor=petugas)
        case_assign(case=monday, assignee=relawan_alalak, actor=petugas)
        case_transition(case=monday, to_status="in_progress", actor=relawan_alalak)
        case_transition(case=monday, to_status="resolved", actor=relawan_alalak, note="Selesai")
    with at(10, 9):  # closed the following week
        case_transition(case=monday, to_status="closed", actor=kabid, note="Selesai")
    assert summary() == counted_from_cases()
    with at(11, 9):  # reopened: no longer closed
        case_transition(case=monday, to_status="in_progress", actor=kabid, note="Buka lagi")
    assert summary() == counted_from_cases()

    # Moved to another kelurahan and category (single-row and bulk paths).
    Case.objects.filter(pk=sunday.pk).update(kelurahan=kelurahan("Kuin Cerucuk"))
    rtlh = Category.objects.get(code="RTLH")
    case_set_category(case=other, category=rtlh, actor=petugas)
    cases_bulk_apply(
        cases=Case.objects.filter(pk__in=[sunday.pk, other.pk]),
        action="category",
        category=Category.objects.get(code="PPKS-24"),
        actor=petugas,
    )
    Case.objects.update(closed_at=timezone.now())  # bulk close time for every case
    Case.objects.filter(pk=other.pk).update(created_at=dt.datetime(2025, 1, 6, tzinfo=WITA))
    assert summary() == counted_from_cases()

    Case.objects.filter(pk=other.pk).delete()
    assert summary() == counted_from_cases()


def test_summary_counts_rows_loaded_with_copy(relawan_alalak):
    template = file_case(relawan_alalak)
    columns = [
        f.column
        for f in Case._meta.concrete_fields
        if f.column not in ("id", "reference", "idempotency_key")
    ]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM cases_case WHERE id = %s", [template.pk])  # noqa: S608
        row = list(cur.fetchone())
        with cur.copy(  # type: ignore[attr-defined]
            f"COPY cases_case ({', '.join(columns)}, reference, idempotency_key) FROM STDIN"
        ) as copy:
            for i in range(3):
                copy.write_row([*row, f"BJM-COPY-{i}", uuid.uuid4()])
    assert Case.objects.count() == 4
    assert summary() == counted_from_cases()


def test_dashboard_trend_equals_counting_the_cases(relawan_alalak, petugas, kabid):
    now = dt.datetime(2026, 11, 25, 10, tzinfo=WITA)
    for month, day in [(1, 5), (6, 30), (11, 23), (11, 24)]:
        with at(day, 9, month=month):
            case = file_case(relawan_alalak)
            case_transition(case=case, to_status="rejected", actor=petugas, reason="Ganda")
    with time_machine.travel(now, tick=False):
        board = dashboard_numbers(DashboardFilter.last_days(30), now=now)
    expected: Counter[dt.date] = Counter()
    for created in Case.objects.values_list("created_at", flat=True):
        expected[week_of(created)] += 1
    trend = {w: f for w, f, _c in board.trend if f}
    assert trend == {w: n for w, n in expected.items() if w >= board.trend[0][0]}
    assert len(trend) == 3  # January 2026 is older than 52 weeks
