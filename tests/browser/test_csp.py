"""Every page works under the Content-Security-Policy (scripts and styles from this site
only, no inline script): Chromium reports no CSP violation while staff and the public use
the main pages, the draw verifier runs, and the admin opens."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shuangsuiji.tasks.models import Task

from .conftest import LogIn


@pytest.mark.browser
def test_no_content_security_policy_violations(demo: Any, page: Page, log_in: LogIn) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/public/")
    page.locator("#lang-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#lang-select").select_option("zh-hans")
    # The switch reloads the page; let it finish before going elsewhere.
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    task = Task.objects.filter(kind="random", draws__superseded=False).order_by("pk").first()
    if task is not None:
        page.goto(f"/public/tasks/{task.pk}/")
        page.locator("[data-verifier-run]").click()
        expect(page.locator("[data-verifier-verdict]")).to_have_attribute(
            "data-verifier-verdict", "ok", timeout=30_000
        )
    for user, paths in (
        ("sjadmin", ["/workspace/", "/plans/", "/tasks/", "/results/", "/follow-ups/"]),
        ("sjadmin", ["/import/", "/account/", "/credit/", "/credit/proposals/"]),
        ("duchashi", ["/oversight/", "/audit/", "/targets/?q=新县"]),
        ("sysadmin", ["/admin/", "/admin/results/resultcategory/", "/account/two-factor/"]),
    ):  # fmt: skip
        page.context.clear_cookies()
        log_in(page, user)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (user, path)
    assert not violations, "\n".join(violations)
