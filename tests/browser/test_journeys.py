"""Journeys through the real app in Chromium, step by step, a screenshot at each step."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from faker import Faker
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    DESKTOP,
    Artifacts,
    assert_accessible,
    invalid_login_message,
    login_as,
    logout,
    open_menu_if_collapsed,
    screenshot,
    submit_login,
    switch_language,
)

pytestmark = pytest.mark.browser


def test_volunteer_on_a_phone_logs_in_uses_the_menu_switches_language_and_logs_out(
    phone_page: Page, artifacts: Artifacts, relawan_alalak
):
    page = phone_page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, artifacts, "login page")

    submit_login(page, "relawan_alalak", "salah-kata-sandi")
    expect(page.locator("main .alert-danger")).to_contain_text(
        invalid_login_message("relawan_alalak")
    )
    expect(page.locator("input[name=username]")).to_have_value("relawan_alalak")
    screenshot(page, artifacts, "wrong password")

    login_as(page, relawan_alalak)
    expect(page.locator("main")).to_contain_text("Alalak Utara")
    # On a 360 px screen the navigation is folded behind the menu button.
    toggler = page.get_by_role("button", name="Buka menu")
    expect(toggler).to_be_visible()
    expect(page.locator("#nav-main")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "page scrolls sideways"
    screenshot(page, artifacts, "volunteer home")

    open_menu_if_collapsed(page)
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#nav-main").get_by_role("link", name="Beranda")).to_be_visible()
    expect(page.locator("#nav-main")).not_to_contain_text("Administrasi")
    screenshot(page, artifacts, "menu open")

    switch_language(page, "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    screenshot(page, artifacts, "in english")
    switch_language(page, "id")
    expect(page.locator("h1")).to_contain_text("Selamat datang")
    screenshot(page, artifacts, "back in indonesian")

    logout(page)
    expect(page.locator("input[name=username]")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    screenshot(page, artifacts, "logged out")


def test_admin_on_a_desktop_logs_in_and_reaches_django_admin(
    desktop_page: Page, artifacts: Artifacts, admin_user
):
    page = desktop_page
    login_as(page, admin_user)
    # On a desktop the navigation is laid out, no menu button.
    expect(page.locator("button.navbar-toggler")).to_be_hidden()
    admin_link = page.locator("#nav-main").get_by_role("link", name="Administrasi")
    expect(admin_link).to_be_visible()
    assert_accessible(page, "admin home on a desktop")
    screenshot(page, artifacts, "admin home")

    admin_link.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("PSM Dinsos Kota Banjarmasin")
    screenshot(page, artifacts, "django admin")


# --- the whole case journey (issue 8, item 1) ---------------------------------------------


def tiny_jpeg(tmp_path: Path) -> Path:
    """A real (small) JPEG made with Pillow: phones upload photos, not text files."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(buffer, format="JPEG")
    path = tmp_path / "foto-rumah.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_case_goes_from_phone_to_dashboard(
    phone_page: Page,
    desktop_page: Page,
    open_page,
    artifacts: Artifacts,
    tmp_path: Path,
    relawan_alalak,
    petugas,
    kabid,
):
    """Volunteer files on a phone -> staff verify and assign in triage -> the volunteer sees
    it and logs a visit -> the supervisor sees it counted. Intake, triage and dashboard are
    scanned with axe on the way."""
    fake = Faker("id_ID")
    name = fake.name()
    photo = tiny_jpeg(tmp_path)

    # 1. The volunteer files a case with a photo, on the phone. ------------------------------
    page = phone_page
    login_as(page, relawan_alalak)
    open_menu_if_collapsed(page)
    page.locator("#nav-main").get_by_role("link", name="Kasus baru").click()
    expect(page.locator("h1")).to_have_text("Kasus baru")
    assert_accessible(page, "intake form")
    screenshot(page, artifacts, "intake form")
    form = page.locator("#intake-form")
    form.get_by_label("Nama lengkap").fill(name)
    form.get_by_label("Kategori").select_option(label="Lanjut Usia Terlantar")
    form.get_by_label("Bagaimana keadaannya?").fill("Lansia tinggal sendiri, atap bocor.")
    expect(form.get_by_label("Kelurahan")).to_have_value(str(relawan_alalak.volunteer.kelurahan_id))
    form.get_by_label("Alamat").fill("Jl. Uji Coba No. 7")
    form.get_by_label("Foto atau dokumen").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "page scrolls sideways"
    screenshot(page, artifacts, "intake filled")
    form.get_by_role("button", name="Kirim kasus").click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(r"^BJM-\d{4}-\d{6}$"))
    reference = heading.inner_text()
    expect(page.locator("main .alert-success")).to_contain_text(reference)
    expect(page.locator("#h-files + ul")).to_contain_text("foto-rumah.jpg")
    screenshot(page, artifacts, "case filed")

    # 2. Staff find it in triage, verify it and assign it to the volunteer. -----------------
    page = desktop_page
    login_as(page, petugas)
    page.locator("#nav-main").get_by_role("link", name="Triase").click()
    expect(page.locator("h1")).to_have_text("Antrean triase")
    assert_accessible(page, "triage")
    row = page.locator("#case-table tbody tr", has_text=reference)
    expect(row).to_contain_text(name)
    screenshot(page, artifacts, "triage list")
    row.get_by_role("link", name=reference).click()
    page.locator("form[data-move=verified]").get_by_role("button", name="Verifikasi").click()
    expect(page.locator("[data-status]").first).to_have_text("Terverifikasi")
    assign = page.locator("form[action$='/assign/']")
    # The same person search as triage: type part of the name, pick from the suggestions.
    box = assign.get_by_role("combobox", name="Tugaskan kepada")
    box.click()
    box.press_sequentially(relawan_alalak.full_name, delay=20)
    option = (
        assign.get_by_role("listbox")
        .get_by_role("option", name=re.compile(re.escape(relawan_alalak.full_name)))
        .first
    )
    expect(option).to_be_visible()
    option.click()
    expect(box).to_have_value(relawan_alalak.username)
    assign.get_by_role("button", name="Tugaskan").click()
    expect(page.locator("[data-status]").first).to_have_text("Ditugaskan")
    screenshot(page, artifacts, "verified and assigned")

    # 3. The volunteer sees the assignment in "my cases" and logs a visit. ------------------
    page = volunteer_page = phone_page
    open_menu_if_collapsed(page)
    page.locator("#nav-main").get_by_role("link", name="Kasus", exact=True).click()
    row = page.locator("#case-table tbody tr", has_text=reference)
    expect(row).to_contain_text("Ditugaskan")
    screenshot(page, artifacts, "my cases")
    row.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text(str(relawan_alalak))
    visit = volunteer_page.locator("form[action$='/visit/']")
    visit.get_by_label("Temuan").fill("Atap rumah bocor; perlu bantuan RTLH.")
    visit.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.locator("#h-visits + div")).to_contain_text("Atap rumah bocor")
    expect(page.locator("li[data-kind=visit]")).to_contain_text("Kunjungan")
    screenshot(page, artifacts, "visit logged")

    # 4. The supervisor sees it counted on the dashboard. -----------------------------------
    page = open_page(DESKTOP)
    login_as(page, kabid)
    page.locator("#nav-main").get_by_role("link", name="Dasbor").click()
    expect(page.locator("[data-stat=total]")).to_have_text("1")
    expect(page.locator("[data-stat=open_now]")).to_have_text("1")
    expect(page.locator("td[data-status=assigned]")).to_have_text("1")
    expect(page.locator("td[data-kelurahan='Alalak Utara']")).to_have_text("1")
    assert_accessible(page, "dashboard")
    screenshot(page, artifacts, "dashboard")
    assert len(artifacts.taken) == 8
