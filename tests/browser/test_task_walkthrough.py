"""A department admin of the demo county walks a random task through the fixed order in
real Chromium: annual plan → task → freeze → public draw ceremony (two witnesses' entropy
lines) → draw → matching → a recusal → notices; then the published draw record and
population file are downloaded and checked with ``shuangsuiji verify``.

The department is 新县卫生健康委员会 (WJ, admin ``wjadmin``); its target library is set up
in the test's setup through the library service (public places and catering).  The ceremony
page is photographed at projector (1280×720) and phone (390×844) size; set
``SHUANGSUIJI_SCREENSHOTS=/some/dir`` to keep the pictures.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

from shuangsuiji.demo import county as gen
from shuangsuiji.demo.loader import load_demo
from shuangsuiji.directory import library_changes
from shuangsuiji.directory.models import Inspector, InspectorStatus
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.tasks.models import Assignment, Draw, Recusal, Task, TaskStatus

from .conftest import LogIn

DEMO_SIZE = 400
DEMO_SEED = 411523
#: Public places and catering: about seventy of the 400 demo entities.
LIBRARY_PREFIXES = ["H61", "H62", "O80"]
ENTROPY = ["见证人王建华（县人大代表）掷骰：4 2 6 1 3", "福彩3D 第2026330期开奖号码：1 8 5"]
PROJECTOR: ViewportSize = {"width": 1280, "height": 720}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
#: Days after the demo's reference date: the certificates of the demo are valid relative
#: to that date, whatever the clock of the machine says.
PERIOD = (dt.timedelta(days=3), dt.timedelta(days=20))


@pytest.fixture
def wj(live_server: Any, transactional_db: None) -> Department:
    """The demo county with 400 entities, and WJ's target library set up."""
    # Without the demo's generated year of activity: this walk starts from an empty year.
    load_demo(size=DEMO_SIZE, seed=DEMO_SEED, activity=False)
    department = Department.objects.get(code="WJ")
    library_changes.library_set_rules(
        library=library_changes.library_for(department),
        actor=User.objects.get(username="wjadmin"),
        kinds=[],
        industry_prefixes=LIBRARY_PREFIXES,
        township_codes=[],
    )
    return department


def _shots_dir(tmp_path: Path) -> Path:
    wanted = os.environ.get("SHUANGSUIJI_SCREENSHOTS")
    path = Path(wanted) if wanted else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _no_horizontal_overflow(page: Page) -> None:
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    # A phone browser widens its layout viewport when content overflows (see test_mobile).
    wanted = page.viewport_size["width"] if page.viewport_size else int(inner)
    assert int(inner) == wanted, f"{page.url}: layout viewport widened to {inner}px"
    assert int(scroll) <= int(inner) + 1, f"{page.url}: {scroll}px wide on a {inner}px screen"


