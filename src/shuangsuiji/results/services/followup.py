"""Follow-up (后续处置) tracked to closure, and referral (线索移送): "谁管辖、谁负责" (R9).

The department that published a result records what follows from it.  A referral goes to
the competent department: it becomes that department's follow-up, appears in its inbox
with the result and its evidence, and only that department closes it, with a note saying
what it did.  Closing always needs a note.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations.models import Department, Role, RoleAssignment, User

from ..models import FollowUp, FollowUpAction, FollowUpState, Reminder, Result, ResultStatus
from .errors import ResultError
from .review import may_review


def department_admins(department: Department) -> list[User]:
    return [
        a.user
        for a in RoleAssignment.objects.select_related("user").filter(
            department=department,
            role__in=[Role.DEPARTMENT_ADMIN, Role.LEAD_ADMIN],
            user__is_active=True,
        )
    ]


@transaction.atomic
def followup_create(
    *,
    actor: User,
    result: Result,
    action: str,
    description: str,
    due_date: dt.date,
    owner: User | None = None,
    to_department: Department | None = None,
) -> FollowUp:
    if not may_review(actor, result.department):
        raise NotAllowed(_("Only the result's department records its follow-up."))
    if result.status not in (ResultStatus.SUBMITTED, ResultStatus.PUBLISHED):
        raise ResultError(_("Follow-up is recorded once the result is submitted."))
    if action not in FollowUpAction.values:
        raise ResultError(_("Unknown follow-up action."))
    description = description.strip()
    if not description:
        raise ResultError(_("Describe what is to be done."))
    if due_date < timezone.localdate():
        raise ResultError(_("The due date cannot be in the past."))
    referral = action == FollowUpAction.REFER
    if referral:
        if to_department is None:
            raise ResultError(_("Choose the department the lead is referred to."))
        if to_department.pk == result.department_id:
            raise ResultError(_("A referral goes to another department."))
        responsible = to_department
        owner = None  # the receiving department assigns its own owner
    else:
        responsible = result.department
        if owner is not None and owner.department_id != responsible.pk:
            raise ResultError(_("The owner must work in the responsible department."))
    follow_up = FollowUp.objects.create(
        result=result,
        action=action,
        description=description,
        department=responsible,
        referred_by=result.department if referral else None,
        owner=owner,
        due_date=due_date,
        created_by=actor,
    )
    if referral:
        for user in department_admins(responsible):
            Reminder.objects.get_or_create(
                user=user,
                result=result,
                kind=Reminder.Kind.REFERRAL,
                day=timezone.localdate(),
                defaults={
                    "message": _("Referral from %(dept)s: %(target)s")
                    % {"dept": result.department.name, "target": result.target.name}
                },
            )
    chain.record(
        actor=actor,
        action="referral.create" if referral else "followup.create",
        obj=follow_up,
        payload={
            "result": result.pk,
            "task": result.task.number,
            "target": result.target.credit_code,
            "action": action,
            "to_department": responsible.name,
            "due_date": due_date.isoformat(),
        },
    )
    return follow_up


@transaction.atomic
def followup_close(*, actor: User, follow_up: FollowUp, note: str) -> FollowUp:
    note = note.strip()
    if not note:
        raise ResultError(_("Closing a follow-up needs a note saying what was done."))
    locked = (
        FollowUp.objects.select_for_update()
        .select_related("result", "department")
        .get(pk=follow_up.pk)
    )
    is_owner = locked.owner_id is not None and locked.owner_id == actor.pk
    if not (is_owner or may_review(actor, locked.department)):
        raise NotAllowed(_("Only the responsible department closes this follow-up."))
    if locked.state == FollowUpState.CLOSED:
        raise ResultError(_("This follow-up is already closed."))
    locked.state = FollowUpState.CLOSED
    locked.closing_note = note
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save()
    chain.record(
        actor=actor,
        action="followup.close",
        obj=locked,
        payload={
            "result": locked.result_id,
            "action": locked.action,
            "note": note,
            "on_time": timezone.localdate() <= locked.due_date,
        },
    )
    return locked
