"""A dispatched random task of 新县卫生健康委员会 whose inspectors all have accounts, so
that each drawn target's team can log in and enter its result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from shuangsuiji.directory.models import Inspector, Target
from shuangsuiji.organizations.models import Role, RoleAssignment, User
from shuangsuiji.results.models import ItemOutcome, ResultCategory
from shuangsuiji.results.services import ResultInput
from shuangsuiji.tasks import services as task_services
from shuangsuiji.tasks.models import Assignment, DrawnTarget, Task
from tests.conftest import PASSWORD
from tests.tasks.conftest import Scenario, scenario  # noqa: F401 - fixture re-export
from tests.tasks.test_workflow import make_task


@dataclass
class Dispatched:
    scenario: Scenario
    task: Task
    drawn: list[Target]

    @property
    def admin(self) -> User:
        return self.scenario.admin

    def team(self, target: Target) -> list[Inspector]:
        return [
            a.inspector
            for a in Assignment.objects.filter(task=self.task, target=target, active=True)
            .select_related("inspector__user")
            .order_by("pk")
        ]

    def member_user(self, target: Target, n: int = 0) -> User:
        user = self.team(target)[n].user
        assert user is not None
        return user

    def data(self, target: Target, **kw: Any) -> ResultInput:
        """A valid result: the whole team present, every item without problem."""
        today = timezone.localdate()
        values: dict[str, Any] = dict(
            inspection_date=today - dt.timedelta(days=1),
            result_date=today,
            category=ResultCategory.objects.get(code="R01"),
            findings="现场检查未发现问题。",
            present={i.pk: True for i in self.team(target)},
            outcomes={item.pk: (ItemOutcome.NO_PROBLEM, "") for item in self.task.items.all()},
        )
        values.update(kw)
        return ResultInput(**values)


def give_accounts(inspectors: list[Inspector]) -> None:
    for n, inspector in enumerate(inspectors):
        if inspector.user_id:
            continue
        user = User.objects.create_user(
            username=f"wj_insp{n}",
            password=PASSWORD,
            display_name=inspector.name,
            department=inspector.department,
        )
        RoleAssignment.objects.create(
            user=user, role=Role.INSPECTOR, department=inspector.department
        )
        inspector.user = user
        inspector.save(update_fields=["user"])


@pytest.fixture
def dispatched(scenario: Scenario) -> Dispatched:  # noqa: F811
    give_accounts(list(Inspector.objects.filter(department=scenario.county.health)))
    task = make_task(scenario)
    task_services.task_freeze(task=task, actor=scenario.admin)
    task_services.task_draw(task=task, actor=scenario.admin, entropy=["结果测试"])
    task_services.task_match(task=task, actor=scenario.admin)
    task = task_services.task_dispatch(task=task, actor=scenario.admin)
    drawn = [
        d.target
        for d in DrawnTarget.objects.filter(draw__task=task, draw__superseded=False)
        .select_related("target")
        .order_by("position")
    ]
    return Dispatched(scenario, task, drawn)
