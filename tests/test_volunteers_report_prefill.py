"""The activity report's "cases handled" is pre-filled from the case timeline of the month
(Asia/Makassar month boundaries): distinct cases the volunteer acted on, visited or filed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Visit
from tests.cases_support import file_case
from volunteers.selectors import last_month
from volunteers.services import activity_report_cases_handled_prefill

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
OCTOBER = dt.date(2026, 10, 1)


def wita(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WITA)


def _note(case: Case, actor, at: dt.datetime) -> None:
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, actor=actor, created_at=at)


@pytest.fixture
def october(relawan_alalak, petugas):
    """Eight cases filed by the officer in June; what relawan_alalak did to them is set by
    hand around October 2026 (WITA), several rows just outside the month."""
    june = wita(2026, 6, 1, 9)
    cases = [file_case(petugas, kel="Alalak Utara", created_at=june) for _ in range(8)]
    CaseEvent.objects.update(created_at=june)
    a, b, c, d, e, f, g, h = cases
    # a: filed by them at 00:30 on 1 October WITA (still 30 September in UTC) -> counts.
    Case.objects.filter(pk=a.pk).update(
        reported_by=relawan_alalak, created_at=wita(2026, 10, 1, 0, 30)
    )
    _note(a, relawan_alalak, wita(2026, 10, 2, 8))  # the same case again: counted once
    # b: two notes by them late on 31 October WITA -> counts once.
    _note(b, relawan_alalak, wita(2026, 10, 31, 23, 30))
    _note(b, relawan_alalak, wita(2026, 10, 5, 10))
    # c: a note at 00:10 on 1 November WITA (31 October in UTC) -> outside.
    _note(c, relawan_alalak, wita(2026, 11, 1, 0, 10))
    # d: a note at 23:50 on 30 September WITA -> outside.
    _note(d, relawan_alalak, wita(2026, 9, 30, 23, 50))
    # e: a visit they made on 15 October -> counts.
    Visit.objects.create(
        case=e, volunteer=relawan_alalak, visited_on=dt.date(2026, 10, 15), findings="x"
    )
    # f: visits on 30 September and 1 November -> outside.
    Visit.objects.create(
        case=f, volunteer=relawan_alalak, visited_on=dt.date(2026, 9, 30), findings="x"
    )
    Visit.objects.create(
        case=f, volunteer=relawan_alalak, visited_on=dt.date(2026, 11, 1), findings="x"
    )
    # g: filed by them at midnight starting November WITA -> outside.
    Case.objects.filter(pk=g.pk).update(reported_by=relawan_alalak, created_at=wita(2026, 11, 1))
    # h: only the officer acted on it in October (and visited it) -> not theirs.
    _note(h, petugas, wita(2026, 10, 10, 10))
    Visit.objects.create(case=h, volunteer=petugas, visited_on=dt.date(2026, 10, 11), findings="x")
    return {"a": a, "b": b, "e": e}


def test_cases_handled_counts_distinct_cases_acted_on_visited_or_filed_in_the_wita_month(
    relawan_alalak, october
):
    assert (
        activity_report_cases_handled_prefill(volunteer=relawan_alalak.volunteer, month=OCTOBER)
        == 3
    )
    # Any day of the month names the month.
    assert (
        activity_report_cases_handled_prefill(
            volunteer=relawan_alalak.volunteer, month=dt.date(2026, 10, 20)
        )
        == 3
    )
    # September holds d and f's first visit; November holds c, f's second visit and g.
    assert (
        activity_report_cases_handled_prefill(
            volunteer=relawan_alalak.volunteer, month=dt.date(2026, 9, 1)
        )
        == 2
    )
    assert (
        activity_report_cases_handled_prefill(
            volunteer=relawan_alalak.volunteer, month=dt.date(2026, 11, 1)
        )
        == 3
    )


def test_cases_handled_does_not_depend_on_the_process_time_zone(settings, relawan_alalak, october):
    settings.TIME_ZONE = "UTC"
    assert (
        activity_report_cases_handled_prefill(volunteer=relawan_alalak.volunteer, month=OCTOBER)
        == 3
    )


def test_a_volunteer_with_no_case_activity_handled_zero(relawan_kuin, october):
    assert (
        activity_report_cases_handled_prefill(volunteer=relawan_kuin.volunteer, month=OCTOBER) == 0
    )


def test_new_report_form_is_prefilled_for_last_month(login, relawan_alalak):
    month = last_month()
    inside = dt.datetime.combine(month + dt.timedelta(days=3), dt.time(10), tzinfo=WITA)
    case = file_case(relawan_alalak, created_at=inside)
    CaseEvent.objects.filter(case=case).update(created_at=inside)
    file_case(relawan_alalak)  # this month: not in last month's report
    response = login(relawan_alalak).get(reverse("volunteers:report_create"))
    assert response.context["form"].initial["cases_handled"] == 1
    assert timezone.localdate() > month
