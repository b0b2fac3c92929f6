"""The kelurahan and category lists are read once per process (psm.cachedlists), and an
admin's change to them shows on the next page at once."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Category
from cases.selectors.categories import categories
from psm import cachedlists
from psm.cachedlists import MAX_AGE_SECONDS, Choices
from tests.cases_support import file_case, kelurahan
from volunteers.models import Kecamatan
from volunteers.selectors import areas

pytestmark = pytest.mark.django_db


def _reads(captured, table: str) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in captured.captured_queries)


def test_case_list_reads_the_reference_lists_once(login, petugas):
    client = login(petugas)
    assert client.get(reverse("cases:list")).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:triage")).status_code == 200
    assert _reads(captured, "cases_category") == 0
    assert _reads(captured, "volunteers_kelurahan") == 0


def test_new_category_is_offered_at_once(login, petugas):
    client = login(petugas)
    assert "Korban banjir rob" not in client.get(reverse("cases:list")).content.decode()
    Category.objects.create(code="rob", name="Korban banjir rob")
    html = client.get(reverse("cases:triage")).content.decode()
    assert html.count("Korban banjir rob") == 2  # the filter and the bulk form


def test_deactivated_category_leaves_the_bulk_form_at_once(login, petugas):
    client = login(petugas)
    client.get(reverse("cases:triage"))
    rob = Category.objects.create(code="rob", name="Korban banjir rob")
    assert client.get(reverse("cases:triage")).content.decode().count("Korban banjir rob") == 2
    rob.is_active = False
    rob.save()
    html = client.get(reverse("cases:triage")).content.decode()
    assert html.count("Korban banjir rob") == 1  # still a filter: old cases keep it
    rob.delete()
    assert "Korban banjir rob" not in client.get(reverse("cases:triage")).content.decode()


def test_renamed_kelurahan_shows_at_once_in_the_rows_and_the_filter(login, petugas):
    case = file_case(petugas, kel="Alalak Utara")
    client = login(petugas)
    assert "Alalak Utara" in client.get(reverse("cases:list")).content.decode()
    area = kelurahan("Alalak Utara")
    area.name = "Alalak Utara Baru"
    area.save()
    html = client.get(reverse("cases:list")).content.decode()
    assert html.count("Alalak Utara Baru") == 2  # its option and the case's row
    assert case.reference in html


def test_renamed_kecamatan_shows_at_once(login, petugas):
    client = login(petugas)
    client.get(reverse("cases:triage"))
    district = Kecamatan.objects.get(name="Banjarmasin Utara")
    district.name = "Banjarmasin Utara Raya"
    district.save()
    assert "Banjarmasin Utara Raya" in client.get(reverse("cases:triage")).content.decode()


def test_a_change_another_process_made_shows_within_the_max_age(monkeypatch):
    now = 1000.0
    monkeypatch.setattr(cachedlists, "_clock", lambda: now)
    before = categories()
    # A bulk update sends no signal, as a save in another web process reaches none here.
    Category.objects.filter(pk=next(iter(before.names))).update(name="Nama baru")
    now += MAX_AGE_SECONDS - 1
    assert categories() is before
    now += 2
    assert "Nama baru" in categories().names.values()


def test_choices_are_normalised_once_and_shared_by_copies():
    kelurahan_choices = areas().kelurahan_choices
    assert isinstance(kelurahan_choices, Choices)
    assert copy.deepcopy(kelurahan_choices) is kelurahan_choices
    assert list(kelurahan_choices)[0] == (str(areas().kelurahan[0].id), areas().kelurahan[0].name)


def test_a_category_another_process_added_does_not_break_the_dashboard(relawan_alalak):
    # Another web process (or a bulk write: no signal here) adds a category and a case is
    # filed in it while this process still holds its old list.
    from reports.dashboard import DashboardFilter, dashboard_numbers

    categories()  # this process has read the list
    (added,) = Category.objects.bulk_create([Category(code="baru-lain", name="Kategori Baru")])
    file_case(relawan_alalak, category=added)
    board = dashboard_numbers(DashboardFilter.last_days(30))
    assert ("Kategori Baru", 1) in board.by_category
