"""Browser tests: the system's Chromium, driven by Playwright's sync API, against
pytest-django's live server.

Chromium is the one ``apt-get install chromium fonts-noto-cjk`` puts at /usr/bin/chromium
(CI installs it); Playwright's own browser downloads are never used.  Without it every
browser test is skipped with the reason.

One browser per test session (per xdist worker); a fresh browser context (cookies, language)
per test.  The live server's database is flushed after every test, so tests that need the
demo county ask for the ``demo`` fixture, which loads it again (a fraction of a second).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from shuangsuiji.demo.loader import DEMO_PASSWORD, load_demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A county office PC: Chinese browser, China time.
BROWSER_LOCALE = "zh-CN"
TIMEZONE = "Asia/Shanghai"
TIMEOUT_MS = 15_000
DEMO_SIZE = 300
DEMO_SEED = 411523

# Playwright's sync API keeps an asyncio loop running in this thread from the moment it
# starts until it stops, so Django sees an "async context" and refuses ORM calls (from the
# tests here and from any test that runs later in the same worker).  The ORM is used
# synchronously throughout, so the check is switched off while Playwright runs.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

SKIP_REASON = (
    f"browser tests need Chromium at {CHROMIUM}: "
    "apt-get install chromium fonts-noto-cjk (CI installs it)"
)

LogIn = Callable[..., None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, skip the browser tests before any database is set up for them."""
    if CHROMIUM.exists():
        return
    here = Path(__file__).parent
    for item in items:
        if "browser" in item.keywords and here in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts on the live server (zh-CN unless told otherwise); all are
    closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("locale", BROWSER_LOCALE)
        options.setdefault("timezone_id", TIMEZONE)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Iterator[Page]:
    """A desktop-sized page; fails the test if the page throws a JavaScript error."""
    errors: list[str] = []
    p = new_context().new_page()
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def demo(live_server: Any, transactional_db: None) -> None:
    """The demo county (新县) in the live server's database, with its named logins."""
    load_demo(size=DEMO_SIZE, seed=DEMO_SEED)


@pytest.fixture
def log_in() -> LogIn:
    """Log in through the real form: ``log_in(page, username, password=DEMO_PASSWORD)``."""

    def do(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录", exact=True).click()

    return do
