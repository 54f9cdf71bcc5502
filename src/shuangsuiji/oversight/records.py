"""The records behind each supervision figure (drill-down): the same rules as
:mod:`.metrics`, as lists of rows instead of counts, so that clicking a figure shows exactly
the plans, tasks, results or follow-ups it counted.

The results desk's own selectors (:mod:`shuangsuiji.results.selectors`) are reused where
they say the same thing: overdue results, late parts, joint parts not entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shuangsuiji.directory.models import (
    InspectionItem,
    Inspector,
    InspectorStatus,
    ItemListVersion,
    Target,
)
from shuangsuiji.organizations.models import Department
from shuangsuiji.plans.models import AnnualPlan
from shuangsuiji.results import selectors
from shuangsuiji.results.models import FollowUp, FollowUpAction, FollowUpState, Result
from shuangsuiji.tasks.models import Assignment, Draw, Task, TaskKind, TaskStatus

from .metrics import DONE, TaskParticipants, closed_day, live_draws
from .periods import Period, local_midnight

TITLES: dict[str, Promise] = {
    "item_list": _("Item list: published versions and changes since"),
    "plan": _("Annual plans of the year"),
    "tasks": _("Tasks done in the period"),
    "tasks_ytd": _("Tasks done this year to the period's end"),
    "joint": _("Joint tasks done in the period"),
    "ratios": _("Random tasks drawn in the period, per risk class"),
    "inspected": _("Inspections in the period"),
    "problems": _("Inspections that found a problem"),
    "pub_due": _("Results due for publication in the period"),
    "pub_on_time": _("Results published within 20 working days"),
    "pub_late": _("Results published late"),
    "pub_overdue": _("Results overdue and not published"),
    "pub_pending": _("Results not yet due"),
    "pub_missing": _("Joint tasks: parts not entered while the publication waits"),
    "fu": _("Follow-ups due in the period"),
    "fu_on_time": _("Follow-ups closed on time"),
    "fu_late": _("Follow-ups closed late"),
    "fu_open_overdue": _("Follow-ups open past their due date"),
    "fu_open": _("Follow-ups open, not yet due"),
    "ref_received": _("Referrals received"),
    "ref_unanswered": _("Referrals not answered"),
    "ref_sent": _("Referrals sent"),
    "workload": _("Inspectors' assignments"),
}

#: The template each kind of record list uses.
KINDS = {
    "item_list": "items",
    "plan": "plans",
    "tasks": "tasks",
    "tasks_ytd": "tasks",
    "joint": "tasks",
    "ratios": "tasks",
    "pub_missing": "missing",
    "workload": "inspectors",
}

#: Longest list shown on one page (the CSV export of the figures has every number).
LIMIT = 500


@dataclass
class Drill:
    metric: str
    title: Promise
    kind: str  # items, plans, tasks, results, missing, followups, inspectors
    rows: list[Any]
    versions: list[ItemListVersion]
    truncated: bool = False


def _results(ids: Sequence[int]) -> QuerySet[Result]:
    return Result.objects.filter(department__in=ids).select_related(
        "task", "target", "department", "category", "publication"
    )


def _by_deadline(qs: QuerySet[Result], period: Period) -> QuerySet[Result]:
    return qs.filter(deadline__gte=period.start, deadline__lte=period.end)


def _result_rows(metric: str, ids: Sequence[int], period: Period, today: dt.date) -> Any:
    done = Q(status__in=DONE)
    if metric in ("inspected", "problems"):
        qs = _results(ids).filter(result_date__gte=period.start, result_date__lte=period.end)
        if metric == "problems":
            qs = qs.filter(category__problem_found=True)
        return qs.order_by("-result_date", "-pk")
    if metric == "pub_overdue":
        return _by_deadline(selectors.overdue(ids, today), period).select_related("publication")
    if metric == "pub_late":
        return (
            _by_deadline(selectors.late_parts(ids), period)
            .filter(done)
            .select_related("department", "category")
        )
    qs = _by_deadline(_results(ids), period)
    if metric == "pub_on_time":
        return qs.filter(done, late_working_days=0).order_by("deadline", "pk")
    if metric == "pub_pending":
        return qs.exclude(done).filter(deadline__gte=today).order_by("deadline", "pk")
    # pub_due: everything whose outcome is decided (the rate's denominator, without the
    # missing joint parts, which have their own list).
    return qs.filter(done | Q(deadline__lt=today)).order_by("deadline", "pk")


@dataclass(frozen=True)
class MissingPart:
    task: Task
    target: Target
    department: Department
    deadline: dt.date  # of the part already entered: the publication's clock
    overdue: bool


def _missing_rows(ids: Sequence[int], period: Period, today: dt.date) -> list[MissingPart]:
    """The results desk's missing parts, with the deadline of the part already entered
    (which places them in a period and makes them overdue)."""
    missing = selectors.missing_parts(ids)
    if not missing:
        return []
    pairs = {(task.pk, target.pk) for task, target, _dept in missing}
    deadlines: dict[tuple[int, int], dt.date] = {}
    for task_id, target_id, day in (
        Result.objects.filter(task__in={t for t, _g in pairs}, target__in={g for _t, g in pairs})
        .order_by("deadline")
        .values_list("task", "target", "deadline")
    ):
        deadlines.setdefault((task_id, target_id), day)
    rows = []
    for task, target, dept in missing:
        deadline = deadlines.get((task.pk, target.pk))
        if deadline is not None and period.start <= deadline <= period.end:
            rows.append(MissingPart(task, target, dept, deadline, deadline < today))
    rows.sort(key=lambda r: (r.deadline, r.task.number, r.target.name))
    return rows


def _task_rows(metric: str, ids: Sequence[int], period: Period) -> QuerySet[Task]:
    if metric == "tasks_ytd":
        draws = live_draws(period, since=local_midnight(dt.date(period.year, 1, 1)))
    else:
        draws = live_draws(period)
    mine = Q(department__in=ids) | Q(participants__in=ids)
    qs = Task.objects.filter(mine, draws__in=draws)
    if metric == "ratios":
        qs = Task.objects.filter(department__in=ids, kind=TaskKind.RANDOM, draws__in=draws)
    else:
        qs = qs.filter(status=TaskStatus.DISPATCHED)
    if metric == "joint":
        qs = qs.filter(Exists(TaskParticipants.objects.filter(task=OuterRef("pk"))))
    live = Draw.objects.filter(task=OuterRef("pk"), superseded=False).order_by()
    return (
        qs.distinct()
        .annotate(
            drawn_on=Subquery(live.values("drawn_at")[:1]),
            drawn_count=Subquery(live.values("selected_count")[:1]),
        )
        .select_related("department", "plan", "freeze")
        .order_by("drawn_on", "pk")
    )


def _follow_up_rows(metric: str, ids: Sequence[int], period: Period, today: dt.date) -> Any:
    base = FollowUp.objects.select_related(
        "result__task", "result__target", "department", "referred_by"
    ).annotate(closed_day=closed_day())
    closed, is_open = Q(state=FollowUpState.CLOSED), Q(state=FollowUpState.OPEN)
    if metric.startswith("ref_"):
        lo, hi = period.bounds()
        refs = base.filter(action=FollowUpAction.REFER, created_at__gte=lo, created_at__lt=hi)
        if metric == "ref_sent":
            return refs.filter(referred_by__in=ids).order_by("created_at", "pk")
        refs = refs.filter(department__in=ids)
        if metric == "ref_unanswered":
            refs = refs.filter(is_open)
        return refs.order_by("created_at", "pk")
    qs = base.filter(department__in=ids, due_date__gte=period.start, due_date__lte=period.end)
    filters = {
        "fu_on_time": closed & Q(closed_day__lte=F("due_date")),
        "fu_late": closed & Q(closed_day__gt=F("due_date")),
        "fu_open_overdue": is_open & Q(due_date__lt=today),
        "fu_open": is_open & Q(due_date__gte=today),
    }
    if metric in filters:
        qs = qs.filter(filters[metric])
    return qs.order_by("due_date", "pk")


def _inspector_rows(ids: Sequence[int], period: Period) -> QuerySet[Inspector]:
    lo, hi = period.bounds()
    load = (
        Assignment.objects.filter(
            inspector=OuterRef("pk"),
            active=True,
            matching__draw__superseded=False,
            matching__created_at__gte=lo,
            matching__created_at__lt=hi,
        )
        .order_by()
        .values("inspector")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Inspector.objects.filter(department__in=ids)
        .annotate(load=Coalesce(Subquery(load), 0))
        .filter(
            Q(
                status=InspectorStatus.ON_DUTY,
                certificate_valid_from__lte=period.end,
                certificate_valid_to__gte=period.start,
            )
            | Q(load__gt=0)
        )
        .select_related("department")
        .order_by("-load", "department__sort_order", "name")
    )


def _item_rows(ids: Sequence[int]) -> tuple[list[Any], list[ItemListVersion]]:
    """Items changed after their department's latest published version."""
    latest = (
        ItemListVersion.objects.filter(department=OuterRef("department"))
        .order_by("-version")
        .values("published_at")[:1]
    )
    history = InspectionItem.history.model.objects.filter(department__in=ids)
    changed_ids = (
        history.annotate(latest=Subquery(latest)).filter(history_date__gt=F("latest")).values("id")
    )
    items = list(
        InspectionItem.objects.filter(pk__in=changed_ids)
        .select_related("department")
        .order_by("department__sort_order", "code")
    )
    versions = list(
        ItemListVersion.objects.filter(department__in=ids)
        .select_related("department", "published_by")
        .order_by("department__sort_order", "-version")
        .defer("items")
    )
    return items, versions


