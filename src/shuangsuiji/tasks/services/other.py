"""Work next to the random draw: targeted checks (R7) and third-party commissions.

A targeted check (定向检查) answers a complaint, a referral or a data signal.  It is recorded
here, apart from the random tasks, so that it is never counted as random coverage and never
takes a target out of the random draw (``freeze.inspected_this_year`` reads only draws).

A commission (委托第三方) records who was engaged for a task, for what and at what cost;
the commissioning department pays (谁委托、谁付费), so the paying department must be one
that runs the task.

Import these from this module (``shuangsuiji.tasks.services.other``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import Target
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action

from ..models import (
    CommissionKind,
    TargetedCheck,
    TargetedSource,
    Task,
    ThirdPartyCommission,
)

__all__ = ["commission_create", "targeted_check_create"]


@transaction.atomic
def targeted_check_create(
    *,
    department: Department,
    actor: User,
    target: Target,
    source: str,
    reason: str,
    check_date: dt.date,
    reference: str = "",
) -> TargetedCheck:
    """Record a non-random, targeted check of one target, with its source and reason."""
    if not any(d.pk == department.pk for d in policy.departments_user_acts_for(actor)):
        raise NotAllowed(_("You may not record targeted checks for this department."))
    if source not in TargetedSource.values:
        raise DomainError(_("Unknown source of a targeted check: %(s)s") % {"s": source})
    reason = reason.strip()
    if not reason:
        raise DomainError(_("A targeted check needs its reason."))
    if target.region_id != department.region_id:
        raise DomainError(_("The target is not in the department's county."))
    check = TargetedCheck.objects.create(
        department=department,
        target=target,
        source=source,
        reference=reference.strip(),
        reason=reason,
        check_date=check_date,
        created_by=actor,
    )
    chain.record(
        actor=actor,
        action="targeted_check.create",
        obj=check,
        payload={
            "target": target.credit_code,
            "source": source,
            "reference": check.reference,
            "reason": reason,
            "date": check_date.isoformat(),
        },
    )
    return check


@transaction.atomic
def commission_create(
    *,
    task: Task,
    actor: User,
    agency: str,
    kind: str,
    cost_yuan: Decimal,
    paying_department: Department,
    contract_no: str = "",
) -> ThirdPartyCommission:
    """Record a commissioned agency for a task; the commissioning department pays."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, task):
        raise NotAllowed(_("You may not record commissions for this task."))
    agency = agency.strip()
    if not agency:
        raise DomainError(_("Name the commissioned agency."))
    if kind not in CommissionKind.values:
        raise DomainError(_("Unknown kind of commission: %(k)s") % {"k": kind})
    if cost_yuan < 0:
        raise DomainError(_("The cost cannot be negative."))
    runners = {task.department_id, *task.participants.values_list("pk", flat=True)}
    if paying_department.pk not in runners:
        raise DomainError(
            _("The commissioning department pays: choose a department that runs this task.")
        )
    commission = ThirdPartyCommission.objects.create(
        task=task,
        agency=agency,
        kind=kind,
        cost_yuan=cost_yuan,
        paying_department=paying_department,
        contract_no=contract_no.strip(),
        created_by=actor,
    )
    chain.record(
        actor=actor,
        action="task.commission",
        obj=commission,
        department=task.department_id,
        payload={
            "task": task.number,
            "agency": agency,
            "kind": kind,
            "cost_yuan": str(commission.cost_yuan),
            "paying_department": paying_department.code,
            "contract_no": commission.contract_no,
        },
    )
    return commission
