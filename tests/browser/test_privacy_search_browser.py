"""A search by NIK in a real browser: the NIK never reaches the address bar or history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import Artifacts, check_page, login_as, screenshot
from tests.cases_support import file_case

pytestmark = pytest.mark.browser


def _history_urls(page: Page) -> list[str]:
    """The page's own URL plus every entry htmx pushed (its history cache keeps the URLs)."""
    urls = [page.url]
    cached = page.evaluate("() => sessionStorage.getItem('htmx-history-cache') || '[]'")
    urls.append(cached)
    return urls


def test_supervisor_searches_cases_by_nik_without_it_in_the_url(
    desktop_page: Page, artifacts: Artifacts, relawan_alalak, kabid
):
    case = file_case(relawan_alalak)
    other = file_case(relawan_alalak)
    nik = case.beneficiary.nik
    page = desktop_page
    login_as(page, kabid)
    page.goto("/cases/")
    page.locator("#filters input[name=q]").fill(nik)
    page.locator("#filters button[type=submit]").click()
    expect(page.locator("#case-table")).to_contain_text(case.reference)
    expect(page.locator("#case-table")).not_to_contain_text(other.reference)
    for url in _history_urls(page):
        assert nik not in url, url
    assert "q=~" in page.url
    expect(page.locator("#case-table")).to_have_count(1)  # swapped, not nested
    check_page(page, "case list searched by NIK")
    screenshot(page, artifacts, "case list searched by nik")
    # Reloading the pushed URL shows the same result (the token opens the search again).
    page.reload()
    expect(page.locator("#case-table")).to_contain_text(case.reference)
    # A name keeps its plain, bookmarkable GET.
    name = case.beneficiary.name.split()[0]
    page.locator("#filters input[name=q]").fill(name)
    page.locator("#filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/cases/\?q={re.escape(name)}(&|$)"))
    expect(page.locator("#case-table")).to_contain_text(case.reference)


def test_admin_searches_the_roster_by_nik_without_it_in_the_url(
    desktop_page: Page, artifacts: Artifacts, relawan_alalak, relawan_kuin, admin_user
):
    from volunteers.services import volunteer_update

    nik = "6371015504850003"
    volunteer_update(volunteer=relawan_kuin.volunteer, data={"nik": nik}, actor=admin_user)
    page = desktop_page
    login_as(page, admin_user)
    page.goto("/volunteers/")
    page.locator("input[name=q]").fill(nik)
    page.locator("form[data-private-search] button[type=submit]").click()
    expect(page.locator("#roster-table")).to_contain_text("Relawan Kuin")
    expect(page.locator("#roster-table")).not_to_contain_text("Relawan Alalak")
    for url in _history_urls(page):
        assert nik not in url, url
    check_page(page, "roster searched by NIK")
    screenshot(page, artifacts, "roster searched by nik")


def test_staff_finds_a_person_by_nik_at_intake(
    phone_page: Page, artifacts: Artifacts, relawan_alalak, petugas
):
    case = file_case(relawan_alalak)
    nik = case.beneficiary.nik
    page = phone_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    login_as(page, petugas)
    page.goto("/cases/new/")
    page.locator("#beneficiary-q").fill(nik)
    expect(page.locator("#beneficiary-results")).to_contain_text(case.beneficiary.name)
    assert requests and not [url for url in requests if nik in url]
    check_page(page, "intake person found by NIK")
    screenshot(page, artifacts, "intake person found by nik")
