"""Issue 9 in real Chromium, from the lead department's side: 市场监督管理局 creates a joint
task with 卫生健康委员会, which confirms its part; one freeze, one draw at the ceremony, one
matching with an inspector of each department per team, one dispatch; each department's
inspector enters its part and its admin approves it; the result is published once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shuangsuiji.demo.loader import load_demo
from shuangsuiji.directory import library_changes
from shuangsuiji.directory.models import Inspector
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.results.models import Publication, ResultStatus
from shuangsuiji.tasks.models import Assignment, Draw, Task, TaskStatus
from tests.conftest import PASSWORD
from tests.results.conftest import give_accounts

from .conftest import LogIn


@pytest.fixture
def demo_joint(live_server: Any, transactional_db: None) -> None:
    load_demo(size=400, seed=411523, activity=False)
    for code, admin in (("SJ", "sjadmin"), ("WJ", "wjadmin")):
        library_changes.library_set_rules(
            library=library_changes.library_for(Department.objects.get(code=code)),
            actor=User.objects.get(username=admin),
            kinds=[],
            industry_prefixes=["H61", "H62"],
            township_codes=[],
        )
    give_accounts(
        list(Inspector.objects.filter(department__code__in=["SJ", "WJ"], user__isnull=True))
    )


def _enter_part(page: Page, task: Task, target_pk: int, team: list[Inspector]) -> None:
    page.goto(f"/tasks/{task.pk}/targets/{target_pk}/result/")
    # The entry form itself first: if anything else is shown, the failure says what.
    expect(page.get_by_test_id("result-form")).to_be_visible()
    for member in team:
        page.locator(f"#id_present_{member.pk}").check()
        page.locator(f"#id_shown_{member.pk}").check()
    page.locator("#id_category").select_option(label="未发现问题")
    page.locator("#id_findings").fill("现场检查未发现问题")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("result-status")).to_have_attribute(
        "class", "status status-submitted"
    )


@pytest.mark.browser
def test_lead_runs_a_joint_task_with_a_participant_confirming(
    demo_joint: None, page: Page, new_context: Callable[..., BrowserContext], log_in: LogIn
) -> None:
    sj = Department.objects.get(code="SJ")
    today = dt.date.today()
    log_in(page, "sjadmin")
    page.goto(f"/departments/{sj.pk}/tasks/new/")
    page.locator("[name=adhoc_reason]").fill("县政府部署餐饮行业“一业一查”专项行动")
    page.locator("[name=name]").fill("餐饮服务单位跨部门联合抽查")
    page.locator("input[name=items]").first.check()
    page.get_by_label("新县卫生健康委员会").check()
    for risk_class in "ABCD":
        page.locator(f"[name=quota_{risk_class}]").fill("1")
    page.locator("[name=period_start]").fill(today.isoformat())
    page.locator("[name=period_end]").fill((today + dt.timedelta(days=10)).isoformat())
    page.locator("[name=inspector_cap]").fill("10")
    with page.expect_navigation():
        page.locator("form.task-form button[type=submit]").click()
    task = Task.objects.get(department=sj)
    expect(page.get_by_test_id("waiting-participants")).to_contain_text("新县卫生健康委员会")
    assert page.get_by_test_id("freeze").count() == 0

    # The participant confirms its part with its own item.
    wj_page = new_context().new_page()
    log_in(wj_page, "wjadmin")
    wj_page.goto(f"/tasks/{task.pk}/")
    part = wj_page.get_by_test_id("confirm-part")
    part.locator("input[name=items]").first.check()
    part.get_by_test_id("confirm-part-button").click()
    expect(wj_page.get_by_test_id("participations")).not_to_contain_text("尚未确认")

    # One freeze, one draw at the ceremony, one matching, one dispatch — by the lead.
    page.reload()
    page.get_by_test_id("freeze").click()
    expect(page.get_by_test_id("freeze-result")).to_be_visible()
    page.get_by_test_id("ceremony").click()
    page.locator("[name=entries]").fill("见证人掷骰：3 5 1")
    with page.expect_navigation():
        page.get_by_test_id("draw").click()
    draw = Draw.objects.get(task=task)
    with page.expect_navigation():
        page.get_by_test_id("back-to-task").click()
    page.get_by_test_id("match").click()
    expect(page.get_by_test_id("teams")).to_be_visible()
    page.get_by_test_id("dispatch").click()
    task.refresh_from_db()
    assert task.status == TaskStatus.DISPATCHED and task.draws.count() == 1

    target = draw.drawn.select_related("target").first().target  # type: ignore[union-attr]
    team = [
        a.inspector
        for a in Assignment.objects.filter(task=task, target=target, active=True).select_related(
            "inspector__user", "inspector__department"
        )
    ]
    assert {i.department.code for i in team} == {"SJ", "WJ"}

    # Each department's inspector enters its part; each admin approves its own.
    for code in ("SJ", "WJ"):
        member = next(i for i in team if i.department.code == code)
        assert member.user is not None
        inspector_page = new_context().new_page()
        log_in(inspector_page, member.user.username, PASSWORD)
        _enter_part(inspector_page, task, target.pk, team)
        result = task.results.get(target=target, department__code=code)
        reviewer = page if code == "SJ" else wj_page
        reviewer.goto(f"/results/{result.pk}/")
        reviewer.get_by_test_id("publish").click()
        expected = "approved" if code == "SJ" else "published"
        expect(reviewer.get_by_test_id("result-status")).to_have_attribute(
            "class", f"status status-{expected}"
        )
    assert Publication.objects.filter(task=task, target=target).count() == 1
    assert set(task.results.values_list("status", flat=True)) == {ResultStatus.PUBLISHED}

    public = new_context().new_page()
    public.goto(f"/public/results/?q={target.credit_code}")
    expect(public.get_by_test_id("public-results").locator("tbody tr")).to_have_count(1)
