"""The supervision dashboard in a real browser: the county supervisor (duchashi) opens it on
the demo county with its generated year, the ECharts charts are drawn (SVG with shapes in
it), a click on a bar opens the records behind it, and the page fits a phone.

Screenshots go to ``$SHUANGSUIJI_SCREENSHOTS`` when set, else to the test's tmp_path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shuangsuiji.organizations.models import Department

from .conftest import LogIn

CHARTS = ("chart-ranking", "chart-activity", "chart-publication")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SHUANGSUIJI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _assert_charts_drawn(p: Page) -> None:
    for chart in CHARTS:
        box = p.get_by_test_id(chart)
        expect(box).to_have_attribute("data-drawn", "true")
        # The SVG renderer's output: an <svg> with drawn shapes (bars, lines, axis text).
        shapes = box.locator("svg path, svg rect").count()
        assert shapes > 5, f"{chart}: {shapes} shapes"
        size = box.bounding_box()
        assert size is not None and size["width"] > 200 and size["height"] > 150, chart
    texts = p.get_by_test_id("chart-ranking").locator("svg text").all_text_contents()
    # The ranking names the departments by their short names (新市监, 新卫健 …).
    short = set(Department.objects.values_list("short_name", flat=True))
    assert short & set(texts), texts


@pytest.mark.browser
def test_supervisor_dashboard_draws_its_charts_and_drills_down(
    demo: None,
    page: Page,
    log_in: LogIn,
    tmp_path: Path,
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "duchashi")
    expect(page).to_have_url(re.compile(r"/oversight/$"))
    expect(page.get_by_test_id("page-title")).to_be_visible()
    _assert_charts_drawn(page)
    page.screenshot(path=str(_shots(tmp_path) / "oversight-dashboard.png"), full_page=True)
    # Rank by publication on time, then click the top bar: its records open.
    page.locator("#ranking-metric").select_option("pub_rate")
    # The category axis draws the best department last (on top); a 0% bar has no width.
    best = page.get_by_test_id("chart-ranking").locator('svg path[fill="#0b4a8b"]').last
    expect(best).to_be_visible()
    with page.expect_navigation():
        best.click()
    assert "/oversight/records/pub_due/" in page.url
    expect(page.get_by_test_id("records")).to_be_visible()
    # A figure in the table leads to its records too.
    page.go_back()
    link = page.get_by_test_id("metrics-table").locator('a[href*="/oversight/records/"]').first
    with page.expect_navigation():
        link.click()
    expect(page.get_by_test_id("page-title")).to_be_visible()


@pytest.mark.browser
def test_supervisor_dashboard_fits_a_phone(
    demo: None,
    new_context: Callable[..., BrowserContext],
    log_in: LogIn,
    tmp_path: Path,
) -> None:
    phone = new_context(**PHONE).new_page()
    log_in(phone, "duchashi")
    expect(phone.get_by_test_id("page-title")).to_be_visible()
    _assert_charts_drawn(phone)
    widths = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert int(widths[1]) == 390 and int(widths[0]) <= 391, widths
    phone.screenshot(path=str(_shots(tmp_path) / "oversight-phone.png"), full_page=True)


@pytest.mark.browser
def test_department_admin_opens_their_own_dashboard(
    demo: None,
    page: Page,
    log_in: LogIn,
) -> None:
    log_in(page, "wjadmin")
    page.goto("/oversight/department/")
    expect(page.get_by_test_id("page-title")).to_contain_text("新县卫生健康委员会")
    _assert_charts_drawn(page)
    expect(page.get_by_role("rowheader", name="新县市场监督管理局")).to_have_count(0)
