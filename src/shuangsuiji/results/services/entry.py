"""Result entry (录入) by the inspectors who went: "谁检查、谁录入".

Only an inspector on the target's team (an active assignment of the task) may enter or
correct a result, and only while it is a draft or returned.  At least two inspectors must
have been present with their certificates shown and valid on the day (R6), each of them
on the team.  A joint task gets one part per department: the part is the entering
inspector's department's, over that department's items.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.tasks.models import Assignment, DrawnTarget, Task, TaskStatus

from ..models import (
    Confidentiality,
    ItemOutcome,
    Result,
    ResultCategory,
    ResultInspector,
    ResultItem,
    ResultStatus,
)
from .deadlines import publication_deadline
from .errors import ResultError

EDITABLE = (ResultStatus.DRAFT, ResultStatus.RETURNED)
MIN_PRESENT = 2


@dataclass
class ResultInput:
    inspection_date: dt.date
    result_date: dt.date
    category: ResultCategory
    findings: str = ""
    refused: bool = False
    confidentiality: str = Confidentiality.NONE
    public_findings: str = ""
    #: inspector pk → certificate shown
    present: dict[int, bool] = field(default_factory=dict)
    #: item pk → (outcome, note)
    outcomes: dict[int, tuple[str, str]] = field(default_factory=dict)


def team(task: Task, target: Target) -> QuerySet[Assignment]:
    """The target's team: the task's active assignments to it."""
    return Assignment.objects.filter(task=task, target=target, active=True).select_related(
        "inspector", "inspector__department"
    )


def user_on_team(user: Any, task: Task, target: Target) -> Inspector | None:
    """The user's inspector record on this target's team, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    a = team(task, target).filter(inspector__user=user).first()
    return a.inspector if a else None


def items_for_part(task: Task, department: Department) -> list[InspectionItem]:
    """The items a department answers for: its own (and its units') in a joint task; all
    of the task's items otherwise."""
    items = list(task.items.select_related("department").order_by("code"))
    own = [i for i in items if i.department.path.startswith(department.path)]
    return own if own and len(own) < len(items) else items


def is_drawn(task: Task, target: Target) -> bool:
    return DrawnTarget.objects.filter(
        draw__task=task, draw__superseded=False, target=target
    ).exists()


def _validate(
    task: Task, target: Target, data: ResultInput, member: Inspector, today: dt.date
) -> dict[int, Inspector]:
    if task.status != TaskStatus.DISPATCHED:
        raise ResultError(_("Results are entered after the task is dispatched."))
    if not is_drawn(task, target):
        raise ResultError(_("This target was not drawn for this task."))
    if data.inspection_date > today:
        raise ResultError(_("The inspection date cannot be in the future."))
    if data.result_date < data.inspection_date:
        raise ResultError(_("The result date cannot be before the inspection date."))
    if data.result_date > today:
        raise ResultError(_("The result date cannot be in the future."))
    if not data.category.active:
        raise ResultError(_("This result category is no longer in use."))
    if data.confidentiality not in Confidentiality.values:
        raise ResultError(_("Unknown confidentiality choice."))
    if data.confidentiality != Confidentiality.NONE and not data.public_findings.strip():
        raise ResultError(
            _(
                "Something is withheld from the public: write the text the public may read "
                "(without the withheld part)."
            )
        )
    members = {a.inspector_id: a.inspector for a in team(task, target)}
    present = [pk for pk, shown in data.present.items() if shown]
    not_shown = [pk for pk, shown in data.present.items() if not shown]
    if not_shown:
        raise ResultError(
            _("Every inspector present must show a law-enforcement certificate (亮证检查).")
        )
    strangers = [pk for pk in present if pk not in members]
    if strangers:
        raise ResultError(_("Only inspectors on this target's team can be recorded as present."))
    if len(present) < MIN_PRESENT:
        raise ResultError(
            _("At least two inspectors must be present, each with a certificate (found %(n)d).")
            % {"n": len(present)}
        )
    for pk in present:
        if not members[pk].certificate_valid_on(data.inspection_date):
            raise ResultError(
                _("%(name)s's certificate was not valid on the inspection date.")
                % {"name": members[pk].name}
            )
    if member.pk not in present:
        raise ResultError(_("You can only enter a result of an inspection you took part in."))
    return {pk: members[pk] for pk in present}


