"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

The live server runs in another thread and needs committed data, so these tests use a
transactional database: mark them `@pytest.mark.django_db(transaction=True)` and use the
`world` below, which is the shared `world` of tests/conftest.py built on `transactional_db`.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 5_000


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for all the browser tests (they run one after another: pytest-django puts
    transactional tests last, keeping their order)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium (make system-deps installs it)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running in this thread, which makes
    # Django refuse ORM calls (SynchronousOnlyOperation) while the browser lives, including the
    # database set-up and flush around each test. The calls are ordinary synchronous code, so
    # allow them, for this package only: the browser closes when its last test ends.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(transactional_db: Any, world: World) -> World:
    """The shared fixture's community, committed so that the live server's thread sees it."""
    return world


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (own cookies); keyword arguments go to the context,
    e.g. `new_page(viewport={"width": 390, "height": 844})`. Relative URLs go to the live server."""
    contexts = []

    def make(**options: Any) -> Any:
        # A Chinese browser, as our users have (pages are Chinese anyway until English is chosen).
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "base_url": live_server.url} | options
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the next page. Personas without a
    second factor only: the administrators would stop at the one-time code page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form:has(#id_username) button[type=submit]")
    try:
        page.wait_for_url(lambda url: "/accounts/login/" not in url, wait_until="domcontentloaded")
    except PlaywrightTimeout:
        alerts = page.locator(".alert, .invalid-feedback").all_inner_texts()
        raise AssertionError(f"{username} could not log in: {alerts or page.url}") from None


@pytest.fixture
def log_in() -> Callable[..., None]:
    """`log_in(page, "grid01")`: fill the login form as one of the `world` personas."""
    return login
