"""The field app in a real Chromium with a persistent profile (issue 17, acceptance).

Offline, a volunteer files three cases with a photo each and logs a visit; the browser closes
and opens again online: everything arrives exactly once with its photos. The same with the
connection flapping, with the server answering 500 to the first attempts, and with two tabs
sending the same outbox at once: 0 lost, 0 duplicated (rows and files counted).

pytest-playwright's fixtures open a fresh context per test; these tests need a profile that
survives closing the browser, so they launch Chromium themselves (launch_persistent_context)
with the args of conftest.py.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from cases.models import Attachment, Case, Visit
from cases.views import outbox as views_outbox
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.pages import (
    PHONE,
    Artifacts,
    check_page,
    login_as,
    open_menu_if_collapsed,
    screenshot,
    watch_console,
)

pytestmark = pytest.mark.browser
SAVED = "Tersimpan di HP, belum terkirim"
fake = Faker("id_ID")


def phone_photo(folder: Path, n: int) -> Path:
    """A 2000x1500 camera-like JPEG with EXIF (orientation, GPS) and some texture."""
    img = Image.effect_noise((450, 340), 40).convert("RGB").resize((1800, 1350))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the phone held upright
    exif[0x010F] = "PhoneMaker"
    path = folder / f"foto-{n}.jpg"
    img.save(path, format="JPEG", quality=92, exif=exif)
    return path


class Field:
    """One volunteer's phone: a persistent Chromium profile that can be closed and reopened."""

    def __init__(self, playwright: Playwright, live_url: str, profile: Path) -> None:
        self.playwright = playwright
        self.live_url = live_url
        self.profile = profile
        self.context: BrowserContext | None = None

    def open(self) -> Page:
        if not CHROMIUM.exists():
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.fail(f"CI must run the browser tests: {CHROMIUM} is missing")
            pytest.skip(f"{CHROMIUM} is missing")
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            base_url=self.live_url,
            locale="id-ID",
            timezone_id="Asia/Makassar",
            **PHONE,
        )
        self.context.set_default_timeout(15_000)
        return self.tab()

    def tab(self) -> Page:
        assert self.context is not None
        page = self.context.pages[0] if len(self.context.pages) == 1 and self._blank() else None
        page = page or self.context.new_page()
        watch_console(page)
        return page

    def _blank(self) -> bool:
        assert self.context is not None
        return self.context.pages[0].url in ("about:blank", "")

    def offline(self, value: bool) -> None:
        assert self.context is not None
        self.context.set_offline(value)

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None


@pytest.fixture
def field(playwright: Playwright, live_url: str, tmp_path: Path) -> Iterator[Field]:
    phone = Field(playwright, live_url, tmp_path / "profile")
    yield phone
    phone.close()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return [phone_photo(tmp_path, n) for n in range(3)]


def install(page: Page) -> None:
    """Open the app online and wait until the service worker holds the field pages."""
    page.goto("/field/")
    expect(page.locator("html")).to_have_attribute("data-outbox", "ready")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    deadline = time.monotonic() + 20
    # (evaluate, not wait_for_function: the strict CSP forbids the eval the latter uses)
    while not page.evaluate("() => caches.match('/outbox/', {ignoreSearch: true}).then(Boolean)"):
        assert time.monotonic() < deadline, "the service worker did not precache the pages"
        time.sleep(0.2)


def file_case_offline(page: Page, photo: Path, name: str) -> None:
    page.goto("/cases/new/")
    expect(page.locator("#beneficiary-q")).to_be_disabled()  # searching people needs the server
    form = page.locator("#intake-form")
    form.get_by_label("Nama lengkap").fill(name)
    form.get_by_label("Kategori").select_option(label="Lanjut Usia Terlantar")
    form.get_by_label("Bagaimana keadaannya?").fill("Lansia tinggal sendiri, atap bocor.")
    form.get_by_label("Alamat").fill("Jl. Uji Coba No. 7")
    form.get_by_label("Foto atau dokumen").set_input_files(str(photo))
    form.get_by_role("button", name="Kirim kasus").click()
    expect(form.locator("[data-outbox-status]")).to_contain_text(SAVED)


