"""Logging in as every demo person, in Chinese, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shuangsuiji.demo.county import DEMO_PEOPLE, DemoPerson
from shuangsuiji.demo.loader import DEMO_PASSWORD
from shuangsuiji.directory.models import Inspector
from shuangsuiji.organizations.models import Department

from .conftest import LogIn

# Written out by hand: where each role lands after logging in.
ROLE_HOME = {
    "county_supervisor": "/oversight/",
    "lead_admin": "/workspace/",
    "department_admin": "/workspace/",
    "inspector": "/my/",
    "system_admin": "/admin/",
}


def _path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def _assert_chinese_login_page(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title(re.compile(r"^登录 · "))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录双随机一公开监管平台")
    expect(page.locator("header .brand")).to_contain_text("双随机")
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    expect(page.locator("#lang-select")).to_have_value("zh-hans")


@pytest.mark.browser
def test_login_page_is_in_chinese_by_default(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    page.goto("/login/")
    _assert_chinese_login_page(page)
    # A browser asking for a language the platform does not have also gets Chinese.
    other = new_context(locale="fr-FR").new_page()
    other.goto("/login/")
    _assert_chinese_login_page(other)


@pytest.mark.browser
@pytest.mark.parametrize("person", DEMO_PEOPLE, ids=[p.username for p in DEMO_PEOPLE])
def test_demo_login_lands_on_role_home_and_logs_out(
    demo: None, page: Page, log_in: LogIn, person: DemoPerson
) -> None:
    home = ROLE_HOME[person.role]
    log_in(page, person.username)
    expect(page).to_have_url(_path_is(home))

    if person.role == "system_admin":
        expect(page.locator("#site-name")).to_have_text("双随机一公开监管平台 · 系统管理")
        expect(page.locator("#content h1")).to_have_text("系统管理")
        expect(page.get_by_role("link", name="随机抽查事项", exact=True)).to_be_visible()
    else:
        title = page.get_by_test_id("page-title")
        expect(title).to_be_visible()
        expect(page.get_by_test_id("current-user")).to_have_text(person.name)
        if person.role == "county_supervisor":
            expect(title).to_have_text("全县监管工作总览")
            for dept in Department.objects.all():
                expect(page.get_by_role("rowheader", name=dept.name)).to_be_visible()
        elif person.role in {"lead_admin", "department_admin"}:
            dept = Department.objects.get(code=person.department_code)
            expect(title).to_have_text(f"{dept.name} · 部门工作台")
        elif person.role == "inspector":
            own = Inspector.objects.get(user__username=person.username)
            expect(title).to_have_text("我的检查")
            expect(page.get_by_text(own.certificate_no, exact=True)).to_be_visible()
            expect(page.get_by_role("heading", level=2)).to_contain_text(own.name)

    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(_path_is("/login/"))
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
    page.goto(home)
    expect(page).to_have_url(re.compile(r"/login/\?next="))


@pytest.mark.browser
def test_wrong_password_shows_chinese_error_and_stays(
    demo: None, page: Page, log_in: LogIn
) -> None:
    log_in(page, "wjadmin", "not-the-password")
    expect(page).to_have_url(_path_is("/login/"))
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误，请重新输入。")
    expect(page.get_by_label("用户名")).to_have_value("wjadmin")
    expect(page.get_by_label("密码")).to_have_value("")
    page.goto("/workspace/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))


def _choose_language(page: Page, code: str) -> None:
    with page.expect_navigation():
        page.locator("#lang-select").select_option(code)


@pytest.mark.browser
def test_language_switch_to_english_and_back(demo: None, page: Page, log_in: LogIn) -> None:
    page.goto("/login/")
    _choose_language(page, "en")
    expect(page).to_have_url(_path_is("/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Shuangsuiji")
    expect(page.get_by_label("User name")).to_be_visible()

    # The choice survives logging in (the form's labels are English now).
    page.get_by_label("User name").fill("wjadmin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(_path_is("/workspace/"))
    expect(page.get_by_test_id("page-title")).to_have_text(
        "新县卫生健康委员会 · department workspace"
    )
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    _choose_language(page, "zh-hans")
    expect(page).to_have_url(_path_is("/workspace/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_test_id("page-title")).to_have_text("新县卫生健康委员会 · 部门工作台")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
