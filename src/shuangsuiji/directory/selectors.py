"""Reads of the directory.  Every one goes through the data-scope policy."""

from __future__ import annotations

from django.db.models import QuerySet

from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action, AnyUser

from .models import InspectionItem, Inspector, Target


def item_list(*, user: AnyUser, department_id: int | None = None) -> QuerySet[InspectionItem]:
    qs = policy.instances_user_has_permission_for(
        user, Action.VIEW, InspectionItem.objects.select_related("department")
    )
    return qs.filter(department_id=department_id) if department_id else qs


def inspector_list(*, user: AnyUser) -> QuerySet[Inspector]:
    return policy.instances_user_has_permission_for(
        user, Action.VIEW, Inspector.objects.select_related("department")
    )


def target_list(*, user: AnyUser) -> QuerySet[Target]:
    return policy.instances_user_has_permission_for(user, Action.VIEW, Target)
