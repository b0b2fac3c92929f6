"""Every number on the dashboard against a small office computed by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Category
from cases.services import case_assign, case_transition, visit_log
from reports.dashboard import DashboardFilter, dashboard_numbers
from tests.cases_support import file_case, kelurahan

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=WITA)  # a Wednesday


def at(day: int, hour: int, minute: int = 0, month: int = 11):
    return time_machine.travel(dt.datetime(2026, month, day, hour, minute, tzinfo=WITA), tick=False)


@pytest.fixture
def office(relawan_alalak, relawan_kuin, petugas, kabid):
    lansia = Category.objects.get(code="PPKS-08")  # default priority high
    rtlh = Category.objects.get(code="RTLH")  # normal
    miskin = Category.objects.get(code="PPKS-24")  # normal
    cases = {}
    with at(1, 9, month=9):  # D: outside the 30-day period, rejected next day
        cases["D"] = file_case(relawan_kuin, category=miskin)
    with at(2, 9, month=9):
        case_transition(case=cases["D"], to_status="rejected", actor=petugas, reason="Ganda")
    with at(10, 8):  # B: never answered -> overdue since 13 Nov
        cases["B"] = file_case(relawan_kuin, category=rtlh)
    with at(20, 9):  # A: Friday; answered after 2 h; resolved after 4 days; closed
        cases["A"] = file_case(relawan_alalak, category=lansia)
    with at(20, 11):
        case_transition(case=cases["A"], to_status="verified", actor=petugas)
        case_assign(case=cases["A"], assignee=relawan_alalak, actor=petugas)
    with at(21, 8):
        case_transition(case=cases["A"], to_status="in_progress", actor=relawan_alalak)
    with at(22, 10):
        visit_log(
            case=cases["A"],
            actor=relawan_alalak,
            visited_on=dt.date(2026, 11, 22),
            findings="Rumah dikunjungi, lansia sehat.",
        )
    with at(24, 9):
        case_transition(
            case=cases["A"], to_status="resolved", actor=relawan_alalak, note="Sembako diterima"
        )
    with at(24, 10):
        case_transition(case=cases["A"], to_status="closed", actor=kabid, note="Selesai")
    with at(24, 9):  # E: filed in Alalak Utara, later moved to Kuin Cerucuk; due 27 Nov
        cases["E"] = file_case(relawan_alalak, category=miskin)
    Case.objects.filter(pk=cases["E"].pk).update(kelurahan=kelurahan("Kuin Cerucuk"))
    with at(25, 9):  # C: emergency, answered after 36 minutes
        cases["C"] = file_case(relawan_alalak, category=lansia, priority="emergency")
    with at(25, 9, 36):
        case_transition(case=cases["C"], to_status="verified", actor=petugas)
    return cases


def numbers(**kw):
    with time_machine.travel(NOW, tick=False):
        return dashboard_numbers(DashboardFilter.last_days(30, **kw), now=NOW)


def test_every_number_against_the_hand_computed_office(office):
    board = numbers()
    assert board.total == 4  # A, B, C, E (D is older than 30 days)
    assert {k: v for k, v in board.by_status.items() if v} == {"closed": 1, "new": 2, "verified": 1}
    kecamatan = dict(board.by_kecamatan)
    assert kecamatan == {
        "Banjarmasin Barat": 2,
        "Banjarmasin Selatan": 0,
        "Banjarmasin Tengah": 0,
        "Banjarmasin Timur": 0,
        "Banjarmasin Utara": 2,
    }
    kel = {r.name: r.count for r in board.by_kelurahan}
    assert len(kel) == 52 and sum(kel.values()) == 4
    assert kel["Alalak Utara"] == 2 and kel["Kuin Cerucuk"] == 2  # E counts where it is now
    assert dict(board.by_category) == {
        "Lanjut Usia Terlantar": 2,
        "Rumah Tidak Layak Huni (bedah rumah)": 1,
        "Fakir Miskin": 1,
    }
    assert board.sla["all"] == {"due": 3, "met": 2, "percent": 66.7}
    assert board.sla["high"] == {"due": 1, "met": 1, "percent": 100.0}
    assert board.sla["normal"] == {"due": 1, "met": 0, "percent": 0.0}
    assert board.sla["emergency"] == {"due": 1, "met": 1, "percent": 100.0}
    assert board.sla["low"] == {"due": 0, "met": 0, "percent": None}
    assert board.median_response_hours == 1.3  # median of 2 h and 0.6 h
    assert board.median_resolution_days == 4.0
    assert board.open_now == 3  # B, C, E
    assert board.overdue_now == {"emergency": 0, "high": 0, "normal": 1, "low": 0}
    assert board.new_this_week == 2  # C, E (the week starts on Monday 23 Nov)
    assert board.new_this_month == 4
    trend = {w: (f, c) for w, f, c in board.trend}
    assert len(board.trend) == 52
    assert trend[dt.date(2026, 11, 23)] == (2, 1)  # C, E filed; A closed
    assert trend[dt.date(2026, 11, 16)] == (1, 0)  # A
    assert trend[dt.date(2026, 11, 9)] == (1, 0)  # B
    assert trend[dt.date(2026, 8, 31)] == (1, 0)  # D
    assert sum(f for f, _c in trend.values()) == 5
    volunteers = {r["kecamatan"]: r for r in board.volunteers}
    assert volunteers["Banjarmasin Utara"] == {
        "kecamatan": "Banjarmasin Utara",
        "volunteers": 1,
        "active_30d": 1,
        "cases_filed": 3,
        "visits": 1,
    }
    assert volunteers["Banjarmasin Barat"]["cases_filed"] == 1
    assert volunteers["Banjarmasin Barat"]["active_30d"] == 1
    assert volunteers["Banjarmasin Timur"]["volunteers"] == 0


def test_filters_by_kecamatan_and_category(office):
    utara = kelurahan("Alalak Utara").kecamatan_id
    board = numbers(kecamatan_id=utara)
    assert board.total == 2 and board.open_now == 1  # A, C; open: C
    assert [r.name for r in board.by_kelurahan if r.count] == ["Alalak Utara"]
    assert all(r.kecamatan == "Banjarmasin Utara" for r in board.by_kelurahan)
    rtlh = Category.objects.get(code="RTLH").pk
    board = numbers(category_id=rtlh)
    assert board.total == 1 and board.sla["all"]["due"] == 1
    assert board.overdue_now["normal"] == 1


def test_an_empty_office_shows_zeros_not_errors(db):
    board = numbers()
    assert board.total == 0 and board.open_now == 0
    assert board.median_response_hours is None
    assert board.sla["all"]["percent"] is None
    assert all(r.count == 0 for r in board.by_kelurahan)


def test_dashboard_page_shows_the_numbers(login, kabid, office):
    with time_machine.travel(NOW, tick=False):
        html = login(kabid).get(reverse("reports:dashboard")).content.decode()
    assert 'data-stat="total">4<' in html
    assert 'data-stat="open_now">3<' in html
    assert 'data-sla="all">66,7<' in html  # Indonesian decimal comma
    assert 'data-kelurahan="Kuin Cerucuk">2<' in html
    assert "chart.umd.min.js" in html


def test_dashboard_is_for_officers_only(login, relawan_alalak, petugas):
    assert login(relawan_alalak).get(reverse("reports:dashboard")).status_code == 403
    assert login(petugas).get(reverse("reports:dashboard")).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"period": "custom", "start": "2026-12-01", "end": "2026-11-01"},
        {"period": "custom"},
        {"period": "bogus"},
        {"kecamatan": "abc"},
        {"period": "custom", "start": "1900-01-01", "end": "2026-01-01"},
    ],
)
def test_bad_filters_give_a_message_not_an_error(login, kabid, params):
    response = login(kabid).get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_dashboard_runs_a_constant_number_of_queries(login, kabid, office, relawan_alalak):
    client = login(kabid)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    client.get(reverse("reports:dashboard"))
    before = count()
    for _ in range(10):
        file_case(relawan_alalak)
    assert count() == before <= 12


def test_dashboard_filter_keeps_the_chosen_kecamatan_selected(login, kabid):
    from volunteers.models import Kecamatan

    k = Kecamatan.objects.get(name="Banjarmasin Utara")
    html = login(kabid).get(reverse("reports:dashboard"), {"kecamatan": k.pk}).content.decode()
    assert f'<option value="{k.pk}" selected>Banjarmasin Utara</option>' in html


def test_the_computed_time_names_the_sites_own_zone(login, kabid, settings):
    # No region in the template: the zone is the site's, by its own abbreviation.
    with time_machine.travel(NOW, tick=False):
        html = login(kabid).get(reverse("reports:dashboard")).content.decode()
    assert "dihitung 25-11-2026 10:00 WITA" in html
    settings.TIME_ZONE = "Asia/Jakarta"  # a Dinsos in Java
    with time_machine.travel(NOW, tick=False):
        html = login(kabid).get(reverse("reports:dashboard")).content.decode()
    assert "dihitung 25-11-2026 09:00 WIB" in html
