"""Roster import as admins really do it (issue 13, item 9): a CSV saved by Excel in Indonesian
(`;` separators, a BOM, CRLF line ends), a preview with a bad row, then "Impor baris yang
valid" without uploading the file again; the file waits on the server encrypted, for one
admin, for a limited time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from psm.accounts.models import User
from psm.accounts.services import user_create
from psm.nik import SEX_FEMALE, generate_nik
from volunteers.models import Volunteer
from volunteers.services import roster_upload_get
from volunteers.services.importing import UPLOAD_TTL, csv_delimiter, read_rows
from volunteers.services.importing.upload import _upload_key

pytestmark = pytest.mark.django_db
HEADERS = ["username", "nama_lengkap", "nik", "telepon", "kelurahan", "alamat", "tahun_sk"]


def _nik(n: int) -> str:
    return generate_nik(
        birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=n * 30), sex=SEX_FEMALE, serial=n + 1
    )


def _rows() -> list[list[str]]:
    return [
        [
            "relawan101",
            "Siti Aminah",
            _nik(1),
            "081234567801",
            "Pelambuan",
            "Jl. Barito, Gg. 3",
            "2024",
        ],
        ["relawan102", "Rahmawati", "6371-0101", "081234567802", "Pelambuan", "", "2024"],
        ["relawan103", "Nur Hidayah", _nik(3), "+6281234567803", "Alalak Utara", "", "2025"],
    ]


def excel_csv(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """What Excel's "Save as CSV" writes with Indonesian regional settings: `;` between
    cells (the comma is the decimal mark), CRLF line ends, a BOM for "CSV UTF-8"; it
    quotes only the cells that hold the separator."""

    def cell(value: str) -> str:
        return f'"{value}"' if sep in value else value

    lines = [sep.join(HEADERS), *(sep.join(cell(v) for v in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [(";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-8"), (",", "utf-8")],
    ids=["semicolon-bom", "semicolon-windows-1252", "tab", "comma"],
)
def test_csv_separators_and_encodings_of_excel_are_read(sep, encoding):
    content = excel_csv(_rows(), sep=sep, encoding=encoding)
    rows, errors = read_rows(content, "csv")
    assert errors == []
    assert [r["username"] for r in rows] == ["relawan101", "relawan102", "relawan103"]
    assert rows[0]["alamat"] == "Jl. Barito, Gg. 3"  # a comma inside a `;` file is text
    assert rows[0]["nik"] == _nik(1)
    assert "\r" not in "".join(rows[-1].values())


def test_the_separator_is_taken_from_the_header_row():
    assert csv_delimiter("\ufeffusername;nama_lengkap;kelurahan\r\na,b;c;d\r\n") == ";"
    assert csv_delimiter("username\tnama_lengkap\r\n") == "\t"
    assert csv_delimiter("username\r\n") == ","


def _upload(client, content: bytes):
    return client.post(
        reverse("volunteers:import"),
        {"file": SimpleUploadedFile("relawan.csv", content, content_type="text/csv")},
    )


def _confirm(client, token: str, valid_only: str = "1"):
    return client.post(
        reverse("volunteers:import"),
        {"step": "confirm", "token": token, "valid_rows_only": valid_only},
    )


def test_preview_then_import_the_valid_rows_without_a_second_upload(login, admin_user):
    client = login(admin_user)
    preview = _upload(client, excel_csv(_rows()))
    html = preview.content.decode()
    assert preview.context["result"].totals == {"new": 2, "update": 0, "unchanged": 0, "error": 1}
    assert 'data-row="3"' in html and "1 baris berisi kesalahan dan akan dilewati." in html
    assert "Impor baris yang valid (2)" in html
    # The file does not travel through the page: no NIK, no phone, no copy of the file.
    assert _nik(1) not in html and "81234567801" not in html and 'name="content"' not in html
    assert Volunteer.objects.count() == 0
    token = preview.context["token"]

    response = _confirm(client, token)
    assert response.status_code == 302 and response.url == reverse("volunteers:list")
    assert set(Volunteer.objects.values_list("user__username", flat=True)) == {
        "relawan101",
        "relawan103",
    }
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0].startswith("Impor selesai: 2 baru")
    assert "Baris yang dilewati (perbaiki di berkas lalu impor lagi): 3." in said
    phone = Volunteer.objects.get(user__username="relawan101").user.phone
    assert phone.as_e164 == "+6281234567801"

    again = _confirm(client, token)  # a double click, a back button: nothing twice
    assert again.status_code == 200
    assert "Pratinjau sudah kedaluwarsa atau sudah diimpor" in again.content.decode()
    assert Volunteer.objects.count() == 2


def test_import_now_writes_nothing_while_a_row_has_an_error(login, admin_user):
    client = login(admin_user)
    preview = _upload(client, excel_csv(_rows()))
    assert "Impor sekarang" not in preview.content.decode()
    response = _confirm(client, preview.context["token"], valid_only="0")
    assert response.status_code == 200
    assert "Tidak ada yang diimpor" in response.content.decode()
    assert Volunteer.objects.count() == 0


def test_a_file_with_no_valid_row_offers_no_import(login, admin_user):
    bad = [["relawan102", "Rahmawati", "123", "", "Pelambuan", "", ""]]
    preview = _upload(login(admin_user), excel_csv(bad))
    assert "token" not in preview.context
    assert "Tidak ada baris yang dapat diimpor" in preview.content.decode()


def test_another_admin_cannot_import_the_kept_file(login, admin_user):
    token = _upload(login(admin_user), excel_csv(_rows())).context["token"]
    other = user_create(username="admin2", role=User.Role.ADMIN, full_name="Admin Dua")
    response = _confirm(login(other), token)
    assert response.status_code == 200
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize("token", ["", "x", "../../etc", "a" * 500, "abc\x00def" * 5])
def test_a_forged_token_imports_nothing(login, admin_user, token):
    response = _confirm(login(admin_user), token)
    assert response.status_code == 200
    assert Volunteer.objects.count() == 0


def test_the_kept_file_is_encrypted_and_expires(login, admin_user):
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token = _upload(login(admin_user), excel_csv(_rows())).context["token"]
        sealed = cache.get(_upload_key(admin_user, token))
        assert _nik(1).encode() not in sealed and b"81234567801" not in sealed
        assert roster_upload_get(user=admin_user, token=token) is not None
    later = start + dt.timedelta(seconds=UPLOAD_TTL + 1)
    with time_machine.travel(later, tick=False):
        assert roster_upload_get(user=admin_user, token=token) is None
