"""Pages of the plan → task → freeze → ceremony → draw → matching → recusal walk.

Built on the task scenario of tests/tasks (卫生健康委员会 with a library of catering
businesses, inspectors, an approved plan), plus a department admin of another department
(生态环境局) who must see none of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from shuangsuiji.directory.models import Inspector, InspectorStatus
from shuangsuiji.organizations.models import Role, RoleAssignment, User
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Task
from tests.conftest import PASSWORD
from tests.tasks.conftest import Scenario, scenario  # noqa: F401 - the fixture, re-exported

#: Every kind of visitor, and what each may do with the health department's plans and tasks.
ROLES = [
    "anonymous",
    "supervisor",
    "lead_admin",
    "dept_admin",
    "other_admin",
    "inspector",
    "sysadmin",
]
SEES = {"supervisor", "dept_admin", "sysadmin"}
ACTS = {"dept_admin", "sysadmin"}
QUOTAS = {"A": "5%", "B": "10%", "C": "20%", "D": "2"}
ENTROPY = ["见证人王建华掷骰 4 2 6 1 3", "福彩3D 第2026330期 1 8 5"]


@dataclass
class Web:
    s: Scenario
    users: dict[str, Any]

    def client(self, role: str, **headers: Any) -> Client:
        c = Client(**headers)
        if role != "anonymous":
            assert c.login(username=self.users[role].username, password=PASSWORD)
        return c

    @property
    def admin(self) -> Client:
        return self.client("dept_admin")

    def task(self, **kw: Any) -> Task:
        args: dict[str, Any] = dict(
            department=self.s.county.health,
            actor=self.s.admin,
            plan=self.s.plan,
            name="公共场所卫生专项抽查",
            items=[self.s.county.items["health"]],
            quotas=QUOTAS,
            period_start=dt.date(2026, 12, 1),
            period_end=dt.date(2026, 12, 20),
        )
        args.update(kw)
        return services.task_create(**args)

    def frozen(self, **kw: Any) -> Task:
        task = self.task(**kw)
        services.task_freeze(task=task, actor=self.s.admin)
        return task

    def drawn(self, **kw: Any) -> Task:
        task = self.frozen(**kw)
        services.task_draw(task=task, actor=self.s.admin, entropy=ENTROPY)
        return task

    def matched_with_three_inspectors(self, **kw: Any) -> Task:
        """A matched task whose teams come from three inspectors (张伟, 赵丽 and one
        more), so the inspector with a login, 张伟, is on most teams."""
        keep = Inspector.objects.filter(name__startswith="卫健执法").order_by("pk").first()
        assert keep is not None
        Inspector.objects.filter(name__startswith="卫健执法").exclude(pk=keep.pk).update(
            status=InspectorStatus.SUSPENDED
        )
        task = self.drawn(**{"quotas": {"A": "1", "B": "1", "C": "1", "D": "1"}, **kw})
        services.task_match(task=task, actor=self.s.admin)
        return task


@pytest.fixture
def web(scenario: Scenario) -> Web:  # noqa: F811 - the re-exported fixture
    county = scenario.county
    other = User.objects.create_user(
        username="hb_admin", password=PASSWORD, display_name="刘洋", department=county.env
    )
    RoleAssignment.objects.create(user=other, role=Role.DEPARTMENT_ADMIN, department=county.env)
    return Web(scenario, {**county.users, "other_admin": other})
