"""The supervisor's journey (issue 13, item 9), on a 1366 px desktop the way the Kepala Bidang
clicks: home, dashboard, a case with photos and its map, the print view, the monthly report's
PDF, the access log (filter by a case, a wrong date, corrected). Also a staff phone check of
the same case page. check_page on every page; a screenshot at every step."""

from __future__ import annotations

import decimal
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from cases.services import attachment_add
from psm.accounts.models import User
from psm.accounts.services import user_create
from tests.browser.pages import Artifacts, check_page, login_as, logout, screenshot
from tests.cases_support import file_case, jpeg_with_gps
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _case_with_photos(reporter):
    case = file_case(
        reporter,
        latitude=decimal.Decimal("-3.297400"),
        longitude=decimal.Decimal("114.590500"),
    )
    for name in ("rumah_depan.jpg", "dapur.jpg"):
        upload = SimpleUploadedFile(name, jpeg_with_gps((800, 600)), content_type="image/jpeg")
        attachment_add(case=case, upload=upload, actor=reporter)
    return case


def _thumbnails_loaded(page: Page) -> list[int]:
    return page.locator("img.psm-thumb").evaluate_all("els => els.map(e => e.naturalWidth)")


def test_kabid_reviews_a_case_prints_it_downloads_the_monthly_pdf_and_reads_the_access_log(
    desktop_page: Page, artifacts: Artifacts, kabid, relawan_alalak, petugas, settings
):
    page = desktop_page
    settings.REPORT_SIGNER_NAME = "Drs. Contoh Pejabat, M.Si."  # the signature block's
    settings.REPORT_SIGNER_NIP = "197001011995031001"
    case = _case_with_photos(relawan_alalak)
    file_case(relawan_alalak)

    login_as(page, kabid)
    counts = page.get_by_test_id("home-counts")
    expect(counts.locator('[data-count="new"] [data-number]')).to_have_text("2")
    check_page(page, "supervisor home")
    screenshot(page, artifacts, "home with counts")

    page.locator("#nav-main").get_by_role("link", name="Dasbor").click()
    expect(page.locator("h1")).to_be_visible()
    check_page(page, "dashboard")
    screenshot(page, artifacts, "dashboard")

    # From home's "new cases" count to the list, then the case.
    page.goto("/")
    counts.locator('[data-count="new"]').click()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}/cases/?status=new")
    page.get_by_role("link", name=case.reference).first.click()
    expect(page.locator("h1")).to_have_text(case.reference)
    expect(page.locator("img.psm-thumb")).to_have_count(2)
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.psm-thumb')].every(i => i.complete)"
    )
    assert all(width > 0 for width in _thumbnails_loaded(page)), "a thumbnail did not load"
    map_block = page.get_by_test_id("case-map")
    expect(map_block).to_be_visible()
    expect(page.locator("#case-map.psm-map-ready .leaflet-marker-icon")).to_be_visible()
    expect(map_block.locator('a[data-map-link="geo"]')).to_have_attribute(
        "href", "geo:-3.297400,114.590500?q=-3.297400,114.590500"
    )
    check_page(page, "case page with photos and map")
    screenshot(page, artifacts, "case with thumbnails and map")

    page.get_by_test_id("print-link").click()
    expect(page.locator("h1")).to_contain_text(case.reference)
    expect(page.get_by_test_id("letterhead")).to_contain_text("DINAS SOSIAL")
    expect(page.get_by_role("button", name="Cetak")).to_be_visible()
    check_page(page, "print view")
    screenshot(page, artifacts, "print view")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Cetak")).to_be_hidden()
    page.pdf(path=str(artifacts.folder / "print-view.pdf"), format="A4")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Kembali ke kasus").click()
    expect(page.locator("h1")).to_have_text(case.reference)

    page.locator("#nav-main").get_by_role("link", name="Laporan", exact=True).click()
    check_page(page, "monthly report form")
    screenshot(page, artifacts, "monthly report form")
    page.get_by_label("PDF").check()
    page.locator("textarea[name=purpose], input[name=purpose]").fill(
        "Laporan bulanan untuk Kepala Dinas"
    )
    with page.expect_download(timeout=90_000) as download_info:  # weasyprint takes a while
        page.get_by_role("button", name="Unduh laporan").click(no_wait_after=True)
    download = download_info.value
    pdf_path = artifacts.folder / "laporan-bulanan.pdf"
    download.save_as(str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftoppm"):  # the PDF as a picture, to look at next to the screenshots
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "2",
                str(pdf_path),
                str(artifacts.folder / "laporan-bulanan"),
            ],
            check=True,
        )

    page.goto("/reports/monthly/")  # back from the download: the reports' tabs
    page.get_by_role("link", name="Log akses", exact=True).click()
    expect(page.locator("h1")).to_have_text("Log akses")
    check_page(page, "access log")
    screenshot(page, artifacts, "access log")

    # Filter by the case, with the dates the wrong way round (a typing mistake).
    page.get_by_label("Nomor kasus").fill(case.reference)
    page.get_by_label("Dari").fill("2026-12-31")
    page.get_by_label("Sampai").fill("2026-01-01")
    page.get_by_role("button", name="Saring").click()
    expect(page.locator("main")).to_contain_text("Tanggal akhir sebelum tanggal awal.")
    expect(page.get_by_label("Nomor kasus")).to_have_value(case.reference)
    check_page(page, "access log with a wrong date")
    screenshot(page, artifacts, "access log wrong date")

    page.get_by_label("Dari").fill("")
    page.get_by_label("Sampai").fill("")
    page.get_by_role("button", name="Saring").click()
    rows = page.locator("tr[data-access]")
    expect(rows.first).to_be_visible()
    # the case page, its print view, the case page again (thumbnails are not logged)
    assert rows.count() == 3
    expect(page.locator("tbody")).to_contain_text(f"/cases/{case.reference}/print/")
    check_page(page, "access log filtered by case")
    screenshot(page, artifacts, "access log filtered")


