"""Issue 6 in real Chromium: an inspector enters a result with a photo on a phone, the
reviewer returns it, the inspector fixes it, the reviewer publishes it, the public reads it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shuangsuiji.results.models import Attachment, Result, ResultStatus
from tests.conftest import (
    PASSWORD,
    county,  # noqa: F401 - fixture
)
from tests.results.conftest import Dispatched, dispatched, scenario  # noqa: F401 - fixtures

from .conftest import LogIn
from .test_mobile import PHONE, _assert_no_horizontal_overflow

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.browser
def test_enter_return_fix_publish(
    transactional_db: None,
    live_server: Any,
    dispatched: Dispatched,  # noqa: F811
    new_context: Callable[..., BrowserContext],
    log_in: LogIn,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.SHUANGSUIJI_PRIVATE_DIR = tmp_path / "private"
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    inspector = team[0].user
    assert inspector is not None

    phone: Page = new_context(**PHONE).new_page()
    log_in(phone, inspector.username, PASSWORD)
    phone.goto("/my/")
    row = phone.get_by_test_id("my-assignments").locator("tr", has_text=target.name)
    row.get_by_test_id("enter-result").click()
    expect(phone.get_by_test_id("page-title")).to_be_visible()
    _assert_no_horizontal_overflow(phone)
    for member in team:
        phone.locator(f"#id_present_{member.pk}").check()
        phone.locator(f"#id_shown_{member.pk}").check()
    phone.locator("#id_category").select_option(label="未发现问题")
    phone.locator("#id_findings").fill("经营场所卫生状况良好，未发现问题")
    phone.locator("#id_photos").set_input_files(
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}]
    )
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("result-status")).to_have_attribute(
        "class", "status status-submitted"
    )
    result = Result.objects.get(task=dispatched.task, target=target)
    assert Attachment.objects.filter(result=result).count() == 1

    desk = new_context().new_page()
    log_in(desk, dispatched.admin.username, PASSWORD)
    desk.goto(f"/departments/{result.department_id}/results/")
    desk.get_by_test_id("review-queue").get_by_role("link", name=target.name).click()
    desk.locator("#id_reason").fill("请补充检查时间段")
    desk.get_by_test_id("return").click()
    expect(desk.get_by_test_id("result-status")).to_have_attribute(
        "class", "status status-returned"
    )

    phone.goto("/my/")
    phone.get_by_test_id("my-assignments").locator("tr", has_text=target.name).get_by_test_id(
        "enter-result"
    ).click()
    expect(phone.get_by_test_id("return-reason")).to_contain_text("请补充检查时间段")
    phone.locator("#id_findings").fill("上午9时至10时检查，经营场所卫生状况良好，未发现问题")
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("result-status")).to_have_attribute(
        "class", "status status-submitted"
    )

    desk.reload()
    desk.get_by_test_id("publish").click()
    expect(desk.get_by_test_id("result-status")).to_have_attribute(
        "class", "status status-published"
    )
    result.refresh_from_db()
    assert result.status == ResultStatus.PUBLISHED

    public = new_context().new_page()
    public.goto(f"/public/results/?q={target.credit_code}")
    public.get_by_test_id("public-results").get_by_role("link", name=target.name).click()
    expect(public.get_by_test_id("public-findings")).to_contain_text("上午9时至10时检查")
