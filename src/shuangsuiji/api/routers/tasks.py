"""Random inspection tasks in their fixed order (R6): create → freeze → draw → match →
dispatch, each step the task service the task pages call; the draws, drawn lists and
teams as records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from shuangsuiji.errors import DomainError
from shuangsuiji.lottery import normalize_entropy
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.plans.models import AnnualPlan
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Assignment, Draw, Task, TaskStatus

from ..auth import OPTIONAL, OPTIONAL_SECURITY, REQUIRED
from ..common import (
    caller,
    department_acted_for,
    department_ref,
    one,
    page,
    responses,
    staff,
    visible,
)
from ..errors import ApiNotFound
from ..schemas import (
    MAX_ID,
    AssignmentPage,
    DrawIn,
    DrawnPage,
    DrawOut,
    PageIn,
    TaskFilters,
    TaskIn,
    TaskOut,
    TaskPage,
)
from .lookups import items_of

router = Router(tags=["tasks 抽查任务"])

TASK_ID = Path(..., ge=1, le=MAX_ID)


def draw_json(draw: Draw) -> dict[str, Any]:
    return {
        "sequence": draw.sequence,
        "commitment": draw.commitment.commitment,
        # The secret is in the published draw record from the draw on; before the draw
        # only its commitment exists anywhere outside the server.
        "secret": draw.commitment.secret,
        "entropy": [str(e) for e in draw.entropy or []],
        "seed": draw.seed,
        "selected_count": draw.selected_count,
        "superseded": draw.superseded,
        "reason": draw.reason,
        "drawn_at": draw.drawn_at,
        "record_url": reverse("web:task_draw_record_sequence", args=[draw.task_id, draw.sequence]),
    }


def task_json(task: Task) -> dict[str, Any]:
    freeze = getattr(task, "freeze", None)
    draws = sorted(task.draws.all(), key=lambda d: d.sequence)
    live = next((d for d in draws if not d.superseded), None)
    matching = None
    if live is not None:
        m = next((m for m in task.matchings.all() if m.draw_id == live.pk), None)
        if m is not None:
            matching = {
                "inputs_digest": m.inputs_digest,
                "match_seed": str(m.record.get("match_seed", "")),
                "created_at": m.created_at,
                "record_url": reverse("web:task_matching_record", args=[task.pk]),
            }
    pending = None
    if task.status == TaskStatus.FROZEN:
        waiting = [c for c in task.commitments.all() if not hasattr(c, "draw")]
        c = max(waiting, key=lambda c: c.sequence, default=None)
        if c is not None:
            pending = {
                "sequence": c.sequence,
                "commitment": c.commitment,
                "created_at": c.created_at,
                "reason": c.reason,
            }
    return {
        "id": task.pk,
        "number": task.number,
        "name": task.name,
        "department": department_ref(task.department),
        "participants": [department_ref(d) for d in task.participants.all()],
        "plan_id": task.plan_id,
        "adhoc_reason": task.adhoc_reason,
        "kind": task.kind,
        "year": task.year,
        "status": task.status,
        "items": [
            {"id": i.pk, "code": i.code, "name": i.name}
            for i in sorted(task.items.all(), key=lambda i: i.code)
        ],
        "scope": task.scope,
        "quotas": {str(k): str(v) for k, v in (task.quotas or {}).items()},
        "inspectors_per_target": task.inspectors_per_target,
        "inspector_cap": task.inspector_cap,
        "period_start": task.period_start,
        "period_end": task.period_end,
        "created_at": task.created_at,
        "freeze": (
            {
                "population_digest": freeze.population_digest,
                "population_size": freeze.population_size,
                "strata": {str(k): int(v) for k, v in (freeze.strata or {}).items()},
                "quota_line": freeze.quota_line,
                "excluded_count": freeze.excluded_count,
                "frozen_at": freeze.frozen_at,
            }
            if freeze is not None
            else None
        ),
        "pending_commitment": pending,
        "draw": draw_json(live) if live is not None else None,
        "matching": matching,
    }


def _tasks(request: HttpRequest) -> QuerySet[Task]:
    return visible(
        caller(request),
        Task.objects.select_related("department", "freeze").prefetch_related(
            "participants", "items", "draws__commitment", "matchings", "commitments__draw"
        ),
    )


@router.get(
    "/tasks",
    response=responses(TaskPage),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Inspection tasks",
)
def list_tasks(
    request: HttpRequest, filters: Query[TaskFilters], params: Query[PageIn]
) -> dict[str, Any]:
    """Without a token: random tasks from their freeze on (the task announcements).
    With one: also the account's departments' drafts, targeted work and joint tasks."""
    qs = _tasks(request)
    if filters.department:
        qs = qs.filter(
            Q(department_id=filters.department) | Q(participants=filters.department)
        ).distinct()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(Q(number__contains=filters.q) | Q(name__contains=filters.q))
    qs = qs.order_by("-year", "department__sort_order", "department_id", "-serial", "pk")
    return page(qs, params, task_json)


@router.get(
    "/tasks/{task_id}",
    response=responses(TaskOut),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One task: freeze, commitment, live draw and matching",
)
def get_task(request: HttpRequest, task_id: int = TASK_ID) -> dict[str, Any]:
    return task_json(one(_tasks(request), task_id))


@router.post("/tasks", response=responses(TaskOut, 201), auth=REQUIRED, summary="Create a task")
def create_task(request: HttpRequest, body: TaskIn) -> Status[dict[str, Any]]:
    """A random task from an approved plan, or ad hoc with its reason (both recorded)."""
    user = staff(request)
    dept = department_acted_for(
        user, body.department, _("You may not create tasks for this department.")
    )
    plan = None
    if body.plan is not None:
        plan = visible(user, AnnualPlan).filter(pk=body.plan).first()
        if plan is None:
            raise DomainError(_("Unknown annual plan: %(id)s.") % {"id": body.plan}, field="plan")
    with transaction.atomic():
        task = services.task_create(
            department=dept,
            actor=user,
            name=body.name,
            items=items_of(user, body.items),
            quotas={str(k): v.strip() for k, v in body.quotas.items()},
            period_start=body.period_start,
            period_end=body.period_end,
            plan=plan,
            adhoc_reason="" if plan is not None else body.adhoc_reason,
            scope=body.scope,
            inspectors_per_target=body.inspectors_per_target,
            inspector_cap=body.inspector_cap,
            required_expertise=list(body.required_expertise),
            exclude_inspected_by_any=body.exclude_inspected_by_any,
            extra_tickets_abnormal=body.extra_tickets_abnormal,
        )
    return Status(201, task_json(one(_tasks(request), task.pk)))


def _acting_on(request: HttpRequest, task_id: int) -> tuple[Any, Task]:
    """The caller and a task it sees; whether it may act is the service's question
    (NotAllowed → 403), as on the pages."""
    user = staff(request)
    return user, one(visible(user, Task), task_id)


@router.post(
    "/tasks/{task_id}/freeze",
    response=responses(TaskOut),
    auth=REQUIRED,
    summary="Freeze the population and publish the commitment",
)
def freeze_task(request: HttpRequest, task_id: int = TASK_ID) -> dict[str, Any]:
    user, task = _acting_on(request, task_id)
    with transaction.atomic():
        services.task_freeze(task=task, actor=user)
    return task_json(one(_tasks(request), task.pk))


@router.post(
    "/tasks/{task_id}/draw",
    response=responses(TaskOut),
    auth=REQUIRED,
    summary="Draw the targets with the public entropy",
)
def draw_task(request: HttpRequest, body: DrawIn, task_id: int = TASK_ID) -> dict[str, Any]:
    """The ceremony's draw: the entropy entries go into the seed in the order given
    (each NFC-normalised and stripped, as on the ceremony page)."""
    user, task = _acting_on(request, task_id)
    try:
        entropy = list(normalize_entropy(body.entropy))
    except LotteryError as exc:
        raise DomainError(
            _("Each entropy entry must be non-empty text on one line."), field="entropy"
        ) from exc
    with transaction.atomic():
        services.task_draw(task=task, actor=user, entropy=entropy)
    return task_json(one(_tasks(request), task.pk))


@router.post(
    "/tasks/{task_id}/match",
    response=responses(TaskOut),
    auth=REQUIRED,
    summary="Match inspectors to the drawn targets",
)
def match_task(request: HttpRequest, task_id: int = TASK_ID) -> dict[str, Any]:
    """When no matching meets the constraints: 400 ``task.matching_infeasible`` with a
    problem per target, and nothing written."""
    user, task = _acting_on(request, task_id)
    with transaction.atomic():
        services.task_match(task=task, actor=user)
    return task_json(one(_tasks(request), task.pk))


@router.post(
    "/tasks/{task_id}/dispatch",
    response=responses(TaskOut),
    auth=REQUIRED,
    summary="Dispatch the teams",
)
def dispatch_task(request: HttpRequest, task_id: int = TASK_ID) -> dict[str, Any]:
    user, task = _acting_on(request, task_id)
    with transaction.atomic():
        services.task_dispatch(task=task, actor=user)
    return task_json(one(_tasks(request), task.pk))


@router.get(
    "/tasks/{task_id}/draws",
    response=responses(list[DrawOut]),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Every draw of a task, superseded ones included",
)
def list_draws(request: HttpRequest, task_id: int = TASK_ID) -> list[dict[str, Any]]:
    user = caller(request)
    task = one(visible(user, Task), task_id)
    draws = visible(user, Draw.objects.select_related("commitment")).filter(task=task)
    return [draw_json(d) for d in draws.order_by("sequence")]


@router.get(
    "/tasks/{task_id}/drawn",
    response=responses(DrawnPage),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="The drawn list (抽取名单) in dispatch order",
)
def list_drawn(
    request: HttpRequest,
    params: Query[PageIn],
    task_id: int = TASK_ID,
    sequence: int | None = Query(None, ge=1, le=1000, description="A draw; default the live one"),
) -> dict[str, Any]:
    user = caller(request)
    task = one(visible(user, Task), task_id)
    draws = visible(user, Draw).filter(task=task)
    draws = draws.filter(sequence=sequence) if sequence else draws.filter(superseded=False)
    draw = draws.first()
    if draw is None:
        raise ApiNotFound()
    rows = draw.drawn.select_related("target").order_by("position")
    return page(
        rows,
        params,
        lambda d: {
            "position": d.position,
            "target_id": d.target_id,
            "credit_code": d.target.credit_code,
            "name": d.target.name,
            "stratum": d.stratum,
        },
        extra={"sequence": draw.sequence},
    )


@router.get(
    "/tasks/{task_id}/assignments",
    response=responses(AssignmentPage),
    auth=REQUIRED,
    summary="The teams (选派): inspectors per drawn target, recused ones inactive",
)
def list_assignments(
    request: HttpRequest, params: Query[PageIn], task_id: int = TASK_ID
) -> dict[str, Any]:
    user = staff(request)
    task = one(visible(user, Task), task_id)
    rows = (
        visible(user, Assignment.objects.select_related("target", "inspector"))
        .filter(task=task)
        .order_by("position", "pk")
    )
    return page(
        rows,
        params,
        lambda a: {
            "id": a.pk,
            "position": a.position,
            "target_id": a.target_id,
            "target_name": a.target.name,
            "credit_code": a.target.credit_code,
            "inspector_id": a.inspector_id,
            "inspector_name": a.inspector.name,
            "certificate_no": a.inspector.certificate_no,
            "active": a.active,
            "replaces": a.replaces_id,
        },
    )
