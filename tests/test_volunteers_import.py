"""Roster import/export: preview, row errors in Indonesian, all-or-nothing, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from volunteers.models import Volunteer, VolunteerHistory
from volunteers.services import roster_import, volunteer_update

pytestmark = pytest.mark.django_db
# The roster export is a POST with a purpose (issue 14, item 6), as the case exports.
PURPOSE = "Pemutakhiran data relawan"
HEADERS = ["username", "nama_lengkap", "email", "nik", "kelurahan", "tahun_sk", "status"]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _nik(n: int, sex: str = SEX_MALE) -> str:
    return generate_nik(
        birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=n * 40), sex=sex, serial=n + 1
    )


def _good(n: int) -> list[object]:
    return [
        f"relawan{n:03d}",
        f"Relawan Nomor {n}",
        f"r{n}@test.invalid",
        _nik(n),
        "Pelambuan",
        2024,
        "aktif",
    ]


def _upload(client, content: bytes, name: str = "roster.xlsx"):
    return client.post(reverse("volunteers:import"), {"file": SimpleUploadedFile(name, content)})


def _confirm(client, preview, valid_only: bool = False):
    """Press the preview's button: the file itself stays on the server (a token)."""
    return client.post(
        reverse("volunteers:import"),
        {
            "step": "confirm",
            "token": preview.context["token"],
            "valid_rows_only": "1" if valid_only else "0",
        },
    )


