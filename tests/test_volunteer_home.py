"""The volunteer's home ("/"): my open cases, visits due this week, notifications, my
trainings and a big "Laporkan kasus" button, on one phone screen in constant queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Visit
from cases.services import case_assign, case_transition
from psm.notifications.models import Notification
from tests.cases_support import file_case
from volunteers.services import training_attendance_set, training_create, training_invite

pytestmark = pytest.mark.django_db


def _week() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = today - dt.timedelta(days=today.weekday())
    return start, start + dt.timedelta(days=6)


def _cases_on_page(html: str) -> list[str]:
    return re.findall(r'data-case="(BJM-\d{4}-\d{6})"', html)


@pytest.fixture
def busy(relawan_alalak, relawan_kuin, petugas, admin_user):
    now = timezone.now()
    monday, sunday = _week()
    # Assigned to them and overdue.
    late = file_case(petugas, kel="Alalak Utara")
    case_assign(case=late, assignee=relawan_alalak, actor=petugas)
    Case.objects.filter(pk=late.pk).update(
        first_response_at=None, due_at=now - dt.timedelta(hours=3)
    )
    # Filed by them, due in two days.
    filed = file_case(relawan_alalak)
    Case.objects.filter(pk=filed.pk).update(due_at=now + dt.timedelta(days=2))
    # In their kelurahan but neither theirs nor assigned to them: not on the home page.
    neighbour = file_case(petugas, kel="Alalak Utara")
    # Theirs but resolved.
    done = file_case(relawan_alalak)
    case_assign(case=done, assignee=relawan_alalak, actor=petugas)
    case_transition(case=done, to_status="in_progress", actor=relawan_alalak)
    case_transition(case=done, to_status="resolved", actor=relawan_alalak)
    # Visits: planned by them this Sunday; planned by an officer on their case this Monday;
    # next week and on a resolved case do not show.
    v_sunday = Visit.objects.create(
        case=filed, volunteer=relawan_alalak, visited_on=monday, findings="x", next_visit_on=sunday
    )
    v_monday = Visit.objects.create(
        case=late, volunteer=petugas, visited_on=monday, findings="x", next_visit_on=monday
    )
    Visit.objects.create(
        case=filed,
        volunteer=relawan_alalak,
        visited_on=monday,
        findings="x",
        next_visit_on=sunday + dt.timedelta(days=1),
    )
    Visit.objects.create(
        case=done, volunteer=relawan_alalak, visited_on=monday, findings="x", next_visit_on=sunday
    )
    Visit.objects.create(
        case=neighbour,
        volunteer=relawan_kuin,
        visited_on=monday,
        findings="x",
        next_visit_on=sunday,
    )
    # Notifications: four, the oldest read; another volunteer's does not count.
    for i, read in enumerate([True, False, False, False]):
        Notification.objects.create(
            recipient=relawan_alalak,
            title=f"Pemberitahuan {i}",
            read_at=now if read else None,
            created_at=now - dt.timedelta(hours=10 - i),
        )
    Notification.objects.create(recipient=relawan_kuin, title="Bukan milikmu")
    # Trainings: one coming, one attended, one missed.
    today = timezone.localdate()
    coming = training_create(
        title="Bimtek Lansia",
        starts_on=today + dt.timedelta(days=10),
        venue="Aula Dinsos",
        actor=admin_user,
    )
    past = training_create(
        title="Bimtek Dasar PSM", starts_on=today - dt.timedelta(days=60), actor=admin_user
    )
    missed = training_create(
        title="Bimtek Disabilitas", starts_on=today - dt.timedelta(days=30), actor=admin_user
    )
    for training in (coming, past, missed):
        training_invite(training=training, volunteers=[relawan_alalak.volunteer])
    training_attendance_set(
        participant=past.participants.get(), attendance="attended", certificate_number="SERT/9"
    )
    training_attendance_set(participant=missed.participants.get(), attendance="absent")
    return {
        "late": late,
        "filed": filed,
        "neighbour": neighbour,
        "done": done,
        "visits": [v_monday, v_sunday],
    }


def test_volunteer_home_shows_their_work_for_the_week(login, relawan_alalak, busy):
    response = login(relawan_alalak).get("/")
    html = response.content.decode()
    home = response.context["home"]
    # Cases: theirs only, overdue first, with badges.
    assert _cases_on_page(html) == [busy["late"].reference, busy["filed"].reference]
    assert (home.open_total, home.overdue_total) == (2, 1)
    late_item = html.split(f'data-case="{busy["late"].reference}"')[1].split("</li>")[0]
    assert 'data-badge="overdue"' in late_item and "Terlambat" in late_item
    filed_item = html.split(f'data-case="{busy["filed"].reference}"')[1].split("</li>")[0]
    assert 'data-badge="due"' in filed_item and 'data-badge="overdue"' not in filed_item
    # Visits: this week's, on open cases, theirs or on cases they hold, soonest first.
    assert [v.pk for v in home.visits_due] == [v.pk for v in busy["visits"]]
    # Notifications: unread count and the latest three.
    assert home.unread == 3 and 'data-home-unread="3"' in html
    assert 'data-unread="3"' in html  # the navigation badge agrees
    assert [n.title for n in home.notifications] == [
        "Pemberitahuan 3",
        "Pemberitahuan 2",
        "Pemberitahuan 1",
    ]
    assert "Bukan milikmu" not in html
    # Trainings: upcoming and attended; the missed one is not listed.
    assert [p.training.title for p in home.upcoming_trainings] == ["Bimtek Lansia"]
    assert [p.training.title for p in home.attended_trainings] == ["Bimtek Dasar PSM"]
    assert "SERT/9" in html and "Bimtek Disabilitas" not in html
    # The big button, in Indonesian; no chart library on a phone page.
    assert "Laporkan kasus" in html and reverse("cases:new") in html
    assert "chart" not in html.lower()
    assert html.count("data-empty") == 0


def test_a_visit_on_a_case_of_another_kelurahan_stays_off_the_home_page(login, relawan_kuin, busy):
    """relawan_kuin logged a follow-up on an Alalak Utara case (busy["neighbour"]) that
    their detail page answers 404 for: the home page must not show it either."""
    case = busy["neighbour"]
    client = login(relawan_kuin)
    assert client.get(case.get_absolute_url()).status_code == 404
    response = client.get("/")
    assert response.context["home"].visits_due == []
    assert case.reference not in response.content.decode()


def test_volunteer_home_has_an_empty_state_for_each_block(login, relawan_kuin):
    html = login(relawan_kuin).get("/").content.decode()
    assert html.count("data-empty") == 4
    for text in (
        "Anda tidak punya kasus terbuka.",
        "Tidak ada kunjungan yang dijadwalkan minggu ini.",
        "Belum ada notifikasi.",
        "Belum ada bimtek.",
    ):
        assert text in html
    assert "Laporkan kasus" in html


@pytest.mark.parametrize("persona", ["petugas", "kabid", "admin_user"])
def test_officers_keep_their_own_home(request, login, persona):
    response = login(request.getfixturevalue(persona)).get("/")
    assert "home" not in response.context
    assert "Laporkan kasus" not in response.content.decode()
    assert response.templates[0].name != "home/volunteer.html"


def test_volunteer_home_costs_the_same_queries_at_5_and_50_cases(login, relawan_alalak, petugas):
    client = login(relawan_alalak)
    monday, sunday = _week()

    def add(n: int) -> None:
        for i in range(n):
            case = file_case(relawan_alalak)
            if i % 2:
                case_assign(case=case, assignee=relawan_alalak, actor=petugas)
            Visit.objects.create(
                case=case,
                volunteer=relawan_alalak,
                visited_on=monday,
                findings="x",
                next_visit_on=sunday,
            )
            Notification.objects.create(recipient=relawan_alalak, title=f"N{i}")

    ctx_queries: list = []

    def count() -> tuple[int, object]:
        client.get("/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        assert response.status_code == 200
        ctx_queries[:] = ctx.captured_queries
        return len(ctx.captured_queries), response

    add(5)
    at_five, response = count()
    assert response.context["home"].open_total == 5  # type: ignore[attr-defined]
    add(45)
    at_fifty, response = count()
    assert response.context["home"].open_total == 50  # type: ignore[attr-defined]
    assert at_five == at_fifty <= 12, "\n".join(q["sql"][:200] for q in ctx_queries)


def test_visits_due_merges_both_ways_soonest_first_each_visit_once(
    relawan_alalak, relawan_kuin, petugas
):
    """The home's visits are the soonest HOME_VISITS of those the volunteer logged and of
    those on cases assigned to them, a visit that is both counted once."""
    from cases.selectors.home import HOME_VISITS, volunteer_home

    monday, _sunday = _week()
    mine = file_case(relawan_alalak)  # filed by them, held by no one
    held = file_case(petugas, kel="Alalak Utara")
    case_assign(case=held, assignee=relawan_alalak, actor=petugas)
    expected = []
    for day in range(7):  # one of each way a day, soonest days first
        when = monday + dt.timedelta(days=day)
        expected.append(
            Visit.objects.create(
                case=mine, volunteer=relawan_alalak, visited_on=monday, next_visit_on=when
            )
        )
        expected.append(
            Visit.objects.create(
                case=held, volunteer=petugas, visited_on=monday, next_visit_on=when
            )
        )
    both = Visit.objects.create(
        case=held, volunteer=relawan_alalak, visited_on=monday, next_visit_on=monday
    )
    Visit.objects.create(  # another volunteer's, on a case that is not theirs: never shown
        case=file_case(relawan_kuin),
        volunteer=relawan_kuin,
        visited_on=monday,
        next_visit_on=monday,
    )
    shown = volunteer_home(user=relawan_alalak).visits_due
    assert len(shown) == HOME_VISITS
    assert len({v.pk for v in shown}) == HOME_VISITS
    days = [v.next_visit_on for v in shown if v.next_visit_on is not None]
    assert len(days) == HOME_VISITS and days == sorted(days)
    assert {v.pk for v in shown} <= {v.pk for v in [*expected, both]}
    # The first days' visits of both ways are all there, the one that is both once.
    assert {v.pk for v in shown if v.next_visit_on == monday} == {
        expected[0].pk,
        expected[1].pk,
        both.pk,
    }
    assert days[-1] <= monday + dt.timedelta(days=4)
