"""A Dinsos officer triages the way people click: tick the cases first, then choose the
action, type part of a name and pick the suggestion; tick across pages; make a mistake and
correct it. On an office desktop and on a 360 px phone; every page checked, every step shot."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Case
from cases.selectors.queue import PAGE_SIZE
from tests.browser.pages import PHONE, Artifacts, check_page, login_as, logout, screenshot
from tests.cases_support import beneficiary, case_with, file_case

pytestmark = pytest.mark.browser

DESKTOP_1366x800: dict[str, Any] = {"viewport": {"width": 1366, "height": 800}}
OFFICE_1280x800: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
DEVICES = [
    pytest.param(DESKTOP_1366x800, id="desktop"),
    pytest.param(PHONE, id="phone"),
]
# Long names, as people have: a row must still fit a phone.
LONG_NAME = "Muhammad Abdurrahman Wahyudi Saputra Ramadhan bin Haji Abdullah"


def _queue(reporter, n: int) -> list[Case]:
    """n new cases, oldest first: the triage queue's order (all of normal priority)."""
    return [
        file_case(reporter, beneficiary=beneficiary(name=f"{LONG_NAME} {i:02d}")) for i in range(n)
    ]


def _tick(page: Page, case: Case) -> None:
    page.get_by_label(f"Pilih {case.reference}", exact=True).check()


def _count(page: Page) -> Any:
    return page.locator("#selection-bar")


def _pick_assignee(page: Page, typed: str, username: str) -> None:
    """Type part of a name in "Tugaskan kepada" and pick the person from the suggestions."""
    box = page.get_by_role("combobox", name="Tugaskan kepada", exact=True)
    box.click()
    box.press_sequentially(typed, delay=40)
    suggestions = page.locator("#bulk-form").get_by_role("listbox")
    option = suggestions.get_by_role("option", name=re.compile(re.escape(typed)))
    expect(option.first).to_be_visible()
    option.first.click()
    expect(box).to_have_value(username)


def _open_page(open_page, device: dict[str, Any], user) -> Page:
    page = open_page(device)
    login_as(page, user)
    return page


@pytest.mark.parametrize("screen", DEVICES)
def test_officer_ticks_two_cases_then_chooses_assign_and_picks_the_suggested_person(
    open_page, artifacts: Artifacts, petugas, relawan_alalak, screen
):
    first, second, untouched = _queue(relawan_alalak, 3)
    page = _open_page(open_page, screen, petugas)
    page.goto("/triage/")
    # Nothing ticked: no bulk form in the way (on a phone it sat above the list).
    expect(page.locator("#bulk-form")).to_be_hidden()
    check_page(page, "triage queue")
    screenshot(page, artifacts, "triage queue")

    _tick(page, first)
    _tick(page, second)
    expect(_count(page)).to_contain_text("2 dipilih")
    expect(page.locator("#bulk-form")).to_be_visible()
    check_page(page, "two cases ticked")
    screenshot(page, artifacts, "two cases ticked")
    # The selection bar stays in sight under the list; it leads to the action.
    _count(page).get_by_role("link", name="Pilih tindakan").click()
    expect(page.locator("#bulk-form").get_by_label("Tindakan")).to_be_focused()

    page.locator("#bulk-form").get_by_label("Tindakan").select_option(label="Tugaskan")
    page.wait_for_load_state("networkidle")
    # Choosing an action does not reload the list (the filters used to listen to every
    # select on the page and redrew the table without the ticks).
    expect(page).to_have_url(re.compile(r"/triage/$"))
    expect(page.get_by_label(f"Pilih {first.reference}", exact=True)).to_be_checked()
    expect(page.get_by_label(f"Pilih {second.reference}", exact=True)).to_be_checked()
    expect(_count(page)).to_contain_text("2 dipilih")
    screenshot(page, artifacts, "assign chosen, ticks kept")

    _pick_assignee(page, "Alalak", "relawan_alalak")
    expect(page.get_by_label(f"Pilih {first.reference}", exact=True)).to_be_checked()
    check_page(page, "assignee picked")
    screenshot(page, artifacts, "assignee picked")

    page.get_by_role("button", name="Terapkan ke kasus yang dipilih").click()
    expect(page.locator("main .alert-success")).to_contain_text("2 kasus diperbarui")
    expect(page).to_have_url(re.compile(r"/triage/$"))
    check_page(page, "after the assignment")
    screenshot(page, artifacts, "both assigned")

    assigned = {c.reference: c.assignee for c in Case.objects.select_related("assignee")}
    assert assigned[first.reference] == relawan_alalak
    assert assigned[second.reference] == relawan_alalak
    assert assigned[untouched.reference] is None
    # Done: the selection is gone with them.
    expect(_count(page)).to_be_hidden()
    expect(page.locator("#bulk-form")).to_be_hidden()