def log_visit_offline(page: Page) -> None:
    page.goto("/field/visit/")
    form = page.locator("#field-visit-form")
    cases = form.get_by_label("Kasus yang dicatat dari HP ini")
    expect(cases.locator("option")).to_have_count(4)
    cases.select_option(index=1)
    form.get_by_label("Temuan").fill("Atap bocor di dua tempat.")
    form.get_by_role("button", name="Simpan kunjungan").click()
    expect(form.locator("[data-outbox-status]")).to_contain_text(SAVED)


def record_offline(field: Field, relawan: Any, photos: list[Path], artifacts: Artifacts) -> Page:
    page = field.open()
    login_as(page, relawan)
    install(page)
    field.offline(True)
    for n, photo in enumerate(photos):
        file_case_offline(page, photo, f"{fake.name()} {n}")
    screenshot(page, artifacts, "case saved on the phone")
    log_visit_offline(page)
    page.goto("/outbox/")
    expect(page.locator("[data-outbox-item]")).to_have_count(4)
    expect(page.locator("[data-state=menunggu]")).to_have_count(4)
    screenshot(page, artifacts, "outbox offline")
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    return page


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def wait_until_arrived(settings: Any, *, timeout: float = 40) -> None:
    """Everything recorded arrives: 3 cases, 1 visit, 3 photos, 3 files; then stays so."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Case.objects.count() >= 3 and Attachment.objects.count() >= 3 and Visit.objects.exists():
            break
        time.sleep(0.3)
    time.sleep(1.5)  # late duplicates would show up now
    assert Case.objects.count() == 3
    assert Visit.objects.count() == 1
    assert Attachment.objects.count() == 3
    assert len(stored_files(settings)) == 3
    assert sorted(Case.objects.values_list("attachments__original_name", flat=True)) == [
        "foto-0.jpg",
        "foto-1.jpg",
        "foto-2.jpg",
    ]
    assert Visit.objects.get().case in Case.objects.all()
    assert all(
        case.recorded_at and case.recorded_at < case.created_at for case in Case.objects.all()
    )


def outbox_all_sent(page: Page) -> None:
    page.goto("/outbox/")
    expect(page.locator("[data-state=terkirim]")).to_have_count(4, timeout=20_000)


def test_offline_records_arrive_once_after_the_browser_reopens(
    field: Field, relawan_alalak, photos, artifacts, settings
):
    page = record_offline(field, relawan_alalak, photos, artifacts)
    check_page(page, "outbox offline")
    field.close()
    page = field.open()  # online again; the app opens and sends
    page.goto("/field/")
    wait_until_arrived(settings)
    outbox_all_sent(page)
    check_page(page, "outbox sent")
    screenshot(page, artifacts, "outbox sent")
    image = Image.open(io.BytesIO(Attachment.objects.first().file.read()))  # type: ignore[union-attr]
    assert max(image.size) <= 1600 and image.size[1] > image.size[0]  # upright, small
    assert not image.getexif()
    page.goto(Case.objects.order_by("created_at").first().get_absolute_url())  # type: ignore[union-attr]
    expect(page.locator("[data-recorded-at]")).to_contain_text("Dicatat di HP")
    screenshot(page, artifacts, "case with phone time")


def test_flapping_connection_loses_and_duplicates_nothing(
    field: Field, relawan_alalak, photos, artifacts, settings
):
    page = record_offline(field, relawan_alalak, photos, artifacts)
    for _ in range(4):  # on for 1.2 s, off for 0.8 s
        field.offline(False)
        page.wait_for_timeout(1200)
        field.offline(True)
        page.wait_for_timeout(800)
    field.offline(False)
    page.get_by_role("button", name="Kirim sekarang").click()
    wait_until_arrived(settings)
    outbox_all_sent(page)


def test_server_errors_on_first_attempts_are_retried(
    field: Field, relawan_alalak, photos, artifacts, settings
):
    page = record_offline(field, relawan_alalak, photos, artifacts)
    settings.PSM_FIELD_FAIL_FIRST = 3
    views_outbox.FAULTS["seen"] = 0
    try:
        field.offline(False)  # `online`: the outbox sends; the server answers 500 three times
        wait_until_arrived(settings)
        assert views_outbox.FAULTS["seen"] == 3
        outbox_all_sent(page)
        screenshot(page, artifacts, "sent after retries")
    finally:
        views_outbox.FAULTS["seen"] = 0


def test_two_tabs_sending_the_same_outbox(
    field: Field, relawan_alalak, photos, artifacts, settings
):
    first = record_offline(field, relawan_alalak, photos, artifacts)
    second = field.tab()
    second.goto("/outbox/")
    expect(second.locator("[data-outbox-item]")).to_have_count(4)
    send: list[Callable[[], None]] = [
        lambda: first.get_by_role("button", name="Kirim sekarang").click(),
        lambda: second.get_by_role("button", name="Kirim sekarang").click(),
    ]
    field.offline(False)
    for click in send:
        click()
    wait_until_arrived(settings)
    outbox_all_sent(second)


def test_a_new_release_replaces_the_cache_and_tells_the_volunteer(
    field: Field, relawan_alalak, settings, artifacts
):
    settings.PSM_RELEASE = "rilis-lama"
    page = field.open()
    login_as(page, relawan_alalak)
    install(page)
    settings.PSM_RELEASE = "rilis-baru"
    page.goto("/field/")
    page.evaluate("() => navigator.serviceWorker.ready.then((reg) => reg.update())")
    banner = page.locator("[data-new-version]")
    expect(banner).to_contain_text("Versi baru tersedia")
    screenshot(page, artifacts, "new version")
    banner.get_by_role("button", name="Muat ulang").click()
    expect(page.locator("[data-new-version]")).to_have_count(0)
    keys = page.evaluate(
        "async () => { const out = []; for (const n of await caches.keys()) {"
        " for (const r of await (await caches.open(n)).keys()) out.push(r.url); } return out; }"
    )
    assert keys and all("rilis-baru" in url for url in keys), keys
    check_page(page, "after the update")


def _wait_until(page: Page, condition: Any, seconds: float = 10) -> None:
    """Let the page's event loop run until `condition()` holds (at most `seconds`)."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), "not reached in time"


