"""The supervisors' whole access log (issue 13, item 9): filter by who, case and days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from psm.accesslog.models import AccessEntry
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db
URL = reverse("cases:access_log")


def _rows(page: str) -> int:
    return page.count("<tr data-access=")


def test_supervisor_filters_the_whole_log_by_person_case_and_day(
    login, kabid, petugas, relawan_alalak
):
    first = file_case(relawan_alalak)
    second = file_case(relawan_alalak)
    login(petugas).get(first.get_absolute_url())
    login(petugas).get(reverse("cases:print", args=[first.reference]))
    login(relawan_alalak).get(second.get_absolute_url())
    old = AccessEntry.objects.create(
        user=relawan_alalak,
        kind=AccessEntry.Kind.CASE,
        object_id=first.pk,
        path=first.get_absolute_url(),
        at=timezone.now() - dt.timedelta(days=40),
    )
    client = login(kabid)

    everything = client.get(URL).content.decode()
    assert _rows(everything) == 4

    by_person = client.get(URL, {"who": "petugas"}).content.decode()
    assert _rows(by_person) == 2 and "Petugas Dinsos" in by_person

    by_case = client.get(URL, {"case": first.reference.lower()}).content.decode()
    assert _rows(by_case) == 3  # the case page, its print view, the old visit
    assert second.get_absolute_url() not in by_case

    today = timezone.localdate().isoformat()
    by_day = client.get(URL, {"case": first.reference, "start": today, "end": today})
    assert _rows(by_day.content.decode()) == 2
    assert old.path in everything

    nothing = client.get(URL, {"who": "petugas", "case": second.reference}).content.decode()
    assert 'data-testid="access-log-empty"' in nothing and "Tidak ada catatan" in nothing


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-31"}, "Masukkan tanggal yang valid."),
        ({"start": "2026-12-01", "end": "2026-11-01"}, "Tanggal akhir sebelum tanggal awal."),
        ({"start": "1800-01-01"}, "Pilih tanggal antara 2000 dan 2100."),
        ({"case": "BJM-1999-999999"}, "Tidak ada kasus dengan nomor ini."),
        ({"who": "nobody-like-this"}, "Tidak ada pengguna"),
    ],
)
def test_a_wrong_filter_is_said_in_indonesian_and_kept_as_typed(login, kabid, params, message):
    response = login(kabid).get(URL, params)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Saringan ada yang salah" in page and "<tr data-access=" not in page
    for value in params.values():
        assert f'value="{value}"' in page


def test_the_log_pages_keep_the_filter(login, kabid, petugas):
    for _i in range(55):
        AccessEntry.objects.create(user=petugas, kind=AccessEntry.Kind.EXPORT, path="/reports/")
    page = login(kabid).get(URL, {"who": "petugas"}).content.decode()
    assert _rows(page) == 50
    assert "?who=petugas&amp;page=2" in page
    second = login(kabid).get(URL, {"who": "petugas", "page": 2}).content.decode()
    assert _rows(second) == 5


def test_staff_and_volunteers_may_not_read_the_whole_log(login, petugas, relawan_alalak):
    assert login(petugas).get(URL).status_code == 403
    assert login(relawan_alalak).get(URL).status_code == 403


# NUL, a 100,000-character value, a lone surrogate (as the browser would send its bytes),
# Arabic-Indic digits
@pytest.mark.parametrize("value", ["%00", "x" * 100_000, "%ED%A0%80", "%D9%A1%D9%A2"])
def test_bad_characters_in_any_filter_field_give_no_500(login, kabid, value):
    client = login(kabid)
    for field in ("who", "case", "start", "end", "page"):
        assert client.get(f"{URL}?{field}={value}").status_code in (200, 400), field


def test_the_access_log_finds_a_case_by_its_short_reference(login, kabid, relawan_alalak):
    # bjm-2026-123, as the case list takes it: the same rule (cases.services.reference).
    case = file_case(relawan_alalak)
    prefix, year, number = case.reference.split("-")
    short = f"{prefix.lower()}-{year}-{int(number)}"
    response = login(kabid).get(reverse("cases:access_log"), {"case": short})
    assert response.status_code == 200
    assert "No case with this reference" not in response.content.decode()
    assert "Tidak ada kasus dengan nomor ini" not in response.content.decode()
