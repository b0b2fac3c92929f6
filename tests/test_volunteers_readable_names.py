"""No raw English field, choice or app names on Indonesian pages (issue 13, item 8): the
volunteer change history and the Django admin index."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from volunteers.services import volunteer_set_status, volunteer_update

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":")


def _history(html: str) -> str:
    """The text of the "Riwayat perubahan" (history of changes) table on the volunteer page."""
    return _text(html.split(">Riwayat perubahan</h2>", 1)[1].split("</table>", 1)[0])


def test_change_history_shows_field_names_and_values_in_indonesian(
    login, admin_user, relawan_alalak
):
    volunteer = relawan_alalak.volunteer
    volunteer_update(
        volunteer=volunteer,
        data={
            "phone": "+6281234567890",
            "full_name": "Siti Rahmah",
            "sk_year": 2024,
            "appointed_on": dt.date(2024, 3, 5),
        },
        actor=admin_user,
    )
    volunteer_set_status(
        volunteer=volunteer, status="suspended", reason="Cuti melahirkan", actor=admin_user
    )
    response = login(admin_user).get(reverse("volunteers:detail", args=[volunteer.pk]))
    history = _history(response.content.decode())
    for raw in ("phone", "full_name", "sk_year", "appointed_on", "active", "suspended"):
        assert not re.search(rf"\b{raw}\b", history), raw
    for shown in (
        "Nomor telepon",
        "Nama lengkap",
        "Tahun SK pengangkatan",
        "Tanggal pengangkatan: – → 5 Maret 2024",
        "Status: Aktif → Diskors",
    ):
        assert shown in history, shown


def test_admin_index_names_every_app_in_indonesian_and_no_two_alike(login, superuser):
    response = login(superuser).get(reverse("admin:index"))
    html = response.content.decode()
    captions = [_text(c).strip() for c in re.findall(r"<caption>(.*?)</caption>", html, re.S)]
    models = [_text(m).strip() for m in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)]
    for raw in ("Axes", "Otp_Totp", "Periodic Tasks", "Clocked", "Crontabs", "Solar events"):
        assert raw not in captions + models, raw
    assert {"Perlindungan login", "Autentikasi dua faktor", "Tugas terjadwal"} <= set(captions)
    assert {"Riwayat login", "Tugas terjadwal", "Jadwal sekali jalan"} <= set(models)
    assert models.count("Log akses") == 1  # psm's own access log; axes' is "Riwayat login"


@pytest.fixture
def superuser(admin_user):
    """The admin persona with the Django admin's full permissions."""
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    return admin_user
