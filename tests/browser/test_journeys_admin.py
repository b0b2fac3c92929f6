"""The admin's roster journey on an office desktop (issue 13): open the roster, filter it, open
a volunteer, correct their phone number after a mistake, read the change history in
Indonesian, import a CSV saved by Excel in Indonesian with one bad row, import the valid rows
from the preview, then find the Django admin's apps under Indonesian names."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from psm.nik import SEX_FEMALE, generate_nik
from tests.browser.pages import (
    PHONE,
    Artifacts,
    assert_accessible,
    check_page,
    login_as,
    screenshot,
)

pytestmark = pytest.mark.browser


def excel_semicolon_csv(tmp_path: Path) -> Path:
    """Two good rows and one with a short NIK, as Excel in Indonesian saves "CSV UTF-8"."""

    def nik(n: int) -> str:
        return generate_nik(
            birth_date=dt.date(1988, 2, 1) + dt.timedelta(days=n * 50), sex=SEX_FEMALE, serial=n
        )

    lines = [
        "username;nama_lengkap;nik;telepon;kelurahan;alamat",
        f"relawan_baru1;Siti Aminah;{nik(1)};081234567801;Pelambuan;Jl. Barito, Gg. 3",
        "relawan_baru2;Rahmawati;6371-0101;081234567802;Pelambuan;",
        f"relawan_baru3;Nur Hidayah;{nik(3)};+6281234567803;Alalak Utara;",
    ]
    path = tmp_path / "relawan-baru.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def test_admin_keeps_the_roster_on_a_desktop(
    desktop_page: Page, artifacts: Artifacts, admin_user, relawan_alalak, relawan_kuin, tmp_path
):
    page = desktop_page
    login_as(page, admin_user)
    check_page(page, "admin home")
    screenshot(page, artifacts, "admin home")

    # The roster, then only Banjarmasin Utara.
    page.locator("#nav-main").get_by_role("link", name="Relawan", exact=True).click()
    expect(page.locator("h1")).to_have_text("Daftar relawan")
    roster = page.locator("#roster-table")
    expect(roster).to_contain_text("Relawan Kuin Cerucuk")
    check_page(page, "roster")
    screenshot(page, artifacts, "roster")
    page.get_by_label("Kecamatan").select_option(label="Banjarmasin Utara")
    expect(page).to_have_url(re.compile(r"kecamatan=\d+"))
    expect(roster).not_to_contain_text("Relawan Kuin Cerucuk")
    expect(roster).to_contain_text("Relawan Alalak Utara")
    check_page(page, "roster filtered by kecamatan")
    screenshot(page, artifacts, "roster filtered")

    # A volunteer: a mistake in the phone number, then corrected.
    roster.get_by_role("link", name="Relawan Alalak Utara").click()
    expect(page.locator("h1")).to_contain_text("Relawan Alalak Utara")
    check_page(page, "volunteer page")
    screenshot(page, artifacts, "volunteer page")
    page.get_by_role("link", name="Ubah", exact=True).click()
    page.get_by_label("Nomor telepon").fill("+62 812")
    page.get_by_role("button", name="Simpan").click()
    # Kept as typed, "+62" included (issue 13 item 4).
    expect(page.locator("#id_phone")).to_have_value(re.compile(r"^\+62\s*812\s*$"))
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check_page(page, "edit form with errors")
    screenshot(page, artifacts, "edit form errors")
    page.get_by_label("Nomor telepon").fill("+62 812 5555 0101")
    page.get_by_label("Email").fill("alalak@test.invalid")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("Perubahan disimpan")
    history = page.locator("table", has=page.locator("th", has_text="Perubahan"))
    expect(history).to_contain_text("Nomor telepon")
    # The history keeps numbers masked (issue 14.3), never the whole number.
    expect(history).to_contain_text("+628*******101")
    expect(history).not_to_contain_text("+6281255550101")
    expect(history).not_to_contain_text("phone")
    check_page(page, "volunteer page with the change history")
    screenshot(page, artifacts, "change history")

    # Import: preview with one bad row, then the valid rows without a second upload.
    page.locator("#nav-main").get_by_role("link", name="Relawan", exact=True).click()
    page.get_by_role("link", name="Impor", exact=True).click()
    expect(page.locator("h1")).to_have_text("Impor daftar relawan")
    check_page(page, "import page")
    screenshot(page, artifacts, "import page")
    page.get_by_label("File daftar relawan (XLSX atau CSV)").set_input_files(
        excel_semicolon_csv(tmp_path)
    )
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.locator('tr[data-row="3"]')).to_contain_text("NIK")
    expect(page.locator('tr[data-row="2"]')).to_contain_text("Relawan baru")
    check_page(page, "import preview")
    screenshot(page, artifacts, "import preview")
    page.get_by_role("button", name="Impor baris yang valid (2)").click()
    expect(page.locator(".alert-success")).to_contain_text("Impor selesai: 2 baru")
    expect(page.locator(".alert-warning")).to_contain_text("Baris yang dilewati")
    expect(page.locator("#roster-table")).to_contain_text("Siti Aminah")
    check_page(page, "roster after the import")
    screenshot(page, artifacts, "after import")

    # The Django admin names its apps in Indonesian. Django's own admin strings are its
    # translation (complete for Indonesian); check_page's English check covers psm's.
    page.locator("#nav-main").get_by_role("link", name="Administrasi").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    # (The admin's CSS upper-cases the captions; compare their text, not their case.)
    # all_inner_texts() does not wait: the URL changes before the page is drawn.
    expect(page.locator("caption").first).to_be_visible()
    captions = [c.casefold() for c in page.locator("caption").all_inner_texts()]
    for name in ("Perlindungan login", "Autentikasi dua faktor", "Tugas terjadwal", "Log akses"):
        assert name.casefold() in captions, (name, captions)
    for raw in ("Axes", "Otp_Totp", "Periodic Tasks"):
        assert raw.casefold() not in captions, (raw, captions)
    check_page(page, "django admin index")
    screenshot(page, artifacts, "django admin")


def test_roster_filter_folds_on_a_phone(open_page, artifacts: Artifacts, admin_user):
    page = open_page(PHONE)
    login_as(page, admin_user)
    page.goto("/volunteers/")
    form = page.locator("#roster-filter")
    expect(form).to_be_hidden()
    check_page(page, "roster on a phone")
    screenshot(page, artifacts, "roster phone folded")
    page.get_by_role("button", name="Tampilkan filter").click()
    expect(form).to_be_visible()
    expect(page.get_by_label("Kecamatan")).to_be_visible()
    assert_accessible(page, "roster filter open on a phone")
    check_page(page, "roster filter open on a phone")
    screenshot(page, artifacts, "roster phone filter open")