def _download(page: Page, test_id: str, to: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    download = info.value
    target = to / download.suggested_filename
    download.save_as(target)
    return target


def _phone_ceremony(
    new_context: Callable[..., BrowserContext], log_in: LogIn, url: str, shot: Path
) -> None:
    phone = new_context(**PHONE).new_page()
    log_in(phone, "wjadmin")
    phone.goto(url)
    expect(phone.get_by_test_id("task-number")).to_be_visible()
    _no_horizontal_overflow(phone)
    phone.screenshot(path=str(shot), full_page=True)
    phone.context.close()


@pytest.mark.browser
def test_department_admin_walks_a_task_from_plan_to_notices_and_the_draw_verifies(
    wj: Department,
    page: Page,
    new_context: Callable[..., BrowserContext],
    log_in: LogIn,
    tmp_path: Path,
) -> None:
    start, end = (gen.REFERENCE_DATE + d for d in PERIOD)
    qualified = [
        i
        for i in Inspector.objects.filter(department=wj, status=InspectorStatus.ON_DUTY)
        if i.certificate_valid_from <= start and i.certificate_valid_to >= end
    ]
    assert len(qualified) >= 6, "WJ needs inspectors with valid certificates for k=2"
    shots = _shots_dir(tmp_path)
    page.set_viewport_size(PROJECTOR)
    log_in(page, "wjadmin")

    # 1. The annual plan: create, submit, approve.
    page.goto("/plans/")
    expect(page.get_by_test_id("page-title")).to_be_visible()
    page.get_by_test_id("new-plan").first.click()
    page.locator("[name=name]").fill(f"{start.year}年度公共场所卫生双随机抽查计划")
    page.locator("[name=year]").fill(str(start.year))
    page.locator("input[name=items]").first.check()
    page.locator("[name=target_scope]").fill("全县住宿、餐饮、沐浴、美容美发等公共场所")
    for risk_class, ratio in zip("ABCD", ["5%", "10%", "20%", "50%"], strict=True):
        page.locator(f"[name=quota_{risk_class}]").fill(ratio)
    page.locator("[name=frequency]").fill("每年一次")
    page.locator("[name=period_start]").fill(start.isoformat())
    page.locator("[name=period_end]").fill(end.isoformat())
    page.locator("[name=planned_tasks]").fill("2")
    with page.expect_navigation():
        page.locator("form.task-form button[type=submit]").click()
    expect(page.get_by_test_id("plan-status")).to_have_class(re.compile("status-draft"))
    page.get_by_test_id("plan-submit").click()
    page.get_by_test_id("plan-approve").click()
    expect(page.get_by_test_id("plan-status")).to_have_class(re.compile("status-approved"))

    # 2. A task from the plan: the form starts from the plan's items, ratios and period.
    page.get_by_test_id("new-task").click()
    expect(page.locator("[name=quota_B]")).to_have_value("10%")
    page.locator("[name=name]").fill("住宿和餐饮场所卫生专项抽查")
    for risk_class, quota in zip("ABCD", ["10%", "10%", "10%", "1"], strict=True):
        page.locator(f"[name=quota_{risk_class}]").fill(quota)
    page.locator("[name=inspector_cap]").fill("10")
    with page.expect_navigation():
        page.locator("form.task-form button[type=submit]").click()
    task = Task.objects.get(department=wj)
    assert task.plan is not None and task.status == TaskStatus.DRAFT
    expect(page.get_by_test_id("next-step")).to_be_visible()
    assert page.get_by_test_id("ceremony").count() == 0  # only the next step is offered

    # 3. Freeze: digest, population size and the commitment appear; the secret does not.
    page.get_by_test_id("freeze").click()
    expect(page.get_by_test_id("freeze-result")).to_be_visible()
    task.refresh_from_db()
    commitment = task.commitments.get()
    expect(page.get_by_test_id("digest")).to_have_text(task.freeze.population_digest)
    expect(page.get_by_test_id("commitment")).to_contain_text(commitment.commitment)
    assert commitment.secret not in page.content()

    # 4. The ceremony: projected before the draw, on a phone too.
    page.get_by_test_id("ceremony").click()
    expect(page.get_by_test_id("task-number")).to_have_text(task.number)
    expect(page.get_by_test_id("commitment")).to_have_text(commitment.commitment)
    expect(page.get_by_test_id("quota-line")).to_have_text(task.freeze.quota_line)
    assert commitment.secret not in page.content()
    page.screenshot(path=str(shots / "ceremony-before-1280x720.png"))
    ceremony_url = page.url
    _phone_ceremony(new_context, log_in, ceremony_url, shots / "ceremony-before-390x844.png")

    # 5. Two witnesses' entropy lines, then the draw.
    page.locator("[name=entries]").fill("\n".join(ENTROPY))
    with page.expect_navigation():
        page.get_by_test_id("draw").click()
    draw = Draw.objects.get(task=task)
    assert draw.entropy == ENTROPY
    expect(page.get_by_test_id("secret")).to_contain_text(draw.record["secret"])
    expect(page.get_by_test_id("seed")).to_have_text(draw.seed)
    rows = page.get_by_test_id("drawn-list").locator("tbody tr")
    expect(rows).to_have_count(draw.selected_count)
    first = draw.drawn.select_related("target").first()
    assert first is not None
    expect(rows.first).to_contain_text(first.target.name)
    expect(rows.first).to_contain_text(first.target.credit_code)
    page.screenshot(path=str(shots / "ceremony-after-1280x720.png"))
    page.screenshot(path=str(shots / "ceremony-after-1280-full.png"), full_page=True)
    _phone_ceremony(new_context, log_in, ceremony_url, shots / "ceremony-after-390x844.png")

    # 6. Matching: a team of two per drawn target, with names and certificate numbers.
    with page.expect_navigation():
        page.get_by_test_id("back-to-task").click()
    page.get_by_test_id("match").click()
    expect(page.get_by_test_id("teams")).to_be_visible()
    expect(page.get_by_test_id("member")).to_have_count(2 * draw.selected_count)
    a = Assignment.objects.filter(task=task).select_related("inspector").first()
    assert a is not None
    expect(page.get_by_test_id("teams")).to_contain_text(a.inspector.certificate_no)

    # 7. A recusal declared on the inspector's behalf: a replacement appears.
    recused = Assignment.objects.filter(task=task).order_by("position", "pk").first()
    assert recused is not None
    page.get_by_test_id("recuse").first.click()
    page.locator("[name=reason]").fill("其配偶在该单位任职，申请回避")
    page.get_by_test_id("recuse-submit").click()
    expect(page.get_by_test_id("recusals")).to_contain_text("其配偶在该单位任职，申请回避")
    recusal = Recusal.objects.get()
    assert recusal.assignment == recused
    expect(page.get_by_test_id("teams")).to_contain_text(recusal.replacement.inspector.name)
    expect(page.get_by_test_id("member")).to_have_count(2 * draw.selected_count)
    page.screenshot(path=str(shots / "task-detail-1280.png"), full_page=True)

    # 8. The notices of the documents module, when it is there.
    notices = page.get_by_test_id("notices")
    if notices.count():
        pdf = page.request.get(notices.get_attribute("href") or "")
        assert pdf.status == 200
        assert pdf.headers["content-type"].startswith("application/pdf")

    # 9. Download what the public downloads and verify it with the public tool.
    if page.get_by_test_id("draw-record").count() == 0:
        pytest.skip("the documents module's download links are not there yet")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    record = _download(page, "draw-record", downloads)
    population = _download(page, "population-file", downloads)
    assert record.read_bytes() == bytes(draw.record_bytes)
    command = [str(Path(sys.executable).parent / "shuangsuiji"), "verify", str(record),
               "--population", str(population)]  # fmt: skip
    # The matching record (with the recusal's replacement) and its inputs, when published.
    matching = page.request.get(f"/tasks/{task.pk}/matching.json")
    inputs = page.request.get(f"/tasks/{task.pk}/matching-inputs.json")
    if matching.ok and inputs.ok:
        (downloads / "matching.json").write_bytes(matching.body())
        (downloads / "inputs.json").write_bytes(inputs.body())
        command += ["--matching", str(downloads / "matching.json"),
                    "--matching-inputs", str(downloads / "inputs.json")]  # fmt: skip
    verify = subprocess.run(command, capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # 10. The announcement, as anyone sees it without logging in.
    public = new_context().new_page()
    public.set_viewport_size(PROJECTOR)
    public.goto(f"/public/tasks/{task.pk}/")
    expect(public.get_by_test_id("seed")).to_have_text(draw.seed)
    expect(public.get_by_test_id("drawn-list").locator("tbody tr")).to_have_count(
        draw.selected_count
    )
    public.screenshot(path=str(shots / "public-task-1280.png"), full_page=True)

    # 11. Every page of the walk fits a phone.
    phone = new_context(**PHONE).new_page()
    log_in(phone, "wjadmin")
    plan = task.plan
    assert plan is not None
    for path in (
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/amend/",
        "/tasks/",
        f"/departments/{wj.pk}/tasks/new/",
        f"/tasks/{task.pk}/",
        f"/assignments/{recusal.replacement_id}/recuse/",
        f"/tasks/{task.pk}/commissions/",
        f"/departments/{wj.pk}/targeted-checks/",
        f"/public/plans/{plan.pk}/",
        f"/public/tasks/{task.pk}/",
    ):
        response = phone.goto(path)
        assert response is not None and response.status == 200, path
        _no_horizontal_overflow(phone)
    phone.goto(f"/tasks/{task.pk}/")
    phone.screenshot(path=str(shots / "task-detail-390.png"), full_page=True)
