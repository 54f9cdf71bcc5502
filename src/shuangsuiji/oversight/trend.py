"""The monthly trend (月度趋势) of the dashboard and the report: tasks, inspections,
problems, publication and follow-up, month by month, for a set of departments together.
Grouped by month in the database (``DATE_TRUNC`` / ``strftime``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from shuangsuiji.results.models import FollowUp, FollowUpState, Result
from shuangsuiji.tasks.models import TaskStatus

from .figures import MonthPoint
from .metrics import TaskParticipants, closed_day, dated_in, live_draws, publication_counts
from .periods import Period


def monthly_trend(
    *, department_ids: Sequence[int], period: Period, today: dt.date | None = None
) -> list[MonthPoint]:
    """Month by month over the period, for the departments together: tasks by draw month
    (a joint task once), results by result month, publication and follow-ups by the month
    of their deadline or due date."""
    today = today or timezone.localdate()
    points = {m: MonthPoint(m) for m in period.months()}
    ids = list(department_ids)
    if not ids:
        return list(points.values())
    tz = timezone.get_current_timezone()

    def month_of(value: dt.date | dt.datetime) -> dt.date:
        return value.date() if isinstance(value, dt.datetime) else value

    tasks = (
        live_draws(period)
        .filter(task__status=TaskStatus.DISPATCHED)
        .filter(
            Q(task__department__in=ids)
            | Exists(TaskParticipants.objects.filter(task=OuterRef("task"), department__in=ids))
        )
        .annotate(month=TruncMonth("drawn_at", tzinfo=tz))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    for r in tasks:
        points[month_of(r["month"])].tasks_done = r["n"]
    # One scan of the results for both of their months: grouped by (result month,
    # deadline month), at most a few hundred groups, each added to its two points.
    by_result, by_deadline = dated_in(period)
    publication = publication_counts(by_deadline, today)
    results = (
        Result.objects.filter(department__in=ids)
        .filter(by_result | by_deadline)
        .annotate(result_month=TruncMonth("result_date"), deadline_month=TruncMonth("deadline"))
        .order_by()
        .values("result_month", "deadline_month")
        .annotate(
            inspected=Count("pk", filter=by_result),
            problems=Count("pk", filter=by_result & Q(category__problem_found=True)),
            on_time=publication["on_time"],
            late=publication["late"],
            overdue=publication["overdue"],
        )
    )
    for g in results:
        point = points.get(month_of(g["result_month"]))
        if point is not None:
            point.inspected += g["inspected"]
            point.problems += g["problems"]
        point = points.get(month_of(g["deadline_month"]))
        if point is not None:
            point.pub_on_time += g["on_time"]
            point.pub_late += g["late"]
            point.pub_overdue += g["overdue"]
    follow_ups = (
        FollowUp.objects.filter(
            department__in=ids, due_date__gte=period.start, due_date__lte=period.end
        )
        .annotate(closed_day=closed_day(), month=TruncMonth("due_date"))
        .order_by()
        .values("month")
        .annotate(
            n=Count("pk"),
            on_time=Count(
                "pk", filter=Q(state=FollowUpState.CLOSED, closed_day__lte=F("due_date"))
            ),
        )
    )
    for f in follow_ups:
        point = points[month_of(f["month"])]
        point.fu_due, point.fu_on_time = f["n"], f["on_time"]
    return list(points.values())
