"""A department administrator keeps their own random-inspection item list, and only theirs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from shuangsuiji.directory.models import InspectionItem

from .conftest import LogIn


@pytest.mark.browser
def test_department_admin_edits_own_item_and_sees_history(
    demo: None, page: Page, log_in: LogIn
) -> None:
    item = InspectionItem.objects.filter(department__code="WJ").order_by("code").first()
    assert item is not None
    new_content = (
        "检查公共场所卫生许可证、从业人员健康合格证明及卫生检测报告公示情况（浏览器测试修订）"
    )

    log_in(page, "wjadmin")
    page.goto("/items/")
    expect(page.get_by_test_id("page-title")).to_have_text("随机抽查事项清单")
    expect(page.get_by_role("link", name=item.name, exact=True)).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=item.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/items/{item.pk}/$"))
    expect(page.get_by_test_id("page-title")).to_have_text(f"{item.code} {item.name}")
    history_rows = page.locator("table.grid tbody tr")
    expect(history_rows).to_have_count(0)

    with page.expect_navigation():
        page.get_by_role("link", name="编辑", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/items/{item.pk}/edit/$"))
    content = page.get_by_label("检查内容")
    expect(content).to_have_value(item.content)
    content.fill(new_content)
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/items/{item.pk}/$"))
    expect(page.get_by_role("status")).to_have_text("已保存。")
    expect(page.locator("dl.facts")).to_contain_text(new_content)
    expect(history_rows).to_have_count(1)
    expect(history_rows.first.locator("td").nth(1)).to_have_text("陈敏")
    expect(history_rows.first.locator("td").nth(2)).to_have_text("已修改")
    item.refresh_from_db()
    assert item.content == new_content


@pytest.mark.browser
def test_other_departments_items_are_out_of_reach_for_department_admin(
    demo: None, page: Page, log_in: LogIn
) -> None:
    """Another department's published item is public (readable, not editable); an
    unpublished one is outside the department admin's data scope: 404, as if absent."""
    published, unpublished = InspectionItem.objects.filter(department__code="HB").order_by("code")[
        :2
    ]
    InspectionItem.objects.filter(pk=unpublished.pk).update(is_published=False)
    log_in(page, "wjadmin")

    response = page.goto(f"/items/{published.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("page-title")).to_have_text(f"{published.code} {published.name}")
    expect(page.get_by_role("link", name="编辑", exact=True)).to_have_count(0)
    response = page.goto(f"/items/{published.pk}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")
    expect(page.get_by_label("检查内容")).to_have_count(0)

    for url in (f"/items/{unpublished.pk}/", f"/items/{unpublished.pk}/edit/"):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_text(unpublished.name)).to_have_count(0)
    # The county supervisor still sees it: it exists, it is just not wjadmin's.
    page.context.clear_cookies()
    log_in(page, "duchashi")
    response = page.goto(f"/items/{unpublished.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("page-title")).to_have_text(f"{unpublished.code} {unpublished.name}")
