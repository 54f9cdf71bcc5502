"""The public portal is usable by keyboard and screen reader: axe-core (the engine behind
browser accessibility audits) finds no serious or critical violation on any public page —
labels, headings, names of links and buttons, colour contrast, ARIA use."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from shuangsuiji.directory.models import Target
from shuangsuiji.organizations.models import Department
from shuangsuiji.results.models import Publication
from shuangsuiji.tasks.models import Task

SERIOUS = {"serious", "critical"}


def _public_paths() -> list[str]:
    paths = ["/public/", "/public/search/?q=新县", "/public/results/", "/public/plans/",
             "/public/tasks/"]  # fmt: skip
    department = Department.objects.order_by("sort_order").first()
    if department is not None:
        paths.append(f"/public/departments/{department.pk}/")
    task = Task.objects.exclude(status="draft").filter(kind="random").order_by("pk").first()
    if task is not None:
        paths.append(f"/public/tasks/{task.pk}/")
    publication = Publication.objects.order_by("pk").first()
    if publication is not None:
        paths.append(f"/public/results/{publication.pk}/")
    target = Target.objects.order_by("pk").first()
    if target is not None:
        paths.append(f"/public/entities/{target.credit_code}/")
    return paths


@pytest.mark.browser
def test_public_pages_have_no_serious_accessibility_violations(demo: Any, page: Page) -> None:
    axe = Axe()
    problems = []
    for path in _public_paths():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        for v in serious:
            targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
            problems.append(f"{path}: {v['id']} ({v['impact']}) {v['help']} at {targets}")
    assert not problems, "\n".join(problems)
