"""The supervision figures (督查考核指标) per department and period, as aggregate queries.

Every figure is counted by the database (``GROUP BY department`` with filtered ``COUNT``,
``MIN``/``MAX``, ``SUM``, ``STDDEV_POP``, correlated subqueries and window functions);
Python only receives one small row per department and query, plus a handful of worst
cases.  The 1-million-entity county's dashboard therefore costs the same few dozen
milliseconds as the demo's: nothing here reads the market-entity register.

The exact definitions (numerator, denominator, the date that places a row in a period)
are in ``docs/oversight.md``; each function below names the rule it implements.  States
("overdue", "still open") are as of ``today``; the period only decides which rows count.

Callers pass the departments to report on; :func:`.selectors.dashboard` asks the policy
which ones a user may see, so no page shows a department outside the user's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, RowNumber, TruncDate
from django.utils import timezone

from shuangsuiji.directory.models import (
    InspectionItem,
    Inspector,
    InspectorStatus,
    ItemListVersion,
)
from shuangsuiji.organizations.models import Department
from shuangsuiji.plans.models import AnnualPlan, PlanStatus
from shuangsuiji.results.models import FollowUp, FollowUpAction, FollowUpState, Result, ResultStatus
from shuangsuiji.tasks.models import (
    Draw,
    DrawnTarget,
    Freeze,
    Task,
    TaskKind,
    TaskStatus,
)
from shuangsuiji.workdays.calendar import load_calendar

from .figures import RISK_CLASSES, WORST_CASES, ClassRatio, DepartmentMetrics, WorstCase
from .periods import Period, local_midnight

#: A department's part is done once its reviewer approved it (a joint result then waits
#: for the other parts; the wait is not this department's delay).
DONE = (ResultStatus.APPROVED, ResultStatus.PUBLISHED)
#: A plan counts as filed once submitted (approval is the county's step, not the filing).
FILED = (PlanStatus.SUBMITTED, PlanStatus.APPROVED)

TaskParticipants = Task.participants.through
PlanParticipants = AnnualPlan.participants.through


# --- helpers ---------------------------------------------------------------------------


def _grouped(qs: QuerySet[Any], key: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    """One row per department: ``qs`` grouped by ``key`` with the given aggregates.
    ``order_by()`` clears any default ordering, which must not join the GROUP BY."""
    return {row[key]: row for row in qs.order_by().values(key).annotate(**aggregates)}


def _local_day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def live_draws(period: Period, since: dt.datetime | None = None) -> QuerySet[Draw]:
    """Live draws (not superseded by a redraw) made in the period, or from ``since`` to
    the period's end.  A task has at most one live draw (a database constraint), so
    counting these counts tasks, each placed by the day its targets were drawn."""
    lo, hi = period.bounds()
    return Draw.objects.filter(superseded=False, drawn_at__gte=since or lo, drawn_at__lt=hi)


def closed_day() -> TruncDate:
    """The local day a follow-up was closed, compared with its due date in the database."""
    return TruncDate("closed_at", tzinfo=timezone.get_current_timezone())


def _set(
    rows: dict[int, DepartmentMetrics], grouped: dict[int, dict[str, Any]], **names: str
) -> None:
    """Copy aggregate ``names`` (attribute=column) into the department rows (None → 0)."""
    for dept_id, values in grouped.items():
        row = rows.get(dept_id)
        if row is None:
            continue
        for attr, column in names.items():
            setattr(row, attr, values[column] or 0)


def _add(
    rows: dict[int, DepartmentMetrics], grouped: dict[int, dict[str, Any]], **names: str
) -> None:
    for dept_id, values in grouped.items():
        row = rows.get(dept_id)
        if row is None:
            continue
        for attr, column in names.items():
            setattr(row, attr, getattr(row, attr) + (values[column] or 0))


# --- the figures -----------------------------------------------------------------------


def _item_lists(rows: dict[int, DepartmentMetrics], ids: list[int], year: int) -> None:
    """一单: published by 31 December of the year before, and kept current (no change to
    the department's items after its latest published version)."""
    cutoff = local_midnight(dt.date(year, 1, 1))
    versions = _grouped(
        ItemListVersion.objects.filter(department__in=ids),
        "department",
        first=Min("published_at"),
        latest=Max("published_at"),
        version=Max("version"),
        on_time=Count("pk", filter=Q(published_at__lt=cutoff)),
    )
    for dept_id, v in versions.items():
        row = rows[dept_id]
        row.item_list_first = _local_day(v["first"])
        row.item_list_latest = _local_day(v["latest"])
        row.item_list_version = v["version"]
        row.item_list_on_time = v["on_time"] > 0
    latest = (
        ItemListVersion.objects.filter(department=OuterRef("department"))
        .order_by("-version")
        .values("published_at")[:1]
    )
    history = InspectionItem.history.model.objects.filter(department__in=ids)
    changed = _grouped(
        history.annotate(latest=Subquery(latest)).filter(history_date__gt=F("latest")),
        "department",
        n=Count("id", distinct=True),
    )
    _set(rows, changed, items_changed="n")


def _plans(rows: dict[int, DepartmentMetrics], ids: list[int], year: int) -> None:
    """年度计划: the first submission among the department's plans of the year, its own or
    a joint plan it takes part in (which counts toward its annual plan), and the tasks
    those filed plans announce."""
    filed = Q(status__in=FILED)
    own = _grouped(
        AnnualPlan.objects.filter(year=year, department__in=ids),
        "department",
        n=Count("pk"),
        first=Min("submitted_at"),
        planned=Sum("planned_tasks", filter=filed),
    )
    joint = _grouped(
        PlanParticipants.objects.filter(annualplan__year=year, department__in=ids),
        "department",
        n=Count("annualplan"),
        first=Min("annualplan__submitted_at"),
        planned=Sum("annualplan__planned_tasks", filter=Q(annualplan__status__in=FILED)),
    )
    for grouped in (own, joint):
        for dept_id, v in grouped.items():
            row = rows[dept_id]
            row.plans += v["n"]
            row.tasks_planned += v["planned"] or 0
            first = _local_day(v["first"])
            if first is not None and (row.plan_submitted is None or first < row.plan_submitted):
                row.plan_submitted = first


def _tasks(rows: dict[int, DepartmentMetrics], ids: list[int], period: Period) -> None:
    """任务: dispatched tasks placed by their live draw's day, the department's own and
    the joint tasks it takes part in; this period, and the year up to the period's end."""
    lo, _hi = period.bounds()
    year_lo = local_midnight(dt.date(period.year, 1, 1))
    draws = live_draws(period, since=min(lo, year_lo)).filter(task__status=TaskStatus.DISPATCHED)
    in_period = Q(drawn_at__gte=lo)
    in_year = Q(drawn_at__gte=year_lo)
    joint = Exists(TaskParticipants.objects.filter(task=OuterRef("task")))
    _set(
        rows,
        _grouped(
            draws.filter(task__department__in=ids).annotate(joint=joint),
            "task__department",
            done=Count("pk", filter=in_period),
            ytd=Count("pk", filter=in_year),
            joint=Count("pk", filter=in_period & Q(joint=True)),
        ),
        tasks_done="done",
        tasks_done_ytd="ytd",
        tasks_joint="joint",
    )
    _add(
        rows,
        _grouped(
            draws.filter(task__participants__in=ids),
            "task__participants",
            done=Count("pk", filter=in_period),
            ytd=Count("pk", filter=in_year),
        ),
        tasks_done="done",
        tasks_done_ytd="ytd",
        tasks_joint="done",
    )


def _class_ratios(rows: dict[int, DepartmentMetrics], ids: list[int], period: Period) -> None:
    """抽查比例: per risk class, targets drawn by the department's random tasks drawn in
    the period over the largest frozen population of the class among them (later freezes
    exclude targets drawn earlier in the year, so the first is the whole class), against
    the ratio of the department's annual plan."""
    draws = live_draws(period).filter(task__department__in=ids, task__kind=TaskKind.RANDOM)
    eligible = _grouped(
        Freeze.objects.filter(task__in=draws.values("task")),
        "task__department",
        **{c: Max(Cast(KT(f"strata__{c}"), IntegerField())) for c in RISK_CLASSES},
    )
    drawn = (
        DrawnTarget.objects.filter(draw__in=draws)
        .order_by()
        .values("draw__task__department", "stratum")
        .annotate(n=Count("pk"))
    )
    for row in rows.values():
        row.classes = {c: ClassRatio(c) for c in RISK_CLASSES}
    for dept_id, v in eligible.items():
        for c in RISK_CLASSES:
            rows[dept_id].classes[c].eligible = v[c] or 0
    for d in drawn:
        ratio = rows[d["draw__task__department"]].classes.get(d["stratum"])
        if ratio is not None:
            ratio.drawn += d["n"]
    # The planned ratios are quota text ("5%" or a count), parsed by the lottery's own
    # rules: one small row per department (its own filed plan, else a joint one).
    seen: set[int] = set()
    own = AnnualPlan.objects.filter(year=period.year, department__in=ids, status__in=FILED)
    for dept_id, ratios in own.order_by("department", "submitted_at", "pk").values_list(
        "department", "ratios"
    ):
        if dept_id not in seen:
            seen.add(dept_id)
            for c in RISK_CLASSES:
                rows[dept_id].classes[c].planned_text = str((ratios or {}).get(c, ""))
    joint = PlanParticipants.objects.filter(
        annualplan__year=period.year, department__in=ids, annualplan__status__in=FILED
    )
    for dept_id, ratios in joint.order_by("department", "annualplan__submitted_at").values_list(
        "department", "annualplan__ratios"
    ):
        if dept_id not in seen:
            seen.add(dept_id)
            for c in RISK_CLASSES:
                rows[dept_id].classes[c].planned_text = str((ratios or {}).get(c, ""))


def dated_in(period: Period) -> tuple[Q, Q]:
    """A result part in the period by its result date (检查), and by its publication
    deadline (公示): one scan of the results serves both, each count filtered by its own."""
    return (
        Q(result_date__gte=period.start, result_date__lte=period.end),
        Q(deadline__gte=period.start, deadline__lte=period.end),
    )


def publication_counts(deadline: Q, today: dt.date) -> dict[str, Count]:
    """公示 within 20 working days, per part: approved or published on time or late (its
    own lateness), not approved and past the deadline (overdue), or not yet due."""
    done = Q(status__in=DONE)
    return {
        "on_time": Count("pk", filter=deadline & done & Q(late_working_days=0)),
        "late": Count("pk", filter=deadline & done & Q(late_working_days__gt=0)),
        "overdue": Count("pk", filter=deadline & ~done & Q(deadline__lt=today)),
        "pending": Count("pk", filter=deadline & ~done & Q(deadline__gte=today)),
    }


def _results(
    rows: dict[int, DepartmentMetrics], ids: list[int], period: Period, today: dt.date
) -> None:
    """检查: parts dated (result date) in the period, problems by their category; 公示:
    parts whose deadline falls in the period."""
    by_result, by_deadline = dated_in(period)
    _set(
        rows,
        _grouped(
            Result.objects.filter(department__in=ids).filter(by_result | by_deadline),
            "department",
            inspected=Count("pk", filter=by_result),
            problems=Count("pk", filter=by_result & Q(category__problem_found=True)),
            worst=Max("late_working_days", filter=by_deadline & Q(status__in=DONE)),
            **publication_counts(by_deadline, today),
        ),
        inspected="inspected",
        problems="problems",
        pub_on_time="on_time",
        pub_late="late",
        pub_overdue="overdue",
        pub_pending="pending",
        pub_worst_late="worst",
    )
    _missing_parts(rows, ids, period, today)


def _missing_counts(pairs: QuerySet[Any], task_ref: str, period: Period, today: dt.date) -> Any:
    """For (joint task, department) pairs: the task's drawn targets for which another
    department has entered its part, dated by that part's deadline in the period, while
    this department has entered none.  The one publication waits for it."""
    sibling_deadline = (
        Result.objects.filter(task=OuterRef("draw__task"), target=OuterRef("target"))
        .order_by("deadline")
        .values("deadline")[:1]
    )
    mine = Result.objects.filter(
        task=OuterRef("draw__task"),
        target=OuterRef("target"),
        department=OuterRef(OuterRef("department")),
    )
    missing = (
        DrawnTarget.objects.filter(draw__task=OuterRef(task_ref), draw__superseded=False)
        .annotate(sibling=Subquery(sibling_deadline))
        .filter(~Exists(mine), sibling__gte=period.start, sibling__lte=period.end)
        .order_by()
        .values("draw__task")
    )
    overdue = missing.annotate(n=Count("pk", filter=Q(sibling__lt=today))).values("n")
    pending = missing.annotate(n=Count("pk", filter=Q(sibling__gte=today))).values("n")
    return pairs.annotate(
        overdue=Coalesce(Subquery(overdue), 0), pending=Coalesce(Subquery(pending), 0)
    ).values_list("department", "overdue", "pending")


def _missing_parts(
    rows: dict[int, DepartmentMetrics], ids: list[int], period: Period, today: dt.date
) -> None:
    joint = Exists(TaskParticipants.objects.filter(task=OuterRef("pk")))
    leads = (
        Task.objects.filter(department__in=ids, status=TaskStatus.DISPATCHED)
        .filter(joint)
        .order_by()
    )
    parts = TaskParticipants.objects.filter(department__in=ids, task__status=TaskStatus.DISPATCHED)
    for pairs, ref in ((leads, "pk"), (parts, "task")):
        for dept_id, overdue, pending in _missing_counts(pairs, ref, period, today):
            rows[dept_id].pub_missing += overdue
            rows[dept_id].pub_pending += pending


def _worst_cases(
    rows: dict[int, DepartmentMetrics], ids: list[int], period: Period, today: dt.date
) -> None:
    """The worst publication delays per department: parts approved latest after their
    deadline, and unpublished parts longest past it.  A window function ranks them per
    department and kind on the results table alone; only the few kept are then joined to
    their task and target."""
    done = Q(status__in=DONE)
    unpublished = Case(When(done, then=Value(False)), default=Value(True))
    ranked = (
        Result.objects.filter(
            department__in=ids, deadline__gte=period.start, deadline__lte=period.end
        )
        .filter((done & Q(late_working_days__gt=0)) | (~done & Q(deadline__lt=today)))
        .order_by()
        .annotate(
            overdue=unpublished,
            rank=Window(
                RowNumber(),
                partition_by=[F("department"), unpublished],
                # Unpublished parts all have 0 working days late: the oldest deadline first.
                order_by=[F("late_working_days").desc(), F("deadline").asc(), F("pk").asc()],
            ),
        )
        .filter(rank__lte=WORST_CASES)
        .values_list("pk", "department", "deadline", "late_working_days", "overdue")
    )
    kept = list(ranked)
    if not kept:
        return
    names = {
        pk: (task, number, target)
        for pk, task, number, target in Result.objects.filter(
            pk__in=[k[0] for k in kept]
        ).values_list("pk", "task", "task__number", "target__name")
    }
    calendar = load_calendar()
    found: dict[int, list[WorstCase]] = {}
    for pk, dept_id, deadline, late, overdue in kept:
        days = calendar.workdays_between(deadline, today) if overdue else late
        found.setdefault(dept_id, []).append(
            WorstCase(pk, *names[pk], deadline, days, bool(overdue))
        )
    for dept_id, cases in found.items():
        cases.sort(key=lambda c: (-c.working_days, not c.overdue, c.deadline, c.result_id))
        rows[dept_id].worst = cases[:WORST_CASES]


def _follow_ups(
    rows: dict[int, DepartmentMetrics], ids: list[int], period: Period, today: dt.date
) -> None:
    """后续处置: follow-ups the department is responsible for (referrals it received
    included), placed by their due date; closed on time = closed on or before it."""
    closed = Q(state=FollowUpState.CLOSED)
    is_open = Q(state=FollowUpState.OPEN)
    _set(
        rows,
        _grouped(
            FollowUp.objects.filter(
                department__in=ids, due_date__gte=period.start, due_date__lte=period.end
            ).annotate(closed_day=closed_day()),
            "department",
            total=Count("pk"),
            on_time=Count("pk", filter=closed & Q(closed_day__lte=F("due_date"))),
            late=Count("pk", filter=closed & Q(closed_day__gt=F("due_date"))),
            open_overdue=Count("pk", filter=is_open & Q(due_date__lt=today)),
            open=Count("pk", filter=is_open & Q(due_date__gte=today)),
        ),
        fu_total="total",
        fu_on_time="on_time",
        fu_closed_late="late",
        fu_open_overdue="open_overdue",
        fu_open="open",
    )


def _referrals(
    rows: dict[int, DepartmentMetrics], ids: list[int], period: Period, today: dt.date
) -> None:
    """线索移送: referrals received (answered = closed by the receiving department, with
    its note), placed by the day they were sent; and referrals the department sent."""
    lo, hi = period.bounds()
    referrals = FollowUp.objects.filter(
        action=FollowUpAction.REFER, created_at__gte=lo, created_at__lt=hi
    )
    closed = Q(state=FollowUpState.CLOSED)
    is_open = Q(state=FollowUpState.OPEN)
    _set(
        rows,
        _grouped(
            referrals.filter(department__in=ids).annotate(closed_day=closed_day()),
            "department",
            received=Count("pk"),
            answered=Count("pk", filter=closed),
            on_time=Count("pk", filter=closed & Q(closed_day__lte=F("due_date"))),
            unanswered=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(due_date__lt=today)),
        ),
        ref_received="received",
        ref_answered="answered",
        ref_answered_on_time="on_time",
        ref_unanswered="unanswered",
        ref_unanswered_overdue="overdue",
    )
    _set(
        rows,
        _grouped(
            referrals.filter(referred_by__in=ids),
            "referred_by",
            sent=Count("pk"),
            answered=Count("pk", filter=closed),
        ),
        ref_sent="sent",
        ref_sent_answered="answered",
    )


