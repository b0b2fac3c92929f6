"""Pages and downloads with personal data are never kept by a browser or proxy cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.cases_support import file_case

pytestmark = pytest.mark.django_db

PURPOSE = "Laporan ke Kepala Dinas"


def _no_store(response) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (response.status_code, directives)


def test_pages_with_personal_data_are_no_store(login, relawan_alalak, petugas, kabid, admin_user):
    case = file_case(relawan_alalak)
    pages = [
        (relawan_alalak, case.get_absolute_url()),
        (kabid, "/cases/"),
        (petugas, f"{reverse('cases:beneficiary_search')}?q={case.beneficiary.name[:5]}"),
        (relawan_alalak, "/notifications/"),
        (admin_user, reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk])),
        (petugas, "/triage/"),
        (admin_user, "/volunteers/"),
    ]
    for user, url in pages:
        response = login(user).get(url)
        assert response.status_code == 200, url
        _no_store(response)


def test_downloads_with_personal_data_are_no_store(login, relawan_alalak, kabid, admin_user):
    file_case(relawan_alalak)
    month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    downloads = [
        (kabid, reverse("reports:export_cases"), {"format": "csv", "purpose": PURPOSE}),
        (kabid, reverse("reports:export_cases"), {"format": "xlsx", "purpose": PURPOSE}),
        (
            kabid,
            reverse("reports:report_monthly"),
            {"month": month, "format": "xlsx", "purpose": PURPOSE},
        ),
        (admin_user, reverse("volunteers:export"), {"format": "csv", "purpose": PURPOSE}),
        (admin_user, reverse("volunteers:export"), {"format": "xlsx", "purpose": PURPOSE}),
    ]
    for user, url, data in downloads:
        response = login(user).post(url, data)
        assert response.status_code == 200, (url, data)
        assert "attachment" in response["Content-Disposition"], (url, data)
        _no_store(response)