def test_logging_out_with_unsent_records_warns_then_clears_the_phone(
    field: Field, relawan_alalak, photos, artifacts, settings
):
    page = field.open()
    login_as(page, relawan_alalak)
    install(page)
    field.offline(True)
    file_case_offline(page, photos[0], fake.name())
    settings.PSM_FIELD_FAIL_FIRST = 10_000  # the server keeps refusing: the case stays unsent
    views_outbox.FAULTS["seen"] = 0
    try:
        field.offline(False)
        page.goto("/outbox/")
        expect(page.locator("[data-outbox-item]")).to_have_count(1)
        dialogs: list[str] = []

        def answer(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

        page.on("dialog", answer)
        open_menu_if_collapsed(page)
        page.locator("#nav-main .dropdown-toggle").click()
        page.locator("form[action$='/accounts/logout/'] button").click()
        # The warning comes once the outbox has counted its records in IndexedDB (async):
        # wait for it rather than reading the list the instant the button was pressed.
        _wait_until(page, lambda: len(dialogs) >= 1)
        expect(page.locator("[data-outbox-item]")).to_have_count(1)  # dismissed: still here
        assert "1 data di HP ini belum terkirim" in dialogs[0]
        # The menu closed with the dialog; submit the same form again (the same submit event).
        page.locator("form[action$='/accounts/logout/']").evaluate("(f) => f.requestSubmit()")
        page.wait_for_url(re.compile(r"/accounts/login/"))
        _wait_until(page, lambda: len(dialogs) >= 2)
        assert len(dialogs) == 2
        left = page.evaluate(
            "async () => ({dbs: (await indexedDB.databases()).map((d) => d.name),"
            " caches: await caches.keys(),"
            " workers: (await navigator.serviceWorker.getRegistrations()).length})"
        )
        assert left == {"dbs": [], "caches": [], "workers": 0}, left
        assert Case.objects.count() == 0
    finally:
        views_outbox.FAULTS["seen"] = 0
