"""Writes to the directory: keyword-only, atomic, with the audit row in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action, AnyUser

from .models import InspectionItem

ITEM_EDITABLE_FIELDS = (
    "name",
    "legal_basis",
    "inspecting_body",
    "content",
    "method",
    "target_kind",
    "is_key",
    "active",
)


@transaction.atomic
def item_update(*, item: InspectionItem, actor: AnyUser, data: dict[str, Any]) -> InspectionItem:
    """Change an item; the before/after of each changed field goes on the audit record."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, item):
        raise NotAllowed(_("You may not change this item."))
    locked = InspectionItem.objects.select_for_update().get(pk=item.pk)
    changes: dict[str, list[Any]] = {}
    for field in ITEM_EDITABLE_FIELDS:
        if field in data and getattr(locked, field) != data[field]:
            changes[field] = [getattr(locked, field), data[field]]
            setattr(locked, field, data[field])
    if changes:
        locked.full_clean()
        locked.save()
        chain.record(actor=actor, action="item.update", obj=locked, payload={"changes": changes})
    return locked
