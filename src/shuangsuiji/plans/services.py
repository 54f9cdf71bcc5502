"""Annual plan services: draft → submitted → approved; after approval only amendments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.errors import DomainError, ErrorCode, NotAllowed
from shuangsuiji.lottery import parse_quota
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action

from .models import AnnualPlan, PlanAmendment, PlanStatus

PLAN_FIELDS = (
    "name",
    "target_scope",
    "ratios",
    "frequency",
    "period_start",
    "period_end",
    "inspecting_body",
    "planned_tasks",
)


class PlanLocked(DomainError):
    code = ErrorCode.INVALID


def _check_ratios(ratios: dict[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for risk_class, text in ratios.items():
        if risk_class not in {"A", "B", "C", "D"}:
            raise DomainError(_("Unknown credit risk class: %(c)s") % {"c": risk_class})
        text = str(text).strip()
        try:
            parse_quota(text)
        except LotteryError as exc:
            raise DomainError(
                _("Ratio for class %(c)s is not a count or a rate such as 5%%: %(e)s")
                % {"c": risk_class, "e": exc}
            ) from exc
        clean[risk_class] = text
    return clean


def _check_items(department: Department, items: Sequence[InspectionItem]) -> None:
    if not items:
        raise DomainError(_("Choose at least one inspection item."))
    if any(i.department_id != department.pk for i in items):
        raise DomainError(_("A plan may only use its own department's items."))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _participants(department: Department, given: Any) -> list[Department]:
    """A joint plan's participating departments: other departments, each once."""
    return [d for d in {d.pk: d for d in (given or [])}.values() if d.pk != department.pk]


@transaction.atomic
def plan_create(
    *,
    department: Department,
    actor: User,
    year: int,
    items: Sequence[InspectionItem],
    **fields: Any,
) -> AnnualPlan:
    if not any(d.pk == department.pk for d in policy.departments_user_acts_for(actor)):
        raise NotAllowed(_("You may not write plans for this department."))
    _check_items(department, items)
    fields["ratios"] = _check_ratios(fields.get("ratios", {}))
    plan = AnnualPlan(
        department=department,
        year=year,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in PLAN_FIELDS},
    )
    if plan.period_end < plan.period_start:
        raise DomainError(_("The period ends before it starts."))
    plan.save()
    plan.items.set(items)
    participants = _participants(department, fields.get("participants"))
    plan.participants.set(participants)
    chain.record(
        actor=actor,
        action="plan.create",
        obj=plan,
        payload={
            "year": year,
            "name": plan.name,
            "ratios": plan.ratios,
            "participants": [d.name for d in participants],
        },
    )
    return plan


def _lock_for_change(plan: AnnualPlan, actor: User) -> AnnualPlan:
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, plan):
        raise NotAllowed(_("You may not change this plan."))
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_update(
    *, plan: AnnualPlan, actor: User, items: Sequence[InspectionItem] | None = None, **fields: Any
) -> AnnualPlan:
    """Edit a plan that is not approved yet.  An approved plan is locked (R5)."""
    locked = _lock_for_change(plan, actor)
    if locked.locked:
        raise PlanLocked(_("The plan is approved and locked; record an amendment with its reason."))
    if "ratios" in fields:
        fields["ratios"] = _check_ratios(fields["ratios"])
    for k, v in fields.items():
        if k in PLAN_FIELDS:
            setattr(locked, k, v)
    locked.save()
    if items is not None:
        _check_items(locked.department, items)
        locked.items.set(items)
    if "participants" in fields:
        locked.participants.set(_participants(locked.department, fields["participants"]))
    chain.record(
        actor=actor,
        action="plan.update",
        obj=locked,
        payload={k: _jsonable(v) for k, v in fields.items() if k in PLAN_FIELDS},
    )
    return locked


@transaction.atomic
def plan_submit(*, plan: AnnualPlan, actor: User) -> AnnualPlan:
    locked = _lock_for_change(plan, actor)
    if locked.status != PlanStatus.DRAFT:
        raise DomainError(_("Only a draft can be submitted."))
    locked.status, locked.submitted_at = PlanStatus.SUBMITTED, timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    late = timezone.localdate(locked.submitted_at) > locked.due_date
    chain.record(actor=actor, action="plan.submit", obj=locked, payload={"late": late})
    return locked


@transaction.atomic
def plan_approve(*, plan: AnnualPlan, actor: User) -> AnnualPlan:
    locked = _lock_for_change(plan, actor)
    if locked.status != PlanStatus.SUBMITTED:
        raise DomainError(_("Only a submitted plan can be approved."))
    locked.status, locked.approved_at, locked.approved_by = (
        PlanStatus.APPROVED,
        timezone.now(),
        actor,
    )
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    chain.record(actor=actor, action="plan.approve", obj=locked, payload={"name": locked.name})
    return locked


@transaction.atomic
def plan_amend(
    *,
    plan: AnnualPlan,
    actor: User,
    reason: str,
    items: Sequence[InspectionItem] | None = None,
    **fields: Any,
) -> PlanAmendment:
    """Change an approved plan: the change, with its reason, is kept and shown publicly."""
    locked = _lock_for_change(plan, actor)
    if not locked.locked:
        raise DomainError(_("Only an approved plan is amended; edit the draft instead."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("An amendment needs its reason."))
    if "ratios" in fields:
        fields["ratios"] = _check_ratios(fields["ratios"])
    changes: dict[str, list[Any]] = {}
    for k, v in fields.items():
        if k in PLAN_FIELDS and getattr(locked, k) != v:
            changes[k] = [_jsonable(getattr(locked, k)), _jsonable(v)]
            setattr(locked, k, v)
    if items is not None:
        _check_items(locked.department, items)
        before = sorted(locked.items.values_list("code", flat=True))
        after = sorted(i.code for i in items)
        if before != after:
            changes["items"] = [before, after]
            locked.items.set(items)
    if not changes:
        raise DomainError(_("The amendment changes nothing."))
    if locked.period_end < locked.period_start:
        raise DomainError(_("The period ends before it starts."))
    locked.save()
    number = (locked.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = PlanAmendment.objects.create(
        plan=locked, number=number, reason=reason, changes=changes, created_by=actor
    )
    chain.record(
        actor=actor,
        action="plan.amend",
        obj=locked,
        payload={"number": number, "reason": reason, "changes": changes},
    )
    return amendment
