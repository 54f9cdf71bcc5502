"""Targeted checks (R7) and third-party commissions: their services and their pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import Target
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import (
    CommissionKind,
    TargetedCheck,
    TargetedSource,
    ThirdPartyCommission,
)
from shuangsuiji.tasks.services.other import commission_create, targeted_check_create
from tests.web_tasks.conftest import ACTS, ROLES, SEES, Web


def refusal(role: str) -> int:
    return 302 if role == "anonymous" else 403 if role in SEES else 404


def active_target(web: Web) -> Target:
    return next(t for t in web.s.targets if t.status == "存续")


# --- services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_targeted_check_is_audited_and_never_excludes_the_target_from_the_draw(web: Web) -> None:
    target = active_target(web)
    check = targeted_check_create(
        department=web.s.county.health,
        actor=web.s.admin,
        target=target,
        source=TargetedSource.COMPLAINT,
        reason="群众投诉该浴室毛巾未按规定消毒",
        check_date=dt.date(2026, 11, 20),
        reference="12345热线 2026112000318",
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "targeted_check.create"
    assert event.object_id == str(check.pk) and event.department_id == web.s.county.health.pk
    assert verify_chain().ok
    freeze = services.task_freeze(task=web.task(), actor=web.s.admin)
    population = freeze.population.open("rb").read().decode()
    assert f"\n{target.credit_code}," in population


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"reason": "   "}, DomainError),
        ({"source": "rumour"}, DomainError),
        ({"actor": "other_admin"}, NotAllowed),
        ({"actor": "supervisor"}, NotAllowed),
    ],
)
def test_targeted_check_service_refuses_and_writes_nothing(
    web: Web, change: dict[str, str], error: type[Exception]
) -> None:
    args = {
        "department": web.s.county.health,
        "actor": web.s.admin,
        "target": active_target(web),
        "source": TargetedSource.REFERRAL,
        "reason": "市局转办线索",
        "check_date": dt.date(2026, 11, 25),
    }
    args.update(change)
    if "actor" in change:
        args["actor"] = web.users[change["actor"]]
    events = AuditEvent.objects.count()
    with pytest.raises(error):
        targeted_check_create(**args)
    assert not TargetedCheck.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_commission_is_audited_and_the_payer_must_run_the_task(web: Web) -> None:
    task = web.task()
    with pytest.raises(DomainError):
        commission_create(
            task=task,
            actor=web.s.admin,
            agency="河南省信阳市卫生检测中心",
            kind=CommissionKind.TESTING,
            cost_yuan=Decimal("3800.00"),
            paying_department=web.s.county.env,
        )
    with pytest.raises(NotAllowed):
        commission_create(
            task=task,
            actor=web.users["supervisor"],
            agency="河南省信阳市卫生检测中心",
            kind=CommissionKind.TESTING,
            cost_yuan=Decimal("3800.00"),
            paying_department=web.s.county.health,
        )
    assert not ThirdPartyCommission.objects.exists()
    commission = commission_create(
        task=task,
        actor=web.s.admin,
        agency="河南省信阳市卫生检测中心",
        kind=CommissionKind.TESTING,
        cost_yuan=Decimal("3800.00"),
        paying_department=web.s.county.health,
        contract_no="新卫健采〔2026〕17号",
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "task.commission"
    assert event.department_id == web.s.county.health.pk
    assert commission.cost_yuan == Decimal("3800.00")


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_targeted_check_page_by_role(web: Web, role: str) -> None:
    url = reverse("web:targeted_checks", args=[web.s.county.health.pk])
    target = active_target(web)
    c = web.client(role)
    get = c.get(url)
    post = c.post(
        url,
        {
            "credit_code": target.credit_code.lower(),
            "source": "complaint",
            "reference": "12345热线 2026112000318",
            "reason": "群众投诉该单位卫生条件差",
            "check_date": "2026-11-26",
        },
    )
    if role in ACTS:
        assert get.status_code == 200 and post.status_code == 302
        check = TargetedCheck.objects.get()
        assert check.target == target and check.department == web.s.county.health
        assert target.name in c.get(url).content.decode()
    else:
        assert not TargetedCheck.objects.exists()
        assert post.status_code == refusal(role)
        assert get.status_code == (200 if role in SEES else refusal(role))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"credit_code": "91411523MA00000000"}, "credit_code"),
        ({"credit_code": "123"}, "credit_code"),
        ({"reason": ""}, "reason"),
        ({"source": "rumour"}, "source"),
        ({"check_date": "2026-13-01"}, "check_date"),
    ],
)
def test_bad_targeted_check_input_writes_nothing(
    web: Web, data: dict[str, str], field: str
) -> None:
    form = {
        "credit_code": active_target(web).credit_code,
        "source": "data",
        "reason": "大数据分析提示异常",
        "check_date": "2026-11-26",
    }
    form.update(data)
    response = web.admin.post(reverse("web:targeted_checks", args=[web.s.county.health.pk]), form)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not TargetedCheck.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_commission_page_by_role(web: Web, role: str) -> None:
    task = web.task()
    url = reverse("web:task_commissions", args=[task.pk])
    c = web.client(role)
    get = c.get(url)
    post = c.post(
        url,
        {
            "agency": "河南省信阳市卫生检测中心",
            "kind": "testing",
            "cost_yuan": "3800.00",
            "paying_department": str(web.s.county.health.pk),
            "contract_no": "新卫健采〔2026〕17号",
        },
    )
    if role in ACTS:
        assert get.status_code == 200 and post.status_code == 302
        assert ThirdPartyCommission.objects.get().agency == "河南省信阳市卫生检测中心"
        detail = c.get(reverse("web:task_detail", args=[task.pk])).content.decode()
        assert "河南省信阳市卫生检测中心" in detail
    else:
        assert not ThirdPartyCommission.objects.exists()
        assert post.status_code == refusal(role)
        assert get.status_code == (200 if role in SEES else refusal(role))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cost_yuan": "-1"}, "cost_yuan"),
        ({"cost_yuan": "lots"}, "cost_yuan"),
        ({"agency": ""}, "agency"),
        ({"kind": "bribe"}, "kind"),
        ({"paying_department": "ENV"}, "paying_department"),
    ],
)
def test_bad_commission_input_writes_nothing(web: Web, data: dict[str, str], field: str) -> None:
    task = web.task()
    form = {
        "agency": "河南省信阳市卫生检测中心",
        "kind": "testing",
        "cost_yuan": "3800.00",
        "paying_department": str(web.s.county.health.pk),
    }
    form.update(data)
    if data.get("paying_department") == "ENV":
        form["paying_department"] = str(web.s.county.env.pk)
    response = web.admin.post(reverse("web:task_commissions", args=[task.pk]), form)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not ThirdPartyCommission.objects.exists()
