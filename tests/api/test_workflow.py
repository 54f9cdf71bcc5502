"""The fixed order through the API alone: plan → task → freeze → draw → match → dispatch →
result → review → publication → follow-up, each step by the account whose work it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shuangsuiji.directory.models import Inspector
from shuangsuiji.tasks.models import Assignment
from tests.api.conftest import api_as
from tests.results.conftest import Dispatched, give_accounts
from tests.tasks.conftest import Scenario

pytestmark = pytest.mark.django_db


def test_a_department_runs_a_task_from_plan_to_dispatch(scenario: Scenario) -> None:
    county = scenario.county
    admin = api_as(scenario.admin)
    plan = admin.post(
        "/plans",
        {
            "department": county.health.pk,
            "year": 2027,
            "name": "2027年度公共场所卫生双随机抽查计划",
            "items": [county.items["health"].pk],
            "target_scope": "全县公共场所经营单位",
            "ratios": {"A": "5%", "B": "10%", "C": "20%", "D": "50%"},
            "period_start": "2027-03-01",
            "period_end": "2027-11-30",
            "inspecting_body": "新县卫生健康委员会",
        },
    )
    assert plan.status_code == 201, plan.json()
    plan_id = plan.json()["id"]
    assert plan.json()["status"] == "draft"
    assert admin.post(f"/plans/{plan_id}/submit").json()["status"] == "submitted"
    assert admin.post(f"/plans/{plan_id}/approve").json()["status"] == "approved"

    created = admin.post(
        "/tasks",
        {
            "department": county.health.pk,
            "plan": scenario.plan.pk,
            "name": "公共场所卫生专项抽查",
            "items": [county.items["health"].pk],
            "quotas": {"A": "1", "B": "2", "C": "2", "D": "1"},
            "period_start": "2026-12-01",
            "period_end": "2026-12-20",
            "inspector_cap": 10,
        },
    )
    assert created.status_code == 201, created.json()
    task = created.json()
    assert task["number"] == "新卫健抽查〔2026〕1号"
    frozen = admin.post(f"/tasks/{task['id']}/freeze").json()
    assert frozen["status"] == "frozen"
    assert frozen["pending_commitment"]["commitment"]
    drawn = admin.post(f"/tasks/{task['id']}/draw", {"entropy": ["见证人掷骰 3 5 1 6 2"]}).json()
    assert drawn["status"] == "drawn"
    assert drawn["draw"]["entropy"] == ["见证人掷骰 3 5 1 6 2"]
    assert drawn["draw"]["secret"] and drawn["pending_commitment"] is None
    listed = admin.get(f"/tasks/{task['id']}/drawn").json()
    assert listed["count"] == drawn["draw"]["selected_count"] == 6
    assert [r["position"] for r in listed["items"]] == list(range(1, 7))
    assert admin.post(f"/tasks/{task['id']}/match").json()["status"] == "matched"
    dispatched = admin.post(f"/tasks/{task['id']}/dispatch").json()
    assert dispatched["status"] == "dispatched"
    assert dispatched["matching"]["inputs_digest"]
    teams = admin.get(f"/tasks/{task['id']}/assignments", {"limit": 200}).json()
    assert teams["count"] == 12  # six targets, two inspectors each

    # The public sees the announcement and the drawn list, without a token.
    public = api_as(None)
    assert public.get(f"/tasks/{task['id']}").json()["draw"]["seed"] == drawn["draw"]["seed"]
    assert public.get(f"/tasks/{task['id']}/drawn").json()["count"] == 6
    assert public.get(f"/tasks/{task['id']}/assignments").status_code == 401


def test_an_inspector_enters_and_the_department_publishes(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    member = dispatched.member_user(target)
    team = dispatched.team(target)
    today = timezone.localdate()
    inspector = api_as(member)
    body = {
        "inspection_date": (today - dt.timedelta(days=1)).isoformat(),
        "result_date": today.isoformat(),
        "category": "R01",
        "findings": "现场检查未发现问题。",
        "present": [{"inspector": i.pk} for i in team],
        "outcomes": [{"item": item.pk, "outcome": "ok"} for item in dispatched.task.items.all()],
    }
    url = f"/tasks/{dispatched.task.pk}/targets/{target.pk}/result"
    saved = inspector.put(url, body)
    assert saved.status_code == 200, saved.json()
    result = saved.json()
    assert result["status"] == "draft"
    assert {p["inspector_id"] for p in result["present"]} == {i.pk for i in team}
    submitted = inspector.post(f"/results/{result['id']}/submit").json()
    assert submitted["status"] == "submitted"

    admin = api_as(dispatched.admin)
    published = admin.post(f"/results/{result['id']}/publish")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    publication_id = published.json()["publication_id"]
    shown = api_as(None).get(f"/publications/{publication_id}").json()
    assert shown["credit_code"] == target.credit_code
    assert shown["public_text"] == "现场检查未发现问题。"

    follow = admin.post(
        f"/results/{result['id']}/follow-ups",
        {
            "action": "correct",
            "description": "责令限期整改公共场所卫生许可公示问题",
            "due_date": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert follow.status_code == 201, follow.json()
    closed = admin.post(f"/follow-ups/{follow.json()['id']}/close", {"note": "已整改到位"})
    assert closed.json()["state"] == "closed"


def test_only_the_team_enters_a_result(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    on_team = {
        a.inspector_id for a in Assignment.objects.filter(task=dispatched.task, target=target)
    }
    stranger = Inspector.objects.filter(department=dispatched.task.department).exclude(
        pk__in=on_team
    )
    give_accounts(list(stranger))
    outsider = stranger.exclude(user=None).first()
    assert outsider is not None and outsider.user is not None
    response = api_as(outsider.user).put(
        f"/tasks/{dispatched.task.pk}/targets/{target.pk}/result",
        {
            "inspection_date": "2026-11-20",
            "result_date": "2026-11-21",
            "category": "R01",
            "present": [{"inspector": outsider.pk}],
            "outcomes": [{"item": dispatched.task.items.first().pk, "outcome": "ok"}],
        },
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
