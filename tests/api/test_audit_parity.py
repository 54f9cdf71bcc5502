"""An API write leaves the same audit row as the page doing the same thing: the same
action, object type, actor and payload keys.  Each step is done once through the page
(Django's test client, logged in) and once through the API, on equivalent records."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.organizations.models import User
from shuangsuiji.plans.models import AnnualPlan
from shuangsuiji.results.models import FollowUp, Result, ResultCategory
from shuangsuiji.tasks.models import Task
from tests.api.conftest import api_as
from tests.conftest import PASSWORD, County
from tests.results.conftest import Dispatched
from tests.tasks.conftest import Scenario

pytestmark = pytest.mark.django_db

Row = tuple[str, str, tuple[str, ...]]


def audit_of(action: Callable[[], Any], actor: User) -> list[Row]:
    """The audit rows one action appended, each by ``actor``: (action, object type,
    payload keys)."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = action()
    assert response.status_code < 400, getattr(response, "content", b"")[:500]
    rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq"))
    assert {e.actor_id for e in rows} <= {actor.pk}
    return [(e.action, e.object_type, tuple(sorted(json.loads(e.payload)))) for e in rows]


def page_as(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_item_change(county: County) -> None:
    admin = county.users["lead_admin"]
    page, api = page_as(admin), api_as(admin)
    lead, station = county.items["lead"], county.items["station"]
    form = {
        "name": "企业公示信息抽查（修订）",
        "legal_basis": lead.legal_basis,
        "inspecting_body": lead.inspecting_body,
        "content": lead.content,
        "method": "实地核查",
        "target_kind": lead.target_kind,
        "is_key": "on",
        "active": "on",
    }
    change = {"name": "食品经营许可情况检查（修订）", "method": "实地核查", "is_key": True}
    by_page = audit_of(lambda: page.post(f"/items/{lead.pk}/edit/", form), admin)
    by_api = audit_of(lambda: api.patch(f"/items/{station.pk}", change), admin)
    assert by_page == by_api == [("item.update", "directory.InspectionItem", ("changes",))]
    changed = [
        sorted(json.loads(e.payload)["changes"])
        for e in AuditEvent.objects.filter(action="item.update").order_by("seq")
    ]
    assert changed[0] == changed[1] == ["is_key", "method", "name"]


def _plan_form(county: County, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "year": 2027,
        "items": [county.items["health"].pk],
        "target_scope": "全县公共场所",
        "frequency": "每年一次",
        "period_start": "2027-03-01",
        "period_end": "2027-11-30",
        "inspecting_body": "新县卫生健康委员会",
        "planned_tasks": 2,
        "quota_A": "5%",
        "quota_B": "10%",
        "quota_C": "20%",
        "quota_D": "50%",
    }


def test_plan_create_and_submit(county: County) -> None:
    admin = county.users["dept_admin"]
    page, api = page_as(admin), api_as(admin)
    new_plan = f"/departments/{county.health.pk}/plans/new/"
    by_page = audit_of(lambda: page.post(new_plan, _plan_form(county, "甲")), admin)
    form = _plan_form(county, "乙")
    body = {
        **{k: v for k, v in form.items() if not k.startswith("quota_")},
        "department": county.health.pk,
        "ratios": {c: form[f"quota_{c}"] for c in "ABCD"},
    }
    by_api = audit_of(lambda: api.post("/plans", body), admin)
    assert by_page == by_api
    assert [r[0] for r in by_api] == ["plan.create"]
    first, second = AnnualPlan.objects.filter(year=2027).order_by("pk")
    assert audit_of(lambda: page.post(f"/plans/{first.pk}/submit/"), admin) == audit_of(
        lambda: api.post(f"/plans/{second.pk}/submit"), admin
    )


def _task_form(s: Scenario, name: str) -> dict[str, Any]:
    return {
        "plan": s.plan.pk,
        "name": name,
        "items": [s.county.items["health"].pk],
        "scope": "全县餐饮服务单位",
        "inspectors_per_target": 2,
        "inspector_cap": 10,
        "period_start": "2026-12-01",
        "period_end": "2026-12-20",
        "extra_tickets_abnormal": 1,
        "quota_A": "1",
        "quota_B": "1",
        "quota_C": "1",
        "quota_D": "1",
    }


TASK_STEPS: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = [
    ("freeze", None, None),
    ("draw", {"entries": "见证人掷骰 3 5 1\n福彩3D 1 8 5"},
     {"entropy": ["见证人掷骰 3 5 1", "福彩3D 1 8 5"]}),
    ("match", None, None),
    ("dispatch", None, None),
]  # fmt: skip


def test_task_steps(scenario: Scenario) -> None:
    admin = scenario.admin
    page, api = page_as(admin), api_as(admin)
    dept = scenario.county.health.pk
    form = _task_form(scenario, "甲任务")
    by_page = audit_of(lambda: page.post(f"/departments/{dept}/tasks/new/", form), admin)
    body = {
        "department": dept,
        "plan": form["plan"],
        "name": "乙任务",
        "items": form["items"],
        "scope": form["scope"],
        "inspector_cap": 10,
        "period_start": form["period_start"],
        "period_end": form["period_end"],
        "quotas": {c: "1" for c in "ABCD"},
    }
    assert by_page == audit_of(lambda: api.post("/tasks", body), admin)
    first, second = Task.objects.order_by("pk")
    for step, form_data, api_body in TASK_STEPS:
        page_url, api_url = f"/tasks/{first.pk}/{step}/", f"/tasks/{second.pk}/{step}"
        by_page = audit_of(lambda u=page_url, f=form_data: page.post(u, f or {}), admin)
        by_api = audit_of(lambda u=api_url, b=api_body: api.post(u, b), admin)
        assert by_page == by_api, step
        assert by_api[0][0] == f"task.{step}"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "dispatched"


def _result_form(d: Dispatched, n: int) -> dict[str, Any]:
    target = d.drawn[n]
    today = timezone.localdate()
    form: dict[str, Any] = {
        "inspection_date": (today - dt.timedelta(days=1)).isoformat(),
        "result_date": today.isoformat(),
        "category": ResultCategory.objects.get(code="R01").pk,
        "findings": "现场检查未发现问题。",
        "confidentiality": "none",
        "public_findings": "",
        "submit": "1",
    }
    for inspector in d.team(target):
        form[f"present_{inspector.pk}"] = "on"
        form[f"shown_{inspector.pk}"] = "on"
    for item in d.task.items.all():
        form[f"outcome_{item.pk}"] = "ok"
        form[f"note_{item.pk}"] = ""
    return form


def _result_body(d: Dispatched, n: int) -> dict[str, Any]:
    target = d.drawn[n]
    today = timezone.localdate()
    return {
        "inspection_date": (today - dt.timedelta(days=1)).isoformat(),
        "result_date": today.isoformat(),
        "category": "R01",
        "findings": "现场检查未发现问题。",
        "present": [{"inspector": i.pk} for i in d.team(target)],
        "outcomes": [{"item": item.pk, "outcome": "ok"} for item in d.task.items.all()],
        "submit": True,
    }


def test_result_entry_review_and_follow_up(dispatched: Dispatched) -> None:
    d = dispatched
    t0, t1 = d.drawn[0], d.drawn[1]
    u0, u1 = d.member_user(t0), d.member_user(t1)
    page0, api1 = page_as(u0), api_as(u1)
    entry0 = f"/tasks/{d.task.pk}/targets/{t0.pk}/result/"
    entry1 = f"/tasks/{d.task.pk}/targets/{t1.pk}/result"
    # Entry, saved and sent for review in one go (the page's "submit" button).
    by_page = audit_of(lambda: page0.post(entry0, _result_form(d, 0)), u0)
    by_api = audit_of(lambda: api1.put(entry1, _result_body(d, 1)), u1)
    assert by_page == by_api
    assert [r[0] for r in by_api] == ["result.enter", "result.submit"]
    r0 = Result.objects.get(task=d.task, target=t0)
    r1 = Result.objects.get(task=d.task, target=t1)
    admin = d.admin
    admin_page, admin_api = page_as(admin), api_as(admin)
    reason = {"reason": "请补充现场照片"}
    assert audit_of(lambda: admin_page.post(f"/results/{r0.pk}/return/", reason), admin) == (
        audit_of(lambda: admin_api.post(f"/results/{r1.pk}/return", reason), admin)
    )
    # Corrected and sent again, then published.
    assert audit_of(lambda: page0.post(entry0, _result_form(d, 0)), u0) == audit_of(
        lambda: api1.put(entry1, _result_body(d, 1)), u1
    )
    by_page = audit_of(lambda: admin_page.post(f"/results/{r0.pk}/publish/"), admin)
    by_api = audit_of(lambda: admin_api.post(f"/results/{r1.pk}/publish"), admin)
    assert by_page == by_api and by_api
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    follow = {"action": "correct", "description": "责令整改", "due_date": due}
    assert audit_of(lambda: admin_page.post(f"/results/{r0.pk}/follow-ups/", follow), admin) == (
        audit_of(lambda: admin_api.post(f"/results/{r1.pk}/follow-ups", follow), admin)
    )
    f0, f1 = FollowUp.objects.order_by("pk")
    note = {"note": "已整改"}
    assert audit_of(lambda: admin_page.post(f"/follow-ups/{f0.pk}/close/", note), admin) == (
        audit_of(lambda: admin_api.post(f"/follow-ups/{f1.pk}/close", note), admin)
    )
