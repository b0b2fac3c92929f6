"""One meaning of a volunteer's "last case activity" (issue 13, item 3): the latest time the
volunteer themself acted on a case (filed it, wrote an event, logged a visit). The roster, the
volunteer page, the 30-day inactivity reminder and the dashboard's active count all use it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import CaseEvent
from cases.reminders import inactive_volunteers
from cases.services import case_add_note, case_transition, visit_log
from reports.dashboard import DashboardFilter, dashboard_numbers
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=WITA)
A_YEAR_AGO = dt.datetime(2025, 11, 20, 9, 0, tzinfo=WITA)
LAST_WEEK = dt.datetime(2026, 11, 25, 11, 0, tzinfo=WITA)
YESTERDAY = dt.datetime(2026, 11, 30, 15, 30, tzinfo=WITA)


def at(when: dt.datetime):
    return time_machine.travel(when, tick=False)


def roster_row(client, user):
    response = client.get(reverse("volunteers:list"))
    return next(v for v in response.context["page"].rows if v.user_id == user.pk)


def reminded(user) -> bool:
    return any(
        spec.subject_key == f"volunteer:{user.volunteer.pk}"
        for spec in inactive_volunteers(now=NOW)
    )


def active_in(kecamatan: str) -> int:
    board = dashboard_numbers(DashboardFilter.last_days(30), now=NOW)
    return next(r["active_30d"] for r in board.volunteers if r["kecamatan"] == kecamatan)


def test_an_event_yesterday_and_an_old_case_show_yesterday_everywhere(
    login, relawan_alalak, petugas, kabid
):
    with at(A_YEAR_AGO):
        file_case(relawan_alalak)  # their own old case
    with at(LAST_WEEK):
        other = file_case(petugas, kel="Alalak Utara")  # filed by the office in their area
    with at(YESTERDAY):
        case_add_note(case=other, actor=relawan_alalak, note="Sudah saya kunjungi.")
    with at(NOW):
        client = login(petugas)
        assert roster_row(client, relawan_alalak).last_case_activity == YESTERDAY
        detail = client.get(reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk]))
        assert "30 November 2026 15:30" in detail.content.decode()
        assert not reminded(relawan_alalak)
        assert active_in("Banjarmasin Utara") == 1


def test_what_others_do_on_their_case_is_not_their_activity(login, relawan_alalak, petugas, kabid):
    with at(A_YEAR_AGO):
        case = file_case(relawan_alalak)
    with at(LAST_WEEK):
        case_transition(case=case, to_status="verified", actor=petugas)
    with at(NOW):
        assert roster_row(login(petugas), relawan_alalak).last_case_activity == A_YEAR_AGO
        assert reminded(relawan_alalak)
        assert active_in("Banjarmasin Utara") == 0


@pytest.mark.parametrize("action", ["filed", "visit"])
def test_a_case_or_visit_without_a_timeline_event_still_counts(
    login, relawan_alalak, petugas, kabid, action
):
    """Imported or migrated records may lack their timeline event: the record itself counts."""
    with at(A_YEAR_AGO):
        case = file_case(relawan_alalak)
    with at(YESTERDAY):
        if action == "filed":
            file_case(relawan_alalak)
        else:
            visit_log(
                case=case,
                actor=relawan_alalak,
                visited_on=YESTERDAY.date(),
                findings="Rumah kosong, tetangga bilang pindah.",
            )
    CaseEvent.objects.filter(created_at__gte=YESTERDAY).delete()
    with at(NOW):
        assert roster_row(login(petugas), relawan_alalak).last_case_activity == YESTERDAY
        assert not reminded(relawan_alalak)
        assert active_in("Banjarmasin Utara") == 1


def test_a_volunteer_who_never_acted_shows_nothing(login, relawan_kuin, petugas):
    assert roster_row(login(petugas), relawan_kuin).last_case_activity is None
