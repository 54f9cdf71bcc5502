"""Joint tasks (跨部门联合抽查, R11): "进一次门、查多项事".

The lead department creates the task with its scope and quotas and names the participants;
each participant confirms its part, adding items from its own published list.  Only then
is the population frozen — over the targets in every participating department's library
(a business in the remit of all the joint items) — and drawn once.  The matching's joint
mode then puts an inspector of every department on each team, and each department enters
its own part of the result; the result is published once, when every part is approved.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action

from ..models import Task, TaskParticipation, TaskStatus
from .errors import TaskStateError


def departments_of(task: Task) -> list[Department]:
    """The lead first, then the participants in their order."""
    return [task.department, *task.participants.order_by("sort_order", "code")]


def unconfirmed(task: Task) -> list[TaskParticipation]:
    return list(task.participations.filter(confirmed_at__isnull=True).select_related("department"))


@transaction.atomic
def task_participation_confirm(
    *, task: Task, department: Department, actor: User, items: Sequence[InspectionItem]
) -> TaskParticipation:
    """A participant confirms its part of a joint task and adds its own items."""
    if not any(
        d.pk == department.pk for d in policy.departments_user_acts_for(actor, Action.CHANGE)
    ):
        raise NotAllowed(_("Only the participating department confirms its part."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.DRAFT:
        raise TaskStateError(_("Parts are confirmed before the population is frozen."))
    participation = (
        TaskParticipation.objects.select_for_update()
        .filter(task=locked, department=department)
        .first()
    )
    if participation is None:
        raise DomainError(_("This department does not take part in the task."))
    if participation.confirmed_at is not None:
        raise DomainError(_("This department has already confirmed its part."))
    if not items:
        raise DomainError(_("Choose at least one of your department's inspection items."))
    if any(i.department_id != department.pk for i in items):
        raise DomainError(_("Choose at least one of your department's inspection items."))
    locked.items.add(*items)
    participation.confirmed_at = timezone.now()
    participation.confirmed_by = actor
    participation.save()
    chain.record(
        actor=actor,
        action="task.participation.confirm",
        obj=locked,
        department=department,
        payload={
            "number": locked.number,
            "department": department.name,
            "items": sorted(i.code for i in items),
        },
    )
    return participation
