"""Read-side queries for results: the review queue, the overdue list, the inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from shuangsuiji.directory.models import Target
from shuangsuiji.organizations.models import Department
from shuangsuiji.tasks.models import DrawnTarget, Task, TaskStatus

from .models import FollowUp, FollowUpState, Result, ResultStatus

#: "Due soon": the deadline is this many calendar days away or fewer.
DUE_SOON_DAYS = 5


def unpublished(department_ids: Iterable[int]) -> QuerySet[Result]:
    return (
        Result.objects.filter(department__in=list(department_ids))
        # An approved part of a joint task is done on its department's side.
        .exclude(status__in=[ResultStatus.PUBLISHED, ResultStatus.APPROVED])
        .select_related("task", "target", "department", "category", "entered_by")
    )


def overdue(department_ids: Iterable[int], today: dt.date) -> QuerySet[Result]:
    """Unpublished results past their 20-working-day deadline, worst first."""
    return unpublished(department_ids).filter(deadline__lt=today).order_by("deadline", "pk")


def due_soon(department_ids: Iterable[int], today: dt.date) -> QuerySet[Result]:
    return (
        unpublished(department_ids)
        .filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .order_by("deadline", "pk")
    )


def review_queue(department_ids: Iterable[int]) -> QuerySet[Result]:
    return unpublished(department_ids).filter(status=ResultStatus.SUBMITTED).order_by("deadline")


def late_parts(department_ids: Iterable[int]) -> QuerySet[Result]:
    """A department's results approved after their 20-working-day deadline: its record,
    also for its part of a joint task (where the publication waits for the last part)."""
    return (
        Result.objects.filter(department__in=list(department_ids), late_working_days__gt=0)
        .select_related("task", "target", "publication")
        .order_by("-late_working_days", "-pk")
    )


def waiting_parts(department_ids: Iterable[int]) -> QuerySet[Result]:
    """Approved parts of joint tasks whose publication waits for another department."""
    return (
        Result.objects.filter(department__in=list(department_ids), status=ResultStatus.APPROVED)
        .select_related("task", "target")
        .order_by("reviewed_at")
    )


def missing_parts(department_ids: Iterable[int]) -> list[tuple[Task, Target, Department]]:
    """Drawn targets of dispatched joint tasks for which a department has entered no part
    yet: each holds the target's one publication (and counts in the supervision figures)."""
    ids = list(department_ids)
    tasks = (
        Task.objects.filter(status=TaskStatus.DISPATCHED, participants__isnull=False)
        .filter(Q(department__in=ids) | Q(participants__in=ids))
        .distinct()
        .prefetch_related("participants")
        .select_related("department")
    )
    rows: list[tuple[Task, Target, Department]] = []
    for task in tasks:
        departments = [task.department, *task.participants.all()]
        entered = set(Result.objects.filter(task=task).values_list("target_id", "department_id"))
        drawn = DrawnTarget.objects.filter(draw__task=task, draw__superseded=False).select_related(
            "target"
        )
        for d in drawn:
            for dept in departments:
                if dept.pk in ids and (d.target_id, dept.pk) not in entered:
                    rows.append((task, d.target, dept))
    return rows


def inbox(department_ids: Iterable[int]) -> QuerySet[FollowUp]:
    """Follow-ups a department is responsible for (its own and referrals received)."""
    return (
        FollowUp.objects.filter(department__in=list(department_ids))
        .select_related("result__target", "result__task", "department", "referred_by", "owner")
        .order_by("state", "due_date", "pk")
    )


def sent_referrals(department_ids: Iterable[int]) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(referred_by__in=list(department_ids)).select_related(
        "result__target", "department"
    )


def open_followups_overdue(department_ids: Iterable[int], today: dt.date) -> QuerySet[FollowUp]:
    return inbox(department_ids).filter(Q(state=FollowUpState.OPEN) & Q(due_date__lt=today))