@pytest.mark.parametrize("screen", DEVICES)
def test_officer_ticks_one_case_on_each_page_and_assigns_both(
    open_page, artifacts: Artifacts, petugas, relawan_alalak, screen
):
    cases = _queue(relawan_alalak, PAGE_SIZE + 3)
    on_first, on_second = cases[0], cases[PAGE_SIZE + 1]
    page = _open_page(open_page, screen, petugas)
    page.goto("/triage/")
    _tick(page, on_first)
    expect(_count(page)).to_contain_text("1 dipilih")
    screenshot(page, artifacts, "one ticked on page 1")

    page.get_by_role("link", name="Berikutnya").click()
    expect(page.get_by_text("Halaman 2 dari 2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(_count(page)).to_contain_text("1 dipilih")
    _tick(page, on_second)
    expect(_count(page)).to_contain_text("2 dipilih")
    check_page(page, "page 2, one more ticked")
    screenshot(page, artifacts, "one more ticked on page 2")

    page.get_by_role("link", name="Sebelumnya").click()
    expect(page.get_by_text("Halaman 1 dari 2")).to_be_visible()
    expect(page.get_by_label(f"Pilih {on_first.reference}", exact=True)).to_be_checked()
    screenshot(page, artifacts, "back on page 1, tick still there")

    _pick_assignee(page, "Alalak", "relawan_alalak")
    page.get_by_role("button", name="Terapkan ke kasus yang dipilih").click()
    expect(page.locator("main .alert-success")).to_contain_text("2 kasus diperbarui")
    check_page(page, "after the assignment")
    screenshot(page, artifacts, "both assigned")
    mine = set(Case.objects.filter(assignee=relawan_alalak).values_list("reference", flat=True))
    assert mine == {on_first.reference, on_second.reference}


@pytest.mark.parametrize("screen", DEVICES)
def test_officer_selects_a_whole_page_mistypes_the_assignee_and_corrects_it(
    open_page, artifacts: Artifacts, petugas, relawan_alalak, screen
):
    cases = _queue(relawan_alalak, PAGE_SIZE + 4)
    second_page = cases[PAGE_SIZE:]
    page = _open_page(open_page, screen, petugas)
    page.goto("/triage/?page=2")
    select_all = page.get_by_label("Pilih semua di halaman ini")
    select_all.check()
    expect(_count(page)).to_contain_text("4 dipilih")
    for case in second_page:
        expect(page.get_by_label(f"Pilih {case.reference}", exact=True)).to_be_checked()
    check_page(page, "a page selected")
    screenshot(page, artifacts, "whole page selected")

    page.get_by_role("button", name="Batalkan pilihan").click()
    expect(_count(page)).to_be_hidden()
    expect(page.locator("#bulk-form")).to_be_hidden()
    expect(select_all).not_to_be_checked()
    select_all.check()
    expect(_count(page)).to_contain_text("4 dipilih")

    _tick_off = second_page[0]
    page.get_by_label(f"Pilih {_tick_off.reference}", exact=True).uncheck()
    expect(_count(page)).to_contain_text("3 dipilih")
    expect(select_all).not_to_be_checked()
    page.get_by_label(f"Pilih {_tick_off.reference}", exact=True).check()
    expect(select_all).to_be_checked()
    expect(_count(page)).to_contain_text("4 dipilih")

    box = page.get_by_role("combobox", name="Tugaskan kepada", exact=True)
    box.fill("Orang Yang Tidak Ada")
    page.get_by_role("button", name="Terapkan ke kasus yang dipilih").click()
    expect(page.locator("main .alert-danger").first).to_be_visible()
    expect(page.locator("#bulk-form")).to_contain_text("Tidak ada orang dengan nama pengguna")
    expect(box).to_have_value("Orang Yang Tidak Ada")
    # The same page of the list, its ticks kept.
    expect(page.get_by_text("Halaman 2 dari 2")).to_be_visible()
    for case in second_page:
        expect(page.get_by_label(f"Pilih {case.reference}", exact=True)).to_be_checked()
    expect(_count(page)).to_contain_text("4 dipilih")
    check_page(page, "the refused action")
    screenshot(page, artifacts, "unknown assignee refused")
    assert not Case.objects.filter(assignee__isnull=False).exists()

    box.fill("")
    _pick_assignee(page, "Alalak", "relawan_alalak")
    page.get_by_role("button", name="Terapkan ke kasus yang dipilih").click()
    expect(page.locator("main .alert-success")).to_contain_text("4 kasus diperbarui")
    expect(page).to_have_url(re.compile(r"/triage/\?page=2$"))
    check_page(page, "after the corrected action")
    screenshot(page, artifacts, "corrected and assigned")
    mine = set(Case.objects.filter(assignee=relawan_alalak).values_list("reference", flat=True))
    assert mine == {c.reference for c in second_page}


def _widest(page: Page) -> int:
    """The right edge of the widest part of the list (a table may scroll inside its box)."""
    return int(
        page.evaluate(
            """() => Math.max(0, ...Array.from(
                document.querySelectorAll('#case-table, #case-table table, #case-table tr'),
                el => Math.max(el.getBoundingClientRect().right, el.scrollWidth)))"""
        )
    )


def test_case_lists_are_cards_on_a_phone_and_the_filter_folds_away(
    phone_page: Page, artifacts: Artifacts, petugas, relawan_alalak
):
    cases = _queue(relawan_alalak, 12)
    page = phone_page
    login_as(page, relawan_alalak)
    page.goto("/cases/")
    expect(page.locator("h1")).to_have_text("Kasus saya")
    assert _widest(page) <= 360, f"Kasus saya is {_widest(page)} px wide at 360 px"
    card = page.locator("#case-table tbody tr").first
    for shown in (".c-ref", ".c-person", ".c-status", ".c-area", ".c-due"):
        expect(card.locator(shown)).to_be_visible()
    expect(card.locator(".c-area")).to_contain_text("Alalak Utara")
    check_page(page, "Kasus saya on a phone")
    screenshot(page, artifacts, "kasus saya as cards")

    # The phone changes hands the way people do it: log out, then the officer logs in.
    # (Clearing cookies raced the volunteer's background requests, whose responses set the
    # volunteer's session cookie again: the officer then landed on the volunteer's home.)
    logout(page)
    login_as(page, petugas)
    for url in ("/cases/", "/triage/"):
        page.goto(url)
        expect(page.locator("#case-table")).to_contain_text(cases[-1].reference)
        width = _widest(page)
        assert width <= 360, f"{url} is {width} px wide at 360 px"
        filters = page.locator("#filters")
        expect(filters).to_be_hidden()
        check_page(page, f"{url} on a phone")
        screenshot(page, artifacts, f"{url} as cards")
    _tick(page, cases[0])
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#filters")).to_be_visible()
    screenshot(page, artifacts, "triage filter unfolded")
    check_page(page, "triage with its filter open")
    # The filters still apply themselves on their own selects; the tick outlives them.
    page.locator("#filters").get_by_label("Prioritas").select_option(label="Darurat")
    expect(page).to_have_url(re.compile(r"priority=emergency"))
    expect(page.locator("#case-table")).not_to_contain_text(cases[0].reference)
    expect(_count(page)).to_contain_text("1 dipilih")
    page.locator("#filters").get_by_label("Prioritas").select_option(label="Semua prioritas")
    expect(page.get_by_label(f"Pilih {cases[0].reference}", exact=True)).to_be_checked()
    check_page(page, "triage filtered and back")
    screenshot(page, artifacts, "filtered and back, tick kept")


def test_without_javascript_the_ticks_of_the_page_still_go_with_the_form(
    new_context, live_url, petugas, relawan_alalak
):
    """No screenshots here: Playwright's screenshot waits on scripts of its own."""
    first, second, untouched = _queue(relawan_alalak, 3)
    context = new_context(
        base_url=live_url, locale="id-ID", java_script_enabled=False, **DESKTOP_1366x800
    )
    page = context.new_page()
    login_as(page, petugas)
    page.goto("/triage/")
    expect(page.locator("#bulk-form")).to_be_visible()  # always shown without JavaScript
    _tick(page, first)
    _tick(page, second)
    page.locator("#bulk-form").get_by_label("Tindakan").select_option(label="Tugaskan")
    page.get_by_label("Tugaskan kepada", exact=True).fill("relawan_alalak")
    page.get_by_role("button", name="Terapkan ke kasus yang dipilih").click()
    expect(page.locator("main .alert-success")).to_contain_text("2 kasus diperbarui")
    mine = set(Case.objects.filter(assignee=relawan_alalak).values_list("reference", flat=True))
    assert mine == {first.reference, second.reference}


def test_on_a_1280_px_office_screen_the_lists_show_every_column_whole(
    open_page, artifacts: Artifacts, petugas, relawan_alalak
):
    """The lists' ten columns need 1,196 px: in the layout's 1,116 px container the due column
    started cut, behind the table's own sideways scroll. The lists take the screen's width."""
    _queue(relawan_alalak, 2)
    now = timezone.now()
    case_with(relawan_alalak, due_at=now - dt.timedelta(hours=5))  # "Terlambat"
    case_with(relawan_alalak, due_at=now + dt.timedelta(hours=5))  # "Segera jatuh tempo"
    page = _open_page(open_page, OFFICE_1280x800, petugas)
    for path, what in (("/triage/", "triage"), ("/cases/", "case list")):
        page.goto(path)
        check_page(page, f"{what} at 1280 px")
        table = page.locator(".table-responsive")
        inner, shown = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
        assert inner <= shown, f"{what}: the table is {inner} px in {shown} px"
        due = page.get_by_role("columnheader", name=re.compile("Batas tanggapan"))
        due.scroll_into_view_if_needed()
        expect(due).to_be_in_viewport(ratio=1)
        screenshot(page, artifacts, f"{what} at 1280 px")
