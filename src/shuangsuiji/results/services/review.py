"""Review (审核) and publication (公示) by the department: "谁公示".

The reviewer is a department (or lead) administrator of the result's department and not
the inspector who entered it.  Publishing freezes the public copy (:class:`Publication`),
appends the result to the target's credit record (R10) and records whether it went out
after the 20-working-day deadline, and by how many working days.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.credit.models import CreditEntryKind, CreditRecordEntry
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action
from shuangsuiji.workdays.calendar import load_calendar

from ..models import Publication, Reminder, Result, ResultStatus
from .errors import ResultError


def may_review(user: User, department: Department) -> bool:
    return any(d.pk == department.pk for d in policy.departments_user_acts_for(user, Action.CHANGE))


def _lock_for_review(actor: User, result: Result) -> Result:
    if not may_review(actor, result.department):
        raise NotAllowed(_("Only the department's administrators review its results."))
    locked = Result.objects.select_for_update().select_related("task", "target").get(pk=result.pk)
    if locked.status != ResultStatus.SUBMITTED:
        raise ResultError(_("Only a submitted result can be reviewed."))
    if locked.entered_by_id == actor.pk:
        raise ResultError(
            _("A result is reviewed by someone other than the inspector who entered it.")
        )
    return locked


@transaction.atomic
def result_return(*, actor: User, result: Result, reason: str) -> Result:
    reason = reason.strip()
    if not reason:
        raise ResultError(_("Say what needs to be corrected."))
    locked = _lock_for_review(actor, result)
    locked.status = ResultStatus.RETURNED
    locked.return_reason = reason
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.save()
    Reminder.objects.get_or_create(
        user=locked.entered_by,
        result=locked,
        kind=Reminder.Kind.RETURNED,
        day=timezone.localdate(),
        defaults={"message": _("Result returned: %(reason)s") % {"reason": reason[:400]}},
    )
    chain.record(
        actor=actor,
        action="result.return",
        obj=locked,
        payload={"task": locked.task.number, "target": locked.target.credit_code, "reason": reason},
    )
    return locked


@transaction.atomic
def result_publish(*, actor: User, result: Result) -> Publication:
    locked = _lock_for_review(actor, result)
    now = timezone.now()
    today = timezone.localdate()
    late_days = (
        load_calendar().workdays_between(locked.deadline, today) if today > locked.deadline else 0
    )
    items = [
        {"code": o.item.code, "name": o.item.name, "outcome": o.get_outcome_display()}
        for o in locked.item_outcomes.select_related("item")
    ]
    publication = Publication.objects.create(
        result=locked,
        published_on=today,
        published_at=now,
        published_by=actor,
        target_name=locked.target.name,
        credit_code=locked.target.credit_code,
        task_number=locked.task.number,
        task_name=locked.task.name,
        department_name=locked.department.name,
        items=items,
        inspection_date=locked.inspection_date,
        result_date=locked.result_date,
        category_name=locked.category.name,
        refused=locked.refused,
        # Only the public version: withheld text never reaches this table.
        public_text=locked.public_text,
        late=today > locked.deadline,
        working_days_late=late_days,
    )
    locked.status = ResultStatus.PUBLISHED
    locked.reviewed_by = actor
    locked.reviewed_at = now
    locked.return_reason = ""
    locked.save()
    summary = locked.category.name
    if locked.refused:
        summary = _("Refused to be inspected") + "；" + summary
    CreditRecordEntry.objects.create(
        target=locked.target,
        kind=CreditEntryKind.INSPECTION_RESULT,
        entry_date=today,
        department=locked.department,
        source=f"{locked.department.name} {locked.task.number}",
        summary=summary,
        result=locked,
    )
    chain.record(
        actor=actor,
        action="result.publish",
        obj=locked,
        payload={
            "task": locked.task.number,
            "target": locked.target.credit_code,
            "category": locked.category.name,
            "published_on": today.isoformat(),
            "deadline": locked.deadline.isoformat(),
            "late_working_days": late_days,
        },
    )
    return publication
