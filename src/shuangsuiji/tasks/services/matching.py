"""Matching inspectors to the drawn targets (随机匹配、选派) and recusal (回避)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import Conflict, Inspector, InspectorStatus
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.lottery.matching import (
    MatchingInfeasible,
    MatchingInputError,
    canonical_inputs_bytes,
    canonicalize_inputs,
    inputs_digest,
    match_inspectors,
    record_bytes,
    replace,
)
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import Action

from ..models import Assignment, Draw, Matching, Recusal, Task, TaskStatus
from .errors import MatchingInfeasibleError, TaskStateError


def matching_inputs(task: Task, draw: Draw) -> dict[str, Any]:
    """The published inputs of the matching, built from the inspector directory and the
    declared conflicts.  Inspectors are identified by their certificate number, which the
    notices print anyway.  Certificate validity and expertise are filtered by the matching
    itself (and so checked by ``shuangsuiji verify``), not here."""
    departments = [task.department, *task.participants.order_by("code")]
    inspectors = Inspector.objects.filter(
        department__in=departments, status=InspectorStatus.ON_DUTY
    ).select_related("department")
    selected = [s["id"] for s in draw.record["selected"]]
    conflicts = (
        Conflict.objects.filter(
            target__credit_code__in=selected,
            inspector__in=inspectors,
            valid_from__lte=task.period_end,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=task.period_start))
        .select_related("inspector", "target")
    )
    conflict_rows = {
        (c.target.credit_code, c.inspector.certificate_no): c.reason for c in conflicts
    }
    data = {
        "spec": "shuangsuiji-match-v1",
        "task_id": task.number,
        "period": {"start": task.period_start.isoformat(), "end": task.period_end.isoformat()},
        "inspectors_per_target": task.inspectors_per_target,
        "joint_departments": sorted({d.code for d in departments}),
        "required_expertise": sorted(task.required_expertise),
        "inspectors": [
            {
                "id": i.certificate_no,
                "name": i.name,
                "department": i.department.code,
                "certificate_no": i.certificate_no,
                "certificate_valid_from": i.certificate_valid_from.isoformat(),
                "certificate_valid_to": i.certificate_valid_to.isoformat(),
                "expertise": sorted(set(i.expertise)),
                "cap": task.inspector_cap,
            }
            for i in inspectors
        ],
        "conflicts": [
            {"target_id": t, "inspector_id": i, "kind": "declared", "reason": reason}
            for (t, i), reason in sorted(conflict_rows.items())
        ],
        "rotation": None,
    }
    return canonicalize_inputs(data)


@transaction.atomic
def task_match(*, task: Task, actor: User) -> Matching:
    """Match inspectors to the live draw.  When no matching satisfies the constraints,
    the error names the targets and the constraint, and nothing is written."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, task):
        raise NotAllowed(_("You may not match inspectors for this task."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.DRAWN:
        raise TaskStateError(_("Inspectors are matched once, after the draw."))
    draw = Draw.objects.get(task=locked, superseded=False)
    inputs = matching_inputs(locked, draw)
    try:
        record = match_inspectors(draw.record, inputs)
    except MatchingInfeasible as exc:
        raise MatchingInfeasibleError(exc.problems) from exc
    except MatchingInputError as exc:
        raise DomainError(str(exc)) from exc
    matching = Matching.objects.create(
        task=locked,
        draw=draw,
        inputs_bytes=canonical_inputs_bytes(inputs),
        inputs_digest=inputs_digest(inputs),
        record=record,
        record_bytes=record_bytes(record),
        created_at=timezone.now(),
        created_by=actor,
    )
    targets = dict(draw.drawn.values_list("target__credit_code", "target_id"))
    positions = dict(draw.drawn.values_list("target__credit_code", "position"))
    inspectors = dict(
        Inspector.objects.filter(
            certificate_no__in={
                p["inspector_id"] for a in record["assignments"] for p in a["inspectors"]
            }
        ).values_list("certificate_no", "pk")
    )
    Assignment.objects.bulk_create(
        Assignment(
            task=locked,
            matching=matching,
            target_id=targets[a["target_id"]],
            inspector_id=inspectors[p["inspector_id"]],
            position=positions[a["target_id"]],
        )
        for a in record["assignments"]
        for p in a["inspectors"]
    )
    locked.status = TaskStatus.MATCHED
    locked.save(update_fields=["status"])
    chain.record(
        actor=actor,
        action="task.match",
        obj=locked,
        payload={
            "number": locked.number,
            "inputs_digest": matching.inputs_digest,
            "match_seed": record["match_seed"],
            "assignments": len(record["assignments"]),
        },
    )
    return matching


@transaction.atomic
def assignment_recuse(*, assignment: Assignment, actor: User, reason: str) -> Recusal:
    """An inspector steps aside (回避): the slot is refilled by the recorded, reproducible
    replacement draw of shuangsuiji-match-v1; the original assignment stays on record."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, assignment):
        raise NotAllowed(_("You may not recuse this assignment."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the recusal."))
    locked = (
        Assignment.objects.select_for_update()
        .select_related("matching", "target", "inspector")
        .get(pk=assignment.pk)
    )
    if not locked.active:
        raise DomainError(_("This assignment has already been recused."))
    matching = Matching.objects.select_for_update().get(pk=locked.matching_id)
    inputs = json.loads(bytes(matching.inputs_bytes))
    sequence_no = len(matching.record.get("replacements", [])) + 1
    try:
        new_record = replace(
            matching.record,
            inputs,
            locked.target.credit_code,
            locked.inspector.certificate_no,
            reason,
            sequence_no,
        )
    except MatchingInfeasible as exc:
        raise MatchingInfeasibleError(exc.problems) from exc
    except MatchingInputError as exc:
        raise DomainError(str(exc)) from exc
    chosen = new_record["replacements"][-1]["inspector_id"]
    locked.active = False
    locked.save(update_fields=["active"])
    replacement = Assignment.objects.create(
        task_id=locked.task_id,
        matching=matching,
        target=locked.target,
        inspector=Inspector.objects.get(certificate_no=chosen),
        position=locked.position,
        replaces=locked,
    )
    matching.record, matching.record_bytes = new_record, record_bytes(new_record)
    matching.save(update_fields=["record", "record_bytes"])
    recusal = Recusal.objects.create(
        assignment=locked,
        sequence=sequence_no,
        reason=reason,
        replacement=replacement,
        declared_by=actor,
        declared_at=timezone.now(),
    )
    chain.record(
        actor=actor,
        action="task.recusal",
        obj=locked.task,
        payload={
            "sequence": sequence_no,
            "target": locked.target.credit_code,
            "recused": locked.inspector.certificate_no,
            "replacement": chosen,
            "reason": reason,
        },
    )
    return recusal