def drill(*, metric: str, department_ids: Sequence[int], period: Period, today: dt.date) -> Drill:
    """The records behind ``metric`` for the departments (already scoped by the caller)."""
    if metric not in TITLES:
        raise KeyError(metric)
    ids = list(department_ids)
    kind = KINDS.get(metric, "followups" if metric.startswith(("fu", "ref_")) else "results")
    versions: list[ItemListVersion] = []
    rows: Any
    if metric == "item_list":
        rows, versions = _item_rows(ids)
    elif metric == "plan":
        rows = (
            AnnualPlan.objects.filter(Q(department__in=ids) | Q(participants__in=ids))
            .filter(year=period.year)
            .distinct()
            .annotate(
                submitted_day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone())
            )
            .select_related("department")
            .order_by("department__sort_order", "submitted_at", "pk")
        )
    elif kind == "tasks":
        rows = _task_rows(metric, ids, period)
    elif kind == "missing":
        rows = _missing_rows(ids, period, today)
    elif kind == "followups":
        rows = _follow_up_rows(metric, ids, period, today)
    elif kind == "inspectors":
        rows = _inspector_rows(ids, period)
    else:
        rows = _result_rows(metric, ids, period, today)
    listed = list(rows[: LIMIT + 1])
    return Drill(
        metric=metric,
        title=TITLES[metric],
        kind=kind,
        rows=listed[:LIMIT],
        versions=versions,
        truncated=len(listed) > LIMIT,
    )
