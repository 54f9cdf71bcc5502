"""Inspector directory writes: status changes and declared conflicts of interest (回避)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import Action

from .models import Conflict, Inspector, InspectorStatus, Target


@transaction.atomic
def inspector_set_status(*, inspector: Inspector, actor: User, status: str) -> Inspector:
    if status not in InspectorStatus.values:
        raise DomainError(_("Unknown status: %(status)s") % {"status": status})
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, inspector):
        raise NotAllowed(_("You may not change this inspector."))
    # An inspector may not take themselves off duty: that is the department's decision.
    if inspector.user_id == getattr(actor, "pk", None) and policy.user_roles(actor) <= {
        "inspector"
    }:
        raise NotAllowed(_("Only your department can change your status."))
    locked = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if locked.status != status:
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        chain.record(
            actor=actor,
            action="inspector.status",
            obj=locked,
            payload={"from": before, "to": status, "certificate_no": locked.certificate_no},
        )
    return locked


@transaction.atomic
def conflict_declare(
    *,
    inspector: Inspector,
    target: Target,
    reason: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
    actor: User,
) -> Conflict:
    """Record a conflict of interest; the matching treats it as a removed arc from then on.
    The inspector themselves or their department may declare it."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, inspector):
        raise NotAllowed(_("You may not declare conflicts for this inspector."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the conflict of interest."))
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(_("The end date is before the start date."))
    conflict = Conflict.objects.create(
        inspector=inspector,
        target=target,
        reason=reason,
        valid_from=valid_from,
        valid_to=valid_to,
        declared_by=actor,
    )
    chain.record(
        actor=actor,
        action="conflict.declare",
        obj=conflict,
        department=inspector.department_id,
        payload={
            "inspector": inspector.certificate_no,
            "target": target.credit_code,
            "reason": reason,
            "from": valid_from.isoformat(),
            "to": valid_to.isoformat() if valid_to else None,
        },
    )
    return conflict
