"""The roster export (full NIKs) asks for a purpose and is logged, like the case exports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from psm.accesslog.models import AccessEntry
from reports.models import ExportLog
from volunteers.models import Kelurahan

pytestmark = pytest.mark.django_db

EXPORT = "/volunteers/export/"


def test_a_get_shows_the_purpose_form_and_exports_nothing(login, admin_user, relawan_alalak):
    response = login(admin_user).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'name="purpose"' in response.content.decode()
    assert not ExportLog.objects.exists() and not AccessEntry.objects.exists()


def test_an_export_without_a_purpose_is_refused_as_typed(login, admin_user, relawan_alalak):
    response = login(admin_user).post(EXPORT, {"format": "csv", "purpose": ""})
    assert response.status_code == 200
    assert "Sebutkan tujuan ekspor ini" in response.content.decode()
    assert not ExportLog.objects.exists()


def test_the_export_is_logged_with_its_purpose_filters_and_rows(
    login, admin_user, relawan_alalak, relawan_kuin
):
    kuin = Kelurahan.objects.get(name="Kuin Cerucuk")
    response = login(admin_user).post(
        f"{EXPORT}?kelurahan={kuin.pk}", {"format": "xlsx", "purpose": "Laporan ke Kepala Dinas"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    entry = ExportLog.objects.get()
    assert (entry.user, entry.kind, entry.purpose, entry.include_nik, entry.row_count) == (
        admin_user,
        ExportLog.Kind.ROSTER_XLSX,
        "Laporan ke Kepala Dinas",
        True,
        1,
    )
    assert entry.filters == {"kelurahan": [str(kuin.pk)]}
    assert entry.finished_at is not None
    log = login(admin_user).get(reverse("reports:export_log")).content.decode()
    assert "Laporan ke Kepala Dinas" in log


def test_only_admins_export_the_roster(login, kabid):
    assert login(kabid).post(
        EXPORT, {"format": "csv", "purpose": "Ingin tahu saja"}
    ).status_code == (403)
    assert not ExportLog.objects.exists()
