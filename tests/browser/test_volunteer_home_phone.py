"""The volunteer home with work on it, on a 360 px phone: readable, no sideways scroll,
no serious accessibility problem, the "Laporkan kasus" button leads to the intake form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import Artifacts, assert_accessible, login_as, screenshot
from tests.test_volunteer_home import busy  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.browser


def test_volunteer_home_with_work_fits_a_phone(
    phone_page: Page,
    artifacts: Artifacts,
    relawan_alalak,
    busy,  # noqa: F811
):
    page = phone_page
    login_as(page, relawan_alalak)
    cases = page.locator("[data-block=cases] [data-case]")
    expect(cases).to_have_count(2)
    expect(cases.first.locator("[data-badge=overdue]")).to_be_visible()
    expect(page.locator("[data-block=visits] [data-visit]")).to_have_count(2)
    expect(page.locator("[data-home-unread]")).to_have_text("3 belum dibaca")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "page scrolls sideways"
    assert_accessible(page, "volunteer home with work")
    screenshot(page, artifacts, "volunteer home with work")
    page.get_by_role("link", name="Laporkan kasus").click()
    expect(page).to_have_url(re.compile(r"/cases/new/$"))
