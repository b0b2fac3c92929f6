"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live_server.

Never `playwright install`: the browser is the system's /usr/bin/chromium (`.ci/run` installs it).
In CI a missing Chromium fails every browser test; on a developer machine they are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.pages import DESKTOP, PHONE, Artifacts

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_ROOT = Path(__file__).resolve().parents[2] / "test-artifacts" / "journeys"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: `apt-get install chromium` (never `playwright install`)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI must run the browser tests: {reason}", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_db(django_db_serialized_rollback: None, transactional_db: None) -> None:
    """live_server needs committed data, so these tests flush the database afterwards.

    Serialized rollback puts back what the data migrations seeded (kecamatan, kelurahan,
    categories) for every browser test, so personas can be created as in any other test.
    """


@pytest.fixture
def live_url(live_server: Any, browser_db: None) -> str:
    """The running app's root URL (pytest-playwright's own base_url is a session option)."""
    return str(live_server.url)


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Artifacts:
    """Where this test's step screenshots go: test-artifacts/journeys/<test name>/NN-step.png."""
    return Artifacts.for_test(ARTIFACTS_ROOT, request.node.name)


def _page_factory(new_context: Callable[..., BrowserContext], live_url: str, **kwargs: Any) -> Page:
    context = new_context(base_url=live_url, locale="id-ID", timezone_id="Asia/Makassar", **kwargs)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext], live_url: str) -> Iterator[Page]:
    """A 360x740 touch phone, like the volunteers' cheap Androids."""
    yield _page_factory(new_context, live_url, **PHONE)


@pytest.fixture
def desktop_page(new_context: Callable[..., BrowserContext], live_url: str) -> Iterator[Page]:
    """A Dinsos office desktop."""
    yield _page_factory(new_context, live_url, **DESKTOP)


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext], live_url: str
) -> Callable[[dict[str, Any]], Page]:
    """open_page(PHONE or DESKTOP) -> a page in a fresh context (own cookies): one per person."""
    return lambda device: _page_factory(new_context, live_url, **device)
