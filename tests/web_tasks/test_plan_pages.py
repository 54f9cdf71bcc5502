"""Annual plan pages: who may see and act, form errors that write nothing, the late flag,
amendments shown with their changes, and the public pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import AnnualPlan, PlanAmendment, PlanStatus
from tests.web_tasks.conftest import ACTS, ROLES, SEES, Web


def plan_form(web: Web, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "2027年度公共场所卫生双随机抽查计划",
        "year": "2027",
        "items": [web.s.county.items["health"].pk],
        "target_scope": "全县住宿、沐浴、美容美发等公共场所",
        "quota_A": "3%",
        "quota_B": "8%",
        "quota_C": "20%",
        "quota_D": "50%",
        "frequency": "每年一次",
        "period_start": "2027-03-01",
        "period_end": "2027-11-30",
        "inspecting_body": "新县卫生健康委员会",
        "planned_tasks": "2",
    }
    data.update(overrides)
    return data


def draft(web: Web) -> AnnualPlan:
    return plan_services.plan_create(
        department=web.s.county.health,
        actor=web.s.admin,
        year=2027,
        items=[web.s.county.items["health"]],
        name="2027年度职业卫生抽查计划",
        target_scope="全县用人单位",
        ratios={"A": "3%", "B": "5%", "C": "10%", "D": "30%"},
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 10, 31),
        inspecting_body="新县卫生健康委员会",
    )


def refusal(role: str) -> int:
    """Login for the anonymous, 403 for who sees but may not act, 404 for the rest."""
    return 302 if role == "anonymous" else 403 if role in SEES else 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_plan_list_and_detail_show_the_department_its_own_plans(web: Web, role: str) -> None:
    c = web.client(role)
    listing = c.get(reverse("web:plan_list"))
    detail = c.get(reverse("web:plan_detail", args=[web.s.plan.pk]))
    if role == "anonymous":
        assert listing.status_code == detail.status_code == 302
    elif role == "inspector":
        assert listing.status_code == 403 and detail.status_code == 404
    elif role in SEES:
        assert listing.status_code == detail.status_code == 200
        assert web.s.plan.name in listing.content.decode()
    else:  # another department's admins: their list, without this plan; the plan is a 404
        assert listing.status_code == 200 and detail.status_code == 404
        assert web.s.plan.name not in listing.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_creating_a_plan_is_for_the_departments_own_admins(web: Web, role: str) -> None:
    url = reverse("web:plan_create", args=[web.s.county.health.pk])
    c = web.client(role)
    get, post = c.get(url), c.post(url, plan_form(web))
    created = AnnualPlan.objects.filter(name="2027年度公共场所卫生双随机抽查计划")
    if role in ACTS:
        assert get.status_code == 200 and post.status_code == 302
        plan = created.get()
        assert plan.ratios == {"A": "3%", "B": "8%", "C": "20%", "D": "50%"}
        assert plan.status == PlanStatus.DRAFT and plan.planned_tasks == 2
        assert post["Location"] == reverse("web:plan_detail", args=[plan.pk])
    else:
        assert not created.exists()
        assert get.status_code == post.status_code == refusal(role)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"period_start": "2027-11-30", "period_end": "2027-03-01"}, "period_end"),
        ({"quota_B": "8 percent"}, "quota_B"),
        ({"quota_C": ""}, "quota_C"),
        ({"items": []}, "items"),
        ({"planned_tasks": "0"}, "planned_tasks"),
    ],
)
def test_bad_plan_input_shows_form_errors_and_writes_nothing(
    web: Web, overrides: dict[str, Any], field: str
) -> None:
    events = AuditEvent.objects.count()
    response = web.admin.post(
        reverse("web:plan_create", args=[web.s.county.health.pk]), plan_form(web, **overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    assert AnnualPlan.objects.count() == 1 and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_plan_is_edited_submitted_and_approved_through_its_page(web: Web) -> None:
    plan = draft(web)
    c = web.admin
    edit = reverse("web:plan_edit", args=[plan.pk])
    assert c.get(edit).status_code == 200
    data = plan_form(web, name=plan.name, frequency="每年两次")
    data.pop("year")
    assert c.post(edit, data).status_code == 302
    plan.refresh_from_db()
    assert plan.frequency == "每年两次" and plan.year == 2027
    c.post(reverse("web:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    c.post(reverse("web:plan_approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    # Approved: locked; the edit page sends the admin to the amendment form.
    response = c.get(edit)
    assert response.status_code == 302 and response["Location"].endswith("/amend/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "other_admin", "lead_admin", "inspector"])
def test_others_cannot_edit_submit_or_approve(web: Web, role: str) -> None:
    plan = draft(web)
    c = web.client(role)
    responses = [
        c.get(reverse("web:plan_edit", args=[plan.pk])),
        c.post(reverse("web:plan_submit", args=[plan.pk])),
        c.post(reverse("web:plan_approve", args=[plan.pk])),
    ]
    want = 403 if role == "supervisor" else 404
    assert [r.status_code for r in responses] == [want] * 3
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.django_db
def test_late_flag_marks_plans_submitted_after_20_january(web: Web) -> None:
    on_time = draft(web)  # a 2027 plan submitted in November 2026
    plan_services.plan_submit(plan=on_time, actor=web.s.admin)
    late = web.s.plan  # the 2026 plan: make its submission 2026-02-03
    AnnualPlan.objects.filter(pk=late.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 2, 3, 10, 0))
    )
    page = web.admin.get(reverse("web:plan_list")).content.decode()
    assert page.count('data-testid="late"') == 1
    assert (
        'data-testid="late"'
        in web.admin.get(reverse("web:plan_detail", args=[late.pk])).content.decode()
    )
    assert (
        'data-testid="late"'
        not in web.admin.get(reverse("web:plan_detail", args=[on_time.pk])).content.decode()
    )


@pytest.mark.django_db
def test_amendment_needs_a_reason_and_is_shown_with_its_changes(web: Web) -> None:
    plan = web.s.plan
    url = reverse("web:plan_amend", args=[plan.pk])
    data = plan_form(web, name=plan.name, quota_D="60%", period_end="2026-12-25")
    data.pop("year")
    data["target_scope"] = plan.target_scope
    data["inspecting_body"] = plan.inspecting_body
    data["frequency"] = plan.frequency
    data["period_start"] = plan.period_start.isoformat()
    data.update({"quota_A": "5%", "quota_B": "10%", "quota_C": "20%", "planned_tasks": "1"})
    missing = web.admin.post(url, {**data, "reason": "  "})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    assert not PlanAmendment.objects.exists()
    unchanged = dict(data, quota_D="50%", period_end=plan.period_end.isoformat())
    nothing = web.admin.post(url, {**unchanged, "reason": "核对"})
    assert nothing.status_code == 200 and nothing.context["form"].non_field_errors()
    assert not PlanAmendment.objects.exists()
    done = web.admin.post(url, {**data, "reason": "县政府部署节前专项检查，延长检查期限"})
    assert done.status_code == 302
    amendment = PlanAmendment.objects.get()
    assert amendment.changes["ratios"][1]["D"] == "60%"
    assert amendment.changes["period_end"] == ["2026-12-20", "2026-12-25"]
    for page in (
        web.admin.get(reverse("web:plan_detail", args=[plan.pk])),
        web.client("anonymous").get(reverse("web:public_plan_detail", args=[plan.pk])),
    ):
        text = page.content.decode()
        assert "县政府部署节前专项检查，延长检查期限" in text
        assert "2026-12-25" in text and "D=60%" in text


@pytest.mark.django_db
def test_amending_is_refused_to_the_supervisor_and_hidden_from_other_departments(
    web: Web,
) -> None:
    url = reverse("web:plan_amend", args=[web.s.plan.pk])
    assert web.client("supervisor").get(url).status_code == 403
    assert web.client("other_admin").get(url).status_code == 404


@pytest.mark.django_db
def test_plan_detail_counts_planned_against_created_and_drawn_tasks(web: Web) -> None:
    web.drawn()
    web.task(name="公共场所卫生第二批抽查")
    AnnualPlan.objects.filter(pk=web.s.plan.pk).update(planned_tasks=3)
    response = web.admin.get(reverse("web:plan_detail", args=[web.s.plan.pk]))
    assert response.context["row"].tasks_created == 2
    assert response.context["row"].tasks_drawn == 1


@pytest.mark.django_db
def test_public_pages_show_approved_plans_only(web: Web) -> None:
    hidden = draft(web)
    anonymous = web.client("anonymous")
    listing = anonymous.get(reverse("web:public_plan_list")).content.decode()
    assert web.s.plan.name in listing and hidden.name not in listing
    assert anonymous.get(reverse("web:public_plan_detail", args=[web.s.plan.pk])).status_code == 200
    assert anonymous.get(reverse("web:public_plan_detail", args=[hidden.pk])).status_code == 404