def _content_digest(result: Result) -> str:
    """A digest of what the result says, for the audit row (the row keeps no findings)."""
    body = {
        "inspection_date": result.inspection_date.isoformat(),
        "result_date": result.result_date.isoformat(),
        "category": result.category.code,
        "refused": result.refused,
        "findings": result.findings,
        "confidentiality": result.confidentiality,
        "public_findings": result.public_findings,
        "present": sorted(result.present.values_list("inspector_id", flat=True)),
        "items": sorted(result.item_outcomes.values_list("item_id", "outcome")),
    }
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


@transaction.atomic
def result_save(
    *,
    actor: User,
    task: Task,
    target: Target,
    data: ResultInput,
    submit: bool = False,
) -> Result:
    """Create or correct the actor's department's part of the result; ``submit`` sends it
    to the department's reviewer at once (see :func:`result_submit` to send it later, e.g.
    after its evidence is attached)."""
    task = Task.objects.get(pk=task.pk)  # the task's state now, not the caller's copy
    member = user_on_team(actor, task, target)
    if member is None:
        raise ResultError(
            _("Only the inspectors assigned to this target enter its result (谁检查、谁录入).")
        )
    today = timezone.localdate()
    present = _validate(task, target, data, member, today)
    department = member.department
    items = {i.pk: i for i in items_for_part(task, department)}
    missing = [i.name for pk, i in items.items() if pk not in data.outcomes]
    if missing:
        raise ResultError(
            _("Give an outcome for every item: %(items)s.") % {"items": "、".join(missing)}
        )
    unknown = [pk for pk in data.outcomes if pk not in items]
    if unknown:
        raise ResultError(_("An outcome was given for an item that is not part of this task."))
    for outcome, _note in data.outcomes.values():
        if outcome not in ItemOutcome.values:
            raise ResultError(_("Unknown item outcome."))

    result = (
        Result.objects.select_for_update()
        .filter(task=task, target=target, department=department)
        .first()
    )
    if result is not None and result.status not in EDITABLE:
        raise ResultError(_("This result was submitted; it can be changed only if it is returned."))
    deadline = publication_deadline(data.result_date)
    created = result is None
    if result is None:
        result = Result(task=task, target=target, department=department, entered_by=actor)
    result.inspection_date = data.inspection_date
    result.result_date = data.result_date
    result.category = data.category
    result.refused = data.refused
    result.findings = data.findings.strip()
    result.confidentiality = data.confidentiality
    result.public_findings = data.public_findings.strip()
    result.deadline, result.deadline_provisional = deadline.date, deadline.provisional
    if submit:
        result.status = ResultStatus.SUBMITTED
        result.submitted_at = timezone.now()
    try:
        # Two members of a team may save the first draft at the same moment; the database
        # keeps one part per department, and the second saver is told, not shown a 500.
        with transaction.atomic():
            result.save()
    except IntegrityError as exc:
        raise ResultError(
            _("A colleague on the team saved this result at the same moment; reload and check.")
        ) from exc
    ResultInspector.objects.filter(result=result).delete()
    ResultInspector.objects.bulk_create(
        [
            ResultInspector(result=result, inspector=i, certificate_shown=True)
            for i in present.values()
        ]
    )
    ResultItem.objects.filter(result=result).delete()
    ResultItem.objects.bulk_create(
        [
            ResultItem(result=result, item=items[pk], outcome=outcome, note=note.strip()[:500])
            for pk, (outcome, note) in data.outcomes.items()
        ]
    )
    chain.record(
        actor=actor,
        action="result.submit" if submit else ("result.enter" if created else "result.correct"),
        obj=result,
        payload={
            "task": task.number,
            "target": target.credit_code,
            "category": data.category.name,
            "inspectors": sorted(i.certificate_no for i in present.values()),
            "content_sha256": _content_digest(result),
            "deadline": deadline.date.isoformat(),
        },
    )
    return result


@transaction.atomic
def result_submit(*, actor: User, result: Result) -> Result:
    """Send a saved draft (or a corrected, returned result) to the department's reviewer."""
    if user_on_team(actor, result.task, result.target) is None:
        raise ResultError(
            _("Only the inspectors assigned to this target enter its result (谁检查、谁录入).")
        )
    locked = Result.objects.select_for_update().get(pk=result.pk)
    if locked.status not in EDITABLE:
        raise ResultError(_("This result was already submitted."))
    if locked.present.count() < MIN_PRESENT:
        raise ResultError(
            _("At least two inspectors must be present, each with a certificate (found %(n)d).")
            % {"n": locked.present.count()}
        )
    locked.status = ResultStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    chain.record(
        actor=actor,
        action="result.submit",
        obj=locked,
        payload={
            "task": locked.task.number,
            "target": locked.target.credit_code,
            "content_sha256": _content_digest(locked),
        },
    )
    return locked
