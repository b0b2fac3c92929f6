"""The full case journey, for the lead to finish once the cases UI is merged (issue 8, item 1).

NOT COLLECTED: pytest only collects test_*.py files, and this function's name does not start
with test_. To turn it on, move it into tests/browser/test_journeys.py as

    def test_a_case_goes_from_phone_to_dashboard(phone_page, desktop_page, open_page,
                                                  artifacts, tmp_path, relawan_alalak,
                                                  petugas, kabid):
        full_case_journey(volunteer_page=phone_page, staff_page=desktop_page,
                          supervisor_page=open_page(DESKTOP), artifacts=artifacts,
                          volunteer=relawan_alalak, staff=petugas, supervisor=kabid,
                          photo=tiny_jpeg(tmp_path))

and replace every `TODO(cases UI)` selector with the real one. Every step takes a screenshot
(test-artifacts/journeys/<test>/NN-step.png); pytest-playwright adds one on failure.

Each persona gets its own browser context (own cookies), so several people can be logged in
at once as in real life: the `open_page(PHONE | DESKTOP)` fixture of conftest.py.
Budget: the whole browser part should stay under ~60 s; this journey should take < 15 s.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from psm.accounts.models import User
from tests.browser.pages import (
    Artifacts,
    assert_accessible,
    login_as,
    open_menu_if_collapsed,
    screenshot,
)


def tiny_jpeg(tmp_path: Path) -> Path:
    """A real (small) JPEG made with Pillow: phones upload photos, not text files."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(buffer, format="JPEG")
    path = tmp_path / "foto-rumah.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def full_case_journey(
    *,
    volunteer_page: Page,  # phone_page fixture (360x740)
    staff_page: Page,  # desktop_page fixture
    supervisor_page: Page,  # open_page(DESKTOP)
    artifacts: Artifacts,
    volunteer: User,  # relawan_alalak
    staff: User,  # petugas
    supervisor: User,  # kabid
    photo: Path,  # tiny_jpeg(tmp_path)
) -> dict[str, Any]:
    # 1. The volunteer files a case with a photo, on the phone. ------------------------------
    page = volunteer_page
    login_as(page, volunteer)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Kasus baru").click()  # NAV_ITEMS "New case"
    assert_accessible(page, "intake form")  # issue 8: axe on intake
    screenshot(page, artifacts, "intake form")
    # TODO(cases UI): fill the intake form by label; names/NIK from faker id_ID and
    # psm.nik.generate_nik, never real data. For example:
    #   page.get_by_label("Nama").fill(name)
    #   page.get_by_label("Kategori").select_option(label="Anak terlantar")
    #   page.get_by_label("Foto").set_input_files(str(photo))
    page.get_by_role("button", name=re.compile("Kirim|Simpan")).click()
    reference = page.locator("[data-case-reference]").inner_text()  # TODO(cases UI)
    assert re.fullmatch(r"BJM-\d{4}-\d{6}", reference), reference
    screenshot(page, artifacts, "case filed")

    # 2. Staff find it in triage, verify it and assign it to the volunteer. -----------------
    page = staff_page
    login_as(page, staff)
    page.get_by_role("link", name="Triase").click()  # NAV_ITEMS "Triage"
    assert_accessible(page, "triage")  # issue 8: axe on triage
    row = page.locator("tr", has_text=reference)  # TODO(cases UI)
    expect(row).to_be_visible()
    screenshot(page, artifacts, "triage list")
    # TODO(cases UI): verify, then assign to `volunteer` (htmx swaps: wait on the row text).
    #   row.get_by_role("button", name="Verifikasi").click()
    #   expect(row).to_contain_text("Terverifikasi")
    #   row.get_by_label("Petugas").select_option(label=str(volunteer)); ...
    screenshot(page, artifacts, "verified and assigned")

    # 3. The volunteer sees the assignment and logs a visit. --------------------------------
    page = volunteer_page
    page.goto("/")
    # TODO(cases UI): the assignment shows on the home page or in notifications.
    #   expect(page.locator("main")).to_contain_text(reference)
    #   page.get_by_role("link", name=reference).click()
    #   page.get_by_role("button", name="Catat kunjungan").click(); fill; submit
    #   expect(page.locator("[data-timeline]")).to_contain_text("Kunjungan")
    screenshot(page, artifacts, "visit logged")

    # 4. The supervisor sees it counted on the dashboard. -----------------------------------
    page = supervisor_page
    login_as(page, supervisor)
    page.get_by_role("link", name="Dasbor").click()  # NAV_ITEMS "Dashboard"
    assert_accessible(page, "dashboard")  # issue 8: axe on dashboard
    # TODO(cases UI): read the counter for in-progress cases in Alalak Utara, e.g.
    #   expect(page.locator("[data-stat=in_progress]")).to_have_text("1")
    screenshot(page, artifacts, "dashboard")
    return {"reference": reference}
