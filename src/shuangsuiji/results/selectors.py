"""Read-side queries for results: the review queue, the overdue list, the inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import FollowUp, FollowUpState, Publication, Result, ResultStatus

#: "Due soon": the deadline is this many calendar days away or fewer.
DUE_SOON_DAYS = 5


def unpublished(department_ids: Iterable[int]) -> QuerySet[Result]:
    return (
        Result.objects.filter(department__in=list(department_ids))
        .exclude(status=ResultStatus.PUBLISHED)
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


def late_publications(department_ids: Iterable[int]) -> QuerySet[Publication]:
    return Publication.objects.filter(
        result__department__in=list(department_ids), late=True
    ).order_by("-working_days_late")


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
