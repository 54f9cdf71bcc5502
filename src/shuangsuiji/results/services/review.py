"""Review (审核) and publication (公示) by the department: "谁公示".

The reviewer is a department (or lead) administrator of the result's department and not
the inspector who entered it.  Publishing freezes the public copy (:class:`Publication`),
appends the result to the target's credit record (R10) and records whether it went out
after the 20-working-day deadline, and by how many working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.credit.models import CreditEntryKind, CreditRecordEntry
from shuangsuiji.credit.services import proposal_from_result
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action
from shuangsuiji.tasks.services.joint import departments_of
from shuangsuiji.workdays.calendar import Deadline, load_calendar

from ..models import PUBLICATION_WORKING_DAYS, Publication, Reminder, Result, ResultStatus
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
def result_publish(*, actor: User, result: Result) -> Publication | None:
    """Approve the department's part and publish the result.  A joint task's result is
    published once, when every department's part is approved; until then an approved part
    waits (and None is returned).  Each part's lateness is its own department's record."""
    locked = _lock_for_review(actor, result)
    now = timezone.now()
    today = timezone.localdate()
    calendar = load_calendar()
    locked.late_working_days = (
        calendar.workdays_between(locked.deadline, today) if today > locked.deadline else 0
    )
    locked.status = ResultStatus.APPROVED
    locked.reviewed_by = actor
    locked.reviewed_at = now
    locked.return_reason = ""
    locked.save()
    departments = departments_of(locked.task)
    parts = {
        p.department_id: p
        for p in Result.objects.select_for_update()
        .filter(task=locked.task, target=locked.target)
        .select_related("department", "category")
    }
    waiting = [
        d.name
        for d in departments
        if d.pk not in parts or parts[d.pk].status != ResultStatus.APPROVED
    ]
    if waiting:
        chain.record(
            actor=actor,
            action="result.approve",
            obj=locked,
            payload={
                "task": locked.task.number,
                "target": locked.target.credit_code,
                "waiting_for": waiting,
                "late_working_days": locked.late_working_days,
            },
        )
        return None
    ordered = [parts[d.pk] for d in departments]
    publication = _publish(ordered, locked, actor, calendar.add_workdays, today, now)
    for part in ordered:
        # Results feed the lists: e.g. 通过登记的住所无法联系 proposes an abnormal-list
        # entry, which the department confirms or rejects later (issue 8).
        proposal_from_result(part)
    return publication


def _publish(
    parts: list[Result],
    closing: Result,
    actor: User,
    add_workdays: Callable[[dt.date, int], Deadline],
    today: dt.date,
    now: dt.datetime,
) -> Publication:
    joint = len(parts) > 1

    def each(text: Callable[[Result], str]) -> str:
        # A joint result says which department found what.
        values = [text(p) for p in parts]
        if not joint or len(set(values)) == 1:
            return values[0]
        return "；".join(
            f"{p.department.short_name or p.department.name}：{v}"
            for p, v in zip(parts, values, strict=True)
            if v
        )

    last_result_date = max(p.result_date for p in parts)
    deadline = add_workdays(last_result_date, PUBLICATION_WORKING_DAYS)
    overdue_days = max([p.late_working_days for p in parts])
    items = [
        {
            "code": o.item.code,
            "name": o.item.name,
            "outcome": o.get_outcome_display(),
            "department": p.department.name,
        }
        for p in parts
        for o in p.item_outcomes.select_related("item")
    ]
    publication = Publication.objects.create(
        task=closing.task,
        target=closing.target,
        deadline=deadline.date,
        published_on=today,
        published_at=now,
        published_by=actor,
        target_name=closing.target.name,
        credit_code=closing.target.credit_code,
        task_number=closing.task.number,
        task_name=closing.task.name,
        department_name="、".join(p.department.name for p in parts),
        items=items,
        inspection_date=min(p.inspection_date for p in parts),
        result_date=last_result_date,
        category_name=each(lambda p: p.category.name),
        refused=any(p.refused for p in parts),
        # Only the public versions: withheld text never reaches this table.
        public_text=each(lambda p: p.public_text),
        late=overdue_days > 0 or today > deadline.date,
        working_days_late=overdue_days,
    )
    for p in parts:
        p.status = ResultStatus.PUBLISHED
        p.publication = publication
        p.save(update_fields=["status", "publication", "updated_at"])
    summary = publication.category_name
    if publication.refused:
        summary = _("Refused to be inspected") + "；" + summary
    CreditRecordEntry.objects.create(
        target=closing.target,
        kind=CreditEntryKind.INSPECTION_RESULT,
        entry_date=today,
        department=closing.task.department,
        source=f"{publication.department_name} {closing.task.number}",
        summary=summary,
        result=closing,
    )
    chain.record(
        actor=actor,
        action="result.publish",
        obj=closing,
        payload={
            "task": closing.task.number,
            "target": closing.target.credit_code,
            "category": publication.category_name,
            "published_on": today.isoformat(),
            "deadline": deadline.date.isoformat(),
            "late_working_days": overdue_days,
            "parts": [p.pk for p in parts],
        },
    )
    return publication