def _workload(rows: dict[int, DepartmentMetrics], ids: list[int], period: Period) -> None:
    """执法人员工作量: active assignments per inspector from matchings made in the period,
    over the department's inspectors who could be drawn in the period (on duty with a
    certificate valid on some day of it) or were assigned anyway.

    Two levels of aggregation — assignments per inspector, then their spread per
    department — so the ORM builds the inner ``GROUP BY inspector`` query and a plain SQL
    wrapper aggregates over it (a correlated subquery per inspector would be evaluated
    once for every aggregate that reads it)."""
    lo, hi = period.bounds()
    counted = Q(
        assignments__active=True,
        assignments__matching__draw__superseded=False,
        assignments__matching__created_at__gte=lo,
        assignments__matching__created_at__lt=hi,
    )
    drawable = Q(
        status=InspectorStatus.ON_DUTY,
        certificate_valid_from__lte=period.end,
        certificate_valid_to__gte=period.start,
    )
    per_inspector = (
        Inspector.objects.filter(department__in=ids)
        .order_by()
        .annotate(load=Count("assignments", filter=counted))
        .filter(drawable | Q(load__gt=0))
        .values("department", "load")
    )
    inner, params = per_inspector.query.sql_with_params()
    sql = (
        "SELECT department, COUNT(*), SUM(CASE WHEN load > 0 THEN 1 ELSE 0 END), SUM(load),"
        " MAX(load), MIN(load), AVG(load), STDDEV_POP(load)"
        f" FROM ({inner}) per_inspector GROUP BY department"  # nosec B608 - ORM SQL, bound
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    names = ("inspectors", "inspectors_used", "assignments", "load_max", "load_min")
    for dept_id, *values in found:
        row = rows[dept_id]
        for name, value in zip(names, values[:5], strict=True):
            setattr(row, name, int(value or 0))
        row.load_mean, row.load_sd = float(values[5] or 0), float(values[6] or 0)


# --- entry points ----------------------------------------------------------------------


def department_metrics(
    *, departments: Sequence[Department], period: Period, today: dt.date | None = None
) -> list[DepartmentMetrics]:
    """Every figure for each of ``departments`` in ``period``, in the given order."""
    today = today or timezone.localdate()
    rows = {
        d.pk: DepartmentMetrics(d.pk, d.name, d.short_name or d.name, period.year)
        for d in departments
    }
    ids = list(rows)
    if ids:
        _item_lists(rows, ids, period.year)
        _plans(rows, ids, period.year)
        _tasks(rows, ids, period)
        _class_ratios(rows, ids, period)
        _results(rows, ids, period, today)
        _worst_cases(rows, ids, period, today)
        _follow_ups(rows, ids, period, today)
        _referrals(rows, ids, period, today)
        _workload(rows, ids, period)
    return [rows[d.pk] for d in departments]
