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
from django.db import connections
from playwright.sync_api import BrowserContext, Page

from tests.browser.pages import DESKTOP, PHONE, Artifacts, watch_console

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last (after pytest-django's own ordering), see _django_in_the_loop."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# Hooks are sorted by name only within one plugin; make sure ours runs after pytest-django's.
pytest_collection_modifyitems = pytest.hookimpl(trylast=True)(pytest_collection_modifyitems)


@pytest.fixture(scope="session", autouse=True)
def _django_in_the_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let Django work in the thread where Playwright's sync API now runs an event loop.

    1. Django refuses ORM calls from a thread with a running loop; the tests are sync code, so
       DJANGO_ALLOW_ASYNC_UNSAFE is set, from here to the end of the session only (browser
       tests run last): a subprocess started earlier, like `check --deploy`, never sees it.
    2. With a running loop asgiref keeps connections per context instead of per thread, so the
       tests get a fresh connection object without the snapshot that serialized rollback
       restores (taken by pytest-django before the loop existed). Hand it over.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    request.getfixturevalue("django_db_setup")  # may already exist, from earlier tests
    request.getfixturevalue("playwright")  # from here on the loop runs
    thread_local = getattr(getattr(connections, "_connections", None), "_storage", None)
    for alias in connections:
        before = getattr(thread_local, alias, None)
        snapshot = getattr(before, "_test_serialized_contents", None)
        if snapshot is not None and not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = snapshot  # type: ignore[attr-defined]
    assert hasattr(connections["default"], "_test_serialized_contents"), (
        "the serialized-rollback snapshot did not reach the event loop's connection "
        "(asgiref or pytest-django internals changed?): browser tests would wipe seed data"
    )
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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
    # Reduced motion: Bootstrap then drops its transitions, so axe never measures a colour
    # halfway through a button's or a collapse's animation (a contrast of 2.27 once, in CI).
    context = new_context(
        base_url=live_url,
        locale="id-ID",
        timezone_id="Asia/Makassar",
        reduced_motion="reduce",
        **kwargs,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch_console(page)
    return page


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