def test_preview_writes_nothing_then_confirm_imports(
    login, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    preview = _upload(client, _xlsx([_good(1), _good(2)]))
    assert preview.status_code == 200
    assert preview.context["result"].totals["new"] == 2
    assert Volunteer.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _confirm(client, preview)
    assert response.status_code == 302
    assert set(Volunteer.objects.values_list("user__username", flat=True)) == {
        "relawan001",
        "relawan002",
    }
    assert len(callbacks) == 2  # one invitation each
    assert VolunteerHistory.objects.filter(action="imported").count() == 2


def test_one_bad_row_writes_nothing_and_reports_row_and_reason(login, admin_user):
    rows = [
        _good(1),
        ["relawan002", "Relawan Dua", "", "6371011234", "Pelambuan", 2024, ""],
        _good(3),
    ]
    rows.append(["relawan004", "Relawan Empat", "", _nik(4), "Kelurahan Antah", "", ""])
    client = login(admin_user)
    preview = _upload(client, _xlsx(rows))
    result = preview.context["result"]
    errors = {r.number: r.errors for r in result.error_rows}
    assert set(errors) == {3, 5}  # spreadsheet rows (row 1 is the header)
    assert "NIK harus tepat 16 digit" in errors[3][0]
    assert "Kelurahan “Kelurahan Antah” tidak dikenal" in errors[5][0]
    html = preview.content.decode()
    assert 'data-row="3"' in html and "Impor sekarang" not in html
    # Even a forged confirm writes nothing.
    import base64

    response = client.post(
        reverse("volunteers:import"),
        {
            "step": "confirm",
            "content": base64.b64encode(_xlsx(rows)).decode(),
            "file_format": "xlsx",
        },
    )
    assert response.status_code == 200
    assert Volunteer.objects.count() == 0


def test_valid_rows_only_imports_the_good_rows(login, admin_user):
    rows = [_good(1), ["relawan002", "Relawan Dua", "", "123", "Pelambuan", "", ""]]
    client = login(admin_user)
    preview = _upload(client, _xlsx(rows))
    assert "Impor baris yang valid" in preview.content.decode()
    _confirm(client, preview, valid_only=True)
    assert list(Volunteer.objects.values_list("user__username", flat=True)) == ["relawan001"]


def test_duplicates_in_file_and_against_database_are_row_errors(admin_user, relawan_alalak):
    first = _good(1)
    same_nik = ["relawan009", "Relawan Sembilan", "", first[3], "Pelambuan", "", ""]
    same_user = _good(2)
    same_user[0] = "relawan001"
    staff_name = _good(3)
    staff_name[0] = "admin"
    content = _xlsx([first, same_nik, same_user, staff_name])
    result = roster_import(content=content, file_format="xlsx", actor=admin_user, dry_run=False)
    messages = {r.number: " ".join(r.errors) for r in result.error_rows}
    assert "muncul dua kali" in messages[3] and "baris 2" in messages[3]
    assert "muncul dua kali" in messages[4]
    assert "bukan relawan" in messages[5]
    assert not result.written and Volunteer.objects.count() == 1


def test_unreadable_file_and_missing_columns_are_clear_errors(login, admin_user):
    client = login(admin_user)
    response = _upload(client, b"not a spreadsheet at all")
    assert response.status_code == 200
    assert "tidak dapat dibaca" in response.content.decode()
    response = _upload(client, b"nama\nSiti\n", name="roster.csv")
    assert "Kolom wajib tidak ada" in response.content.decode()
    response = _upload(client, b"x", name="roster.pdf")
    assert response.context["form"].errors["file"]


def test_export_then_import_changes_nothing(
    login, admin_user, relawan_alalak, relawan_kuin, django_capture_on_commit_callbacks
):
    from volunteers.services import volunteer_set_status

    roster_import(
        content=_xlsx([_good(1), _good(2)]), file_format="xlsx", actor=admin_user, dry_run=False
    )
    volunteer_set_status(
        volunteer=Volunteer.objects.get(user__username="relawan002"),
        status="suspended",
        reason="Evaluasi kinerja, 3 bulan",
        actor=admin_user,
    )
    volunteer_update(
        volunteer=relawan_kuin.volunteer,
        data={
            "phone": "0812 3456 7890",
            "whatsapp": "0813 1111 2222",
            "address": "Jl. Kuin, RT 3",
            "skills": "lansia, disabilitas",
            "appointed_on": dt.date(2022, 5, 1),
        },
        actor=admin_user,
    )
    client = login(admin_user)
    before = list(Volunteer.objects.order_by("pk").values())
    users_before = list(
        Volunteer.objects.order_by("pk").values_list(
            "user__full_name", "user__email", "user__phone", "user__is_active"
        )
    )
    changes_before = VolunteerHistory.objects.count()
    for file_format in ("xlsx", "csv"):
        exported = client.post(
            reverse("volunteers:export"), {"format": file_format, "purpose": PURPOSE}
        )
        assert exported.status_code == 200
        result = roster_import(
            content=exported.content, file_format=file_format, actor=admin_user, dry_run=False
        )
        assert not result.has_errors, [r.errors for r in result.error_rows]
        assert result.totals["unchanged"] == Volunteer.objects.count() == 4
    assert list(Volunteer.objects.order_by("pk").values()) == before
    assert users_before == list(
        Volunteer.objects.order_by("pk").values_list(
            "user__full_name", "user__email", "user__phone", "user__is_active"
        )
    )
    assert VolunteerHistory.objects.count() == changes_before


def test_import_updates_an_existing_volunteer_and_records_it(admin_user, relawan_alalak):
    row = [
        "relawan_alalak",
        "Relawan Alalak Utara",
        "",
        _nik(5, SEX_FEMALE),
        "Pelambuan",
        2020,
        "active",
    ]
    result = roster_import(
        content=_xlsx([row]), file_format="xlsx", actor=admin_user, dry_run=False
    )
    assert result.totals["update"] == 1 and result.written
    volunteer = Volunteer.objects.get(user__username="relawan_alalak")
    assert volunteer.kelurahan.name == "Pelambuan" and volunteer.sk_year == 2020
    assert volunteer.audit_history.filter(action="imported").exists()


def test_export_is_filtered_like_the_roster(login, admin_user, relawan_alalak, relawan_kuin):
    from volunteers.models import Kelurahan

    kuin = Kelurahan.objects.get(name="Kuin Cerucuk")
    response = login(admin_user).post(
        f"{reverse('volunteers:export')}?kelurahan={kuin.pk}", {"format": "csv", "purpose": PURPOSE}
    )
    text = response.content.decode("utf-8-sig")
    assert "relawan_kuin" in text and "relawan_alalak" not in text
    assert response["Content-Disposition"].endswith('.csv"')


def test_a_formula_in_a_name_is_exported_as_text_not_as_a_live_formula(
    login, admin_user, relawan_alalak
):
    """Formula injection: what a spreadsheet would run must arrive as plain text."""
    formula = '=HYPERLINK("http://evil.example","klik")'
    relawan_alalak.full_name = formula
    relawan_alalak.save()
    response = login(admin_user).post(
        reverse("volunteers:export"), {"format": "xlsx", "purpose": PURPOSE}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_a_formula_in_the_roster_csv_is_text_and_imports_back_unchanged(
    login, admin_user, relawan_alalak
):
    """CSV has no cell types: cells a spreadsheet would run start with an apostrophe, which
    the roster import takes off again (phone numbers start with + too)."""
    formula = '=HYPERLINK("http://evil.example","klik")'
    relawan_alalak.full_name = formula
    relawan_alalak.save()
    volunteer_update(
        volunteer=relawan_alalak.volunteer,
        data={"whatsapp": "0813 1111 2222", "skills": "-lansia"},
        actor=admin_user,
    )
    exported = login(admin_user).post(
        reverse("volunteers:export"), {"format": "csv", "purpose": PURPOSE}
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + formula in cells and "'+6281311112222" in cells and "'-lansia" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    result = roster_import(
        content=exported.content, file_format="csv", actor=admin_user, dry_run=True
    )
    assert not result.has_errors and result.totals["unchanged"] == 1


def test_only_csv_cells_lose_the_export_apostrophe():
    from volunteers.services.importing import read_rows

    xlsx_rows, _errors = read_rows(_xlsx([["relawan9", "'-Ani", "", "", "Pelambuan"]]), "xlsx")
    assert xlsx_rows[0]["nama_lengkap"] == "'-Ani"  # typed in a sheet: kept as typed
    csv_body = b"username,nama_lengkap,kelurahan\nrelawan9,'-Ani,Pelambuan\n"
    csv_rows, _errors = read_rows(csv_body, "csv")
    assert csv_rows[0]["nama_lengkap"] == "-Ani"  # as_text's mark, from an export
