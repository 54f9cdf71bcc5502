"""Annual plans: the states, the lock after approval, amendments shown publicly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.plans import services
from shuangsuiji.plans.models import PlanStatus
from tests.conftest import County


def new_plan(county: County, **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = dict(
        department=county.health,
        actor=county.users["dept_admin"],
        year=2027,
        items=[county.items["health"]],
        name="2027年度公共卫生双随机抽查计划",
        target_scope="全县公共场所",
        ratios={"A": "3%", "B": "8%", "C": "25%", "D": "60%"},
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 11, 30),
        inspecting_body="新县卫生健康委员会",
    )
    args.update(kw)
    return services.plan_create(**args)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_approved_plan_is_locked_and_amendments_are_public(county: County) -> None:
    admin = county.users["dept_admin"]
    plan = new_plan(county)
    services.plan_update(plan=plan, actor=admin, frequency="每年两次")
    services.plan_submit(plan=plan, actor=admin)
    services.plan_approve(plan=plan, actor=admin)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    with pytest.raises(services.PlanLocked):
        services.plan_update(plan=plan, actor=admin, frequency="不定期")
    with pytest.raises(DomainError):
        services.plan_amend(plan=plan, actor=admin, reason="", ratios={"D": "80%"})
    amendment = services.plan_amend(
        plan=plan,
        actor=admin,
        reason="上级部署提高高风险企业抽查比例",
        ratios={"A": "3%", "B": "8%", "C": "25%", "D": "80%"},
    )
    assert amendment.number == 1
    assert amendment.changes["ratios"][1]["D"] == "80%"
    plan.refresh_from_db()
    assert plan.ratios["D"] == "80%"
    # Public: an approved plan and its amendments are visible to anyone.
    from django.contrib.auth.models import AnonymousUser

    from shuangsuiji.organizations import policy
    from shuangsuiji.organizations.policy import Action
    from shuangsuiji.plans.models import AnnualPlan, PlanAmendment

    anon = AnonymousUser()
    assert policy.instances_user_has_permission_for(anon, Action.VIEW, AnnualPlan).count() == 1
    assert policy.instances_user_has_permission_for(anon, Action.VIEW, PlanAmendment).count() == 1
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["plan.create", "plan.update", "plan.submit", "plan.approve", "plan.amend"]
    assert Client().get("/").status_code in {200, 302}


@pytest.mark.django_db
def test_late_submission_is_recorded(county: County) -> None:
    plan = new_plan(
        county,
        year=2026,
        name="2026年度补报计划",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 12, 1),
    )
    services.plan_submit(plan=plan, actor=county.users["dept_admin"])
    assert AuditEvent.objects.get(action="plan.submit").payload == '{"late":true}'


@pytest.mark.django_db
def test_bad_ratio_and_foreign_items_are_refused(county: County) -> None:
    with pytest.raises(DomainError):
        new_plan(county, ratios={"A": "五成"})
    with pytest.raises(DomainError):
        new_plan(county, items=[county.items["env"]])
    with pytest.raises(NotAllowed):
        new_plan(county, department=county.env)
    assert not AuditEvent.objects.exists()
