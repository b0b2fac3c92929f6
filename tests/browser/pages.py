"""Page helpers every browser journey reuses: log in, take a step screenshot, scan with axe.

Keep them small and user-shaped (what a person does on the page), so a journey reads like the
story it tells. Selectors prefer roles and labels over CSS: they survive template changes and
double as an accessibility check (a control a test cannot find by its label has none).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils import translation
from playwright.sync_api import Page, expect

from psm.accounts.forms import LoginForm
from psm.accounts.models import User
from tests.conftest import PASSWORD

PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 850}}

AXE_JS = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class Artifacts:
    """Numbered screenshots of one test, in the order the steps happened."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    @classmethod
    def for_test(cls, root: Path, test_name: str) -> Artifacts:
        folder = root / re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        return cls(folder)


def screenshot(page: Page, artifacts: Artifacts, step: str) -> Path:
    """Save a full-page screenshot named after the journey step (01-login-page.png, ...)."""
    slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    path = artifacts.folder / f"{len(artifacts.taken) + 1:02d}-{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    artifacts.taken.append(path)
    return path


def invalid_login_message(username: str = "x", language: str = "id") -> str:
    """The error a wrong password shows, as the app words it in that language."""
    with translation.override(language):
        # The message itself, without a login attempt (axes would want a request for one).
        form = LoginForm(data={"username": username})
        return str(form.error_messages["invalid_login"] % {"username": "nama pengguna"})


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill the login form by its labels and press the button (whatever the UI language)."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")


def login_as(page: Page, user: User, password: str = PASSWORD) -> None:
    """Log in through the real form and land on the role's home page."""
    submit_login(page, user.username, password)
    expect(page.locator(f'h1[data-role="{user.role}"]')).to_be_visible()


def open_menu_if_collapsed(page: Page) -> None:
    """On a phone the navigation hides behind the menu button; open it if it is shown."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        # Bootstrap adds "show" once the slide-down transition has ended.
        expect(page.locator("#nav-main")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def logout(page: Page) -> None:
    """Open the menu, then the user menu, then press log out (a POST form)."""
    open_menu_if_collapsed(page)
    page.locator("#nav-main .dropdown-toggle").click()
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def switch_language(page: Page, code: str) -> None:
    """Use the language form in the footer (it is on every page, logged in or not)."""
    page.locator("#language-select").select_option(code)
    page.locator("#language-select ~ button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_scan(page: Page, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return the violations of the given impacts.

    axe is evaluated through the DevTools protocol rather than added as a <script> tag, so it
    still runs once a strict Content-Security-Policy forbids foreign scripts.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')).slice(0, 10),
                summary: v.nodes.length ? v.nodes[0].failureSummary : '',
            }));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def watch_console(page: Page) -> None:
    """Record the page's console errors and uncaught exceptions (CSP refusals included)."""
    errors: list[str] = []
    _CONSOLE_ERRORS[id(page)] = errors

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        # A form shown again with its errors answers 400 (a refused bulk action, say): the
        # status of the page itself, which the journey checks, is no console error.
        # So does the outbox's endpoint when it refuses a record: the page shows the reason.
        url = (msg.location or {}).get("url") or ""
        own = url == page.url
        outbox = urlsplit(url).path.startswith(OUTBOX_SEND)
        if (own or outbox) and msg.text.startswith(REFUSED_FORM):
            return
        errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))


_CONSOLE_ERRORS: dict[int, list[str]] = {}
REFUSED_FORM = "Failed to load resource: the server responded with a status of 4"
OUTBOX_SEND = "/outbox/send/"  # cases:outbox_send, /outbox/send/<kind>/


@cache
def _english_phrases() -> tuple[re.Pattern[str], ...]:
    """The app's own English source strings whose Indonesian translation differs.

    Only whole strings without placeholders, matched case-sensitively as whole words, so a
    person's name or an Indonesian word that happens to contain an English one never matches.
    """
    import polib  # type: ignore[import-untyped]

    po = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"
    phrases = set()
    entries = polib.pofile(str(po))
    # Words that are also Indonesian: "Filter" is the translation of "Filters".
    indonesian = {entry.msgstr.strip() for entry in entries if entry.msgstr}
    for entry in entries:
        msgid = entry.msgid.strip()
        if entry.obsolete or entry.msgid_plural or not entry.msgstr:
            continue
        if any(ch in msgid for ch in "%{<\n") or len(msgid) < 4:
            continue
        if msgid.lower() == entry.msgstr.strip().lower():
            continue
        if msgid in indonesian:
            continue
        phrases.add(msgid)
    return tuple(
        re.compile(r"(?<![\w-])" + re.escape(ph) + r"(?![\w-])")
        for ph in sorted(phrases, key=len, reverse=True)
    )


def english_on_page(page: Page) -> list[str]:
    """English strings of the app's own that show on a page served in Indonesian."""
    if page.locator("html").get_attribute("lang") != "id":
        return []
    # Content marked translate="no" (URL paths, codes) is not the app's text in English.
    text = page.evaluate(
        """() => {
            const marked = [...document.querySelectorAll('[translate="no"]')]
                .filter(el => !el.hidden);
            marked.forEach(el => { el.hidden = true; });
            const text = document.body.innerText;
            marked.forEach(el => { el.hidden = false; });
            return text;
        }"""
    )
    return [pat.pattern for pat in _english_phrases() if pat.search(text)][:10]


def check_page(page: Page, what: str) -> None:
    """What every page a journey visits must hold.

    No sideways scroll (at 360 px: scrollWidth <= innerWidth), no serious or critical axe
    violation, no English string of the app's own on an Indonesian page, no console error.
    Pages opened through the fixtures of conftest.py have their console watched.
    """
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what} ({page.url}) scrolls sideways: {width[0]} > {width[1]} px"
    assert_accessible(page, what)
    english = english_on_page(page)
    assert not english, f"English on the Indonesian page {what} ({page.url}): {english}"
    errors = _CONSOLE_ERRORS.get(id(page), [])
    assert not errors, f"console errors up to {what} ({page.url}): {errors}"


def assert_accessible(page: Page, what: str) -> None:
    """No serious or critical axe violation; the message names each rule and element."""
    violations = axe_scan(page)
    assert not violations, f"axe: {len(violations)} serious/critical on {what} ({page.url}):\n" + (
        "\n".join(json.dumps(v, ensure_ascii=False) for v in violations)
    )
