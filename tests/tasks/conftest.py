"""A department ready to run a random task: a library with catering businesses of 新县
in all four risk classes, inspectors with valid and expired certificates, an approved plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from shuangsuiji.demo import county as gen
from shuangsuiji.directory.models import Inspector, Target, TargetLibrary
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import AnnualPlan
from tests.conftest import County


@dataclass
class Scenario:
    county: County
    targets: list[Target]
    plan: AnnualPlan
    admin: Any


def _targets(county: County, n: int) -> list[Target]:
    rows = []
    for e in gen.entities(n, seed=5):
        rows.append(
            Target(
                region=county.region,
                credit_code=e.credit_code,
                name=e.name,
                kind=e.kind,
                status=e.status,
                legal_rep=e.legal_rep,
                address=e.address,
                industry_code="H6210",
                scope=e.scope,
                founded_on=e.founded_on,
                risk_class=e.risk_class,
                abnormal_operation=e.abnormal_operation,
            )
        )
    return Target.objects.bulk_create(rows)


@pytest.fixture
def scenario(county: County) -> Scenario:
    targets = _targets(county, 120)
    TargetLibrary.objects.create(
        department=county.health,
        kinds=["企业", "个体工商户", "农民专业合作社"],
        industry_prefixes=["H62"],
    )
    base = dt.date(2026, 1, 1)
    for n in range(8):
        Inspector.objects.create(
            department=county.health,
            name=f"卫健执法{'甲乙丙丁戊己庚辛'[n]}",
            gender="男",
            position="科员",
            expertise=["公共卫生"],
            certificate_no=f"豫4115232025{n:04d}",
            certificate_valid_from=base,
            certificate_valid_to=base + dt.timedelta(days=1500),
        )
    admin = county.users["dept_admin"]
    plan = plan_services.plan_create(
        department=county.health,
        actor=admin,
        year=2026,
        items=[county.items["health"]],
        name="2026年度卫生健康领域双随机抽查计划",
        target_scope="全县餐饮服务单位",
        ratios={"A": "5%", "B": "10%", "C": "20%", "D": "50%"},
        frequency="每年一次",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 12, 20),
        inspecting_body="新县卫生健康委员会",
    )
    plan_services.plan_submit(plan=plan, actor=admin)
    plan = plan_services.plan_approve(plan=plan, actor=admin)
    return Scenario(county, targets, plan, admin)