def test_staff_on_a_phone_sees_the_case_map_without_sideways_scroll(
    phone_page: Page, artifacts: Artifacts, petugas, relawan_alalak
):
    page = phone_page
    case = _case_with_photos(relawan_alalak)
    login_as(page, petugas)
    check_page(page, "staff home on a phone")
    screenshot(page, artifacts, "staff home")
    page.goto(case.get_absolute_url())
    expect(page.locator("#case-map.psm-map-ready .leaflet-marker-icon")).to_be_visible()
    page.get_by_test_id("case-map").scroll_into_view_if_needed()
    check_page(page, "case page with map on a phone")
    screenshot(page, artifacts, "case page with map")
    page.goto(f"/cases/{case.reference}/print/")
    check_page(page, "print view on a phone")
    screenshot(page, artifacts, "print view on a phone")


def test_the_expanded_menu_fits_from_992_px_up_with_a_long_name(open_page, artifacts: Artifacts):
    """From 992 px the navbar is expanded: the supervisor's eight links, the bell and a long
    name with the role needed 1,232 px in one row, so up to there the user menu was cut off
    and the page scrolled sideways. The links wrap instead; the user menu opens in sight."""
    kabid = user_create(
        username="kabid_nurul",
        role=User.Role.SUPERVISOR,
        full_name="Ir. Hj. Nurul Hidayati Rahmawati",
        email="nurul@test.invalid",
        password=PASSWORD,
    )
    page = open_page({"viewport": {"width": 992, "height": 760}})
    login_as(page, kabid)
    for width in (992, 1024, 1100, 1200, 1280):
        page.set_viewport_size({"width": width, "height": 760})
        page.goto("/")
        check_page(page, f"supervisor home at {width} px")
        toggle = page.locator("#nav-main .dropdown-toggle")
        expect(toggle).to_contain_text("Nurul Hidayati Rahmawati")
        box = toggle.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (width, box)
        toggle.click()
        leave = page.locator("form[action$='/accounts/logout/'] button")
        expect(leave).to_be_in_viewport()
        screenshot(page, artifacts, f"menu at {width} px")
        toggle.click()  # closed again before the next width
    logout(page)
