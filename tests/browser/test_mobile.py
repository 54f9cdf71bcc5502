"""The pages work on a phone (390 × 844 CSS pixels): nothing wider than the screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import LogIn

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Iterator[Page]:
    yield new_context(**PHONE).new_page()


def _assert_no_horizontal_overflow(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    scroll_width, inner_width = int(widths[0]), int(widths[1])
    # A phone browser widens the layout viewport (and zooms out) when content overflows,
    # so a grown innerWidth is itself the sign of a page too wide for the screen.
    assert inner_width == 390, f"{page.url}: layout viewport widened to {inner_width}px"
    assert scroll_width <= inner_width + 1, (
        f"{page.url}: content is {scroll_width}px wide on a {inner_width}px screen"
    )


@pytest.mark.browser
def test_login_page_fits_a_phone(live_server: object, phone: Page) -> None:
    phone.goto("/login/")
    expect(phone.get_by_role("button", name="登录", exact=True)).to_be_visible()
    _assert_no_horizontal_overflow(phone)


@pytest.mark.browser
def test_workspace_fits_a_phone(demo: None, phone: Page, log_in: LogIn) -> None:
    log_in(phone, "sjadmin")
    expect(phone.get_by_test_id("page-title")).to_have_text("新县市场监督管理局 · 部门工作台")
    _assert_no_horizontal_overflow(phone)


@pytest.mark.browser
def test_supervisor_pages_fit_a_phone(demo: None, phone: Page, log_in: LogIn) -> None:
    """The widest tables: every department, the item lists, targets, inspectors, audit."""
    log_in(phone, "duchashi")
    for path in ("/oversight/", "/items/", "/targets/", "/inspectors/", "/audit/", "/public/"):
        response = phone.goto(path)
        assert response is not None and response.status == 200, path
        expect(phone.get_by_test_id("page-title")).to_be_visible()
        _assert_no_horizontal_overflow(phone)
