"""Input no form expects gives a clear answer, never a 500, and changes nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Priority, SlaPolicy, SlaUnit
from reports.models import ExportLog
from tests.cases_support import beneficiary, file_case

pytestmark = pytest.mark.django_db
PURPOSE = "Laporan bulanan untuk Kepala Dinas"


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("cases:list", {"assignee": "\x00"}),
        ("cases:triage", {"assignee": "relawan\x00", "q": "Siti\x00"}),
        ("cases:assignee_search", {"q": "\x00"}),
    ],
)
def test_a_nul_character_in_a_filter_matches_nothing(login, petugas, relawan_alalak, url, params):
    """PostgreSQL text cannot hold NUL: the filters treat it as matching nobody."""
    file_case(relawan_alalak)
    client = login(petugas)
    response = client.get(reverse(url), params)
    assert response.status_code == 200
    if url == "cases:assignee_search":
        # People suggestions drop the NUL: "\x00" is the empty search, "relawan\x00" is
        # "relawan" (a 200 alone would not tell).
        assert response.context["people"] == client.get(reverse(url), {"q": ""}).context["people"]
        found = client.get(reverse(url), {"q": "relawan\x00"}).context["people"]
        assert [u for u, _label in found] == ["relawan_alalak"]
    else:
        assert list(response.context["page"].object_list) == []
        assert len(client.get(reverse(url)).context["page"].object_list) == 1


def test_a_nul_character_in_an_export_filter_is_logged_without_it(login, kabid):
    url = reverse("reports:export_cases") + "?sort=%00&priority=high"
    response = login(kabid).post(url, {"format": "csv", "purpose": PURPOSE})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert ExportLog.objects.get().filters == {"priority": ["high"], "sort": [""]}


def test_a_digit_that_is_no_number_is_no_assignee(login, petugas, relawan_alalak):
    file_case(relawan_alalak)
    response = login(petugas).get(reverse("cases:list"), {"assignee": "²"})
    assert response.status_code == 200
    assert not response.context["page"].object_list


def test_a_control_character_in_a_name_does_not_break_the_xlsx_export(login, kabid, relawan_alalak):
    person = beneficiary(name="Siti\x02 Aminah")
    file_case(relawan_alalak, beneficiary=person)
    response = login(kabid).post(
        reverse("reports:export_cases"), {"format": "xlsx", "purpose": PURPOSE}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "Siti Aminah" in [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_dashboard_dates_past_2100_are_a_message(login, kabid):
    response = login(kabid).get(
        reverse("reports:dashboard"),
        {"period": "custom", "start": "9999-12-30", "end": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "Pilih tanggal antara tahun 2000 dan 2100." in response.content.decode()


def test_an_sla_amount_of_years_is_refused():
    policy = SlaPolicy(
        priority=Priority.LOW,
        triage_amount=3_000_000,
        triage_unit=SlaUnit.WORKING_DAYS,
        response_amount=600_000,
        response_unit=SlaUnit.MINUTES,
        resolution_amount=250,
        resolution_unit=SlaUnit.WORKING_DAYS,
    )
    with pytest.raises(ValidationError) as error:
        policy.clean()
    assert set(error.value.message_dict) == {"triage_amount", "response_amount"}


@pytest.mark.parametrize("q", ["\x00", "Siti\x00", "\x00\x00\x00", "Si\x00ti Aminah"])
def test_a_nul_character_in_the_person_search_finds_nobody(login, relawan_alalak, q):
    beneficiary(name="Siti Aminah", kel="Alalak Utara")
    response = login(relawan_alalak).get(reverse("cases:beneficiary_search"), {"q": q})
    assert response.status_code == 200
    assert "Siti Aminah" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/admin/cases/case/?status__exact=new%00", "/admin/volunteers/volunteer/?status__exact=%00"],
)
def test_a_nul_character_in_an_admin_list_filter_is_an_incorrect_lookup(login, admin_user, url):
    response = login(admin_user).get(url)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_a_username_of_100000_characters_on_the_admin_login_is_a_form_error(client):
    response = client.post(reverse("admin:login"), {"username": "a" * 100_000, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_a_periodic_task_name_too_long_is_a_form_error(login, admin_user):
    response = login(admin_user).post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {"name": "Uji", "task": "t" * 300, "interval": "", "enabled": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["task"]


def test_a_next_after_reading_a_notification_is_a_url_never_a_view_name(login, relawan_alalak):
    from psm.notifications.models import Notification

    notification = Notification.objects.create(recipient=relawan_alalak, title="Pengingat")
    response = login(relawan_alalak).post(
        reverse("notifications:read", args=[notification.pk]), {"next": "Siti"}
    )
    assert response.status_code == 302 and response["Location"] == "Siti"
