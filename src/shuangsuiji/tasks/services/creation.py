"""Creating tasks, with their local task number (e.g. 新市监抽查〔2026〕3号)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.lottery import parse_quota
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.plans.models import AnnualPlan, PlanStatus

from ..models import Task, TaskKind, TaskParticipation


def task_number(department: Department, year: int, serial: int) -> str:
    return f"{department.short_name}抽查〔{year}〕{serial}号"


@transaction.atomic
def task_create(
    *,
    department: Department,
    actor: User,
    name: str,
    items: Sequence[InspectionItem],
    quotas: dict[str, str],
    period_start: dt.date,
    period_end: dt.date,
    plan: AnnualPlan | None = None,
    adhoc_reason: str = "",
    participants: Sequence[Department] | None = None,
    **options: Any,
) -> Task:
    """A random task, from an approved plan or ad hoc with a recorded reason.

    A joint task (跨部门联合抽查) names its participating departments (by default those of
    its joint plan); each confirms its part and adds its own items before the freeze
    (:func:`..joint.task_participation_confirm`)."""
    if not any(d.pk == department.pk for d in policy.departments_user_acts_for(actor)):
        raise NotAllowed(_("You may not create tasks for this department."))
    if plan is not None:
        if plan.department_id != department.pk:
            raise DomainError(_("The plan belongs to another department."))
        if plan.status != PlanStatus.APPROVED:
            raise DomainError(_("Tasks are created from an approved plan."))
    elif not adhoc_reason.strip():
        raise DomainError(_("A task outside the annual plan needs its reason."))
    if not name.strip():
        raise DomainError(_("The task needs a name."))
    if not items or any(i.department_id != department.pk for i in items):
        raise DomainError(_("Choose at least one of your department's inspection items."))
    if period_end < period_start:
        raise DomainError(_("The period ends before it starts."))
    if not quotas:
        raise DomainError(_("Give the quota for each credit risk class."))
    for stratum, text in quotas.items():
        try:
            parse_quota(str(text))
        except LotteryError as exc:
            raise DomainError(
                _("Quota for class %(c)s is not a count or a rate: %(e)s")
                % {"c": stratum, "e": exc}
            ) from exc
    if participants is None:
        participants = list(plan.participants.all()) if plan is not None else []
    joint = sorted({d.pk: d for d in participants if d.pk != department.pk}.values(), key=_order)
    k = int(options.get("inspectors_per_target", 2))
    if k < 2:
        raise DomainError(_("Each target needs at least two inspectors."))
    if k < 1 + len(joint):
        raise DomainError(
            _(
                "A joint team needs an inspector from each of the %(n)d departments: "
                "at least %(n)d per target."
            )
            % {"n": 1 + len(joint)}
        )
    # Lock the department row so two tasks created at once get different numbers.
    Department.objects.select_for_update().get(pk=department.pk)
    year = period_start.year
    serial = (
        Task.objects.filter(department=department, year=year).aggregate(s=Max("serial"))["s"] or 0
    ) + 1
    task = Task.objects.create(
        department=department,
        plan=plan,
        adhoc_reason=adhoc_reason.strip(),
        kind=TaskKind.RANDOM,
        year=year,
        serial=serial,
        number=task_number(department, year, serial),
        name=name.strip(),
        scope=options.get("scope", ""),
        quotas={k_: str(v) for k_, v in quotas.items()},
        inspectors_per_target=k,
        inspector_cap=int(options.get("inspector_cap", 20)),
        required_expertise=sorted(set(options.get("required_expertise", []))),
        period_start=period_start,
        period_end=period_end,
        exclude_inspected_by_any=bool(options.get("exclude_inspected_by_any", False)),
        extra_tickets_abnormal=int(options.get("extra_tickets_abnormal", 1)),
        created_by=actor,
    )
    task.items.set(items)
    if joint:
        task.participants.set(joint)
        TaskParticipation.objects.bulk_create(
            [TaskParticipation(task=task, department=d) for d in joint]
        )
    chain.record(
        actor=actor,
        action="task.create",
        obj=task,
        payload={
            "number": task.number,
            "name": task.name,
            "plan": plan.pk if plan else None,
            "adhoc_reason": task.adhoc_reason,
            "quotas": task.quotas,
            "participants": [d.name for d in joint],
        },
    )
    return task


def _order(department: Department) -> tuple[int, str]:
    return (department.sort_order, department.code)
