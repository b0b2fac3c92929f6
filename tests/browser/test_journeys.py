"""Journeys through the real app in Chromium, step by step, a screenshot at each step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
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
