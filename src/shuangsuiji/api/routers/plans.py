"""Annual plans (年度随机抽查计划): read, create, submit, approve — the plan services, as
on the plan pages."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from shuangsuiji.plans import services
from shuangsuiji.plans.models import AnnualPlan

from ..auth import OPTIONAL, OPTIONAL_SECURITY, REQUIRED
from ..common import (
    caller,
    department_acted_for,
    department_ref,
    one,
    page,
    responses,
    staff,
    visible,
)
from ..schemas import MAX_ID, PageIn, PlanFilters, PlanIn, PlanOut, PlanPage
from .lookups import items_of

router = Router(tags=["plans 年度计划"])


def plan_json(plan: AnnualPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "department": department_ref(plan.department),
        "year": plan.year,
        "name": plan.name,
        "status": plan.status,
        "items": [
            {"id": i.pk, "code": i.code, "name": i.name}
            for i in sorted(plan.items.all(), key=lambda i: i.code)
        ],
        "target_scope": plan.target_scope,
        "ratios": {str(k): str(v) for k, v in (plan.ratios or {}).items()},
        "frequency": plan.frequency,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "inspecting_body": plan.inspecting_body,
        "planned_tasks": plan.planned_tasks,
        "submitted_at": plan.submitted_at,
        "approved_at": plan.approved_at,
        "amendments": [
            {
                "number": a.number,
                "reason": a.reason,
                "changes": a.changes,
                "created_at": a.created_at,
            }
            for a in sorted(plan.amendments.all(), key=lambda a: a.number)
        ],
    }


def _plans(request: HttpRequest) -> Any:
    return visible(
        caller(request),
        AnnualPlan.objects.select_related("department").prefetch_related("items", "amendments"),
    )


@router.get(
    "/plans",
    response=responses(PlanPage),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Annual plans",
)
def list_plans(
    request: HttpRequest, filters: Query[PlanFilters], params: Query[PageIn]
) -> dict[str, Any]:
    """Without a token: approved plans (public, R5).  With one: also the drafts and
    submitted plans of the account's departments."""
    qs = _plans(request)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    qs = qs.order_by("-year", "department__sort_order", "department_id", "name", "pk")
    return page(qs, params, plan_json)


@router.get(
    "/plans/{plan_id}",
    response=responses(PlanOut),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One annual plan with its amendments",
)
def get_plan(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return plan_json(one(_plans(request), plan_id))


@router.post(
    "/plans",
    response=responses(PlanOut, 201),
    auth=REQUIRED,
    summary="Create a plan (draft)",
)
def create_plan(request: HttpRequest, body: PlanIn) -> Status:
    user = staff(request)
    dept = department_acted_for(
        user, body.department, _("You may not write plans for this department.")
    )
    with transaction.atomic():
        plan = services.plan_create(
            department=dept,
            actor=user,
            year=body.year,
            items=items_of(user, body.items),
            name=body.name.strip(),
            target_scope=body.target_scope,
            ratios={str(k): v for k, v in body.ratios.items()},
            frequency=body.frequency,
            period_start=body.period_start,
            period_end=body.period_end,
            inspecting_body=body.inspecting_body,
            planned_tasks=body.planned_tasks,
        )
    return Status(201, plan_json(one(_plans(request), plan.pk)))


def _acting_on(request: HttpRequest, plan_id: int) -> tuple[Any, AnnualPlan]:
    user = staff(request)
    return user, one(visible(user, AnnualPlan), plan_id)


@router.post(
    "/plans/{plan_id}/submit",
    response=responses(PlanOut),
    auth=REQUIRED,
    summary="Submit a draft plan",
)
def submit_plan(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    user, plan = _acting_on(request, plan_id)
    with transaction.atomic():
        services.plan_submit(plan=plan, actor=user)
    return plan_json(one(_plans(request), plan.pk))


@router.post(
    "/plans/{plan_id}/approve",
    response=responses(PlanOut),
    auth=REQUIRED,
    summary="Approve a submitted plan (it is locked from then on)",
)
def approve_plan(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    user, plan = _acting_on(request, plan_id)
    with transaction.atomic():
        services.plan_approve(plan=plan, actor=user)
    return plan_json(one(_plans(request), plan.pk))
