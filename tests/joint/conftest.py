"""A joint inspection (跨部门联合抽查) of 新县市场监督管理局 (lead) and 新县卫生健康委员会
over the county's catering businesses: both libraries, inspectors with accounts in both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from shuangsuiji.directory.models import Inspector, TargetLibrary
from shuangsuiji.organizations.models import Role, RoleAssignment, User
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Task
from tests.conftest import PASSWORD, County
from tests.results.conftest import give_accounts
from tests.tasks.conftest import Scenario, scenario  # noqa: F401 - fixture re-export

QUOTAS = {"A": "2", "B": "2", "C": "2", "D": "2"}


@dataclass
class Joint:
    scenario: Scenario
    lead_admin: User
    health_admin: User

    @property
    def county(self) -> County:
        return self.scenario.county

    def create(self, **kw: Any) -> Task:
        args: dict[str, Any] = dict(
            department=self.county.lead,
            actor=self.lead_admin,
            name="餐饮服务单位“一业一查”联合抽查",
            adhoc_reason="县政府部署餐饮行业“一业一查”专项行动",
            items=[self.county.items["lead"]],
            participants=[self.county.health],
            quotas=QUOTAS,
            period_start=dt.date(2026, 12, 1),
            period_end=dt.date(2026, 12, 20),
            inspector_cap=10,
        )
        args.update(kw)
        return services.task_create(**args)


@pytest.fixture
def joint(scenario: Scenario) -> Joint:  # noqa: F811
    county = scenario.county
    TargetLibrary.objects.create(
        department=county.lead,
        kinds=["企业", "个体工商户", "农民专业合作社"],
        industry_prefixes=["H6"],
    )
    base = dt.date(2026, 1, 1)
    for n in range(5):
        Inspector.objects.create(
            department=county.lead,
            name=f"市监执法{'甲乙丙丁戊'[n]}",
            gender="女",
            position="科员",
            expertise=["食品安全"],
            certificate_no=f"豫4115232024{n:04d}",
            certificate_valid_from=base,
            certificate_valid_to=base + dt.timedelta(days=1500),
        )
    give_accounts(list(Inspector.objects.filter(department__in=[county.lead, county.health])))
    # The lead's administrator is a department admin of 市场监督管理局 itself.
    lead_admin = county.users["lead_admin"]
    health_admin = county.users["dept_admin"]
    assert RoleAssignment.objects.filter(user=lead_admin, role=Role.LEAD_ADMIN).exists()
    assert PASSWORD
    return Joint(scenario, lead_admin, health_admin)
