"""Dispatch (派出): the last step of the fixed order before inspection."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import Action

from ..models import Assignment, Task, TaskStatus
from .errors import TaskStateError


@transaction.atomic
def task_dispatch(*, task: Task, actor: User) -> Task:
    """Record that the notices went out and the teams are on their way.  Only after
    matching; recusals stay possible afterwards (a conflict can surface at the door)."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, task):
        raise NotAllowed(_("You may not dispatch this task."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.MATCHED:
        raise TaskStateError(_("Teams are dispatched once, after inspectors are matched."))
    locked.status = TaskStatus.DISPATCHED
    locked.save(update_fields=["status"])
    active = Assignment.objects.filter(task=locked, active=True)
    chain.record(
        actor=actor,
        action="task.dispatch",
        obj=locked,
        payload={
            "number": locked.number,
            "targets": active.values("target_id").distinct().count(),
            "assignments": active.count(),
        },
    )
    return locked
