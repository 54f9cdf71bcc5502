"""Shared fixtures: a small constructed county with one person per role.

新县 with the lead department 市场监督管理局 (and a market-supervision station under it),
卫生健康委员会 and 生态环境局; items and inspectors in each; realistic names and codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from shuangsuiji.directory.models import InspectionItem, Inspector
from shuangsuiji.organizations.models import Department, Region, Role, RoleAssignment, User

PASSWORD = "Xinxian-2026!"


@dataclass
class County:
    region: Region
    lead: Department
    station: Department
    health: Department
    env: Department
    users: dict[str, Any]
    items: dict[str, InspectionItem]
    inspectors: dict[str, Inspector]


def _dept(
    region: Region,
    code: str,
    name: str,
    short: str,
    parent: Department | None = None,
    lead: bool = False,
    order: int = 0,
) -> Department:
    d = Department(
        region=region,
        code=code,
        name=name,
        short_name=short,
        parent=parent,
        is_lead=lead,
        sort_order=order,
    )
    d.path = d.compute_path()
    d.save()
    return d


def _user(username: str, display: str, role: str, dept: Department | None) -> User:
    u = User.objects.create_user(
        username=username,
        password=PASSWORD,
        display_name=display,
        department=dept,
        is_staff=(role == Role.SYSTEM_ADMIN),
    )
    RoleAssignment.objects.create(user=u, role=role, department=dept)
    return u


def build_county() -> County:
    henan = Region.objects.create(code="410000", name="河南省")
    xinyang = Region.objects.create(code="411500", name="信阳市", parent=henan)
    xian = Region.objects.create(
        code="411523", name="新县", full_name="河南省信阳市新县", parent=xinyang
    )
    lead = _dept(xian, "SJ", "新县市场监督管理局", "新市监", lead=True, order=1)
    station = _dept(
        xian, "SJ-XJ", "新县市场监督管理局新集市场监管所", "新集所", parent=lead, order=2
    )
    health = _dept(xian, "WJ", "新县卫生健康委员会", "新卫健", order=3)
    env = _dept(xian, "HB", "信阳市生态环境局新县分局", "新环", order=4)
    users = {
        "supervisor": _user("ducha", "陈督查", Role.COUNTY_SUPERVISOR, None),
        "lead_admin": _user("sj_admin", "王建国", Role.LEAD_ADMIN, lead),
        "dept_admin": _user("wj_admin", "李秀英", Role.DEPARTMENT_ADMIN, health),
        "inspector": _user("wj_zhangwei", "张伟", Role.INSPECTOR, health),
        "sysadmin": _user("sysadmin", "刘系统", Role.SYSTEM_ADMIN, None),
    }
    items = {}
    for key, dept, code, name in [
        ("lead", lead, "SJ-001", "企业公示信息抽查"),
        ("station", station, "SJXJ-001", "食品经营许可情况检查"),
        ("health", health, "WJ-001", "公共场所卫生监督检查"),
        ("env", env, "HB-001", "排污许可证执行情况检查"),
    ]:
        items[key] = InspectionItem.objects.create(
            department=dept,
            code=code,
            name=name,
            legal_basis="《企业信息公示暂行条例》第十四条",
            inspecting_body=dept.name,
            content="检查年度报告公示信息的真实性",
            method="书面检查",
            target_kind="企业",
        )
    today = dt.date(2026, 11, 28)
    inspectors = {
        "own": Inspector.objects.create(
            department=health,
            user=users["inspector"],
            name="张伟",
            gender="男",
            position="科员",
            expertise=["公共卫生"],
            certificate_no="豫41152320190001",
            certificate_valid_from=today - dt.timedelta(days=700),
            certificate_valid_to=today + dt.timedelta(days=400),
        ),
        "health_other": Inspector.objects.create(
            department=health,
            name="赵丽",
            gender="女",
            position="副科长",
            expertise=["医疗机构"],
            certificate_no="豫41152320190002",
            certificate_valid_from=today - dt.timedelta(days=700),
            certificate_valid_to=today + dt.timedelta(days=200),
        ),
        "env": Inspector.objects.create(
            department=env,
            name="孙强",
            gender="男",
            position="执法大队队员",
            expertise=["环保"],
            certificate_no="豫41152320190003",
            certificate_valid_from=today - dt.timedelta(days=700),
            certificate_valid_to=today - dt.timedelta(days=3),
        ),
        "lead": Inspector.objects.create(
            department=lead,
            name="周敏",
            gender="女",
            position="科员",
            expertise=["食品安全"],
            certificate_no="豫41152320190004",
            certificate_valid_from=today - dt.timedelta(days=700),
            certificate_valid_to=today + dt.timedelta(days=900),
        ),
    }
    return County(xian, lead, station, health, env, users, items, inspectors)


@pytest.fixture
def county(db: Any) -> County:
    return build_county()
