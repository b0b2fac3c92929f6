"""A volunteer on a 360x740 phone, the way people click: type, make a mistake, correct it,
go back, file again for the same person (issue 13.5 and 13.6)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from faker import Faker
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.browser.pages import Artifacts, check_page, login_as, open_menu_if_collapsed, screenshot

pytestmark = pytest.mark.browser


def _photo(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 180)).save(buffer, format="JPEG")
    path = tmp_path / "rumah-depan.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def _fill_case(form, *, name: str, birth_date: str) -> None:
    form.get_by_label("Nama lengkap").fill(name)
    form.get_by_label("Jenis kelamin").select_option(label="Perempuan")
    form.get_by_label("Tanggal lahir").fill(birth_date)
    form.get_by_label("Kategori").select_option(label="Lanjut Usia Terlantar")
    form.get_by_label("Bagaimana keadaannya?").fill("Lansia tinggal sendiri, atap bocor.")
    form.get_by_label("Alamat").fill("Jl. Uji Coba No. 7")


def test_volunteer_files_corrects_a_mistake_and_is_asked_about_the_same_person(
    phone_page: Page, artifacts: Artifacts, tmp_path: Path, relawan_alalak
):
    page = phone_page
    name = Faker("id_ID").name()
    login_as(page, relawan_alalak)
    check_page(page, "volunteer home")
    screenshot(page, artifacts, "home")

    open_menu_if_collapsed(page)
    page.locator("#nav-main").get_by_role("link", name="Kasus baru").click()
    expect(page.locator("h1")).to_have_text("Kasus baru")
    check_page(page, "intake form")
    screenshot(page, artifacts, "intake form")

    # Types everything, with a mistake: an NIK too short.
    form = page.locator("#intake-form")
    _fill_case(form, name=name, birth_date="1950-04-12")
    form.get_by_label("NIK", exact=True).fill("637101")
    form.get_by_label("Foto atau dokumen").set_input_files(str(_photo(tmp_path)))
    screenshot(page, artifacts, "intake filled with a mistake")
    form.get_by_role("button", name="Kirim kasus").click()

    # The form comes back: the NIK marked, everything typed still there, the photo noted.
    expect(page.locator("main .alert-danger")).to_contain_text("belum terkirim")
    expect(page.locator("#id_nik")).to_have_class(re.compile("is-invalid"))
    expect(form.get_by_label("Nama lengkap")).to_have_value(name)
    expect(form.get_by_label("Alamat")).to_have_value("Jl. Uji Coba No. 7")
    note = page.locator("#files-lost")
    expect(note).to_be_visible()
    # intake.js kept the photo in the browser and attached it again.
    expect(note).to_contain_text("sudah dipasang lagi")
    assert page.locator("input[name=uploads]").evaluate("el => el.files.length") == 1
    check_page(page, "intake with an error")
    screenshot(page, artifacts, "error shown, photo attached again")

    # Corrects it (no NIK: the person has none at hand) and sends.
    form.get_by_label("NIK", exact=True).fill("")
    form.get_by_role("button", name="Kirim kasus").click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(r"^BJM-\d{4}-\d{6}$"))
    reference = heading.inner_text()
    expect(page.locator("main .alert-success")).to_contain_text(reference)
    expect(page.locator("#h-files + ul")).to_contain_text("rumah-depan.jpg")
    check_page(page, "case filed")
    screenshot(page, artifacts, "case filed")

    # Back: the form page answered a POST and is never stored (no-store: the shared phone),
    # so the browser has nothing to show but its own "resubmit?" page; then a new intake for
    # the same person asks first.
    try:
        page.go_back()
    except PlaywrightError as exc:
        assert "ERR_CACHE_MISS" in str(exc), exc
    # Chromium may report that page a moment later: wait for it before going on.
    page.wait_for_url(re.compile(r"^chrome-error://|/cases/new/$"))
    page.wait_for_load_state("load")
    page.goto("/cases/new/")
    form = page.locator("#intake-form")
    _fill_case(form, name=name, birth_date="1950-04-12")
    form.get_by_role("button", name="Kirim kasus").click()
    expect(page.locator("#same-person")).to_contain_text("Apakah ini orang yang sama?")
    existing = page.locator("#beneficiary-results").get_by_label(re.compile(re.escape(name)))
    expect(existing).to_be_visible()
    expect(form.get_by_label("Bukan orang yang sama, tetap buat data baru")).to_be_visible()
    check_page(page, "same person?")
    screenshot(page, artifacts, "asked same person")

    # It is the same person: pick them, send, and the case is theirs (no second record).
    existing.check()
    form.get_by_role("button", name="Kirim kasus").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^BJM-\d{4}-\d{6}$"))
    assert page.locator("h1").inner_text() != reference
    expect(page.locator("#h-person + p")).to_contain_text(name)
    check_page(page, "second case")
    screenshot(page, artifacts, "second case for the same person")

    from cases.models import Beneficiary

    assert Beneficiary.objects.filter(name=name).count() == 1
