"""A constructed year 2026 in 新县 whose supervision figures are known by hand.

Everything is done through the services (plans filed, item lists published, a random task
of 卫生健康委员会 and a joint task of 市场监督管理局 + 卫生健康委员会 drawn and dispatched,
results entered, reviewed and published, follow-ups and referrals recorded and closed);
afterwards the dates of the domain rows are moved with ``QuerySet.update()`` to the days of
the story below, so the answers do not depend on the day the tests run.  Audit rows are
never touched.  "Today" for the figures is ``TODAY``.

The story (year 2026; "today" 30 November 2026):

- 一单: 卫健委 published its list on 2025-12-20 (on time) and changed an item afterwards
  (not current, 1 change); 市场监管局 published on 2026-01-05 (late, current); 生态环境局
  and the station never published.
- 计划: 卫健委's own plan submitted 2026-01-15 (on time, 1 task); 市场监管局's joint plan
  with 卫健委 submitted 2026-02-10 (21 days late, 3 tasks), which also counts for 卫健委
  (4 planned tasks); 生态环境局 has none.
- 任务: 卫健委's random task drawn 2026-03-10; the joint task drawn 2026-05-12.
- 结果 of 卫健委's task: h0 published on time (problem found: 责令改正), h1 published
  4 working days late, h2 submitted and overdue (deadline 2026-08-10), h3 a draft not yet
  due (unreachable at its address: a problem), h4 published on time in 2025 (outside).
- 结果 of the joint task: j0 both parts approved, 市场监管局's 2 working days late (its
  finding is another department's business: a problem, referred to 生态环境局), 卫健委's
  on time; j1 市场监管局's part approved on time, 卫健委's never entered (missing, its
  publication overdue); j2 市场监管局's part a draft not yet due, 卫健委's not entered.
- 后续处置 by 卫健委: closed on time, closed late, open and overdue, open and not yet due.
- 线索移送: 市场监管局 → 生态环境局 (unanswered, overdue); 卫健委 → 市场监管局 (answered
  on time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from shuangsuiji.directory import publishing
from shuangsuiji.directory import services as directory
from shuangsuiji.directory.models import InspectionItem, ItemListVersion, Target
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.plans import services as plans
from shuangsuiji.plans.models import AnnualPlan
from shuangsuiji.results import services as results
from shuangsuiji.results.models import (
    FollowUp,
    FollowUpAction,
    ItemOutcome,
    Result,
    ResultCategory,
)
from shuangsuiji.results.services import ResultInput
from shuangsuiji.tasks import services as tasks
from shuangsuiji.tasks.models import Assignment, Draw, DrawnTarget, Matching, Task
from tests.conftest import County
from tests.joint.conftest import Joint, joint  # noqa: F401 - fixture re-export
from tests.results.conftest import Dispatched, dispatched  # noqa: F401 - fixture re-export
from tests.tasks.conftest import scenario  # noqa: F401 - fixture re-export

TODAY = dt.date(2026, 11, 30)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Story:
    county: County
    health_task: Task
    joint_task: Task
    health_plan: AnnualPlan
    lead_plan: AnnualPlan
    parts: dict[str, Result]
    follow_ups: dict[str, FollowUp]
    health_drawn: list[Target]
    joint_drawn: list[Target]

    @property
    def lead(self) -> Department:
        return self.county.lead

    @property
    def health(self) -> Department:
        return self.county.health

    @property
    def env(self) -> Department:
        return self.county.env


def _team_member(task: Task, target: Target, department: Department) -> User:
    for a in Assignment.objects.filter(task=task, target=target, active=True).select_related(
        "inspector__user"
    ):
        if a.inspector.department_id == department.pk and a.inspector.user is not None:
            return a.inspector.user
    raise AssertionError(f"no inspector of {department} on the team")


def _enter(task: Task, target: Target, department: Department, code: str, submit: bool) -> Result:
    team = [
        a.inspector
        for a in Assignment.objects.filter(task=task, target=target, active=True).select_related(
            "inspector"
        )
    ]
    items = [i for i in task.items.all() if i.department_id == department.pk]
    today = timezone.localdate()
    data = ResultInput(
        inspection_date=today,
        result_date=today,
        category=ResultCategory.objects.get(code=code),
        findings="现场检查情况已记录。",
        present={i.pk: True for i in team},
        outcomes={i.pk: (ItemOutcome.NO_PROBLEM, "") for i in items},
    )
    actor = _team_member(task, target, department)
    return results.result_save(actor=actor, task=task, target=target, data=data, submit=submit)


def _dates(result: Result, result_date: str, deadline: str, late: int = 0) -> None:
    day = d(result_date)
    Result.objects.filter(pk=result.pk).update(
        inspection_date=day, result_date=day, deadline=d(deadline), late_working_days=late
    )


def _drawn(task: Task) -> list[Target]:
    return [
        row.target
        for row in DrawnTarget.objects.filter(draw__task=task, draw__superseded=False)
        .select_related("target")
        .order_by("position")
    ]


def build_story(j: Joint, dispatched: Dispatched) -> Story:  # noqa: F811 - fixture names
    county = j.county
    lead, health, env = county.lead, county.health, county.env
    lead_admin, health_admin = j.lead_admin, j.health_admin
    sysadmin = county.users["sysadmin"]
    # --- item lists: the items were written last year.
    InspectionItem.history.all().update(history_date=at(d("2025-12-01")))
    v = publishing.item_list_publish(department=health, actor=health_admin)
    ItemListVersion.objects.filter(pk=v.pk).update(published_at=at(d("2025-12-20")))
    v = publishing.item_list_publish(department=lead, actor=lead_admin)
    ItemListVersion.objects.filter(pk=v.pk).update(published_at=at(d("2026-01-05")))
    directory.item_update(
        item=county.items["health"], actor=health_admin, data={"content": "检查公共用品用具消毒"}
    )
    # --- plans
    health_plan = dispatched.scenario.plan
    AnnualPlan.objects.filter(pk=health_plan.pk).update(submitted_at=at(d("2026-01-15")))
    lead_plan = plans.plan_create(
        department=lead,
        actor=lead_admin,
        year=2026,
        items=[county.items["lead"]],
        participants=[health],
        name="2026年度餐饮行业跨部门联合抽查计划",
        target_scope="全县餐饮服务单位",
        ratios={"A": "3%", "B": "5%", "C": "10%", "D": "30%"},
        period_start=d("2026-03-01"),
        period_end=d("2026-12-20"),
        inspecting_body="新县市场监督管理局、新县卫生健康委员会",
        planned_tasks=3,
    )
    plans.plan_submit(plan=lead_plan, actor=lead_admin)
    AnnualPlan.objects.filter(pk=lead_plan.pk).update(submitted_at=at(d("2026-02-10")))
    # --- tasks
    health_task = dispatched.task
    Draw.objects.filter(task=health_task).update(drawn_at=at(d("2026-03-10")))
    Matching.objects.filter(task=health_task).update(created_at=at(d("2026-03-11")))
    joint_task = j.create()
    tasks.task_participation_confirm(
        task=joint_task, department=health, actor=health_admin, items=[county.items["health"]]
    )
    tasks.task_freeze(task=joint_task, actor=lead_admin)
    tasks.task_draw(task=joint_task, actor=lead_admin, entropy=["督查考核 骰子 3 5 1"])
    tasks.task_match(task=joint_task, actor=lead_admin)
    tasks.task_dispatch(task=joint_task, actor=lead_admin)
    Draw.objects.filter(task=joint_task).update(drawn_at=at(d("2026-05-12")))
    Matching.objects.filter(task=joint_task).update(created_at=at(d("2026-05-13")))
    health_drawn, joint_drawn = _drawn(health_task), _drawn(joint_task)
    assert len(health_drawn) >= 5 and len(joint_drawn) >= 3
    # --- results of 卫健委's task
    parts: dict[str, Result] = {}
    h = health_drawn
    parts["h0"] = _enter(health_task, h[0], health, "R07", submit=True)
    results.result_publish(actor=health_admin, result=parts["h0"])
    _dates(parts["h0"], "2026-06-01", "2026-06-29")
    parts["h1"] = _enter(health_task, h[1], health, "R01", submit=True)
    results.result_publish(actor=health_admin, result=parts["h1"])
    _dates(parts["h1"], "2026-06-10", "2026-07-08", late=4)
    parts["h2"] = _enter(health_task, h[2], health, "R01", submit=True)
    _dates(parts["h2"], "2026-07-13", "2026-08-10")
    parts["h3"] = _enter(health_task, h[3], health, "R04", submit=False)
    _dates(parts["h3"], "2026-11-27", "2026-12-25")
    parts["h4"] = _enter(health_task, h[4], health, "R01", submit=True)
    results.result_publish(actor=health_admin, result=parts["h4"])
    _dates(parts["h4"], "2025-11-20", "2025-12-18")
    # --- results of the joint task
    jt = joint_drawn
    parts["j0_lead"] = _enter(joint_task, jt[0], lead, "R14", submit=True)
    results.result_publish(actor=lead_admin, result=parts["j0_lead"])
    parts["j0_health"] = _enter(joint_task, jt[0], health, "R01", submit=True)
    assert results.result_publish(actor=health_admin, result=parts["j0_health"]) is not None
    _dates(parts["j0_lead"], "2026-05-22", "2026-06-19", late=2)
    _dates(parts["j0_health"], "2026-05-22", "2026-06-19")
    parts["j1_lead"] = _enter(joint_task, jt[1], lead, "R01", submit=True)
    assert results.result_publish(actor=lead_admin, result=parts["j1_lead"]) is None
    _dates(parts["j1_lead"], "2026-08-18", "2026-09-15")
    parts["j2_lead"] = _enter(joint_task, jt[2], lead, "R01", submit=False)
    _dates(parts["j2_lead"], "2026-11-27", "2026-12-25")
    for part in parts.values():
        part.refresh_from_db()
    # --- follow-ups (due dates must lie ahead when recorded; moved afterwards)
    later = timezone.localdate() + dt.timedelta(days=30)
    fu: dict[str, FollowUp] = {}

    def follow(key: str, result: Result, actor: User, due: str, **kw: Any) -> FollowUp:
        kw.setdefault("action", FollowUpAction.CORRECT)
        f = results.followup_create(
            actor=actor, result=result, description="督促整改并复查", due_date=later, **kw
        )
        FollowUp.objects.filter(pk=f.pk).update(due_date=d(due))
        f.refresh_from_db()
        fu[key] = f
        return f

    def close(f: FollowUp, actor: User, day: str) -> None:
        results.followup_close(actor=actor, follow_up=f, note="已按要求完成整改，复查合格。")
        FollowUp.objects.filter(pk=f.pk).update(closed_at=at(d(day), 15))

    close(follow("on_time", parts["h0"], health_admin, "2026-07-15"), health_admin, "2026-07-10")
    close(follow("late", parts["h1"], health_admin, "2026-08-01"), health_admin, "2026-08-20")
    follow("open_overdue", parts["h2"], health_admin, "2026-09-30", action=FollowUpAction.CASE)
    follow("open", parts["h2"], health_admin, "2026-12-20")
    to_env = follow(
        "to_env",
        parts["j0_lead"],
        lead_admin,
        "2026-07-25",
        action=FollowUpAction.REFER,
        to_department=env,
    )
    FollowUp.objects.filter(pk=to_env.pk).update(created_at=at(d("2026-06-25")))
    to_lead = follow(
        "to_lead",
        parts["h0"],
        health_admin,
        "2026-07-31",
        action=FollowUpAction.REFER,
        to_department=lead,
    )
    FollowUp.objects.filter(pk=to_lead.pk).update(created_at=at(d("2026-07-01")))
    close(to_lead, lead_admin, "2026-07-20")
    for f in fu.values():
        f.refresh_from_db()
    assert sysadmin is not None
    return Story(
        county=county,
        health_task=health_task,
        joint_task=joint_task,
        health_plan=health_plan,
        lead_plan=lead_plan,
        parts=parts,
        follow_ups=fu,
        health_drawn=health_drawn,
        joint_drawn=joint_drawn,
    )


@pytest.fixture
def story(joint: Joint, dispatched: Dispatched) -> Story:  # noqa: F811
    # ``joint`` first: it gives the lead's and the health inspectors their accounts in one
    # numbering (``dispatched`` then finds them all with accounts).
    return build_story(joint, dispatched)
