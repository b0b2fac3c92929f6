"""axe-core finds no serious or critical accessibility problem on the pages people use first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, login_as, open_menu_if_collapsed

pytestmark = pytest.mark.browser


def test_login_page_is_accessible_also_with_its_error(phone_page: Page, relawan_alalak):
    page = phone_page
    page.goto("/accounts/login/")
    assert_accessible(page, "login page")
    page.locator("main form button[type=submit]").click()  # empty form: field errors shown
    expect(page.locator("main .invalid-feedback").first).to_be_visible()
    assert_accessible(page, "login page with errors")


def test_volunteer_home_and_password_change_are_accessible(phone_page: Page, relawan_alalak):
    page = phone_page
    login_as(page, relawan_alalak)
    assert_accessible(page, "volunteer home")
    open_menu_if_collapsed(page)
    assert_accessible(page, "volunteer home, menu open")
    page.goto("/accounts/password/change/")
    assert_accessible(page, "password change")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .invalid-feedback").first).to_be_visible()
    assert_accessible(page, "password change with errors")


def test_axe_scan_reports_a_real_violation(phone_page: Page, relawan_alalak):
    """The scanner itself works: an image without alt text on a live page is caught."""
    page = phone_page
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const b = document.createElement('button'); b.id = 'unnamed';"
        " document.querySelector('main').append(b); }"
    )
    with pytest.raises(AssertionError, match=r'"id": "button-name".*#unnamed'):
        assert_accessible(page, "login page with a nameless button")


def test_intake_with_errors_and_the_case_page_are_accessible(phone_page: Page, relawan_alalak):
    """The journey scans intake, triage and the dashboard as they first appear; here the
    intake form after a refused submission, and a case page with its forms."""
    from tests.cases_support import file_case

    case = file_case(relawan_alalak)
    page = phone_page
    login_as(page, relawan_alalak)
    page.goto("/cases/new/")
    page.locator("#intake-form button[type=submit]").click()
    expect(page.locator("main .invalid-feedback").first).to_be_visible()
    assert_accessible(page, "intake form with errors")
    page.goto(case.get_absolute_url())
    expect(page.locator("h1")).to_have_text(case.reference)
    assert_accessible(page, "case page")
